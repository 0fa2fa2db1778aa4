import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { officerZoneIds } from "#domain/access/permissions.ts";
import { zoneDisputes } from "../domain.server.ts";
import { DateTime } from "../components/datetime.tsx";
import { Money } from "../components/money.tsx";
import { DealStatusBadge } from "../components/transfer.tsx";
import challengeStyles from "../styles/challenges.css";
import styles from "../styles/transfer.css";
import { requirePermission, requireUser } from "../utils/auth.server.ts";
import { db, plain } from "../utils/challenges.server.ts";
import { useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: challengeStyles },
  { rel: "stylesheet", href: styles },
];

// The zone officer's queue of disputed technology deals (arbitration happens on the deal page).
export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await requireUser(request, context);
  const zones = officerZoneIds(current.actor);
  await requirePermission(request, context, "arbitrate:deal:zone", { zoneId: zones[0] ?? "none" });
  const deals = await zoneDisputes({ db: db(context), zoneIds: zones });
  return { deals: plain(deals) };
}

export default function ZoneDeals() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <p className="small">
        <Link to="/zone">← {t("nav.zoneQueue")}</Link>
      </p>
      <h1>{t("zoneDeals.title")}</h1>
      <p className="muted">{t("zoneDeals.lead")}</p>
      {data.deals.length === 0 ? (
        <div className="empty">{t("zoneDeals.empty")}</div>
      ) : (
        <div className="table-wrap">
          <table className="data" data-testid="zone-deals">
            <thead>
              <tr>
                <th scope="col">{t("deal.offer")}</th>
                <th scope="col">{t("transfer.party.seller")}</th>
                <th scope="col">{t("transfer.party.buyer")}</th>
                <th scope="col">{t("deal.price")}</th>
                <th scope="col">{t("challenges.status")}</th>
                <th scope="col">{t("zoneDeals.raised")}</th>
              </tr>
            </thead>
            <tbody>
              {data.deals.map((d) => (
                <tr key={d.id}>
                  <td>
                    <Link to={`/deals/${d.id}`}>{d.offer.title}</Link>
                    {d.relatedParty ? <span className="badge related"> {t("transfer.relatedParty")}</span> : null}
                  </td>
                  <td>{d.sellerOrganisation.name}</td>
                  <td>{d.buyerOrganisation.name}</td>
                  <td>{d.priceFen ? <Money value={d.priceFen} /> : "—"}</td>
                  <td>
                    <DealStatusBadge status={d.status} />
                  </td>
                  <td>{d.disputes[0] ? <DateTime value={d.disputes[0].createdAt} /> : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
