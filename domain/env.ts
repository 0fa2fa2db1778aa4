import { z } from "zod";

/**
 * The process environment, validated once at start. A bad value stops the process with one line
 * naming the variable (see `loadEnv`). Unset optional services select the embedded defaults
 * (docs/decisions/0002-three-modes.md).
 */
const url = (protocols: string[]) =>
  z
    .string()
    .url()
    .refine((value) => protocols.some((p) => value.startsWith(`${p}:`)), {
      message: `must start with ${protocols.map((p) => `${p}://`).join(" or ")}`,
    });

const emptyAsUndefined = (value: unknown) => (value === "" ? undefined : value);

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Loopback unless set: a development server with the demo seed must not be reachable from the network. */
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z.preprocess(emptyAsUndefined, url(["postgres", "postgresql"]).optional()),
  PGLITE_DIR: z.string().default(".data/pglite"),
  REDIS_URL: z.preprocess(emptyAsUndefined, url(["redis", "rediss"]).optional()),
  MEILI_HOST: z.preprocess(emptyAsUndefined, url(["http", "https"]).optional()),
  MEILI_API_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  SMTP_URL: z.preprocess(emptyAsUndefined, url(["smtp", "smtps"]).optional()),
  MAIL_FROM: z.string().default("揭榜平台 <noreply@jiebang.local>"),
  /**
   * Signs CSRF tokens (bound to the session). Required in production, shared by every web process;
   * outside production a secret kept in `.data/session-secret` stands in (server/dev-secret.ts).
   */
  SESSION_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32).optional()),
  /** The public origin, used in mail links. */
  APP_URL: z.string().url().default("http://localhost:3000"),
  /** Serve cookies without the Secure flag: only for plain-http local use. */
  INSECURE_COOKIES: z.preprocess(emptyAsUndefined, z.enum(["0", "1"]).optional()),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Seed demo data when the database is empty (npm start does; production does not). */
  SEED_DEMO: z.preprocess(emptyAsUndefined, z.enum(["0", "1"]).optional()),
  /** Where uploaded attachments are kept when no S3 bucket is configured (ADR 0015). */
  UPLOAD_DIR: z.string().min(1).default(".data/uploads"),
  /** The largest attachment accepted, in bytes (default 10 MiB, at most 100 MiB). */
  UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  /** An S3-compatible bucket for attachments: all five set, or none (then UPLOAD_DIR is used). */
  S3_ENDPOINT: z.preprocess(emptyAsUndefined, url(["http", "https"]).optional()),
  S3_BUCKET: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: "must be a bucket name (3–63 of a–z, 0–9, . and -)" })
      .optional(),
  ),
  S3_REGION: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[a-z0-9-]+$/)
      .optional(),
  ),
  S3_ACCESS_KEY_ID: z.preprocess(emptyAsUndefined, z.string().optional()),
  S3_SECRET_ACCESS_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
});

const S3_VARIABLES = ["S3_ENDPOINT", "S3_BUCKET", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const;

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {}

/** Parses the environment or throws an EnvError whose message is one line naming the variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = issue?.path.join(".") ?? "environment";
    throw new EnvError(`Invalid environment variable ${name}: ${issue?.message ?? "invalid"}`);
  }
  const env = result.data;
  if (env.NODE_ENV === "production" && !env.SESSION_SECRET) {
    throw new EnvError("Invalid environment variable SESSION_SECRET: required in production (32+ characters)");
  }
  const s3Set = S3_VARIABLES.filter((name) => env[name] !== undefined);
  if (s3Set.length > 0 && s3Set.length < S3_VARIABLES.length) {
    const missing = S3_VARIABLES.find((name) => env[name] === undefined);
    throw new EnvError(`Invalid environment variable ${missing}: required when ${s3Set[0]} is set (S3 needs all five)`);
  }
  return env;
}

/** For entry points: parse or print the one line and exit. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  try {
    return parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
