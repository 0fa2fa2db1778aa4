import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { CHALLENGE_STATUSES, INDUSTRIES, PUBLIC_STATUSES } from "#domain/challenges/constants.ts";
import type { ChallengeIndustry, ChallengeStatus } from "#db/generated/client/enums.ts";
import { isAppError } from "#domain/errors.ts";
import { listPublicChallenges, listZones, parseMoney } from "../domain.server.ts";
import { StatusBadge } from "../components/challenge.tsx";
import { DateTime } from "../components/datetime.tsx";
import { Money } from "../components/money.tsx";
import styles from "../styles/challenges.css";
import { getOptionalUser } from "../utils/auth.server.ts";
import { db, plain, seekerOrganisations } from "../utils/challenges.server.ts";
import { useLocale, useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

const PAGE_SIZE = 20;

function bound(text: string | null): { fen?: bigint; error?: string } {
  if (!text?.trim()) return {};
  try {
    return { fen: parseMoney(text) };
  } catch (error) {
    if (isAppError(error)) return { error: error.messageKey };
    throw error;
  }
}

// @public The published challenges are public (policy clause 四); drafts never show here, and
// anonymous seekers are hidden by listPublicChallenges.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await getOptionalUser(request, context);
  const url = new URL(request.url);
  const q = url.searchParams;
  const industry = (INDUSTRIES as readonly string[]).includes(q.get("industry") ?? "")
    ? (q.get("industry") as ChallengeIndustry)
    : undefined;
  const status = (PUBLIC_STATUSES as readonly string[]).includes(q.get("status") ?? "")
    ? (q.get("status") as ChallengeStatus)
    : undefined;
  const zones = await listZones({ db: db(context) });
  const zoneId = zones.some((z) => z.id === q.get("zone")) ? (q.get("zone") ?? undefined) : undefined;
  const min = bound(q.get("min"));
  const max = bound(q.get("max"));
  const page = Math.max(1, Number.parseInt(q.get("page") ?? "1", 10) || 1);
  const result = await listPublicChallenges({
    db: db(context),
    actor: current?.actor ?? null,
    filters: { industry, status, zoneId, minBounty: min.fen, maxBounty: max.fen },
    page,
    pageSize: PAGE_SIZE,
  });
  const keep = new URLSearchParams(q);
  keep.delete("page");
  return {
    items: plain(result.items),
    total: result.total,
    page,
    pages: Math.max(1, Math.ceil(result.total / PAGE_SIZE)),
    keep: keep.toString(),
    filters: {
      industry: industry ?? "",
      status: status ?? "",
      zone: zoneId ?? "",
      min: q.get("min") ?? "",
      max: q.get("max") ?? "",
    },
    errors: { min: min.error, max: max.error },
    zones: zones.map((z) => ({ id: z.id, nameZh: z.nameZh, nameEn: z.nameEn })),
    canPost: current ? seekerOrganisations(current).length > 0 : false,
    signedIn: !!current,
  };
}

export default function Challenges() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const zoneName = (z: { nameZh: string; nameEn: string }) => (locale === "en" ? z.nameEn : z.nameZh);
  return (
    <>
      <h1>{t("challenges.title")}</h1>
      <p className="muted">{t("challenges.lead")}</p>
      <div className="actions">
        {data.canPost ? (
          <Link to="/challenges/new" className="button">
            {t("challenges.post")}
          </Link>
        ) : null}
        {data.signedIn ? (
          <Link to="/challenges/mine" className="button secondary">
            {t("challenges.mine")}
          </Link>
        ) : null}
      </div>
      <section className="mt panel" aria-labelledby="filter-heading">
        <h2 id="filter-heading" className="m0 small muted">
          {t("challenges.filters")}
        </h2>
        <Form method="get" className="filter-bar">
          <div className="field">
            <label htmlFor="f-industry">{t("challenges.industry")}</label>
            <select id="f-industry" name="industry" defaultValue={data.filters.industry}>
              <option value="">{t("challenges.all")}</option>
              {INDUSTRIES.map((i) => (
                <option key={i} value={i}>
                  {t(`challenge.industry.${i}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-zone">{t("challenges.zone")}</label>
            <select id="f-zone" name="zone" defaultValue={data.filters.zone}>
              <option value="">{t("challenges.all")}</option>
              {data.zones.map((z) => (
                <option key={z.id} value={z.id}>
                  {zoneName(z)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-status">{t("challenges.status")}</label>
            <select id="f-status" name="status" defaultValue={data.filters.status}>
              <option value="">{t("challenges.all")}</option>
              {CHALLENGE_STATUSES.filter((s) => (PUBLIC_STATUSES as readonly string[]).includes(s)).map((s) => (
                <option key={s} value={s}>
                  {t(`challenge.status.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-min">{t("challenges.minBounty")}</label>
            <input
              id="f-min"
              name="min"
              type="text"
              inputMode="decimal"
              defaultValue={data.filters.min}
              aria-invalid={data.errors.min ? true : undefined}
              aria-describedby={data.errors.min ? "f-min-error" : undefined}
            />
            {data.errors.min ? (
              <span id="f-min-error" className="error">
                {t(data.errors.min)}
              </span>
            ) : null}
          </div>
          <div className="field">
            <label htmlFor="f-max">{t("challenges.maxBounty")}</label>
            <input
              id="f-max"
              name="max"
              type="text"
              inputMode="decimal"
              defaultValue={data.filters.max}
              aria-invalid={data.errors.max ? true : undefined}
              aria-describedby={data.errors.max ? "f-max-error" : undefined}
            />
            {data.errors.max ? (
              <span id="f-max-error" className="error">
                {t(data.errors.max)}
              </span>
            ) : null}
          </div>
          <div className="actions">
            <button type="submit" className="button">
              {t("challenges.filter")}
            </button>
            <Link to="/challenges" className="button secondary">
              {t("challenges.clearFilters")}
            </Link>
          </div>
        </Form>
      </section>
      <p className="muted small" role="status">
        {t("challenges.count", { count: data.total })}
      </p>
      {data.items.length === 0 ? (
        <div className="empty">{t("challenges.empty")}</div>
      ) : (
        <ul className="challenge-list" data-testid="challenge-list">
          {data.items.map((c) => (
            <li key={c.id} className="challenge-card">
              <h2>
                <Link to={`/challenges/${c.id}`}>{c.title}</Link>
              </h2>
              <div className="meta">
                <StatusBadge status={c.status} />
                <span>{t(`challenge.industry.${c.industry}`)}</span>
                <span>{zoneName(c.zone)}</span>
                <span>{c.seeker ? c.seeker.name : t("challenges.anonymousSeeker")}</span>
              </div>
              <div className="meta">
                <span>
                  {t("challenges.bounty")}: <Money value={c.bounty} />
                </span>
                <span>
                  {t("challenges.deadline")}: <DateTime value={c.bidDeadline} />
                </span>
                {c.fieldTags.length > 0 ? <span>{c.fieldTags.join(" · ")}</span> : null}
              </div>
            </li>
          ))}
        </ul>
      )}
      {data.pages > 1 ? (
        <nav className="mt pager" aria-label={t("challenges.pages")}>
          {data.page > 1 ? <Link to={`?${data.keep}&page=${data.page - 1}`}>{t("challenges.prev")}</Link> : null}
          <span>
            {data.page} / {data.pages}
          </span>
          {data.page < data.pages ? (
            <Link to={`?${data.keep}&page=${data.page + 1}`}>{t("challenges.next")}</Link>
          ) : null}
        </nav>
      ) : null}
    </>
  );
}
