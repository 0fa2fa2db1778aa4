import crypto from "node:crypto";
import { z } from "zod";
import { parseEnv, type Env } from "#domain/env.ts";
import { createLogTransport } from "#domain/mail/transport.ts";
import { defineJob, createJobRegistry, type JobLogger } from "#workers/jobs.ts";
import { mailSend } from "#workers/definitions/mail-send.ts";
import type { JobDefinition } from "#workers/jobs.ts";

export function memoryLogger(): JobLogger & { lines: { level: string; obj: object; msg?: string | undefined }[] } {
  const lines: { level: string; obj: object; msg?: string | undefined }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, msg });
  return { lines, info: at("info"), warn: at("warn"), error: at("error"), debug: at("debug") };
}

export function testEnv(overrides: Record<string, string | undefined> = {}): Env {
  return parseEnv({ NODE_ENV: "test", APP_URL: "https://jiebang.example.cn", ...overrides });
}

/** Jobs for runner tests: counts runs per key, and one that fails its first `failures` runs. */
export function testJobs() {
  const runs = new Map<string, number>();
  const count = (key: string) => runs.set(key, (runs.get(key) ?? 0) + 1).get(key)!;
  const noteTouch = defineJob({
    name: "test.touch",
    payload: z.object({ label: z.string() }),
    async process(_payload, ctx) {
      count(ctx.idempotencyKey);
    },
  });
  const flaky = defineJob({
    name: "test.flaky",
    payload: z.object({ failures: z.number().int() }),
    async process(payload, ctx) {
      const n = count(ctx.idempotencyKey);
      if (n <= payload.failures) throw new Error(`planned failure ${n}`);
    },
  });
  const registry = createJobRegistry([noteTouch, flaky, mailSend].map((d) => d as unknown as JobDefinition));
  return { runs, registry };
}

export const logMail = () => createLogTransport(memoryLogger());

export function uniqueName(prefix: string): string {
  return `${prefix}-${crypto.randomBytes(4).toString("hex")}`;
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Redis tests run when REDIS_URL is set; with CI=true a missing Redis is a failure, not a skip. */
export function redisUrlForTests(): string | undefined {
  const url = process.env.REDIS_URL || undefined;
  if (!url) {
    if (process.env.CI === "true")
      throw new Error("CI=true but REDIS_URL is not set: the Redis job tests must run in CI");
    console.info("[skip] BullMQ tests not run: REDIS_URL is not set");
  }
  return url;
}
