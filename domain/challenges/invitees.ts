import type { ChallengeStatus } from "#db/generated/client/client.ts";
import type { Actor } from "../access/permissions.ts";
import { recordAudit } from "../audit/record.ts";
import type { Db } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { PUBLIC, isSeeker, withChallenge } from "./access.ts";
import { CHALLENGE_ERRORS } from "./constants.ts";

/**
 * Invitations to an invited-only challenge (visibility "invited"; ADR 0017). The enterprise
 * (any member who may post its challenges) invites organisations that can solve (university,
 * research institute, enterprise) or individual researchers. Invitees may be added until bidding
 * closes, and removed only before the challenge is published: once published an invitee may have
 * read the problem and started a bid.
 */
export const SOLVER_ORG_TYPES = ["university", "research_institute", "enterprise"] as const;
const CAN_INVITE = new Set(["draft", "submitted", "returned", "approved", "published"]);
const CAN_UNINVITE = new Set(["draft", "submitted", "returned", "approved"]);

export interface InviteeView {
  id: string;
  kind: "user" | "organisation";
  name: string;
  detail: string;
}

/** Solvers matching a name or e-mail fragment (at most 20 of each kind); a query under 2 characters finds nothing. */
export async function searchSolvers(options: { db: Db; query: string }): Promise<InviteeView[]> {
  const q = String(options.query ?? "").trim();
  if (q.length < 2) return [];
  const contains = { contains: q, mode: "insensitive" as const };
  const [orgs, users] = await Promise.all([
    options.db.organisation.findMany({
      where: { type: { in: [...SOLVER_ORG_TYPES] }, name: contains },
      select: { id: true, name: true, type: true },
      orderBy: { name: "asc" },
      take: 20,
    }),
    options.db.user.findMany({
      where: { roles: { some: { role: "researcher" } }, OR: [{ name: contains }, { email: contains }] },
      select: { id: true, name: true, email: true },
      orderBy: { name: "asc" },
      take: 20,
    }),
  ]);
  return [
    ...orgs.map((o) => ({ id: o.id, kind: "organisation" as const, name: o.name, detail: o.type })),
    ...users.map((u) => ({ id: u.id, kind: "user" as const, name: u.name, detail: u.email })),
  ];
}

/** The invitees of a challenge (callers show them to the enterprise and the zone only). */
export async function listInvitees(options: {
  db: Db;
  challengeId: string;
}): Promise<(InviteeView & { targetId: string })[]> {
  const rows = await options.db.challengeInvitee.findMany({
    where: { challengeId: options.challengeId },
    include: {
      user: { select: { name: true, email: true } },
      organisation: { select: { name: true, type: true } },
    },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((r) =>
    r.user
      ? { id: r.id, targetId: r.userId!, kind: "user" as const, name: r.user.name, detail: r.user.email }
      : {
          id: r.id,
          targetId: r.organisationId!,
          kind: "organisation" as const,
          name: r.organisation?.name ?? "",
          detail: r.organisation?.type ?? "",
        },
  );
}

/** Invites one researcher or one solver organisation; inviting again changes nothing. */
export async function inviteSolver(options: {
  db: Db;
  actor: Actor;
  challengeId: string;
  userId?: string;
  organisationId?: string;
}): Promise<void> {
  const { userId, organisationId } = options;
  if (!!userId === !!organisationId) throw new AppError("bad_request", CHALLENGE_ERRORS.inviteeInvalid);
  await withChallenge(options.db, options.challengeId, async (tx, challenge) => {
    if (!isSeeker(options.actor, challenge)) throw new AppError("forbidden", "errors.forbidden");
    if (challenge.visibility !== "invited") throw new AppError("conflict", CHALLENGE_ERRORS.inviteesNotInvitedOnly);
    if (!CAN_INVITE.has(challenge.status)) throw new AppError("conflict", CHALLENGE_ERRORS.inviteesLocked);
    if (userId) {
      const researcher = await tx.userRole.findUnique({ where: { userId_role: { userId, role: "researcher" } } });
      if (!researcher) throw new AppError("bad_request", CHALLENGE_ERRORS.inviteeInvalid);
    } else {
      const org = await tx.organisation.findUnique({ where: { id: organisationId }, select: { type: true } });
      if (!org || !(SOLVER_ORG_TYPES as readonly string[]).includes(org.type))
        throw new AppError("bad_request", CHALLENGE_ERRORS.inviteeInvalid);
    }
    const where = userId ? { challengeId: challenge.id, userId } : { challengeId: challenge.id, organisationId };
    if (await tx.challengeInvitee.findFirst({ where, select: { id: true } })) return;
    const row = await tx.challengeInvitee.create({ data: where });
    await recordAudit(tx, {
      actorId: options.actor.userId,
      action: "challenge.invite",
      entityType: "Challenge",
      entityId: challenge.id,
      zoneId: challenge.zoneId,
      after: { inviteeId: row.id, userId: userId ?? null, organisationId: organisationId ?? null },
    });
  });
}

/** Removes an invitee before the challenge is published. */
export async function uninviteSolver(options: {
  db: Db;
  actor: Actor;
  challengeId: string;
  inviteeId: string;
}): Promise<void> {
  await withChallenge(options.db, options.challengeId, async (tx, challenge) => {
    if (!isSeeker(options.actor, challenge)) throw new AppError("forbidden", "errors.forbidden");
    if (!CAN_UNINVITE.has(challenge.status)) throw new AppError("conflict", CHALLENGE_ERRORS.inviteesLocked);
    const row = await tx.challengeInvitee.findFirst({ where: { id: options.inviteeId, challengeId: challenge.id } });
    if (!row) throw new AppError("not_found", CHALLENGE_ERRORS.inviteeInvalid);
    await tx.challengeInvitee.delete({ where: { id: row.id } });
    await recordAudit(tx, {
      actorId: options.actor.userId,
      action: "challenge.uninvite",
      entityType: "Challenge",
      entityId: challenge.id,
      zoneId: challenge.zoneId,
      before: { inviteeId: row.id, userId: row.userId, organisationId: row.organisationId },
    });
  });
}

/** Invited-only challenges that invite me (as a user or through an organisation) and are published or later. */
export async function invitedChallenges(options: { db: Db; actor: Actor }) {
  const orgIds = options.actor.memberships.map((m) => m.organisationId);
  const rows = await options.db.challenge.findMany({
    where: {
      visibility: "invited",
      status: { in: [...PUBLIC] as ChallengeStatus[] },
      invitees: {
        some: {
          OR: [{ userId: options.actor.userId }, ...(orgIds.length ? [{ organisationId: { in: orgIds } }] : [])],
        },
      },
    },
    select: { id: true, title: true, status: true, bidDeadline: true },
    orderBy: { bidDeadline: "asc" },
  });
  return rows;
}
