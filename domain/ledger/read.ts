import type { DbOrTx } from "../db/client.ts";
import { csvRow } from "../csv.ts";
import { AppError } from "../errors.ts";
import { fenToDecimalString } from "../money/money.ts";
import { addresses, signedBalance, type Side } from "./addresses.ts";

export interface AccountBalance {
  accountId: bigint;
  address: string;
  type: string;
  normalSide: Side;
  flags: string;
  debitsPosted: bigint;
  creditsPosted: bigint;
  debitsPending: bigint;
  creditsPending: bigint;
  /** In the account's normal sense: what a wallet holds after posted transactions. */
  posted: bigint;
  /** Net effect of open holds, in the same sense (negative: money reserved away). */
  pending: bigint;
  /** What can be spent now: posted minus what open holds reserve. */
  available: bigint;
}

type AccountRow = {
  id: bigint;
  address: string;
  type: string;
  normalSide: Side;
  flags: string;
  debitsPosted: bigint;
  creditsPosted: bigint;
  debitsPending: bigint;
  creditsPending: bigint;
};

export function toBalance(a: AccountRow): AccountBalance {
  const posted = signedBalance(a.normalSide, a.debitsPosted, a.creditsPosted);
  const pending = signedBalance(a.normalSide, a.debitsPending, a.creditsPending);
  // Held money leaves the available balance at once; incoming held money is not available yet.
  const outgoingHeld = a.normalSide === "credit" ? a.debitsPending : a.creditsPending;
  return {
    accountId: a.id,
    address: a.address,
    type: a.type,
    normalSide: a.normalSide,
    flags: a.flags,
    debitsPosted: a.debitsPosted,
    creditsPosted: a.creditsPosted,
    debitsPending: a.debitsPending,
    creditsPending: a.creditsPending,
    posted,
    pending,
    available: posted - outgoingHeld,
  };
}

/** Balances of one account; an account never used reads as zero (it exists only once used). */
export async function getBalance(options: { db: DbOrTx; address: string }): Promise<AccountBalance | null> {
  const account = await options.db.ledgerAccount.findUnique({ where: { address: options.address } });
  return account ? toBalance(account) : null;
}

/** The wallet balances of an organisation, for its wallet page (zeros when it has none yet). */
export async function walletBalancesByOrg(options: {
  db: DbOrTx;
  orgId: string;
}): Promise<{ address: string; posted: bigint; pending: bigint; available: bigint }> {
  const address = addresses.orgWallet(options.orgId);
  const balance = await getBalance({ db: options.db, address });
  return {
    address,
    posted: balance?.posted ?? 0n,
    pending: balance?.pending ?? 0n,
    available: balance?.available ?? 0n,
  };
}

/** Accounts whose address contains `query` (admin search), by address. */
export async function searchAccounts(options: {
  db: DbOrTx;
  query: string;
  limit?: number;
}): Promise<AccountBalance[]> {
  const rows = await options.db.ledgerAccount.findMany({
    where: { address: { contains: options.query.trim() } },
    orderBy: { address: "asc" },
    take: Math.min(Math.max(options.limit ?? 50, 1), 200),
  });
  return rows.map(toBalance);
}

export interface StatementLine {
  transactionId: bigint;
  index: number;
  createdAt: Date;
  code: string;
  kind: string;
  counterparty: string;
  /** Signed in the account's normal sense (+ increases the balance). */
  amount: bigint;
  /** Posted balance after this line. */
  balance: bigint;
  metadata: unknown;
}

export interface StatementPage {
  address: string;
  openingBalance: bigint;
  closingBalance: bigint;
  lines: StatementLine[];
  /** Pass as `after` for the next page; null on the last. */
  nextCursor: string | null;
}

const CURSOR = /^(\d{1,19}):(\d{1,5})$/;

/**
 * Posted movements of an account, oldest first, with the running posted balance, within
 * [from, to) and a page at a time (`after` = the previous page's nextCursor). Holds appear once
 * posted; open holds show in the balances, not here.
 */
export async function accountStatement(options: {
  db: DbOrTx;
  address: string;
  from?: Date;
  to?: Date;
  after?: string | null;
  limit?: number;
}): Promise<StatementPage> {
  const account = await options.db.ledgerAccount.findUnique({ where: { address: options.address } });
  if (!account) throw new AppError("not_found", "errors.ledger.accountNotFound");
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 1000);
  let afterTx = -1n;
  let afterIndex = -1;
  if (options.after) {
    const m = CURSOR.exec(options.after);
    if (!m) throw new AppError("bad_request", "errors.badCursor");
    afterTx = BigInt(m[1]!);
    afterIndex = Number(m[2]);
  }
  const from = options.from ?? new Date(0);
  const to = options.to ?? new Date("9999-12-31T00:00:00Z");
  const rows = await options.db.$queryRawUnsafe<
    {
      transactionId: bigint;
      index: number;
      createdAt: Date;
      code: string;
      kind: string;
      counterparty: string;
      delta: string;
      before: string;
      metadata: unknown;
    }[]
  >(
    `WITH lines AS (
       SELECT p."transactionId", p."index", p."createdAt",
              CASE WHEN p."debitAccountId" = $1 THEN p."creditAccountId" ELSE p."debitAccountId" END AS other,
              CASE WHEN (p."debitAccountId" = $1) = ($2 = 'debit') THEN p."amount" ELSE -p."amount" END AS delta
       FROM "LedgerPosting" p
       WHERE (p."debitAccountId" = $1 OR p."creditAccountId" = $1) AND NOT p."pending"
     ),
     opening AS (
       SELECT coalesce(sum(l.delta), 0) AS v FROM lines l
       WHERE l."createdAt" < $3::timestamp(3) OR (l."createdAt" < $4::timestamp(3) AND ((l."transactionId", l."index") <= ($5::bigint, $6::int)))
     ),
     page AS (
       SELECT l.* FROM lines l
       WHERE l."createdAt" >= $3::timestamp(3) AND l."createdAt" < $4::timestamp(3) AND (l."transactionId", l."index") > ($5::bigint, $6::int)
       ORDER BY l."transactionId", l."index" LIMIT $7
     )
     SELECT pg."transactionId", pg."index"::int AS "index", pg."createdAt", t."code", t."kind"::text AS kind, a."address" AS counterparty,
            pg.delta::text AS delta, ((SELECT v FROM opening) + sum(pg.delta) OVER (ORDER BY pg."transactionId", pg."index") - pg.delta)::text AS before,
            t."metadata"
     FROM page pg JOIN "LedgerTransaction" t ON t."id" = pg."transactionId" JOIN "LedgerAccount" a ON a."id" = pg.other
     ORDER BY pg."transactionId", pg."index"`,
    account.id,
    account.normalSide,
    from.toISOString(),
    to.toISOString(),
    afterTx.toString(),
    afterIndex,
    limit + 1,
  );
  const [openingRow] = await options.db.$queryRawUnsafe<{ v: string }[]>(
    `SELECT coalesce(sum(CASE WHEN (p."debitAccountId" = $1) = ($2 = 'debit') THEN p."amount" ELSE -p."amount" END), 0)::text AS v
     FROM "LedgerPosting" p WHERE (p."debitAccountId" = $1 OR p."creditAccountId" = $1) AND NOT p."pending" AND p."createdAt" < $3::timestamp(3)`,
    account.id,
    account.normalSide,
    from.toISOString(),
  );
  const page = rows.slice(0, limit);
  const lines = page.map((r) => {
    const amount = BigInt(r.delta);
    return {
      transactionId: BigInt(r.transactionId),
      index: Number(r.index),
      createdAt: r.createdAt,
      code: r.code,
      kind: r.kind,
      counterparty: r.counterparty,
      amount,
      balance: BigInt(r.before) + amount,
      metadata: r.metadata,
    };
  });
  const openingBalance = BigInt(openingRow!.v);
  const last = lines[lines.length - 1];
  return {
    address: account.address,
    openingBalance,
    closingBalance: last ? last.balance : openingBalance,
    lines,
    nextCursor: rows.length > limit && last ? `${last.transactionId}:${last.index}` : null,
  };
}

/** The whole statement for [from, to) as CSV (UTF-8 with BOM so Excel reads Chinese), amounts in yuan. */
export async function accountStatementCsv(options: {
  db: DbOrTx;
  address: string;
  from?: Date;
  to?: Date;
}): Promise<string> {
  const out = ["\uFEFFtransaction_id,posting,created_at,code,counterparty,amount_yuan,balance_yuan"];
  let after: string | null = null;
  do {
    const page: StatementPage = await accountStatement({ ...options, after, limit: 1000 });
    for (const l of page.lines) {
      out.push(
        csvRow([
          l.transactionId.toString(),
          String(l.index),
          l.createdAt.toISOString(),
          l.code,
          l.counterparty,
          fenToDecimalString(l.amount),
          fenToDecimalString(l.balance),
        ]),
      );
    }
    after = page.nextCursor;
  } while (after);
  return `${out.join("\r\n")}\r\n`;
}

export interface TransactionDetail {
  id: bigint;
  idempotencyKey: string;
  code: string;
  kind: string;
  pendingId: bigint | null;
  correctsId: bigint | null;
  timeoutAt: Date | null;
  metadata: unknown;
  createdAt: Date;
  postings: { index: number; debit: string; credit: string; amount: bigint; pending: boolean }[];
  /** For a hold: how it was resolved, if it was. */
  resolution: { id: bigint; kind: string; createdAt: Date } | null;
}

export async function transactionDetail(options: { db: DbOrTx; id: bigint }): Promise<TransactionDetail> {
  const t = await options.db.ledgerTransaction.findUnique({ where: { id: options.id } });
  if (!t) throw new AppError("not_found", "errors.ledger.transactionNotFound");
  const postings = await options.db.ledgerPosting.findMany({
    where: { transactionId: t.id },
    orderBy: { index: "asc" },
  });
  const ids = [...new Set(postings.flatMap((p) => [p.debitAccountId, p.creditAccountId]))];
  const accounts = await options.db.ledgerAccount.findMany({
    where: { id: { in: ids } },
    select: { id: true, address: true },
  });
  const byId = new Map(accounts.map((a) => [a.id, a.address]));
  const resolution =
    t.kind === "pending"
      ? await options.db.ledgerTransaction.findUnique({
          where: { pendingId: t.id },
          select: { id: true, kind: true, createdAt: true },
        })
      : null;
  return {
    id: t.id,
    idempotencyKey: t.idempotencyKey,
    code: t.code,
    kind: t.kind,
    pendingId: t.pendingId,
    correctsId: t.correctsId,
    timeoutAt: t.timeoutAt,
    metadata: t.metadata,
    createdAt: t.createdAt,
    postings: postings.map((p) => ({
      index: p.index,
      debit: byId.get(p.debitAccountId) ?? "?",
      credit: byId.get(p.creditAccountId) ?? "?",
      amount: p.amount,
      pending: p.pending,
    })),
    resolution,
  };
}

export interface PendingWithdrawal {
  holdId: bigint;
  orgId: string;
  amount: bigint;
  requestedAt: Date;
  metadata: unknown;
}

/** The finance queue: withdrawal requests not yet confirmed or rejected, oldest first. */
export async function pendingWithdrawals(options: { db: DbOrTx; limit?: number }): Promise<PendingWithdrawal[]> {
  const rows = await options.db.$queryRawUnsafe<
    { id: bigint; metadata: Record<string, unknown>; createdAt: Date; amount: string }[]
  >(
    `SELECT t."id", t."metadata", t."createdAt", (SELECT sum(p."amount") FROM "LedgerPosting" p WHERE p."transactionId" = t."id")::text AS amount
     FROM "LedgerTransaction" t
     WHERE t."kind" = 'pending' AND t."code" = 'withdrawal'
       AND NOT EXISTS (SELECT 1 FROM "LedgerTransaction" r WHERE r."pendingId" = t."id")
     ORDER BY t."id" LIMIT $1`,
    Math.min(Math.max(options.limit ?? 100, 1), 500),
  );
  return rows.map((r) => ({
    holdId: BigInt(r.id),
    orgId: String(r.metadata.orgId),
    amount: BigInt(r.amount),
    requestedAt: r.createdAt,
    metadata: r.metadata,
  }));
}

/** Recent deposits, for the finance queue's "already confirmed" list (bank reference checks). */
export async function recentDeposits(options: { db: DbOrTx; limit?: number }) {
  return options.db.ledgerTransaction.findMany({
    where: { code: { in: ["deposit", "budget-top-up"] } },
    orderBy: { id: "desc" },
    take: Math.min(Math.max(options.limit ?? 50, 1), 200),
  });
}

/** Reconciliation runs, newest first, for the admin page. */
export async function reconciliationHistory(options: { db: DbOrTx; limit?: number }) {
  return options.db.ledgerReconciliationRun.findMany({
    orderBy: { id: "desc" },
    take: Math.min(Math.max(options.limit ?? 30, 1), 365),
  });
}
