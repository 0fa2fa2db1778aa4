import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { matchesForChallenge } from "../domain.server.ts";
import { MatchList, type MatchView } from "../components/matches.tsx";
import styles from "../styles/search.css";
import { requireUser } from "../utils/auth.server.ts";
import { db } from "../utils/challenges.server.ts";
import { domainCall } from "../utils/domain.server.ts";
import { useT } from "../utils/i18n.tsx";
import { searchEngine } from "../utils/search.server.ts";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

/** The enterprise's view of who could solve its challenge: offers, researchers, organisations. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const current = await requireUser(request, context);
  const matches = await domainCall(() =>
    matchesForChallenge({
      db: db(context),
      search: searchEngine(context),
      actor: current.actor,
      challengeId: params.id ?? "",
    }),
  );
  return Response.json(matches);
}

export default function ChallengeMatchesPage() {
  const data = useLoaderData<{
    challenge: { id: string; title: string; fieldTags: string[] };
    offers: MatchView[];
    people: MatchView[];
    organisations: MatchView[];
    offersAvailable: boolean;
  }>();
  const t = useT();
  return (
    <>
      <p className="small">
        <Link to={`/challenges/${data.challenge.id}`}>← {data.challenge.title}</Link>
      </p>
      <h1>{t("matches.challengeTitle")}</h1>
      <p className="muted">{t("matches.challengeLead")}</p>
      <div className="match-columns">
        {data.offersAvailable ? (
          <section aria-labelledby="m-offers">
            <h2 id="m-offers">{t("matches.offers")}</h2>
            <MatchList matches={data.offers} emptyKey="matches.emptyOffers" />
          </section>
        ) : null}
        <section aria-labelledby="m-people">
          <h2 id="m-people">{t("matches.people")}</h2>
          <MatchList matches={data.people} emptyKey="matches.emptyPeople" />
        </section>
        <section aria-labelledby="m-orgs">
          <h2 id="m-orgs">{t("matches.organisations")}</h2>
          <MatchList matches={data.organisations} emptyKey="matches.emptyOrganisations" />
        </section>
      </div>
    </>
  );
}
