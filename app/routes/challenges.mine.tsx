import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { can } from "#domain/access/permissions.ts";
import { enterpriseWorkspace, invitedChallenges, reviewerWorkspace, solverWorkspace } from "../domain.server.ts";
import { StatusBadge } from "../components/challenge.tsx";
import { DateTime } from "../components/datetime.tsx";
import { Money } from "../components/money.tsx";
import styles from "../styles/challenges.css";
import { requireUser } from "../utils/auth.server.ts";
import { db, plain, seekerOrganisations } from "../utils/challenges.server.ts";
import { now } from "../utils/clock.server.ts";
import { useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

/** My 揭榜挂帅: the enterprise's challenges, my bids with receipts and milestones, my reviews. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await requireUser(request, context);
  const d = db(context);
  const orgs = seekerOrganisations(current);
  const enterprise = await Promise.all(
    orgs.map(async (o) => ({
      org: o,
      items: plain(await enterpriseWorkspace({ db: d, actor: current.actor, organisationId: o.id, now: now() })),
    })),
  );
  const solver = can(current.actor, "bid:challenge:any")
    ? plain(await solverWorkspace({ db: d, actor: current.actor }))
    : null;
  const reviews = current.roles.includes("expert")
    ? plain(await reviewerWorkspace({ db: d, actor: current.actor, now: now() }))
    : [];
  const invited = plain(await invitedChallenges({ db: d, actor: current.actor }));
  return { enterprise, solver, reviews, invited, canPost: orgs.length > 0 };
}

export default function MyChallenges() {
  const data = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const t = useT();
  return (
    <>
      <h1>{t("mine.title")}</h1>
      {params.get("withdrawn") === "1" ? (
        <div className="alert success" role="status">
          {t("mine.bidWithdrawn")}
        </div>
      ) : null}
      {data.enterprise.map(({ org, items }) => (
        <section className="panel" aria-labelledby={`ent-${org.id}`} key={org.id}>
          <h2 id={`ent-${org.id}`}>{t("mine.enterprise", { org: org.name })}</h2>
          <p>
            <Link to="/challenges/new" className="button">
              {t("challenges.post")}
            </Link>
          </p>
          {items.length === 0 ? (
            <div className="empty">{t("mine.noChallenges")}</div>
          ) : (
            <div className="table-wrap">
              <table className="data" data-testid="my-challenges">
                <thead>
                  <tr>
                    <th scope="col">{t("mine.challenge")}</th>
                    <th scope="col">{t("challenges.status")}</th>
                    <th scope="col">{t("challenges.bounty")}</th>
                    <th scope="col">{t("challenges.deadline")}</th>
                    <th scope="col">{t("mine.bidCount")}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((c) => (
                    <tr key={c.id}>
                      <td>
                        <Link to={`/challenges/${c.id}/manage`}>{c.title}</Link>
                        {c.statusReason ? <div className="small muted">{c.statusReason}</div> : null}
                      </td>
                      <td>
                        <StatusBadge status={c.status} />
                      </td>
                      <td>
                        <Money value={c.bounty} />
                      </td>
                      <td>
                        <DateTime value={c.bidDeadline} />
                      </td>
                      <td>{c.bids === null ? t("mine.sealed") : c.bids}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ))}

      {data.invited.length > 0 ? (
        <section className="panel" aria-labelledby="invited-heading">
          <h2 id="invited-heading">{t("invites.mineTitle")}</h2>
          <ul data-testid="invited-challenges">
            {data.invited.map((c) => (
              <li key={c.id}>
                <Link to={`/challenges/${c.id}`}>{c.title}</Link> <StatusBadge status={c.status} /> ·{" "}
                {t("challenges.deadline")} <DateTime value={c.bidDeadline} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {data.solver ? (
        <>
          <section className="panel" aria-labelledby="bids-heading">
            <h2 id="bids-heading">{t("mine.myBids")}</h2>
            {data.solver.bids.length === 0 ? (
              <div className="empty">
                {t("mine.noBids")} <Link to="/challenges?status=published">{t("mine.browse")}</Link>
              </div>
            ) : (
              data.solver.bids.map((b) => (
                <article className="mb card" key={b.bidId} data-testid="my-bid">
                  <h3>
                    <Link to={`/challenges/${b.challenge.id}`}>{b.challenge.title}</Link>{" "}
                    <StatusBadge kind="bid" status={b.status} />
                  </h3>
                  <p className="small">
                    {t("bidForm.price")}: <Money value={b.price} /> · {t("challenges.status")}:{" "}
                    {t(`challenge.status.${b.challenge.status}`)} · {t("challenges.deadline")}:{" "}
                    <DateTime value={b.challenge.bidDeadline} />
                  </p>
                  {b.status === "submitted" && b.challenge.status === "published" ? (
                    <p className="small">
                      <Link to={`/challenges/${b.challenge.id}/bid`}>{t("mine.editBid")}</Link>
                    </p>
                  ) : null}
                  {b.status === "won" ? (
                    <p className="small">
                      <Link to={`/challenges/${b.challenge.id}/manage`}>{t("mine.contractAndMilestones")}</Link>
                    </p>
                  ) : null}
                  <details>
                    <summary>{t("mine.receipts", { count: b.receipts.length })}</summary>
                    <ul className="receipt small">
                      {b.receipts.map((r) => (
                        <li key={r.receiptId}>
                          <DateTime value={r.serverTime} /> · {t("bidForm.commitment")} <code>{r.commitment}</code> ·
                          nonce <code>{r.nonce}</code>
                        </li>
                      ))}
                    </ul>
                  </details>
                  {b.feedback ? (
                    <p className="small">
                      <strong>{t("mine.feedback")}</strong>{" "}
                      {b.feedback.categories.map((k) => t(`challenge.feedback.${k}`)).join("、")} — {b.feedback.text}
                    </p>
                  ) : null}
                </article>
              ))
            )}
          </section>
          <section className="panel" aria-labelledby="ms-heading">
            <h2 id="ms-heading">{t("mine.myMilestones")}</h2>
            {data.solver.milestones.length === 0 ? (
              <div className="empty">{t("mine.noMilestones")}</div>
            ) : (
              <div className="table-wrap">
                <table className="data">
                  <thead>
                    <tr>
                      <th scope="col">{t("mine.challenge")}</th>
                      <th scope="col">{t("challenges.milestone")}</th>
                      <th scope="col">{t("challenges.amount")}</th>
                      <th scope="col">{t("challenges.dueDate")}</th>
                      <th scope="col">{t("challenges.status")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.solver.milestones.map((m) => (
                      <tr key={`${m.challengeId}-${m.index}`}>
                        <td>
                          <Link to={`/challenges/${m.challengeId}/manage`}>{m.challengeTitle}</Link>
                        </td>
                        <td>
                          {m.index}. {m.name}
                          {m.revisionReasons ? <div className="small muted">{m.revisionReasons}</div> : null}
                        </td>
                        <td>
                          <Money value={m.amount} />
                        </td>
                        <td>
                          <DateTime value={m.dueDate} />
                        </td>
                        <td>
                          <StatusBadge kind="milestone" status={m.status} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      ) : null}

      {data.reviews.length > 0 ? (
        <section className="panel" aria-labelledby="reviews-heading">
          <h2 id="reviews-heading">{t("mine.myReviews")}</h2>
          <div className="table-wrap">
            <table className="data" data-testid="my-reviews">
              <thead>
                <tr>
                  <th scope="col">{t("mine.challenge")}</th>
                  <th scope="col">{t("challenges.status")}</th>
                  <th scope="col">{t("mine.scored")}</th>
                </tr>
              </thead>
              <tbody>
                {data.reviews.map((r) => (
                  <tr key={r.challengeId}>
                    <td>
                      <Link to={`/challenges/${r.challengeId}/manage`}>{r.title}</Link>
                    </td>
                    <td>
                      <StatusBadge status={r.status} />
                    </td>
                    <td>
                      {r.recused
                        ? t("manage.recused", { reason: t(`challenge.recusal.${r.recused}`) })
                        : `${r.scored} / ${r.bids ?? t("mine.sealed")}`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      {data.enterprise.length === 0 && !data.solver && data.reviews.length === 0 ? (
        <div className="empty">{t("mine.nothing")}</div>
      ) : null}
    </>
  );
}
