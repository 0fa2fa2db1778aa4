import { describe, expect, it } from "vitest";
import {
  addWorkingDays,
  CHINA_CALENDAR,
  isWorkingDay,
  shanghaiDate,
  shanghaiMidnight,
  workingDaysBetween,
} from "#domain/calendar/working-days.ts";

describe("Chinese working days in Asia/Shanghai", () => {
  it("reads the calendar date in Shanghai, not UTC", () => {
    expect(shanghaiDate(new Date("2026-03-02T15:59:59Z"))).toBe("2026-03-02");
    expect(shanghaiDate(new Date("2026-03-02T16:00:00Z"))).toBe("2026-03-03");
    expect(shanghaiMidnight("2026-03-03").toISOString()).toBe("2026-03-02T16:00:00.000Z");
  });

  it("excludes weekends and holidays and counts make-up working days", () => {
    expect(isWorkingDay("2026-03-02")).toBe(true); // Monday
    expect(isWorkingDay("2026-03-07")).toBe(false); // Saturday
    expect(isWorkingDay("2026-10-05")).toBe(false); // 国庆节, Monday
    expect(isWorkingDay("2026-10-10")).toBe(true); // 调休, Saturday
    expect(isWorkingDay("2026-02-14")).toBe(true); // 春节调休, Saturday
    expect(isWorkingDay("2026-02-16")).toBe(false); // 春节, Monday
    expect(isWorkingDay("2027-02-08")).toBe(false); // 2027 春节 (provisional)
    expect(CHINA_CALENDAR.years).toEqual([2026, 2027]);
  });

  it("a 5-working-day notice over an ordinary week ends at Shanghai midnight after the fifth day", () => {
    // Published Monday 2026-03-02 10:00 Shanghai: Tue–Fri and the next Monday count.
    const end = addWorkingDays({ start: new Date("2026-03-02T02:00:00Z"), days: 5 });
    expect(end.toISOString()).toBe(shanghaiMidnight("2026-03-10").toISOString());
  });

  it("publication late in the Shanghai evening counts from the next Shanghai day", () => {
    // 2026-03-06 23:30 Shanghai is a Friday there (still Friday 15:30 UTC).
    const end = addWorkingDays({ start: new Date("2026-03-06T15:30:00Z"), days: 1 });
    expect(end.toISOString()).toBe(shanghaiMidnight("2026-03-10").toISOString()); // Monday 3-09 counted
  });

  it("skips the National Day week and counts the 调休 Saturday after it", () => {
    // Published Wednesday 2026-09-30: 10-01…10-07 off, 10-08 Thu, 10-09 Fri, 10-10 Sat (调休), 10-12 Mon, 10-13 Tue.
    const end = addWorkingDays({ start: new Date("2026-09-30T03:00:00Z"), days: 5 });
    expect(end.toISOString()).toBe(shanghaiMidnight("2026-10-14").toISOString());
  });

  it("counts a 调休 Sunday inside the period", () => {
    // Friday 2026-09-18: 9-20 (Sunday 调休), 9-21, 9-22, 9-23, 9-24.
    const end = addWorkingDays({ start: new Date("2026-09-18T02:00:00Z"), days: 5 });
    expect(end.toISOString()).toBe(shanghaiMidnight("2026-09-25").toISOString());
  });

  it("skips the Spring Festival", () => {
    // Friday 2026-02-13: 2-14 (Saturday 调休), then 2-15…2-23 off, 2-24, 2-25, 2-26, 2-27.
    const end = addWorkingDays({ start: new Date("2026-02-13T02:00:00Z"), days: 5 });
    expect(end.toISOString()).toBe(shanghaiMidnight("2026-02-28").toISOString());
  });

  it("takes a configured calendar and rejects nonsense lengths", () => {
    const none = { holidays: new Set<string>(), makeUpWorkdays: new Set<string>(), years: [] };
    const end = addWorkingDays({ start: new Date("2026-09-30T03:00:00Z"), days: 5, calendar: none });
    expect(end.toISOString()).toBe(shanghaiMidnight("2026-10-08").toISOString());
    expect(() => addWorkingDays({ start: new Date(), days: 0 })).toThrow(RangeError);
    expect(() => addWorkingDays({ start: new Date(), days: 1.5 })).toThrow(RangeError);
  });

  it("counts working days left", () => {
    expect(workingDaysBetween({ from: new Date("2026-03-02T02:00:00Z"), to: new Date("2026-03-09T02:00:00Z") })).toBe(
      5,
    );
    expect(workingDaysBetween({ from: new Date("2026-03-09T02:00:00Z"), to: new Date("2026-03-02T02:00:00Z") })).toBe(
      0,
    );
  });
});

describe("the 2026 table against 国办发明电〔2025〕7号", () => {
  // The notice, item by item: 放假 ranges and the weekend days declared 上班.
  const notice = [
    { name: "元旦", off: ["2026-01-01", "2026-01-03"], work: ["2026-01-04"] },
    { name: "春节", off: ["2026-02-15", "2026-02-23"], work: ["2026-02-14", "2026-02-28"] },
    { name: "清明节", off: ["2026-04-04", "2026-04-06"], work: [] },
    { name: "劳动节", off: ["2026-05-01", "2026-05-05"], work: ["2026-05-09"] },
    { name: "端午节", off: ["2026-06-19", "2026-06-21"], work: [] },
    { name: "中秋节", off: ["2026-09-25", "2026-09-27"], work: [] },
    { name: "国庆节", off: ["2026-10-01", "2026-10-07"], work: ["2026-09-20", "2026-10-10"] },
  ];
  const days = (from: string, to: string) => {
    const out: string[] = [];
    for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1))
      out.push(d.toISOString().slice(0, 10));
    return out;
  };

  it.each(notice)("$name: every day off is off and every 调休 day is worked", ({ off, work }) => {
    for (const day of days(off[0]!, off[1]!)) expect(isWorkingDay(day), day).toBe(false);
    for (const day of work) {
      const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
      expect([0, 6], `${day} is a weekend day`).toContain(weekday);
      expect(isWorkingDay(day), day).toBe(true);
    }
  });

  it("has no other 2026 holidays or make-up days than the notice's", () => {
    const off = new Set(notice.flatMap(({ off }) => days(off[0]!, off[1]!)));
    const work = new Set(notice.flatMap(({ work }) => work));
    expect([...CHINA_CALENDAR.holidays].filter((d) => d.startsWith("2026")).sort()).toEqual([...off].sort());
    expect([...CHINA_CALENDAR.makeUpWorkdays].filter((d) => d.startsWith("2026")).sort()).toEqual([...work].sort());
    // 2026 then has 248 working days (365 − 104 weekend days − 19 weekday holidays + 6 make-up days).
    const all = days("2026-01-01", "2026-12-31").filter((d) => isWorkingDay(d));
    expect(all).toHaveLength(248);
  });

  it("the days around the holidays are ordinary", () => {
    expect(isWorkingDay("2025-12-31")).toBe(true); // Wednesday before 元旦
    expect(isWorkingDay("2026-01-05")).toBe(true); // Monday after
    expect(isWorkingDay("2026-02-13")).toBe(true); // Friday before 春节
    expect(isWorkingDay("2026-02-24")).toBe(true); // Tuesday after
    expect(isWorkingDay("2026-02-21")).toBe(false); // inside 春节 (Saturday)
    expect(isWorkingDay("2026-04-07")).toBe(true); // Tuesday after 清明
    expect(isWorkingDay("2026-05-06")).toBe(true);
    expect(isWorkingDay("2026-05-10")).toBe(false); // Sunday after the 调休 Saturday
    expect(isWorkingDay("2026-06-18")).toBe(true);
    expect(isWorkingDay("2026-10-08")).toBe(true);
    expect(isWorkingDay("2026-10-11")).toBe(false);
  });
});
