import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { DEAL_MODES, INDUSTRIES, PRICINGS } from "#domain/transfer/constants.ts";
import type { ChallengeIndustry, TransferDealMode, TransferPricing } from "#db/generated/client/enums.ts";
import { isAppError } from "#domain/errors.ts";
import { listOffers, parseMoney } from "../domain.server.ts";
import { OfferStatusBadge } from "../components/transfer.tsx";
import { Money } from "../components/money.tsx";
import challengeStyles from "../styles/challenges.css";
import styles from "../styles/transfer.css";
import { getOptionalUser } from "../utils/auth.server.ts";
import { db, plain } from "../utils/challenges.server.ts";
import { sellerOrganisations } from "../utils/transfer.server.ts";
import { useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: challengeStyles },
  { rel: "stylesheet", href: styles },
];

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

function oneOf<T extends string>(list: readonly T[], value: string | null): T | undefined {
  return (list as readonly string[]).includes(value ?? "") ? (value as T) : undefined;
}

function level(text: string | null): number | undefined {
  const n = Number.parseInt(text ?? "", 10);
  return n >= 1 && n <= 9 ? n : undefined;
}

// @public The market of research results is public (policy clause 五); offers for signed-in users
// only are left out for visitors by listOffers, drafts never show.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await getOptionalUser(request, context);
  const q = new URL(request.url).searchParams;
  const min = bound(q.get("min"));
  const max = bound(q.get("max"));
  const page = Math.max(1, Number.parseInt(q.get("page") ?? "1", 10) || 1);
  const filters = {
    mode: oneOf<TransferDealMode>(DEAL_MODES, q.get("mode")),
    industry: oneOf<ChallengeIndustry>(INDUSTRIES, q.get("industry")),
    pricing: oneOf<TransferPricing>(PRICINGS, q.get("pricing")),
    field: q.get("field")?.trim() || undefined,
    trlMin: level(q.get("trlMin")),
    trlMax: level(q.get("trlMax")),
    priceMinFen: min.fen,
    priceMaxFen: max.fen,
    q: q.get("q")?.trim() || undefined,
  };
  const result = await listOffers({
    db: db(context),
    actor: current?.actor ?? null,
    filters,
    page,
    pageSize: PAGE_SIZE,
  });
  const keep = new URLSearchParams(q);
  keep.delete("page");
  return {
    offers: plain(result.offers),
    total: result.total,
    page,
    pages: Math.max(1, Math.ceil(result.total / PAGE_SIZE)),
    keep: keep.toString(),
    filters: {
      mode: filters.mode ?? "",
      industry: filters.industry ?? "",
      pricing: filters.pricing ?? "",
      field: filters.field ?? "",
      trlMin: filters.trlMin ? String(filters.trlMin) : "",
      trlMax: filters.trlMax ? String(filters.trlMax) : "",
      min: q.get("min") ?? "",
      max: q.get("max") ?? "",
      q: filters.q ?? "",
    },
    errors: { min: min.error, max: max.error },
    canList: current ? sellerOrganisations(current).length > 0 : false,
    signedIn: !!current,
  };
}

export default function Offers() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const levels = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  return (
    <>
      <h1>{t("offers.title")}</h1>
      <p className="muted">{t("offers.lead")}</p>
      <div className="actions">
        {data.canList ? (
          <>
            <Link to="/offers/new" className="button">
              {t("offers.new")}
            </Link>
            <Link to="/offers/mine" className="button secondary">
              {t("offers.mine")}
            </Link>
          </>
        ) : null}
        {data.signedIn ? (
          <Link to="/deals" className="button secondary">
            {t("deals.title")}
          </Link>
        ) : null}
      </div>
      <section className="mt panel" aria-labelledby="filter-heading">
        <h2 id="filter-heading" className="m0 small muted">
          {t("challenges.filters")}
        </h2>
        <Form method="get" className="filter-bar">
          <div className="field">
            <label htmlFor="f-q">{t("offers.search")}</label>
            <input id="f-q" name="q" type="search" defaultValue={data.filters.q} />
          </div>
          <div className="field">
            <label htmlFor="f-mode">{t("offers.mode")}</label>
            <select id="f-mode" name="mode" defaultValue={data.filters.mode}>
              <option value="">{t("challenges.all")}</option>
              {DEAL_MODES.map((m) => (
                <option key={m} value={m}>
                  {t(`transfer.mode.${m}`)}
                </option>
              ))}
            </select>
          </div>
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
            <label htmlFor="f-field">{t("offers.field")}</label>
            <input id="f-field" name="field" defaultValue={data.filters.field} />
          </div>
          <div className="field">
            <label htmlFor="f-trlMin">{t("offers.trlMin")}</label>
            <select id="f-trlMin" name="trlMin" defaultValue={data.filters.trlMin}>
              <option value="">{t("challenges.all")}</option>
              {levels.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-trlMax">{t("offers.trlMax")}</label>
            <select id="f-trlMax" name="trlMax" defaultValue={data.filters.trlMax}>
              <option value="">{t("challenges.all")}</option>
              {levels.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-pricing">{t("offers.pricing")}</label>
            <select id="f-pricing" name="pricing" defaultValue={data.filters.pricing}>
              <option value="">{t("challenges.all")}</option>
              {PRICINGS.map((p) => (
                <option key={p} value={p}>
                  {t(`transfer.pricing.${p}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-min">{t("offers.minPrice")}</label>
            <input
              id="f-min"
              name="min"
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
            <label htmlFor="f-max">{t("offers.maxPrice")}</label>
            <input
              id="f-max"
              name="max"
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
            <Link to="/offers" className="button secondary">
              {t("challenges.clearFilters")}
            </Link>
          </div>
        </Form>
      </section>
      <p className="muted small" role="status">
        {t("offers.count", { count: data.total })}
      </p>
      {data.offers.length === 0 ? (
        <div className="empty">{t("offers.empty")}</div>
      ) : (
        <ul className="challenge-list" data-testid="offer-list">
          {data.offers.map((o) => (
            <li key={o.id} className="challenge-card">
              <h2>
                <Link to={`/offers/${o.id}`}>{o.title}</Link>
              </h2>
              <div className="meta">
                <OfferStatusBadge status={o.status} />
                <span>{o.ownerOrganisation.name}</span>
                <span>{t(`challenge.industry.${o.industry}`)}</span>
                <span>{t("transfer.trl", { level: o.trl })}</span>
              </div>
              <div className="meta">
                <span>{o.dealModes.map((m) => t(`transfer.mode.${m}`)).join(" · ")}</span>
                <span>
                  {t(`transfer.pricing.${o.pricing}`)}
                  {o.priceFen ? (
                    <>
                      {" "}
                      <Money value={o.priceFen} />
                    </>
                  ) : null}
                </span>
                {o.fieldTags.length > 0 ? <span>{o.fieldTags.join(" · ")}</span> : null}
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
