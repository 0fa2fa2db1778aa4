import type { DbOrTx } from "../db/client.ts";

/**
 * Each job schedule's latest fire, in the database so that every process (the web processes'
 * /healthz, the workers) sees the same thing, whichever process fired it (ADR 0026).
 */
export async function recordScheduleTick(
  db: DbOrTx,
  options: { id: string; job: string; fireAt: Date; now: Date },
): Promise<void> {
  await db.jobScheduleTick.upsert({
    where: { id: options.id },
    create: { id: options.id, job: options.job, lastTickAt: options.now, lastFireAt: options.fireAt, ticks: 1 },
    update: { job: options.job, lastTickAt: options.now, lastFireAt: options.fireAt, ticks: { increment: 1 } },
  });
}

export interface ScheduleTick {
  id: string;
  job: string;
  lastTickAt: Date;
  lastFireAt: Date;
  ticks: number;
}

export async function listScheduleTicks(db: DbOrTx): Promise<ScheduleTick[]> {
  return db.jobScheduleTick.findMany({ orderBy: { id: "asc" } });
}

export interface ScheduleExpectation {
  id: string;
  /** The longest gap between two fires. */
  periodMs: number;
}

export interface ScheduleAge {
  id: string;
  lastTickAt: string | null;
  /** Seconds since the last tick, or since `since` when that is later (or it never ticked). */
  ageSeconds: number;
  periodSeconds: number;
  overdue: boolean;
}

/**
 * How long ago each schedule last ticked; overdue once that exceeds its period plus the grace.
 * The age counts from `since` (the process start) when the last tick is older, so a fresh
 * deployment, or one started after a pause, is not overdue before its first fire is due.
 */
export function scheduleAges(
  schedules: ScheduleExpectation[],
  ticks: ScheduleTick[],
  options: { now: Date; since: Date; graceMs: number },
): ScheduleAge[] {
  const byId = new Map(ticks.map((tick) => [tick.id, tick]));
  return schedules.map((schedule) => {
    const tick = byId.get(schedule.id);
    const from = Math.max(tick?.lastTickAt.getTime() ?? 0, options.since.getTime());
    const ageMs = Math.max(0, options.now.getTime() - from);
    return {
      id: schedule.id,
      lastTickAt: tick ? tick.lastTickAt.toISOString() : null,
      ageSeconds: Math.round(ageMs / 1000),
      periodSeconds: Math.round(schedule.periodMs / 1000),
      overdue: ageMs > schedule.periodMs + options.graceMs,
    };
  });
}
