/**
 * The domain verbs routes call, in one server-only module. The `.server.ts` suffix makes Remix
 * leave it (and argon2, Prisma, pg behind it) out of the browser bundle; route files import
 * domain code only from here, except browser-safe constants and types.
 */
export { getDashboardKind } from "#domain/access/dashboards.ts";
export { listAuditEvents } from "#domain/audit/list.ts";
export { createInvitation } from "#domain/identity/invitations.ts";
export { login } from "#domain/identity/login.ts";
export { requestPasswordReset, resetPassword } from "#domain/identity/password-reset.ts";
export { logout } from "#domain/identity/sessions.ts";
export { signUp } from "#domain/identity/signup.ts";
export { getPlatformCounts } from "#domain/identity/stats.ts";
export { listZones } from "#domain/identity/zones.ts";
export { countJobsByStatus, listFailedJobs, retryJob } from "#domain/jobs/admin.ts";
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
export { organisationByReferenceCode, organisationsById, pendingWithdrawalsOfOrg, recentDepositsWithAmounts } from "#domain/ledger/pages.ts";
export { parseMoney } from "#domain/money/money.ts";
