import type { BrokerLevel, ConfirmationStatus, OrgType } from "#db/generated/client/enums.ts";
import type { Db, DbOrTx } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { type Actor, can, officerZoneIds, requirePermission } from "../access/permissions.ts";
import { recordAudit } from "../audit/record.ts";
import { enqueue } from "../jobs/outbox.ts";

/**
 * Zone officers (or platform admins) confirm what sign-up cannot prove by itself (ADR 0022): that
 * a self-registered organisation is who it says, and that a broker's credential number and level
 * are real. Until then the organisation cannot post, list, buy or bid, and the broker cannot
 * introduce or be attached to deals.
 */

export interface VerificationQueue {
  organisations: {
    id: string;
    name: string;
    type: OrgType;
    creditCode: string;
    zoneId: string;
    createdAt: Date;
    owners: { name: string; email: string }[];
  }[];
  brokers: {
    userId: string;
    name: string;
    email: string;
    credentialNumber: string;
    level: BrokerLevel;
    fields: string[];
    zoneId: string;
    updatedAt: Date;
  }[];
}

/** The zones whose identities the actor confirms: their own zones, or every zone for admins (null). */
function reviewerZones(actor: Actor): string[] | null {
  requirePermission(actor, "confirm:identity:zone");
  return can(actor, "confirm:identity:any") ? null : officerZoneIds(actor);
}

function assertReviewer(actor: Actor, zoneId: string): void {
  requirePermission(actor, "confirm:identity:zone", { zoneId });
}

/** Pending organisations and broker credentials the actor may confirm, oldest first. */
export async function listVerificationQueue(options: { db: DbOrTx; actor: Actor }): Promise<VerificationQueue> {
  const zones = reviewerZones(options.actor);
  const inZones = zones ? { zoneId: { in: zones } } : {};
  const [orgs, brokers] = await Promise.all([
    options.db.organisation.findMany({
      where: { confirmation: "pending", ...inZones },
      orderBy: { createdAt: "asc" },
      take: 200,
      select: {
        id: true,
        name: true,
        type: true,
        creditCode: true,
        zoneId: true,
        createdAt: true,
        memberships: { where: { role: "owner" }, select: { user: { select: { name: true, email: true } } } },
      },
    }),
    options.db.brokerProfile.findMany({
      where: { confirmation: "pending", ...inZones },
      orderBy: { updatedAt: "asc" },
      take: 200,
      select: {
        userId: true,
        credentialNumber: true,
        level: true,
        fields: true,
        zoneId: true,
        updatedAt: true,
        user: { select: { name: true, email: true } },
      },
    }),
  ]);
  return {
    organisations: orgs.map(({ memberships, ...org }) => ({ ...org, owners: memberships.map((m) => m.user) })),
    brokers: brokers.map(({ user, ...b }) => ({ ...b, name: user.name, email: user.email })),
  };
}

type Decision = "confirm" | "reject";

function decided(decision: Decision): ConfirmationStatus {
  if (decision !== "confirm" && decision !== "reject") throw new AppError("bad_request", "errors.decisionInvalid");
  return decision === "confirm" ? "confirmed" : "rejected";
}

/** Confirms or rejects a pending organisation of the actor's zone. */
export async function reviewOrganisation(options: {
  db: Db;
  actor: Actor;
  organisationId: string;
  decision: Decision;
  note?: string;
  ip?: string | null;
  now?: Date;
}): Promise<{ confirmation: ConfirmationStatus }> {
  const { db, actor } = options;
  const confirmation = decided(options.decision);
  const now = options.now ?? new Date();
  const note = String(options.note ?? "")
    .trim()
    .slice(0, 1000);
  return db.$transaction(async (tx) => {
    const org = await tx.organisation.findUnique({
      where: { id: options.organisationId },
      select: { id: true, zoneId: true, confirmation: true, memberships: { select: { userId: true } } },
    });
    if (!org) throw new AppError("not_found", "errors.organisationNotFound");
    assertReviewer(actor, org.zoneId);
    const claimed = await tx.organisation.updateMany({
      where: { id: org.id, confirmation: "pending" },
      data: { confirmation, reviewedAt: now, reviewedById: actor.userId, reviewNote: note },
    });
    if (claimed.count !== 1) throw new AppError("conflict", "errors.alreadyReviewed");
    // The directory shows the confirmation (search/indexes): refresh the organisation and its people.
    await enqueue(tx, "search.sync", { index: "organisations", id: org.id });
    await enqueue(tx, "search.sync", { index: "providers", id: org.id });
    for (const m of org.memberships) await enqueue(tx, "search.sync", { index: "people", id: m.userId });
    await recordAudit(tx, {
      actorId: actor.userId,
      action: `organisation.${options.decision}`,
      entityType: "organisation",
      entityId: org.id,
      zoneId: org.zoneId,
      before: { confirmation: org.confirmation },
      after: { confirmation, note },
      ip: options.ip ?? null,
    });
    return { confirmation };
  });
}

/** Confirms or rejects a broker's pending credential (profile zone = the reviewing officer's zone). */
export async function reviewBrokerProfile(options: {
  db: Db;
  actor: Actor;
  brokerUserId: string;
  decision: Decision;
  note?: string;
  ip?: string | null;
  now?: Date;
}): Promise<{ confirmation: ConfirmationStatus }> {
  const { db, actor } = options;
  const confirmation = decided(options.decision);
  const now = options.now ?? new Date();
  const note = String(options.note ?? "")
    .trim()
    .slice(0, 1000);
  return db.$transaction(async (tx) => {
    const profile = await tx.brokerProfile.findUnique({
      where: { userId: options.brokerUserId },
      select: { userId: true, zoneId: true, credentialNumber: true, level: true },
    });
    if (!profile) throw new AppError("not_found", "errors.brokerProfileNotFound");
    assertReviewer(actor, profile.zoneId);
    if (profile.userId === actor.userId) throw new AppError("forbidden", "errors.forbidden", { params: {} });
    const claimed = await tx.brokerProfile.updateMany({
      where: { userId: profile.userId, confirmation: "pending" },
      data: { confirmation, reviewedAt: now, reviewedById: actor.userId, reviewNote: note },
    });
    if (claimed.count !== 1) throw new AppError("conflict", "errors.alreadyReviewed");
    await recordAudit(tx, {
      actorId: actor.userId,
      action: `broker.credential_${options.decision}`,
      entityType: "BrokerProfile",
      entityId: profile.userId,
      zoneId: profile.zoneId,
      after: { confirmation, credentialNumber: profile.credentialNumber, level: profile.level, note },
      ip: options.ip ?? null,
    });
    return { confirmation };
  });
}
