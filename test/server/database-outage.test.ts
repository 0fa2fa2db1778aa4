import type { ServerBuild } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { openDatabase } from "#domain/db/client.ts";
import { zhCN } from "#app/i18n/zh-CN.ts";
import { en } from "#app/i18n/en.ts";
import {
  DATABASE_UNAVAILABLE,
  isDatabaseUnavailable,
  withDatabaseOutageResponses,
} from "../../server/database-outage.ts";

async function unreachableDatabaseError(): Promise<unknown> {
  // Nothing listens on port 1: the error Prisma and the pg adapter give for a database that is down.
  const database = await openDatabase({ url: "postgresql://postgres@127.0.0.1:1/jiebang" });
  try {
    await database.prisma.$transaction(async (tx) => tx.user.findFirst());
    throw new Error("expected the query to fail");
  } catch (error) {
    return error;
  } finally {
    await database.close().catch(() => undefined);
  }
}

function buildWith(action: () => Promise<unknown>): ServerBuild {
  return {
    routes: { "routes/pay": { id: "routes/pay", path: "pay", module: { action, default: () => null } } },
  } as unknown as ServerBuild;
}

describe("a request that meets a database outage", () => {
  it("recognises Prisma's error for an unreachable database, and not other errors", async () => {
    expect(isDatabaseUnavailable(await unreachableDatabaseError())).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("Unique constraint failed"), { code: "P2002" }))).toBe(false);
    expect(isDatabaseUnavailable(new Error("Cannot read properties of undefined"))).toBe(false);
    expect(isDatabaseUnavailable(new Error("wrapped", { cause: { code: "57P01" } }))).toBe(true);
  });

  it("answers 503 with a reason the error page recognises, and leaves other errors alone", async () => {
    const warnings: object[] = [];
    const log = { warn: (obj: object) => void warnings.push(obj) };
    const outage = await unreachableDatabaseError();
    const wrapped = withDatabaseOutageResponses(
      buildWith(() => Promise.reject(outage)),
      log,
    );
    const action = wrapped.routes["routes/pay"]!.module.action as (args: unknown) => Promise<unknown>;
    const thrown = await action({}).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(503);
    expect(await (thrown as Response).json()).toEqual({ reason: DATABASE_UNAVAILABLE });
    expect(warnings).toHaveLength(1);

    const bug = new Error("a bug");
    const other = withDatabaseOutageResponses(
      buildWith(() => Promise.reject(bug)),
      log,
    ).routes["routes/pay"]!.module.action as (args: unknown) => Promise<unknown>;
    await expect(other({})).rejects.toBe(bug);
  });

  it("tells the user in both languages that nothing changed and retrying is safe", () => {
    expect(zhCN["error.databaseBody"]).toContain("没有任何数据被更改");
    expect(zhCN["error.databaseBody"]).toContain("重试是安全的");
    expect(en["error.databaseBody"]).toContain("nothing was changed");
    expect(en["error.databaseBody"]).toContain("trying again is safe");
  });
});
