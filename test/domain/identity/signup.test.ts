import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import { actorOf, createOrganisation, createUser, createZone } from "#tests/support/factories.ts";
import { createInvitation } from "#domain/identity/invitations.ts";
import { signUp } from "#domain/identity/signup.ts";
import { getSessionUser } from "#domain/identity/sessions.ts";
import { generateCreditCode } from "#domain/identity/credit-code.ts";
import { hashToken } from "#domain/identity/tokens.ts";
import { LIMITS } from "#domain/identity/rate-limit.ts";
import { verifyEmail } from "#domain/identity/account-links.ts";
import { login } from "#domain/identity/login.ts";

let database: TestDatabase;
let zoneId: string;
const db = () => database.prisma;

beforeAll(async () => {
  database = await createTestDatabase();
  zoneId = (await createZone({ db: db() })).id;
});
afterAll(async () => {
  await database?.close();
});

async function counts() {
  const p = db();
  return {
    users: await p.user.count(),
    orgs: await p.organisation.count(),
    memberships: await p.membership.count(),
    sessions: await p.session.count(),
    audit: await p.auditEvent.count(),
  };
}

type MailPayload = { to: string; template: string; params: Record<string, string> };
async function mailsTo(email: string): Promise<MailPayload[]> {
  const rows = await db().outboxJob.findMany({ where: { name: "mail.send" }, orderBy: { createdAt: "asc" } });
  return rows.map((r) => r.payload as MailPayload).filter((p) => p.to === email);
}
function tokenOf(path: string): string {
  return decodeURIComponent(new URL(path, "http://x").searchParams.get("token")!);
}

async function expectRefusal(promise: Promise<unknown>, messageKey: string) {
  await expect(promise).rejects.toMatchObject({ name: "AppError", messageKey });
}

describe("signUp creating an organisation", () => {
  it("makes the user owner of a pending organisation, mails a verification link (no session yet) and audits it", async () => {
    const creditCode = generateCreditCode({ division: "530100" });
    const result = await signUp({
      db: db(),
      email: "  Zhang.Wei@Dianchi-Li.cn ",
      name: "张伟",
      password: "滇池锂电2026正极材料",
      organisation: {
        create: {
          name: "云南滇池锂电新材料有限公司",
          type: "enterprise",
          creditCode: creditCode.toLowerCase(),
          zoneId,
        },
      },
      personalRoles: ["broker"],
      brokerCredentialNo: "JSJJ-53-2026-00017",
      ip: "10.0.0.1",
    });
    expect(result).toEqual({ kind: "verification_sent", email: "zhang.wei@dianchi-li.cn" });
    const user = await db().user.findUniqueOrThrow({
      where: { email: "zhang.wei@dianchi-li.cn" },
      include: { roles: true, memberships: true },
    });
    expect(user.memberships.map((m) => m.role)).toEqual(["owner"]);
    expect(user.emailVerifiedAt).toBeNull();
    expect(await db().session.count({ where: { userId: user.id } })).toBe(0);
    expect(user.email).toBe("zhang.wei@dianchi-li.cn");
    expect(user.passwordHash.startsWith("$argon2id$")).toBe(true);
    expect(user.brokerCredentialNo).toBe("JSJJ-53-2026-00017");
    expect(user.roles.map((r) => r.role)).toEqual(["broker"]);
    const org = await db().organisation.findUniqueOrThrow({ where: { id: user.memberships[0]!.organisationId } });
    expect(org).toMatchObject({ creditCode, type: "enterprise", zoneId, confirmation: "pending" });
    expect(org.referenceCode).toMatch(/^JB[2-9A-Z]{7}$/);

    // Signing in is refused until the mailed link is opened; the link signs the user in.
    await expectRefusal(
      login({ db: db(), email: "zhang.wei@dianchi-li.cn", password: "滇池锂电2026正极材料" }),
      "errors.emailNotVerified",
    );
    const [mail] = await mailsTo("zhang.wei@dianchi-li.cn");
    expect(mail?.template).toBe("verify-email");
    const verified = await verifyEmail({ db: db(), token: tokenOf(mail!.params.verifyPath!), ip: "10.0.0.1" });
    const current = await getSessionUser({ db: db(), token: verified.token });
    expect(current?.user.id).toBe(user.id);
    expect(current?.memberships[0]?.role).toBe("owner");
    // A pending organisation's owner may invite colleagues but not post, list, buy or bid.
    expect(current?.actor.memberships[0]?.confirmation).toBe("pending");
    const { can } = await import("#domain/access/permissions.ts");
    expect(can(current!.actor, "manage:organisation:own", { organisationId: org.id })).toBe(true);
    expect(can(current!.actor, "post:challenge:own", { organisationId: org.id })).toBe(false);
    expect(can(current!.actor, "buy:offer:any")).toBe(false);
    await expect(verifyEmail({ db: db(), token: tokenOf(mail!.params.verifyPath!) })).rejects.toMatchObject({
      messageKey: "errors.accountLinkInvalid",
    });

    const audit = await db().auditEvent.findMany({ where: { actorId: user.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action).slice(0, 2)).toEqual(["organisation.create", "user.signup"]);
    expect(audit.slice(0, 2).every((a) => a.zoneId === zoneId && a.ip === "10.0.0.1")).toBe(true);
    expect(JSON.stringify(audit.map((a) => [a.before, a.after]))).not.toContain("滇池锂电2026正极材料");
  });

  it("answers a registered email exactly as a new one, creates nothing and mails the owner a notice", async () => {
    await createUser({ db: db(), email: "li.na@example.cn", passwordHash: "x" });
    const before = await counts();
    const answer = await signUp({
      db: db(),
      email: "LI.NA@example.cn",
      name: "李娜",
      password: "另一个足够长的登录密码",
      organisation: {
        create: {
          name: "云南春城生物医药科技有限公司",
          type: "enterprise",
          creditCode: generateCreditCode(),
          zoneId,
        },
      },
    });
    expect(answer).toEqual({ kind: "verification_sent", email: "li.na@example.cn" });
    const after = await counts();
    expect({ ...after, audit: before.audit }).toEqual(before);
    expect((await mailsTo("li.na@example.cn")).map((m) => m.template)).toEqual(["signup-existing"]);
    expect(await db().organisation.count({ where: { name: "云南春城生物医药科技有限公司" } })).toBe(0);
  });

  it("refuses a second organisation with a taken name (any case, full-width or spaced)", async () => {
    const existing = await createOrganisation({ db: db(), zoneId, type: "university", name: "昆明理工大学" });
    const before = await counts();
    for (const name of ["昆明理工大学", " 昆明理工大学 ", "昆明理工大学".normalize("NFKC")]) {
      await expectRefusal(
        signUp({
          db: db(),
          email: "poser@example.cn",
          name: "冒名者",
          password: "冒充高校的长密码2026",
          organisation: { create: { name, type: "university", creditCode: generateCreditCode(), zoneId } },
        }),
        "errors.organisationNameTaken",
      );
    }
    await expectRefusal(
      signUp({
        db: db(),
        email: "poser@example.cn",
        name: "冒名者",
        password: "冒充高校的长密码2026",
        organisation: { create: { name: "Kunming Tech", type: "university", creditCode: existing.creditCode, zoneId } },
      }),
      "errors.creditCodeTaken",
    );
    expect(await counts()).toEqual(before);
    // The database refuses it too, whatever path writes it.
    await expect(createOrganisation({ db: db(), zoneId, name: "昆明理工大学" })).rejects.toMatchObject({
      code: "P2002",
    });
  });

  it("two concurrent sign-ups with one email: one account, both get the same answer", async () => {
    const attempt = (branch: string) =>
      signUp({
        db: db(),
        email: "he.yunlong@example.cn",
        name: "和云龙",
        password: "同时提交的注册密码2026",
        organisation: {
          create: {
            name: `云南澜沧植物提取科技有限公司${branch}`,
            type: "enterprise",
            creditCode: generateCreditCode(),
            zoneId,
          },
        },
      });
    const results = await Promise.allSettled([attempt(""), attempt("（二）")]);
    const answers = results.map((r) => (r.status === "fulfilled" ? r.value : r.reason));
    expect(answers).toEqual([
      { kind: "verification_sent", email: "he.yunlong@example.cn" },
      { kind: "verification_sent", email: "he.yunlong@example.cn" },
    ]);
    expect(await db().user.count({ where: { email: "he.yunlong@example.cn" } })).toBe(1);
    expect(await db().organisation.count({ where: { name: { startsWith: "云南澜沧植物提取科技有限公司" } } })).toBe(1);
  });

  it("refuses invalid input before writing anything", async () => {
    const before = await counts();
    const base = {
      db: db(),
      email: "wang.fang@example.cn",
      name: "王芳",
      password: "高新区揭榜挂帅2026",
      organisation: {
        create: {
          name: "云南高原光电子科技有限公司",
          type: "enterprise" as const,
          creditCode: generateCreditCode(),
          zoneId,
        },
      },
    };
    // The same code with a different check character: always invalid.
    const good = generateCreditCode();
    const badCode = good.slice(0, 17) + (good[17] === "0" ? "1" : "0");
    await expectRefusal(
      signUp({ ...base, organisation: { create: { ...base.organisation.create, creditCode: badCode } } }),
      "errors.creditCodeInvalid",
    );
    await expectRefusal(signUp({ ...base, password: "short" }), "errors.passwordTooShort");
    await expectRefusal(signUp({ ...base, email: "not-an-email" }), "errors.emailInvalid");
    await expectRefusal(signUp({ ...base, personalRoles: ["platform_admin"] }), "errors.roleNotSelfDeclared");
    await expectRefusal(signUp({ ...base, personalRoles: ["finance"] }), "errors.roleNotSelfDeclared");
    await expectRefusal(signUp({ ...base, personalRoles: ["broker"] }), "errors.brokerCredentialRequired");
    await expectRefusal(
      signUp({ ...base, organisation: { create: { ...base.organisation.create, type: "zone_administration" } } }),
      "errors.orgTypeNotSelfService",
    );
    await expectRefusal(
      signUp({ ...base, organisation: { create: { ...base.organisation.create, zoneId: "no-such-zone" } } }),
      "errors.zoneUnknown",
    );
    const taken = await createOrganisation({ db: db(), zoneId });
    const mid = await counts();
    await expectRefusal(
      signUp({ ...base, organisation: { create: { ...base.organisation.create, creditCode: taken.creditCode } } }),
      "errors.creditCodeTaken",
    );
    expect(await counts()).toEqual(mid);
    expect(mid.users).toBe(before.users);
  });

  it("lets researchers and experts declare themselves", async () => {
    const result = await signUp({
      db: db(),
      email: "chen.siyuan@ynu.example.cn",
      name: "陈思远",
      password: "材料学院课题组2026",
      organisation: {
        create: { name: "云南省稀贵金属研究院", type: "research_institute", creditCode: generateCreditCode(), zoneId },
      },
      personalRoles: ["researcher", "expert"],
    });
    expect(result.kind).toBe("verification_sent");
    const user = await db().user.findUniqueOrThrow({ where: { email: "chen.siyuan@ynu.example.cn" } });
    const roles = await db().userRole.findMany({ where: { userId: user.id } });
    expect(roles.map((r) => r.role).sort()).toEqual(["expert", "researcher"]);
  });
});

describe("signUp by invitation", () => {
  async function inviter() {
    const org = await createOrganisation({ db: db(), zoneId, type: "university" });
    const owner = await createUser({
      db: db(),
      passwordHash: "x",
      memberships: [{ organisationId: org.id, role: "owner" }],
    });
    return { org, actor: await actorOf({ db: db(), userId: owner.id }) };
  }

  it("joins the organisation with the invited role; the token works once", async () => {
    const { org, actor } = await inviter();
    const invitation = await createInvitation({
      db: db(),
      actor,
      organisationId: org.id,
      email: "Yang.Zihan@example.cn",
      role: "admin",
    });
    const stored = await db().invitation.findUniqueOrThrow({ where: { id: invitation.invitationId } });
    const mails = await db().outboxJob.findMany({ where: { name: "mail.send" } });
    const mail = mails
      .map((m) => m.payload as { to: string; template: string; params: Record<string, string> })
      .find((p) => p.template === "invitation");
    expect(mail).toMatchObject({ to: "yang.zihan@example.cn", params: { organisationName: org.name } });
    expect(mail?.params.invitePath).toContain(encodeURIComponent(invitation.token));
    expect(stored.tokenHash).toBe(hashToken(invitation.token));
    expect(JSON.stringify(stored)).not.toContain(invitation.token);

    const joined = await signUp({
      db: db(),
      email: "yang.ziham@example.cn".replace("ziham", "zihan"),
      name: "杨子涵",
      password: "实验室里的长密码2026",
      organisation: { invitationToken: invitation.token },
    });
    expect(joined).toMatchObject({ organisationId: org.id, membershipRole: "admin" });
    expect(
      (await db().invitation.findUniqueOrThrow({ where: { id: invitation.invitationId } })).acceptedAt,
    ).not.toBeNull();
    const invitedAudit = await db().auditEvent.findFirstOrThrow({
      where: { action: "invitation.create", entityId: org.id },
    });
    expect(invitedAudit).toMatchObject({ actorId: actor.userId, zoneId });
    expect(JSON.stringify(invitedAudit.after)).not.toContain(invitation.token);

    const before = await counts();
    await expectRefusal(
      signUp({
        db: db(),
        email: "yang.zihan2@example.cn",
        name: "杨子涵",
        password: "实验室里的长密码2026",
        organisation: { invitationToken: invitation.token },
      }),
      "errors.invitationUsed",
    );
    expect(await counts()).toEqual(before);
  });

  it("refuses an expired invitation, an unknown token and another email", async () => {
    const { org, actor } = await inviter();
    const now = new Date();
    const old = await createInvitation({
      db: db(),
      actor,
      organisationId: org.id,
      email: "zhou.min@example.cn",
      role: "member",
      now: new Date(now.getTime() - 8 * 86_400_000),
    });
    const fresh = await createInvitation({
      db: db(),
      actor,
      organisationId: org.id,
      email: "zhou.min@example.cn",
      role: "member",
    });
    const before = await counts();
    const attempt = (token: string, email = "zhou.min@example.cn") =>
      signUp({
        db: db(),
        email,
        name: "周敏",
        password: "实验室里的长密码2026",
        organisation: { invitationToken: token },
      });
    await expectRefusal(attempt(old.token), "errors.invitationExpired");
    await expectRefusal(attempt("made-up-token"), "errors.invitationInvalid");
    await expectRefusal(attempt(fresh.token, "someone.else@example.cn"), "errors.invitationEmailMismatch");
    expect(await counts()).toEqual(before);
    await expect(attempt(fresh.token)).resolves.toMatchObject({ organisationId: org.id, membershipRole: "member" });
  });

  it("only an organisation's managers invite, and never as owner", async () => {
    const { org, actor } = await inviter();
    const member = await createUser({
      db: db(),
      passwordHash: "x",
      memberships: [{ organisationId: org.id, role: "member" }],
    });
    const memberActor = await actorOf({ db: db(), userId: member.id });
    await expect(
      createInvitation({ db: db(), actor: memberActor, organisationId: org.id, email: "a@example.cn", role: "member" }),
    ).rejects.toMatchObject({ code: "forbidden", params: { permission: "manage:organisation:own" } });
    const other = await createOrganisation({ db: db(), zoneId });
    await expect(
      createInvitation({ db: db(), actor, organisationId: other.id, email: "a@example.cn", role: "member" }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await expectRefusal(
      createInvitation({ db: db(), actor, organisationId: org.id, email: "a@example.cn", role: "owner" }),
      "errors.invitationRoleInvalid",
    );
    await expectRefusal(
      createInvitation({ db: db(), actor, organisationId: org.id, email: member.email, role: "member" }),
      "errors.alreadyMember",
    );
    expect(await db().invitation.count({ where: { organisationId: org.id } })).toBe(0);
    expect(await db().auditEvent.count({ where: { action: "invitation.create", entityId: org.id } })).toBe(0);
  });
});

describe("signUp rate limit", () => {
  it(
    "refuses the attempt after LIMITS.signupPerIp from one address, writing nothing",
    { timeout: 120_000 },
    async () => {
      const ip = "192.0.2.77";
      const attempt = (i: number) =>
        signUp({
          db: db(),
          email: "probe@example.cn",
          name: "试探者",
          password: `probe-password-${i}-ok`,
          organisation: {
            create: { name: `探测科技有限公司${i}`, type: "enterprise", creditCode: generateCreditCode(), zoneId },
          },
          ip,
        });
      // The first creates the account; the rest probe the same email and learn nothing.
      await attempt(0);
      for (let i = 1; i < LIMITS.signupPerIp.limit; i++)
        await expect(attempt(i)).resolves.toEqual({ kind: "verification_sent", email: "probe@example.cn" });
      const before = await counts();
      await expect(attempt(99)).rejects.toMatchObject({ code: "rate_limited", messageKey: "errors.rateLimited" });
      expect(await counts()).toEqual(before);
      // Another address is not affected.
      await expect(
        signUp({
          db: db(),
          email: "probe@example.cn",
          name: "试探者",
          password: "probe-password-x-ok",
          organisation: {
            create: { name: "探测科技有限公司x", type: "enterprise", creditCode: generateCreditCode(), zoneId },
          },
          ip: "192.0.2.78",
        }),
      ).resolves.toEqual({ kind: "verification_sent", email: "probe@example.cn" });
    },
  );
});
