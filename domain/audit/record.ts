import type { Prisma } from "#db/generated/client/client.ts";
import type { DbOrTx } from "../db/client.ts";

export interface AuditInput {
  /** The user who acted; null for the anonymous (a failed login for an unknown email). */
  actorId: string | null;
  /** Dotted verb, e.g. "user.login", "challenge.approve". */
  action: string;
  entityType: string;
  entityId: string;
  zoneId?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  ip?: string | null;
}

/** Keys whose values never enter the audit log, at any depth. */
const SECRET_KEY = /password|token|secret|hash/i;

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? "[redacted]" : redact(v)]),
    );
  }
  return value;
}

/**
 * Writes one audit event inside the caller's transaction, so it exists if and only if the change
 * committed. Before/after are short summaries; secret-looking keys are redacted.
 */
export async function recordAudit(tx: DbOrTx, input: AuditInput): Promise<void> {
  await tx.auditEvent.create({
    data: {
      actorId: input.actorId,
      action: input.action,
      entityType: input.entityType,
      entityId: input.entityId,
      zoneId: input.zoneId ?? null,
      before: input.before ? (redact(input.before) as Prisma.InputJsonObject) : undefined,
      after: input.after ? (redact(input.after) as Prisma.InputJsonObject) : undefined,
      ip: input.ip ?? null,
    },
  });
}
