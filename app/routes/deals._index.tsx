import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { myDeals } from "../domain.server.ts";
import { Money } from "../components/money.tsx";
import { DealStatusBadge } from "../components/transfer.tsx";
import challengeStyles from "../styles/challenges.css";
import styles from "../styles/transfer.css";
import { requireUser } from "../utils/auth.server.ts";
import { db, plain } from "../utils/challenges.server.ts";
import { useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: challengeStyles },
  { rel: "stylesheet", href: styles },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await requireUser(request, context);
  const deals = await myDeals({ db: db(context), actor: current.actor });
  const orgIds = new Set(current.actor.memberships.map((m) => m.organisationId));
  return {
    deals: plain(deals).map((d) => ({
      ...d,
      side: orgIds.has(d.buyerOrganisationId) ? "buyer" : orgIds.has(d.sellerOrganisationId) ? "seller" : "broker",
    })),
  };
}

export default function Deals() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <h1>{t("deals.title")}</h1>
      <p className="muted">{t("deals.lead")}</p>
      <div className="actions">
        <Link to="/offers" className="button secondary">
          {t("offers.title")}
        </Link>
      </div>
      {data.deals.length === 0 ? (
        <div className="empty mt">{t("deals.empty")}</div>
      ) : (
        <div className="table-wrap mt">
          <table className="data" data-testid="deal-list">
            <thead>
              <tr>
                <th scope="col">{t("deal.offer")}</th>
                <th scope="col">{t("deal.mySide")}</th>
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
                    {d.relatedParty ? <span className="badge related"> {t("transfer.relatedParty")}</span> : null}
                  </td>
                  <td>{t(`transfer.party.${d.side}`)}</td>
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
      )}
    </>
  );
}
