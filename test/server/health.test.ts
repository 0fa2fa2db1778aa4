import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "#domain/env.ts";
import { createTestDatabase } from "#tests/support/db.ts";
import { jobSchedules } from "#workers/schedules.ts";
import { checkHealth } from "../../server/health.ts";
import { closeServices, createServices, type Services } from "../../server/services.ts";

describe("/healthz checks", () => {
  let services: Services;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "jiebang-health-"));
    // Redis configured but nothing listens on port 1: the check must report it down, quickly.
    const env = parseEnv({ PGLITE_DIR: dir, REDIS_URL: "redis://127.0.0.1:1" });
    services = await createServices(env, { csrfSecret: "x".repeat(32), log: pino({ level: "silent" }) });
  });
  afterAll(async () => {
    await closeServices(services);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("reports the database up and an unreachable Redis down", async () => {
    const report = await checkHealth(services, 1_000);
    expect(report.ok).toBe(false);
    expect(report.checks.database).toEqual({ ok: true });
    expect(report.checks.redis?.ok).toBe(false);
    expect(report.checks.redis?.detail).toBe("Redis is unreachable at 127.0.0.1:1");
  });

  it("fails while a schedule has not ticked within its period and grace, and reports every schedule's age", async () => {
    const db = await createTestDatabase();
    const prisma = db.prisma;
    const now = Date.now();
    const tick = (id: string, job: string, agoMs: number) =>
      prisma.jobScheduleTick.upsert({
        where: { id },
        create: { id, job, lastTickAt: new Date(now - agoMs), lastFireAt: new Date(now - agoMs) },
        update: { lastTickAt: new Date(now - agoMs) },
      });
    // The process has run for an hour; the schedules lived in a Redis that restarted 10 minutes ago.
    const running = {
      ...services,
      probes: {},
      database: { ...services.database, prisma },
      startedAt: new Date(now - 3_600_000),
    };
    for (const schedule of jobSchedules) await tick(schedule.id, schedule.job, 10 * 60_000);
    const down = await checkHealth(running, 1_000);
    expect(down.ok).toBe(false);
    expect(down.checks.schedules?.ok).toBe(false);
    expect(down.checks.schedules?.detail).toContain("holds-expire-every-minute");
    expect(down.checks.schedules?.detail).not.toContain("ledger-reconcile-nightly");
    const holds = down.schedules?.find((age) => age.id === "holds-expire-every-minute");
    expect(holds).toMatchObject({ overdue: true, periodSeconds: 60 });
    expect(holds?.ageSeconds).toBeGreaterThanOrEqual(600);
    expect(holds?.ageSeconds).toBeLessThan(660);
    expect(down.schedules?.find((age) => age.id === "ledger-reconcile-nightly")).toMatchObject({
      overdue: false,
      periodSeconds: 86_400,
    });

    // Registered again, they tick: healthy.
    for (const schedule of jobSchedules) await tick(schedule.id, schedule.job, 5_000);
    const up = await checkHealth(running, 1_000);
    expect(up).toMatchObject({ ok: true, checks: { schedules: { ok: true } } });
    expect(up.schedules).toHaveLength(jobSchedules.length);
    await db.close();
  });

  it("reports a closed database down", async () => {
    const report = await checkHealth(
      { ...services, probes: {}, database: { ...services.database, prisma: brokenClient() } },
      1_000,
    );
    expect(report).toMatchObject({ ok: false, checks: { database: { ok: false } } });
  });
});

function brokenClient(): Services["database"]["prisma"] {
  return {
    $queryRawUnsafe: () => Promise.reject(new Error("connection refused")),
  } as unknown as Services["database"]["prisma"];
}
