import type {
  BrokerLevel,
  OrganisationRelationKind,
  TransferDealMode,
  TransferDealStatus,
  TransferInstalmentStatus,
  TransferLicenceKind,
  TransferOfferStatus,
  TransferOfferVisibility,
  TransferPricing,
  TransferRightKind,
  TransferRightStatus,
} from "#db/generated/client/enums.ts";

/**
 * Lists and parameters of the technology-transfer market (docs/decisions/0012-transfer-process.md).
 * The industry list is the policy's one list, shared with 揭榜挂帅 (domain/challenges/constants.ts).
 */
export { INDUSTRIES, PLATFORM_FEE_BASIS_POINTS, DEPOSIT_PATH } from "../challenges/constants.ts";

export const RIGHT_KINDS = [
  "invention_patent",
  "utility_model",
  "design_patent",
  "software_copyright",
  "know_how",
] as const satisfies readonly TransferRightKind[];
export const RIGHT_STATUSES = [
  "pending",
  "granted",
  "lapsed",
  "invalidated",
  "not_applicable",
] as const satisfies readonly TransferRightStatus[];
export const DEAL_MODES = [
  "transfer",
  "licence",
  "equity",
  "joint_development",
] as const satisfies readonly TransferDealMode[];
export const LICENCE_KINDS = ["exclusive", "sole", "ordinary"] as const satisfies readonly TransferLicenceKind[];
export const PRICINGS = ["listed", "negotiable", "auction"] as const satisfies readonly TransferPricing[];
export const OFFER_VISIBILITIES = ["public", "signed_in"] as const satisfies readonly TransferOfferVisibility[];
export const BROKER_LEVELS = ["junior", "intermediate", "senior"] as const satisfies readonly BrokerLevel[];
export const RELATION_KINDS = [
  "parent",
  "same_legal_representative",
  "shareholding",
] as const satisfies readonly OrganisationRelationKind[];

export const OFFER_STATUSES = [
  "draft",
  "published",
  "under_negotiation",
  "transferred",
  "licensed",
  "withdrawn",
  "expired",
] as const satisfies readonly TransferOfferStatus[];
/** Offers the public list shows (and the search index holds). */
export const LISTED_OFFER_STATUSES = [
  "published",
  "under_negotiation",
] as const satisfies readonly TransferOfferStatus[];

export const DEAL_STATUSES = [
  "inquiry",
  "negotiating",
  "terms_agreed",
  "signed",
  "registered",
  "in_progress",
  "completed",
  "disputed",
  "cancelled",
] as const satisfies readonly TransferDealStatus[];
/** Deals still open (not completed, not cancelled). */
export const OPEN_DEAL_STATUSES = DEAL_STATUSES.filter((s) => s !== "completed" && s !== "cancelled");

export const INSTALMENT_STATUSES = [
  "pending",
  "funded",
  "delivered",
  "confirmed",
  "partially_released",
  "refunded",
] as const satisfies readonly TransferInstalmentStatus[];
export const SETTLED_INSTALMENT_STATUSES = ["confirmed", "partially_released", "refunded"] as const;

/**
 * Shareholding at or above this share makes two organisations related (basis points of 100 %):
 * 25 %, the threshold of 国家税务总局公告2016年第42号 (关联关系认定) — see ADR 0012.
 */
export const RELATED_SHAREHOLDING_BP = 2500;

export const MAX_INSTALMENTS = 24;
export const MAX_TITLE = 200;
export const MAX_SUMMARY = 10_000;
export const MAX_MESSAGE = 5_000;
export const MAX_RIGHTS = 50;
export const MAX_FIELD_TAGS = 10;

export const TRANSFER_ERRORS = {
  offerNotFound: "errors.transfer.offerNotFound",
  dealNotFound: "errors.transfer.dealNotFound",
  invalid: "errors.transfer.invalid",
  titleRequired: "errors.transfer.titleRequired",
  summaryRequired: "errors.transfer.summaryRequired",
  contactInSummary: "errors.transfer.contactInSummary",
  trlRange: "errors.transfer.trlRange",
  industry: "errors.transfer.industry",
  dealModesRequired: "errors.transfer.dealModesRequired",
  licenceKindsRequired: "errors.transfer.licenceKindsRequired",
  priceRequired: "errors.transfer.priceRequired",
  priceNotAllowed: "errors.transfer.priceNotAllowed",
  rightNumberRequired: "errors.transfer.rightNumberRequired",
  tooManyRights: "errors.transfer.tooManyRights",
  notEditable: "errors.transfer.notEditable",
  offerNotAvailable: "errors.transfer.offerNotAvailable",
  ownOffer: "errors.transfer.ownOffer",
  buyerOrganisationRequired: "errors.transfer.buyerOrganisationRequired",
  modeNotOffered: "errors.transfer.modeNotOffered",
  dealExists: "errors.transfer.dealExists",
  messageRequired: "errors.transfer.messageRequired",
  notAParty: "errors.transfer.notAParty",
  instalmentsRequired: "errors.transfer.instalmentsRequired",
  tooManyInstalments: "errors.transfer.tooManyInstalments",
  instalmentAmount: "errors.transfer.instalmentAmount",
  instalmentSum: "errors.transfer.instalmentSum",
  instalmentDueDate: "errors.transfer.instalmentDueDate",
  instalmentOrder: "errors.transfer.instalmentOrder",
  deliverableRequired: "errors.transfer.deliverableRequired",
  termsRequired: "errors.transfer.termsRequired",
  belowListedPrice: "errors.transfer.belowListedPrice",
  offerBusy: "errors.transfer.offerBusy",
  alreadySigned: "errors.transfer.alreadySigned",
  termsChanged: "errors.transfer.termsChanged",
  registrationNumber: "errors.transfer.registrationNumber",
  registrationYear: "errors.transfer.registrationYear",
  registrationDate: "errors.transfer.registrationDate",
  registrationTaken: "errors.transfer.registrationTaken",
  instalmentNotFound: "errors.transfer.instalmentNotFound",
  instalmentOrderFunding: "errors.transfer.instalmentOrderFunding",
  insufficientFunds: "errors.transfer.insufficientFunds",
  reasonRequired: "errors.transfer.reasonRequired",
  releaseAmount: "errors.transfer.releaseAmount",
  instalmentsOpen: "errors.transfer.instalmentsOpen",
  fundsHeld: "errors.transfer.fundsHeld",
  brokerRoleRequired: "errors.transfer.brokerRoleRequired",
  brokerProfileRequired: "errors.transfer.brokerProfileRequired",
  credentialNumber: "errors.transfer.credentialNumber",
  credentialTaken: "errors.transfer.credentialTaken",
  alreadyIntroduced: "errors.transfer.alreadyIntroduced",
  brokerNotVerified: "errors.transfer.brokerNotVerified",
  introductionNotFound: "errors.transfer.introductionNotFound",
  introductionAnswered: "errors.transfer.introductionAnswered",
  organisationUnconfirmed: "errors.transfer.organisationUnconfirmed",
  commissionAmount: "errors.transfer.commissionAmount",
  commissionNotFound: "errors.transfer.commissionNotFound",
  commissionExists: "errors.transfer.commissionExists",
  commissionLocked: "errors.transfer.commissionLocked",
  commissionTooHigh: "errors.transfer.commissionTooHigh",
  noBroker: "errors.transfer.noBroker",
  relationSelf: "errors.transfer.relationSelf",
  relationShare: "errors.transfer.relationShare",
  relationExists: "errors.transfer.relationExists",
} as const;
