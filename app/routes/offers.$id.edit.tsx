import { AppError } from "#domain/errors.ts";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { offerDetail, publishOffer, updateOffer, withdrawOffer } from "../domain.server.ts";
import { Control, failureOf } from "../components/challenge.tsx";
import { CsrfInput } from "../components/csrf-input.tsx";
import { FormAlert, type FailureLike } from "../components/form.tsx";
import { OfferForm, type OfferFormDefaults } from "../components/offer-form.tsx";
import { OfferStatusBadge } from "../components/transfer.tsx";
import challengeStyles from "../styles/challenges.css";
import styles from "../styles/transfer.css";
import { requireUser } from "../utils/auth.server.ts";
import { db, plain, shanghaiInputValue } from "../utils/challenges.server.ts";
import { now } from "../utils/clock.server.ts";
import { readFormOnce } from "../utils/forms.server.ts";
import { domainCall } from "../utils/domain.server.ts";
import { OFFER_LIST_FIELDS, offerFormInput, transferFailure } from "../utils/transfer.server.ts";
import { useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: challengeStyles },
  { rel: "stylesheet", href: styles },
];

function yuanText(fen: bigint | null): string {
  if (fen === null) return "";
  const yuan = fen / 100n;
  const rest = fen % 100n;
  return rest === 0n ? yuan.toString() : `${yuan}.${rest.toString().padStart(2, "0")}`;
}

// The owner's page of one offer: edit while draft or published, publish, withdraw.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const current = await requireUser(request, context);
  const detail = await domainCall(() =>
    offerDetail({ db: db(context), actor: current.actor, offerId: params.id ?? "" }),
  );
  if (!detail.isOwner) throw Response.json({ permission: "publish:offer:own" }, { status: 403 });
  const o = detail.offer;
  const defaults: OfferFormDefaults = {
    title: o.title,
    summary: o.summary,
    trl: String(o.trl),
    industry: o.industry,
    fieldTags: o.fieldTags.join("，"),
    dealModes: o.dealModes,
    licenceKinds: o.licenceKinds,
    pricing: o.pricing,
    price: yuanText(o.priceFen),
    visibility: o.visibility,
    expiresAt: o.expiresAt ? shanghaiInputValue(o.expiresAt, true) : "",
    rights: o.rights.map((r) => ({
      kind: r.kind,
      number: r.number,
      title: r.title ?? "",
      legalStatus: r.legalStatus,
      expiresOn: r.expiresOn ? shanghaiInputValue(r.expiresOn, true) : "",
    })),
  };
  return { offer: plain(o), defaults };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const current = await requireUser(request, context);
  const form = await readFormOnce(request, context, { lists: OFFER_LIST_FIELDS });
  const base = { db: db(context), actor: current.actor, offerId: params.id ?? "" };
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent === "publish") await publishOffer({ ...base, now: now() });
    else if (intent === "withdraw")
      await withdrawOffer({ ...base, reason: String(form.get("reason") ?? ""), now: now() });
    else if (intent === "save" || intent === "") await updateOffer({ ...base, input: offerFormInput(form) });
    else throw new AppError("bad_request", "errors.form.unknownIntent");
    return { ok: true as const, intent };
  } catch (error) {
    return transferFailure(error, form);
  }
}

export default function EditOffer() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<FailureLike | { ok: true; intent: string }>();
  const ok = result && "ok" in result && result.ok === true ? (result as { intent: string }) : undefined;
  const failure = ok ? undefined : (result as FailureLike | undefined);
  const [params] = useSearchParams();
  const t = useT();
  const o = data.offer;
  const editable = o.status === "draft" || o.status === "published";
  const withdrawable = ["draft", "published", "under_negotiation"].includes(o.status);
  return (
    <>
      <p className="small">
        <Link to={`/offers/${o.id}`}>← {t("offer.publicPage")}</Link> ·{" "}
        <Link to="/offers/mine">{t("offers.mine")}</Link>
      </p>
      <h1>{o.title}</h1>
      <div className="meta">
        <OfferStatusBadge status={o.status} />
        <span>{o.ownerOrganisation.name}</span>
      </div>
      {params.get("created") && !result ? (
        <div className="alert success" role="status">
          {t("offerForm.created")}
        </div>
      ) : null}
      {ok ? (
        <div className="alert success" role="status">
          {t(`offerForm.done.${ok.intent === "publish" || ok.intent === "withdraw" ? ok.intent : "save"}`)}
        </div>
      ) : null}
      <section className="panel mt">
        <h2>{t("offerForm.lifecycle")}</h2>
        <div className="inline-actions">
          {o.status === "draft" ? (
            <Form method="post">
              <CsrfInput />
              <input type="hidden" name="intent" value="publish" />
              <FormAlert failure={failureOf(failure, "publish")} />
              <button type="submit" className="button">
                {t("offerForm.publish")}
              </button>
            </Form>
          ) : null}
          {withdrawable ? (
            <Form method="post" className="inline-actions">
              <CsrfInput />
              <input type="hidden" name="intent" value="withdraw" />
              <FormAlert failure={failureOf(failure, "withdraw")} />
              <Control
                id="w-reason"
                name="reason"
                label={t("offerForm.withdrawReason")}
                failure={failureOf(failure, "withdraw")}
              />
              <button type="submit" className="button secondary">
                {t("offerForm.withdraw")}
              </button>
            </Form>
          ) : null}
          {!editable && !withdrawable ? <p className="muted">{t("offerForm.closed")}</p> : null}
        </div>
      </section>
      {editable ? (
        <section className="panel mt">
          <h2>{t("offerForm.editTitle")}</h2>
          <OfferForm defaults={data.defaults} failure={failureOf(failure, "save")} submitLabel={t("offerForm.save")} />
        </section>
      ) : (
        <p className="muted mt">{t("errors.transfer.notEditable")}</p>
      )}
    </>
  );
}
