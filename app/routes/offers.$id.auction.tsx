import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { AppError, isAppError } from "#domain/errors.ts";
import { formatYuan } from "#domain/money/money.ts";
import {
  auctionView,
  cancelAuction,
  parseMoney,
  placeBid,
  registerForAuction,
  scheduleAuction,
} from "../domain.server.ts";
import { Control } from "../components/challenge.tsx";
import { CsrfInput } from "../components/csrf-input.tsx";
import { DateTime } from "../components/datetime.tsx";
import { FormAlert, type FailureLike } from "../components/form.tsx";
import { Money } from "../components/money.tsx";
import challengeStyles from "../styles/challenges.css";
import styles from "../styles/auctions.css";
import { getOptionalUser, requireUser } from "../utils/auth.server.ts";
import { db, plain, shanghaiInstant } from "../utils/challenges.server.ts";
import { now } from "../utils/clock.server.ts";
import { domainCall } from "../utils/domain.server.ts";
import { parseBasisPoints, parseWholeNumber } from "../utils/form-types.ts";
import { appErrorResponse, parseForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: challengeStyles },
  { rel: "stylesheet", href: styles },
];

const PLAN_ROWS = 3;

// @public Anyone may watch a public offer's auction (bidders stay masked); auctionView answers
// 404 for drafts and signed-in-only offers the viewer may not see. Acting needs a signed-in user.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const current = await getOptionalUser(request, context);
  const view = await domainCall(() =>
    auctionView({ db: db(context), actor: current?.actor ?? null, offerId: params.id ?? "" }),
  );
  const url = new URL(request.url);
  return {
    view: plain(view),
    signedIn: !!current,
    now: now().toISOString(),
    done: url.searchParams.get("done"),
  };
}

const schema = z.object({
  intent: z.enum(["schedule", "cancel", "register", "bid"]),
  organisationId: z.string().max(64).optional(),
  amount: z.string().max(32).optional(),
  seenHighest: z.string().max(32).optional(),
  reason: z.string().max(1000).optional(),
  reserve: z.string().max(32).optional(),
  minIncrement: z.string().max(32).optional(),
  deposit: z.string().max(32).optional(),
  startsAt: z.string().max(32).optional(),
  endsAt: z.string().max(32).optional(),
  windowMinutes: z.string().max(8).optional(),
  extensionMinutes: z.string().max(8).optional(),
  signWithinHours: z.string().max(8).optional(),
  mode: z.string().max(40).optional(),
  terms: z.string().max(20_000).optional(),
  // conform nests `plan.0.share` into { plan: { "0": { share } } } (flat keys never matched: rows were lost).
  plan: z
    .object(
      Object.fromEntries(
        Array.from({ length: PLAN_ROWS }, (_, i) => [
          String(i),
          z
            .object({
              share: z.string().max(8).optional(),
              days: z.string().max(8).optional(),
              deliverable: z.string().max(2000).optional(),
            })
            .optional(),
        ]),
      ),
    )
    .optional(),
});

const FEN_PARAMS = ["minimum", "highest", "required", "available"];

/** Amounts in the auction's messages are fen: show them as yuan. */
function yuanParams(error: unknown): unknown {
  if (!isAppError(error)) return error;
  for (const k of FEN_PARAMS) {
    const v = error.params[k];
    if (typeof v === "string" && /^\d+$/.test(v)) error.params[k] = formatYuan(BigInt(v));
  }
  return error;
}

function money(text: string | undefined, field: string): bigint {
  return parseMoney(String(text ?? "").trim(), { field });
}

function int(text: string | undefined): number {
  return parseWholeNumber(text ?? "", 0, 999_999) ?? Number.NaN;
}

function when(text: string | undefined, field: string): Date {
  const d = shanghaiInstant(String(text ?? ""));
  if (!d)
    throw new AppError("bad_request", `errors.auction.${field}`, {
      fieldErrors: { [field]: `errors.auction.${field}` },
      params: { min: 10, max: 60 },
    });
  return d;
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const current = await requireUser(request, context);
  const parsed = await parseForm(request, context, schema);
  if ("failure" in parsed) return parsed.failure;
  const { value, values } = parsed;
  const form = value as unknown as Record<string, string | undefined>;
  const offerId = params.id ?? "";
  const base = { db: db(context), actor: current.actor, now: now() };
  try {
    const view = await auctionView({ db: base.db, actor: current.actor, offerId });
    const auctionId = view.auction?.id ?? "";
    if (value.intent === "schedule") {
      const [mode, licence] = String(form.mode ?? "transfer").split(":");
      const plan = [];
      for (let i = 0; i < PLAN_ROWS; i++) {
        const row = value.plan?.[String(i)] ?? {};
        const share = (row.share ?? "").trim();
        const deliverable = (row.deliverable ?? "").trim();
        if (!share && !deliverable) continue;
        // Not a plain percentage or a whole number of days → NaN, which the domain refuses.
        plan.push({ shareBp: parseBasisPoints(share) ?? Number.NaN, dueDays: int(row.days), deliverable });
      }
      await scheduleAuction({
        ...base,
        offerId,
        input: {
          reserveFen: money(form.reserve, "reserve"),
          minIncrementFen: money(form.minIncrement, "minIncrement"),
          depositFen: money(form.deposit, "deposit"),
          startsAt: when(form.startsAt, "startsAt"),
          endsAt: when(form.endsAt, "endsAt"),
          extensionWindowSeconds: int(form.windowMinutes) * 60,
          extensionSeconds: int(form.extensionMinutes) * 60,
          signWithinHours: int(form.signWithinHours),
          mode: mode as "transfer",
          licenceKind: (licence as "exclusive" | undefined) ?? null,
          terms: form.terms ?? "",
          instalmentPlan: plan,
        },
      });
    } else if (value.intent === "cancel") {
      await cancelAuction({ ...base, auctionId, reason: form.reason ?? "" });
    } else if (value.intent === "register") {
      await registerForAuction({ ...base, auctionId, organisationId: form.organisationId ?? "" });
    } else {
      const seen = String(form.seenHighest ?? "");
      await placeBid({
        ...base,
        auctionId,
        organisationId: form.organisationId ?? "",
        amountFen: money(form.amount, "amount"),
        seenHighestFen: /^\d+$/.test(seen) ? BigInt(seen) : null,
      });
    }
  } catch (error) {
    return appErrorResponse(yuanParams(error), { ...values, intent: value.intent });
  }
  return redirect(`/offers/${offerId}/auction?done=${value.intent}`);
}

const DONE: Record<string, string> = {
  schedule: "auction.scheduled",
  cancel: "auction.cancelled",
  register: "auction.registeredOk",
  bid: "auction.bidPlaced",
};

export default function AuctionPage() {
  const { view, signedIn, done, now: serverNow } = useLoaderData<typeof loader>();
  const failure = useActionData<FailureLike>();
  const t = useT();
  const a = view.auction;
  const failed = (intent: string) => (failure?.values?.intent === intent ? failure : undefined);
  const registered = view.myOrganisations.filter((o) => o.deposit === "held");
  const unregistered = view.myOrganisations.filter((o) => o.deposit === null);
  const live = a && (a.status === "scheduled" || a.status === "open") && new Date(a.endsAt) > new Date(serverNow);
  const started = a && new Date(a.startsAt) <= new Date(serverNow);
  return (
    <>
      <p className="small">
        <Link to={`/offers/${view.offer.id}`}>← {t("auction.back")}</Link>
      </p>
      <h1>
        {t("auction.title")} · {view.offer.title}
      </h1>
      {done && DONE[done] ? (
        <div className="alert success" role="status">
          {t(DONE[done]!)}
        </div>
      ) : null}
      {!a ? (
        view.isSeller && view.offer.pricing === "auction" && view.offer.status === "published" ? (
          <ScheduleForm failure={failed("schedule")} modes={view.offer.dealModes} licences={view.offer.licenceKinds} />
        ) : (
          <div className="empty">
            {view.offer.pricing === "auction" ? t("auction.none") : t("auction.notAuctionPricing")}
          </div>
        )
      ) : (
        <div className="two-col">
          <div className="stack">
            <section className="panel auction-state" aria-labelledby="auction-state">
              <h2 id="auction-state">
                <span className={`badge auction-${a.status}`}>{t(`auction.status.${a.status}`)}</span>
              </h2>
              <div className="auction-figures">
                <div className="stat">
                  <span className="muted small">{t("auction.highest")}</span>
                  <strong>{view.highestFen ? <Money value={view.highestFen} /> : t("auction.noBids")}</strong>
                </div>
                {live ? (
                  <div className="stat">
                    <span className="muted small">{t("auction.minimumNext")}</span>
                    <strong>
                      <Money value={view.minimumNextFen ?? a.reserveFen} />
                    </strong>
                  </div>
                ) : null}
                <div className="stat">
                  <span className="muted small">{t("auction.bidders")}</span>
                  <strong>{view.bidderCount}</strong>
                </div>
              </div>
              {view.extended && a.originalEndsAt ? (
                <div className="alert info" role="note">
                  {t("auction.extendedNotice", { original: new Date(a.originalEndsAt).toLocaleString() })}
                </div>
              ) : null}
              <dl className="facts">
                <dt>{t("auction.reserve")}</dt>
                <dd>
                  <Money value={a.reserveFen} /> <span className="muted small">{t("auction.reserveNote")}</span>
                </dd>
                <dt>{t("auction.increment")}</dt>
                <dd>
                  <Money value={a.minIncrementFen} />
                </dd>
                <dt>{t("auction.depositAmount")}</dt>
                <dd>
                  <Money value={a.depositFen} />
                </dd>
                <dt>{t("auction.startsAt")}</dt>
                <dd>
                  <DateTime value={a.startsAt} />
                </dd>
                <dt>{t("auction.endsAt")}</dt>
                <dd>
                  <DateTime value={a.endsAt} />
                </dd>
                {a.signByAt ? (
                  <>
                    <dt>{t("auction.signBy")}</dt>
                    <dd>
                      <DateTime value={a.signByAt} />
                    </dd>
                  </>
                ) : null}
                <dt>{t("auction.mode")}</dt>
                <dd>
                  {t(`transfer.mode.${a.mode}`)}
                  {a.licenceKind ? ` · ${t(`transfer.licence.${a.licenceKind}`)}` : ""}
                </dd>
              </dl>
              <p className="muted small">
                {a.extensionWindowSeconds > 0
                  ? t("auction.extensionRule", {
                      window: a.extensionWindowSeconds / 60,
                      extension: a.extensionSeconds / 60,
                    })
                  : null}{" "}
                {t("auction.signRule", { hours: a.signWithinHours })}
              </p>
              {a.status === "cancelled" && a.statusReason === "seller_not_signed" ? (
                <p className="muted">{t("auction.reasonSellerNotSigned")}</p>
              ) : null}
            </section>
            <section className="panel auction-history" aria-labelledby="auction-history">
              <h2 id="auction-history">{t("auction.history")}</h2>
              {view.bids.length === 0 ? (
                <p className="muted">{t("auction.noBids")}</p>
              ) : (
                <div className="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{t("auction.bidder")}</th>
                        <th scope="col">{t("auction.amount")}</th>
                        <th scope="col">{t("auction.time")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {view.bids.map((b) => (
                        <tr key={`${b.amountFen}`} className={b.mine ? "auction-mine" : undefined}>
                          <td>
                            {t("auction.bidderLabel", { n: b.label })}
                            {b.mine ? t("auction.you") : ""}
                          </td>
                          <td>
                            <Money value={b.amountFen} />
                          </td>
                          <td>
                            <DateTime value={b.at} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
            <section className="panel" aria-labelledby="auction-terms">
              <h2 id="auction-terms">{t("auction.terms")}</h2>
              <p className="pre-wrap">{a.terms}</p>
              <h3>{t("auction.plan")}</h3>
              <ol>
                {a.instalmentPlan.map((r, i) => (
                  <li key={i}>
                    {t("auction.planRow", {
                      n: i + 1,
                      share: r.shareBp / 100,
                      days: r.dueDays,
                      deliverable: r.deliverable,
                    })}
                  </li>
                ))}
              </ol>
            </section>
          </div>
          <aside className="stack">
            {view.dealId ? (
              <section className="panel">
                {view.wonByMe ? <p>{t("auction.won")}</p> : null}
                <Link className="button" to={`/deals/${view.dealId}`}>
                  {t("auction.dealLink")}
                </Link>
              </section>
            ) : null}
            {view.isSeller ? (
              <section className="panel">
                <p className="muted">{t("auction.sellerView")}</p>
                {a.status === "scheduled" && !started ? (
                  <Form method="post" className="stack">
                    <CsrfInput />
                    <input type="hidden" name="intent" value="cancel" />
                    <FormAlert failure={failed("cancel")} />
                    <Control id="a-reason" name="reason" label={t("auction.cancelReason")} failure={failed("cancel")} />
                    <div>
                      <button type="submit" className="button secondary">
                        {t("auction.cancel")}
                      </button>
                    </div>
                  </Form>
                ) : null}
              </section>
            ) : live ? (
              !signedIn ? (
                <section className="panel">
                  <Link to={`/login?next=/offers/${view.offer.id}/auction`}>{t("auction.signInToBid")}</Link>
                </section>
              ) : view.myOrganisations.length === 0 ? (
                <section className="panel muted">{t("auction.noBidderOrg")}</section>
              ) : (
                <>
                  {registered.length > 0 && a.status !== "closed" ? (
                    <section className="panel" aria-labelledby="auction-bid">
                      <h2 id="auction-bid">{t("auction.placeBid")}</h2>
                      <Form method="post" className="stack" noValidate>
                        <CsrfInput />
                        <input type="hidden" name="intent" value="bid" />
                        <input type="hidden" name="seenHighest" value={view.highestFen ?? ""} />
                        <FormAlert failure={failed("bid")} />
                        <Control
                          id="a-bid-org"
                          name="organisationId"
                          as="select"
                          label={t("auction.organisation")}
                          options={registered.map((o) => ({ value: o.id, label: o.name }))}
                          failure={failed("bid")}
                        />
                        <Control
                          id="a-amount"
                          name="amount"
                          label={t("auction.bidAmount")}
                          defaultValue={(Number(view.minimumNextFen ?? a.reserveFen) / 100).toFixed(2)}
                          failure={failed("bid")}
                          required
                        />
                        <div>
                          <button type="submit" className="button" disabled={!started}>
                            {t("auction.placeBid")}
                          </button>
                        </div>
                      </Form>
                    </section>
                  ) : null}
                  {unregistered.length > 0 ? (
                    <section className="panel" aria-labelledby="auction-register">
                      <h2 id="auction-register">{t("auction.register")}</h2>
                      <p className="muted small">{t("auction.registerHint")}</p>
                      <Form method="post" className="stack">
                        <CsrfInput />
                        <input type="hidden" name="intent" value="register" />
                        <FormAlert failure={failed("register")} />
                        {failed("register")?.formError?.key === "errors.auction.insufficientDeposit" ? (
                          <p>
                            <Link to="/wallet">{t("auction.topUp")}</Link>
                          </p>
                        ) : null}
                        <Control
                          id="a-reg-org"
                          name="organisationId"
                          as="select"
                          label={t("auction.organisation")}
                          options={unregistered.map((o) => ({
                            value: o.id,
                            label: `${o.name} · ${t("auction.available", { amount: formatYuan(BigInt(o.availableFen)) })}`,
                          }))}
                          failure={failed("register")}
                        />
                        <div>
                          <button type="submit" className="button">
                            {t("auction.register")} · <Money value={a.depositFen} wan={false} />
                          </button>
                        </div>
                      </Form>
                    </section>
                  ) : null}
                </>
              )
            ) : null}
            {view.myOrganisations
              .filter((o) => o.deposit)
              .map((o) => (
                <p key={o.id} className="small muted">
                  {o.name}: {t(`auction.deposit.${o.deposit}`)}
                </p>
              ))}
          </aside>
        </div>
      )}
    </>
  );
}

function ScheduleForm({
  failure,
  modes,
  licences,
}: {
  failure: FailureLike | undefined;
  modes: string[];
  licences: string[];
}) {
  const t = useT();
  const options = modes.flatMap((m) =>
    m === "licence"
      ? licences.map((l) => ({
          value: `licence:${l}`,
          label: `${t("transfer.mode.licence")} · ${t(`transfer.licence.${l}`)}`,
        }))
      : [{ value: m, label: t(`transfer.mode.${m}`) }],
  );
  return (
    <section className="panel" aria-labelledby="auction-schedule">
      <h2 id="auction-schedule">{t("auction.schedule")}</h2>
      <Form method="post" className="stack" noValidate>
        <CsrfInput />
        <input type="hidden" name="intent" value="schedule" />
        <FormAlert failure={failure} />
        <div className="row-grid">
          <Control id="s-reserve" name="reserve" label={t("auction.reserveYuan")} failure={failure} required />
          <Control id="s-inc" name="minIncrement" label={t("auction.incrementYuan")} failure={failure} required />
          <Control id="s-deposit" name="deposit" label={t("auction.depositYuan")} failure={failure} required />
        </div>
        <div className="row-grid">
          <Control id="s-start" name="startsAt" type="datetime-local" label={t("auction.startsAt")} failure={failure} />
          <Control id="s-end" name="endsAt" type="datetime-local" label={t("auction.endsAt")} failure={failure} />
        </div>
        <div className="row-grid">
          <Control
            id="s-window"
            name="windowMinutes"
            type="number"
            label={t("auction.windowMinutes")}
            defaultValue="5"
            failure={failure}
          />
          <Control
            id="s-ext"
            name="extensionMinutes"
            type="number"
            label={t("auction.extensionMinutes")}
            defaultValue="5"
            failure={failure}
          />
          <Control
            id="s-sign"
            name="signWithinHours"
            type="number"
            label={t("auction.signWithinHours")}
            defaultValue="72"
            failure={failure}
          />
        </div>
        <Control id="s-mode" name="mode" as="select" label={t("auction.mode")} options={options} failure={failure} />
        <Control id="s-terms" name="terms" as="textarea" label={t("auction.terms")} failure={failure} required />
        <fieldset className="milestone-rows">
          <legend>{t("auction.plan")}</legend>
          <p className="muted small">{t("auction.planHint")}</p>
          {failure?.fieldErrors?.plan ? (
            <p className="error">{t(failure.fieldErrors.plan, failure.fieldParams)}</p>
          ) : null}
          {Array.from({ length: PLAN_ROWS }, (_, i) => (
            <div className="row-grid" key={i}>
              <Control
                id={`s-p${i}-share`}
                name={`plan.${i}.share`}
                label={t("auction.sharePercent")}
                failure={failure}
              />
              <Control
                id={`s-p${i}-days`}
                name={`plan.${i}.days`}
                type="number"
                label={t("auction.dueDays")}
                defaultValue={i === 0 ? "0" : ""}
                failure={failure}
              />
              <Control
                id={`s-p${i}-deliverable`}
                name={`plan.${i}.deliverable`}
                label={t("auction.deliverable")}
                failure={failure}
              />
            </div>
          ))}
        </fieldset>
        <div>
          <button type="submit" className="button">
            {t("auction.schedule")}
          </button>
        </div>
      </Form>
    </section>
  );
}
