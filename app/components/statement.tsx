import { Form, Link, useLocation } from "@remix-run/react";
import { useT } from "../utils/i18n.tsx";
import { DateTime } from "./datetime.tsx";
import { Money } from "./money.tsx";

// A type-only import: erased from the browser bundle.
export type { StatementView as StatementData } from "../utils/ledger.server.ts";
import type { StatementView as StatementData } from "../utils/ledger.server.ts";

/**
 * A statement with its running balance, a date filter (a plain GET form) and forward paging.
 * `admin` links each line to its transaction and shows the counterparty account.
 */
export function Statement(props: {
  statement: StatementData;
  fromText: string;
  toText: string;
  dateErrors: Record<string, string>;
  csvHref?: string;
  admin?: boolean;
  /** Query parameters the filter and paging keep (e.g. the selected organisation). */
  keep?: Record<string, string>;
}) {
  const t = useT();
  const location = useLocation();
  const { statement } = props;
  const keep = props.keep ?? {};
  const params = new URLSearchParams(location.search);
  const firstPage = new URLSearchParams(keep);
  if (props.fromText) firstPage.set("from", props.fromText);
  if (props.toText) firstPage.set("to", props.toText);
  const next = statement.nextCursor ? new URLSearchParams(firstPage) : null;
  if (next && statement.nextCursor) next.set("after", statement.nextCursor);
  return (
    <section className="panel" aria-labelledby="statement-heading">
      <h2 id="statement-heading">{t("ledger.statement")}</h2>
      <Form method="get" className="filter-row" aria-label={t("ledger.filter")}>
        {Object.entries(keep).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <DateField name="from" label={t("ledger.from")} value={props.fromText} error={props.dateErrors.from} />
        <DateField name="to" label={t("ledger.to")} value={props.toText} error={props.dateErrors.to} />
        <button type="submit" className="button secondary">
          {t("ledger.applyFilter")}
        </button>
        {props.csvHref ? (
          <a className="button secondary" href={props.csvHref} download>
            {t("ledger.exportCsv")}
          </a>
        ) : null}
      </Form>
      <p className="muted small">
        {t("ledger.openingBalance")} <Money value={statement.openingBalance} />
      </p>
      {statement.lines.length === 0 ? (
        <div className="empty">{t("ledger.statementEmpty")}</div>
      ) : (
        <div className="table-wrap">
          <table className="data" data-testid="statement">
            <thead>
              <tr>
                <th scope="col">{t("ledger.time")}</th>
                <th scope="col">{t("ledger.code")}</th>
                <th scope="col">{props.admin ? t("ledger.counterparty") : t("ledger.reference")}</th>
                <th scope="col" className="num">
                  {t("ledger.amount")}
                </th>
                <th scope="col" className="num">
                  {t("ledger.runningBalance")}
                </th>
              </tr>
            </thead>
            <tbody>
              {statement.lines.map((line) => (
                <tr key={`${line.transactionId}:${line.index}`}>
                  <td>
                    <DateTime value={line.createdAt} />
                  </td>
                  <td>
                    {props.admin ? (
                      <Link to={`/admin/ledger/transactions/${line.transactionId}`}>
                        {t(`ledgerCode.${line.code}`)}
                      </Link>
                    ) : (
                      t(`ledgerCode.${line.code}`)
                    )}
                  </td>
                  <td className="small">
                    {props.admin ? (
                      <Link to={`/admin/ledger/accounts/${encodeURIComponent(line.counterparty)}`}>
                        <code>{line.counterparty}</code>
                      </Link>
                    ) : null}
                    {line.bankReference ? (
                      <div>
                        {t("ledger.bankReference")} <code>{line.bankReference}</code>
                      </div>
                    ) : null}
                  </td>
                  <td className="num">
                    <Money value={line.amount} signed wan={false} />
                  </td>
                  <td className="num">
                    <Money value={line.balance} wan={false} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="muted small">
        {t("ledger.closingBalance")} <Money value={statement.closingBalance} />
      </p>
      <nav className="pager" aria-label={t("ledger.pages")}>
        {params.has("after") ? <Link to={`?${firstPage.toString()}`}>{t("ledger.firstPage")}</Link> : null}
        {next ? <Link to={`?${next.toString()}`}>{t("ledger.nextPage")}</Link> : null}
      </nav>
    </section>
  );
}

function DateField({ name, label, value, error }: { name: string; label: string; value: string; error?: string }) {
  const t = useT();
  const id = `filter-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        type="date"
        defaultValue={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      {error ? (
        <span id={`${id}-error`} className="error">
          {t(error)}
        </span>
      ) : null}
    </div>
  );
}
