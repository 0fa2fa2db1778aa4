import type { Db } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { recordAudit } from "../audit/record.ts";
import { parseEmail } from "./email.ts";
import { assertPasswordPolicy, hashPassword } from "./passwords.ts";

/**
 * The first platform admin of a new installation (`npm run admin:create`), or another one made
 * from the command line by whoever runs the servers. Admins made this way need no organisation:
 * their permissions come from the personal role. An existing email is refused, never changed.
 */
export async function createPlatformAdmin(options: {
  db: Db;
  email: string;
  name?: string;
  password: string;
  locale?: "zh-CN" | "en";
}): Promise<{ userId: string; email: string }> {
  const { db } = options;
  const email = parseEmail(options.email);
  const name = (options.name ?? "").trim() || "平台管理员";
  if ([...name].length > 100) {
    throw new AppError("bad_request", "errors.textLength", {
      params: { min: 1, max: 100 },
      fieldErrors: { name: "errors.textLength" },
    });
  }
  assertPasswordPolicy(options.password, { email });
  const passwordHash = await hashPassword(options.password);
  return db.$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email }, select: { id: true } })) {
      throw new AppError("conflict", "errors.emailTaken", { fieldErrors: { email: "errors.emailTaken" } });
    }
    const user = await tx.user.create({
      data: {
        email,
        name,
        passwordHash,
        locale: options.locale ?? "zh-CN",
        roles: { create: [{ role: "platform_admin" }] },
      },
      select: { id: true },
    });
    await recordAudit(tx, {
      actorId: user.id,
      action: "role.grant",
      entityType: "user",
      entityId: user.id,
      after: { role: "platform_admin", email, name, via: "admin:create" },
    });
    return { userId: user.id, email };
  });
}
