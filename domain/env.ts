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
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z.preprocess(emptyAsUndefined, url(["postgres", "postgresql"]).optional()),
  PGLITE_DIR: z.string().default(".data/pglite"),
  REDIS_URL: z.preprocess(emptyAsUndefined, url(["redis", "rediss"]).optional()),
  MEILI_HOST: z.preprocess(emptyAsUndefined, url(["http", "https"]).optional()),
  MEILI_API_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  SMTP_URL: z.preprocess(emptyAsUndefined, url(["smtp", "smtps"]).optional()),
  MAIL_FROM: z.string().default("揭榜平台 <noreply@jiebang.local>"),
  /** Signs nothing secret by itself; mixed into CSRF tokens. Required in production. */
  SESSION_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32).optional()),
  /** The public origin, used in mail links. */
  APP_URL: z.string().url().default("http://localhost:3000"),
  /** Serve cookies without the Secure flag: only for plain-http local use. */
  INSECURE_COOKIES: z.preprocess(emptyAsUndefined, z.enum(["0", "1"]).optional()),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Seed demo data when the database is empty (npm start does; production does not). */
  SEED_DEMO: z.preprocess(emptyAsUndefined, z.enum(["0", "1"]).optional()),
});

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
