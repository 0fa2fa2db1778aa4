import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { can } from "#domain/access/permissions.ts";
import { AppError, isAppError } from "#domain/errors.ts";
import { fenToDecimalString, formatYuan } from "#domain/money/money.ts";
import {
  confirmWithdrawal,
  deposit,
  organisationByReferenceCode,
  organisationsById,
  parseMoney,
  pendingWithdrawals,
  recentDepositsWithAmounts,
  rejectWithdrawal,
  requireBankReference,
} from "../domain.server.ts";
import { CsrfInput } from "../components/csrf-input.tsx";
import { DateTime } from "../components/datetime.tsx";
import { Field, FormAlert, type FailureLike } from "../components/form.tsx";
import { Money } from "../components/money.tsx";
import ledgerStyles from "../styles/ledger.css";
import { requirePermission, requireUser } from "../utils/auth.server.ts";
import { appErrorResponse, parseForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: ledgerStyles }];

// The finance queue (平台财务): confirm offline bank transfers in, and withdrawals out.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await requirePermission(request, context, "confirm:deposit:any");
  const db = context.services.database.prisma;
  const canWithdrawals = can(current.actor, "confirm:withdrawal:any");
  const [pending, deposits] = await Promise.all([
    canWithdrawals ? pendingWithdrawals({ db }) : Promise.resolve([]),
    recentDepositsWithAmounts({ db, limit: 20 }),
  ]);
  const orgIds = [...pending.map((w) => w.orgId), ...deposits.map((d) => String(d.metadata.orgId ?? ""))];
  const orgs = await organisationsById({ db, ids: orgIds });
  const orgLabel = (id: string) => {
    const org = orgs.get(id);
    return org ? { name: org.name, referenceCode: org.referenceCode } : null;
  };
  return {
    canWithdrawals,
    pending: pending.map((w) => {
      const payee = ((w.metadata as { payee?: Record<string, string> }).payee ?? null) as {
        bankName: string;
        accountName: string;
        accountNumber: string;
      } | null;
      return {
        holdId: w.holdId.toString(),
        org: orgLabel(w.orgId),
        amount: w.amount.toString(),
        requestedAt: w.requestedAt.toISOString(),
        payee,
      };
    }),
    deposits: deposits.map((d) => ({
      transactionId: d.transactionId.toString(),
      code: d.code,
      createdAt: d.createdAt.toISOString(),
      amount: d.amount.toString(),
      bankReference: typeof d.metadata.bankReference === "string" ? d.metadata.bankReference : "",
      org: d.metadata.orgId ? orgLabel(String(d.metadata.orgId)) : null,
    })),
  };
}

const required = z.string({ error: "form.required" }).trim().min(1, "form.required");
const depositFields = {
  referenceCode: required,
  amount: z.string({ error: "errors.money.empty" }),
  bankReference: z.string({ error: "errors.ledger.invalidBankReference" }),
};
const holdId = z.string().regex(/^\d{1,19}$/, "errors.ledger.withdrawalNotFound");

const schema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("preview-deposit"), ...depositFields }),
  z.object({ intent: z.literal("confirm-deposit"), ...depositFields }),
  z.object({
    intent: z.literal("confirm-withdrawal"),
    holdId,
    amount: z.string({ error: "errors.money.empty" }),
    bankReference: z.string({ error: "errors.ledger.invalidBankReference" }),
  }),
  z.object({
    intent: z.literal("reject-withdrawal"),
    holdId,
    reason: z.string({ error: "errors.ledger.reasonRequired" }),
  }),
]);

type ActionResult =
  | {
      ok: true;
      intent: "preview-deposit";
      preview: { orgName: string; referenceCode: string; amount: string; amountText: string; bankReference: string };
    }
  | {
      ok: true;
      intent: "confirm-deposit";
      replayed: boolean;
      orgName: string;
      amount: string;
      bankReference: string;
      transactionId: string;
    }
  | { ok: true; intent: "confirm-withdrawal" | "reject-withdrawal"; replayed: boolean; holdId: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const current = await requireUser(request, context);
  const parsed = await parseForm(request, context, schema);
  if ("failure" in parsed) return parsed.failure;
  const form = parsed.value;
  const db = context.services.database.prisma;
  try {
    switch (form.intent) {
      case "preview-deposit":
      case "confirm-deposit": {
        await requirePermission(request, context, "confirm:deposit:any");
        // Check all three fields before answering, so every mistake shows next to its field at once.
        const [org, amount, bankReference] = await allFields(
          () => organisationByReferenceCode({ db, referenceCode: form.referenceCode }),
          () => parseMoney(form.amount, { field: "amount" }),
          () => requireBankReference(form.bankReference),
        );
        if (form.intent === "preview-deposit") {
          return {
            ok: true,
            intent: form.intent,
            preview: {
              orgName: org.name,
              referenceCode: org.referenceCode,
              amount: amount.toString(),
              amountText: fenToDecimalString(amount),
              bankReference,
            },
          } satisfies ActionResult;
        }
        const result = await deposit({ db, actorId: current.user.id, orgId: org.id, amount, bankReference });
        return {
          ok: true,
          intent: form.intent,
          replayed: result.replayed,
          orgName: org.name,
          amount: amount.toString(),
          bankReference,
          transactionId: result.transactionId.toString(),
        } satisfies ActionResult;
      }
      case "confirm-withdrawal": {
        await requirePermission(request, context, "confirm:withdrawal:any");
        const amount = parseMoney(form.amount, { field: "amount" });
        const result = await confirmWithdrawal({
          db,
          actorId: current.user.id,
          holdId: BigInt(form.holdId),
          bankReference: form.bankReference,
          amount,
        });
        return { ok: true, intent: form.intent, replayed: result.replayed, holdId: form.holdId } satisfies ActionResult;
      }
      case "reject-withdrawal": {
        await requirePermission(request, context, "confirm:withdrawal:any");
        const result = await rejectWithdrawal({
          db,
          actorId: current.user.id,
          holdId: BigInt(form.holdId),
          reason: form.reason,
        });
        return { ok: true, intent: form.intent, replayed: result.replayed, holdId: form.holdId } satisfies ActionResult;
      }
    }
  } catch (error) {
    return appErrorResponse(error, parsed.values);
  }
}

/** Runs independent field checks; throws one AppError carrying every field's error, or returns the values. */
async function allFields<A, B, C>(
  a: () => Promise<A> | A,
  b: () => Promise<B> | B,
  c: () => Promise<C> | C,
): Promise<[A, B, C]> {
  const results = await Promise.allSettled([
    Promise.resolve().then(a),
    Promise.resolve().then(b),
    Promise.resolve().then(c),
  ]);
  const failures = results
    .filter((r): r is PromiseRejectedResult => r.status === "rejected")
    .map((r) => r.reason as unknown);
  if (failures.length === 0) return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [A, B, C];
  const fieldErrors = Object.assign({}, ...failures.map((e) => (isAppError(e) ? e.fieldErrors : {}))) as Record<
    string,
    string
  >;
  const first = failures[0];
  if (!isAppError(first) || failures.some((e) => !isAppError(e) || Object.keys(e.fieldErrors).length === 0))
    throw first;
  throw new AppError("bad_request", first.messageKey, { params: first.params, fieldErrors });
}

/** Which form a failed submission belongs to (its values carry the intent and the hold). */
function failureFor(failure: FailureLike | undefined, intent: string, hold?: string): FailureLike | undefined {
  if (!failure?.values) return undefined;
  if (failure.values.intent !== intent) return undefined;
  if (hold !== undefined && failure.values.holdId !== hold) return undefined;
  return failure;
}

export default function Finance() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<ActionResult | FailureLike>();
  const t = useT();
  const ok = result && "ok" in result && result.ok === true ? (result as ActionResult) : undefined;
  const failure = ok ? undefined : (result as FailureLike | undefined);
  const depositFailure = failureFor(failure, "preview-deposit") ?? failureFor(failure, "confirm-deposit");
  const preview = ok?.intent === "preview-deposit" ? ok.preview : undefined;
  return (
    <>
      <h1>{t("finance.title")}</h1>
      <p className="muted">{t("finance.lead")}</p>

      <section className="panel" aria-labelledby="deposit-heading">
        <h2 id="deposit-heading">{t("finance.depositTitle")}</h2>
        {ok?.intent === "confirm-deposit" ? (
          <div className={`alert ${ok.replayed ? "info" : "success"}`} role="status">
            {ok.replayed
              ? t("finance.depositReplayed", { bankReference: ok.bankReference })
              : t("finance.depositDone", {
                  amount: formatYuan(BigInt(ok.amount)),
                  org: ok.orgName,
                  bankReference: ok.bankReference,
                })}{" "}
            <span className="small">#{ok.transactionId}</span>
          </div>
        ) : null}
        {preview ? (
          <div className="summary" role="region" aria-labelledby="summary-heading">
            <h3 id="summary-heading">{t("finance.summaryTitle")}</h3>
            <dl className="facts">
              <dt>{t("finance.organisation")}</dt>
              <dd>
                <strong>{preview.orgName}</strong> <code>{preview.referenceCode}</code>
              </dd>
              <dt>{t("ledger.amount")}</dt>
              <dd>
                <Money value={preview.amount} />
              </dd>
              <dt>{t("ledger.bankReference")}</dt>
              <dd>
                <code>{preview.bankReference}</code>
              </dd>
            </dl>
            <p className="small">{t("finance.summaryHint")}</p>
            <div className="actions">
              <Form method="post">
                <CsrfInput />
                <input type="hidden" name="intent" value="confirm-deposit" />
                <input type="hidden" name="referenceCode" value={preview.referenceCode} />
                <input type="hidden" name="amount" value={preview.amountText} />
                <input type="hidden" name="bankReference" value={preview.bankReference} />
                <button type="submit" className="button">
                  {t("finance.depositConfirm")}
                </button>
              </Form>
              <Link to="/finance" className="button secondary">
                {t("finance.cancel")}
              </Link>
            </div>
          </div>
        ) : (
          <>
            <FormAlert failure={depositFailure} />
            <Form method="post" className="stack" noValidate>
              <CsrfInput />
              <input type="hidden" name="intent" value="preview-deposit" />
              <Field
                name="referenceCode"
                label={t("finance.referenceCode")}
                hint={t("finance.referenceCodeHint")}
                failure={depositFailure}
                required
              />
              <Field
                name="amount"
                label={t("finance.depositAmount")}
                hint={t("wallet.amountHint")}
                failure={depositFailure}
                required
              />
              <Field
                name="bankReference"
                label={t("ledger.bankReference")}
                hint={t("finance.bankReferenceHint")}
                failure={depositFailure}
                required
              />
              <button type="submit" className="button">
                {t("finance.depositPreview")}
              </button>
            </Form>
          </>
        )}
      </section>

      {data.canWithdrawals ? (
        <section className="panel" aria-labelledby="withdrawals-heading">
          <h2 id="withdrawals-heading">{t("finance.withdrawalsTitle")}</h2>
          {ok && (ok.intent === "confirm-withdrawal" || ok.intent === "reject-withdrawal") ? (
            <div className="alert success" role="status">
              {t(ok.intent === "confirm-withdrawal" ? "finance.withdrawalConfirmed" : "finance.withdrawalRejected", {
                id: ok.holdId,
              })}
            </div>
          ) : null}
          {failure &&
          (failure.values?.intent === "confirm-withdrawal" || failure.values?.intent === "reject-withdrawal") &&
          !data.pending.some((w) => w.holdId === failure.values?.holdId) ? (
            <FormAlert failure={failure} />
          ) : null}
          {data.pending.length === 0 ? (
            <div className="empty">{t("finance.withdrawalsEmpty")}</div>
          ) : (
            data.pending.map((w) => <WithdrawalRow key={w.holdId} withdrawal={w} failure={failure} />)
          )}
        </section>
      ) : null}

      <section className="panel" aria-labelledby="recent-heading">
        <h2 id="recent-heading">{t("finance.recentTitle")}</h2>
        {data.deposits.length === 0 ? (
          <div className="empty">{t("finance.recentEmpty")}</div>
        ) : (
          <div className="table-wrap">
            <table className="data" data-testid="recent-deposits">
              <thead>
                <tr>
                  <th scope="col">{t("ledger.time")}</th>
                  <th scope="col">{t("finance.organisation")}</th>
                  <th scope="col">{t("ledger.bankReference")}</th>
                  <th scope="col" className="num">
                    {t("ledger.amount")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.deposits.map((d) => (
                  <tr key={d.transactionId}>
                    <td>
                      <DateTime value={d.createdAt} />
                    </td>
                    <td>
                      {d.org ? (
                        <>
                          {d.org.name} <code className="small">{d.org.referenceCode}</code>
                        </>
                      ) : (
                        t(`ledgerCode.${d.code}`)
                      )}
                    </td>
                    <td>
                      <code>{d.bankReference}</code>
                    </td>
                    <td className="num">
                      <Money value={d.amount} />
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

type PendingRow = ReturnType<typeof useLoaderData<typeof loader>>["pending"][number];

function WithdrawalRow({ withdrawal: w, failure }: { withdrawal: PendingRow; failure: FailureLike | undefined }) {
  const t = useT();
  const confirmFailure = failureFor(failure, "confirm-withdrawal", w.holdId);
  const rejectFailure = failureFor(failure, "reject-withdrawal", w.holdId);
  return (
    <article className="panel" aria-labelledby={`w-${w.holdId}`} data-testid={`withdrawal-${w.holdId}`}>
      <h3 id={`w-${w.holdId}`}>
        {w.org?.name ?? "—"} · <Money value={w.amount} />
      </h3>
      <dl className="facts small">
        <dt>{t("ledger.time")}</dt>
        <dd>
          <DateTime value={w.requestedAt} />
        </dd>
        <dt>{t("wallet.payee")}</dt>
        <dd>{w.payee ? `${w.payee.accountName} · ${w.payee.bankName} · ${w.payee.accountNumber}` : "—"}</dd>
        <dt>{t("finance.holdId")}</dt>
        <dd>#{w.holdId}</dd>
      </dl>
      <div className="row-forms">
        <Form method="post" noValidate aria-label={t("finance.withdrawalConfirm")}>
          <CsrfInput />
          <input type="hidden" name="intent" value="confirm-withdrawal" />
          <input type="hidden" name="holdId" value={w.holdId} />
          <FormAlert failure={confirmFailure} />
          <RowField
            id={`confirm-${w.holdId}-bankReference`}
            name="bankReference"
            label={t("ledger.bankReference")}
            failure={confirmFailure}
          />
          <RowField
            id={`confirm-${w.holdId}-amount`}
            name="amount"
            label={t("finance.withdrawalAmount")}
            failure={confirmFailure}
            hint={t("finance.withdrawalAmountHint")}
          />
          <button type="submit" className="button">
            {t("finance.withdrawalConfirm")}
          </button>
        </Form>
        <Form method="post" noValidate aria-label={t("finance.withdrawalReject")}>
          <CsrfInput />
          <input type="hidden" name="intent" value="reject-withdrawal" />
          <input type="hidden" name="holdId" value={w.holdId} />
          <FormAlert failure={rejectFailure} />
          <RowField
            id={`reject-${w.holdId}-reason`}
            name="reason"
            label={t("finance.rejectReason")}
            failure={rejectFailure}
          />
          <button type="submit" className="button secondary">
            {t("finance.withdrawalReject")}
          </button>
        </Form>
      </div>
    </article>
  );
}

/** Like Field, with an id unique on a page that repeats the same form once per request. */
function RowField(props: { id: string; name: string; label: string; hint?: string; failure: FailureLike | undefined }) {
  const t = useT();
  const errorKey = props.failure?.fieldErrors?.[props.name];
  const value = props.failure?.values?.[props.name];
  const describedBy = [props.hint ? `${props.id}-hint` : null, errorKey ? `${props.id}-error` : null]
    .filter(Boolean)
    .join(" ");
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.name}
        type="text"
        defaultValue={typeof value === "string" ? value : undefined}
        aria-invalid={errorKey ? true : undefined}
        aria-describedby={describedBy || undefined}
      />
      {props.hint ? (
        <span id={`${props.id}-hint`} className="hint">
          {props.hint}
        </span>
      ) : null}
      {errorKey ? (
        <span id={`${props.id}-error`} className="error">
          {t(errorKey, props.failure?.fieldParams)}
        </span>
      ) : null}
    </div>
  );
}
