/**
 * Challenge factories for tests and the demo seed (prisma/seed.ts calls `seedChallenges`). They
 * drive the real process — the same verbs the pages call, with a controlled clock — so a seeded
 * challenge in any state has the history, bids, receipts, scores, ledger entries and audit events
 * that state implies.
 */
import type { Challenge, ChallengeStatus } from "#db/generated/client/client.ts";
import type { Actor } from "#domain/access/permissions.ts";
import type { Db } from "#domain/db/client.ts";
import { submitBid } from "#domain/challenges/bids.ts";
import {
  approveChallenge,
  cancelChallenge,
  closeBidding,
  closeChallenge,
  confirmContract,
  createChallenge,
  endPublicNotice,
  proposeWinner,
  publishChallenge,
  requestWithdrawal,
  returnChallenge,
  startPublicNotice,
  startReview,
  startWork,
  submitChallenge,
  withdrawChallenge,
} from "#domain/challenges/challenges.ts";
import { CHALLENGE_STATUSES } from "#domain/challenges/constants.ts";
import { acceptMilestone, deliverMilestone, raiseDispute } from "#domain/challenges/milestones.ts";
import { fileObjection } from "#domain/challenges/notice.ts";
import { inviteReviewer, scoreBid, writeFeedback } from "#domain/challenges/review.ts";
import type { BidInput, ChallengeInput } from "#domain/challenges/validation.ts";
import { deposit } from "#domain/ledger/deposits.ts";
import { hashPassword } from "#domain/identity/passwords.ts";
import { actorOf, createOrganisation, createUser, createZone, DEFAULT_PASSWORD } from "./factories.ts";

const DAY = 24 * 60 * 60 * 1000;

export interface ChallengeWorld {
  zoneId: string;
  enterprise: { id: string };
  /** An owner of the enterprise: posts, signs, accepts. */
  seeker: Actor;
  /** A plain member of the enterprise: may post but not sign or accept. */
  seekerMember: Actor;
  officer: Actor;
  /** Two solvers from two research organisations, and one individual researcher. */
  solverA: Actor & { organisationId: string };
  solverB: Actor & { organisationId: string };
  individual: Actor;
  experts: Actor[];
  /** An expert who is a member of solverB's organisation (recused). */
  conflictedExpert: Actor;
  /** Someone signed in with no part in the challenge. */
  stranger: Actor;
  /** A member of another zone's administration. */
  otherOfficer: Actor;
  finance: Actor;
}

/** Quick users for tests, which never log them in (seedChallenges hashes the demo password instead). */
const FAST_HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2VlZHNlZWRzZWVk$Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1oYXNo";

export async function createChallengeWorld(options: {
  db: Db;
  zoneId?: string;
  passwordHash?: string;
}): Promise<ChallengeWorld> {
  const { db } = options;
  const passwordHash = options.passwordHash ?? FAST_HASH;
  const zoneId = options.zoneId ?? (await createZone({ db })).id;
  const enterprise = await createOrganisation({ db, type: "enterprise", zoneId });
  const admin =
    (await db.organisation.findFirst({ where: { zoneId, type: "zone_administration" } })) ??
    (await createOrganisation({ db, type: "zone_administration", zoneId }));
  const uniA = await createOrganisation({ db, type: "university", zoneId });
  const instB = await createOrganisation({ db, type: "research_institute" });
  const otherAdmin = await createOrganisation({ db, type: "zone_administration" });
  const user = async (o: Parameters<typeof createUser>[0]) =>
    actorOf({ db, userId: (await createUser({ ...o, passwordHash })).id });
  const seeker = await user({ db, memberships: [{ organisationId: enterprise.id, role: "owner" }] });
  const seekerMember = await user({ db, memberships: [{ organisationId: enterprise.id, role: "member" }] });
  const officer = await user({ db, memberships: [{ organisationId: admin.id, role: "member" }] });
  const solverA = {
    ...(await user({ db, roles: ["researcher"], memberships: [{ organisationId: uniA.id, role: "member" }] })),
    organisationId: uniA.id,
  };
  const solverB = {
    ...(await user({ db, roles: ["researcher"], memberships: [{ organisationId: instB.id, role: "member" }] })),
    organisationId: instB.id,
  };
  const individual = await user({ db, roles: ["researcher"] });
  const experts = [await user({ db, roles: ["expert"] }), await user({ db, roles: ["expert"] })];
  const conflictedExpert = await user({
    db,
    roles: ["expert"],
    memberships: [{ organisationId: instB.id, role: "member" }],
  });
  const stranger = await user({ db });
  const otherOfficer = await user({ db, memberships: [{ organisationId: otherAdmin.id, role: "member" }] });
  const finance = await user({ db, roles: ["finance"] });
  return {
    zoneId,
    enterprise,
    seeker,
    seekerMember,
    officer,
    solverA,
    solverB,
    individual,
    experts,
    conflictedExpert,
    stranger,
    otherOfficer,
    finance,
  };
}

const TITLES = [
  "高镍三元正极材料循环寿命提升关键技术",
  "三七皂苷高纯度低成本提取工艺",
  "烟叶烘烤过程智能温湿度控制系统",
  "高原特色咖啡精深加工风味稳定技术",
  "稀贵金属二次资源绿色回收技术",
  "铝基复合材料轻量化压铸工艺",
  "工业互联网设备预测性维护算法",
];

let counter = 0;

/** A valid challenge input with two milestones (600,000 + 400,000 元), deadline 14 days after `now`. */
export function challengeInput(options: { now: Date; overrides?: Partial<ChallengeInput> }): ChallengeInput {
  const { now } = options;
  const deadline = new Date(now.getTime() + 14 * DAY);
  const title = TITLES[counter++ % TITLES.length]!;
  return {
    title,
    problemStatement: `<p>我公司在<strong>${title}</strong>方面面临瓶颈，现面向国内外征集解决方案。</p><ul><li>现有工艺良品率偏低</li><li>能耗较高</li></ul>`,
    indicators: [
      { name: "循环寿命", target: "≥ 2000 次（容量保持率 80%）", unit: "次" },
      { name: "单位成本", target: "较现有工艺降低 15%", unit: "%" },
    ],
    industry: "new_materials",
    fieldTags: ["锂电池", "正极材料"],
    milestones: [
      {
        name: "小试验证",
        deliverable: "小试样品及检测报告",
        acceptanceCriteria: "第三方检测达到指标 1",
        amount: 60_000_000n,
        dueDate: new Date(deadline.getTime() + 90 * DAY),
      },
      {
        name: "中试放大",
        deliverable: "中试线工艺包",
        acceptanceCriteria: "连续三批次达到全部指标",
        amount: 40_000_000n,
        dueDate: new Date(deadline.getTime() + 180 * DAY),
      },
    ],
    bidDeadline: deadline,
    ipTerms: "exclusive_licence",
    domesticAllowed: true,
    internationalAllowed: true,
    eligibleOrgTypes: [],
    individualsAllowed: true,
    visibility: "public",
    seekerAnonymous: false,
    ...options.overrides,
  };
}

export function bidInputFor(options: { price?: bigint; approach?: string; milestones?: number } = {}): BidInput {
  const n = options.milestones ?? 2;
  return {
    approach: options.approach ?? "采用梯度掺杂与表面包覆协同改性路线，已在实验室完成百克级验证，计划分两阶段放大。",
    price: options.price ?? 90_000_000n,
    members: [
      { name: "李建国", role: "项目负责人", organisation: "昆明理工大学" },
      { name: "王芳", role: "工艺工程师" },
    ],
    teamOrganisations: ["昆明理工大学"],
    schedule: Array.from({ length: n }, (_, i) => ({ milestoneIndex: i + 1, days: 60 + 30 * i })),
    credentials: "国家自然科学基金面上项目两项；授权发明专利五件。",
  };
}

export interface DrivenChallenge {
  challenge: Challenge;
  /** Bid ids: A's (the winner when one is proposed) and B's, when bids were made. */
  bids: { a?: string; b?: string };
  /** The clock after the last step (use it, or later, for the next step). */
  now: Date;
}

/** Every status in the order the happy path reaches it, then the side paths. */
export const SEEDED_STATES: readonly ChallengeStatus[] = CHALLENGE_STATUSES;

/**
 * Creates a challenge and drives it through the real process to `state`. The clock starts at
 * `start` (default: now, or far enough in the past for states after the deadline that every
 * timed step has passed); the enterprise's wallet receives a deposit before signing.
 */
export async function createChallengeInState(options: {
  db: Db;
  world: ChallengeWorld;
  state: ChallengeStatus;
  start?: Date;
  input?: Partial<ChallengeInput>;
}): Promise<DrivenChallenge> {
  const { db, world, state } = options;
  const AFTER_DEADLINE: ChallengeStatus[] = [
    "bidding_closed",
    "under_review",
    "winner_proposed",
    "public_notice",
    "contracting",
    "contracted",
    "in_progress",
    "disputed",
    "accepted",
    "closed",
    "failed",
    "cancelled",
  ];
  let now = options.start ?? (AFTER_DEADLINE.includes(state) ? new Date(Date.now() - 200 * DAY) : new Date());
  const tick = (ms: number) => (now = new Date(now.getTime() + ms));
  const seeker = world.seeker;
  const officer = world.officer;
  const { challengeId } = await createChallenge({
    db,
    actor: seeker,
    organisationId: world.enterprise.id,
    input: challengeInput({ now, overrides: options.input }),
    now,
  });
  const id = { db, challengeId };
  const done = async (bids: DrivenChallenge["bids"] = {}) => ({
    challenge: await db.challenge.findUniqueOrThrow({ where: { id: challengeId } }),
    bids,
    now,
  });
  if (state === "draft") return done();
  if (state === "withdrawn") {
    await withdrawChallenge({ ...id, actor: seeker, reason: "需求调整，暂缓发布", now });
    return done();
  }
  await submitChallenge({ ...id, actor: seeker, now: tick(60_000) });
  if (state === "submitted") return done();
  if (state === "returned") {
    await returnChallenge({ ...id, actor: officer, reason: "请补充可量化的技术指标和验收方式", now: tick(3600_000) });
    return done();
  }
  await approveChallenge({ ...id, actor: officer, now: tick(3600_000) });
  if (state === "approved") return done();
  await publishChallenge({ ...id, actor: seeker, now: tick(3600_000) });
  if (state === "published") return done();
  if (state === "cancelled") {
    await cancelChallenge({ ...id, actor: officer, reason: "企业经营状况变化，经协商撤销榜单", now: tick(3600_000) });
    return done();
  }
  const challenge = await db.challenge.findUniqueOrThrow({ where: { id: challengeId } });
  if (state === "failed") {
    now = new Date(challenge.bidDeadline.getTime() + 60_000);
    await closeBidding({ ...id, actor: { system: "seed" }, now });
    return done();
  }
  const a = await submitBid({
    db,
    actor: world.solverA,
    challengeId,
    organisationId: world.solverA.organisationId,
    input: bidInputFor({ price: 95_000_000n }),
    now: tick(DAY),
  });
  const b = await submitBid({
    db,
    actor: world.solverB,
    challengeId,
    organisationId: world.solverB.organisationId,
    input: bidInputFor({
      price: 80_000_000n,
      approach: "基于固相法与喷雾干燥联用的低成本合成路线，配套在线检测以保障一致性。",
    }),
    now: tick(DAY),
  });
  const bids = { a: a.bidId, b: b.bidId };
  if (state === "withdrawal_requested") {
    await requestWithdrawal({ ...id, actor: seeker, reason: "公司战略调整，项目暂停", now: tick(3600_000) });
    return done(bids);
  }
  now = new Date(challenge.bidDeadline.getTime() + 60_000);
  await closeBidding({ ...id, actor: { system: "seed" }, now });
  if (state === "bidding_closed") return done(bids);
  for (const expert of [...world.experts, world.conflictedExpert])
    await inviteReviewer({ ...id, actor: seeker, userId: expert.userId });
  await startReview({ ...id, actor: seeker, now: tick(3600_000) });
  const criteria = await db.reviewCriterion.findMany({ where: { challengeId }, orderBy: { position: "asc" } });
  const score = (bidId: string, expert: Actor, base: number) =>
    scoreBid({
      db,
      actor: expert,
      bidId,
      scores: criteria.map((c, i) => ({ criterionId: c.id, score: Math.min(100, base + i * 2) })),
    });
  await score(a.bidId, world.experts[0]!, 86);
  await score(b.bidId, world.experts[0]!, 72);
  await score(a.bidId, world.experts[1]!, 80);
  await score(b.bidId, world.experts[1]!, 75);
  if (state === "under_review") return done(bids);
  await writeFeedback({
    db,
    actor: seeker,
    bidId: b.bidId,
    categories: ["too_early_stage", "team_capacity"],
    text: "技术路线可行，但中试放大经验不足，团队工程化能力有待加强。",
  });
  await proposeWinner({ ...id, actor: seeker, bidId: a.bidId, now: tick(3600_000) });
  if (state === "winner_proposed") return done(bids);
  await startPublicNotice({ ...id, actor: officer, now: tick(3600_000) });
  if (state === "public_notice") {
    await fileObjection({
      db,
      actor: world.stranger,
      challengeId,
      body: "请公开中标团队的既往业绩证明。",
      now: tick(3600_000),
    });
    return done(bids);
  }
  const { publicNoticeEndsAt } = await db.challenge.findUniqueOrThrow({
    where: { id: challengeId },
    select: { publicNoticeEndsAt: true },
  });
  now = new Date(publicNoticeEndsAt!.getTime() + 60_000);
  await endPublicNotice({ ...id, actor: { system: "seed" }, now });
  if (state === "contracting") return done(bids);
  await deposit({
    db,
    actorId: world.finance.userId,
    orgId: world.enterprise.id,
    amount: 100_000_000n,
    bankReference: `SEED-${challengeId}`,
  });
  const terms = "双方按榜单约定的里程碑、验收标准与独占许可条款签约。";
  await confirmContract({ ...id, actor: world.solverA, terms, now: tick(3600_000) });
  await confirmContract({ ...id, actor: seeker, terms, now: tick(3600_000) });
  if (state === "contracted") return done(bids);
  await startWork({ ...id, actor: world.solverA, now: tick(3600_000) });
  if (state === "in_progress") return done(bids);
  await deliverMilestone({
    db,
    actor: world.solverA,
    challengeId,
    index: 1,
    note: "小试样品及第三方检测报告已提交。",
    now: tick(30 * DAY),
  });
  if (state === "disputed") {
    await raiseDispute({
      db,
      actor: world.solverA,
      challengeId,
      index: 1,
      reason: "企业逾期未验收，请管委会协调。",
      now: tick(20 * DAY),
    });
    return done(bids);
  }
  await acceptMilestone({ db, actor: seeker, challengeId, index: 1, now: tick(3 * DAY) });
  await deliverMilestone({
    db,
    actor: world.solverA,
    challengeId,
    index: 2,
    note: "中试工艺包已交付。",
    now: tick(60 * DAY),
  });
  await acceptMilestone({ db, actor: seeker, challengeId, index: 2, now: tick(3 * DAY) });
  if (state === "accepted") return done(bids);
  await closeChallenge({ ...id, actor: seeker, now: tick(DAY) });
  return done(bids);
}

/**
 * For the demo seed: one challenge in every state of the process, in one zone (a new one unless
 * given), so a new user sees the whole of 揭榜挂帅. Returns the world's actors and the challenges.
 */
export async function seedChallenges(options: {
  db: Db;
  zoneId?: string;
  passwordHash?: string;
}): Promise<{ world: ChallengeWorld; challenges: Record<ChallengeStatus, DrivenChallenge> }> {
  // Demo users log in with the factories' DEFAULT_PASSWORD unless the caller passes a hash.
  const passwordHash = options.passwordHash ?? (await hashPassword(DEFAULT_PASSWORD));
  const world = await createChallengeWorld({ ...options, passwordHash });
  const challenges = {} as Record<ChallengeStatus, DrivenChallenge>;
  for (const state of SEEDED_STATES) {
    challenges[state] = await createChallengeInState({ db: options.db, world, state });
  }
  return { world, challenges };
}
