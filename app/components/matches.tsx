import { Link } from "@remix-run/react";
import { isMessageKey } from "../i18n/index.ts";
import { useT } from "../utils/i18n.tsx";

export interface MatchView {
  kind: string;
  id: string;
  title: string;
  subtitle?: string | undefined;
  href: string;
  score: number;
  reasons: (
    | { kind: "terms"; terms: string[] }
    | { kind: "fields"; fields: string[] }
    | { kind: "industry"; industry: string }
    | { kind: "zone"; zone: string }
    | { kind: "history"; awards: number; acceptedMilestones: number; completedDeals: number; seeker?: boolean }
  )[];
}

/** Ranked matches, each with its score and why (shared terms, fields, industry, zone, record). */
export function MatchList({ matches, emptyKey }: { matches: MatchView[]; emptyKey: string }) {
  const t = useT();
  if (matches.length === 0) return <div className="empty">{t(emptyKey)}</div>;
  return (
    <ol className="match-list">
      {matches.map((m) => (
        <li key={`${m.kind}-${m.id}`} className="match" data-testid="match">
          <div className="match-score" aria-label={t("matches.scoreLabel", { score: m.score })}>
            {m.score}
            <small>{t("matches.score")}</small>
          </div>
          <div>
            <h3>
              <Link to={m.href}>{m.title}</Link>
            </h3>
            {m.subtitle ? <div className="meta">{m.subtitle}</div> : null}
            <ul className="match-reasons" aria-label={t("matches.why")}>
              {m.reasons.map((r) => (
                <li key={r.kind}>
                  {r.kind === "terms"
                    ? t("matches.reason.terms", { terms: r.terms.join(t("matches.listSeparator")) })
                    : r.kind === "fields"
                      ? t("matches.reason.fields", { fields: r.fields.join(t("matches.listSeparator")) })
                      : r.kind === "industry"
                        ? t("matches.reason.industry", {
                            industry: isMessageKey(`challenge.industry.${r.industry}`)
                              ? t(`challenge.industry.${r.industry}`)
                              : r.industry,
                          })
                        : r.kind === "zone"
                          ? t("matches.reason.zone")
                          : t(r.seeker ? "matches.reason.seekerHistory" : "matches.reason.history", {
                              record: [
                                r.awards
                                  ? t(r.seeker ? "matches.reason.awarded" : "matches.reason.awards", {
                                      count: r.awards,
                                    })
                                  : "",
                                r.acceptedMilestones
                                  ? t("matches.reason.milestones", { count: r.acceptedMilestones })
                                  : "",
                                r.completedDeals ? t("matches.reason.deals", { count: r.completedDeals }) : "",
                              ]
                                .filter(Boolean)
                                .join(t("matches.reason.separator")),
                            })}
                </li>
              ))}
            </ul>
          </div>
        </li>
      ))}
    </ol>
  );
}
