import type { MembershipRole } from "#db/generated/client/enums.ts";
import type { Db } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { type Actor, requirePermission } from "../access/permissions.ts";
import { recordAudit } from "../audit/record.ts";
import { enqueue } from "../jobs/outbox.ts";
import { parseEmail } from "./email.ts";
import { hashToken, randomToken } from "./tokens.ts";

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60_000;

/** The sign-up path for an invitation token; the mail prefixes the site's origin. */
export function invitationPath(token: string): string {
  return `/signup?invitation=${encodeURIComponent(token)}`;
}

/**
 * Invites an email into an organisation the actor manages and queues the invitation mail in the
 * same transaction. The raw token (only its sha256 is stored) is also returned, for showing a
 * copyable link; it works once, for 7 days, for that email only. Owners are made by transfer,
 * not by invitation.
 */
export async function createInvitation(options: {
  db: Db;
  actor: Actor;
  organisationId: string;
  email: string;
  role: MembershipRole;
  ip?: string | null;
  now?: Date;
}): Promise<{ invitationId: string; token: string; expiresAt: Date; email: string }> {
  const { db, actor, organisationId } = options;
  requirePermission(actor, "manage:organisation:own", { organisationId });
  const email = parseEmail(options.email);
  if (options.role === "owner") {
    throw new AppError("bad_request", "errors.invitationRoleInvalid", {
      fieldErrors: { role: "errors.invitationRoleInvalid" },
    });
  }
  const now = options.now ?? new Date();
  const token = randomToken();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
  return db.$transaction(async (tx) => {
    const org = await tx.organisation.findUnique({
      where: { id: organisationId },
      select: { zoneId: true, name: true },
    });
    if (!org) throw new AppError("not_found", "errors.organisationNotFound");
    const already = await tx.membership.findFirst({
      where: { organisationId, user: { email } },
      select: { userId: true },
    });
    if (already) {
      throw new AppError("conflict", "errors.alreadyMember", { fieldErrors: { email: "errors.alreadyMember" } });
    }
    const invitation = await tx.invitation.create({
      data: {
        organisationId,
        email,
        role: options.role,
        tokenHash: hashToken(token),
        invitedById: actor.userId,
        expiresAt,
      },
      select: { id: true },
    });
    const inviter = await tx.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { name: true } });
    const invitee = await tx.user.findUnique({ where: { email }, select: { locale: true } });
    await enqueue(tx, "mail.send", {
      to: email,
      template: "invitation",
      locale: invitee?.locale === "en" ? "en" : "zh-CN",
      params: { invitePath: invitationPath(token), inviterName: inviter.name, organisationName: org.name },
    });
    await recordAudit(tx, {
      actorId: actor.userId,
      action: "invitation.create",
      entityType: "organisation",
      entityId: organisationId,
      zoneId: org.zoneId,
      after: { invitationId: invitation.id, email, role: options.role, expiresAt },
      ip: options.ip ?? null,
    });
    return { invitationId: invitation.id, token, expiresAt, email };
  });
}
