import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { matchesForResearcher, openChallengesToMatch } from "../domain.server.ts";
import { MatchList, type MatchView } from "../components/matches.tsx";
import styles from "../styles/search.css";
import { requireUser } from "../utils/auth.server.ts";
import { db } from "../utils/challenges.server.ts";
import { domainCall } from "../utils/domain.server.ts";
import { useT } from "../utils/i18n.tsx";
import { searchEngine } from "../utils/search.server.ts";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

/**
 * "My matches": for a researcher the open challenges worth bidding on; for enterprise staff their
 * organisation's open challenges, each linking to its matches. The daily digest links here.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await requireUser(request, context);
  const researcher = current.actor.roles.includes("researcher");
  const result = researcher
    ? await domainCall(() =>
        matchesForResearcher({ db: db(context), search: searchEngine(context), userId: current.user.id }),
      )
    : null;
  const own = await openChallengesToMatch({ db: db(context), actor: current.actor });
  return Response.json({
    researcher,
    challenges: result?.challenges ?? [],
    fields: result?.fields ?? [],
    own,
    broker: current.actor.roles.includes("broker"),
  });
}

export default function MyMatches() {
  const data = useLoaderData<{
    researcher: boolean;
    challenges: MatchView[];
    fields: string[];
    own: { id: string; title: string }[];
    broker: boolean;
  }>();
  const t = useT();
  return (
    <>
      <h1>{t("matches.title")}</h1>
      {data.broker ? (
        <p>
          <Link to="/broker/matches">{t("matches.brokerLink")}</Link>
        </p>
      ) : null}
      {data.researcher ? (
        <section aria-labelledby="m-bid">
          <h2 id="m-bid">{t("matches.worthBidding")}</h2>
          <p className="muted">
            {data.fields.length > 0
              ? t("matches.researcherLead", { fields: data.fields.join(t("matches.listSeparator")) })
              : t("matches.researcherLeadNoHistory")}
          </p>
          <MatchList matches={data.challenges} emptyKey="matches.emptyChallenges" />
        </section>
      ) : null}
      {data.own.length > 0 ? (
        <section aria-labelledby="m-own" className="mt">
          <h2 id="m-own">{t("matches.ownChallenges")}</h2>
          <ul>
            {data.own.map((c) => (
              <li key={c.id}>
                <Link to={`/challenges/${c.id}/matches`}>{c.title}</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {!data.researcher && data.own.length === 0 && !data.broker ? (
        <div className="empty">{t("matches.nothing")}</div>
      ) : null}
    </>
  );
}
