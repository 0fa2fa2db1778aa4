import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { brokerMatchBoard } from "../domain.server.ts";
import { MatchList, type MatchView } from "../components/matches.tsx";
import styles from "../styles/search.css";
import { requireUser } from "../utils/auth.server.ts";
import { db } from "../utils/challenges.server.ts";
import { domainCall } from "../utils/domain.server.ts";
import { useT } from "../utils/i18n.tsx";
import { searchEngine } from "../utils/search.server.ts";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

/** The broker's matching board (技术经理人, clause 五): the organisations they serve, and who fits. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await requireUser(request, context);
  const board = await domainCall(() =>
    brokerMatchBoard({ db: db(context), search: searchEngine(context), actor: current.actor }),
  );
  return Response.json(board);
}

type Board = {
  organisations: {
    id: string;
    name: string;
    challenges: {
      challenge: { id: string; title: string };
      offers: MatchView[];
      people: MatchView[];
      organisations: MatchView[];
    }[];
    offers: { id: string; title: string; challenges: MatchView[]; enterprises: MatchView[] }[];
  }[];
  offersAvailable: boolean;
};

export default function BrokerBoard() {
  const data = useLoaderData<Board>();
  const t = useT();
  return (
    <>
      <h1>{t("matches.brokerTitle")}</h1>
      <p className="muted">{t("matches.brokerLead")}</p>
      {data.organisations.length === 0 ? <div className="empty">{t("matches.brokerNone")}</div> : null}
      {data.organisations.map((org) => (
        <section key={org.id} className="panel mt" aria-labelledby={`org-${org.id}`}>
          <h2 id={`org-${org.id}`}>{org.name}</h2>
          {org.challenges.length === 0 && org.offers.length === 0 ? (
            <p className="muted">{t("matches.brokerOrgEmpty")}</p>
          ) : null}
          {org.challenges.map((c) => (
            <div key={c.challenge.id} className="mt">
              <h3>
                <Link to={`/challenges/${c.challenge.id}/matches`}>{c.challenge.title}</Link>
              </h3>
              <div className="match-columns">
                {data.offersAvailable ? (
                  <div>
                    <h4>{t("matches.offers")}</h4>
                    <MatchList matches={c.offers} emptyKey="matches.emptyOffers" />
                  </div>
                ) : null}
                <div>
                  <h4>{t("matches.people")}</h4>
                  <MatchList matches={c.people} emptyKey="matches.emptyPeople" />
                </div>
                <div>
                  <h4>{t("matches.organisations")}</h4>
                  <MatchList matches={c.organisations} emptyKey="matches.emptyOrganisations" />
                </div>
              </div>
            </div>
          ))}
          {org.offers.map((o) => (
            <div key={o.id} className="mt">
              <h3>
                <Link to={`/offers/${o.id}`}>{o.title}</Link>
              </h3>
              <div className="match-columns">
                <div>
                  <h4>{t("matches.challenges")}</h4>
                  <MatchList matches={o.challenges} emptyKey="matches.emptyChallenges" />
                </div>
                <div>
                  <h4>{t("matches.enterprises")}</h4>
                  <MatchList matches={o.enterprises} emptyKey="matches.emptyOrganisations" />
                </div>
              </div>
            </div>
          ))}
        </section>
      ))}
    </>
  );
}
