import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { officerZoneIds } from "#domain/access/permissions.ts";
import { challengeTitles, zoneQueue } from "../domain.server.ts";
import { StatusBadge } from "../components/challenge.tsx";
import { CsrfInput } from "../components/csrf-input.tsx";
import { DateTime } from "../components/datetime.tsx";
import { Money } from "../components/money.tsx";
import styles from "../styles/challenges.css";
import { requirePermission, requireUser } from "../utils/auth.server.ts";
import { db, plain } from "../utils/challenges.server.ts";
import { now } from "../utils/clock.server.ts";
import { domainCall } from "../utils/domain.server.ts";
import { useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

/** The zone's queue (管委会工作台): approvals, withdrawal requests, proposals, objections, notices due, disputes. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await requireUser(request, context);
  const zones = officerZoneIds(current.actor);
  await requirePermission(request, context, "approve:challenge:zone", { zoneId: zones[0] ?? "none" });
  // A platform admin serves no zone of their own: they name one (?zone=); without it the domain's
  // refusal is a 403, not a 500.
  const zoneId = new URL(request.url).searchParams.get("zone") || undefined;
  const queue = await domainCall(() => zoneQueue({ db: db(context), actor: current.actor, zoneId, now: now() }));
  const titles = await challengeTitles({
    db: db(context),
    ids: [...queue.objections.map((o) => o.challengeId), ...queue.disputes.map((x) => x.challengeId)],
  });
  return { queue: plain(queue), titles };
}

type Brief = {
  id: string;
  title: string;
  status: string;
  bounty: string;
  statusReason: string | null;
  updatedAt: string;
};

function Transition({
  challengeId,
  target,
  label,
  secondary,
}: {
  challengeId: string;
  target: string;
  label: string;
  secondary?: boolean;
}) {
  return (
    <Form method="post" action={`/challenges/${challengeId}/manage`}>
      <CsrfInput />
      <input type="hidden" name="intent" value="transition" />
      <input type="hidden" name="target" value={target} />
      <button type="submit" className={secondary ? "button secondary small" : "button small"}>
        {label}
      </button>
    </Form>
  );
}

function BriefList({
  items,
  empty,
  actions,
}: {
  items: Brief[];
  empty: string;
  actions: (c: Brief) => React.ReactNode;
}) {
  const t = useT();
  if (items.length === 0) return <div className="empty">{empty}</div>;
  return (
    <ul className="challenge-list">
      {items.map((c) => (
        <li key={c.id} className="challenge-card">
          <h3>
            <Link to={`/challenges/${c.id}/manage`}>{c.title}</Link>
          </h3>
          <div className="meta">
            <StatusBadge status={c.status} />
            <Money value={c.bounty} />
            <span>
              {t("zone.updated")} <DateTime value={c.updatedAt} />
            </span>
          </div>
          {c.statusReason ? <p className="small muted">{c.statusReason}</p> : null}
          <div className="actions">{actions(c)}</div>
        </li>
      ))}
    </ul>
  );
}

export default function ZoneQueue() {
  const { queue, titles } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <h1>{t("zone.title")}</h1>
      <p className="muted">
        {t("zone.lead")} <Link to="/zone/settings">{t("zoneSettings.link")}</Link> ·{" "}
        <Link to="/zone/deals">{t("zoneDeals.title")}</Link>
      </p>
      <section className="panel" aria-labelledby="approvals-heading">
        <h2 id="approvals-heading">{t("zone.approvals", { count: queue.approvals.length })}</h2>
        <BriefList
          items={queue.approvals}
          empty={t("zone.none")}
          actions={(c) => (
            <>
              <Transition challengeId={c.id} target="approve" label={t("challenge.transition.approve")} />
              <Link to={`/challenges/${c.id}/manage#next-heading`} className="button secondary small">
                {t("zone.returnWithReasons")}
              </Link>
            </>
          )}
        />
      </section>
      <section className="panel" aria-labelledby="withdrawals-heading">
        <h2 id="withdrawals-heading">{t("zone.withdrawals", { count: queue.withdrawals.length })}</h2>
        <BriefList
          items={queue.withdrawals}
          empty={t("zone.none")}
          actions={(c) => (
            <>
              <Transition
                challengeId={c.id}
                target="approveWithdrawal"
                label={t("challenge.transition.approveWithdrawal")}
              />
              <Link to={`/challenges/${c.id}/manage#next-heading`} className="button secondary small">
                {t("challenge.transition.rejectWithdrawal")}
              </Link>
            </>
          )}
        />
      </section>
      <section className="panel" aria-labelledby="proposals-heading">
        <h2 id="proposals-heading">{t("zone.proposals", { count: queue.proposals.length })}</h2>
        <BriefList
          items={queue.proposals}
          empty={t("zone.none")}
          actions={(c) => (
            <Transition
              challengeId={c.id}
              target="startPublicNotice"
              label={t("challenge.transition.startPublicNotice")}
            />
          )}
        />
      </section>
      <section className="panel" aria-labelledby="objections-heading">
        <h2 id="objections-heading">{t("zone.objections", { count: queue.objections.length })}</h2>
        {queue.objections.length === 0 ? (
          <div className="empty">{t("zone.none")}</div>
        ) : (
          <ul className="qa">
            {queue.objections.map((o) => (
              <li key={o.id}>
                <Link to={`/challenges/${o.challengeId}/manage#objections-heading`}>
                  {titles[o.challengeId] ?? o.challengeId}
                </Link>
                <p className="m0">{o.body}</p>
                <p className="m0 small muted">
                  <DateTime value={o.createdAt} />
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="panel" aria-labelledby="notices-heading">
        <h2 id="notices-heading">{t("zone.noticesDue", { count: queue.noticesDue.length })}</h2>
        <BriefList
          items={queue.noticesDue}
          empty={t("zone.none")}
          actions={(c) => (
            <Transition challengeId={c.id} target="endPublicNotice" label={t("challenge.transition.endPublicNotice")} />
          )}
        />
      </section>
      <section className="panel" aria-labelledby="disputes-heading">
        <h2 id="disputes-heading">{t("zone.disputes", { count: queue.disputes.length })}</h2>
        {queue.disputes.length === 0 ? (
          <div className="empty">{t("zone.none")}</div>
        ) : (
          <ul className="qa">
            {queue.disputes.map((x) => (
              <li key={x.id}>
                <Link to={`/challenges/${x.challengeId}/manage#arbitration-heading`}>
                  {titles[x.challengeId] ?? x.challengeId}
                </Link>{" "}
                · {t("manage.disputeOn", { n: x.milestoneIndex })}
                <p className="m0">{x.reason}</p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
