import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAppError } from "#domain/errors.ts";
import { digestKey, sendMatchDigests } from "#domain/matching/digest.ts";
import {
  brokerMatchBoard,
  matchesForChallenge,
  matchesForOffer,
  matchesForResearcher,
} from "#domain/matching/matches.ts";
import type { MailTransport, OutgoingMail } from "#domain/mail/transport.ts";
import { createEmbeddedSearchEngine } from "#search/embedded.ts";
import type { SearchEngine } from "#search/engine.ts";
import { reindexAll } from "#search/sync.ts";
import {
  createChallengeInState,
  createChallengeWorld,
  type ChallengeWorld,
} from "#tests/support/challenge-factories.ts";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import { actorOf, createOrganisation, createUser } from "#tests/support/factories.ts";

/** The offers index as issue 5 defines its documents; the test puts documents straight in. */
const OFFER_SETTINGS = {
  primaryKey: "id",
  searchableAttributes: ["title", "fieldTags", "summary", "ownerOrganisationName", "zoneName"],
  filterableAttributes: [
    "industry",
    "fieldTags",
    "zone",
    "status",
    "dealModes",
    "pricing",
    "ownerOrganisationId",
    "ownerOrganisationType",
    "priceFen",
  ],
  sortableAttributes: ["publishedAt", "priceFen"],
};

function recordingTransport(): MailTransport & { sent: OutgoingMail[]; failNext: boolean } {
  const t = {
    kind: "log" as const,
    sent: [] as OutgoingMail[],
    failNext: false,
    async send(message: OutgoingMail) {
      if (t.failNext) {
        t.failNext = false;
        throw new Error("SMTP down");
      }
      t.sent.push(message);
    },
    async close() {},
  };
  return t;
}

describe("matching on a seeded database", () => {
  let db: TestDatabase;
  let w: ChallengeWorld;
  let engine: SearchEngine;
  let open: string;
  let zoneCode: string;
  let uniA: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    w = await createChallengeWorld({ db: db.prisma });
    // A past challenge solverA won and delivered (milestones accepted); solverB bid and lost.
    await createChallengeInState({ db: db.prisma, world: w, state: "accepted" });
    // The enterprise's open challenge in the same fields.
    open = (await createChallengeInState({ db: db.prisma, world: w, state: "published" })).challenge.id;
    zoneCode = (await db.prisma.zone.findUniqueOrThrow({ where: { id: w.zoneId } })).code;
    uniA = w.solverA.organisationId;
    engine = createEmbeddedSearchEngine();
    await reindexAll({ db: db.prisma, engine });
  }, 120_000);

  afterAll(async () => {
    await engine?.close();
    await db?.close();
  });

  it("ranks the researcher with the record above the one without, and says why", async () => {
    const m = await matchesForChallenge({ db: db.prisma, search: engine, actor: w.seeker, challengeId: open });
    // The offers index is registered (issue 5) and rebuilt from a database that has no offers.
    expect(m.offersAvailable).toBe(true);
    expect(m.offers).toEqual([]);
    const ids = m.people.map((p) => p.id);
    expect(ids).toContain(w.solverA.userId);
    expect(ids).toContain(w.solverB.userId);
    expect(ids.indexOf(w.solverA.userId)).toBeLessThan(ids.indexOf(w.solverB.userId));
    const a = m.people.find((p) => p.id === w.solverA.userId)!;
    expect(a.reasons).toEqual(
      expect.arrayContaining([
        { kind: "fields", fields: ["锂电池", "正极材料"] },
        { kind: "industry", industry: "new_materials" },
        expect.objectContaining({ kind: "history", awards: 1 }),
      ]),
    );
    expect(
      (a.reasons.find((r) => r.kind === "history") as { acceptedMilestones: number }).acceptedMilestones,
    ).toBeGreaterThan(0);
    // The winning university is the first organisation; the seeker is never its own match.
    expect(m.organisations[0]?.id).toBe(uniA);
    expect(m.organisations.map((o) => o.id)).not.toContain(w.enterprise.id);
  });

  it("refuses the matches of a challenge to someone outside the seeker", async () => {
    const error = await matchesForChallenge({
      db: db.prisma,
      search: engine,
      actor: w.stranger,
      challengeId: open,
    }).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe("forbidden");
  });

  it("ranks offers once an offers index exists, leaving out the seeker's own", async () => {
    const offers = createEmbeddedSearchEngine();
    try {
      await reindexAll({ db: db.prisma, engine: offers });
      await offers.configureIndex("offers", OFFER_SETTINGS);
      await offers.upsert("offers", [
        {
          id: "o1",
          kind: "offer",
          title: "高镍锂电池正极材料包覆技术",
          summary: "循环寿命提升",
          ownerOrganisationId: uniA,
          ownerOrganisationName: "大学",
          ownerOrganisationType: "university",
          industry: "new_materials",
          fieldTags: ["锂电池", "正极材料"],
          dealModes: ["licence"],
          licenceKinds: [],
          pricing: "negotiable",
          trl: 6,
          rightKinds: [],
          zone: zoneCode,
          zoneName: ["昆明", "Kunming"],
          status: "published",
          publishedAt: 1,
        },
        {
          id: "o2",
          kind: "offer",
          title: "茶叶自动分拣设备",
          summary: "食品加工",
          ownerOrganisationId: uniA,
          ownerOrganisationName: "大学",
          ownerOrganisationType: "university",
          industry: "food_consumer_goods",
          fieldTags: ["食品"],
          dealModes: ["transfer"],
          licenceKinds: [],
          pricing: "listed",
          priceFen: 100,
          trl: 7,
          rightKinds: [],
          zone: "elsewhere",
          zoneName: ["别处", "Elsewhere"],
          status: "published",
          publishedAt: 2,
        },
        {
          id: "o3",
          kind: "offer",
          title: "锂电池正极材料回收",
          summary: "",
          ownerOrganisationId: w.enterprise.id,
          ownerOrganisationName: "企业",
          ownerOrganisationType: "enterprise",
          industry: "new_materials",
          fieldTags: ["锂电池"],
          dealModes: ["transfer"],
          licenceKinds: [],
          pricing: "listed",
          priceFen: 100,
          trl: 5,
          rightKinds: [],
          zone: zoneCode,
          zoneName: ["昆明", "Kunming"],
          status: "published",
          publishedAt: 3,
        },
      ]);
      const m = await matchesForChallenge({ db: db.prisma, search: offers, actor: w.seeker, challengeId: open });
      expect(m.offersAvailable).toBe(true);
      expect(m.offers[0]).toMatchObject({ id: "o1", href: "/offers/o1" });
      expect(m.offers.map((o) => o.id)).not.toContain("o3");
      expect(m.offers.find((o) => o.id === "o2")?.score ?? 0).toBeLessThan(m.offers[0]!.score);
      const terms = m.offers[0]!.reasons.find((r) => r.kind === "terms") as { terms: string[] } | undefined;
      expect(terms?.terms.length).toBeGreaterThan(0);

      // The other way round: the offer's open challenges and enterprises.
      const back = await matchesForOffer({
        db: db.prisma,
        search: offers,
        offer: {
          id: "o1",
          title: "高镍锂电池正极材料包覆技术",
          ownerOrganisationId: uniA,
          industry: "new_materials",
          fieldTags: ["锂电池", "正极材料"],
          zone: zoneCode,
        },
      });
      expect(back.challenges.map((c) => c.id)).toEqual([open]);
      expect(back.enterprises[0]).toMatchObject({ id: w.enterprise.id });
    } finally {
      await offers.close();
    }
  });

  it("proposes open challenges to a researcher, never one they already bid on", async () => {
    const r = await matchesForResearcher({ db: db.prisma, search: engine, userId: w.solverB.userId });
    expect(r.fields).toEqual(expect.arrayContaining(["锂电池", "正极材料"]));
    expect(r.challenges.map((c) => c.id)).toEqual([open]);
    expect(r.challenges[0]!.reasons.map((x) => x.kind)).toContain("fields");
  });

  it("shows a broker the organisations they serve, and refuses everyone else", async () => {
    const broker = await actorOf({
      db: db.prisma,
      userId: (
        await createUser({
          db: db.prisma,
          roles: ["broker"],
          memberships: [{ organisationId: w.enterprise.id, role: "member" }],
        })
      ).id,
    });
    const board = await brokerMatchBoard({ db: db.prisma, search: engine, actor: broker });
    expect(board.organisations.map((o) => o.id)).toEqual([w.enterprise.id]);
    expect(board.organisations[0]!.challenges.map((c) => c.challenge.id)).toEqual([open]);
    const error = await brokerMatchBoard({ db: db.prisma, search: engine, actor: w.seeker }).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe("forbidden");
  });

  it("sends the digest once per person per day, never the same match twice, and finishes the mail after a failure", async () => {
    const mail = recordingTransport();
    const now = new Date("2026-12-02T00:30:00Z"); // 08:30 in Shanghai
    const opts = { db: db.prisma, search: engine, mail, appUrl: "http://app.test", threshold: 30 };
    // The first run's mail fails after the notification is written: the retry sends it, once.
    mail.failNext = true;
    await expect(sendMatchDigests({ ...opts, now })).rejects.toThrow("SMTP down");
    const first = await sendMatchDigests({ ...opts, now });
    expect(first.day).toBe("2026-12-02");
    const toSolverB = await db.prisma.notification.findUnique({
      where: { dedupeKey: digestKey("2026-12-02", w.solverB.userId) },
    });
    expect(toSolverB?.event).toBe("match.digest");
    const sentTo = mail.sent.map((m) => m.to);
    const solverBEmail = (await db.prisma.user.findUniqueOrThrow({ where: { id: w.solverB.userId } })).email;
    expect(sentTo.filter((to) => to === solverBEmail)).toHaveLength(1);
    expect(new Set(sentTo).size).toBe(sentTo.length);
    const mailText = mail.sent.find((m) => m.to === solverBEmail)!.text;
    expect(mailText).toContain("http://app.test/matches");

    // Same day again: nothing new written or sent.
    const notices = await db.prisma.matchNotice.count();
    const again = await sendMatchDigests({ ...opts, now: new Date(now.getTime() + 3600_000) });
    expect(again).toMatchObject({ notified: 0, mailed: 0, matches: 0 });
    expect(await db.prisma.matchNotice.count()).toBe(notices);

    // Next day: the same matches are not told again.
    const nextDay = await sendMatchDigests({ ...opts, now: new Date(now.getTime() + 24 * 3600_000) });
    expect(nextDay).toMatchObject({ notified: 0, matches: 0 });
    expect(mail.sent.length).toBe(sentTo.length);

    // A new open challenge in the field is a new match, told the next day.
    const fresh = (await createChallengeInState({ db: db.prisma, world: w, state: "published" })).challenge.id;
    await reindexAll({ db: db.prisma, engine, indexes: ["challenges"] });
    const later = await sendMatchDigests({
      ...opts,
      now: new Date(now.getTime() + 2 * 24 * 3600_000),
      userIds: [w.solverB.userId],
    });
    expect(later.notified).toBe(1);
    const told = await db.prisma.matchNotice.findMany({ where: { userId: w.solverB.userId, candidateId: fresh } });
    expect(told).toHaveLength(1);
  }, 60_000);

  it("leaves out people below the threshold", async () => {
    const mail = recordingTransport();
    const lonely = await createUser({
      db: db.prisma,
      roles: ["researcher"],
      memberships: [
        { organisationId: (await createOrganisation({ db: db.prisma, type: "university" })).id, role: "member" },
      ],
    });
    const r = await sendMatchDigests({
      db: db.prisma,
      search: engine,
      mail,
      appUrl: "http://app.test",
      now: new Date("2026-12-10T00:00:00Z"),
      threshold: 99,
      userIds: [lonely.id],
    });
    expect(r).toMatchObject({ notified: 0, mailed: 0 });
  });
});
