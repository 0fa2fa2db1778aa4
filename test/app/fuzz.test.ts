import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "#domain/identity/sessions.ts";
import { createTestDatabase, hasPostgres, type TestDatabase } from "#tests/support/db.ts";
import { startApp, type RunningApp } from "#tests/e2e/support/app.ts";

/**
 * Bad input against every action (issue 11): the real server (the Remix build behind the express
 * app of `npm start`) on a seeded PostgreSQL database, each action posted by a role that can reach
 * it with a valid CSRF token, so the requests get past the door into the parse layer. Every payload
 * carries at least one defect that must refuse it — a field sent twice, a number or a choice that
 * is not one, a required field left out, an unknown intent — plus noise (huge strings, prototype
 * names) in the other fields. Passes when no answer is ≥ 500 and the database digest (every row of
 * every table but the sessions and rate-limit buckets, which reading a page or a failed login may
 * touch by design) is the same before and after.
 */

const ROOT = path.resolve(__dirname, "..", "..");
const HUGE = "字".repeat(20_000);
const PROTO = ["__proto__", "constructor", "hasOwnProperty", "valueOf", "toString"];
const BAD_NUMBERS = [
  "-1",
  "NaN",
  "1e309",
  "1e3",
  "0x10",
  "1,2,3",
  "2abc",
  " 1 2 ",
  "Infinity",
  "9".repeat(400),
  "1.999",
  "-0",
  "+5",
  HUGE,
  ...PROTO,
];
const BAD_CHOICES = [...PROTO, "nope", HUGE];
const UNKNOWN_INTENTS = [...PROTO, "nope", "", HUGE];
/**
 * Forms that answer a refusal with a redirect, not a 4xx (still checked by the digest): logout and
 * lang always redirect; reset-password sends a bad or missing token back to forgot-password; inbox
 * marks read only the caller's own notification of that id and returns to the inbox.
 */
const REDIRECTS = new Set(["logout", "lang", "reset-password", "inbox"]);
/** Tables a request may write without having changed anything: see the file comment. */
// JobScheduleTick: each schedule's last tick, written by the scheduler on its timer (ADR 0026).
const NOT_DIGESTED = new Set(["Session", "RateLimitBucket", "JobScheduleTick"]);

/**
 * How a field is fuzzed. number/choice: every bad value must be refused. text: only sent twice or
 * left out (any text is a text). lenient: a choice the route falls back from on purpose (only sent twice).
 */
type Kind = "number" | "choice" | "text" | "lenient";
interface Field {
  kind: Kind;
  value: string;
  /** Leaving it out must be refused. */
  required?: boolean;
}
interface Action {
  route: string;
  path: string;
  as: string;
  multipart?: boolean;
  /** Name of the field that picks the form (default "intent"); undefined value: the form has none. */
  intentField?: string;
  intent?: string;
  fields: Record<string, Field>;
}

const num = (value: string, required = true): Field => ({ kind: "number", value, required });
const choice = (value: string, required = true): Field => ({ kind: "choice", value, required });
const text = (value: string, required = false): Field => ({ kind: "text", value, required });
const lenient = (value: string): Field => ({ kind: "lenient", value });

interface World {
  zoneId: string;
  orgs: Record<string, string>;
  challenges: Record<string, string>;
  deals: Record<string, string>;
  offer: string;
  auctionOffer: string;
  notification: string;
  objection: string;
  question: string;
}

function actions(w: World): Action[] {
  const list: Action[] = [];
  const add = (
    route: string,
    p: string,
    as: string,
    intent: string | undefined,
    fields: Record<string, Field>,
    extra: Partial<Action> = {},
  ) => list.push({ route, path: p, as, intent, fields, ...extra });
  const anon = "";

  // Sign-in and account pages (anonymous).
  add("login", "/login", anon, undefined, {
    email: text("nobody-fuzz@example.invalid", true),
    password: text("wrong-password", true),
    next: text("/dashboard"),
  });
  add("forgot-password", "/forgot-password", anon, undefined, { email: text("", true) });
  add("verify-email", "/verify-email?token=not-a-token", anon, undefined, { token: text("not-a-token", true) });
  add("unlock", "/unlock?token=not-a-token", anon, undefined, { token: text("not-a-token", true) });
  add("reset-password", "/reset-password", anon, undefined, {
    token: text("not-a-token", true),
    password: text("a-new-password-2026", true),
    confirm: text("a-new-password-2026", true),
  });
  const signup = {
    name: text("模糊测试", true),
    email: text("fuzz-signup@example.invalid", true),
    password: text("fuzz-password-2026", true),
    brokerCredentialNo: text(""),
  };
  add(
    "signup",
    "/signup",
    anon,
    "create",
    {
      ...signup,
      orgName: text("模糊测试有限公司", true),
      orgType: choice("enterprise"),
      creditCode: text("91530100MA6K5Y1X2Q", true),
      zoneId: choice(w.zoneId),
    },
    { intentField: "mode" },
  );
  add(
    "signup",
    "/signup",
    anon,
    "join",
    { ...signup, invitationToken: text("no-such-invitation", true) },
    { intentField: "mode" },
  );
  add("lang", "/lang", anon, undefined, { locale: choice("en") });
  add("logout", "/logout", anon, undefined, {});

  // Everyone signed in.
  add("inbox", "/inbox", "keyan", "read", { id: choice(w.notification) });
  add("inbox", "/inbox", "keyan", "readAll", {});

  // Organisations, wallet, finance, administration.
  add("members", "/members", "qiye", undefined, {
    organisationId: choice(w.orgs.lithium!),
    email: text("fuzz-invite@example.invalid", true),
    role: choice("member"),
  });
  add("members.relations", "/members/relations", "qiye", undefined, {
    fromOrganisationId: choice(w.orgs.lithium!),
    toOrganisationId: choice(w.orgs.equipment!),
    kind: choice("shareholding"),
    share: num("25"),
    note: text("fuzz"),
  });
  add("wallet", "/wallet", "fabang", undefined, {
    organisationId: choice(w.orgs.agritech!),
    idempotencyKey: choice("fuzz-withdrawal-0001"),
    amount: num("10.00"),
    bankName: text("中国银行", true),
    accountName: text("昆明春城数字农业科技有限公司", true),
    accountNumber: choice("6222020200012345678"),
  });
  const deposit = {
    referenceCode: text("NOPE-REF", true),
    amount: num("100.00"),
    bankReference: text("BANK-FUZZ-1", true),
  };
  add("finance", "/finance", "caiwu", "preview-deposit", deposit);
  add("finance", "/finance", "caiwu", "confirm-deposit", deposit);
  add("finance", "/finance", "caiwu", "confirm-withdrawal", {
    holdId: num("999999"),
    amount: num("1.00"),
    bankReference: text("BANK-FUZZ-2", true),
  });
  add("finance", "/finance", "caiwu", "reject-withdrawal", { holdId: num("999999"), reason: text("fuzz", true) });
  add("admin.jobs", "/admin/jobs", "admin", undefined, { id: num("999999") });
  add("admin.zones", "/admin/zones", "admin", undefined, {
    code: text("fuzz-zone", true),
    nameZh: text("模糊高新区", true),
    nameEn: text("Fuzz Zone", true),
    province: text("云南省", true),
  });
  add("admin.organisations", "/admin/organisations", "admin", "create", {
    name: text("模糊平台运营方", true),
    type: choice("platform"),
    zoneId: choice(w.zoneId),
    creditCode: text("91530100MA6K5Y1X2Q", true),
  });
  add("admin.organisations", "/admin/organisations", "admin", "invite", {
    organisationId: choice(w.orgs.lithium!),
    email: text("fuzz-invite-admin@example.invalid", true),
  });
  add("zone_.verifications", "/zone/verifications", "guanwei", undefined, {
    kind: choice("organisation"),
    id: choice("no-such-organisation"),
    decision: choice("confirm"),
    note: text("fuzz"),
  });
  add("admin.ledger", "/admin/ledger", "admin", "reconcile", {});
  add("zone.settings", "/zone/settings", "guanwei", "noticeDays", { target: choice(w.zoneId), days: num("7") });
  add("zone.settings", "/zone/settings", "admin", "noticeDays", { target: choice("no-such-zone"), days: num("7") });

  // Brokers.
  add("introductions", "/introductions", "shouyi", undefined, {
    introductionId: choice("no-such-introduction"),
    answer: choice("accept"),
  });
  add("broker", "/broker", "jingjiren", "introduce", {
    offerId: choice(w.offer),
    buyerOrganisationId: choice(w.orgs.lithium!),
    note: text("fuzz"),
  });
  add("broker.profile", "/broker/profile", "jingjiren", undefined, {
    credentialNumber: text("JSJJ-53-2026-00118", true),
    level: choice("senior"),
    fields: text("新材料"),
    zoneId: choice(w.zoneId),
    agencyOrganisationId: choice("", false),
    bio: text("fuzz"),
  });

  // Challenges (揭榜挂帅).
  const challengeForm = (): Record<string, Field> => ({
    organisationId: lenient(w.orgs.agritech!),
    title: text("模糊测试榜单", true),
    problemStatement: text("问题描述"),
    industry: lenient("new_materials"),
    fieldTags: text("锂电池"),
    bidDeadline: choice("2030-01-01T12:00"),
    ipTerms: lenient("none"),
    "milestones.0.name": text("第一阶段"),
    "milestones.0.deliverable": text("样品"),
    "milestones.0.acceptanceCriteria": text("检测报告"),
    "milestones.0.amount": num("10,000.00"),
    "milestones.0.dueDate": choice("2030-06-01"),
    "indicators.0.name": text("能量密度"),
    "indicators.0.target": text("300"),
    visibility: lenient("public"),
  });
  add("challenges.new", "/challenges/new", "fabang", undefined, challengeForm(), { multipart: true });
  add("challenges.$id.edit", `/challenges/${w.challenges.draft}/edit`, "fabang", undefined, challengeForm(), {
    multipart: true,
  });
  add(
    "challenges.$id.edit (someone else's)",
    `/challenges/${w.challenges.draft}/edit`,
    "qiye",
    undefined,
    challengeForm(),
    {
      multipart: true,
    },
  );
  add(
    "challenges.$id.bid",
    `/challenges/${w.challenges.published}/bid`,
    "keyan",
    undefined,
    {
      approach: text("技术路线"),
      price: num("9,000"),
      "schedule.1": num("30"),
      "schedule.2": num("60"),
      "members.0.name": text("张云龙"),
      "members.0.role": text("负责人"),
      teamOrganisations: text("昆明理工大学"),
      credentials: text("论文"),
      organisationId: lenient(w.orgs.kust!),
    },
    { multipart: true },
  );
  add("challenges.$id (ask)", `/challenges/${w.challenges.published}`, "keyan", "ask", {
    body: text("问题？", true),
    private: text("on"),
  });
  add("challenges.$id (objection)", `/challenges/${w.challenges.public_notice}`, "keyan", "objection", {
    body: text("异议", true),
  });
  add("challenges.$id (answer)", `/challenges/${w.challenges.published}`, "fabang", "answer", {
    target: choice(w.question),
    answer: text("回答", true),
    public: text("on"),
  });
  const manage = (state: string, as: string, intent: string, fields: Record<string, Field>) =>
    add(`challenges.$id.manage (${intent})`, `/challenges/${w.challenges[state]}/manage`, as, intent, fields);
  manage("draft", "fabang", "transition", { target: choice("submit"), reason: text("") });
  manage("submitted", "guanwei", "transition", { target: choice("approve"), reason: text("") });
  manage("under_review", "fabang", "criteria", {});
  manage("published", "fabang", "invite", { userId: choice("no-such-user") });
  manage("published", "fabang", "inviteSolver", {
    userId: choice("no-such-user"),
    organisationId: choice("no-such-org"),
  });
  manage("published", "fabang", "uninviteSolver", { target: choice("no-such-invitee") });
  manage("under_review", "fabang", "feedback", { target: choice("no-such-bid"), text: text("反馈", true) });
  manage("under_review", "fabang", "propose", { target: choice("no-such-bid") });
  manage("contracting", "fabang", "contract", { terms: text("合同条款", true) });
  manage("in_progress", "fabang", "accept", { target: num("1") });
  manage("in_progress", "fabang", "reject", { target: num("1"), reason: text("不合格", true) });
  manage("in_progress", "keyan", "deliver", { target: num("1"), note: text("已交付", true) });
  manage("in_progress", "fabang", "dispute", { target: num("1"), reason: text("争议", true) });
  manage("under_review", "zhuanjia", "score", { target: choice("no-such-bid"), score_x: num("80") });
  manage("under_review", "zhuanjia", "conflict", { note: text("回避", true) });
  manage("public_notice", "fabang", "answerObjection", { target: choice(w.objection), answer: text("答复", true) });
  manage("disputed", "guanwei", "arbitrate", {
    outcome: choice("partial_release"),
    amount: num("1.00"),
    decision: text("裁决", true),
  });

  // 成果转化: offers, auctions, deals.
  const offerForm = (): Record<string, Field> => ({
    organisationId: lenient(w.orgs.kust!),
    title: text("模糊测试成果", true),
    summary: text("简介"),
    trl: num("6"),
    industry: lenient("new_materials"),
    fieldTags: text("材料"),
    pricing: lenient("fixed"),
    price: num("100,000"),
    visibility: lenient("public"),
    "rights.0.number": text("ZL202610000000.1"),
    "rights.0.title": text("专利"),
  });
  add("offers.new", "/offers/new", "gaoxiao", undefined, offerForm());
  add("offers.$id.edit", `/offers/${w.offer}/edit`, "gaoxiao", "save", offerForm());
  add("offers.$id.edit (withdraw)", `/offers/${w.offer}/edit`, "gaoxiao", "withdraw", { reason: text("撤回", true) });
  add("offers.$id (inquire)", `/offers/${w.offer}`, "shouyi", "inquire", {
    organisationId: choice(w.orgs.equipment!),
    mode: choice("transfer"),
    licenceKind: choice("exclusive", false),
    message: text("询价", true),
  });
  const auction = `/offers/${w.auctionOffer}/auction`;
  add("offers.$id.auction (schedule)", auction, "gaoxiao", "schedule", {
    reserve: num("100,000"),
    minIncrement: num("1,000"),
    deposit: num("5,000"),
    startsAt: choice("2030-01-01T10:00"),
    endsAt: choice("2030-01-02T10:00"),
    windowMinutes: num("10"),
    extensionMinutes: num("10"),
    signWithinHours: num("72"),
    mode: choice("transfer"),
    terms: text("条款", true),
    "plan.0.share": num("100"),
    "plan.0.days": num("30"),
    "plan.0.deliverable": text("技术资料", true),
  });
  add("offers.$id.auction (register)", auction, "shouyi", "register", { organisationId: choice(w.orgs.equipment!) });
  add("offers.$id.auction (bid)", auction, "shouyi", "bid", {
    organisationId: choice(w.orgs.equipment!),
    amount: num("200,000"),
    seenHighest: text(""),
  });
  add("offers.$id.auction (cancel)", auction, "gaoxiao", "cancel", { reason: text("取消", true) });
  const deal = (state: string, as: string, intent: string, fields: Record<string, Field>) =>
    add(`deals.$id (${intent})`, `/deals/${w.deals[state]}`, as, intent, fields);
  deal("negotiating", "shouyi", "message", { body: text("你好", true) });
  deal("negotiating", "gaoxiao", "terms", {
    terms: text("条款", true),
    price: num("100,000"),
    "instalments.0.amount": num("100,000"),
    "instalments.0.dueDate": choice("2030-01-01"),
    "instalments.0.deliverable": text("资料"),
  });
  deal("terms_agreed", "shouyi", "sign", { side: choice("buyer"), termsVersion: num("1") });
  deal("signed", "gaoxiao", "register", {
    registrationNumber: text("2026530100000001", true),
    registrationDate: choice("2026-11-01"),
  });
  deal("in_progress", "shouyi", "fund", { target: num("0") });
  deal("in_progress", "gaoxiao", "deliver", { target: num("0"), note: text("交付", true) });
  deal("in_progress", "shouyi", "confirm", { target: num("0") });
  deal("in_progress", "shouyi", "dispute", { target: num("0"), reason: text("争议", true) });
  deal("negotiating", "jingjiren", "commission", {
    payer: choice("seller"),
    rate: num("5"),
    terms: text("佣金"),
  });
  deal("negotiating", "gaoxiao", "signCommission", { target: choice("no-such-commission") });
  deal("negotiating", "shouyi", "cancel", { reason: text("取消", true) });
  deal("disputed", "guanwei", "arbitrate", {
    target: choice("no-such-dispute"),
    outcome: choice("partial_release"),
    amount: num("1.00"),
    decision: text("裁决", true),
  });
  return list;
}

type Payload = [string, string][];
interface Case {
  action: Action;
  what: string;
  payload: Payload;
}

/** Every payload has a defect that must refuse it (see the file comment). */
function casesOf(action: Action): Case[] {
  const intentField = action.intentField ?? "intent";
  const base: Payload = Object.entries(action.fields).map(([name, f]) => [name, f.value]);
  const withIntent = (rest: Payload, intent: string | undefined = action.intent): Payload =>
    intent === undefined ? rest : [[intentField, intent], ...rest];
  const cases: Case[] = [];
  const push = (what: string, payload: Payload) => cases.push({ action, what, payload });
  const fields = Object.entries(action.fields);
  const noise = (skip: string): Payload =>
    fields.map(([name, f]) => [name, f.kind === "text" && name !== skip ? HUGE : f.value]);

  if (action.intent !== undefined) {
    push(`${intentField} sent twice`, [[intentField, action.intent], [intentField, action.intent], ...base]);
    for (const bad of UNKNOWN_INTENTS) push(`${intentField}=${label(bad)}`, withIntent(base, bad));
    push(`${intentField} missing`, base);
  }
  for (const [name, f] of fields) {
    const others = base.filter(([n]) => n !== name);
    push(`${name} sent twice`, withIntent([...base, [name, f.kind === "number" ? "1" : f.value]]));
    push(`${name} sent twice, second bad`, withIntent([...base, [name, "__proto__"]]));
    if (f.kind === "number")
      for (const bad of BAD_NUMBERS) push(`${name}=${label(bad)}`, withIntent([...others, [name, bad]]));
    if (f.kind === "choice")
      for (const bad of BAD_CHOICES) push(`${name}=${label(bad)}`, withIntent([...others, [name, bad]]));
    if (f.required) {
      push(`${name} missing`, withIntent(others));
      push(`${name} missing, huge text elsewhere`, withIntent(noise(name).filter(([n]) => n !== name)));
      for (const proto of PROTO.slice(0, 1))
        push(
          `${name} missing, ${proto} elsewhere`,
          withIntent(others.map(([n, v]) => [n, action.fields[n]!.kind === "text" ? proto : v])),
        );
    }
  }
  return cases;
}

function label(value: string): string {
  return value.length > 24 ? `${JSON.stringify(value.slice(0, 8))}…(${value.length})` : JSON.stringify(value);
}

/**
 * A row as text. A challenge without its view counter and updatedAt, which every render of its
 * page bumps (recordChallengeView); an outbox job as what was asked (name, payload), since the
 * server's in-process runner marks jobs done while the test runs.
 */
function rowText(table: string): string {
  if (table === "Challenge") return `(to_jsonb(t) - 'viewCount' - 'updatedAt')::text`;
  if (table === "OutboxJob") return `(t.id, t.name, t.payload)::text`;
  return "t::text";
}

/** The scheduler's timed ticks (empty payload) are written on a timer, not by a request. */
function rowFilter(table: string): string {
  return table === "OutboxJob" ? ` WHERE t.payload <> '{}'::jsonb` : "";
}

async function digest(database: TestDatabase): Promise<Record<string, string>> {
  const tables = await database.prisma.$queryRawUnsafe<{ name: string }[]>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    if (NOT_DIGESTED.has(name)) continue;
    const [row] = await database.prisma.$queryRawUnsafe<{ md5: string; n: bigint }[]>(
      `SELECT md5(coalesce(string_agg(${rowText(name)}, '|' ORDER BY ${rowText(name)}), '')) AS md5, count(*) AS n FROM "${name}" t${rowFilter(name)}`,
    );
    out[name] = `${row!.n} rows ${row!.md5}`;
  }
  return out;
}

if (!hasPostgres()) console.warn("fuzz test not run: it needs PostgreSQL (set DATABASE_URL or TEST_DATABASE_URL)");

describe.skipIf(!hasPostgres())("fuzz: bad input to every action", () => {
  let database: TestDatabase;
  let app: RunningApp | undefined;
  let baseUrl = "";
  let world: World;
  const sessions = new Map<string, { cookie: string; csrf: string }>();

  beforeAll(async () => {
    // The real server as `npm start` runs it (tsx server/start.ts on the Remix build; the build takes
    // about a second), migrating and seeding a database of this test's own, which the test then reads.
    execFileSync(process.execPath, [path.join(ROOT, "node_modules", "@remix-run", "dev", "dist", "cli.js"), "build"], {
      cwd: ROOT,
      stdio: "ignore",
    });
    database = await createTestDatabase({ migrate: false });
    app = await startApp({ DATABASE_URL: database.url!, INSECURE_COOKIES: "1" });
    baseUrl = app.baseUrl;
    world = await worldOf(database);

    const emails: Record<string, string> = {
      qiye: "qiye@demo.jiebang.cn",
      fabang: "fabang@demo.jiebang.cn",
      gaoxiao: "gaoxiao@demo.jiebang.cn",
      keyan: "keyan@demo.jiebang.cn",
      jingjiren: "jingjiren@demo.jiebang.cn",
      zhuanjia: "zhuanjia@demo.jiebang.cn",
      guanwei: "guanwei@demo.jiebang.cn",
      caiwu: "caiwu@demo.jiebang.cn",
      admin: "admin@demo.jiebang.cn",
      shouyi: "shouyi@demo.jiebang.cn",
    };
    for (const [who, email] of [["", ""], ...Object.entries(emails)] as [string, string][]) {
      let cookie = "";
      if (email) {
        const user = await database.prisma.user.findUniqueOrThrow({ where: { email } });
        const { token } = await createSession(database.prisma, { userId: user.id });
        cookie = `jb_session=${token}`;
      }
      sessions.set(who, await csrfFor(cookie));
    }
  }, 300_000);

  afterAll(async () => {
    await app?.stop();
    await database?.close();
  }, 60_000);

  /** The CSRF token a page gives this visitor: the hidden field of its forms and the cookie behind it. */
  async function csrfFor(cookie: string): Promise<{ csrf: string; cookie: string }> {
    const response = await fetch(`${baseUrl}/search`, { headers: cookie ? { cookie } : {} });
    const html = await response.text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!csrf) throw new Error(`no CSRF field on /search (status ${response.status})`);
    const setCookies = response.headers.getSetCookie().map((c) => c.split(";")[0]!);
    return { csrf, cookie: [cookie, ...setCookies].filter(Boolean).join("; ") };
  }

  async function send(c: Case): Promise<{ status: number; body: string }> {
    const session = sessions.get(c.action.as)!;
    const entries: Payload = [["csrf", session.csrf], ...c.payload];
    let body: FormData | URLSearchParams;
    if (c.action.multipart) {
      const form = new FormData();
      for (const [k, v] of entries) form.append(k, v);
      body = form;
    } else body = new URLSearchParams(entries);
    const response = await fetch(`${baseUrl}${c.action.path}`, {
      method: "POST",
      headers: { cookie: session.cookie },
      body,
      redirect: "manual",
    });
    return { status: response.status, body: (await response.text()).slice(0, 300) };
  }

  it.each([
    ["", "/search?sort=__proto__", 200],
    ["", "/search?sort=constructor", 200],
    ["", "/search.data?sort=__proto__", 200],
    ["", "/search.data?sort=hasOwnProperty", 200],
    ["admin", "/audit?cursor=abc", 400],
    ["admin", "/zone", 403],
    ["qiye", "/challenges/DRAFT/edit", 404],
  ] as const)("GET as %j %s answers %i", async (who, url, status) => {
    const session = sessions.get(who)!;
    const response = await fetch(`${baseUrl}${url.replace("DRAFT", world.challenges.draft!)}`, {
      headers: { cookie: session.cookie },
      redirect: "manual",
    });
    const body = await response.text();
    expect(response.status).toBe(status);
    expect(body).not.toMatch(/TypeError|at .*\.ts:\d+/);
  });

  it("every action: ≥ 1,000 bad payloads, no 5xx, nothing written", async () => {
    const all = actions(world);
    const routesWithActions = fs
      .readdirSync(path.join(ROOT, "app", "routes"))
      .filter((f) =>
        /export (async )?function action\b/.test(fs.readFileSync(path.join(ROOT, "app", "routes", f), "utf8")),
      )
      .map((f) => f.replace(/\.tsx?$/, "").replace(/^\[__test\]\.clock$/, "__test.clock"));
    // The test-only clock route moves time and runs jobs on purpose (NODE_ENV=test only): not fuzzed.
    const covered = new Set(all.map((a) => routeFile(a.route)));
    const missing = routesWithActions.filter((r) => r !== "__test.clock" && !covered.has(r));
    expect(missing, "every route with an action is fuzzed").toEqual([]);

    const cases = all.flatMap(casesOf);
    expect(cases.length).toBeGreaterThanOrEqual(1_000);
    const before = await digest(database);
    const lastAudit = await database.prisma.auditEvent.aggregate({ _max: { id: true } });
    const failures: string[] = [];
    const accepted: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        const { status, body } = await send(c);
        if (status >= 500)
          failures.push(`${status} ${c.action.route} as ${c.action.as || "anonymous"}: ${c.what}\n    ${body}`);
        else if (status < 400 && !REDIRECTS.has(c.action.route))
          accepted.push(`${status} ${c.action.route} as ${c.action.as || "anonymous"}: ${c.what}`);
      }
    };
    const started = Date.now();
    await Promise.all([worker(), worker(), worker(), worker()]);
    const after = await digest(database);
    const changed = Object.keys(before)
      .filter((t) => before[t] !== after[t])
      .map((t) => `${t}: ${before[t]} → ${after[t]}`);
    const newAudit = await database.prisma.auditEvent.findMany({
      where: { id: { gt: lastAudit._max.id ?? 0n } },
      select: { action: true, entityType: true, entityId: true },
    });
    if (newAudit.length > 0) changed.push(`new audit events: ${JSON.stringify(newAudit)}`);
    const newJobs = await database.prisma.$queryRawUnsafe<{ name: string; payload: unknown }[]>(
      `SELECT name, payload FROM "OutboxJob" ORDER BY id DESC LIMIT ${Math.max(0, Object.keys(after).length && 5)}`,
    );
    if (before.OutboxJob !== after.OutboxJob)
      changed.push(`latest outbox jobs: ${JSON.stringify(newJobs).slice(0, 800)}`);
    console.log(
      `fuzz: ${cases.length} payloads over ${all.length} forms of ${covered.size} routes in ${Date.now() - started} ms`,
    );
    expect({ failures, accepted, changed }, "responses ≥ 500, successes, tables changed").toEqual({
      failures: [],
      accepted: [],
      changed: [],
    });
  }, 600_000);
});

/** "challenges.$id.manage (accept)" → "challenges.$id.manage". */
function routeFile(route: string): string {
  return route
    .replace(/ \(.*\)$/, "")
    .replace(/^zone\.settings$/, "zone_.settings")
    .replace(/^(admin\.ledger|broker|challenges\.\$id|offers\.\$id)$/, "$1._index");
}

async function worldOf(database: TestDatabase): Promise<World> {
  const db = database.prisma;
  const orgId = async (name: string) => (await db.organisation.findFirstOrThrow({ where: { name } })).id;
  const challenges: Record<string, string> = {};
  for (const c of await db.challenge.findMany({ orderBy: { createdAt: "asc" } })) challenges[c.status] ??= c.id;
  const deals: Record<string, string> = {};
  for (const d of await db.transferDeal.findMany({ orderBy: { createdAt: "asc" } })) deals[d.status] ??= d.id;
  const offer = await db.transferOffer.findFirstOrThrow({ where: { status: "published" } });
  const auctionOffer = (await db.transferAuction.findFirst())?.offerId ?? offer.id;
  const notification = (await db.notification.findFirst())?.id ?? "none";
  const objection = (await db.publicNoticeObjection.findFirst())?.id ?? "none";
  const question = (await db.challengeQuestion.findFirst())?.id ?? "none";
  const zone = await db.zone.findFirstOrThrow({ where: { code: "kunming" } });
  return {
    zoneId: zone.id,
    orgs: {
      lithium: await orgId("云南滇中锂电新材料科技有限公司"),
      equipment: await orgId("昆明云岭智能装备有限公司"),
      agritech: await orgId("昆明春城数字农业科技有限公司"),
      kust: await orgId("昆明理工大学"),
    },
    challenges,
    deals,
    offer: offer.id,
    auctionOffer,
    notification: String(notification),
    objection: String(objection),
    question: String(question),
  };
}
