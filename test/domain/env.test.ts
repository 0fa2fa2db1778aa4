import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "#domain/env.ts";

describe("environment", () => {
  it("selects the embedded defaults when no service is configured", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ PORT: 3000, NODE_ENV: "development", PGLITE_DIR: ".data/pglite" });
    // Loopback unless HOST is set (ADR 0021: the default mode seeds logins with a published password).
    expect(env.HOST).toBe("127.0.0.1");
    expect(parseEnv({ HOST: "0.0.0.0" }).HOST).toBe("0.0.0.0");
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.MEILI_HOST).toBeUndefined();
    expect(env).toMatchObject({ UPLOAD_DIR: ".data/uploads", UPLOAD_MAX_BYTES: 10 * 1024 * 1024 });
    expect(env.S3_ENDPOINT).toBeUndefined();
  });

  it("accepts a complete S3 configuration", () => {
    const env = parseEnv({
      S3_ENDPOINT: "https://s3.example.cn",
      S3_BUCKET: "jiebang-uploads",
      S3_REGION: "cn-southwest-1",
      S3_ACCESS_KEY_ID: "AKID",
      S3_SECRET_ACCESS_KEY: "secret",
    });
    expect(env.S3_BUCKET).toBe("jiebang-uploads");
  });

  it("treats an empty variable as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", REDIS_URL: "" }).DATABASE_URL).toBeUndefined();
  });

  it.each([
    [{ DATABASE_URL: "mysql://x@localhost/db" }, "DATABASE_URL"],
    [{ REDIS_URL: "localhost:6379" }, "REDIS_URL"],
    [{ PORT: "eighty" }, "PORT"],
    [{ NODE_ENV: "staging" }, "NODE_ENV"],
    [{ NODE_ENV: "production" }, "SESSION_SECRET"],
    [{ UPLOAD_MAX_BYTES: "12" }, "UPLOAD_MAX_BYTES"],
    [{ S3_ENDPOINT: "ftp://minio" }, "S3_ENDPOINT"],
    [{ S3_BUCKET: "Bad_Bucket" }, "S3_BUCKET"],
    [{ S3_ENDPOINT: "http://127.0.0.1:9000", S3_BUCKET: "uploads" }, "S3_REGION"],
    [
      { S3_ENDPOINT: "http://127.0.0.1:9000", S3_BUCKET: "uploads", S3_REGION: "r", S3_ACCESS_KEY_ID: "k" },
      "S3_SECRET_ACCESS_KEY",
    ],
  ])("refuses %o naming %s", (source, name) => {
    expect(() => parseEnv(source)).toThrow(EnvError);
    expect(() => parseEnv(source)).toThrow(new RegExp(`^Invalid environment variable ${name}:`));
  });

  it("stops the server with one line naming the variable", () => {
    const root = path.resolve(__dirname, "..", "..");
    const result = spawnSync(
      process.execPath,
      [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), "server/start.ts"],
      {
        cwd: root,
        env: { PATH: process.env.PATH, REDIS_URL: "not-a-url" } as unknown as NodeJS.ProcessEnv,
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid environment variable REDIS_URL: /);
  });
});
