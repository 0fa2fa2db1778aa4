import { Prisma } from "#db/generated/client/client.ts";
import type { Db } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { type Actor, requirePermission } from "../access/permissions.ts";
import { recordAudit } from "../audit/record.ts";

/** e.g. "kunming", "yuxi-east": lower-case Latin letters, digits and hyphens, in URLs and logs. */
export const ZONE_CODE_PATTERN = /^[a-z][a-z0-9-]{1,39}$/;

function text(value: string, field: string, min: number, max: number): string {
  const trimmed = value.trim();
  const length = [...trimmed].length;
  if (length < min || length > max) {
    throw new AppError("bad_request", "errors.textLength", {
      params: { min, max },
      fieldErrors: { [field]: "errors.textLength" },
    });
  }
  return trimmed;
}

/** Adds a high-tech zone (高新区); platform admins only. Its administration (管委会) is an organisation made next. */
export async function createZone(options: {
  db: Db;
  actor: Actor;
  code: string;
  nameZh: string;
  nameEn: string;
  province: string;
  ip?: string | null;
}): Promise<{ id: string; code: string }> {
  const { db, actor } = options;
  requirePermission(actor, "manage:zone:any");
  const code = options.code.trim().toLowerCase();
  if (!ZONE_CODE_PATTERN.test(code)) {
    throw new AppError("bad_request", "errors.zoneCodeInvalid", { fieldErrors: { code: "errors.zoneCodeInvalid" } });
  }
  const data = {
    code,
    nameZh: text(options.nameZh, "nameZh", 2, 100),
    nameEn: text(options.nameEn, "nameEn", 2, 100),
    province: text(options.province, "province", 2, 50),
  };
  const taken = () =>
    new AppError("conflict", "errors.zoneCodeTaken", {
      params: { code },
      fieldErrors: { code: "errors.zoneCodeTaken" },
    });
  try {
    return await db.$transaction(async (tx) => {
      if (await tx.zone.findUnique({ where: { code }, select: { id: true } })) throw taken();
      const zone = await tx.zone.create({ data, select: { id: true, code: true } });
      await recordAudit(tx, {
        actorId: actor.userId,
        action: "zone.create",
        entityType: "zone",
        entityId: zone.id,
        zoneId: zone.id,
        after: data,
        ip: options.ip ?? null,
      });
      return zone;
    });
  } catch (error) {
    // Two admins adding the same code at once: the unique index decides.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw taken();
    throw error;
  }
}
