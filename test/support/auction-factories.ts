/**
 * 竞价 factories for tests and the demo seed (ADR 0019). They drive the real verbs with a
 * controlled clock: an offer priced "auction", its scheduled auction, enterprises with funded
 * wallets registered as bidders, bids, and the scheduled job.
 */
import type { TransferAuction, TransferOffer } from "#db/generated/client/client.ts";
import type { Actor } from "#domain/access/permissions.ts";
import type { Db } from "#domain/db/client.ts";
import { deposit } from "#domain/ledger/deposits.ts";
import type { AuctionInput } from "#domain/transfer/auction-rules.ts";
import { placeBid, registerForAuction, runDueAuctions, scheduleAuction } from "#domain/transfer/auctions.ts";
import { actorOf, createOrganisation, createUser } from "./factories.ts";
import { createPublishedOffer, type TransferWorld } from "./transfer-factories.ts";

const HOUR = 3_600_000;
const FAST_HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2VlZHNlZWRzZWVk$Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1oYXNo";
let counter = 0;

/** Auction settings: reserve 500,000 元, increment 10,000 元, deposit 50,000 元, 2 days, 5-minute window. */
export function auctionInput(now: Date, overrides: Partial<AuctionInput> = {}): AuctionInput {
  return {
    reserveFen: 50_000_000n,
    minIncrementFen: 1_000_000n,
    depositFen: 5_000_000n,
    startsAt: new Date(now.getTime() + HOUR),
    endsAt: new Date(now.getTime() + 49 * HOUR),
    extensionWindowSeconds: 300,
    extensionSeconds: 300,
    signWithinHours: 72,
    mode: "transfer",
    licenceKind: null,
    terms: "专利权全部转让；让与方在签约后30日内办理专利权转移登记并提供全部技术资料，另提供两次现场指导。",
    instalmentPlan: [
      { shareBp: 3000, dueDays: 0, deliverable: "专利权转移登记、技术资料" },
      { shareBp: 7000, dueDays: 60, deliverable: "现场指导与验收" },
    ],
    ...overrides,
  };
}

/** A published offer priced 竞价 with a scheduled auction. */
export async function createScheduledAuction(options: {
  db: Db;
  world: TransferWorld;
  now: Date;
  input?: Partial<AuctionInput>;
}): Promise<{ offer: TransferOffer; auction: TransferAuction }> {
  const { db, world, now } = options;
  const offer = await createPublishedOffer({
    db,
    world,
    input: { pricing: "auction", priceFen: options.input?.reserveFen ?? 50_000_000n },
    now,
  });
  const auction = await scheduleAuction({
    db,
    actor: world.seller,
    offerId: offer.id,
    input: auctionInput(now, options.input),
    now,
  });
  return { offer, auction };
}

export interface Bidder {
  actor: Actor;
  organisationId: string;
}

/** An enterprise in the world's zone with an owner and `funds` deposited in its wallet. */
export async function createFundedBidder(options: {
  db: Db;
  world: TransferWorld;
  funds: bigint;
  name?: string;
}): Promise<Bidder> {
  const { db, world } = options;
  counter += 1;
  const org = await createOrganisation({
    db,
    type: "enterprise",
    zoneId: world.zoneId,
    ...(options.name ? { name: options.name } : {}),
  });
  const user = await createUser({
    db,
    passwordHash: FAST_HASH,
    memberships: [{ organisationId: org.id, role: "owner" }],
  });
  if (options.funds > 0n)
    await deposit({
      db,
      actorId: world.finance.userId,
      orgId: org.id,
      amount: options.funds,
      bankReference: `AUCTION-${org.id.slice(-10)}-${counter}`,
    });
  return { actor: await actorOf({ db, userId: user.id }), organisationId: org.id };
}

/** Registers each bidder (deposit hold) on the auction. */
export async function registerBidders(options: { db: Db; auctionId: string; bidders: Bidder[]; now: Date }) {
  for (const b of options.bidders)
    await registerForAuction({
      db: options.db,
      actor: b.actor,
      auctionId: options.auctionId,
      organisationId: b.organisationId,
      now: options.now,
    });
}

/**
 * For the seed: an auction in a given state — "scheduled", "open" (two bidders, three bids),
 * "closed" (won, the winner's deal awaiting signatures). `now` is the seed's clock.
 */
export async function createAuctionInState(options: {
  db: Db;
  world: TransferWorld;
  state: "scheduled" | "open" | "closed";
  now: Date;
}): Promise<{ offer: TransferOffer; auctionId: string; bidders: Bidder[] }> {
  const { db, world, now } = options;
  const startAt =
    options.state === "scheduled" ? now : new Date(now.getTime() - (options.state === "closed" ? 51 : 3) * HOUR);
  const { offer, auction } = await createScheduledAuction({ db, world, now: startAt });
  if (options.state === "scheduled") return { offer, auctionId: auction.id, bidders: [] };
  const bidders = [
    await createFundedBidder({ db, world, funds: 80_000_000n }),
    await createFundedBidder({ db, world, funds: 80_000_000n }),
  ];
  const open = new Date(startAt.getTime() + HOUR + 60_000);
  await registerBidders({ db, auctionId: auction.id, bidders, now: open });
  const bid = (i: number, amount: bigint, minutes: number) =>
    placeBid({
      db,
      actor: bidders[i]!.actor,
      auctionId: auction.id,
      organisationId: bidders[i]!.organisationId,
      amountFen: amount,
      now: new Date(open.getTime() + minutes * 60_000),
    });
  await bid(0, 50_000_000n, 1);
  await bid(1, 52_000_000n, 2);
  await bid(0, 53_000_000n, 3);
  if (options.state === "closed") await runDueAuctions({ db, now: new Date(auction.endsAt.getTime() + 60_000) });
  return { offer, auctionId: auction.id, bidders };
}
