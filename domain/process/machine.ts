import type { Actor } from "../access/permissions.ts";
import { recordAudit } from "../audit/record.ts";
import type { Tx } from "../db/client.ts";
import { AppError } from "../errors.ts";

/**
 * Declared processes (DESIGN.md "Processes as state machines"; Sharetribe's transaction process
 * is the model). A process is a table of named transitions: from-states, to-state, who may act,
 * what it checks, what it does. `runTransition` is the only code that changes a status column: it
 * sets the transaction-local flag `jiebang.process` around one compare-and-set UPDATE, and the
 * database's status-guard trigger rejects every other change of the column. Each transition is
 * written to the audit log with the actor and the time.
 */

/** Who performs a transition: a signed-in user, or the scheduler (timed transitions). */
export type ProcessActor = Actor | { system: string };

export function isSystem(actor: ProcessActor | null | undefined): actor is { system: string } {
  return !!actor && "system" in actor;
}

export function userOf(actor: ProcessActor | null | undefined): Actor | null {
  return actor && !isSystem(actor) ? actor : null;
}

export interface TransitionContext<S extends string, E, I> {
  tx: Tx;
  entity: E;
  from: S;
  actor: ProcessActor | null;
  now: Date;
  input: I;
}

export interface TransitionDef<S extends string, E, I = unknown> {
  from: readonly S[];
  /** The target state, or a function of the context for transitions that return to a saved state. */
  to: S | ((ctx: TransitionContext<S, E, I>) => S);
  /** Who may act. Return false to refuse with 403; an unauthenticated actor is always refused with 401 unless this allows it. */
  allow: (ctx: TransitionContext<S, E, I>) => boolean | Promise<boolean>;
  /** Checks that throw an AppError when the transition may not happen now. */
  guard?: (ctx: TransitionContext<S, E, I>) => void | Promise<void>;
  /**
   * What the transition does after the status changed (ledger, outbox, other rows), in the same
   * transaction. What it returns is added to the audit event (e.g. a ledger transaction id).
   */
  effect?: (
    ctx: TransitionContext<S, E, I> & { to: S },
  ) => void | Record<string, unknown> | Promise<void | Record<string, unknown>>;
  /** Extra facts for the audit event (reasons, amounts). */
  audit?: (ctx: TransitionContext<S, E, I> & { to: S }) => Record<string, unknown>;
}

export interface ProcessDef<S extends string, E extends { id: string; status: S }> {
  /** Audit action prefix: "challenge" → "challenge.approve". */
  name: string;
  /** The table and its status enum type, as in the migration. */
  table: string;
  enumType: string;
  states: readonly S[];
  initial: S;
  /** States nothing leaves. */
  terminal: readonly S[];
  // Transition inputs differ per transition; the declarations type their own input.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  transitions: Record<string, TransitionDef<S, E, any>>;
  zoneOf: (entity: E) => string | null;
}

export function defineProcess<S extends string, E extends { id: string; status: S }>(
  def: ProcessDef<S, E>,
): ProcessDef<S, E> {
  for (const [name, t] of Object.entries(def.transitions)) {
    for (const s of t.from) {
      if (!def.states.includes(s)) throw new Error(`process ${def.name}: transition ${name} leaves unknown state ${s}`);
      if (def.terminal.includes(s))
        throw new Error(`process ${def.name}: transition ${name} leaves terminal state ${s}`);
    }
    if (typeof t.to === "string" && !def.states.includes(t.to))
      throw new Error(`process ${def.name}: transition ${name} enters unknown state ${t.to}`);
  }
  return def;
}

export const PROCESS_ERRORS = {
  transitionNotAllowed: "errors.process.transitionNotAllowed",
  unknownTransition: "errors.process.unknownTransition",
  concurrentChange: "errors.process.concurrentChange",
} as const;

/** The transitions that may leave `status`, for menus and the docs. */
export function transitionsFrom<S extends string, E extends { id: string; status: S }>(
  process: ProcessDef<S, E>,
  status: S,
): string[] {
  return Object.entries(process.transitions)
    .filter(([, t]) => t.from.includes(status))
    .map(([name]) => name);
}

/** Whether the actor could run the transition now (from-state and actor only; guards are not run). */
export async function canRunTransition<S extends string, E extends { id: string; status: S }, I>(
  process: ProcessDef<S, E>,
  options: { tx: Tx; entity: E; transition: string; actor: ProcessActor | null; now: Date; input?: I },
): Promise<boolean> {
  const def = process.transitions[options.transition];
  if (!def || !def.from.includes(options.entity.status)) return false;
  return def.allow({ ...options, from: options.entity.status, input: options.input as I });
}

/**
 * Runs one transition inside the caller's transaction, which must hold the entity's row lock
 * (the callers lock the challenge row first). Throws AppError: conflict when the entity is not in
 * a from-state, unauthenticated/forbidden when the actor may not act, whatever the guard throws.
 * Returns the new state.
 */
export async function runTransition<S extends string, E extends { id: string; status: S }, I>(
  process: ProcessDef<S, E>,
  options: { tx: Tx; entity: E; transition: string; actor: ProcessActor | null; now: Date; input?: I },
): Promise<S> {
  const { tx, entity, transition, actor, now } = options;
  const def = process.transitions[transition] as TransitionDef<S, E, I> | undefined;
  if (!def)
    throw new AppError("bad_request", PROCESS_ERRORS.unknownTransition, {
      params: { process: process.name, transition },
    });
  const from = entity.status;
  const ctx: TransitionContext<S, E, I> = { tx, entity, from, actor, now, input: options.input as I };
  if (!def.from.includes(from)) {
    throw new AppError("conflict", PROCESS_ERRORS.transitionNotAllowed, {
      params: { process: process.name, transition, status: from },
    });
  }
  if (!(await def.allow(ctx))) {
    if (!actor) throw new AppError("unauthenticated", "errors.unauthenticated");
    throw new AppError("forbidden", "errors.forbidden", { params: { transition: `${process.name}.${transition}` } });
  }
  if (def.guard) await def.guard(ctx);
  const to = typeof def.to === "function" ? def.to(ctx) : def.to;
  await setStatus(tx, process, entity.id, from, to);
  (entity as { status: S }).status = to;
  const effected = def.effect ? await def.effect({ ...ctx, to }) : undefined;
  const user = userOf(actor);
  await recordAudit(tx, {
    actorId: user?.userId ?? null,
    action: `${process.name}.${transition}`,
    entityType: process.table,
    entityId: entity.id,
    zoneId: process.zoneOf(entity),
    before: { status: from },
    after: {
      status: to,
      at: now,
      ...(isSystem(actor) ? { system: actor.system } : {}),
      ...(def.audit ? def.audit({ ...ctx, to }) : {}),
      ...(effected ?? {}),
    },
  });
  return to;
}

async function setStatus<S extends string, E extends { id: string; status: S }>(
  tx: Tx,
  process: ProcessDef<S, E>,
  id: string,
  from: S,
  to: S,
): Promise<void> {
  await tx.$executeRawUnsafe(`SELECT set_config('jiebang.process', 'on', true)`);
  const changed = await tx.$executeRawUnsafe(
    `UPDATE "${process.table}" SET "status" = $1::"${process.enumType}" WHERE "id" = $2 AND "status" = $3::"${process.enumType}"`,
    to,
    id,
    from,
  );
  await tx.$executeRawUnsafe(`SELECT set_config('jiebang.process', '', true)`);
  if (changed !== 1)
    throw new AppError("conflict", PROCESS_ERRORS.concurrentChange, { params: { process: process.name } });
}
