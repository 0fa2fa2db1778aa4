import type { z } from "zod";
import type { Db } from "#domain/db/client.ts";
import type { Env } from "#domain/env.ts";
import type { MailTransport } from "#domain/mail/transport.ts";
import type { SearchEngine } from "#search/engine.ts";

/** The subset of pino the processors use; pino's Logger satisfies it. */
export interface JobLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface JobContext {
  db: Db;
  mail: MailTransport;
  search?: SearchEngine | undefined;
  log: JobLogger;
  env: Env;
  now(): Date;
  /**
   * Stable across retries of the same job ("ob-<outbox id>", or the scheduler's id and fire
   * time): processors use it as their idempotency key (e.g. the sent MailMessage's id).
   */
  idempotencyKey: string;
  /** 1 for the first run, 2 for the first retry, … */
  attempt: number;
}

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  /** No ':' (BullMQ reserves it); by convention `area.verb`, e.g. "mail.send". */
  name: string;
  payload: S;
  /** Thin: validate nothing more, call domain/ code. Must be idempotent (it may run again). */
  process(payload: z.infer<S>, ctx: JobContext): Promise<void>;
}

export function defineJob<S extends z.ZodType>(definition: JobDefinition<S>): JobDefinition<S> {
  assertJobName(definition.name);
  return definition;
}

export function assertJobName(name: string): void {
  if (!/^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)*$/.test(name)) {
    throw new Error(`Job name "${name}" must be dotted lower camel case words without ':' (e.g. "mail.send")`);
  }
}

export interface JobRegistry {
  get(name: string): JobDefinition | undefined;
  names(): string[];
}

export function createJobRegistry(definitions: readonly JobDefinition[]): JobRegistry {
  const byName = new Map<string, JobDefinition>();
  for (const definition of definitions) {
    assertJobName(definition.name);
    if (byName.has(definition.name)) throw new Error(`Job "${definition.name}" is defined twice`);
    byName.set(definition.name, definition);
  }
  return {
    get: (name) => byName.get(name),
    names: () => [...byName.keys()],
  };
}

/** A payload that fails its schema, or a job nobody defined: retrying cannot help. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentJobError";
  }
}

/** Looks up the definition and validates the payload; throws PermanentJobError when either fails. */
export function resolveJob(
  registry: JobRegistry,
  name: string,
  payload: unknown,
): { definition: JobDefinition; payload: unknown } {
  const definition = registry.get(name);
  if (!definition) throw new PermanentJobError(`No job is defined with the name "${name}"`);
  const parsed = definition.payload.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PermanentJobError(
      `Invalid payload for ${name}: ${issue?.path.join(".") || "payload"}: ${issue?.message ?? "invalid"}`,
    );
  }
  return { definition, payload: parsed.data };
}

export interface RetryPolicy {
  /** Total runs, the first included. */
  attempts: number;
  /** Delay before the first retry; doubles each time (BullMQ's "exponential" backoff). */
  backoffMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 5, backoffMs: 5_000 };

/** Delay before run number `attemptsMade + 1`, the same formula BullMQ uses for exponential backoff. */
export function backoffDelay(policy: RetryPolicy, attemptsMade: number): number {
  return policy.backoffMs * 2 ** Math.max(0, attemptsMade - 1);
}

export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}
