import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { addresses } from "#domain/ledger/addresses.ts";
import { brokerDashboard, getBalance, introduce, listOffers } from "../domain.server.ts";
import { Control } from "../components/challenge.tsx";
import { CsrfInput } from "../components/csrf-input.tsx";
import { DateTime } from "../components/datetime.tsx";
import { FormAlert, type FailureLike } from "../components/form.tsx";
import { Money } from "../components/money.tsx";
import { DealStatusBadge, OfferStatusBadge } from "../components/transfer.tsx";
import challengeStyles from "../styles/challenges.css";
import styles from "../styles/transfer.css";
import { requirePermission } from "../utils/auth.server.ts";
import { db, plain } from "../utils/challenges.server.ts";
import { now } from "../utils/clock.server.ts";
import { appErrorResponse, parseForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: challengeStyles },
  { rel: "stylesheet", href: styles },
];

// The broker's dashboard (技术经理人): pipeline, commissions, introductions, matched offers.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await requirePermission(request, context, "broker:deal:any");
  const d = db(context);
  const [dash, market, enterprises, wallet] = await Promise.all([
    brokerDashboard({ db: d, actor: current.actor }),
    listOffers({ db: d, actor: current.actor, filters: {}, pageSize: 100 }),
    d.organisation.findMany({
      where: { type: "enterprise" },
      select: { id: true, name: true },
      orderBy: { name: "asc" },
      take: 500,
    }),
    // The broker's own wallet, where commissions are paid (user:<id>:wallet in the ledger).
    getBalance({ db: d, address: addresses.userWallet(current.actor.userId) }),
  ]);
  return {
    ...plain(dash),
    offers: market.offers.filter((o) => o.pricing !== "auction").map((o) => ({ id: o.id, title: o.title })),
    enterprises,
    walletFen: (wallet?.posted ?? 0n).toString(),
  };
}

const schema = z.object({
  intent: z.literal("introduce"),
  offerId: z.string({ error: "form.required" }),
  buyerOrganisationId: z.string({ error: "errors.transfer.buyerOrganisationRequired" }),
  note: z.string().optional(),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const current = await requirePermission(request, context, "broker:deal:any");
  const parsed = await parseForm(request, context, schema);
  if ("failure" in parsed) return parsed.failure;
  try {
    await introduce({ db: db(context), actor: current.actor, ...parsed.value, now: now() });
    return { ok: true as const };
  } catch (error) {
    return appErrorResponse(error, parsed.values);
  }
}

export default function BrokerDashboard() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<FailureLike | { ok: true }>();
  const ok = result && "ok" in result && result.ok === true;
  const failure = ok ? undefined : (result as FailureLike | undefined);
  const t = useT();
  return (
    <>
      <h1>{t("broker.title")}</h1>
      {data.profile ? (
        <p className="muted">
          {t(`transfer.brokerLevel.${data.profile.level}`)} · {t("broker.credential")} {data.profile.credentialNumber} ·{" "}
          {data.profile.fields.join(" · ")} · <Link to="/broker/profile">{t("broker.editProfile")}</Link>
        </p>
      ) : (
        <div className="alert" role="status">
          {t("errors.transfer.brokerProfileRequired")} <Link to="/broker/profile">{t("broker.editProfile")}</Link>
        </div>
      )}
      <section className="panel mt" aria-labelledby="record-heading">
        <h2 id="record-heading">{t("broker.record")}</h2>
        <dl className="facts">
          <dt>{t("broker.commissionEarned")}</dt>
          <dd data-testid="commission-earned">
            <Money value={data.commissionEarnedFen} />
          </dd>
          <dt>{t("broker.wallet")}</dt>
          <dd data-testid="broker-wallet">
            <Money value={data.walletFen} />
          </dd>
          <dt>{t("broker.completedDeals")}</dt>
          <dd>{data.record.completedDeals}</dd>
          <dt>{t("broker.completedValue")}</dt>
          <dd>
            <Money value={data.record.completedValueFen} />
          </dd>
          <dt>{t("broker.clients")}</dt>
          <dd>{data.clientIds.length}</dd>
        </dl>
      </section>
      <section className="panel mt" aria-labelledby="pipeline-heading">
        <h2 id="pipeline-heading">{t("broker.pipeline")}</h2>
        <ul className="pipeline" data-testid="pipeline">
          {data.pipeline.map((p) => (
            <li key={p.status}>
              <span className="count">{p.count}</span>
              <DealStatusBadge status={p.status} />
              {p.count > 0 ? (
                <div className="small">
                  <Money value={p.valueFen} wan={false} />
                </div>
              ) : null}
            </li>
          ))}
        </ul>
        {data.deals.length > 0 ? (
          <div className="table-wrap mt">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">{t("deal.offer")}</th>
                  <th scope="col">{t("transfer.party.buyer")}</th>
                  <th scope="col">{t("transfer.party.seller")}</th>
                  <th scope="col">{t("challenges.status")}</th>
                  <th scope="col">{t("deal.price")}</th>
                </tr>
              </thead>
              <tbody>
                {data.deals.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <Link to={`/deals/${d.id}`}>{d.offer.title}</Link>
                    </td>
                    <td>{d.buyerOrganisation.name}</td>
                    <td>{d.sellerOrganisation.name}</td>
                    <td>
                      <DealStatusBadge status={d.status} />
                    </td>
                    <td>{d.priceFen ? <Money value={d.priceFen} /> : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
      <section className="panel mt" aria-labelledby="introduce-heading">
        <h2 id="introduce-heading">{t("broker.introduce")}</h2>
        <p className="muted small">{t("broker.introduceHint")}</p>
        {ok ? (
          <div className="alert success" role="status">
            {t("broker.introduced")}
          </div>
        ) : null}
        <Form method="post" className="form-grid" data-testid="introduce-form">
          <CsrfInput />
          <input type="hidden" name="intent" value="introduce" />
          <FormAlert failure={failure} />
          <Control
            id="n-offer"
            name="offerId"
            label={t("deal.offer")}
            as="select"
            failure={failure}
            options={data.offers.map((o) => ({ value: o.id, label: o.title }))}
          />
          <Control
            id="n-buyer"
            name="buyerOrganisationId"
            label={t("transfer.party.buyer")}
            as="select"
            failure={failure}
            options={data.enterprises.map((o) => ({ value: o.id, label: o.name }))}
          />
          <Control id="n-note" name="note" label={t("broker.note")} failure={failure} />
          <div className="actions">
            <button type="submit" className="button">
              {t("broker.introduceSubmit")}
            </button>
          </div>
        </Form>
      </section>
      <section className="panel mt" aria-labelledby="intro-heading">
        <h2 id="intro-heading">{t("broker.introductions")}</h2>
        {data.introductions.length === 0 ? (
          <p className="muted">{t("broker.noIntroductions")}</p>
        ) : (
          <div className="table-wrap">
            <table className="data" data-testid="introductions">
              <thead>
                <tr>
                  <th scope="col">{t("deal.offer")}</th>
                  <th scope="col">{t("transfer.party.buyer")}</th>
                  <th scope="col">{t("broker.introducedAt")}</th>
                  <th scope="col">{t("broker.deal")}</th>
                </tr>
              </thead>
              <tbody>
                {data.introductions.map((i) => (
                  <tr key={i.id}>
                    <td>
                      <Link to={`/offers/${i.offer.id}`}>{i.offer.title}</Link>{" "}
                      <OfferStatusBadge status={i.offer.status} />
                    </td>
                    <td>{i.buyerOrganisation.name}</td>
                    <td>
                      <DateTime value={i.createdAt} />
                    </td>
                    <td>
                      {i.deals.length === 0
                        ? "—"
                        : i.deals.map((d) => (
                            <Link key={d.id} to={`/deals/${d.id}`}>
                              {t(`transfer.dealStatus.${d.status}`)}
                            </Link>
                          ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="panel mt" aria-labelledby="match-heading">
        <h2 id="match-heading">{t("broker.matches")}</h2>
        <p className="muted small">{t("broker.matchesHint")}</p>
        {data.matches.length === 0 ? (
          <p className="muted">{t("broker.noMatches")}</p>
        ) : (
          <ul className="challenge-list">
            {data.matches.map((m) => (
              <li key={m.id} className="challenge-card">
                <h3>
                  <Link to={`/offers/${m.id}`}>{m.title}</Link>
                </h3>
                <div className="meta">
                  <span>{m.ownerOrganisation.name}</span>
                  <span>{t(`challenge.industry.${m.industry}`)}</span>
                  <span>{m.fieldTags.join(" · ")}</span>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
