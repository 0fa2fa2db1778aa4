import { assertJobName } from "./jobs.ts";

/**
 * Repeatable jobs. Cron patterns are read in Asia/Shanghai (the platform's time zone: deadlines,
 * nightly runs). BullMQ's job schedulers run them when REDIS_URL is set; workers/cron.ts otherwise.
 */
export interface JobSchedule {
  /** Stable id (BullMQ job scheduler id); no ':'. */
  id: string;
  /** The job definition to run (workers/registry.ts). */
  job: string;
  /** Five-field cron: minute hour day-of-month month day-of-week. */
  pattern: string;
  payload?: Record<string, unknown>;
}

export const SCHEDULE_TIME_ZONE = "Asia/Shanghai";

/** The platform's schedules (their jobs are in workers/registry.ts). */
export const jobSchedules: JobSchedule[] = [
  { id: "ledger-reconcile-nightly", job: "ledger.reconcile", pattern: "30 2 * * *" },
  { id: "holds-expire-every-minute", job: "holds.expire", pattern: "* * * * *" },
  { id: "outbox-prune-daily", job: "outbox.prune", pattern: "15 3 * * *" },
  { id: "challenge-close-due-every-minute", job: "challenge.closeDue", pattern: "* * * * *" },
  { id: "challenge-notices-end-every-minute", job: "challenge.noticesEnd", pattern: "* * * * *" },
  { id: "transfer-offers-expire-every-5-minutes", job: "transfer.offersExpire", pattern: "*/5 * * * *" },
  { id: "match-digest-daily", job: "match.digest", pattern: "0 8 * * *" },
  { id: "transfer-auctions-every-minute", job: "transfer.auctionsTick", pattern: "* * * * *" },
];

export function assertSchedule(schedule: JobSchedule): void {
  assertJobName(schedule.job);
  if (!/^[A-Za-z0-9._-]+$/.test(schedule.id))
    throw new Error(`Schedule id "${schedule.id}" must be letters, digits, '.', '_' or '-'`);
}
