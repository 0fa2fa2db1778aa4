import type { DbOrTx } from "../db/client.ts";
import { AppError } from "../errors.ts";
import type { PendingWithdrawal } from "./read.ts";

/**
 * Small reads the ledger's web pages need besides read.ts: finding the organisation a bank
 * transfer names by its reference code, naming organisations in finance lists, and one
 * organisation's open withdrawal requests.
 */

export interface OrganisationRef {
  id: string;
  name: string;
  referenceCode: string;
}

/** The organisation whose reference code a transfer note carries (codes are upper-case; case and spaces are forgiven). */
export async function organisationByReferenceCode(options: {
  db: DbOrTx;
  referenceCode: string;
}): Promise<OrganisationRef> {
  const code = String(options.referenceCode ?? "")
    .normalize("NFKC")
    .replace(/\s+/g, "")
    .toUpperCase();
  const org = code
    ? await options.db.organisation.findUnique({
        where: { referenceCode: code },
        select: { id: true, name: true, referenceCode: true },
      })
    : null;
  if (!org) {
    throw new AppError("not_found", "errors.ledger.unknownReferenceCode", {
      fieldErrors: { referenceCode: "errors.ledger.unknownReferenceCode" },
    });
  }
  return org;
}

/** Names and reference codes of the given organisations, by id (unknown ids are left out). */
export async function organisationsById(options: {
  db: DbOrTx;
  ids: readonly string[];
}): Promise<Map<string, OrganisationRef>> {
  const ids = [...new Set(options.ids.filter(Boolean))];
  if (ids.length === 0) return new Map();
  const rows = await options.db.organisation.findMany({
    where: { id: { in: ids } },
    select: { id: true, name: true, referenceCode: true },
  });
  return new Map(rows.map((r) => [r.id, r]));
}

/** One organisation's withdrawal requests that finance has not yet confirmed or rejected, oldest first. */
export async function pendingWithdrawalsOfOrg(options: {
  db: DbOrTx;
  orgId: string;
  limit?: number;
}): Promise<PendingWithdrawal[]> {
  const rows = await options.db.$queryRawUnsafe<
    { id: bigint; metadata: Record<string, unknown>; createdAt: Date; amount: string }[]
  >(
    `SELECT t."id", t."metadata", t."createdAt", (SELECT sum(p."amount") FROM "LedgerPosting" p WHERE p."transactionId" = t."id")::text AS amount
     FROM "LedgerTransaction" t
     WHERE t."kind" = 'pending' AND t."code" = 'withdrawal' AND t."metadata"->>'orgId' = $1
       AND NOT EXISTS (SELECT 1 FROM "LedgerTransaction" r WHERE r."pendingId" = t."id")
     ORDER BY t."id" LIMIT $2`,
    options.orgId,
    Math.min(Math.max(options.limit ?? 50, 1), 200),
  );
  return rows.map((r) => ({
    holdId: BigInt(r.id),
    orgId: String(r.metadata.orgId),
    amount: BigInt(r.amount),
    requestedAt: r.createdAt,
    metadata: r.metadata,
  }));
}

export interface DepositSummary {
  transactionId: bigint;
  code: string;
  createdAt: Date;
  amount: bigint;
  metadata: Record<string, unknown>;
}

/** Recent deposits and budget top-ups with their amounts, newest first (the finance queue's list). */
export async function recentDepositsWithAmounts(options: { db: DbOrTx; limit?: number }): Promise<DepositSummary[]> {
  const rows = await options.db.$queryRawUnsafe<
    { id: bigint; code: string; createdAt: Date; metadata: Record<string, unknown>; amount: string }[]
  >(
    `SELECT t."id", t."code", t."createdAt", t."metadata", (SELECT coalesce(sum(p."amount"), 0) FROM "LedgerPosting" p WHERE p."transactionId" = t."id")::text AS amount
     FROM "LedgerTransaction" t
     WHERE t."code" IN ('deposit', 'budget-top-up')
     ORDER BY t."id" DESC LIMIT $1`,
    Math.min(Math.max(options.limit ?? 20, 1), 200),
  );
  return rows.map((r) => ({
    transactionId: BigInt(r.id),
    code: r.code,
    createdAt: r.createdAt,
    amount: BigInt(r.amount),
    metadata: r.metadata ?? {},
  }));
}
