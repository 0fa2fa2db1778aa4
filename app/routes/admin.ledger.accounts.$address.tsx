import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getBalance } from "../domain.server.ts";
import { Money } from "../components/money.tsx";
import { Statement } from "../components/statement.tsx";
import ledgerStyles from "../styles/ledger.css";
import { requirePermission } from "../utils/auth.server.ts";
import { loadStatement, parseDateRange } from "../utils/ledger.server.ts";
import { useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: ledgerStyles }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requirePermission(request, context, "read:ledger:any");
  const address = params.address ?? "";
  const balance = await getBalance({ db: context.services.database.prisma, address });
  if (!balance) throw new Response(null, { status: 404 });
  const url = new URL(request.url);
  const range = parseDateRange(url);
  const statement = await loadStatement(context, { address, range, after: url.searchParams.get("after"), limit: 50 });
  const csv = new URLSearchParams({ address });
  if (range.fromText && !range.errors.from) csv.set("from", range.fromText);
  if (range.toText && !range.errors.to) csv.set("to", range.toText);
  return {
    account: {
      id: balance.accountId.toString(),
      address: balance.address,
      type: balance.type,
      normalSide: balance.normalSide,
      flags: balance.flags,
      debitsPosted: balance.debitsPosted.toString(),
      creditsPosted: balance.creditsPosted.toString(),
      debitsPending: balance.debitsPending.toString(),
      creditsPending: balance.creditsPending.toString(),
      posted: balance.posted.toString(),
      pending: balance.pending.toString(),
      available: balance.available.toString(),
    },
    statement,
    range: { fromText: range.fromText, toText: range.toText, errors: range.errors },
    csvHref: `/wallet/statement.csv?${csv.toString()}`,
  };
}

export default function LedgerAccount() {
  const { account, statement, range, csvHref } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <p>
        <Link to="/admin/ledger">← {t("adminLedger.title")}</Link>
      </p>
      <h1>
        {t("adminLedger.account")} <code>{account.address}</code>
      </h1>
      <dl className="balances" aria-label={t("wallet.balances")}>
        <div className="balance primary">
          <dt>{t("wallet.available")}</dt>
          <dd>
            <Money value={account.available} />
          </dd>
        </div>
        <div className="balance">
          <dt>{t("wallet.posted")}</dt>
          <dd>
            <Money value={account.posted} />
          </dd>
        </div>
        <div className="balance">
          <dt>{t("adminLedger.pending")}</dt>
          <dd>
            <Money value={account.pending} />
          </dd>
        </div>
      </dl>
      <section className="panel" aria-labelledby="account-facts">
        <h2 id="account-facts">{t("adminLedger.accountFacts")}</h2>
        <dl className="facts">
          <dt>{t("adminLedger.type")}</dt>
          <dd>
            {t(`accountType.${account.type}`)} · {t("adminLedger.normalSide")}{" "}
            {t(`adminLedger.side.${account.normalSide}`)}
          </dd>
          <dt>{t("adminLedger.flags")}</dt>
          <dd>{t(`adminLedger.flag.${account.flags}`)}</dd>
          <dt>{t("adminLedger.total.debitsPosted")}</dt>
          <dd>
            <Money value={account.debitsPosted} wan={false} />
          </dd>
          <dt>{t("adminLedger.total.creditsPosted")}</dt>
          <dd>
            <Money value={account.creditsPosted} wan={false} />
          </dd>
          <dt>{t("adminLedger.total.debitsPending")}</dt>
          <dd>
            <Money value={account.debitsPending} wan={false} />
          </dd>
          <dt>{t("adminLedger.total.creditsPending")}</dt>
          <dd>
            <Money value={account.creditsPending} wan={false} />
          </dd>
        </dl>
      </section>
      <Statement
        statement={statement}
        fromText={range.fromText}
        toText={range.toText}
        dateErrors={range.errors}
        csvHref={csvHref}
        admin
      />
    </>
  );
}
