import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { isAppError } from "#domain/errors.ts";
import { formatYuan } from "#domain/money/money.ts";
import {
  challengeStatistics,
  getChallengeDetail,
  listBids,
  listAttachments,
  listExperts,
  listInvitees,
  myScores,
  openDispute,
  reviewRanking,
  reviewSetup,
  searchSolvers,
} from "../domain.server.ts";
import { AttachmentList } from "../components/attachments.tsx";
import { StatusBadge } from "../components/challenge.tsx";
import { Bids, ReviewSetup } from "../components/challenge-manage/enterprise.tsx";
import { Invitees } from "../components/challenge-manage/invitees.tsx";
import { NextSteps } from "../components/challenge-manage/next-steps.tsx";
import { Reviewer } from "../components/challenge-manage/reviewer.tsx";
import { Contract, Milestones } from "../components/challenge-manage/solver.tsx";
import { Statistics } from "../components/challenge-manage/statistics.tsx";
import type { ManageDone } from "../components/challenge-manage/types.ts";
import { Arbitration, Objections } from "../components/challenge-manage/zone.tsx";
import { DateTime } from "../components/datetime.tsx";
import type { FailureLike } from "../components/form.tsx";
import { Money } from "../components/money.tsx";
import attachmentStyles from "../styles/attachments.css";
import styles from "../styles/challenges.css";
import { attachmentItems } from "../utils/attachments.server.ts";
import { requireUser } from "../utils/auth.server.ts";
import { manageSchema, runManageIntent } from "../utils/challenge-manage.server.ts";
import { db, plain } from "../utils/challenges.server.ts";
import { now } from "../utils/clock.server.ts";
import { domainCall } from "../utils/domain.server.ts";
import { appErrorResponse, failureResponse, parseForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "stylesheet", href: attachmentStyles },
];

/** Reads that the domain refuses in some states (sealed bids, no ranking yet) are simply absent. */
async function optional<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (isAppError(error) && ["forbidden", "conflict", "not_found"].includes(error.code)) return null;
    throw error;
  }
}

// The workspace of one challenge: the enterprise (drafts, bids after the deadline, review,
// contract, milestones, statistics), the zone (approval, notice, objections, disputes), the
// reviewers (scores, conflicts) and the winning solver (contract, deliveries).
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const current = await requireUser(request, context);
  const actor = current.actor;
  const challengeId = params.id ?? "";
  const d = db(context);
  const detail = await domainCall(() => getChallengeDetail({ db: d, actor, challengeId, now: now() }));
  const v = detail.viewer;
  if (!v.isSeeker && !v.isZoneOfficer && !v.isReviewer && !v.isWinner)
    throw Response.json({ permission: "post:challenge:own" }, { status: 403 });
  const organiser = v.isSeeker || v.isZoneOfficer;
  const [bids, ranking, setup, experts, stats, scores, dispute] = await Promise.all([
    optional(() => listBids({ db: d, actor, challengeId, now: now() })),
    optional(() => reviewRanking({ db: d, actor, challengeId })),
    organiser ? reviewSetup({ db: d, challengeId }) : Promise.resolve(null),
    v.isSeeker || v.isZoneOfficer ? listExperts({ db: d }) : Promise.resolve([]),
    organiser ? optional(() => challengeStatistics({ db: d, actor, challengeId, now: now() })) : Promise.resolve(null),
    v.isReviewer ? myScores({ db: d, actor, challengeId }) : Promise.resolve({}),
    v.isZoneOfficer ? openDispute({ db: d, challengeId }) : Promise.resolve(null),
  ]);
  // Invited-only: the invitees for the organisers, and the enterprise's search for more (?inviteQuery=).
  const inviteQuery = (new URL(request.url).searchParams.get("inviteQuery") ?? "").trim().slice(0, 100);
  let invitees: {
    list: Awaited<ReturnType<typeof listInvitees>>;
    candidates: Awaited<ReturnType<typeof searchSolvers>>;
    query: string;
  } | null = null;
  if (organiser && detail.visibility === "invited") {
    const list = await listInvitees({ db: d, challengeId });
    const found = v.isSeeker ? await searchSolvers({ db: d, query: inviteQuery }) : [];
    const taken = new Set(list.map((i) => `${i.kind}:${i.targetId}`));
    invitees = { list, candidates: found.filter((f) => !taken.has(`${f.kind}:${f.id}`)), query: inviteQuery };
  }
  const me = ranking?.reviewers.find((r) => r.userId === actor.userId) ?? null;
  // Files of the challenge, and of each bid this viewer may already see (bids stay sealed: the
  // domain answers not_found for a bid's files wherever listBids would refuse the bid).
  const files = (ownerType: "challenge" | "bid", ownerId: string) =>
    optional(() => listAttachments({ db: d, actor, ownerType, ownerId, now: now() })).then((r) =>
      attachmentItems(r?.items ?? []),
    );
  const [attachments, bidFileLists] = await Promise.all([
    files("challenge", challengeId),
    Promise.all((bids ?? []).map((b) => files("bid", b.id))),
  ]);
  const bidFiles = Object.fromEntries((bids ?? []).map((b, i) => [b.id, bidFileLists[i] ?? []]));
  return {
    challenge: plain(detail),
    bids: bids ? plain(bids) : null,
    ranking: ranking ? plain(ranking) : null,
    setup,
    experts: experts
      .filter((e) => !setup?.reviewers.some((r) => r.userId === e.id))
      .map((e) => ({ id: e.id, name: e.name })),
    stats,
    scores,
    dispute: dispute ? plain(dispute) : null,
    myRecusal: me?.recused ?? null,
    userId: actor.userId,
    attachments,
    bidFiles,
    invitees,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const current = await requireUser(request, context);
  const parsed = await parseForm(request, context, manageSchema);
  if ("failure" in parsed) return parsed.failure;
  const base = { db: db(context), actor: current.actor, challengeId: params.id ?? "", now: now() };
  try {
    return await runManageIntent(base, parsed.value);
  } catch (error) {
    // Not enough money to sign: say how much is needed and link to the wallet to deposit.
    if (isAppError(error) && error.messageKey === "errors.challenge.insufficientFundsToSign") {
      const required = String(error.params.required ?? "0");
      const available = String(error.params.available ?? "0");
      return failureResponse(
        {
          ok: false,
          formError: {
            key: "manage.insufficientFunds",
            params: { required: formatYuan(BigInt(required)), available: formatYuan(BigInt(available)) },
          },
          fieldErrors: {},
          values: { ...parsed.values, insufficientFunds: "1" },
        },
        409,
      );
    }
    return appErrorResponse(error, parsed.values);
  }
}

export default function Manage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<FailureLike | ManageDone>();
  const ok = result && "ok" in result && result.ok === true ? (result as ManageDone) : undefined;
  const failure = ok ? undefined : (result as FailureLike | undefined);
  const [params] = useSearchParams();
  const t = useT();
  const c = data.challenge;
  const v = c.viewer;
  return (
    <>
      <p className="small">
        <Link to={`/challenges/${c.id}`}>← {t("manage.publicPage")}</Link> ·{" "}
        <Link to="/challenges/mine">{t("challenges.mine")}</Link>
        {v.isSeeker ? (
          <>
            {" "}
            · <Link to={`/challenges/${c.id}/matches`}>{t("manage.matchesLink")}</Link>
          </>
        ) : null}
      </p>
      <h1>{c.title}</h1>
      <div className="meta">
        <StatusBadge status={c.status} />
        <span>
          {t("challenges.bounty")}: <Money value={c.bounty} />
        </span>
        <span>
          {t("challenges.deadline")}: <DateTime value={c.bidDeadline} />
        </span>
        <span>
          {[
            v.isSeeker ? t("manage.roleSeeker") : null,
            v.isZoneOfficer ? t("manage.roleZone") : null,
            v.isReviewer ? t("manage.roleReviewer") : null,
            v.isWinner ? t("manage.roleWinner") : null,
          ]
            .filter(Boolean)
            .join(" · ")}
        </span>
      </div>
      {params.get("created") === "1" ? (
        <div className="mt alert success" role="status">
          {t("manage.created")}
        </div>
      ) : null}
      {ok ? (
        <div className="mt alert success" role="status" data-testid="done">
          {ok.intent === "transition" && ok.target
            ? t("manage.doneTransition", { action: t(`challenge.transition.${ok.target}`) })
            : ok.intent === "accept"
              ? t("manage.donePaid", {
                  paid: formatYuan(BigInt(ok.paid ?? "0")),
                  fee: formatYuan(BigInt(ok.fee ?? "0")),
                })
              : t(`manage.done.${ok.intent}`)}
        </div>
      ) : null}
      {c.statusReason ? (
        <div className="mt alert info" role="note">
          {t("challenges.statusReason")}: {c.statusReason}
        </div>
      ) : null}

      <NextSteps data={data} failure={failure} />

      {data.attachments.length > 0 ? (
        <section className="panel" aria-labelledby="attachments-heading" data-testid="attachments">
          <h2 id="attachments-heading">{t("attachments.title")}</h2>
          <AttachmentList items={data.attachments} />
        </section>
      ) : null}

      {data.invitees ? <Invitees data={data} failure={failure} /> : null}
      {data.setup ? <ReviewSetup data={data} failure={failure} /> : null}
      {data.bids ? (
        <Bids data={data} failure={failure} />
      ) : v.isSeeker ? (
        <div className="empty">{t("manage.bidsSealed")}</div>
      ) : null}
      {v.isReviewer ? <Reviewer data={data} failure={failure} /> : null}
      {v.isZoneOfficer && c.notice ? <Objections data={data} failure={failure} /> : null}
      {c.contract && (c.status === "contracting" || c.contract.terms) ? (
        <Contract data={data} failure={failure} />
      ) : null}
      {c.money || c.status === "in_progress" ? <Milestones data={data} failure={failure} /> : null}
      {v.isZoneOfficer && data.dispute ? <Arbitration data={data} failure={failure} /> : null}
      {data.stats ? <Statistics data={data} /> : null}
    </>
  );
}
