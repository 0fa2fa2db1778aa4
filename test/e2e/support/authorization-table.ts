/**
 * The authorization table (ADR 0024): for every route module in app/routes, each loader (GET)
 * and each action (POST), the status every role gets, on its own and on another organisation's
 * or zone's records. test/app/authorization-table.test.ts fails when a route module (or its
 * loader or action) has no entry here; test/e2e/authorization.test.ts asks the real server with
 * the seeded demo data and compares.
 *
 * The actions are probed with a form that the route refuses after its access check (an unknown
 * intent or an invalid field), so nothing changes: who may act gets 400 (or the route's own
 * answer to a bad form), who may not gets 302 to /login (anonymous), 403 or 404. A 200 to a
 * stranger or any 5xx is a finding.
 */

export const DEMO_PASSWORD = "jiebang-demo-2026";

/** Every role of the demo seed (README "Demo logins", prisma/seed.ts), plus anonymous. */
export const LOGINS = {
  /** 杞明: signed in, no role, no organisation. */
  visitor: "fangke@demo.jiebang.cn",
  /** 李建国: owner of 滇中锂电 (an enterprise without challenges or deals): the *other* enterprise. */
  enterprise: "qiye@demo.jiebang.cn",
  /** 杨春华: owner of 春城数字农业, whose challenges cover every state (the *own* enterprise). */
  seeker: "fabang@demo.jiebang.cn",
  /** 王丽华: admin of 昆明理工大学, the seller of the demo deals. */
  university: "gaoxiao@demo.jiebang.cn",
  /** 张云龙: researcher at 昆明理工大学, bidder on the demo challenges. */
  researcher: "keyan@demo.jiebang.cn",
  /** 孙立新: researcher at 云南省新材料研究院, the second bidder. */
  researcher2: "keyan2@demo.jiebang.cn",
  /** 普海: an individual researcher (no organisation). */
  individual: "geren@demo.jiebang.cn",
  /** 赵志强: the technology broker of the demo deals. */
  broker: "jingjiren@demo.jiebang.cn",
  /** 陈海燕: expert reviewer, recused where 新材料研究院 bids. */
  expert: "zhuanjia@demo.jiebang.cn",
  /** 施文博: expert reviewer without conflict. */
  expert2: "zhuanjia2@demo.jiebang.cn",
  /** 杨晓明: owner of the service provider 昆明高原检测认证 (the broker's agency). */
  provider: "fuwu@demo.jiebang.cn",
  /** 周春梅: officer of 昆明高新区, the zone of every demo challenge and deal (*own* zone). */
  officer: "guanwei@demo.jiebang.cn",
  /** 段红: officer of 玉溪高新区 (the *other* zone); the seed gives her no login, the test adds one. */
  otherOfficer: "yuxi-officer@demo.jiebang.cn",
  finance: "caiwu@demo.jiebang.cn",
  admin: "admin@demo.jiebang.cn",
  /** 何振宇: owner of 昆明云岭智能装备, the buyer of the demo deals. */
  buyer: "shouyi@demo.jiebang.cn",
} as const;

export type Role = "anonymous" | keyof typeof LOGINS;
export const ROLES: Role[] = ["anonymous", ...(Object.keys(LOGINS) as (keyof typeof LOGINS)[])];

/** Ids of seeded records the paths need (looked up in the server's database). */
export interface SeedIds {
  challenge: { published: string; draft: string; underReview: string; closed: string };
  deal: { negotiating: string; related: string };
  offer: { published: string; draft: string };
  attachment: { publicChallenge: string | null };
  ledger: { sellerWallet: string; buyerWallet: string; transaction: string };
  org: { lithium: string; agritech: string; equipment: string; kust: string };
  zone: { kunming: string; yuxi: string };
}

/** Status by role; `other` is every role not named. */
export type Expect = Partial<Record<Role, number>> & { other: number };

export interface Probe {
  /** What this case is about (own / other organisation or zone, a state). */
  name: string;
  path: (ids: SeedIds) => string;
  loader?: Expect;
  action?: { form?: (ids: SeedIds) => Record<string, string>; expect: Expect };
  /**
   * The real form: `from` opens the page and its first POST form (all fields as the page fills
   * them) is sent by every role, each with its own CSRF token. What the owner saves unchanged,
   * nobody else may save at all.
   */
  replay?: { from: Role; expect: Expect };
}

/** Signed-in everyone: 200; anonymous to the login page. */
const signedIn: Expect = { anonymous: 302, other: 200 };
const everyone: Expect = { other: 200 };
/** Signed in: every answer is a redirect (pages for visitors: login, sign-up). */
const signedInRedirected: Expect = { anonymous: 200, other: 302 };
const ledgerReaders: Expect = { anonymous: 302, admin: 200, finance: 200, other: 403 };
/**
 * Who holds bid:challenge:any: researchers and every member of an organisation that may solve
 * (enterprises, universities, institutes; the seeker's own challenge is refused by the domain).
 */
const bidders = ["enterprise", "seeker", "university", "researcher", "researcher2", "individual", "expert", "buyer"];
/** Members of universities and institutes (publish:offer:own). */
const offerors = ["university", "researcher", "researcher2", "expert"];
/** Owners and admins of an organisation (members). */
const orgManagers = ["enterprise", "seeker", "university", "provider", "officer", "admin", "buyer"];
const walletHolders = [
  "enterprise",
  "seeker",
  "university",
  "researcher",
  "researcher2",
  "expert",
  "provider",
  "buyer",
];
const only = (roles: string[], status: number, rest: Expect): Expect =>
  ({ ...Object.fromEntries(roles.map((r) => [r, status])), ...rest }) as Expect;
/** Unknown intent, refused by the form's schema (after the access check). */
const probe = () => ({ intent: "__authz_probe__" });

export const ROUTE_TABLE: Record<string, Probe[]> = {
  "[__test].clock.tsx": [
    {
      name: "test clock (NODE_ENV=test only; 404 otherwise)",
      path: () => "/__test/clock",
      loader: everyone,
      action: { form: () => ({ days: "-1" }), expect: { other: 400 } },
    },
  ],
  "_index.tsx": [{ name: "home", path: () => "/", loader: everyone }],
  "admin.jobs.tsx": [
    {
      name: "jobs",
      path: () => "/admin/jobs",
      loader: { anonymous: 302, admin: 200, other: 403 },
      action: { form: probe, expect: { anonymous: 302, admin: 400, other: 403 } },
    },
  ],
  "admin.organisations.tsx": [
    {
      name: "platform and zone organisations (platform admin)",
      path: () => "/admin/organisations",
      loader: { anonymous: 302, admin: 200, other: 403 },
      action: { form: probe, expect: { anonymous: 302, admin: 400, other: 403 } },
    },
  ],
  "admin.zones.tsx": [
    {
      name: "zones (platform admin)",
      path: () => "/admin/zones",
      loader: { anonymous: 302, admin: 200, other: 403 },
      action: { form: probe, expect: { anonymous: 302, admin: 400, other: 403 } },
    },
  ],
  "admin.ledger._index.tsx": [
    {
      name: "ledger (platform admin and finance: read:ledger:any)",
      path: () => "/admin/ledger",
      loader: ledgerReaders,
      action: { form: probe, expect: { anonymous: 302, admin: 400, finance: 400, other: 403 } },
    },
  ],
  "admin.ledger.accounts.$address.tsx": [
    {
      name: "an organisation's wallet account",
      path: (ids) => `/admin/ledger/accounts/${encodeURIComponent(ids.ledger.sellerWallet)}`,
      loader: ledgerReaders,
    },
  ],
  "admin.ledger.transactions.$id.tsx": [
    {
      name: "a ledger transaction",
      path: (ids) => `/admin/ledger/transactions/${ids.ledger.transaction}`,
      loader: ledgerReaders,
    },
  ],
  "attachments.$id.tsx": [
    {
      name: "an unknown attachment",
      path: () => "/attachments/cl0000000000000000000000",
      loader: { other: 404 },
    },
  ],
  "audit.tsx": [
    {
      name: "audit log",
      path: () => "/audit",
      loader: { anonymous: 302, officer: 200, otherOfficer: 200, admin: 200, other: 403 },
    },
  ],
  "broker._index.tsx": [
    {
      name: "broker desk",
      path: () => "/broker",
      loader: { anonymous: 302, broker: 200, other: 403 },
      action: { form: probe, expect: { anonymous: 302, broker: 400, other: 403 } },
    },
  ],
  "broker.matches.tsx": [
    {
      name: "broker matches",
      path: () => "/broker/matches",
      loader: { anonymous: 302, broker: 200, other: 403 },
    },
  ],
  "broker.profile.tsx": [
    {
      name: "broker profile",
      path: () => "/broker/profile",
      loader: { anonymous: 302, broker: 200, other: 403 },
      action: { form: probe, expect: { anonymous: 302, broker: 400, other: 403 } },
    },
  ],
  "challenges.$id._index.tsx": [
    {
      name: "a published public challenge",
      path: (ids) => `/challenges/${ids.challenge.published}`,
      loader: everyone,
      action: { form: probe, expect: { anonymous: 302, other: 400 } },
    },
    {
      name: "a draft (own enterprise and zone only)",
      path: (ids) => `/challenges/${ids.challenge.draft}`,
      loader: { seeker: 200, officer: 200, admin: 200, other: 404 },
    },
  ],
  "challenges.$id.bid.tsx": [
    {
      name: "bid on a published challenge",
      path: (ids) => `/challenges/${ids.challenge.published}/bid`,
      loader: only(bidders, 200, { anonymous: 302, other: 403 }),
      action: { form: probe, expect: only(bidders, 400, { anonymous: 302, other: 403 }) },
    },
    {
      name: "bid on a draft",
      path: (ids) => `/challenges/${ids.challenge.draft}/bid`,
      loader: only(bidders, 404, { anonymous: 302, seeker: 200, other: 403 }),
    },
  ],
  "challenges.$id.edit.tsx": [
    {
      name: "edit a draft",
      path: (ids) => `/challenges/${ids.challenge.draft}/edit`,
      loader: { anonymous: 302, seeker: 200, officer: 403, admin: 403, other: 404 },
      // The form is read before the record: a bad form is a 400 for everyone, revealing nothing.
      action: { form: probe, expect: { anonymous: 302, other: 400 } },
    },
  ],
  "challenges.$id.manage.tsx": [
    {
      name: "manage a published challenge",
      path: (ids) => `/challenges/${ids.challenge.published}/manage`,
      loader: { anonymous: 302, seeker: 200, officer: 200, admin: 200, other: 403 },
      action: { form: probe, expect: { anonymous: 302, other: 400 } },
    },
    {
      name: "manage a challenge under review",
      path: (ids) => `/challenges/${ids.challenge.underReview}/manage`,
      loader: {
        anonymous: 302,
        seeker: 200,
        officer: 200,
        admin: 200,
        expert: 200,
        expert2: 200,
        other: 403,
      },
    },
  ],
  "challenges.$id.matches.tsx": [
    {
      name: "matches for a published challenge",
      path: (ids) => `/challenges/${ids.challenge.published}/matches`,
      loader: { anonymous: 302, seeker: 200, admin: 200, other: 403 },
    },
  ],
  "challenges._index.tsx": [{ name: "challenge list", path: () => "/challenges", loader: everyone }],
  "challenges.mine.tsx": [{ name: "my challenges", path: () => "/challenges/mine", loader: signedIn }],
  "challenges.new.tsx": [
    {
      name: "post a challenge",
      path: () => "/challenges/new",
      loader: { anonymous: 302, enterprise: 200, seeker: 200, buyer: 200, other: 403 },
      action: { form: probe, expect: { anonymous: 302, enterprise: 400, seeker: 400, buyer: 400, other: 403 } },
    },
  ],
  "dashboard.tsx": [{ name: "dashboard", path: () => "/dashboard", loader: signedIn }],
  "deals.$id.tsx": [
    {
      name: "a negotiating deal (buyer 云岭, seller 昆明理工, broker, 昆明 zone)",
      path: (ids) => `/deals/${ids.deal.negotiating}`,
      loader: {
        anonymous: 302,
        buyer: 200,
        university: 200,
        researcher: 200,
        broker: 200,
        officer: 200,
        admin: 200,
        other: 404,
      },
      // A real message: the parties may write (303/200), everyone else learns nothing (404).
      action: {
        form: () => ({ intent: "message", body: "授权测试：请忽略。" }),
        expect: {
          anonymous: 302,
          buyer: 200,
          university: 200,
          researcher: 200,
          broker: 200,
          officer: 403,
          admin: 403,
          other: 404,
        },
      },
    },
  ],
  "deals._index.tsx": [{ name: "my deals", path: () => "/deals", loader: signedIn }],
  "dev.mailbox.tsx": [
    // Reset and invitation links: platform admins only, outside production only (ADR 0021).
    { name: "dev mailbox", path: () => "/dev/mailbox", loader: { anonymous: 302, admin: 200, other: 404 } },
  ],
  "finance.tsx": [
    {
      name: "finance desk",
      path: () => "/finance",
      // Separation of duties: the platform admin does not confirm money (confirm:deposit:any).
      loader: { anonymous: 302, finance: 200, other: 403 },
      action: { form: probe, expect: { anonymous: 302, other: 400 } },
    },
  ],
  "forgot-password.tsx": [
    {
      name: "forgot password",
      path: () => "/forgot-password",
      loader: everyone,
      action: { form: () => ({ email: "" }), expect: { other: 400 } },
    },
  ],
  "inbox.tsx": [
    {
      name: "inbox",
      path: () => "/inbox",
      loader: signedIn,
      action: { form: probe, expect: { anonymous: 302, other: 400 } },
    },
  ],
  "introductions.tsx": [
    {
      name: "introductions to answer (the introduced organisation)",
      path: () => "/introductions",
      loader: signedIn,
      action: { form: probe, expect: { anonymous: 302, other: 400 } },
    },
  ],
  "lang.tsx": [
    { name: "language", path: () => "/lang", loader: { other: 302 }, action: { form: probe, expect: { other: 302 } } },
  ],
  "login.tsx": [
    {
      name: "login",
      path: () => "/login",
      loader: signedInRedirected,
      action: { form: () => ({ email: "" }), expect: { anonymous: 400, other: 302 } },
    },
  ],
  "logout.tsx": [
    {
      name: "logout (probed without the CSRF token)",
      path: () => "/logout",
      loader: { other: 302 },
      action: { expect: { other: 403 } },
    },
  ],
  "matches.tsx": [{ name: "researcher matches", path: () => "/matches", loader: signedIn }],
  "members.relations.tsx": [
    {
      name: "related parties",
      path: () => "/members/relations",
      loader: only(["enterprise", "seeker", "university", "buyer"], 200, { anonymous: 302, other: 403 }),
      action: { form: probe, expect: { anonymous: 302, other: 400 } },
    },
  ],
  "members.tsx": [
    {
      name: "members",
      path: () => "/members",
      loader: only(orgManagers, 200, { anonymous: 302, other: 403 }),
      action: { form: probe, expect: { anonymous: 302, other: 400 } },
    },
  ],
  "offers.$id._index.tsx": [
    {
      name: "a published offer",
      path: (ids) => `/offers/${ids.offer.published}`,
      loader: everyone,
      action: { form: probe, expect: { anonymous: 302, other: 400 } },
    },
    {
      name: "a draft offer (own university only)",
      path: (ids) => `/offers/${ids.offer.draft}`,
      loader: { university: 200, researcher: 200, other: 404 },
    },
  ],
  "offers.$id.auction.tsx": [
    {
      name: "the auction page of an offer sold by negotiation (no auction)",
      path: (ids) => `/offers/${ids.offer.published}/auction`,
      loader: everyone,
      action: { form: probe, expect: { anonymous: 302, other: 400 } },
    },
  ],
  "offers.$id.edit.tsx": [
    {
      name: "edit a draft offer",
      path: (ids) => `/offers/${ids.offer.draft}/edit`,
      loader: { anonymous: 302, university: 200, researcher: 200, other: 404 },
      action: { form: probe, expect: { anonymous: 302, other: 400 } },
    },
  ],
  "offers._index.tsx": [{ name: "offer list", path: () => "/offers", loader: everyone }],
  "offers.mine.tsx": [{ name: "my offers", path: () => "/offers/mine", loader: signedIn }],
  "offers.new.tsx": [
    {
      name: "list an offer",
      path: () => "/offers/new",
      loader: only(offerors, 200, { anonymous: 302, other: 403 }),
      action: { form: probe, expect: only(offerors, 400, { anonymous: 302, other: 403 }) },
    },
  ],
  "reset-password.tsx": [
    {
      name: "reset password",
      path: () => "/reset-password",
      // Without a token the page sends to /forgot-password; signed in, to the dashboard.
      loader: { other: 302 },
      action: { form: () => ({ token: "" }), expect: { other: 302 } },
    },
  ],
  "search.tsx": [{ name: "search", path: () => "/search?q=%E7%94%B5%E6%B1%A0", loader: everyone }],
  "search_.suggest.tsx": [{ name: "suggest", path: () => "/search/suggest?q=%E7%94%B5", loader: everyone }],
  "signup.tsx": [
    {
      name: "sign up",
      path: () => "/signup",
      loader: signedInRedirected,
      action: { form: probe, expect: { anonymous: 400, other: 302 } },
    },
  ],
  "wallet.statement[.csv].tsx": [
    {
      name: "the seller's (昆明理工) statement",
      path: (ids) => `/wallet/statement.csv?org=${ids.org.kust}`,
      loader: { anonymous: 302, university: 200, researcher: 200, other: 403 },
    },
    {
      name: "any account's statement (ledger readers)",
      path: (ids) => `/wallet/statement.csv?address=${encodeURIComponent(ids.ledger.buyerWallet)}`,
      loader: ledgerReaders,
    },
  ],
  "wallet.tsx": [
    {
      name: "wallet",
      path: () => "/wallet",
      // Members of an enterprise, university or institute (read:wallet:own), their own wallet.
      loader: only(walletHolders, 200, { anonymous: 302, other: 403 }),
      action: { form: probe, expect: { anonymous: 302, other: 400 } },
    },
  ],
  "zone.tsx": [
    {
      name: "zone queue (a platform admin names the zone)",
      path: () => "/zone",
      loader: { anonymous: 302, officer: 200, otherOfficer: 200, other: 403 },
    },
    {
      name: "the 昆明 zone's queue",
      path: (ids) => `/zone?zone=${ids.zone.kunming}`,
      loader: { anonymous: 302, officer: 200, admin: 200, other: 403 },
    },
    {
      name: "the 玉溪 zone's queue",
      path: (ids) => `/zone?zone=${ids.zone.yuxi}`,
      loader: { anonymous: 302, otherOfficer: 200, admin: 200, other: 403 },
    },
  ],
  "zone_.deals.tsx": [
    {
      name: "zone deals",
      path: () => "/zone/deals",
      loader: { anonymous: 302, officer: 200, otherOfficer: 200, admin: 200, other: 403 },
    },
  ],
  "unlock.tsx": [
    {
      name: "unlock link (the mailed token is the proof)",
      // Without a token the page sends to /login; the form posts back to the link it was opened from.
      path: () => "/unlock?token=not-a-token",
      loader: { other: 200 },
      action: { form: () => ({ token: "" }), expect: { other: 400 } },
    },
  ],
  "verify-email.tsx": [
    {
      name: "email verification link (the mailed token is the proof)",
      // Without a token the page sends to /login; the form posts back to the link it was opened from.
      path: () => "/verify-email?token=not-a-token",
      loader: { other: 200 },
      action: { form: () => ({ token: "" }), expect: { other: 400 } },
    },
  ],
  "zone_.verifications.tsx": [
    {
      name: "identities to confirm (officers of a zone, platform admins)",
      path: () => "/zone/verifications",
      loader: { anonymous: 302, officer: 200, otherOfficer: 200, admin: 200, other: 403 },
      action: { form: probe, expect: { anonymous: 302, officer: 400, otherOfficer: 400, admin: 400, other: 403 } },
    },
  ],
  "zone_.settings.tsx": [
    {
      name: "zone settings",
      path: () => "/zone/settings",
      loader: { anonymous: 302, officer: 200, otherOfficer: 200, admin: 200, other: 403 },
      action: { form: probe, expect: { anonymous: 302, other: 400 } },
    },
  ],
};
