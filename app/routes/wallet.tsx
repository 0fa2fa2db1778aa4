import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { can } from "#domain/access/permissions.ts";
import { isAppError } from "#domain/errors.ts";
import { parseMoney, pendingWithdrawalsOfOrg, requestWithdrawal, walletBalancesByOrg } from "../domain.server.ts";
import { CsrfInput } from "../components/csrf-input.tsx";
import { DateTime } from "../components/datetime.tsx";
import { Field, FormAlert, type FailureLike } from "../components/form.tsx";
import { Money } from "../components/money.tsx";
import { Statement } from "../components/statement.tsx";
import ledgerStyles from "../styles/ledger.css";
import { requirePermission, requireUser, type CurrentUser } from "../utils/auth.server.ts";
import { appErrorResponse, failureResponse, parseForm } from "../utils/forms.server.ts";
import { loadStatement, parseDateRange } from "../utils/ledger.server.ts";
import { useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: ledgerStyles }];

/**
 * The platform's receiving account shown in the deposit instructions. This is a DEMO account:
 * the page labels it so, and a real deployment replaces it with the platform's bank details.
 */
const PLATFORM_BANK_ACCOUNT = {
  accountNameKey: "wallet.bank.accountName",
  bankNameKey: "wallet.bank.bankName",
  accountNumber: "6222 0000 0000 0000 888",
};

/** The organisations whose wallet the user may read; `org` picks one (default: the first). */
function walletOrganisations(current: CurrentUser) {
  return current.memberships
    .filter((m) => can(current.actor, "read:wallet:own", { organisationId: m.organisation.id }))
    .map((m) => ({ id: m.organisation.id, name: m.organisation.name, referenceCode: m.organisation.referenceCode }));
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await requireUser(request, context);
  const url = new URL(request.url);
  const orgs = walletOrganisations(current);
  const org = orgs.find((o) => o.id === url.searchParams.get("org")) ?? orgs[0];
  // No organisation with a wallet: the 403 page names the permission.
  await requirePermission(request, context, "read:wallet:own", { organisationId: org?.id ?? "none" });
  if (!org) throw new Response(null, { status: 403 });
  const db = context.services.database.prisma;
  const range = parseDateRange(url);
  const [balances, statement, pending] = await Promise.all([
    walletBalancesByOrg({ db, orgId: org.id }),
    loadStatement(context, { address: `org:${org.id}:wallet`, range, after: url.searchParams.get("after") }),
    pendingWithdrawalsOfOrg({ db, orgId: org.id }),
  ]);
  const csv = new URLSearchParams({ org: org.id });
  if (range.fromText && !range.errors.from) csv.set("from", range.fromText);
  if (range.toText && !range.errors.to) csv.set("to", range.toText);
  return {
    orgs: orgs.map((o) => ({ id: o.id, name: o.name })),
    org,
    balances: {
      posted: balances.posted.toString(),
      held: (balances.posted - balances.available).toString(),
      available: balances.available.toString(),
    },
    statement,
    range: { fromText: range.fromText, toText: range.toText, errors: range.errors },
    csvHref: `/wallet/statement.csv?${csv.toString()}`,
    pending: pending.map((w) => {
      const payee = ((w.metadata as { payee?: Record<string, string> }).payee ?? null) as {
        bankName: string;
        accountName: string;
        accountNumber: string;
      } | null;
      return {
        holdId: w.holdId.toString(),
        amount: w.amount.toString(),
        requestedAt: w.requestedAt.toISOString(),
        payee,
      };
    }),
    canWithdraw: can(current.actor, "withdraw:wallet:own", { organisationId: org.id }),
    // A fresh key per rendered form: submitting the same form twice makes one request.
    idempotencyKey: globalThis.crypto.randomUUID(),
    bank: PLATFORM_BANK_ACCOUNT,
    requested: url.searchParams.get("requested") === "1",
  };
}

const text = (max: number) =>
  z.string({ error: "form.required" }).trim().min(1, "form.required").max(max, "wallet.errors.tooLong");

const withdrawalSchema = z.object({
  organisationId: z.string().min(1, "form.required"),
  idempotencyKey: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, "errors.ledger.invalidTransaction"),
  amount: z.string({ error: "errors.money.empty" }),
  bankName: text(100),
  accountName: text(100),
  accountNumber: z
    .string({ error: "form.required" })
    .transform((v) => v.replace(/[\s-]+/g, ""))
    .pipe(z.string().regex(/^\d{8,34}$/, "wallet.errors.accountNumber")),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const current = await requireUser(request, context);
  const parsed = await parseForm(request, context, withdrawalSchema);
  if ("failure" in parsed) return parsed.failure;
  const { organisationId, idempotencyKey, bankName, accountName, accountNumber } = parsed.value;
  await requirePermission(request, context, "withdraw:wallet:own", { organisationId });
  try {
    const amount = parseMoney(parsed.value.amount, { field: "amount" });
    await requestWithdrawal({
      db: context.services.database.prisma,
      actorId: current.user.id,
      orgId: organisationId,
      amount,
      idempotencyKey,
      payee: { bankName, accountName, accountNumber },
      zoneId: current.memberships.find((m) => m.organisation.id === organisationId)?.organisation.zone.id ?? null,
    });
  } catch (error) {
    // Not enough money is about the amount the user typed: show it next to that field.
    if (isAppError(error) && error.code === "insufficient_funds") {
      return failureResponse(
        {
          ok: false,
          formError: { key: "form.fixErrors" },
          fieldErrors: { amount: "wallet.errors.insufficientFunds" },
          values: parsed.values,
        },
        409,
      );
    }
    return appErrorResponse(error, parsed.values);
  }
  throw redirect(`/wallet?org=${encodeURIComponent(organisationId)}&requested=1#withdrawals`);
}

export default function Wallet() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<FailureLike>();
  const t = useT();
  return (
    <>
      <h1>{t("wallet.title")}</h1>
      <p className="muted">
        {data.org.name} · {t("wallet.lead")}
      </p>
      {data.orgs.length > 1 ? (
        <nav aria-label={t("wallet.switchOrg")} className="pager">
          {data.orgs.map((o) => (
            <Link key={o.id} to={`?org=${o.id}`} aria-current={o.id === data.org.id ? "page" : undefined}>
              {o.name}
            </Link>
          ))}
        </nav>
      ) : null}
      <dl className="balances" aria-label={t("wallet.balances")}>
        <div className="balance primary" data-testid="available">
          <dt>{t("wallet.available")}</dt>
          <dd>
            <Money value={data.balances.available} />
          </dd>
        </div>
        <div className="balance" data-testid="held">
          <dt>{t("wallet.held")}</dt>
          <dd>
            <Money value={data.balances.held} />
          </dd>
        </div>
        <div className="balance" data-testid="posted">
          <dt>{t("wallet.posted")}</dt>
          <dd>
            <Money value={data.balances.posted} />
          </dd>
        </div>
      </dl>
      <p className="muted small">{t("wallet.balancesHint")}</p>

      <div className="columns">
        <section className="panel" aria-labelledby="deposit-heading">
          <h2 id="deposit-heading">{t("wallet.depositTitle")}</h2>
          <p>{t("wallet.depositLead")}</p>
          <p>
            <span className="demo-tag">{t("wallet.bank.demo")}</span>
          </p>
          <dl className="facts">
            <dt>{t("wallet.bank.accountNameLabel")}</dt>
            <dd>{t(data.bank.accountNameKey)}</dd>
            <dt>{t("wallet.bank.bankNameLabel")}</dt>
            <dd>{t(data.bank.bankNameKey)}</dd>
            <dt>{t("wallet.bank.accountNumberLabel")}</dt>
            <dd>
              <code>{data.bank.accountNumber}</code>
            </dd>
            <dt>{t("wallet.referenceCode")}</dt>
            <dd>
              <span className="reference-code" data-testid="reference-code">
                {data.org.referenceCode}
              </span>
            </dd>
          </dl>
          <p className="small">{t("wallet.depositNote", { code: data.org.referenceCode })}</p>
        </section>

        <section className="panel" aria-labelledby="withdraw-heading">
          <h2 id="withdraw-heading">{t("wallet.withdrawTitle")}</h2>
          {data.canWithdraw ? (
            <>
              <p className="muted small">{t("wallet.withdrawLead")}</p>
              <FormAlert failure={failure} />
              <Form method="post" className="stack" noValidate>
                <CsrfInput />
                <input type="hidden" name="organisationId" value={data.org.id} />
                <input type="hidden" name="idempotencyKey" value={data.idempotencyKey} />
                <Field
                  name="amount"
                  label={t("wallet.withdrawAmount")}
                  hint={t("wallet.amountHint")}
                  failure={failure}
                  required
                />
                <Field name="bankName" label={t("wallet.payeeBank")} failure={failure} required />
                <Field
                  name="accountName"
                  label={t("wallet.payeeName")}
                  failure={failure}
                  defaultValue={data.org.name}
                  required
                />
                <Field name="accountNumber" label={t("wallet.payeeNumber")} failure={failure} required />
                <button type="submit" className="button">
                  {t("wallet.withdrawSubmit")}
                </button>
              </Form>
            </>
          ) : (
            <p className="muted">{t("wallet.withdrawNotAllowed")}</p>
          )}
        </section>
      </div>

      <section className="panel" aria-labelledby="withdrawals-heading" id="withdrawals">
        <h2 id="withdrawals-heading">{t("wallet.pendingTitle")}</h2>
        {data.requested ? (
          <div className="alert success" role="status">
            {t("wallet.requested")}
          </div>
        ) : null}
        {data.pending.length === 0 ? (
          <div className="empty">{t("wallet.pendingEmpty")}</div>
        ) : (
          <div className="table-wrap">
            <table className="data" data-testid="pending-withdrawals">
              <thead>
                <tr>
                  <th scope="col">{t("ledger.time")}</th>
                  <th scope="col" className="num">
                    {t("ledger.amount")}
                  </th>
                  <th scope="col">{t("wallet.payee")}</th>
                  <th scope="col">{t("ledger.status")}</th>
                </tr>
              </thead>
              <tbody>
                {data.pending.map((w) => (
                  <tr key={w.holdId}>
                    <td>
                      <DateTime value={w.requestedAt} />
                    </td>
                    <td className="num">
                      <Money value={w.amount} />
                    </td>
                    <td className="small">
                      {w.payee ? `${w.payee.accountName} · ${w.payee.bankName} · ${w.payee.accountNumber}` : "—"}
                    </td>
                    <td>
                      <span className="badge pending">{t("wallet.pendingStatus")}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <Statement
        statement={data.statement}
        fromText={data.range.fromText}
        toText={data.range.toText}
        dateErrors={data.range.errors}
        csvHref={data.csvHref}
        keep={data.orgs.length > 1 ? { org: data.org.id } : {}}
      />
    </>
  );
}
