/**
 * A batch of 竞价 auctions that are due to close now (real time, as the worker's clock is): each
 * with three registered bidders (three deposit holds) and two bids, built through the real verbs
 * with a clock 50 hours back.
 */
import type { Db } from "#domain/db/client.ts";
import { placeBid, openDueAuctions } from "#domain/transfer/auctions.ts";
import {
  createFundedBidder,
  createScheduledAuction,
  registerBidders,
  type Bidder,
} from "#tests/support/auction-factories.ts";
import { createTransferWorld } from "#tests/support/transfer-factories.ts";

const HOUR = 3_600_000;
export const DEPOSIT_FEN = 5_000_000n;
export const FUNDS_FEN = 100_000_000_000n;

export interface DueAuctions {
  auctionIds: string[];
  bidders: Bidder[];
  /** auction id → the organisation whose bid is highest */
  winners: Map<string, string>;
}

export async function createDueAuctions(db: Db, count: number): Promise<DueAuctions> {
  const world = await createTransferWorld({ db });
  const bidders = await Promise.all([0, 1, 2].map(() => createFundedBidder({ db, world, funds: FUNDS_FEN })));
  const past = new Date(Date.now() - 50 * HOUR);
  const auctionIds: string[] = [];
  const winners = new Map<string, string>();
  const one = async (i: number) => {
    const { auction } = await createScheduledAuction({ db, world, now: past });
    auctionIds[i] = auction.id;
  };
  for (let i = 0; i < count; i += 8)
    await Promise.all([...Array(Math.min(8, count - i)).keys()].map((k) => one(i + k)));
  const open = new Date(past.getTime() + HOUR + 60_000);
  await openDueAuctions({ db, now: open });
  const bidOn = async (i: number) => {
    const auctionId = auctionIds[i]!;
    await registerBidders({ db, auctionId, bidders, now: open });
    const first = bidders[i % 3]!;
    const second = bidders[(i + 1) % 3]!;
    for (const [k, b] of [first, second].entries())
      await placeBid({
        db,
        actor: b.actor,
        auctionId,
        organisationId: b.organisationId,
        amountFen: 50_000_000n + BigInt(k) * 1_000_000n,
        now: new Date(open.getTime() + (k + 1) * 60_000),
      });
    winners.set(auctionId, second.organisationId);
  };
  for (let i = 0; i < count; i += 8)
    await Promise.all([...Array(Math.min(8, count - i)).keys()].map((k) => bidOn(i + k)));
  return { auctionIds, bidders, winners };
}
