/**
 * Chinese working days in Asia/Shanghai (UTC+8 all year, no daylight saving), for periods the
 * policy counts in 工作日 such as the 公示 (public notice) of a challenge's winner.
 *
 * A day is a working day when it is Monday–Friday and not a public holiday, or when it is a
 * make-up working day (调休上班) on a weekend.
 *
 * Source of the table: 国务院办公厅关于2026年部分节假日安排的通知 (国办发明电〔2025〕7号, dated
 * 2025-11-04, published by Xinhua the same day) for 2026. Checked against the notice's text on
 * 2026-12-01: every holiday range and all six 调休 working days below match it.
 * The 2027 arrangement had not been published when this table was written: 2027 lists only the
 * statutory holidays fixed by 《全国年节及纪念日放假办法》 (2024 revision) on their calendar
 * dates, with no 调休 yet — replace it with the State Council's notice when it appears (usually in
 * November or December of the year before). Zones configure the length of their notice period
 * (ZoneChallengeSettings.publicNoticeWorkingDays), not this table.
 */

export interface HolidayCalendar {
  /** Days off that would otherwise be working days, as YYYY-MM-DD in Shanghai. */
  holidays: ReadonlySet<string>;
  /** Weekend days that are working days (调休), as YYYY-MM-DD in Shanghai. */
  makeUpWorkdays: ReadonlySet<string>;
  /** The years the table covers; outside them only weekends are known. */
  years: readonly number[];
}

function range(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d = new Date(d.getTime() + DAY_MS)) {
    days.push(d.toISOString().slice(0, 10));
  }
  return days;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

export const CHINA_CALENDAR: HolidayCalendar = {
  holidays: new Set([
    // 2026 (国办发明电〔2025〕7号)
    ...range("2026-01-01", "2026-01-03"), // 元旦
    ...range("2026-02-15", "2026-02-23"), // 春节
    ...range("2026-04-04", "2026-04-06"), // 清明节
    ...range("2026-05-01", "2026-05-05"), // 劳动节
    ...range("2026-06-19", "2026-06-21"), // 端午节
    ...range("2026-09-25", "2026-09-27"), // 中秋节
    ...range("2026-10-01", "2026-10-07"), // 国庆节
    // 2027, provisional: statutory days only (see above)
    "2027-01-01", // 元旦
    ...range("2027-02-05", "2027-02-08"), // 春节: 除夕 to 初三
    "2027-04-05", // 清明节
    ...range("2027-05-01", "2027-05-02"), // 劳动节
    "2027-06-09", // 端午节
    "2027-09-15", // 中秋节
    ...range("2027-10-01", "2027-10-03"), // 国庆节
  ]),
  makeUpWorkdays: new Set([
    // 2026
    "2026-01-04", // 元旦调休 (Sunday)
    "2026-02-14", // 春节调休 (Saturday)
    "2026-02-28", // 春节调休 (Saturday)
    "2026-05-09", // 劳动节调休 (Saturday)
    "2026-09-20", // 国庆节调休 (Sunday)
    "2026-10-10", // 国庆节调休 (Saturday)
  ]),
  years: [2026, 2027],
};

/** The Shanghai calendar date of an instant, as YYYY-MM-DD. */
export function shanghaiDate(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant Shanghai's midnight starts the given YYYY-MM-DD. */
export function shanghaiMidnight(date: string): Date {
  return new Date(new Date(`${date}T00:00:00Z`).getTime() - SHANGHAI_OFFSET_MS);
}

function nextDate(date: string): string {
  return new Date(new Date(`${date}T00:00:00Z`).getTime() + DAY_MS).toISOString().slice(0, 10);
}

export function isWorkingDay(date: string, calendar: HolidayCalendar = CHINA_CALENDAR): boolean {
  if (calendar.makeUpWorkdays.has(date)) return true;
  if (calendar.holidays.has(date)) return false;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * When a period of `days` working days that starts at `start` ends: counting begins on the first
 * working day after the start's Shanghai date (the day of publication does not count, as is usual
 * for 公示), and the period ends at Shanghai midnight after the last counted day.
 * E.g. published Friday 2026-09-18 with 5 days: 9-20 (Sunday, 调休), 9-21 … 9-24 → ends 9-25 00:00.
 */
export function addWorkingDays(options: { start: Date; days: number; calendar?: HolidayCalendar }): Date {
  const { start, days } = options;
  if (!Number.isInteger(days) || days < 1 || days > 366)
    throw new RangeError(`addWorkingDays: days must be 1–366, got ${days}`);
  const calendar = options.calendar ?? CHINA_CALENDAR;
  let date = shanghaiDate(start);
  let counted = 0;
  while (counted < days) {
    date = nextDate(date);
    if (isWorkingDay(date, calendar)) counted++;
  }
  return shanghaiMidnight(nextDate(date));
}

/** Working days from `from` (exclusive) up to `to`'s Shanghai date (inclusive); for "n days left". */
export function workingDaysBetween(options: { from: Date; to: Date; calendar?: HolidayCalendar }): number {
  const calendar = options.calendar ?? CHINA_CALENDAR;
  let date = shanghaiDate(options.from);
  const end = shanghaiDate(options.to);
  let n = 0;
  while (date < end) {
    date = nextDate(date);
    if (isWorkingDay(date, calendar)) n++;
  }
  return n;
}

/** The default length of a challenge's 公示, in working days (zones may configure their own). */
export const DEFAULT_PUBLIC_NOTICE_WORKING_DAYS = 5;
