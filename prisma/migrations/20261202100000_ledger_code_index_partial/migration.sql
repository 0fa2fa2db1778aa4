-- Hand-written (docs/decisions/0020-ledger-lock-by-join.md): transactions are looked up by code
-- only in the finance queues (deposits and budget top-ups, withdrawals); every other code
-- (transfers, escrow, releases, fees, …) is the bulk of the table and was written into this index
-- for nothing, one entry per transaction. Partial, the index serves exactly those queries and
-- costs nothing for the rest. Prisma's schema keeps declaring @@index([code, createdAt]); it does
-- not compare predicates (as with the partial indexes of 20261201100000_ledger_fast_path).
DROP INDEX "LedgerTransaction_code_createdAt_idx";
CREATE INDEX "LedgerTransaction_code_createdAt_idx" ON "LedgerTransaction"("code", "createdAt")
    WHERE "code" IN ('deposit', 'budget-top-up', 'withdrawal');
