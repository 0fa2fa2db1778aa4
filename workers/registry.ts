import { challengeCloseDue, challengeNoticesEnd, challengeNotify } from "./definitions/challenges.ts";
import { holdsExpire, ledgerReconcile, outboxPrune } from "./definitions/ledger.ts";
import { mailSend } from "./definitions/mail-send.ts";
import { matchDigest } from "./definitions/match-digest.ts";
import { searchSync } from "./definitions/search-sync.ts";
import { transferAuctionsTick, transferDealCompleted, transferOffersExpire } from "./definitions/transfer.ts";
import { createJobRegistry, type JobDefinition } from "./jobs.ts";

/** Every job the runner knows. Add a definition here when a domain module needs background work. */
export const jobDefinitions: JobDefinition[] = [
  mailSend,
  ledgerReconcile,
  holdsExpire,
  outboxPrune,
  searchSync,
  challengeNotify,
  challengeCloseDue,
  challengeNoticesEnd,
  transferDealCompleted,
  transferOffersExpire,
  matchDigest,
  transferAuctionsTick,
].map((d) => d as unknown as JobDefinition);

export const defaultJobRegistry = createJobRegistry(jobDefinitions);
