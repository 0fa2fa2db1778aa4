-- CreateEnum
CREATE TYPE "LedgerAccountType" AS ENUM ('asset', 'liability', 'equity', 'revenue', 'expense');

-- CreateEnum
CREATE TYPE "LedgerSide" AS ENUM ('debit', 'credit');

-- CreateEnum
CREATE TYPE "LedgerAccountFlags" AS ENUM ('none', 'debits_must_not_exceed_credits', 'credits_must_not_exceed_debits');

-- CreateEnum
CREATE TYPE "LedgerTransactionKind" AS ENUM ('posted', 'pending', 'post_pending', 'void_pending', 'expire_pending');

-- CreateTable
CREATE TABLE "LedgerAccount" (
    "id" BIGSERIAL NOT NULL,
    "address" TEXT NOT NULL,
    "type" "LedgerAccountType" NOT NULL,
    "normalSide" "LedgerSide" NOT NULL,
    "flags" "LedgerAccountFlags" NOT NULL DEFAULT 'none',
    "debitsPosted" BIGINT NOT NULL DEFAULT 0,
    "creditsPosted" BIGINT NOT NULL DEFAULT 0,
    "debitsPending" BIGINT NOT NULL DEFAULT 0,
    "creditsPending" BIGINT NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LedgerAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LedgerTransaction" (
    "id" BIGSERIAL NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "inputHash" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "kind" "LedgerTransactionKind" NOT NULL,
    "pendingId" BIGINT,
    "timeoutAt" TIMESTAMP(3),
    "correctsId" BIGINT,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LedgerTransaction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LedgerPosting" (
    "transactionId" BIGINT NOT NULL,
    "index" SMALLINT NOT NULL,
    "debitAccountId" BIGINT NOT NULL,
    "creditAccountId" BIGINT NOT NULL,
    "amount" BIGINT NOT NULL,
    "pending" BOOLEAN NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LedgerPosting_pkey" PRIMARY KEY ("transactionId","index")
);

-- CreateTable
CREATE TABLE "LedgerReconciliationRun" (
    "id" BIGSERIAL NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "postedDebits" BIGINT NOT NULL,
    "postedCredits" BIGINT NOT NULL,
    "pendingDebits" BIGINT NOT NULL,
    "pendingCredits" BIGINT NOT NULL,
    "accountsChecked" INTEGER NOT NULL,
    "mismatchedAccounts" INTEGER NOT NULL,
    "report" JSONB NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LedgerReconciliationRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "LedgerAccount_address_key" ON "LedgerAccount"("address");

-- CreateIndex
CREATE UNIQUE INDEX "LedgerTransaction_idempotencyKey_key" ON "LedgerTransaction"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "LedgerTransaction_pendingId_key" ON "LedgerTransaction"("pendingId");

-- CreateIndex
CREATE INDEX "LedgerTransaction_timeoutAt_idx" ON "LedgerTransaction"("timeoutAt");

-- CreateIndex
CREATE INDEX "LedgerTransaction_code_createdAt_idx" ON "LedgerTransaction"("code", "createdAt");

-- CreateIndex
CREATE INDEX "LedgerPosting_debitAccountId_transactionId_idx" ON "LedgerPosting"("debitAccountId", "transactionId");

-- CreateIndex
CREATE INDEX "LedgerPosting_creditAccountId_transactionId_idx" ON "LedgerPosting"("creditAccountId", "transactionId");

-- CreateIndex
CREATE INDEX "LedgerReconciliationRun_finishedAt_idx" ON "LedgerReconciliationRun"("finishedAt");

-- ---------------------------------------------------------------------------------------------
-- Hand-written below (docs/decisions/0006-ledger.md): the rules the database itself enforces, and
-- the SQL functions through which every write goes. Prisma does not manage these objects.
-- ---------------------------------------------------------------------------------------------

-- Balances can never break their flags, whatever code runs: the last line of defence.
ALTER TABLE "LedgerAccount"
    ADD CONSTRAINT "LedgerAccount_totals_nonnegative" CHECK ("debitsPosted" >= 0 AND "creditsPosted" >= 0 AND "debitsPending" >= 0 AND "creditsPending" >= 0),
    ADD CONSTRAINT "LedgerAccount_debits_within_credits" CHECK ("flags" <> 'debits_must_not_exceed_credits' OR "debitsPosted" + "debitsPending" <= "creditsPosted"),
    ADD CONSTRAINT "LedgerAccount_credits_within_debits" CHECK ("flags" <> 'credits_must_not_exceed_debits' OR "creditsPosted" + "creditsPending" <= "debitsPosted"),
    ADD CONSTRAINT "LedgerAccount_address_format" CHECK ("address" ~ '^[a-z]+(:[A-Za-z0-9_.-]+)+$');

ALTER TABLE "LedgerPosting"
    ADD CONSTRAINT "LedgerPosting_amount_positive" CHECK ("amount" > 0),
    ADD CONSTRAINT "LedgerPosting_accounts_differ" CHECK ("debitAccountId" <> "creditAccountId");

ALTER TABLE "LedgerTransaction"
    ADD CONSTRAINT "LedgerTransaction_resolution_has_hold" CHECK (("kind" IN ('post_pending', 'void_pending', 'expire_pending')) = ("pendingId" IS NOT NULL)),
    ADD CONSTRAINT "LedgerTransaction_timeout_only_on_holds" CHECK ("timeoutAt" IS NULL OR "kind" = 'pending');

-- Account rows are updated on every transfer: room on each page keeps those updates HOT (no index writes).
ALTER TABLE "LedgerAccount" SET (fillfactor = 50);

-- Append-only: nothing that was written is ever changed or removed.
CREATE FUNCTION ledger_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger: % on "%" is not allowed: the ledger is append-only (fix a mistake with a correcting transaction)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER "LedgerTransaction_append_only" BEFORE UPDATE OR DELETE ON "LedgerTransaction" FOR EACH ROW EXECUTE FUNCTION ledger_reject_change();
CREATE TRIGGER "LedgerTransaction_no_truncate" BEFORE TRUNCATE ON "LedgerTransaction" FOR EACH STATEMENT EXECUTE FUNCTION ledger_reject_change();
CREATE TRIGGER "LedgerPosting_append_only" BEFORE UPDATE OR DELETE ON "LedgerPosting" FOR EACH ROW EXECUTE FUNCTION ledger_reject_change();
CREATE TRIGGER "LedgerPosting_no_truncate" BEFORE TRUNCATE ON "LedgerPosting" FOR EACH STATEMENT EXECUTE FUNCTION ledger_reject_change();
-- An account's totals are the only mutable columns; it is never deleted.
CREATE TRIGGER "LedgerAccount_identity_fixed" BEFORE UPDATE OF "id", "address", "type", "normalSide", "flags", "createdAt" ON "LedgerAccount" FOR EACH ROW EXECUTE FUNCTION ledger_reject_change();
CREATE TRIGGER "LedgerAccount_no_delete" BEFORE DELETE ON "LedgerAccount" FOR EACH ROW EXECUTE FUNCTION ledger_reject_change();
CREATE TRIGGER "LedgerAccount_no_truncate" BEFORE TRUNCATE ON "LedgerAccount" FOR EACH STATEMENT EXECUTE FUNCTION ledger_reject_change();
CREATE TRIGGER "LedgerReconciliationRun_append_only" BEFORE UPDATE OR DELETE ON "LedgerReconciliationRun" FOR EACH ROW EXECUTE FUNCTION ledger_reject_change();

-- ledger_submit: commits a batch of transactions (one or many) in one call. Each transaction is
-- all-or-nothing on its own; one that would break a flag fails alone and the others go through.
--
-- p_batch = {"accounts": [{"a": address, "t": type, "s": normal side, "f": flags}, …],   every address used
--            "txs": [{"k": idempotency key, "h": input hash, "c": code, "m": metadata,
--                     "pe": true for a hold, "to": timeout (timestamp) or null, "co": corrected id or null,
--                     "p": [[debit address, credit address, "amount"], …]}, …]}
-- returns one [status, transaction id, account address] per transaction, in order:
--   0 committed · 1 replay of the same key and input (id of the original) · 2 key reused with other input
--   3 the debit account would exceed its credits · 4 the credit account would exceed its debits
--
-- Every touched account is locked in id order (so concurrent calls cannot deadlock) and its totals
-- are read once; the flag checks then run in memory, transaction by transaction, and the effects
-- are written with three set-based statements. Idempotency keys are checked after the locks are
-- held; a concurrent first use of the same key surfaces as a unique violation, which the caller
-- retries (domain/ledger/sql.ts) and then sees as a replay.
CREATE FUNCTION ledger_submit(p_batch jsonb) RETURNS jsonb LANGUAGE plpgsql SET jit = off AS $$
DECLARE
    v_txs jsonb := p_batch->'txs';
    v_a text[]; v_t text[]; v_s text[]; v_f text[];
    v_seq regclass := '"LedgerTransaction_id_seq"'::regclass;
    -- Prisma writes DateTime columns in UTC; so do we, whatever the session's time zone.
    v_now timestamp(3) := now() AT TIME ZONE 'UTC';
    a_id bigint[]; a_addr text[]; a_flag int[];
    a_dp bigint[]; a_cp bigint[]; a_dq bigint[]; a_cq bigint[]; a_ch boolean[];
    n_a int;
    p_tx int[]; p_d int[]; p_c int[]; p_amt bigint[]; p_idx int[];
    v_fast boolean;
    n_p int; n_expected int;
    t_status int[]; t_id bigint[]; t_pe boolean[]; t_first int[]; t_cnt int[]; t_fail int[];
    n_tx int;
    o_tid bigint[] := '{}'; o_idx int[] := '{}'; o_d bigint[] := '{}'; o_c bigint[] := '{}'; o_amt bigint[] := '{}'; o_pe boolean[] := '{}';
    ok_ord int[] := '{}'; ok_id bigint[] := '{}';
    n_o int := 0; n_ok int := 0;
    i int; j int; k int; d int; c int; amt bigint; pe boolean; failed int;
BEGIN
    -- Accounts of known kinds are created on first use.
    SELECT array_agg(x->>'a'), array_agg(x->>'t'), array_agg(x->>'s'), array_agg(x->>'f')
    INTO v_a, v_t, v_s, v_f
    FROM jsonb_array_elements(p_batch->'accounts') x;
    INSERT INTO "LedgerAccount" ("address", "type", "normalSide", "flags", "createdAt")
    SELECT u.a, u.t::"LedgerAccountType", u.s::"LedgerSide", u.f::"LedgerAccountFlags", v_now
    FROM unnest(v_a, v_t, v_s, v_f) u(a, t, s, f)
    WHERE NOT EXISTS (SELECT 1 FROM "LedgerAccount" e WHERE e."address" = u.a OFFSET 0)
    ON CONFLICT ("address") DO NOTHING;

    -- Lock every account the batch touches, in id order (so concurrent calls cannot deadlock),
    -- and read its totals once.
    SELECT count(*)::int,
           array_agg(s."id" ORDER BY s."id"), array_agg(s."address" ORDER BY s."id"),
           array_agg(CASE s."flags" WHEN 'debits_must_not_exceed_credits' THEN 1 WHEN 'credits_must_not_exceed_debits' THEN 2 ELSE 0 END ORDER BY s."id"),
           array_agg(s."debitsPosted" ORDER BY s."id"), array_agg(s."creditsPosted" ORDER BY s."id"),
           array_agg(s."debitsPending" ORDER BY s."id"), array_agg(s."creditsPending" ORDER BY s."id")
    INTO n_a, a_id, a_addr, a_flag, a_dp, a_cp, a_dq, a_cq
    FROM (SELECT a."id", a."address", a."flags", a."debitsPosted", a."creditsPosted", a."debitsPending", a."creditsPending"
          FROM "LedgerAccount" a
          -- By id, not address: a row that was updated while we waited is re-checked against
          -- this condition, and comparing integers is cheaper than comparing addresses.
          WHERE a."id" = ANY(ARRAY(SELECT e."id" FROM "LedgerAccount" e WHERE e."address" = ANY(v_a)))
          ORDER BY a."id"
          FOR NO KEY UPDATE) s;
    a_ch := array_fill(false, ARRAY[greatest(n_a, 1)]);

    SELECT count(*)::int,
           array_agg(q.t ORDER BY q.t, q.o), array_agg(da.i::int ORDER BY q.t, q.o),
           array_agg(ca.i::int ORDER BY q.t, q.o), array_agg(q.amt ORDER BY q.t, q.o),
           array_agg((q.o - 1)::int ORDER BY q.t, q.o)
    INTO n_p, p_tx, p_d, p_c, p_amt, p_idx
    FROM (SELECT t.ord::int AS t, p.ord AS o, p.v->>0 AS d, p.v->>1 AS c, (p.v->>2)::bigint AS amt
          FROM jsonb_array_elements(v_txs) WITH ORDINALITY t(v, ord)
          CROSS JOIN LATERAL jsonb_array_elements(t.v->'p') WITH ORDINALITY p(v, ord)) q
    JOIN unnest(a_addr) WITH ORDINALITY da(addr, i) ON da.addr = q.d
    JOIN unnest(a_addr) WITH ORDINALITY ca(addr, i) ON ca.addr = q.c;

    SELECT count(*)::int, coalesce(sum(jsonb_array_length(t.v->'p')), 0)::int,
           array_agg(coalesce((t.v->>'pe')::boolean, false) ORDER BY t.ord),
           array_agg(CASE WHEN e."id" IS NULL THEN 0 WHEN e."inputHash" = t.v->>'h' THEN 1 ELSE 2 END ORDER BY t.ord),
           array_agg(coalesce(e."id", 0) ORDER BY t.ord)
    INTO n_tx, n_expected, t_pe, t_status, t_id
    FROM jsonb_array_elements(v_txs) WITH ORDINALITY t(v, ord)
    -- One index probe per key (OFFSET 0 keeps the planner from turning this into a hash join
    -- over the whole table, whose cost would grow with the ledger).
    LEFT JOIN LATERAL (SELECT x."id", x."inputHash" FROM "LedgerTransaction" x
                       WHERE x."idempotencyKey" = t.v->>'k' OFFSET 0) e ON true;

    IF n_tx = 0 THEN
        RETURN '[]'::jsonb;
    END IF;
    IF n_p <> n_expected THEN
        RAISE EXCEPTION 'ledger_submit: a posting names an account that is not in "accounts"';
    END IF;

    -- Fast path: when every account could pay all of the batch's debits to it (credits to a
    -- credits-limited account: all of its credits) out of what it had before the batch, every
    -- transaction passes in any order, and the batch is applied with set-based statements only.
    SELECT coalesce(bool_and(CASE a_flag[y.acc]
                                 WHEN 1 THEN a_dp[y.acc] + a_dq[y.acc] + y.d <= a_cp[y.acc]
                                 WHEN 2 THEN a_cp[y.acc] + a_cq[y.acc] + y.c <= a_dp[y.acc]
                                 ELSE true END), true)
    INTO v_fast
    FROM (SELECT x.acc, sum(x.d) AS d, sum(x.c) AS c
          FROM (SELECT u.d AS acc, u.amt AS d, 0::bigint AS c FROM unnest(p_tx, p_d, p_amt) u(t, d, amt) WHERE t_status[u.t] = 0
                UNION ALL
                SELECT u.c, 0, u.amt FROM unnest(p_tx, p_c, p_amt) u(t, c, amt) WHERE t_status[u.t] = 0) x
          GROUP BY x.acc) y;

    IF v_fast THEN
        SELECT array_agg(CASE WHEN u.st = 0 THEN nextval(v_seq) ELSE u.id END ORDER BY u.i)
        INTO t_id
        FROM unnest(t_status, t_id) WITH ORDINALITY u(st, id, i);

        INSERT INTO "LedgerTransaction" ("id", "idempotencyKey", "inputHash", "code", "kind", "timeoutAt", "correctsId", "metadata", "createdAt")
        SELECT t_id[t.ord], t.v->>'k', t.v->>'h', t.v->>'c',
               (CASE WHEN t_pe[t.ord] THEN 'pending' ELSE 'posted' END)::"LedgerTransactionKind",
               (t.v->>'to')::timestamp(3), (t.v->>'co')::bigint, coalesce(t.v->'m', '{}'::jsonb), v_now
        FROM jsonb_array_elements(v_txs) WITH ORDINALITY t(v, ord)
        WHERE t_status[t.ord] = 0;

        INSERT INTO "LedgerPosting" ("transactionId", "index", "debitAccountId", "creditAccountId", "amount", "pending", "createdAt")
        SELECT t_id[u.t], u.idx, a_id[u.d], a_id[u.c], u.amt, t_pe[u.t], v_now
        FROM unnest(p_tx, p_idx, p_d, p_c, p_amt) u(t, idx, d, c, amt)
        WHERE t_status[u.t] = 0;

        UPDATE "LedgerAccount" a
        SET "debitsPosted" = a."debitsPosted" + x.dp, "creditsPosted" = a."creditsPosted" + x.cp,
            "debitsPending" = a."debitsPending" + x.dq, "creditsPending" = a."creditsPending" + x.cq
        FROM (SELECT y.acc, sum(y.dp) AS dp, sum(y.cp) AS cp, sum(y.dq) AS dq, sum(y.cq) AS cq
              FROM (SELECT a_id[u.d] AS acc,
                           CASE WHEN t_pe[u.t] THEN 0 ELSE u.amt END AS dp, 0::bigint AS cp,
                           CASE WHEN t_pe[u.t] THEN u.amt ELSE 0 END AS dq, 0::bigint AS cq
                    FROM unnest(p_tx, p_d, p_amt) u(t, d, amt) WHERE t_status[u.t] = 0
                    UNION ALL
                    SELECT a_id[u.c], 0, CASE WHEN t_pe[u.t] THEN 0 ELSE u.amt END, 0, CASE WHEN t_pe[u.t] THEN u.amt ELSE 0 END
                    FROM unnest(p_tx, p_c, p_amt) u(t, c, amt) WHERE t_status[u.t] = 0) y
              GROUP BY y.acc) x
        WHERE a."id" = x.acc;

        RETURN (SELECT jsonb_agg(jsonb_build_array(u.st, u.id::text, NULL) ORDER BY u.i)
                FROM unnest(t_status, t_id) WITH ORDINALITY u(st, id, i));
    END IF;

    -- Otherwise walk the batch in order, transaction by transaction, in memory.
    t_first := array_fill(0, ARRAY[n_tx]);
    t_cnt := array_fill(0, ARRAY[n_tx]);
    t_fail := array_fill(0, ARRAY[n_tx]);
    FOR j IN 1..n_p LOOP
        i := p_tx[j];
        IF t_cnt[i] = 0 THEN t_first[i] := j; END IF;
        t_cnt[i] := t_cnt[i] + 1;
    END LOOP;

    FOR i IN 1..n_tx LOOP
        CONTINUE WHEN t_status[i] <> 0;
        IF t_cnt[i] = 0 THEN
            RAISE EXCEPTION 'ledger_submit: a transaction needs at least one posting';
        END IF;
        pe := t_pe[i];
        failed := 0;
        FOR j IN t_first[i] .. t_first[i] + t_cnt[i] - 1 LOOP
            d := p_d[j]; c := p_c[j]; amt := p_amt[j];
            IF pe THEN
                a_dq[d] := a_dq[d] + amt; a_cq[c] := a_cq[c] + amt;
            ELSE
                a_dp[d] := a_dp[d] + amt; a_cp[c] := a_cp[c] + amt;
            END IF;
            IF a_flag[d] = 1 AND a_dp[d] + a_dq[d] > a_cp[d] THEN
                failed := 3; t_fail[i] := d;
            ELSIF a_flag[c] = 2 AND a_cp[c] + a_cq[c] > a_dp[c] THEN
                failed := 4; t_fail[i] := c;
            END IF;
            IF failed <> 0 THEN
                -- All or nothing: take back what this transaction's earlier postings did.
                FOR k IN t_first[i] .. j LOOP
                    IF pe THEN
                        a_dq[p_d[k]] := a_dq[p_d[k]] - p_amt[k]; a_cq[p_c[k]] := a_cq[p_c[k]] - p_amt[k];
                    ELSE
                        a_dp[p_d[k]] := a_dp[p_d[k]] - p_amt[k]; a_cp[p_c[k]] := a_cp[p_c[k]] - p_amt[k];
                    END IF;
                END LOOP;
                EXIT;
            END IF;
        END LOOP;
        IF failed <> 0 THEN
            t_status[i] := failed;
            CONTINUE;
        END IF;
        n_ok := n_ok + 1;
        t_id[i] := nextval(v_seq);
        ok_ord[n_ok] := i;
        ok_id[n_ok] := t_id[i];
        FOR j IN t_first[i] .. t_first[i] + t_cnt[i] - 1 LOOP
            n_o := n_o + 1;
            o_tid[n_o] := t_id[i];
            o_idx[n_o] := j - t_first[i];
            o_d[n_o] := a_id[p_d[j]];
            o_c[n_o] := a_id[p_c[j]];
            o_amt[n_o] := p_amt[j];
            o_pe[n_o] := pe;
            a_ch[p_d[j]] := true;
            a_ch[p_c[j]] := true;
        END LOOP;
    END LOOP;

    IF n_ok > 0 THEN
        INSERT INTO "LedgerTransaction" ("id", "idempotencyKey", "inputHash", "code", "kind", "timeoutAt", "correctsId", "metadata", "createdAt")
        SELECT o.id, t.v->>'k', t.v->>'h', t.v->>'c',
               (CASE WHEN coalesce((t.v->>'pe')::boolean, false) THEN 'pending' ELSE 'posted' END)::"LedgerTransactionKind",
               (t.v->>'to')::timestamp(3), (t.v->>'co')::bigint, coalesce(t.v->'m', '{}'::jsonb), v_now
        FROM unnest(ok_ord, ok_id) o(ord, id)
        JOIN jsonb_array_elements(v_txs) WITH ORDINALITY t(v, ord) ON t.ord = o.ord;

        INSERT INTO "LedgerPosting" ("transactionId", "index", "debitAccountId", "creditAccountId", "amount", "pending", "createdAt")
        SELECT u.tid, u.idx, u.d, u.c, u.amt, u.pe, v_now FROM unnest(o_tid, o_idx, o_d, o_c, o_amt, o_pe) u(tid, idx, d, c, amt, pe);

        UPDATE "LedgerAccount" a
        SET "debitsPosted" = u.dp, "creditsPosted" = u.cp, "debitsPending" = u.dq, "creditsPending" = u.cq
        FROM unnest(a_id, a_dp, a_cp, a_dq, a_cq, a_ch) u(id, dp, cp, dq, cq, ch)
        WHERE u.ch AND a."id" = u.id;
    END IF;

    RETURN (SELECT jsonb_agg(jsonb_build_array(t_status[g], t_id[g]::text, CASE WHEN t_fail[g] > 0 THEN a_addr[t_fail[g]] END) ORDER BY g)
            FROM generate_series(1, n_tx) g);
END;
$$;

-- ledger_resolve: posts (in full or in part), voids or expires one hold, exactly once.
-- p = {"k": idempotency key, "h": input hash, "c": code, "m": metadata, "pid": hold id,
--      "action": "post" | "void" | "expire", "amounts": ["amount per posting of the hold", …] or null (all),
--      "now": timestamp (expire only)}
-- returns [status, transaction id, detail]:
--   0 resolved · 1 replay (id of the original) · 2 key reused with other input · 5 no such hold
--   6 already resolved (id and kind of the resolution) · 7 an amount is above the held amount (detail: index)
--   8 not expired yet
CREATE FUNCTION ledger_resolve(p jsonb) RETURNS jsonb LANGUAGE plpgsql SET jit = off AS $$
DECLARE
    v_hold record;
    v_found record;
    v_kind "LedgerTransactionKind";
    v_id bigint;
    l_idx int[]; l_d bigint[]; l_c bigint[]; l_full bigint[]; l_amt bigint[];
    n int; g int;
    v_now timestamp(3) := now() AT TIME ZONE 'UTC';
BEGIN
    SELECT t."id", t."kind", t."timeoutAt" INTO v_hold FROM "LedgerTransaction" t WHERE t."id" = (p->>'pid')::bigint;
    IF NOT FOUND OR v_hold.kind <> 'pending' THEN
        RETURN jsonb_build_array(5, NULL, NULL);
    END IF;

    -- The same lock order as ledger_submit; a concurrent resolution of this hold waits here.
    PERFORM 1 FROM "LedgerAccount" a
    WHERE a."id" IN (SELECT x."debitAccountId" FROM "LedgerPosting" x WHERE x."transactionId" = v_hold.id
                     UNION SELECT x."creditAccountId" FROM "LedgerPosting" x WHERE x."transactionId" = v_hold.id)
    ORDER BY a."id"
    FOR NO KEY UPDATE;

    SELECT t."id", t."inputHash" INTO v_found FROM "LedgerTransaction" t WHERE t."idempotencyKey" = p->>'k';
    IF FOUND THEN
        RETURN jsonb_build_array(CASE WHEN v_found."inputHash" = p->>'h' THEN 1 ELSE 2 END, v_found.id::text, NULL);
    END IF;
    SELECT t."id", t."kind" INTO v_found FROM "LedgerTransaction" t WHERE t."pendingId" = v_hold.id;
    IF FOUND THEN
        RETURN jsonb_build_array(6, v_found.id::text, v_found.kind::text);
    END IF;
    IF p->>'action' = 'expire' AND (v_hold."timeoutAt" IS NULL OR v_hold."timeoutAt" > (p->>'now')::timestamp(3)) THEN
        RETURN jsonb_build_array(8, NULL, NULL);
    END IF;
    v_kind := CASE p->>'action' WHEN 'post' THEN 'post_pending' WHEN 'void' THEN 'void_pending' WHEN 'expire' THEN 'expire_pending' END;
    IF v_kind IS NULL THEN
        RAISE EXCEPTION 'ledger_resolve: unknown action %', p->>'action';
    END IF;

    SELECT count(*)::int, array_agg(x."index"::int ORDER BY x."index"), array_agg(x."debitAccountId" ORDER BY x."index"),
           array_agg(x."creditAccountId" ORDER BY x."index"), array_agg(x."amount" ORDER BY x."index"),
           array_agg(CASE WHEN v_kind <> 'post_pending' THEN 0
                          WHEN p->'amounts' IS NULL OR jsonb_typeof(p->'amounts') = 'null' THEN x."amount"
                          ELSE (p->'amounts'->>(x."index"::int))::bigint END ORDER BY x."index")
    INTO n, l_idx, l_d, l_c, l_full, l_amt
    FROM "LedgerPosting" x WHERE x."transactionId" = v_hold.id;

    FOR g IN 1..n LOOP
        IF l_amt[g] IS NULL OR l_amt[g] < 0 OR l_amt[g] > l_full[g] THEN
            RETURN jsonb_build_array(7, NULL, l_idx[g]::text);
        END IF;
    END LOOP;

    v_id := nextval('"LedgerTransaction_id_seq"'::regclass);
    INSERT INTO "LedgerTransaction" ("id", "idempotencyKey", "inputHash", "code", "kind", "pendingId", "metadata", "createdAt")
    VALUES (v_id, p->>'k', p->>'h', p->>'c', v_kind, v_hold.id, coalesce(p->'m', '{}'::jsonb), v_now);

    INSERT INTO "LedgerPosting" ("transactionId", "index", "debitAccountId", "creditAccountId", "amount", "pending", "createdAt")
    SELECT v_id, u.idx, u.d, u.c, u.amt, false, v_now FROM unnest(l_idx, l_d, l_c, l_amt) u(idx, d, c, amt) WHERE u.amt > 0;

    UPDATE "LedgerAccount" a
    SET "debitsPending" = a."debitsPending" - x.dq, "creditsPending" = a."creditsPending" - x.cq,
        "debitsPosted" = a."debitsPosted" + x.dp, "creditsPosted" = a."creditsPosted" + x.cp
    FROM (SELECT y.acc, sum(y.dq) AS dq, sum(y.cq) AS cq, sum(y.dp) AS dp, sum(y.cp) AS cp
          FROM (SELECT u.d AS acc, u.held AS dq, 0::bigint AS cq, u.amt AS dp, 0::bigint AS cp FROM unnest(l_d, l_full, l_amt) u(d, held, amt)
                UNION ALL
                SELECT u.c, 0, u.held, 0, u.amt FROM unnest(l_c, l_full, l_amt) u(c, held, amt)) y
          GROUP BY y.acc) x
    WHERE a."id" = x.acc;

    RETURN jsonb_build_array(0, v_id::text, NULL);
END;
$$;

-- ledger_reconcile_report: the figures reconciliation needs, from one snapshot (one statement),
-- as JSON text (domain/ledger/reconcile.ts reads it). JIT is off: compiling this query costs
-- seconds and saves nothing.
CREATE FUNCTION ledger_reconcile_report() RETURNS text LANGUAGE sql STABLE SET jit = off AS $$
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
)::text;
$$;
