import { z } from "zod";
import { runDueAuctions } from "#domain/transfer/auctions.ts";
import { expireDueOffers } from "#domain/transfer/offers.ts";
import { defineJob } from "../jobs.ts";

/**
 * transfer.deal.completed: written by domain/transfer/instalments.ts when a deal completes (ADR
 * 0012). The outbox row is the durable record subsidies are computed from; until the subsidy
 * issue consumes it, the job checks the payload's shape and logs it.
 */
export const transferDealCompleted = defineJob({
  name: "transfer.deal.completed",
  payload: z
    .object({
      dealId: z.string().min(1),
      offerId: z.string().min(1),
      transferor: z.object({ organisationId: z.string().min(1) }).passthrough(),
      transferee: z.object({ organisationId: z.string().min(1) }).passthrough(),
      amountPaidFen: z.string().regex(/^\d+$/),
      mode: z.string().min(1),
      relatedParty: z.boolean(),
      registrationNumber: z.string().nullable(),
    })
    .passthrough(),
  async process(payload, ctx) {
    ctx.log.info(
      { dealId: payload.dealId, amountPaidFen: payload.amountPaidFen, relatedParty: payload.relatedParty },
      "technology deal completed",
    );
  },
});

/** Published offers whose listing ended become expired (each exactly once). */
export const transferOffersExpire = defineJob({
  name: "transfer.offersExpire",
  payload: z.object({}).passthrough(),
  async process(_payload, ctx) {
    const expired = await expireDueOffers({ db: ctx.db, now: ctx.now() });
    if (expired > 0) ctx.log.info({ expired }, "offers expired");
  },
});

/**
 * 竞价 (ADR 0019): opens auctions at their start, closes them at their (possibly extended) end —
 * winner's deposit applied, other holds voided, the winner's deal opened — and, after the signing
 * time, settles or forfeits. Idempotent: every step re-checks the locked auction and every
 * ledger key derives from the auction, so a second run changes nothing.
 */
export const transferAuctionsTick = defineJob({
  name: "transfer.auctionsTick",
  payload: z.object({}).passthrough(),
  async process(_payload, ctx) {
    const result = await runDueAuctions({ db: ctx.db, now: ctx.now() });
    if (Object.values(result).some((n) => n > 0)) ctx.log.info(result, "auctions moved on");
  },
});
