/**
 * The domain verbs routes call, in one server-only module. The `.server.ts` suffix makes Remix
 * leave it (and argon2, Prisma, pg behind it) out of the browser bundle; route files import
 * domain code only from here, except browser-safe constants and types.
 */
export { getDashboardKind } from "#domain/access/dashboards.ts";
export { listAuditEvents } from "#domain/audit/list.ts";
export { createInvitation } from "#domain/identity/invitations.ts";
export {
  createPlatformOrganisation,
  listPlatformOrganisations,
} from "#domain/identity/create-platform-organisation.ts";
export { createZone } from "#domain/identity/create-zone.ts";
export { login } from "#domain/identity/login.ts";
export { unlockLogin, verifyEmail } from "#domain/identity/account-links.ts";
export { listVerificationQueue, reviewBrokerProfile, reviewOrganisation } from "#domain/identity/confirmations.ts";
export { requestPasswordReset, resetPassword } from "#domain/identity/password-reset.ts";
export { logout } from "#domain/identity/sessions.ts";
export { signUp } from "#domain/identity/signup.ts";
export { getPlatformCounts } from "#domain/identity/stats.ts";
export { listZones } from "#domain/identity/zones.ts";
export { countJobsByStatus, listFailedJobs, listQueueTrouble, retryJob } from "#domain/jobs/admin.ts";
export { listDevMailbox } from "#domain/mail/dev-mailbox.ts";
export { listManagedOrganisations } from "#domain/identity/members.ts";
// ledger pages
export { deposit, requireBankReference } from "#domain/ledger/deposits.ts";
export { confirmWithdrawal, rejectWithdrawal, requestWithdrawal } from "#domain/ledger/withdrawals.ts";
export {
  accountStatement,
  accountStatementCsv,
  pendingWithdrawals,
  reconciliationHistory,
  searchAccounts,
  transactionDetail,
  walletBalancesByOrg,
  getBalance,
} from "#domain/ledger/read.ts";
export { reconcileLedger } from "#domain/ledger/reconcile.ts";
export {
  organisationByReferenceCode,
  organisationsById,
  pendingWithdrawalsOfOrg,
  recentDepositsWithAmounts,
} from "#domain/ledger/pages.ts";
export { parseMoney } from "#domain/money/money.ts";
// challenges
export {
  approveChallenge,
  cancelChallenge,
  closeBidding,
  closeChallenge,
  decideWithdrawal,
  failChallenge,
  rejectProposal,
  reopenReview,
  republishChallenge,
  requestWithdrawal as requestChallengeWithdrawal,
  closeDueBidding,
  confirmContract,
  createChallenge,
  endDuePublicNotices,
  endPublicNotice,
  proposeWinner,
  publishChallenge,
  returnChallenge,
  runChallengeTransition,
  startPublicNotice,
  startReview,
  startWork,
  submitChallenge,
  updateChallenge,
  withdrawChallenge,
} from "#domain/challenges/challenges.ts";
export { bidReceipts, editBid, submitBid, withdrawBid } from "#domain/challenges/bids.ts";
export { answerQuestion, askQuestion, listQuestions } from "#domain/challenges/questions.ts";
export {
  declareConflict,
  inviteReviewer,
  reviewRanking,
  scoreBid,
  setReviewCriteria,
  writeFeedback,
} from "#domain/challenges/review.ts";
export { answerObjection, fileObjection } from "#domain/challenges/notice.ts";
export {
  acceptMilestone,
  arbitrateDispute,
  deliverMilestone,
  raiseDispute,
  rejectMilestone,
} from "#domain/challenges/milestones.ts";
export {
  challengeStatistics,
  enterpriseWorkspace,
  getChallengeDetail,
  listBids,
  listPublicChallenges,
  recordChallengeView,
  reviewerWorkspace,
  solverWorkspace,
  zoneQueue,
} from "#domain/challenges/read.ts";
export { challengeMoney } from "#domain/challenges/escrow.ts";
export {
  challengeTitles,
  listExperts,
  myBidInChallenge,
  myScores,
  openDispute,
  reviewSetup,
  seekerAnonymous,
  challengeCountsByOrganisation,
  zoneNoticeSettings,
} from "#domain/challenges/pages.ts";
export { setPublicNoticeDays } from "#domain/challenges/challenges.ts";
export {
  invitedChallenges,
  inviteSolver,
  listInvitees,
  searchSolvers,
  uninviteSolver,
} from "#domain/challenges/invitees.ts";
export { richTextToPlain } from "#domain/challenges/sanitize.ts";
// technology transfer (成果转化, issue 5; docs/decisions/0012-transfer-process.md)
export { createOffer, updateOffer, publishOffer, withdrawOffer, validateOfferInput } from "#domain/transfer/offers.ts";
export { inquire, postMessage, agreeTerms, signDeal, recordRegistration, cancelDeal } from "#domain/transfer/deals.ts";
export {
  fundInstalment,
  deliverInstalment,
  confirmInstalment,
  raiseDealDispute,
  arbitrateDealDispute,
} from "#domain/transfer/instalments.ts";
export {
  upsertBrokerProfile,
  answerIntroduction,
  pendingIntroductionsFor,
  introduce,
  proposeCommission,
  signCommission,
  brokerTrackRecord,
} from "#domain/transfer/brokers.ts";
export { declareRelation, relationsOf } from "#domain/transfer/relations.ts";
export {
  listOffers,
  offerDetail,
  myOffers,
  myDeals,
  dealDetail,
  zoneDisputes,
  brokerDashboard,
  brokerProfile,
} from "#domain/transfer/read.ts";
export { dealMoney } from "#domain/transfer/money.ts";
export * as transferConstants from "#domain/transfer/constants.ts";
// matching (search and matching, issue 6)
export {
  brokerMatchBoard,
  matchesForChallenge,
  matchesForOffer,
  matchesForResearcher,
  openChallengesToMatch,
} from "#domain/matching/matches.ts";
export {
  addAttachments,
  inspectUpload,
  listAttachments,
  MAX_ATTACHMENTS_PER_RECORD,
  openAttachment,
  removeAttachment,
} from "#domain/attachments/attachments.ts";
export { ATTACHMENT_TYPES } from "#domain/attachments/detect.ts";
export {
  countUnreadNotifications,
  listNotifications,
  markNotificationRead,
  markNotificationsRead,
} from "#domain/notifications/notifications.ts";
// 竞价 (issue 5; docs/decisions/0019-transfer-auctions.md)
export {
  scheduleAuction,
  cancelAuction,
  registerForAuction,
  placeBid,
  auctionView,
  runDueAuctions,
} from "#domain/transfer/auctions.ts";
