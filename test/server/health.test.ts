import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "#domain/env.ts";
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
