import type { ConfirmationStatus, MembershipRole, OrgType, PersonalRole } from "#db/generated/client/enums.ts";
import type { Db, DbOrTx } from "../db/client.ts";
import type { Actor } from "../access/permissions.ts";
import { recordAudit } from "../audit/record.ts";
import { hashToken, randomToken } from "./tokens.ts";

/**
 * A session ends after 2 hours without a request (idle) and 12 hours after login whatever its use
 * (absolute), both enforced here on the server (ADR 0021). `expiresAt` holds the idle end, moved
 * forward at most once a minute; the absolute end is `createdAt` + 12 h.
 */
export const SESSION_IDLE_MS = 2 * 60 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60_000;
/** The idle end moves forward at most once in this interval (one write a minute, not one a request). */
const RENEW_AFTER_MS = 60_000;

export interface NewSession {
  /** The cookie value; only its sha256 is stored. */
  token: string;
  csrfSecret: string;
  expiresAt: Date;
}

/** Creates a session row inside the caller's transaction. */
export async function createSession(
  tx: DbOrTx,
  input: { userId: string; ip?: string | null; userAgent?: string | null; now?: Date },
): Promise<NewSession> {
  const token = randomToken();
  const csrfSecret = randomToken();
  const createdAt = input.now ?? new Date();
  const expiresAt = new Date(createdAt.getTime() + SESSION_IDLE_MS);
  await tx.session.create({
    data: {
      id: hashToken(token),
      createdAt,
      userId: input.userId,
      csrfSecret,
      expiresAt,
      ip: input.ip ?? null,
      userAgent: input.userAgent?.slice(0, 500) ?? null,
    },
  });
  return { token, csrfSecret, expiresAt };
}

export interface SessionUser {
  user: { id: string; email: string; name: string; locale: string; brokerCredentialNo: string | null };
  roles: PersonalRole[];
  memberships: {
    role: MembershipRole;
    organisation: {
      id: string;
      name: string;
      type: OrgType;
      referenceCode: string;
      confirmation: ConfirmationStatus;
      zone: { id: string; code: string; nameZh: string; nameEn: string };
    };
  }[];
  session: { id: string; csrfSecret: string; expiresAt: Date };
  actor: Actor;
}

/**
 * The user behind a session cookie, or null when the token is unknown or expired, idle or absolute
 * (an expired row is deleted). Moves the idle end to 2 hours from now, never past the absolute end.
 */
export async function getSessionUser(options: { db: DbOrTx; token: string; now?: Date }): Promise<SessionUser | null> {
  const { db, token } = options;
  if (!token) return null;
  const now = options.now ?? new Date();
  const id = hashToken(token);
  // Runs on every request: one read, and a write only when expired or due for renewal (no
  // transaction needed: each write is a single statement and both are idempotent).
  const session = await db.session.findUnique({
    where: { id },
    select: {
      id: true,
      csrfSecret: true,
      expiresAt: true,
      createdAt: true,
      user: {
        select: {
          id: true,
          email: true,
          name: true,
          locale: true,
          brokerCredentialNo: true,
          roles: { select: { role: true }, orderBy: { role: "asc" } },
          memberships: {
            orderBy: { createdAt: "asc" },
            select: {
              role: true,
              organisation: {
                select: {
                  id: true,
                  name: true,
                  type: true,
                  referenceCode: true,
                  confirmation: true,
                  zone: { select: { id: true, code: true, nameZh: true, nameEn: true } },
                },
              },
            },
          },
        },
      },
    },
  });
  if (!session) return null;
  const absoluteEnd = session.createdAt.getTime() + SESSION_ABSOLUTE_MS;
  if (session.expiresAt <= now || absoluteEnd <= now.getTime()) {
    await db.session.deleteMany({ where: { id } });
    return null;
  }
  let expiresAt = session.expiresAt;
  const renewed = new Date(Math.min(now.getTime() + SESSION_IDLE_MS, absoluteEnd));
  if (renewed.getTime() - expiresAt.getTime() >= RENEW_AFTER_MS) {
    expiresAt = renewed;
    await db.session.updateMany({ where: { id }, data: { expiresAt } });
  }
  const { roles, memberships, ...user } = session.user;
  return {
    user,
    roles: roles.map((r) => r.role),
    memberships,
    session: { id: session.id, csrfSecret: session.csrfSecret, expiresAt },
    actor: {
      userId: user.id,
      roles: roles.map((r) => r.role),
      memberships: memberships.map((m) => ({
        organisationId: m.organisation.id,
        orgType: m.organisation.type,
        zoneId: m.organisation.zone.id,
        role: m.role,
        confirmation: m.organisation.confirmation,
      })),
    },
  };
}

/** Ends the session of this token (no error when it is already gone). */
export async function logout(options: { db: Db; token: string; ip?: string | null }): Promise<void> {
  const { db } = options;
  const id = hashToken(options.token);
  await db.$transaction(async (tx) => {
    const session = await tx.session.findUnique({ where: { id }, select: { userId: true } });
    if (!session) return;
    await tx.session.delete({ where: { id } });
    await recordAudit(tx, {
      actorId: session.userId,
      action: "user.logout",
      entityType: "user",
      entityId: session.userId,
      zoneId: await primaryZoneId(tx, session.userId),
      ip: options.ip ?? null,
    });
  });
}

/** The zone of the user's first organisation: where identity events of that user are filed. */
export async function primaryZoneId(tx: DbOrTx, userId: string): Promise<string | null> {
  const m = await tx.membership.findFirst({
    where: { userId },
    orderBy: { createdAt: "asc" },
    select: { organisation: { select: { zoneId: true } } },
  });
  return m?.organisation.zoneId ?? null;
}
