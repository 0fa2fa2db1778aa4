import {
  listScheduleTicks,
  scheduleAges,
  type ScheduleAge,
  type ScheduleExpectation,
} from "#domain/jobs/schedule-ticks.ts";
import { cronPeriodMs } from "#workers/cron.ts";
import { jobSchedules, SCHEDULE_TIME_ZONE } from "#workers/schedules.ts";
import type { Services } from "./services.ts";

export interface HealthReport {
  ok: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
  /** Each job schedule's last tick and whether it is overdue (ADR 0026). */
  schedules?: ScheduleAge[];
}

export interface HealthOptions {
  timeoutMs?: number;
  /** The schedules to expect and their periods; the platform's (workers/schedules.ts) by default. */
  schedules?: ScheduleExpectation[];
  /** How late a tick may be beyond its period before the schedule counts as overdue. */
  graceMs?: number;
  now?: () => Date;
}

/** A tick may be late by this much: a busy queue runs the scheduler's job after the jobs before it. */
export const SCHEDULE_GRACE_MS = 2 * 60_000;

type Check = () => Promise<void>;

async function run(check: Check, timeoutMs: number): Promise<{ ok: boolean; detail?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

let platformSchedules: ScheduleExpectation[] | undefined;
function platformScheduleExpectations(): ScheduleExpectation[] {
  platformSchedules ??= jobSchedules.map((schedule) => ({
    id: schedule.id,
    periodMs: cronPeriodMs(schedule.pattern, SCHEDULE_TIME_ZONE),
  }));
  return platformSchedules;
}

/**
 * The database always; Redis and the search engine when they are configured; and whether every
 * job schedule ticked within its period plus a grace (the ticks are in the database, so every web
 * process answers the same whichever process runs the schedules).
 */
export async function checkHealth(services: Services, options: number | HealthOptions = {}): Promise<HealthReport> {
  const { timeoutMs = 2_000, ...rest } = typeof options === "number" ? { timeoutMs: options } : options;
  const now = rest.now ?? (() => new Date());
  const expected = rest.schedules ?? platformScheduleExpectations();
  let ages: ScheduleAge[] | undefined;
  const checks: Record<string, Check> = {
    database: async () => {
      await services.database.prisma.$queryRawUnsafe("SELECT 1");
    },
  };
  for (const [name, probe] of Object.entries(services.probes)) checks[name] = probe;
  if (expected.length > 0) {
    checks.schedules = async () => {
      const ticks = await listScheduleTicks(services.database.prisma);
      ages = scheduleAges(expected, ticks, {
        now: now(),
        since: services.startedAt,
        graceMs: rest.graceMs ?? SCHEDULE_GRACE_MS,
      });
      const overdue = ages.filter((age) => age.overdue);
      if (overdue.length > 0)
        throw new Error(
          `overdue: ${overdue
            .map(
              (age) =>
                `${age.id} (last tick ${age.lastTickAt ? `${age.ageSeconds} s ago` : "never"}, every ${age.periodSeconds} s)`,
            )
            .join(", ")}`,
        );
    };
  }
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => [name, await run(check, timeoutMs)] as const),
  );
  const result = Object.fromEntries(entries);
  return { ok: entries.every(([, r]) => r.ok), checks: result, ...(ages ? { schedules: ages } : {}) };
}
