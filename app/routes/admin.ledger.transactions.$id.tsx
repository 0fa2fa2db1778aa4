import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { transactionDetail } from "../domain.server.ts";
import { DateTime } from "../components/datetime.tsx";
import { Money } from "../components/money.tsx";
import ledgerStyles from "../styles/ledger.css";
import { requirePermission } from "../utils/auth.server.ts";
import { domainCall } from "../utils/domain.server.ts";
import { useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: ledgerStyles }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requirePermission(request, context, "read:ledger:any");
  if (!/^\d{1,19}$/.test(params.id ?? "")) throw new Response(null, { status: 404 });
  const tx = await domainCall(() =>
    transactionDetail({ db: context.services.database.prisma, id: BigInt(params.id!) }),
  );
  return {
    tx: {
      id: tx.id.toString(),
      idempotencyKey: tx.idempotencyKey,
      code: tx.code,
      kind: tx.kind,
      pendingId: tx.pendingId?.toString() ?? null,
      correctsId: tx.correctsId?.toString() ?? null,
      timeoutAt: tx.timeoutAt?.toISOString() ?? null,
      createdAt: tx.createdAt.toISOString(),
      metadata: JSON.stringify(tx.metadata ?? {}, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2),
      postings: tx.postings.map((p) => ({ ...p, amount: p.amount.toString() })),
      total: tx.postings.reduce((sum, p) => sum + p.amount, 0n).toString(),
      resolution: tx.resolution
        ? {
            id: tx.resolution.id.toString(),
            kind: tx.resolution.kind,
            createdAt: tx.resolution.createdAt.toISOString(),
          }
        : null,
    },
  };
}

function TxLink({ id }: { id: string }) {
  return <Link to={`/admin/ledger/transactions/${id}`}>#{id}</Link>;
}

function AccountLink({ address }: { address: string }) {
  return (
    <Link to={`/admin/ledger/accounts/${encodeURIComponent(address)}`}>
      <code>{address}</code>
    </Link>
  );
}

export default function LedgerTransaction() {
  const { tx } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <p>
        <Link to="/admin/ledger">← {t("adminLedger.title")}</Link>
      </p>
      <h1>
        {t("adminLedger.transaction")} #{tx.id} <span className="badge">{t(`ledgerCode.${tx.code}`)}</span>{" "}
        <span className={`badge ${tx.kind === "pending" ? "pending" : ""}`}>{t(`ledgerKind.${tx.kind}`)}</span>
      </h1>
      <section className="panel" aria-labelledby="tx-facts">
        <h2 id="tx-facts">{t("adminLedger.transactionFacts")}</h2>
        <dl className="facts">
          <dt>{t("ledger.time")}</dt>
          <dd>
            <DateTime value={tx.createdAt} />
          </dd>
          <dt>{t("adminLedger.idempotencyKey")}</dt>
          <dd>
            <code>{tx.idempotencyKey}</code>
          </dd>
          <dt>{t("ledger.amount")}</dt>
          <dd>
            <Money value={tx.total} />
          </dd>
          {tx.pendingId ? (
            <>
              <dt>{t("adminLedger.resolvesHold")}</dt>
              <dd>
                <TxLink id={tx.pendingId} />
              </dd>
            </>
          ) : null}
          {tx.correctsId ? (
            <>
              <dt>{t("adminLedger.corrects")}</dt>
              <dd>
                <TxLink id={tx.correctsId} />
              </dd>
            </>
          ) : null}
          {tx.timeoutAt ? (
            <>
              <dt>{t("adminLedger.timeoutAt")}</dt>
              <dd>
                <DateTime value={tx.timeoutAt} />
              </dd>
            </>
          ) : null}
          {tx.kind === "pending" ? (
            <>
              <dt>{t("adminLedger.resolution")}</dt>
              <dd>
                {tx.resolution ? (
                  <>
                    {t(`ledgerKind.${tx.resolution.kind}`)} <TxLink id={tx.resolution.id} /> ·{" "}
                    <DateTime value={tx.resolution.createdAt} />
                  </>
                ) : (
                  <span className="badge pending">{t("adminLedger.open")}</span>
                )}
              </dd>
            </>
          ) : null}
        </dl>
      </section>
      <section className="panel" aria-labelledby="postings-heading">
        <h2 id="postings-heading">{t("adminLedger.postingsTitle")}</h2>
        <div className="table-wrap">
          <table className="data" data-testid="postings">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t("adminLedger.debit")}</th>
                <th scope="col">{t("adminLedger.credit")}</th>
                <th scope="col" className="num">
                  {t("ledger.amount")}
                </th>
                <th scope="col">{t("ledger.status")}</th>
              </tr>
            </thead>
            <tbody>
              {tx.postings.map((p) => (
                <tr key={p.index}>
                  <td>{p.index}</td>
                  <td>
                    <AccountLink address={p.debit} />
                  </td>
                  <td>
                    <AccountLink address={p.credit} />
                  </td>
                  <td className="num">
                    <Money value={p.amount} wan={false} />
                  </td>
                  <td>
                    {p.pending ? (
                      <span className="badge pending">{t("ledgerKind.pending")}</span>
                    ) : (
                      <span className="badge">{t("ledgerKind.posted")}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="panel" aria-labelledby="metadata-heading">
        <h2 id="metadata-heading">{t("adminLedger.metadata")}</h2>
        <pre className="json">{tx.metadata}</pre>
      </section>
    </>
  );
}
