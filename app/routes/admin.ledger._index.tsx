import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { reconcileLedger, reconciliationHistory, searchAccounts } from "../domain.server.ts";
import { CsrfInput } from "../components/csrf-input.tsx";
import { DateTime } from "../components/datetime.tsx";
import { Money } from "../components/money.tsx";
import ledgerStyles from "../styles/ledger.css";
import { requirePermission } from "../utils/auth.server.ts";
import { parseForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: ledgerStyles }];

interface RunReport {
  postedBalanced?: boolean;
  pendingBalanced?: boolean;
  orphanPostings?: number;
  emptyTransactions?: number;
  overpostedHolds?: number;
  transactions?: number;
  postings?: number;
  mismatches?: {
    address: string;
    debitsPosted?: [string, string];
    creditsPosted?: [string, string];
    debitsPending?: [string, string];
    creditsPending?: [string, string];
  }[];
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "read:ledger:any");
  const db = context.services.database.prisma;
  const url = new URL(request.url);
  const q = (url.searchParams.get("q") ?? "").trim().slice(0, 200);
  const [accounts, runs] = await Promise.all([
    searchAccounts({ db, query: q || "platform:", limit: 50 }),
    reconciliationHistory({ db, limit: 30 }),
  ]);
  const latest = runs[0];
  const report = (latest?.report ?? {}) as RunReport;
  return {
    q,
    accounts: accounts.map((a) => ({
      address: a.address,
      type: a.type,
      posted: a.posted.toString(),
      pending: a.pending.toString(),
      available: a.available.toString(),
    })),
    latest: latest
      ? {
          id: latest.id.toString(),
          ok: latest.ok,
          finishedAt: latest.finishedAt.toISOString(),
          accountsChecked: latest.accountsChecked,
          mismatchedAccounts: latest.mismatchedAccounts,
          postedDebits: latest.postedDebits.toString(),
          postedCredits: latest.postedCredits.toString(),
          pendingDebits: latest.pendingDebits.toString(),
          pendingCredits: latest.pendingCredits.toString(),
          transactions: report.transactions ?? null,
          postings: report.postings ?? null,
          postedBalanced: report.postedBalanced ?? latest.postedDebits === latest.postedCredits,
          pendingBalanced: report.pendingBalanced ?? latest.pendingDebits === latest.pendingCredits,
          orphanPostings: report.orphanPostings ?? 0,
          emptyTransactions: report.emptyTransactions ?? 0,
          overpostedHolds: report.overpostedHolds ?? 0,
          mismatches: (report.mismatches ?? []).slice(0, 20).map((m) => ({
            address: m.address,
            fields: (["debitsPosted", "creditsPosted", "debitsPending", "creditsPending"] as const)
              .filter((f) => m[f])
              .map((f) => ({ field: f, stored: m[f]![0], actual: m[f]![1] })),
          })),
        }
      : null,
    runs: runs.map((r) => ({
      id: r.id.toString(),
      ok: r.ok,
      startedAt: r.startedAt.toISOString(),
      finishedAt: r.finishedAt.toISOString(),
      accountsChecked: r.accountsChecked,
      mismatchedAccounts: r.mismatchedAccounts,
      postedDebits: r.postedDebits.toString(),
      pendingDebits: r.pendingDebits.toString(),
    })),
    reconciled: url.searchParams.get("reconciled") === "1",
  };
}

const schema = z.object({ intent: z.literal("reconcile") });

export async function action({ request, context }: ActionFunctionArgs) {
  await requirePermission(request, context, "read:ledger:any");
  const parsed = await parseForm(request, context, schema);
  if ("failure" in parsed) return parsed.failure;
  const report = await reconcileLedger({ db: context.services.database.prisma, record: true });
  // A mismatch is an alert, never repaired here: logged for operations and shown on this page.
  if (!report.ok) context.services.log.error({ report }, "ledger reconciliation found a mismatch");
  throw redirect("/admin/ledger?reconciled=1");
}

export default function AdminLedger() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const latest = data.latest;
  return (
    <>
      <h1>{t("adminLedger.title")}</h1>
      <p className="muted">{t("adminLedger.lead")}</p>

      {latest && !latest.ok ? (
        <div className="alert mismatch" role="alert" data-testid="reconciliation-mismatch">
          <h2>{t("adminLedger.mismatchTitle")}</h2>
          <p>{t("adminLedger.mismatchBody", { accounts: latest.mismatchedAccounts })}</p>
          <ul>
            {!latest.postedBalanced ? <li>{t("adminLedger.postedUnbalanced")}</li> : null}
            {!latest.pendingBalanced ? <li>{t("adminLedger.pendingUnbalanced")}</li> : null}
            {latest.orphanPostings > 0 ? (
              <li>{t("adminLedger.orphanPostings", { count: latest.orphanPostings })}</li>
            ) : null}
            {latest.emptyTransactions > 0 ? (
              <li>{t("adminLedger.emptyTransactions", { count: latest.emptyTransactions })}</li>
            ) : null}
            {latest.overpostedHolds > 0 ? (
              <li>{t("adminLedger.overpostedHolds", { count: latest.overpostedHolds })}</li>
            ) : null}
            {latest.mismatches.map((m) => (
              <li key={m.address}>
                <Link to={`/admin/ledger/accounts/${encodeURIComponent(m.address)}`}>
                  <code>{m.address}</code>
                </Link>
                {m.fields.map((f) => (
                  <span key={f.field} className="small">
                    {" "}
                    · {t(`adminLedger.total.${f.field}`)}:{" "}
                    {t("adminLedger.storedVsActual", { stored: f.stored, actual: f.actual })}
                  </span>
                ))}
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <section className="panel" aria-labelledby="reconcile-heading">
        <h2 id="reconcile-heading">{t("adminLedger.reconciliation")}</h2>
        {data.reconciled ? (
          <div className="alert info" role="status">
            {t("adminLedger.reconciledNow")}
          </div>
        ) : null}
        {latest ? (
          <>
            <p data-testid="reconciliation-status">
              {latest.ok ? (
                <span className="badge ok">{t("adminLedger.clean")}</span>
              ) : (
                <span className="badge bad">{t("adminLedger.mismatch")}</span>
              )}{" "}
              {t("adminLedger.lastRun")} <DateTime value={latest.finishedAt} /> · #{latest.id}
            </p>
            <dl className="facts">
              <dt>{t("adminLedger.accountsChecked")}</dt>
              <dd>{latest.accountsChecked}</dd>
              {latest.transactions !== null ? (
                <>
                  <dt>{t("adminLedger.transactions")}</dt>
                  <dd>
                    {latest.transactions} · {t("adminLedger.postings")} {latest.postings}
                  </dd>
                </>
              ) : null}
              <dt>{t("adminLedger.postedTotals")}</dt>
              <dd>
                {t("adminLedger.debits")} <Money value={latest.postedDebits} /> = {t("adminLedger.credits")}{" "}
                <Money value={latest.postedCredits} />
              </dd>
              <dt>{t("adminLedger.pendingTotals")}</dt>
              <dd>
                {t("adminLedger.debits")} <Money value={latest.pendingDebits} /> = {t("adminLedger.credits")}{" "}
                <Money value={latest.pendingCredits} />
              </dd>
            </dl>
          </>
        ) : (
          <div className="empty">{t("adminLedger.neverRun")}</div>
        )}
        <Form method="post" className="stack-top">
          <CsrfInput />
          <input type="hidden" name="intent" value="reconcile" />
          <button type="submit" className="button">
            {t("adminLedger.runNow")}
          </button>
        </Form>
      </section>

      <section className="panel" aria-labelledby="accounts-heading">
        <h2 id="accounts-heading">{t("adminLedger.accounts")}</h2>
        <Form method="get" className="filter-row" role="search">
          <div className="field">
            <label htmlFor="account-q">{t("adminLedger.search")}</label>
            <input
              id="account-q"
              name="q"
              type="search"
              defaultValue={data.q}
              placeholder="org: / escrow: / platform:"
              aria-describedby="account-q-hint"
            />
            <span id="account-q-hint" className="hint">
              {t("adminLedger.searchHint")}
            </span>
          </div>
          <button type="submit" className="button secondary">
            {t("adminLedger.searchSubmit")}
          </button>
        </Form>
        {data.accounts.length === 0 ? (
          <div className="empty">{t("adminLedger.noAccounts")}</div>
        ) : (
          <div className="table-wrap">
            <table className="data" data-testid="accounts">
              <thead>
                <tr>
                  <th scope="col">{t("adminLedger.address")}</th>
                  <th scope="col">{t("adminLedger.type")}</th>
                  <th scope="col" className="num">
                    {t("wallet.posted")}
                  </th>
                  <th scope="col" className="num">
                    {t("adminLedger.pending")}
                  </th>
                  <th scope="col" className="num">
                    {t("wallet.available")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.accounts.map((a) => (
                  <tr key={a.address}>
                    <td>
                      <Link to={`/admin/ledger/accounts/${encodeURIComponent(a.address)}`}>
                        <code>{a.address}</code>
                      </Link>
                    </td>
                    <td>{t(`accountType.${a.type}`)}</td>
                    <td className="num">
                      <Money value={a.posted} wan={false} />
                    </td>
                    <td className="num">
                      <Money value={a.pending} wan={false} />
                    </td>
                    <td className="num">
                      <Money value={a.available} wan={false} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="panel" aria-labelledby="history-heading">
        <h2 id="history-heading">{t("adminLedger.history")}</h2>
        {data.runs.length === 0 ? (
          <div className="empty">{t("adminLedger.neverRun")}</div>
        ) : (
          <div className="table-wrap">
            <table className="data" data-testid="reconciliation-history">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">{t("adminLedger.finishedAt")}</th>
                  <th scope="col">{t("ledger.status")}</th>
                  <th scope="col">{t("adminLedger.accountsChecked")}</th>
                  <th scope="col" className="num">
                    {t("adminLedger.postedTotals")}
                  </th>
                  <th scope="col" className="num">
                    {t("adminLedger.pendingTotals")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.runs.map((r) => (
                  <tr key={r.id}>
                    <td>{r.id}</td>
                    <td>
                      <DateTime value={r.finishedAt} />
                    </td>
                    <td>
                      {r.ok ? (
                        <span className="badge ok">{t("adminLedger.clean")}</span>
                      ) : (
                        <span className="badge bad">
                          {t("adminLedger.mismatchCount", { count: r.mismatchedAccounts })}
                        </span>
                      )}
                    </td>
                    <td>{r.accountsChecked}</td>
                    <td className="num">
                      <Money value={r.postedDebits} wan={false} />
                    </td>
                    <td className="num">
                      <Money value={r.pendingDebits} wan={false} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
