/**
 * A small five-field cron matcher for the in-process scheduler (BullMQ has its own). Supports
 * `*`, numbers, ranges `a-b`, steps `*\/n` and `a-b/n`, and lists; day-of-week 0 or 7 is Sunday;
 * when both day fields are restricted either may match (as in Vixie cron).
 */
export interface CronPattern {
  matches(date: Date): boolean;
  /** The same test on local calendar fields (weekday 0 = Sunday). */
  matchesFields(minute: number, hour: number, day: number, month: number, weekday: number): boolean;
}

const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12 },
  { name: "day of week", min: 0, max: 7 },
] as const;

export function parseCron(pattern: string, timeZone: string): CronPattern {
  const parts = pattern.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`Cron pattern "${pattern}" must have five fields`);
  const sets = parts.map((part, i) => parseField(part, FIELDS[i]!, pattern));
  const [minutes, hours, days, months, weekdays] = sets as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  if (weekdays.has(7)) weekdays.add(0);
  const dayRestricted = parts[2] !== "*";
  const weekdayRestricted = parts[4] !== "*";
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    minute: "numeric",
    hour: "numeric",
    day: "numeric",
    month: "numeric",
    weekday: "short",
  });
  const weekdayNumber: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
  const matchesFields = (minute: number, hour: number, day: number, month: number, weekday: number) => {
    if (!minutes.has(minute) || !hours.has(hour) || !months.has(month)) return false;
    const dayMatch = days.has(day);
    const weekdayMatch = weekdays.has(weekday);
    if (dayRestricted && weekdayRestricted) return dayMatch || weekdayMatch;
    return dayMatch && weekdayMatch;
  };
  return {
    matches(date) {
      const fields = Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
      return matchesFields(
        Number(fields.minute),
        Number(fields.hour),
        Number(fields.day),
        Number(fields.month),
        weekdayNumber[fields.weekday ?? ""] ?? -1,
      );
    },
    matchesFields,
  };
}

function parseField(part: string, field: (typeof FIELDS)[number], pattern: string): Set<number> {
  const values = new Set<number>();
  for (const item of part.split(",")) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
    if (!match) throw new Error(`Cron pattern "${pattern}": bad ${field.name} "${item}"`);
    const step = match[4] ? Number(match[4]) : 1;
    let from: number = field.min;
    let to: number = field.max;
    if (match[1] !== "*") {
      from = Number(match[2]);
      to = match[3] !== undefined ? Number(match[3]) : match[4] ? field.max : from;
    }
    if (from < field.min || to > field.max || from > to || step < 1)
      throw new Error(`Cron pattern "${pattern}": ${field.name} out of range`);
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

const periodCache = new Map<string, number>();

/**
 * The longest gap between two fires of a five-field pattern over eight days (enough for daily
 * and weekly patterns; one that fires less often reports eight days). /healthz allows a schedule
 * this long plus a grace before it calls it overdue. Reads the local fields once an hour, so it
 * assumes a zone whose offset is whole hours (Asia/Shanghai).
 */
export function cronPeriodMs(pattern: string, timeZone: string): number {
  const cacheKey = `${timeZone} ${pattern}`;
  const cached = periodCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const cron = parseCron(pattern, timeZone);
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    hour: "numeric",
    day: "numeric",
    month: "numeric",
    weekday: "short",
  });
  const weekdayNumber: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
  const hours = 8 * 24;
  const startHour = Math.floor(Date.UTC(2026, 0, 5) / 3_600_000);
  let previous: number | undefined;
  let longest = 0;
  for (let hour = startHour; hour < startHour + hours; hour++) {
    const fields = Object.fromEntries(format.formatToParts(new Date(hour * 3_600_000)).map((p) => [p.type, p.value]));
    const local = [
      Number(fields.hour),
      Number(fields.day),
      Number(fields.month),
      weekdayNumber[fields.weekday ?? ""] ?? -1,
    ] as const;
    for (let minute = 0; minute < 60; minute++) {
      if (!cron.matchesFields(minute, ...local)) continue;
      const at = hour * 60 + minute;
      if (previous !== undefined) longest = Math.max(longest, at - previous);
      previous = at;
    }
  }
  const period = (longest || hours * 60) * 60_000;
  periodCache.set(cacheKey, period);
  return period;
}
