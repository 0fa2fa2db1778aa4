import { z } from "zod";
import { expireHolds } from "#domain/ledger/holds.ts";
import { reconcileLedger } from "#domain/ledger/reconcile.ts";
import { pruneSettledOutboxJobs } from "#domain/jobs/outbox-rows.ts";
import { defineJob } from "../jobs.ts";

/** Nightly proof that debits equal credits and every balance equals its entries; a mismatch fails the job (visible to admins). */
export const ledgerReconcile = defineJob({
  name: "ledger.reconcile",
  payload: z.object({}).passthrough(),
  async process(_payload, ctx) {
    const report = await reconcileLedger({ db: ctx.db });
    const summary = {
      ok: report.ok,
      accounts: report.accountsChecked,
      transactions: report.transactions,
      mismatched: report.mismatchedAccounts,
      runId: report.runId,
    };
    if (!report.ok) {
      ctx.log.error(summary, "ledger reconciliation found differences");
      throw new Error(
        `Ledger reconciliation failed: ${report.mismatchedAccounts} accounts differ, posted balanced ${report.postedBalanced}, pending balanced ${report.pendingBalanced}`,
      );
    }
    ctx.log.info(summary, "ledger reconciled");
  },
});

/** Voids holds (escrow, voucher reservations) whose timeout has passed; each resolves once however often this runs. */
export const holdsExpire = defineJob({
  name: "holds.expire",
  payload: z.object({}).passthrough(),
  async process(_payload, ctx) {
    const { expired } = await expireHolds({ db: ctx.db, now: ctx.now() });
    if (expired.length > 0) ctx.log.info({ expired: expired.length }, "holds expired");
  },
});

/** Deletes done outbox rows after a week (schedules alone add ~1,500 a day); failed rows stay until an admin retries them. */
export const outboxPrune = defineJob({
  name: "outbox.prune",
  payload: z.object({ keepDays: z.number().int().min(1).default(7) }).passthrough(),
  async process(payload, ctx) {
    const deleted = await pruneSettledOutboxJobs(ctx.db, {
      completedBefore: new Date(ctx.now().getTime() - payload.keepDays * 86_400_000),
    });
    if (deleted > 0) ctx.log.info({ deleted }, "old outbox rows pruned");
  },
});
