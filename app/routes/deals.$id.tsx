import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { AppError, isAppError } from "#domain/errors.ts";
import { formatYuan } from "#domain/money/money.ts";
import {
  agreeTerms,
  arbitrateDealDispute,
  cancelDeal,
  confirmInstalment,
  dealDetail,
  deliverInstalment,
  fundInstalment,
  parseMoney,
  postMessage,
  proposeCommission,
  raiseDealDispute,
  recordRegistration,
  signCommission,
  signDeal,
} from "../domain.server.ts";
import { Control, failureOf } from "../components/challenge.tsx";
import { CsrfInput } from "../components/csrf-input.tsx";
import { DateTime } from "../components/datetime.tsx";
import { FormAlert, type FailureLike } from "../components/form.tsx";
import { Money } from "../components/money.tsx";
import { DealStatusBadge, INSTALMENT_ROWS, InstalmentStatusBadge } from "../components/transfer.tsx";
import challengeStyles from "../styles/challenges.css";
import styles from "../styles/transfer.css";
import { requireUser } from "../utils/auth.server.ts";
import { db, plain, shanghaiInputValue, shanghaiInstant } from "../utils/challenges.server.ts";
import { now } from "../utils/clock.server.ts";
import { domainCall } from "../utils/domain.server.ts";
import { parseBasisPoints, wholeNumber } from "../utils/form-types.ts";
import { appErrorResponse, failureResponse, parseForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: challengeStyles },
  { rel: "stylesheet", href: styles },
];

// The workspace of one deal for its buyer, seller, broker and zone officer: thread, terms,
// signatures, registration, escrow per instalment, delivery, commission, disputes.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const current = await requireUser(request, context);
  const detail = await domainCall(() => dealDetail({ db: db(context), actor: current.actor, dealId: params.id ?? "" }));
  const d = detail.deal;
  const orgIds = new Set(current.actor.memberships.map((m) => m.organisationId));
  const open = detail.commissions.find((c) => !c.withdrawnAt) ?? null;
  return {
    ...plain(detail),
    today: shanghaiInputValue(now(), true),
    userId: current.actor.userId,
    canSignCommission: !!open && !open.signedAt && orgIds.has(open.payerOrganisationId),
    terminal: d.status === "completed" || d.status === "cancelled",
  };
}

const id = z.string().min(1);
const text = (key: string) => z.string({ error: key });
const index = wholeNumber({ min: 0, max: 1000 });
const row = z.object({
  amount: z.string().optional(),
  dueDate: z.string().optional(),
  deliverable: z.string().optional(),
});
const rows = (count: number) =>
  z.object(Object.fromEntries(Array.from({ length: count }, (_, i) => [String(i), row.optional()])));
const schema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("message"), body: text("errors.transfer.messageRequired") }),
  z.object({
    intent: z.literal("terms"),
    terms: text("errors.transfer.termsRequired"),
    price: z.string().optional(),
    // conform nests `instalments.0.amount` into { instalments: { "0": { amount } } }.
    instalments: rows(INSTALMENT_ROWS).optional(),
  }),
  z.object({
    intent: z.literal("sign"),
    side: z.enum(["buyer", "seller"]),
    termsVersion: wholeNumber({ min: 0, max: 1_000_000 }),
  }),
  z.object({
    intent: z.literal("register"),
    registrationNumber: text("errors.transfer.registrationNumber"),
    registrationDate: text("errors.transfer.registrationDate"),
  }),
  z.object({ intent: z.literal("fund"), target: index }),
  z.object({ intent: z.literal("deliver"), target: index, note: text("errors.transfer.reasonRequired") }),
  z.object({ intent: z.literal("confirm"), target: index }),
  z.object({ intent: z.literal("dispute"), target: index, reason: text("errors.transfer.reasonRequired") }),
  z.object({
    intent: z.literal("commission"),
    payer: z.enum(["buyer", "seller"]),
    rate: z.string().optional(),
    fixed: z.string().optional(),
    terms: z.string().optional(),
  }),
  z.object({ intent: z.literal("signCommission"), target: id }),
  z.object({ intent: z.literal("cancel"), reason: text("errors.transfer.reasonRequired") }),
  z.object({
    intent: z.literal("arbitrate"),
    target: id,
    outcome: z.enum(["release", "partial_release", "refund"], { error: "form.required" }),
    amount: z.string().optional(),
    decision: text("errors.transfer.reasonRequired"),
  }),
]);

function field(key: string, name: string, params: Record<string, string | number> = {}): AppError {
  return new AppError("bad_request", key, { params, fieldErrors: { [name]: key } });
}

/** A rate typed as a percentage ("5" or "5.5" or "5 %") in basis points, below 100 %. */
function basisPoints(text: string): number {
  const bp = parseBasisPoints(text, 9_999);
  if (bp === undefined) throw field("errors.transfer.commissionAmount", "rate");
  return bp;
}

type Done = { ok: true; intent: string; target?: string; paid?: string; fee?: string; commission?: string };

export async function action({ request, context, params }: ActionFunctionArgs) {
  const current = await requireUser(request, context);
  const parsed = await parseForm(request, context, schema);
  if ("failure" in parsed) return parsed.failure;
  const v = parsed.value;
  const base = { db: db(context), actor: current.actor, dealId: params.id ?? "", now: now() };
  const done: Done = { ok: true, intent: v.intent };
  try {
    switch (v.intent) {
      case "message":
        await postMessage({ ...base, body: v.body });
        break;
      case "terms": {
        const instalments = [];
        for (let i = 0; i < INSTALMENT_ROWS; i++) {
          const row = v.instalments?.[String(i)] ?? {};
          const amount = (row.amount ?? "").trim();
          const due = (row.dueDate ?? "").trim();
          const deliverable = (row.deliverable ?? "").trim();
          if (!amount && !due && !deliverable) continue;
          const dueDate = shanghaiInstant(due, true);
          if (!dueDate) throw field("errors.transfer.instalmentDueDate", `instalments.${i}.dueDate`, { index: i + 1 });
          instalments.push({
            amountFen: parseMoney(amount, { field: `instalments.${i}.amount` }),
            dueDate,
            deliverable,
          });
        }
        await agreeTerms({
          ...base,
          input: { priceFen: parseMoney(v.price ?? "", { field: "price" }), terms: v.terms, instalments },
        });
        break;
      }
      case "sign":
        await signDeal({ ...base, side: v.side, termsVersion: v.termsVersion });
        break;
      case "register": {
        // A calendar day: its last instant (today: now), so a contract registered the day it was signed passes.
        const day = shanghaiInstant(v.registrationDate, true);
        if (!day) throw field("errors.transfer.registrationDate", "registrationDate");
        const registrationDate = day > base.now ? base.now : day;
        await recordRegistration({ ...base, registrationNumber: v.registrationNumber, registrationDate });
        break;
      }
      case "fund":
        await fundInstalment({ ...base, index: v.target });
        done.target = String(v.target);
        break;
      case "deliver":
        await deliverInstalment({ ...base, index: v.target, note: v.note });
        done.target = String(v.target);
        break;
      case "confirm": {
        const paid = await confirmInstalment({ ...base, index: v.target });
        Object.assign(done, {
          target: String(v.target),
          paid: paid.seller.toString(),
          fee: paid.fee.toString(),
          commission: paid.commission.toString(),
        });
        break;
      }
      case "dispute":
        await raiseDealDispute({ ...base, index: v.target, reason: v.reason });
        break;
      case "commission": {
        const rate = v.rate?.trim() ? basisPoints(v.rate) : null;
        const fixed = v.fixed?.trim() ? parseMoney(v.fixed, { field: "fixed" }) : null;
        await proposeCommission({ ...base, payer: v.payer, rateBasisPoints: rate, fixedFen: fixed, terms: v.terms });
        break;
      }
      case "signCommission":
        await signCommission({ db: base.db, actor: base.actor, commissionId: v.target, now: base.now });
        break;
      case "cancel":
        await cancelDeal({ ...base, reason: v.reason });
        break;
      case "arbitrate": {
        const releaseFen =
          v.outcome === "partial_release" ? parseMoney(v.amount ?? "", { field: "amount" }) : undefined;
        await arbitrateDealDispute({
          db: base.db,
          actor: base.actor,
          now: base.now,
          disputeId: v.target,
          outcome: v.outcome,
          releaseFen,
          decision: v.decision,
        });
        break;
      }
    }
  } catch (error) {
    // Not enough money to fund: say how much is needed and link to the wallet (as challenges do).
    if (isAppError(error) && error.messageKey === "errors.transfer.insufficientFunds") {
      return failureResponse(
        {
          ok: false,
          formError: {
            key: "deal.insufficientFunds",
            params: {
              required: formatYuan(BigInt(String(error.params.required ?? "0"))),
              available: formatYuan(BigInt(String(error.params.available ?? "0"))),
            },
          },
          fieldErrors: {},
          values: { ...parsed.values, insufficientFunds: "1" },
        },
        409,
      );
    }
    return appErrorResponse(error, parsed.values);
  }
  return done;
}

export default function DealWorkspace() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<FailureLike | Done>();
  const ok = result && "ok" in result && result.ok === true ? (result as Done) : undefined;
  const failure = ok ? undefined : (result as FailureLike | undefined);
  const t = useT();
  const d = data.deal;
  const side = data.side;
  const has = (tr: string) => data.transitions.includes(tr);
  const signed = d.status !== "inquiry" && d.status !== "negotiating" && d.status !== "terms_agreed";
  const open = data.commissions.find((c) => !c.withdrawnAt) ?? null;
  const f = (intent: string, target?: string) => failureOf(failure, intent, target);
  const fundFailure = f("fund");
  const openDisputes = data.disputes.filter((x) => !x.outcome);
  return (
    <>
      <p className="small">
        <Link to="/deals">← {t("deals.title")}</Link> ·{" "}
        <Link to={`/offers/${data.offer.id}`}>{t("deal.offerPage")}</Link>
      </p>
      <h1>{data.offer.title}</h1>
      <div className="meta">
        <DealStatusBadge status={d.status} />
        <span>
          {t(`transfer.mode.${d.mode}`)}
          {d.licenceKind ? ` · ${t(`transfer.licence.${d.licenceKind}`)}` : ""}
        </span>
        <span>
          {t("deal.mySide")}: {t(`transfer.party.${side}`)}
        </span>
        {d.relatedParty ? (
          <span className="badge related" data-testid="related-party">
            {t("transfer.relatedParty")}
          </span>
        ) : null}
      </div>
      {ok ? (
        <div className="alert success" role="status" data-testid="done">
          {ok.intent === "confirm"
            ? t("deal.done.confirm", {
                paid: formatYuan(BigInt(ok.paid ?? "0")),
                fee: formatYuan(BigInt(ok.fee ?? "0")),
                commission: formatYuan(BigInt(ok.commission ?? "0")),
              })
            : t(`deal.done.${ok.intent}`)}
        </div>
      ) : null}
      {failure && !failure.values?.intent ? <FormAlert failure={failure} /> : null}
      <div className="two-col mt">
        <section className="panel">
          <h2>{t("deal.parties")}</h2>
          <dl className="facts">
            <dt>{t("transfer.party.seller")}</dt>
            <dd>{data.seller.name}</dd>
            <dt>{t("transfer.party.buyer")}</dt>
            <dd>{data.buyer.name}</dd>
            <dt>{t("transfer.party.broker")}</dt>
            <dd>
              {data.broker
                ? `${data.broker.name}${data.broker.brokerProfile ? ` · ${t(`transfer.brokerLevel.${data.broker.brokerProfile.level}`)} · ${data.broker.brokerProfile.credentialNumber}` : ""}`
                : "—"}
            </dd>
            <dt>{t("deal.price")}</dt>
            <dd>{d.priceFen ? <Money value={d.priceFen} /> : "—"}</dd>
            <dt>{t("deal.termsVersion")}</dt>
            <dd>{d.termsVersion}</dd>
            <dt>{t("deal.signatures")}</dt>
            <dd>
              {t("transfer.party.buyer")}:{" "}
              {d.buyerSignedAt ? <DateTime value={d.buyerSignedAt} /> : t("deal.notSigned")}
              {" · "}
              {t("transfer.party.seller")}:{" "}
              {d.sellerSignedAt ? <DateTime value={d.sellerSignedAt} /> : t("deal.notSigned")}
            </dd>
            <dt>{t("deal.registrationNumber")}</dt>
            <dd data-testid="registration">
              {d.registrationNumber ? `${d.registrationNumber} · ${d.registrationDate?.slice(0, 10) ?? ""}` : "—"}
            </dd>
            {d.relatedParty ? (
              <>
                <dt>{t("transfer.relatedParty")}</dt>
                <dd>{t("deal.relatedPartyNote")}</dd>
              </>
            ) : null}
          </dl>
        </section>
        <section className="panel" data-testid="deal-money">
          <h2>{t("deal.money")}</h2>
          <dl className="facts">
            <dt>{t("deal.money.funded")}</dt>
            <dd>
              <Money value={data.money.funded} />
            </dd>
            <dt>{t("deal.money.held")}</dt>
            <dd>
              <Money value={data.money.held} />
            </dd>
            <dt>{t("deal.money.paidToSeller")}</dt>
            <dd data-testid="paid-to-seller">
              <Money value={data.money.paidToSeller} />
            </dd>
            <dt>{t("deal.money.commissions")}</dt>
            <dd data-testid="paid-commission">
              <Money value={data.money.commissions} />
            </dd>
            <dt>{t("deal.money.fees")}</dt>
            <dd>
              <Money value={data.money.fees} />
            </dd>
            <dt>{t("deal.money.refunded")}</dt>
            <dd>
              <Money value={data.money.refunded} />
            </dd>
          </dl>
        </section>
      </div>

      <section className="panel mt" aria-labelledby="thread-heading">
        <h2 id="thread-heading">{t("deal.thread")}</h2>
        <p className="muted small">{t("transfer.contactThroughPlatform")}</p>
        {data.messages.length === 0 ? (
          <p className="muted">{t("deal.noMessages")}</p>
        ) : (
          <ol className="thread" data-testid="thread">
            {data.messages.map((m) => (
              <li key={m.id}>
                <div className="who">
                  {t(`transfer.party.${m.party}`)} · {m.author.name} · <DateTime value={m.createdAt} />
                </div>
                <div className="pre-wrap">{m.body}</div>
              </li>
            ))}
          </ol>
        )}
        {!data.terminal && side !== "zone" ? (
          <Form method="post" className="stack mt">
            <CsrfInput />
            <input type="hidden" name="intent" value="message" />
            <FormAlert failure={f("message")} />
            <Control id="m-body" name="body" label={t("deal.message")} as="textarea" failure={f("message")} />
            <div className="actions">
              <button type="submit" className="button">
                {t("deal.send")}
              </button>
            </div>
          </Form>
        ) : null}
      </section>

      {d.terms ? (
        <section className="panel mt">
          <h2>{t("deal.terms")}</h2>
          <p className="pre-wrap" data-testid="terms">
            {d.terms}
          </p>
        </section>
      ) : null}

      {has("agreeTerms") ? (
        <section className="panel mt" aria-labelledby="terms-heading">
          <h2 id="terms-heading">{d.terms ? t("deal.reviseTerms") : t("deal.agreeTerms")}</h2>
          <p className="muted small">{t("deal.termsHint")}</p>
          <Form method="post" className="stack" data-testid="terms-form">
            <CsrfInput />
            <input type="hidden" name="intent" value="terms" />
            <FormAlert failure={f("terms")} />
            <Control
              id="t-price"
              name="price"
              label={t("deal.price")}
              hint={t("offerForm.priceHint")}
              failure={f("terms")}
              defaultValue={d.priceFen ? formatYuan(BigInt(d.priceFen)).replace(/[¥,]/g, "") : ""}
            />
            <Control
              id="t-terms"
              name="terms"
              label={t("deal.terms")}
              as="textarea"
              failure={f("terms")}
              defaultValue={d.terms ?? ""}
            />
            <div className="table-wrap">
              <table className="data rows-table">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">{t("deal.instalmentAmount")}</th>
                    <th scope="col">{t("deal.instalmentDue")}</th>
                    <th scope="col">{t("deal.deliverable")}</th>
                  </tr>
                </thead>
                <tbody>
                  {Array.from({ length: INSTALMENT_ROWS }, (_, i) => {
                    const m = data.instalments[i];
                    const fv = f("terms")?.values?.instalments as Record<string, unknown>[] | undefined;
                    const val = (k: string, fb: string) => {
                      const e = fv?.[i]?.[k];
                      return typeof e === "string" ? e : fb;
                    };
                    const err =
                      f("terms")?.fieldErrors?.[`instalments.${i}.amount`] ??
                      f("terms")?.fieldErrors?.[`instalments.${i}.dueDate`] ??
                      f("terms")?.fieldErrors?.[`instalments.${i}.deliverable`];
                    return (
                      <tr key={i}>
                        <td>{i + 1}</td>
                        <td>
                          <input
                            name={`instalments.${i}.amount`}
                            aria-label={`${t("deal.instalmentAmount")} ${i + 1}`}
                            defaultValue={val("amount", m ? formatYuan(BigInt(m.amountFen)).replace(/[¥,]/g, "") : "")}
                          />
                          {err ? <span className="error">{t(err, f("terms")?.fieldParams)}</span> : null}
                        </td>
                        <td>
                          <input
                            type="date"
                            name={`instalments.${i}.dueDate`}
                            aria-label={`${t("deal.instalmentDue")} ${i + 1}`}
                            defaultValue={val("dueDate", m ? m.dueDate.slice(0, 10) : "")}
                          />
                        </td>
                        <td>
                          <input
                            name={`instalments.${i}.deliverable`}
                            aria-label={`${t("deal.deliverable")} ${i + 1}`}
                            defaultValue={val("deliverable", m?.deliverable ?? "")}
                          />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            {f("terms")?.fieldErrors?.instalments ? (
              <span className="error">{t(f("terms")!.fieldErrors!.instalments!, f("terms")?.fieldParams)}</span>
            ) : null}
            <div className="actions">
              <button type="submit" className="button">
                {t("deal.saveTerms")}
              </button>
            </div>
          </Form>
        </section>
      ) : null}

      {data.broker || open ? (
        <section className="panel mt" aria-labelledby="commission-heading" data-testid="commission">
          <h2 id="commission-heading">{t("deal.commission")}</h2>
          {open ? (
            <p>
              {open.rateBasisPoints !== null
                ? t("deal.commissionRate", { rate: (open.rateBasisPoints / 100).toFixed(2) })
                : t("deal.commissionFixed", { amount: formatYuan(BigInt(open.fixedFen ?? "0")) })}{" "}
              · {t(`transfer.commissionPayer.${open.payer}`)} ·{" "}
              {open.signedAt ? (
                <>
                  {t("deal.commissionSigned")} <DateTime value={open.signedAt} />
                </>
              ) : (
                t("deal.commissionUnsigned")
              )}
            </p>
          ) : (
            <p className="muted">{t("deal.noCommission")}</p>
          )}
          {data.canSignCommission && open && !signed ? (
            <Form method="post">
              <CsrfInput />
              <input type="hidden" name="intent" value="signCommission" />
              <input type="hidden" name="target" value={open.id} />
              <FormAlert failure={f("signCommission")} />
              <button type="submit" className="button">
                {t("deal.signCommission")}
              </button>
            </Form>
          ) : null}
          {side === "broker" && !signed && !open?.signedAt ? (
            <Form method="post" className="form-grid">
              <CsrfInput />
              <input type="hidden" name="intent" value="commission" />
              <FormAlert failure={f("commission")} />
              <Control
                id="c-payer"
                name="payer"
                label={t("deal.commissionPayer")}
                as="select"
                failure={f("commission")}
                options={["seller", "buyer"].map((p) => ({ value: p, label: t(`transfer.commissionPayer.${p}`) }))}
              />
              <Control id="c-rate" name="rate" label={t("deal.commissionRateLabel")} failure={f("commission")} />
              <Control id="c-fixed" name="fixed" label={t("deal.commissionFixedLabel")} failure={f("commission")} />
              <Control id="c-terms" name="terms" label={t("deal.commissionTerms")} failure={f("commission")} />
              <div className="actions">
                <button type="submit" className="button">
                  {t("deal.proposeCommission")}
                </button>
              </div>
            </Form>
          ) : null}
        </section>
      ) : null}

      {has("sign:buyer") || has("sign:seller") ? (
        <section className="panel mt" aria-labelledby="sign-heading">
          <h2 id="sign-heading">{t("deal.sign")}</h2>
          <p className="muted small">{t("deal.signHint", { version: d.termsVersion })}</p>
          <FormAlert failure={f("sign")} />
          <div className="inline-actions">
            {(["buyer", "seller"] as const)
              .filter((s) => has(`sign:${s}`))
              .map((s) => (
                <Form method="post" key={s}>
                  <CsrfInput />
                  <input type="hidden" name="intent" value="sign" />
                  <input type="hidden" name="side" value={s} />
                  <input type="hidden" name="termsVersion" value={d.termsVersion} />
                  <button type="submit" className="button">
                    {t("deal.signAs", { side: t(`transfer.party.${s}`) })}
                  </button>
                </Form>
              ))}
          </div>
        </section>
      ) : null}

      {has("register") ? (
        <section className="panel mt" aria-labelledby="reg-heading">
          <h2 id="reg-heading">{t("deal.register")}</h2>
          <p className="muted small">{t("deal.registerHint")}</p>
          <Form method="post" className="form-grid">
            <CsrfInput />
            <input type="hidden" name="intent" value="register" />
            <FormAlert failure={f("register")} />
            <Control
              id="r-number"
              name="registrationNumber"
              label={t("deal.registrationNumber")}
              failure={f("register")}
            />
            <Control
              id="r-date"
              name="registrationDate"
              type="date"
              label={t("deal.registrationDate")}
              failure={f("register")}
              defaultValue={data.today}
            />
            <div className="actions">
              <button type="submit" className="button">
                {t("deal.recordRegistration")}
              </button>
            </div>
          </Form>
        </section>
      ) : null}

      {data.instalments.length > 0 ? (
        <section className="panel mt" aria-labelledby="inst-heading">
          <h2 id="inst-heading">{t("deal.instalments")}</h2>
          {fundFailure?.values?.insufficientFunds ? (
            <div className="alert error" role="alert" data-testid="insufficient-funds">
              {t(fundFailure.formError!.key, fundFailure.formError!.params)}{" "}
              <Link to="/wallet">{t("manage.goDeposit")}</Link>
            </div>
          ) : (
            <FormAlert failure={fundFailure} />
          )}
          <FormAlert failure={f("confirm")} />
          <ol className="challenge-list" data-testid="instalments">
            {data.instalments.map((m) => {
              const target = String(m.index);
              const payable = (d.status === "registered" || d.status === "in_progress") && m.status === "pending";
              const live = d.status === "in_progress";
              return (
                <li key={m.id} className="challenge-card" data-testid={`instalment-${m.index}`}>
                  <h3>
                    {t("deal.instalmentN", { n: m.index })} · <Money value={m.amountFen} />
                  </h3>
                  <div className="meta">
                    <InstalmentStatusBadge status={m.status} />
                    <span>
                      {t("deal.instalmentDue")}: {m.dueDate.slice(0, 10)}
                    </span>
                    <span>{m.deliverable}</span>
                  </div>
                  {m.deliveryNote ? (
                    <p className="small">
                      {t("deal.deliveryNote")}: {m.deliveryNote}
                    </p>
                  ) : null}
                  {m.paidToSellerFen ? (
                    <p className="small">
                      {t("deal.money.paidToSeller")}: <Money value={m.paidToSellerFen} /> · {t("deal.money.fees")}:{" "}
                      <Money value={m.feeFen ?? "0"} /> · {t("deal.money.commissions")}:{" "}
                      <Money value={m.commissionFen ?? "0"} />
                    </p>
                  ) : null}
                  <div className="inline-actions">
                    {side === "buyer" && payable ? (
                      <Form method="post">
                        <CsrfInput />
                        <input type="hidden" name="intent" value="fund" />
                        <input type="hidden" name="target" value={target} />
                        <button type="submit" className="button">
                          {t("deal.fund")}
                        </button>
                      </Form>
                    ) : null}
                    {side === "seller" && live && m.status === "funded" ? (
                      <Form method="post" className="inline-actions">
                        <CsrfInput />
                        <input type="hidden" name="intent" value="deliver" />
                        <input type="hidden" name="target" value={target} />
                        <FormAlert failure={f("deliver", target)} />
                        <Control
                          id={`d-note-${target}`}
                          name="note"
                          label={t("deal.deliveryNote")}
                          failure={f("deliver", target)}
                        />
                        <button type="submit" className="button">
                          {t("deal.deliver")}
                        </button>
                      </Form>
                    ) : null}
                    {side === "buyer" && live && m.status === "delivered" ? (
                      <Form method="post">
                        <CsrfInput />
                        <input type="hidden" name="intent" value="confirm" />
                        <input type="hidden" name="target" value={target} />
                        <button type="submit" className="button">
                          {t("deal.confirm")}
                        </button>
                      </Form>
                    ) : null}
                    {(side === "buyer" || side === "seller") &&
                    live &&
                    (m.status === "funded" || m.status === "delivered") ? (
                      <Form method="post" className="inline-actions">
                        <CsrfInput />
                        <input type="hidden" name="intent" value="dispute" />
                        <input type="hidden" name="target" value={target} />
                        <FormAlert failure={f("dispute", target)} />
                        <Control
                          id={`x-reason-${target}`}
                          name="reason"
                          label={t("deal.disputeReason")}
                          failure={f("dispute", target)}
                        />
                        <button type="submit" className="button secondary">
                          {t("deal.dispute")}
                        </button>
                      </Form>
                    ) : null}
                  </div>
                </li>
              );
            })}
          </ol>
        </section>
      ) : null}

      {data.disputes.length > 0 ? (
        <section className="panel mt" aria-labelledby="disputes-heading">
          <h2 id="disputes-heading">{t("deal.disputes")}</h2>
          <ul className="thread">
            {data.disputes.map((x) => (
              <li key={x.id}>
                <div className="who">
                  {t("deal.instalmentN", { n: x.instalmentIndex })} · <DateTime value={x.createdAt} />
                </div>
                <div className="pre-wrap">{x.reason}</div>
                {x.outcome ? (
                  <p className="small">
                    {t(`deal.outcome.${x.outcome}`)}
                    {x.releasedFen ? (
                      <>
                        {" "}
                        · <Money value={x.releasedFen} />
                      </>
                    ) : null}{" "}
                    · {x.decision}
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
          {data.isZone
            ? openDisputes.map((x) => (
                <Form method="post" className="form-grid mt" key={x.id} data-testid="arbitrate-form">
                  <CsrfInput />
                  <input type="hidden" name="intent" value="arbitrate" />
                  <input type="hidden" name="target" value={x.id} />
                  <FormAlert failure={f("arbitrate", x.id)} />
                  <Control
                    id={`a-outcome-${x.id}`}
                    name="outcome"
                    label={t("deal.outcome")}
                    as="select"
                    failure={f("arbitrate", x.id)}
                    options={["release", "partial_release", "refund"].map((o) => ({
                      value: o,
                      label: t(`deal.outcome.${o}`),
                    }))}
                  />
                  <Control
                    id={`a-amount-${x.id}`}
                    name="amount"
                    label={t("deal.releaseAmount")}
                    failure={f("arbitrate", x.id)}
                  />
                  <Control
                    id={`a-decision-${x.id}`}
                    name="decision"
                    label={t("deal.decision")}
                    failure={f("arbitrate", x.id)}
                  />
                  <div className="actions">
                    <button type="submit" className="button">
                      {t("deal.arbitrate")}
                    </button>
                  </div>
                </Form>
              ))
            : null}
        </section>
      ) : null}

      {has("cancel") ? (
        <section className="panel mt">
          <h2>{t("deal.cancel")}</h2>
          <Form method="post" className="inline-actions">
            <CsrfInput />
            <input type="hidden" name="intent" value="cancel" />
            <FormAlert failure={f("cancel")} />
            <Control id="k-reason" name="reason" label={t("deal.cancelReason")} failure={f("cancel")} />
            <button type="submit" className="button secondary">
              {t("deal.cancel")}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
