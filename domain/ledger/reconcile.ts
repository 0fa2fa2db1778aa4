import { ledgerSql, type LedgerDb } from "./sql.ts";

export interface AccountMismatch {
  accountId: string;
  address: string;
  /** [stored total, sum of postings] for each total that differs. */
  debitsPosted?: [string, string];
  creditsPosted?: [string, string];
  debitsPending?: [string, string];
  creditsPending?: [string, string];
}

export interface ReconciliationReport {
  ok: boolean;
  startedAt: string;
  finishedAt: string;
  accountsChecked: number;
  transactions: number;
  postings: number;
  /** Σ of the accounts' stored totals (decimal strings of fen). */
  postedDebits: string;
  postedCredits: string;
  pendingDebits: string;
  pendingCredits: string;
  /** Σ debits = Σ credits, posted and pending separately. */
  postedBalanced: boolean;
  pendingBalanced: boolean;
  mismatchedAccounts: number;
  /** The first 100 accounts whose totals differ from the sum of their postings. */
  mismatches: AccountMismatch[];
  /** Postings naming an account or a transaction that does not exist. */
  orphanPostings: number;
  /** Posted or pending transactions without postings, and holds resolved more than once. */
  emptyTransactions: number;
  /** Resolutions whose posted amount exceeds what the hold reserved. */
  overpostedHolds: number;
  /** Set when the run was recorded. */
  runId?: string;
}

// One statement, so every figure comes from one snapshot even while transfers keep committing.
const RECONCILE_SQL = `
WITH posted AS (
  SELECT acc, sum(d) AS d, sum(c) AS c FROM (
    SELECT p."debitAccountId" AS acc, p."amount"::numeric AS d, 0::numeric AS c FROM "LedgerPosting" p WHERE NOT p."pending"
    UNION ALL
    SELECT p."creditAccountId", 0, p."amount" FROM "LedgerPosting" p WHERE NOT p."pending") x
  GROUP BY acc),
held AS (
  SELECT acc, sum(d) AS d, sum(c) AS c FROM (
    SELECT p."debitAccountId" AS acc, p."amount"::numeric AS d, 0::numeric AS c, p."transactionId" AS t FROM "LedgerPosting" p WHERE p."pending"
    UNION ALL
    SELECT p."creditAccountId", 0, p."amount", p."transactionId" FROM "LedgerPosting" p WHERE p."pending") x
  WHERE NOT EXISTS (SELECT 1 FROM "LedgerTransaction" r WHERE r."pendingId" = x.t)
  GROUP BY acc),
acc AS (
  SELECT a."id", a."address", a."debitsPosted"::numeric AS dp, a."creditsPosted"::numeric AS cp,
         a."debitsPending"::numeric AS dq, a."creditsPending"::numeric AS cq,
         coalesce(po.d, 0) AS edp, coalesce(po.c, 0) AS ecp, coalesce(he.d, 0) AS edq, coalesce(he.c, 0) AS ecq
  FROM "LedgerAccount" a LEFT JOIN posted po ON po.acc = a."id" LEFT JOIN held he ON he.acc = a."id"),
bad AS (SELECT * FROM acc WHERE dp <> edp OR cp <> ecp OR dq <> edq OR cq <> ecq)
SELECT json_build_object(
  'startedAt', to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'accountsChecked', (SELECT count(*) FROM acc),
  'transactions', (SELECT count(*) FROM "LedgerTransaction"),
  'postings', (SELECT count(*) FROM "LedgerPosting"),
  'postedDebits', (SELECT coalesce(sum(dp), 0)::text FROM acc),
  'postedCredits', (SELECT coalesce(sum(cp), 0)::text FROM acc),
  'pendingDebits', (SELECT coalesce(sum(dq), 0)::text FROM acc),
  'pendingCredits', (SELECT coalesce(sum(cq), 0)::text FROM acc),
  'mismatchedAccounts', (SELECT count(*) FROM bad),
  'mismatches', (SELECT coalesce(json_agg(json_build_object(
        'accountId', b."id"::text, 'address', b."address",
        'debitsPosted', CASE WHEN b.dp <> b.edp THEN json_build_array(b.dp::text, b.edp::text) END,
        'creditsPosted', CASE WHEN b.cp <> b.ecp THEN json_build_array(b.cp::text, b.ecp::text) END,
        'debitsPending', CASE WHEN b.dq <> b.edq THEN json_build_array(b.dq::text, b.edq::text) END,
        'creditsPending', CASE WHEN b.cq <> b.ecq THEN json_build_array(b.cq::text, b.ecq::text) END)), '[]'::json)
      FROM (SELECT * FROM bad ORDER BY "id" LIMIT 100) b),
  'orphanPostings', (SELECT count(*) FROM "LedgerPosting" p
      WHERE NOT EXISTS (SELECT 1 FROM "LedgerTransaction" t WHERE t."id" = p."transactionId")
         OR NOT EXISTS (SELECT 1 FROM "LedgerAccount" a WHERE a."id" = p."debitAccountId")
         OR NOT EXISTS (SELECT 1 FROM "LedgerAccount" a WHERE a."id" = p."creditAccountId")),
  'emptyTransactions', (SELECT count(*) FROM "LedgerTransaction" t WHERE t."kind" IN ('posted', 'pending', 'post_pending')
      AND NOT EXISTS (SELECT 1 FROM "LedgerPosting" p WHERE p."transactionId" = t."id")),
  'overpostedHolds', (SELECT count(*) FROM "LedgerTransaction" r
      JOIN "LedgerPosting" rp ON rp."transactionId" = r."id"
      LEFT JOIN "LedgerPosting" hp ON hp."transactionId" = r."pendingId" AND hp."index" = rp."index"
      WHERE r."kind" = 'post_pending' AND (hp."amount" IS NULL OR rp."amount" > hp."amount"))
)::text AS r`;

/**
 * Proves the ledger: Σ debits = Σ credits over all accounts (posted and pending separately), every
 * account's stored totals equal the sums of its postings, no posting is orphaned, and no hold was
 * posted for more than it reserved. Records the run (LedgerReconciliationRun) for the admin page
 * unless `record: false`. A mismatch is reported, never repaired: the caller (the nightly job)
 * logs it and fails.
 */
export async function reconcileLedger(options: { db: LedgerDb; record?: boolean }): Promise<ReconciliationReport> {
  const sql = ledgerSql(options.db);
  const [row] = await sql.query<{ r: string }>(RECONCILE_SQL, []);
  const raw = JSON.parse(row!.r) as Omit<ReconciliationReport, "ok" | "postedBalanced" | "pendingBalanced" | "finishedAt">;
  const report: ReconciliationReport = {
    ...raw,
    accountsChecked: Number(raw.accountsChecked),
    transactions: Number(raw.transactions),
    postings: Number(raw.postings),
    mismatchedAccounts: Number(raw.mismatchedAccounts),
    orphanPostings: Number(raw.orphanPostings),
    emptyTransactions: Number(raw.emptyTransactions),
    overpostedHolds: Number(raw.overpostedHolds),
    mismatches: raw.mismatches.map((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== null)) as unknown as AccountMismatch),
    postedBalanced: raw.postedDebits === raw.postedCredits,
    pendingBalanced: raw.pendingDebits === raw.pendingCredits,
    finishedAt: new Date().toISOString(),
    ok: false,
  };
  report.ok =
    report.postedBalanced &&
    report.pendingBalanced &&
    report.mismatchedAccounts === 0 &&
    report.orphanPostings === 0 &&
    report.emptyTransactions === 0 &&
    report.overpostedHolds === 0;
  if (options.record !== false) {
    const [run] = await sql.query<{ id: string }>(
      `INSERT INTO "LedgerReconciliationRun" ("ok", "postedDebits", "postedCredits", "pendingDebits", "pendingCredits",
         "accountsChecked", "mismatchedAccounts", "report", "startedAt")
       VALUES ($1, $2::bigint, $3::bigint, $4::bigint, $5::bigint, $6, $7, $8::jsonb, $9::timestamp(3)) RETURNING "id"::text AS id`,
      [
        report.ok,
        report.postedDebits,
        report.postedCredits,
        report.pendingDebits,
        report.pendingCredits,
        report.accountsChecked,
        report.mismatchedAccounts,
        JSON.stringify(report),
        report.startedAt,
      ],
    );
    report.runId = run!.id;
  }
  return report;
}
