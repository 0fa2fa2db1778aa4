/**
 * Factories for tests and for prisma/seed.ts (STYLE.md: seed data and tests use the same ones).
 * Each takes `{ db, ...overrides }` and writes realistic Chinese content by default: real Yunnan
 * zone names, valid 统一社会信用代码, Chinese personal and organisation names.
 */
import { randomInt } from "node:crypto";
import type { MembershipRole, OrgType, PersonalRole } from "#db/generated/client/enums.ts";
import type { DbOrTx } from "#domain/db/client.ts";
import type { Actor } from "#domain/access/permissions.ts";
import { loadActor } from "#domain/access/actor.ts";
import { generateCreditCode } from "#domain/identity/credit-code.ts";
import { hashPassword } from "#domain/identity/passwords.ts";
import { generateReferenceCode } from "#domain/identity/reference-code.ts";

/** The password factory users get unless told otherwise (the README's demo logins use it). */
export const DEFAULT_PASSWORD = "jiebang-demo-2026";

let sequence = 0;
const next = () => ++sequence;
const pick = <T>(items: readonly T[]): T => items[randomInt(items.length)]!;

export const YUNNAN_ZONES = [
  { code: "kunming", nameZh: "昆明高新技术产业开发区", nameEn: "Kunming High-tech Zone", division: "530100" },
  { code: "yuxi", nameZh: "玉溪高新技术产业开发区", nameEn: "Yuxi High-tech Zone", division: "530400" },
  { code: "chuxiong", nameZh: "楚雄高新技术产业开发区", nameEn: "Chuxiong High-tech Zone", division: "532300" },
  {
    code: "qujing",
    nameZh: "曲靖经济技术开发区",
    nameEn: "Qujing Economic and Technological Zone",
    division: "530300",
  },
  { code: "baoshan", nameZh: "保山高新技术产业开发区", nameEn: "Baoshan High-tech Zone", division: "530500" },
  { code: "honghe", nameZh: "蒙自高新技术产业开发区", nameEn: "Mengzi High-tech Zone", division: "532500" },
] as const;

export async function createZone(options: {
  db: DbOrTx;
  code?: string;
  nameZh?: string;
  nameEn?: string;
  province?: string;
}) {
  const { db } = options;
  const base = YUNNAN_ZONES[(next() - 1) % YUNNAN_ZONES.length]!;
  let code = options.code;
  if (!code) {
    const taken = await db.zone.findUnique({ where: { code: base.code }, select: { id: true } });
    code = taken ? `${base.code}-${sequence}` : base.code;
  }
  return db.zone.create({
    data: {
      code,
      nameZh: options.nameZh ?? base.nameZh,
      nameEn: options.nameEn ?? base.nameEn,
      province: options.province ?? "云南省",
    },
  });
}

const PLACE = ["昆明", "滇中", "玉溪", "楚雄", "曲靖", "红河", "云岭", "高原", "春城", "澜沧"];
const TRADE = [
  "锂电新材料",
  "生物医药",
  "稀贵金属",
  "光电子",
  "智能装备",
  "数字农业",
  "绿色能源",
  "精密仪器",
  "植物提取",
  "铝基材料",
];
const NAME_BY_TYPE: Record<OrgType, () => string> = {
  enterprise: () => `云南${pick(PLACE)}${pick(TRADE)}科技有限公司`,
  university: () => pick(["云南大学", "昆明理工大学", "云南师范大学", "昆明医科大学", "云南农业大学", "西南林业大学"]),
  research_institute: () => `云南省${pick(TRADE)}研究院`,
  service_provider: () => `${pick(PLACE)}${pick(["检测认证", "知识产权代理", "技术转移", "工业设计"])}服务有限公司`,
  zone_administration: () => "高新区管理委员会",
  platform: () => "揭榜平台运营中心",
};

export async function createOrganisation(options: {
  db: DbOrTx;
  type?: OrgType;
  zoneId?: string;
  name?: string;
  creditCode?: string;
  referenceCode?: string;
  country?: string;
}) {
  const { db } = options;
  const type = options.type ?? "enterprise";
  const zone = options.zoneId
    ? await db.zone.findUniqueOrThrow({ where: { id: options.zoneId } })
    : await createZone({ db });
  const division = YUNNAN_ZONES.find((z) => z.code === zone.code.split("-")[0])?.division;
  let name = options.name;
  if (!name) {
    name = type === "zone_administration" ? `${zone.nameZh}管理委员会` : NAME_BY_TYPE[type]();
    // Names repeat across a large seed; a branch suffix keeps them readable and distinct.
    if (await db.organisation.findFirst({ where: { name }, select: { id: true } })) name = `${name}（${next()}分部）`;
  }
  return db.organisation.create({
    data: {
      name,
      type,
      zoneId: zone.id,
      creditCode: options.creditCode ?? generateCreditCode(division ? { division } : {}),
      referenceCode: options.referenceCode ?? generateReferenceCode(),
      country: options.country ?? "CN",
    },
  });
}

const SURNAMES = ["张", "王", "李", "赵", "陈", "杨", "刘", "黄", "周", "吴", "段", "杞", "普", "和", "施"];
const GIVEN = [
  "伟",
  "芳",
  "建国",
  "丽华",
  "志强",
  "敏",
  "海燕",
  "云龙",
  "晓明",
  "春梅",
  "家豪",
  "雨桐",
  "子涵",
  "思远",
];
const PINYIN: Record<string, string> = {
  张: "zhang",
  王: "wang",
  李: "li",
  赵: "zhao",
  陈: "chen",
  杨: "yang",
  刘: "liu",
  黄: "huang",
  周: "zhou",
  吴: "wu",
  段: "duan",
  杞: "qi",
  普: "pu",
  和: "he",
  施: "shi",
};

export async function createUser(options: {
  db: DbOrTx;
  email?: string;
  name?: string;
  password?: string;
  /** Skips hashing (fast tests that never log in). */
  passwordHash?: string;
  locale?: "zh-CN" | "en";
  roles?: PersonalRole[];
  brokerCredentialNo?: string;
  memberships?: { organisationId: string; role?: MembershipRole }[];
}) {
  const { db } = options;
  const surname = pick(SURNAMES);
  const name = options.name ?? `${surname}${pick(GIVEN)}`;
  const email = (options.email ?? `${PINYIN[surname] ?? "user"}.${next()}.${randomInt(1e6)}@example.cn`).toLowerCase();
  const password = options.password ?? DEFAULT_PASSWORD;
  const roles = [...new Set(options.roles ?? [])];
  const brokerCredentialNo =
    options.brokerCredentialNo ??
    (roles.includes("broker") ? `JSJJ-53-${2026}-${String(randomInt(1e5)).padStart(5, "0")}` : undefined);
  const user = await db.user.create({
    data: {
      email,
      name,
      passwordHash: options.passwordHash ?? (await hashPassword(password)),
      locale: options.locale ?? "zh-CN",
      brokerCredentialNo: brokerCredentialNo ?? null,
      roles: { create: roles.map((role) => ({ role })) },
      memberships: {
        create: (options.memberships ?? []).map((m) => ({
          organisationId: m.organisationId,
          role: m.role ?? "member",
        })),
      },
    },
  });
  return { ...user, password };
}

/** The Actor of a user, as the web layer builds it from a session. */
export async function actorOf(options: { db: DbOrTx; userId: string }): Promise<Actor> {
  const actor = await loadActor(options);
  if (!actor) throw new Error(`actorOf: no user ${options.userId}`);
  return actor;
}
