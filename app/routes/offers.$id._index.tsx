import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { formatWanYuan } from "#domain/money/money.ts";
import { inquire, offerDetail } from "../domain.server.ts";
import { Control } from "../components/challenge.tsx";
import { CsrfInput } from "../components/csrf-input.tsx";
import { DateTime } from "../components/datetime.tsx";
import { FormAlert, type FailureLike } from "../components/form.tsx";
import { Money } from "../components/money.tsx";
import { OfferStatusBadge } from "../components/transfer.tsx";
import challengeStyles from "../styles/challenges.css";
import styles from "../styles/transfer.css";
import { getOptionalUser, requireUser } from "../utils/auth.server.ts";
import { db, plain } from "../utils/challenges.server.ts";
import { domainCall } from "../utils/domain.server.ts";
import { appErrorResponse, parseForm } from "../utils/forms.server.ts";
import { buyerOrganisations } from "../utils/transfer.server.ts";
import { useLocale, useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: challengeStyles },
  { rel: "stylesheet", href: styles },
];

// @public A published offer is public (policy clause 五); offerDetail hides drafts and off-market
// offers from everyone but the owner, and signed-in-only offers from visitors. No contact details.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const current = await getOptionalUser(request, context);
  const detail = await domainCall(() =>
    offerDetail({ db: db(context), actor: current?.actor ?? null, offerId: params.id ?? "" }),
  );
  const buyers = current ? buyerOrganisations(current) : [];
  return {
    ...plain(detail),
    buyers,
    signedIn: !!current,
  };
}

const schema = z.object({
  intent: z.literal("inquire"),
  organisationId: z.string({ error: "errors.transfer.buyerOrganisationRequired" }),
  mode: z.enum(["transfer", "licence", "equity", "joint_development"], { error: "errors.transfer.modeNotOffered" }),
  licenceKind: z.enum(["exclusive", "sole", "ordinary"]).optional(),
  message: z.string({ error: "errors.transfer.messageRequired" }),
});

export async function action({ request, context, params }: ActionFunctionArgs) {
  const current = await requireUser(request, context);
  const parsed = await parseForm(request, context, schema);
  if ("failure" in parsed) return parsed.failure;
  const v = parsed.value;
  try {
    const deal = await inquire({
      db: db(context),
      actor: current.actor,
      offerId: params.id ?? "",
      buyerOrganisationId: v.organisationId,
      mode: v.mode,
      licenceKind: v.mode === "licence" ? (v.licenceKind ?? null) : null,
      message: v.message,
    });
    return redirect(`/deals/${deal.id}`);
  } catch (error) {
    return appErrorResponse(error, parsed.values);
  }
}

export default function OfferDetail() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<FailureLike>();
  const t = useT();
  const locale = useLocale();
  const o = data.offer;
  const a = data.auction;
  return (
    <>
      <p className="small">
        <Link to="/offers">← {t("offers.title")}</Link>
      </p>
      <h1>{o.title}</h1>
      <div className="meta">
        <OfferStatusBadge status={o.status} />
        <span>{o.ownerOrganisation.name}</span>
        <span>{locale === "en" ? o.zone.nameEn : o.zone.nameZh}</span>
        {o.publishedAt ? (
          <span>
            {t("offer.publishedAt")}: <DateTime value={o.publishedAt} />
          </span>
        ) : null}
      </div>
      {data.isOwner ? (
        <div className="actions mt">
          <Link to={`/offers/${o.id}/edit`} className="button secondary">
            {t("offer.manage")}
          </Link>
        </div>
      ) : null}
      <div className="two-col mt">
        <section className="panel">
          <h2>{t("offer.summary")}</h2>
          <p className="pre-wrap">{o.summary}</p>
          <h2>{t("offer.rights")}</h2>
          {o.rights.length === 0 ? (
            <p className="muted">{t("offer.noRights")}</p>
          ) : (
            <div className="table-wrap">
              <table className="data" data-testid="rights">
                <thead>
                  <tr>
                    <th scope="col">{t("offer.rightKind")}</th>
                    <th scope="col">{t("offer.rightNumber")}</th>
                    <th scope="col">{t("offer.rightTitle")}</th>
                    <th scope="col">{t("offer.rightStatus")}</th>
                    <th scope="col">{t("offer.rightExpires")}</th>
                  </tr>
                </thead>
                <tbody>
                  {o.rights.map((r) => (
                    <tr key={r.position}>
                      <td>{t(`transfer.rightKind.${r.kind}`)}</td>
                      <td>{r.number || "—"}</td>
                      <td>{r.title ?? "—"}</td>
                      <td>{t(`transfer.rightStatus.${r.legalStatus}`)}</td>
                      <td>{r.expiresOn ? r.expiresOn.slice(0, 10) : "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <aside className="stack">
          <section className="panel">
            <dl className="facts">
              <dt>{t("offer.trl")}</dt>
              <dd>{o.trl} / 9</dd>
              <dt>{t("challenges.industry")}</dt>
              <dd>{t(`challenge.industry.${o.industry}`)}</dd>
              <dt>{t("offers.field")}</dt>
              <dd>{o.fieldTags.join(" · ") || "—"}</dd>
              <dt>{t("offers.mode")}</dt>
              <dd>
                {o.dealModes.map((m) => t(`transfer.mode.${m}`)).join(" · ")}
                {o.licenceKinds.length > 0
                  ? ` (${o.licenceKinds.map((k) => t(`transfer.licence.${k}`)).join("、")})`
                  : ""}
              </dd>
              <dt>{t("offers.pricing")}</dt>
              <dd>{t(`transfer.pricing.${o.pricing}`)}</dd>
              {o.priceFen ? (
                <>
                  <dt>{t("offer.price")}</dt>
                  <dd data-testid="offer-price">
                    <Money value={o.priceFen} wan={false} /> · {formatWanYuan(BigInt(o.priceFen))}
                  </dd>
                </>
              ) : null}
              <dt>{t("offer.visibility")}</dt>
              <dd>{t(`transfer.visibility.${o.visibility}`)}</dd>
              {o.expiresAt ? (
                <>
                  <dt>{t("offer.expiresAt")}</dt>
                  <dd>
                    <DateTime value={o.expiresAt} />
                  </dd>
                </>
              ) : null}
            </dl>
          </section>
          {a ? (
            <section className="panel" data-testid="auction">
              <h2>{t("offer.auction")}</h2>
              <dl className="facts">
                <dt>{t("offer.auctionStatus")}</dt>
                <dd>{t(`offer.auctionStatus.${a.status}`)}</dd>
                <dt>{t("offer.auctionReserve")}</dt>
                <dd>
                  <Money value={a.reserveFen} />
                </dd>
                <dt>{t("offer.auctionEnds")}</dt>
                <dd>
                  <DateTime value={a.endsAt} />
                </dd>
              </dl>
              <Link to={`/offers/${o.id}/auction`} className="button">
                {t("offer.auctionOpen")}
              </Link>
            </section>
          ) : null}
          <section className="panel" aria-labelledby="contact-heading">
            <h2 id="contact-heading">{t("offer.contact")}</h2>
            <p className="muted">{t("transfer.contactThroughPlatform")}</p>
            {data.myDeal ? (
              <p>
                <Link to={`/deals/${data.myDeal.id}`} className="button">
                  {t("offer.continueDeal")}
                </Link>
              </p>
            ) : data.canInquire && data.buyers.length > 0 ? (
              <Form method="post" className="stack" data-testid="inquiry-form">
                <CsrfInput />
                <input type="hidden" name="intent" value="inquire" />
                <FormAlert failure={failure} />
                <Control
                  id="i-org"
                  name="organisationId"
                  label={t("offer.buyerOrganisation")}
                  as="select"
                  failure={failure}
                  options={data.buyers.map((b) => ({ value: b.id, label: b.name }))}
                />
                <Control
                  id="i-mode"
                  name="mode"
                  label={t("offers.mode")}
                  as="select"
                  failure={failure}
                  options={o.dealModes.map((m) => ({ value: m, label: t(`transfer.mode.${m}`) }))}
                />
                {o.licenceKinds.length > 0 ? (
                  <Control
                    id="i-licence"
                    name="licenceKind"
                    label={t("offer.licenceKind")}
                    as="select"
                    failure={failure}
                    options={o.licenceKinds.map((k) => ({ value: k, label: t(`transfer.licence.${k}`) }))}
                  />
                ) : null}
                <Control
                  id="i-message"
                  name="message"
                  label={t("offer.inquiryMessage")}
                  hint={t("offer.inquiryHint")}
                  as="textarea"
                  failure={failure}
                />
                <div className="actions">
                  <button type="submit" className="button">
                    {t("offer.inquire")}
                  </button>
                </div>
              </Form>
            ) : !data.signedIn ? (
              <p>
                <Link to={`/login?next=/offers/${o.id}`} className="button">
                  {t("offer.loginToInquire")}
                </Link>
              </p>
            ) : data.isOwner ? null : o.pricing === "auction" ? null : (
              <p className="muted small">{t("offer.enterprisesOnly")}</p>
            )}
          </section>
        </aside>
      </div>
    </>
  );
}
