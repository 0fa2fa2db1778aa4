import { enqueue } from "../jobs/outbox.ts";
import type { MembershipRole, OrgType, PersonalRole } from "#db/generated/client/enums.ts";
import { Prisma } from "#db/generated/client/client.ts";
import type { Db, Tx } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { recordAudit } from "../audit/record.ts";
import { isValidCreditCode, normaliseCreditCode } from "./credit-code.ts";
import { parseEmail } from "./email.ts";
import { assertPasswordPolicy, hashPassword } from "./passwords.ts";
import { queueAccountMail, queueVerificationMail } from "./account-links.ts";
import { consumeRateLimit, LIMITS, rateLimitedError, rateLimitKey } from "./rate-limit.ts";
import { generateReferenceCode } from "./reference-code.ts";
import { createSession, type NewSession } from "./sessions.ts";
import { hashToken } from "./tokens.ts";
import { type Locale, SELF_DECLARED_ROLES, SELF_SERVICE_ORG_TYPES } from "./constants.ts";

export { SELF_DECLARED_ROLES, SELF_SERVICE_ORG_TYPES, type Locale };

export interface SignUpOptions {
  db: Db;
  email: string;
  name: string;
  password: string;
  organisation:
    { create: { name: string; type: OrgType; creditCode: string; zoneId: string } } | { invitationToken: string };
  personalRoles?: PersonalRole[];
  /** 技术经理人 credential number; required when declaring the broker role. */
  brokerCredentialNo?: string;
  locale?: Locale;
  ip?: string | null;
  userAgent?: string | null;
  now?: Date;
}

/**
 * Creating an organisation: the answer is the same whether or not the email already has an
 * account ("we sent a link to {email}"; ADR 0022) — a new account is mailed its verification
 * link, an existing owner a notice. Joining by invitation: the mailed invitation proves the
 * address, so the user is verified and signed in at once (the result carries the session).
 */
export type SignUpResult =
  | { kind: "verification_sent"; email: string }
  | ({ kind: "signed_in"; userId: string; organisationId: string; membershipRole: MembershipRole } & NewSession);

/** Organisation names compare after NFKC (full-width letters, spaces) and whitespace folding. */
export function normaliseOrganisationName(input: string): string {
  return input.normalize("NFKC").replace(/\s+/g, " ").trim();
}

function badField(field: string, key: string, params?: Record<string, string | number>): AppError {
  return new AppError("bad_request", key, { fieldErrors: { [field]: key }, ...(params ? { params } : {}) });
}

/**
 * Registers a user together with a new organisation (the user becomes its owner) or into an
 * existing one through an invitation (one-time, expiring, addressed to this email). Nothing is
 * written when any check fails.
 */
export async function signUp(options: SignUpOptions): Promise<SignUpResult> {
  const { db } = options;
  const now = options.now ?? new Date();
  const email = parseEmail(options.email);
  const name = options.name.trim();
  if (name.length < 1 || name.length > 100) throw badField("name", "errors.nameRequired");
  assertPasswordPolicy(options.password, { email });
  // Well-formed attempts are counted per address: it slows mass account creation and probing
  // which emails are registered (errors.emailTaken), without touching one-off sign-ups.
  if (options.ip) {
    const limit = await consumeRateLimit({
      db,
      key: rateLimitKey("signup:ip", options.ip),
      ...LIMITS.signupPerIp,
      now,
    });
    if (!limit.allowed) throw rateLimitedError(limit);
  }

  const personalRoles = [...new Set(options.personalRoles ?? [])];
  for (const role of personalRoles) {
    if (!(SELF_DECLARED_ROLES as readonly string[]).includes(role)) {
      throw new AppError("forbidden", "errors.roleNotSelfDeclared", { params: { role } });
    }
  }
  const brokerCredentialNo = options.brokerCredentialNo?.trim() || null;
  if (personalRoles.includes("broker") && !brokerCredentialNo) {
    throw badField("brokerCredentialNo", "errors.brokerCredentialRequired");
  }

  let create: { name: string; type: OrgType; creditCode: string; zoneId: string } | null = null;
  if ("create" in options.organisation) {
    const org = options.organisation.create;
    const orgName = normaliseOrganisationName(org.name);
    if (orgName.length < 2 || orgName.length > 200)
      throw badField("organisationName", "errors.organisationNameRequired");
    if (!(SELF_SERVICE_ORG_TYPES as readonly string[]).includes(org.type)) {
      throw badField("organisationType", "errors.orgTypeNotSelfService");
    }
    const creditCode = normaliseCreditCode(org.creditCode);
    if (!isValidCreditCode(creditCode)) throw badField("creditCode", "errors.creditCodeInvalid");
    create = { name: orgName, type: org.type, creditCode, zoneId: org.zoneId };
  }

  const passwordHash = await hashPassword(options.password);

  try {
    return await db.$transaction(async (tx): Promise<SignUpResult> => {
      // What is public (an organisation's name and credit code) is checked before the email, so
      // the answer about the email is the same whatever else the form says.
      if (create) await assertOrganisationFree(tx, create);
      const existing = await tx.user.findUnique({
        where: { email },
        select: { id: true, email: true, name: true, locale: true },
      });
      if (existing && create) {
        await queueAccountMail(tx, { user: existing, kind: "signup-existing", now });
        await recordAudit(tx, {
          actorId: null,
          action: "user.signup_existing_email",
          entityType: "user",
          entityId: existing.id,
          after: { organisationName: create.name },
          ip: options.ip ?? null,
        });
        return { kind: "verification_sent", email };
      }
      if (existing) {
        // Only the holder of an invitation mailed to this address gets here: telling them the
        // address has an account tells its owner.
        throw new AppError("conflict", "errors.emailTaken", { fieldErrors: { email: "errors.emailTaken" } });
      }
      const user = await tx.user.create({
        data: {
          email,
          name,
          passwordHash,
          // The invitation link was mailed to this address; a new organisation's owner verifies.
          emailVerifiedAt: create ? null : now,
          locale: options.locale ?? "zh-CN",
          brokerCredentialNo: personalRoles.includes("broker") ? brokerCredentialNo : null,
          roles: { create: personalRoles.map((role) => ({ role })) },
        },
        select: { id: true },
      });

      let organisationId: string;
      let zoneId: string;
      let membershipRole: MembershipRole;
      if (create) {
        const org = await createOrganisationRow(tx, create);
        organisationId = org.id;
        zoneId = org.zoneId;
        membershipRole = "owner";
        await recordAudit(tx, {
          actorId: user.id,
          action: "organisation.create",
          entityType: "organisation",
          entityId: org.id,
          zoneId,
          after: {
            name: create.name,
            type: create.type,
            creditCode: create.creditCode,
            referenceCode: org.referenceCode,
          },
          ip: options.ip ?? null,
        });
      } else {
        const token = (options.organisation as { invitationToken: string }).invitationToken;
        const invitation = await acceptInvitation(tx, { token, email, now });
        organisationId = invitation.organisationId;
        zoneId = invitation.zoneId;
        membershipRole = invitation.role;
      }
      await tx.membership.create({ data: { userId: user.id, organisationId, role: membershipRole } });
      // The public directory shows people and organisations (search/indexes); a provider also
      // appears among providers, whose definition decides whether it is listed yet.
      await enqueue(tx, "search.sync", { index: "people", id: user.id });
      if (create) {
        await enqueue(tx, "search.sync", { index: "organisations", id: organisationId });
        await enqueue(tx, "search.sync", { index: "providers", id: organisationId });
      }
      await recordAudit(tx, {
        actorId: user.id,
        action: "user.signup",
        entityType: "user",
        entityId: user.id,
        zoneId,
        after: {
          email,
          name,
          organisationId,
          membershipRole,
          personalRoles,
          via: create ? "new_organisation" : "invitation",
          ...(brokerCredentialNo && personalRoles.includes("broker") ? { brokerCredentialNo } : {}),
        },
        ip: options.ip ?? null,
      });
      if (create) {
        await queueVerificationMail(tx, { userId: user.id, email, name, locale: options.locale ?? "zh-CN", now });
        return { kind: "verification_sent", email };
      }
      const session = await createSession(tx, { userId: user.id, ip: options.ip, userAgent: options.userAgent, now });
      return { kind: "signed_in", userId: user.id, organisationId, membershipRole, ...session };
    });
  } catch (error) {
    const translated = translateUniqueViolation(error);
    // A concurrent sign-up with the same email won the race: the same answer as any taken email.
    if (create && translated instanceof AppError && translated.messageKey === "errors.emailTaken") {
      return { kind: "verification_sent", email };
    }
    throw translated;
  }
}

async function createOrganisationRow(
  tx: Tx,
  input: { name: string; type: OrgType; creditCode: string; zoneId: string },
): Promise<{ id: string; zoneId: string; referenceCode: string }> {
  // Self-registered organisations wait for a zone officer's confirmation (ADR 0022).
  return tx.organisation.create({
    data: { ...input, confirmation: "pending", referenceCode: generateReferenceCode() },
    select: { id: true, zoneId: true, referenceCode: true },
  });
}

/** The zone exists, and no organisation holds this credit code or (case-insensitively) this name. */
async function assertOrganisationFree(
  tx: Tx,
  input: { name: string; creditCode: string; zoneId: string },
): Promise<void> {
  const zone = await tx.zone.findUnique({ where: { id: input.zoneId }, select: { id: true } });
  if (!zone) throw badField("zoneId", "errors.zoneUnknown");
  if (await tx.organisation.findUnique({ where: { creditCode: input.creditCode }, select: { id: true } })) {
    throw new AppError("conflict", "errors.creditCodeTaken", { fieldErrors: { creditCode: "errors.creditCodeTaken" } });
  }
  const sameName = await tx.organisation.findFirst({
    where: { name: { equals: input.name, mode: "insensitive" } },
    select: { id: true },
  });
  if (sameName) {
    throw new AppError("conflict", "errors.organisationNameTaken", {
      fieldErrors: { orgName: "errors.organisationNameTaken" },
    });
  }
}

/** Marks an invitation used, or throws why it cannot be. Concurrent use of one token: one wins. */
async function acceptInvitation(
  tx: Tx,
  input: { token: string; email: string; now: Date },
): Promise<{ organisationId: string; zoneId: string; role: MembershipRole }> {
  const invitation = await tx.invitation.findUnique({
    where: { tokenHash: hashToken(input.token) },
    select: {
      id: true,
      email: true,
      role: true,
      expiresAt: true,
      acceptedAt: true,
      organisation: { select: { id: true, zoneId: true } },
    },
  });
  if (!invitation) throw new AppError("bad_request", "errors.invitationInvalid");
  if (invitation.acceptedAt) throw new AppError("conflict", "errors.invitationUsed");
  if (invitation.expiresAt <= input.now) throw new AppError("bad_request", "errors.invitationExpired");
  if (invitation.email !== input.email) {
    throw new AppError("bad_request", "errors.invitationEmailMismatch", {
      fieldErrors: { email: "errors.invitationEmailMismatch" },
    });
  }
  const claimed = await tx.invitation.updateMany({
    where: { id: invitation.id, acceptedAt: null },
    data: { acceptedAt: input.now },
  });
  if (claimed.count !== 1) throw new AppError("conflict", "errors.invitationUsed");
  return { organisationId: invitation.organisation.id, zoneId: invitation.organisation.zoneId, role: invitation.role };
}

/** A race past the pre-checks ends in a unique violation: report it with the same keys. */
function translateUniqueViolation(error: unknown): unknown {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    const target = JSON.stringify(error.meta ?? {});
    if (target.includes("email")) {
      return new AppError("conflict", "errors.emailTaken", {
        fieldErrors: { email: "errors.emailTaken" },
        cause: error,
      });
    }
    if (/"name"|Organisation_name_key/.test(target)) {
      return new AppError("conflict", "errors.organisationNameTaken", {
        fieldErrors: { orgName: "errors.organisationNameTaken" },
        cause: error,
      });
    }
    if (target.includes("creditCode")) {
      return new AppError("conflict", "errors.creditCodeTaken", {
        fieldErrors: { creditCode: "errors.creditCodeTaken" },
        cause: error,
      });
    }
  }
  return error;
}
