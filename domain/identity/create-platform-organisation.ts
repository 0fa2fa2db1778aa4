import { Prisma } from "#db/generated/client/client.ts";
import type { Db } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { type Actor, requirePermission } from "../access/permissions.ts";
import { recordAudit } from "../audit/record.ts";
import { enqueue } from "../jobs/outbox.ts";
import { isValidCreditCode, normaliseCreditCode } from "./credit-code.ts";
import { generateReferenceCode } from "./reference-code.ts";

/** The organisation types nobody signs up as: the platform's own and each zone's 管委会. */
export const PLATFORM_ORG_TYPES = ["platform", "zone_administration"] as const;
export type PlatformOrgType = (typeof PLATFORM_ORG_TYPES)[number];

const badField = (field: string, key: string, params: Record<string, string | number> = {}) =>
  new AppError("bad_request", key, { params, fieldErrors: { [field]: key } });

/**
 * Adds a platform operations organisation (平台运营) or a zone administration (高新区管委会);
 * platform admins only. A zone has one administration. Members join by invitation (/members).
 */
export async function createPlatformOrganisation(options: {
  db: Db;
  actor: Actor;
  name: string;
  type: string;
  zoneId: string;
  creditCode: string;
  ip?: string | null;
}): Promise<{ id: string; referenceCode: string }> {
  const { db, actor } = options;
  requirePermission(actor, "manage:organisation:any");
  const name = options.name.trim();
  if ([...name].length < 2 || [...name].length > 200) throw badField("name", "errors.organisationNameRequired");
  if (!(PLATFORM_ORG_TYPES as readonly string[]).includes(options.type))
    throw badField("type", "errors.orgTypeInvalid");
  const type = options.type as PlatformOrgType;
  const creditCode = normaliseCreditCode(options.creditCode);
  if (!isValidCreditCode(creditCode)) throw badField("creditCode", "errors.creditCodeInvalid");
  const creditCodeTaken = () =>
    new AppError("conflict", "errors.creditCodeTaken", { fieldErrors: { creditCode: "errors.creditCodeTaken" } });
  try {
    return await db.$transaction(async (tx) => {
      const zone = await tx.zone.findUnique({ where: { id: options.zoneId }, select: { id: true } });
      if (!zone) throw badField("zoneId", "errors.zoneUnknown");
      if (await tx.organisation.findUnique({ where: { creditCode }, select: { id: true } })) throw creditCodeTaken();
      if (type === "zone_administration") {
        const existing = await tx.organisation.findFirst({
          where: { zoneId: zone.id, type },
          select: { name: true },
        });
        if (existing) {
          throw new AppError("conflict", "errors.zoneAdministrationExists", {
            params: { name: existing.name },
            fieldErrors: { zoneId: "errors.zoneAdministrationExists" },
          });
        }
      }
      const org = await tx.organisation.create({
        data: { name, type, zoneId: zone.id, creditCode, referenceCode: generateReferenceCode() },
        select: { id: true, referenceCode: true },
      });
      await recordAudit(tx, {
        actorId: actor.userId,
        action: "organisation.create",
        entityType: "organisation",
        entityId: org.id,
        zoneId: zone.id,
        after: { name, type, creditCode, referenceCode: org.referenceCode },
        ip: options.ip ?? null,
      });
      await enqueue(tx, "search.sync", { index: "organisations", id: org.id });
      return org;
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw creditCodeTaken();
    throw error;
  }
}

/** Platform and zone-administration organisations with their zone, for the admin page. */
export async function listPlatformOrganisations(options: { db: Db }) {
  return options.db.organisation.findMany({
    where: { type: { in: [...PLATFORM_ORG_TYPES] } },
    orderBy: [{ zone: { code: "asc" } }, { type: "asc" }, { name: "asc" }],
    select: {
      id: true,
      name: true,
      type: true,
      creditCode: true,
      referenceCode: true,
      zone: { select: { code: true, nameZh: true, nameEn: true } },
      _count: { select: { memberships: true } },
    },
  });
}
