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

// The report comes from the SQL function ledger_reconcile_report (ledger migration): one statement,
// so every figure comes from one snapshot even while transfers keep committing.
const RECONCILE_SQL = "SELECT ledger_reconcile_report() AS r";

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
  const raw = JSON.parse(row!.r) as Omit<
    ReconciliationReport,
    "ok" | "postedBalanced" | "pendingBalanced" | "finishedAt"
  >;
  const report: ReconciliationReport = {
    ...raw,
    accountsChecked: Number(raw.accountsChecked),
    transactions: Number(raw.transactions),
    postings: Number(raw.postings),
    mismatchedAccounts: Number(raw.mismatchedAccounts),
    orphanPostings: Number(raw.orphanPostings),
    emptyTransactions: Number(raw.emptyTransactions),
    overpostedHolds: Number(raw.overpostedHolds),
    mismatches: raw.mismatches.map(
      (m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== null)) as unknown as AccountMismatch,
    ),
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
         "accountsChecked", "mismatchedAccounts", "report", "startedAt", "finishedAt")
       VALUES ($1, $2::bigint, $3::bigint, $4::bigint, $5::bigint, $6, $7, $8::jsonb, $9::timestamp(3), $10::timestamp(3)) RETURNING "id"::text AS id`,
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
        report.finishedAt,
      ],
    );
    report.runId = run!.id;
  }
  return report;
}
