import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { myOffers } from "../domain.server.ts";
import { Money } from "../components/money.tsx";
import { OfferStatusBadge } from "../components/transfer.tsx";
import challengeStyles from "../styles/challenges.css";
import styles from "../styles/transfer.css";
import { requireUser } from "../utils/auth.server.ts";
import { db, plain } from "../utils/challenges.server.ts";
import { sellerOrganisations } from "../utils/transfer.server.ts";
import { useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: challengeStyles },
  { rel: "stylesheet", href: styles },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await requireUser(request, context);
  const offers = await myOffers({ db: db(context), actor: current.actor });
  return { offers: plain(offers), canList: sellerOrganisations(current).length > 0 };
}

export default function MyOffers() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <h1>{t("offers.mine")}</h1>
      <div className="actions">
        {data.canList ? (
          <Link to="/offers/new" className="button">
            {t("offers.new")}
          </Link>
        ) : null}
        <Link to="/deals" className="button secondary">
          {t("deals.title")}
        </Link>
      </div>
      {data.offers.length === 0 ? (
        <div className="empty mt">{t("offers.mineEmpty")}</div>
      ) : (
        <div className="table-wrap mt">
          <table className="data" data-testid="my-offers">
            <thead>
              <tr>
                <th scope="col">{t("offerForm.title")}</th>
                <th scope="col">{t("challenges.status")}</th>
                <th scope="col">{t("offers.mode")}</th>
                <th scope="col">{t("offers.pricing")}</th>
                <th scope="col">{t("offers.deals")}</th>
              </tr>
            </thead>
            <tbody>
              {data.offers.map((o) => (
                <tr key={o.id}>
                  <td>
                    <Link to={`/offers/${o.id}/edit`}>{o.title}</Link>
                  </td>
                  <td>
                    <OfferStatusBadge status={o.status} />
                  </td>
                  <td>{o.dealModes.map((m) => t(`transfer.mode.${m}`)).join(" · ")}</td>
                  <td>
                    {t(`transfer.pricing.${o.pricing}`)} {o.priceFen ? <Money value={o.priceFen} /> : null}
                  </td>
                  <td>{o._count.deals}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
