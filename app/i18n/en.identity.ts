import type { zhCNIdentity } from "./zh-CN.identity.ts";

/** Strings of verified identities: email verification, login unlock, confirmations, introductions (ADR 0022). */
export const enIdentity: Record<keyof typeof zhCNIdentity, string> = {
  "signup.sentTitle": "Check your mail",
  "signup.sent": "We sent a message to {email}. Open the link in it to finish registering.",
  "signup.sentHint":
    "The link works for 48 hours. Nothing arrived? Check your spam folder, or sign in with that email later to have it sent again.",
  "verifyEmail.title": "Verify your email",
  "verifyEmail.lead": "Press the button below to confirm this is your email; then you are signed in.",
  "verifyEmail.submit": "Confirm and sign in",
  "unlock.title": "Lift the login lock",
  "unlock.lead": "Press the button below to lift the lock on your account, then sign in again.",
  "unlock.submit": "Lift the lock",
  "login.unlocked": "The lock is lifted. Sign in again.",
  "errors.emailNotVerified":
    "This email is not verified yet. We sent the verification link to it again; open it, then sign in.",
  "errors.accountLinkInvalid": "This link is not valid or was already used.",
  "errors.accountLinkExpired": "This link has expired; ask for a new one.",
  "errors.organisationNameTaken":
    "An organisation with this name is already registered. Ask its administrator to invite you.",
  "errors.alreadyReviewed": "This was already reviewed.",
  "errors.decisionInvalid": "Choose confirm or reject.",
  "errors.brokerProfileNotFound": "No such broker profile.",
  "errors.transfer.brokerNotVerified":
    "Your broker credential is waiting for the zone administration's check; you can introduce once it is confirmed.",
  "errors.transfer.introductionNotFound": "No such introduction.",
  "errors.transfer.introductionAnswered": "This introduction was already answered.",
  "errors.transfer.organisationUnconfirmed":
    "This organisation is waiting for the zone administration's confirmation and cannot trade until then.",
  "bid.ineligible.unconfirmed": "Your organisation is waiting for the zone administration's confirmation",
  "permissions.confirm:identity:zone": "Confirm organisations and brokers of your zone",
  "permissions.confirm:identity:any": "Confirm organisations and brokers of every zone",
  "confirmation.org.pending": "Unconfirmed",
  "confirmation.org.confirmed": "Confirmed",
  "confirmation.org.rejected": "Not confirmed",
  "confirmation.broker.pending": "Credential awaiting check",
  "confirmation.broker.confirmed": "Credential checked",
  "confirmation.broker.rejected": "Credential rejected",
  "confirmation.brokerHint.pending":
    "Until the zone administration checks it you cannot introduce and are not recorded as any deal's broker.",
  "confirmation.brokerHint.confirmed":
    "You may introduce enterprises to offers; an introduction counts once the enterprise accepts it.",
  "confirmation.brokerHint.rejected": "Check the credential number and level and save again; it will be checked again.",
  "verifications.title": "Identity checks",
  "verifications.lead":
    "Self-registered organisations and broker credentials are checked: an unconfirmed organisation cannot post, list, buy or bid, and an unchecked broker cannot introduce.",
  "verifications.organisations": "Organisations to confirm",
  "verifications.brokers": "Broker credentials to check",
  "verifications.none": "Nothing waiting.",
  "verifications.creditCode": "Credit code",
  "verifications.credential": "Credential",
  "verifications.note": "Note (optional)",
  "verifications.confirm": "Confirm",
  "verifications.reject": "Reject",
  "verifications.done.confirm": "Confirmed.",
  "verifications.done.reject": "Rejected.",
  "introductions.title": "Broker introductions",
  "introductions.lead":
    "Brokers introduce your organisation to research results. Only an introduction you accept counts: that broker becomes the broker of the deals that follow and sees their terms and thread.",
  "introductions.waiting": "{count} broker introductions are waiting for your answer.",
  "introductions.none": "No introductions are waiting.",
  "introductions.row": "{broker} introduces {buyer} to the result of {seller}",
  "introductions.accept": "Accept",
  "introductions.decline": "Decline",
  "introductions.done.accept": "Introduction accepted.",
  "introductions.done.decline": "Introduction declined.",
  "search.unconfirmed": "Unconfirmed",
};
