import type { ConfirmationStatus, MembershipRole, OrgType, PersonalRole } from "#db/generated/client/enums.ts";
import type { Db, DbOrTx } from "../db/client.ts";
import type { Actor } from "../access/permissions.ts";
import { recordAudit } from "../audit/record.ts";
import { hashToken, randomToken } from "./tokens.ts";

export const SESSION_TTL_MS = 30 * 24 * 60 * 60_000;
/** A session is renewed (sliding expiry) at most once in this interval. */
const RENEW_AFTER_MS = 24 * 60 * 60_000;

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
  const expiresAt = new Date((input.now ?? new Date()).getTime() + SESSION_TTL_MS);
  await tx.session.create({
    data: {
      id: hashToken(token),
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
 * The user behind a session cookie, or null when the token is unknown or expired (an expired
 * row is deleted). Renews the expiry to 30 days from now at most once a day.
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
  if (session.expiresAt <= now) {
    await db.session.deleteMany({ where: { id } });
    return null;
  }
  let expiresAt = session.expiresAt;
  if (expiresAt.getTime() - now.getTime() < SESSION_TTL_MS - RENEW_AFTER_MS) {
    expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
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
