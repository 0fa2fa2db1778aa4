/**
 * Demo data: a province with three high-tech zones, organisations of every type and users of
 * every role, made through the same factories the tests use (test/support/factories.ts).
 * `npm start` runs `seedIfEmpty` on an empty database; `npm run db:seed` runs it by hand.
 * The demo logins are listed in README.md — keep the two in step (DEMO_USERS below).
 */
import type { Db } from "#domain/db/client.ts";
import { SEEDED_STATES, createChallengeInState, type ChallengeWorld } from "#tests/support/challenge-factories.ts";
import { seedTransfer } from "./seed-transfer.ts";
import { DEFAULT_PASSWORD, actorOf, createOrganisation, createUser, createZone } from "#tests/support/factories.ts";

interface SeedLog {
  info(message: string): void;
}

export const DEMO_PASSWORD = DEFAULT_PASSWORD;

/** email → what the README says about it; the browser tests log in as each. */
export const DEMO_USERS = [
  { email: "qiye@demo.jiebang.cn", dashboard: "enterprise", who: "企业负责人（云南滇中锂电新材料科技有限公司）" },
  {
    email: "fabang@demo.jiebang.cn",
    dashboard: "enterprise",
    who: "发榜企业（昆明春城数字农业科技有限公司，榜单覆盖流程的每个状态）",
  },
  { email: "gaoxiao@demo.jiebang.cn", dashboard: "university", who: "高校科技处（昆明理工大学）" },
  { email: "keyan@demo.jiebang.cn", dashboard: "researcher", who: "科研人员（昆明理工大学）" },
  { email: "jingjiren@demo.jiebang.cn", dashboard: "broker", who: "技术经理人" },
  { email: "zhuanjia@demo.jiebang.cn", dashboard: "expert", who: "评审专家（云南省新材料研究院）" },
  { email: "fuwu@demo.jiebang.cn", dashboard: "service_provider", who: "科技服务机构" },
  { email: "guanwei@demo.jiebang.cn", dashboard: "zone_officer", who: "昆明高新区管委会" },
  { email: "caiwu@demo.jiebang.cn", dashboard: "finance", who: "平台财务" },
  { email: "admin@demo.jiebang.cn", dashboard: "platform_admin", who: "平台管理员" },
] as const;

export async function seedDemo(options: { db: Db; log?: SeedLog }): Promise<void> {
  const { db } = options;
  const [kunming, yuxi, chuxiong] = [
    await createZone({ db, code: "kunming", nameZh: "昆明高新技术产业开发区", nameEn: "Kunming High-tech Zone" }),
    await createZone({ db, code: "yuxi", nameZh: "玉溪高新技术产业开发区", nameEn: "Yuxi High-tech Zone" }),
    await createZone({ db, code: "chuxiong", nameZh: "楚雄高新技术产业开发区", nameEn: "Chuxiong High-tech Zone" }),
  ];

  const org = (type: Parameters<typeof createOrganisation>[0]["type"], zoneId: string, name?: string) =>
    createOrganisation({ db, type, zoneId, ...(name ? { name } : {}) });

  const platform = await org("platform", kunming.id, "揭榜平台运营中心");
  const kunmingAdmin = await org("zone_administration", kunming.id, "昆明高新技术产业开发区管理委员会");
  await org("zone_administration", yuxi.id, "玉溪高新技术产业开发区管理委员会");
  await org("zone_administration", chuxiong.id, "楚雄高新技术产业开发区管理委员会");
  const lithium = await org("enterprise", kunming.id, "云南滇中锂电新材料科技有限公司");
  // The buyer of the 成果转化 demo deals; qiye@'s 滇中锂电 keeps an empty wallet for a first look.
  const equipment = await org("enterprise", kunming.id, "昆明云岭智能装备有限公司");
  await org("enterprise", yuxi.id, "玉溪云烟智能装备制造有限公司");
  await org("enterprise", chuxiong.id, "楚雄彝药生物医药股份有限公司");
  const agritech = await org("enterprise", kunming.id, "昆明春城数字农业科技有限公司");
  const kust = await org("university", kunming.id, "昆明理工大学");
  await org("university", kunming.id, "云南大学");
  const materials = await org("research_institute", kunming.id, "云南省新材料研究院");
  await org("research_institute", yuxi.id, "玉溪市农业科学研究院");
  const testing = await org("service_provider", kunming.id, "昆明高原检测认证服务有限公司");
  await org("service_provider", chuxiong.id, "楚雄知识产权代理服务有限公司");

  const user = (email: string, name: string, extra: Omit<Parameters<typeof createUser>[0], "db" | "email" | "name">) =>
    createUser({ db, email, name, password: DEMO_PASSWORD, ...extra });

  await user("qiye@demo.jiebang.cn", "李建国", {
    memberships: [{ organisationId: lithium.id, role: "owner" }],
  });
  const seeker = await user("fabang@demo.jiebang.cn", "杨春华", {
    memberships: [{ organisationId: agritech.id, role: "owner" }],
  });
  const universityAdmin = await user("gaoxiao@demo.jiebang.cn", "王丽华", {
    memberships: [{ organisationId: kust.id, role: "admin" }],
  });
  const researcher = await user("keyan@demo.jiebang.cn", "张云龙", {
    roles: ["researcher"],
    memberships: [{ organisationId: kust.id, role: "member" }],
  });
  const broker = await user("jingjiren@demo.jiebang.cn", "赵志强", {
    roles: ["broker"],
    brokerCredentialNo: "JSJJ-53-2026-00118",
  });
  const expert = await user("zhuanjia@demo.jiebang.cn", "陈海燕", {
    roles: ["expert"],
    memberships: [{ organisationId: materials.id, role: "member" }],
  });
  await user("fuwu@demo.jiebang.cn", "杨晓明", { memberships: [{ organisationId: testing.id, role: "owner" }] });
  const officer = await user("guanwei@demo.jiebang.cn", "周春梅", {
    memberships: [{ organisationId: kunmingAdmin.id, role: "admin" }],
  });
  const finance = await user("caiwu@demo.jiebang.cn", "吴敏", {
    roles: ["finance"],
    memberships: [{ organisationId: platform.id }],
  });
  await user("admin@demo.jiebang.cn", "段思远", {
    roles: ["platform_admin"],
    memberships: [{ organisationId: platform.id, role: "owner" }],
  });
  options.log?.info(`seeded ${DEMO_USERS.length} demo logins in 3 zones`);

  // Challenges in every state of the process, posted by 昆明春城数字农业 (fabang@) in 昆明高新区, bid on by
  // the demo researcher and a colleague from 云南省新材料研究院, reviewed by demo and extra experts.
  const yuxiAdmin = await db.organisation.findFirstOrThrow({ where: { zoneId: yuxi.id, type: "zone_administration" } });
  const extra = (name: string, extraOptions: Omit<Parameters<typeof createUser>[0], "db" | "name">) =>
    createUser({ db, name, password: DEMO_PASSWORD, ...extraOptions });
  const actor = (u: { id: string }) => actorOf({ db, userId: u.id });
  const solverB = await extra("孙立新", {
    email: "keyan2@demo.jiebang.cn",
    roles: ["researcher"],
    memberships: [{ organisationId: materials.id }],
  });
  const world: ChallengeWorld = {
    zoneId: kunming.id,
    enterprise: agritech,
    seeker: await actor(seeker),
    seekerMember: await actor(await extra("李小雨", { memberships: [{ organisationId: agritech.id }] })),
    officer: await actor(officer),
    solverA: { ...(await actor(researcher)), organisationId: kust.id },
    solverB: { ...(await actor(solverB)), organisationId: materials.id },
    individual: await actor(await extra("普海", { email: "geren@demo.jiebang.cn", roles: ["researcher"] })),
    experts: [
      await actor(await extra("施文博", { email: "zhuanjia2@demo.jiebang.cn", roles: ["expert"] })),
      await actor(await extra("和丽娟", { email: "zhuanjia3@demo.jiebang.cn", roles: ["expert"] })),
    ],
    // 陈海燕 works at 云南省新材料研究院 like one of the bidders, so she is recused there.
    conflictedExpert: await actor(expert),
    stranger: await actor(await extra("杞明", { email: "fangke@demo.jiebang.cn" })),
    otherOfficer: await actor(await extra("段红", { memberships: [{ organisationId: yuxiAdmin.id }] })),
    finance: await actor(finance),
  };
  for (const state of SEEDED_STATES) await createChallengeInState({ db, world, state });
  options.log?.info(`seeded ${SEEDED_STATES.length} challenges, one in each state of the process`);

  await seedTransfer({
    db,
    world: {
      zoneId: kunming.id,
      university: kust,
      enterprise: equipment,
      seller: await actor(universityAdmin),
      sellerMember: world.solverA,
      buyer: await actor(
        await extra("何振宇", {
          email: "shouyi@demo.jiebang.cn",
          memberships: [{ organisationId: equipment.id, role: "owner" }],
        }),
      ),
      buyerMember: await actor(await extra("陈晓东", { memberships: [{ organisationId: equipment.id }] })),
      broker: await actor(broker),
      agency: testing,
      officer: world.officer,
      otherOfficer: world.otherOfficer,
      stranger: world.stranger,
      finance: world.finance,
    },
    relatedBuyer: { organisationId: agritech.id, actor: world.seeker },
    log: options.log,
  });
}

/** Seeds only a database with no zones yet; true when it seeded. */
export async function seedIfEmpty(options: { db: Db; log?: SeedLog }): Promise<boolean> {
  if ((await options.db.zone.count()) > 0) return false;
  await seedDemo(options);
  return true;
}

if (require.main === module) {
  void (async () => {
    const { loadEnv } = await import("#domain/env.ts");
    const { openDatabase } = await import("#domain/db/client.ts");
    const { migrate } = await import("#domain/db/migrate.ts");
    const path = await import("node:path");
    const env = loadEnv();
    const database = await openDatabase({ url: env.DATABASE_URL, dataDir: path.resolve(env.PGLITE_DIR) });
    try {
      await migrate(database);
      const seeded = await seedIfEmpty({ db: database.prisma, log: console });
      console.log(seeded ? "seeded demo data" : "database already has data; nothing seeded");
    } finally {
      await database.close();
    }
  })();
}
