import type {
  BidStatus,
  ChallengeIndustry,
  ChallengeIpTerms,
  ChallengeStatus,
  ChallengeVisibility,
  MilestoneStatus,
} from "#db/generated/client/enums.ts";

/** The policy's industries (clause 九: 生物医药, 先进制造, 新材料, 烟草及配套, 食品与消费品加工; 十一: 数字经济) and 其他. */
export const INDUSTRIES = [
  "biomedicine",
  "advanced_manufacturing",
  "new_materials",
  "tobacco",
  "food_consumer_goods",
  "digital_economy",
  "other",
] as const satisfies readonly ChallengeIndustry[];

export const IP_TERMS = [
  "none",
  "non_exclusive_licence",
  "exclusive_licence",
  "full_transfer",
] as const satisfies readonly ChallengeIpTerms[];
export const VISIBILITIES = ["public", "invited"] as const satisfies readonly ChallengeVisibility[];

export const CHALLENGE_STATUSES = [
  "draft",
  "submitted",
  "returned",
  "approved",
  "published",
  "withdrawal_requested",
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
  "withdrawn",
  "cancelled",
  "failed",
] as const satisfies readonly ChallengeStatus[];

export const BID_STATUSES = ["submitted", "withdrawn", "won", "lost", "void"] as const satisfies readonly BidStatus[];
export const MILESTONE_STATUSES = [
  "pending",
  "funded",
  "delivered",
  "revision_requested",
  "accepted",
  "partially_released",
  "refunded",
] as const satisfies readonly MilestoneStatus[];

/** States the public list and detail show (once published; drafts and zone review stay private). */
export const PUBLIC_STATUSES = [
  "published",
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
] as const satisfies readonly ChallengeStatus[];

/** States in which escrow may hold money for the challenge. */
export const FUNDED_STATUSES = [
  "contracted",
  "in_progress",
  "disputed",
  "accepted",
  "closed",
  "cancelled",
] as const satisfies readonly ChallengeStatus[];

/** Default review criteria (评审标准): 技术先进性 40, 可行性 30, 团队 20, 报价 10. */
export const DEFAULT_CRITERIA = [
  { name: "technical_merit", weight: 40 },
  { name: "feasibility", weight: 30 },
  { name: "team", weight: 20 },
  { name: "price", weight: 10 },
] as const;

/** Reason categories of the feedback every losing bidder receives. */
export const FEEDBACK_CATEGORIES = [
  "too_early_stage",
  "indicators_not_met",
  "price",
  "team_capacity",
  "schedule",
  "eligibility",
  "other",
] as const;
export type FeedbackCategory = (typeof FEEDBACK_CATEGORIES)[number];

/**
 * The platform's fee on each milestone paid out of escrow, in basis points (300 = 3%). A platform
 * parameter: it is copied onto the challenge when both sides sign, so a later change never alters
 * a signed contract.
 */
export const PLATFORM_FEE_BASIS_POINTS = 300;

/** Where the web layer sends an enterprise whose wallet cannot fund the escrow. */
export const DEPOSIT_PATH = "/wallet/deposit";

export const CHALLENGE_ERRORS = {
  notFound: "errors.challenge.notFound",
  invalid: "errors.challenge.invalid",
  milestonesRequired: "errors.challenge.milestonesRequired",
  deadlinePassed: "errors.challenge.deadlinePassed",
  deadlineNotReached: "errors.challenge.deadlineNotReached",
  milestoneDueBeforeDeadline: "errors.challenge.milestoneDueBeforeDeadline",
  reasonRequired: "errors.challenge.reasonRequired",
  hasBids: "errors.challenge.hasBids",
  noBids: "errors.challenge.noBids",
  notEditable: "errors.challenge.notEditable",
  insufficientFundsToSign: "errors.challenge.insufficientFundsToSign",
  criteriaWeights: "errors.challenge.criteriaWeights",
  criteriaLocked: "errors.challenge.criteriaLocked",
  feedbackMissing: "errors.challenge.feedbackMissing",
  objectionsOpen: "errors.challenge.objectionsOpen",
  noticeNotOver: "errors.challenge.noticeNotOver",
  milestonesOpen: "errors.challenge.milestonesOpen",
  releaseAmount: "errors.challenge.releaseAmount",
  bidNotFound: "errors.bid.notFound",
  bidsSealed: "errors.bid.sealed",
  bidFrozen: "errors.bid.frozen",
  bidExists: "errors.bid.exists",
  bidPriceAboveBounty: "errors.bid.priceAboveBounty",
  bidNotEligible: "errors.bid.notEligible",
  bidOwnChallenge: "errors.bid.ownChallenge",
  bidScheduleInvalid: "errors.bid.scheduleInvalid",
  reviewerNotExpert: "errors.review.notExpert",
  reviewerNotInvited: "errors.review.notInvited",
  reviewerRecused: "errors.review.recused",
  scoresIncomplete: "errors.review.scoresIncomplete",
  questionNotFound: "errors.question.notFound",
  objectionNotFound: "errors.objection.notFound",
  objectionAnswered: "errors.objection.alreadyAnswered",
  milestoneNotFound: "errors.milestone.notFound",
  disputeNotFound: "errors.dispute.notFound",
  inviteeInvalid: "errors.invitee.invalid",
  inviteesNotInvitedOnly: "errors.invitee.notInvitedOnly",
  inviteesLocked: "errors.invitee.locked",
} as const;
