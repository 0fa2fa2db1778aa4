import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSubmit } from "@remix-run/react";
import { SEARCH_SORT_CHOICES, type SearchKind } from "#search/catalog.ts";
import { listZones } from "../domain.server.ts";
import { DateTime } from "../components/datetime.tsx";
import { Money } from "../components/money.tsx";
import { isMessageKey } from "../i18n/index.ts";
import styles from "../styles/search.css";
import { db } from "../utils/challenges.server.ts";
import { safeHighlight } from "../utils/highlight.ts";
import { useLocale, useT } from "../utils/i18n.tsx";
import {
  availableKinds,
  parseSearchParams,
  runSearchPage,
  SEARCH_PAGE_SIZE,
  searchEngine,
  searchHref,
} from "../utils/search.server.ts";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

/** Field tags that contain a matched word (the engine marks them in the joined fieldTags text). */
function markedTags(html: string | undefined): string[] {
  if (!html) return [];
  const terms = [...html.matchAll(/<mark>(.*?)<\/mark>/g)].map((m) => m[1]!);
  const text = html.replace(/<\/?mark>/g, "");
  return text.split(" ").filter((tag) => terms.some((term) => term && tag.includes(term)));
}

export const meta: MetaFunction = () => [{ name: "robots", content: "noindex" }];

type KindView = Pick<SearchKind, "kind" | "labelKey" | "titleAttribute" | "snippetAttribute" | "amountAttribute"> & {
  facets: { param: string; attribute: string; valueKeyPrefix?: string | undefined; zone?: boolean | undefined }[];
  sorts: string[];
  linked: boolean;
};

// @public Search covers only what is public: the indexes hold published challenges and offers and
// public profile fields (search/indexes/), the same for everyone who asks.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const kinds = availableKinds();
  const parsed = parseSearchParams(url.searchParams, kinds);
  const page = await runSearchPage(searchEngine(context), parsed, kinds);
  const zones = await listZones({ db: db(context) });
  const { state } = parsed;
  const total = page.result?.total ?? 0;
  const pages = Math.max(1, Math.min(Math.ceil(total / SEARCH_PAGE_SIZE), Math.ceil(1000 / SEARCH_PAGE_SIZE)));
  const messages = [...parsed.messages, ...page.messages];
  return Response.json(
    {
      state,
      kinds: kinds.map((k): KindView => ({
        kind: k.kind,
        labelKey: k.labelKey,
        titleAttribute: k.titleAttribute,
        snippetAttribute: k.snippetAttribute,
        amountAttribute: k.amountAttribute,
        facets: k.facets.map((f) => ({ ...f })),
        sorts: ["relevance", ...Object.keys(k.sorts)],
        linked: !!k.href,
      })),
      counts: page.counts,
      hits: (page.result?.hits ?? []).map((h) => ({
        markedTags: markedTags(h.highlight?.fieldTags),
        id: String(h.document.id),
        href: parsed.kind.href ? parsed.kind.href(String(h.document.id)) : null,
        document: h.document,
        title: safeHighlight(
          h.highlight?.[parsed.kind.titleAttribute] ?? String(h.document[parsed.kind.titleAttribute] ?? ""),
        ),
        snippet: parsed.kind.snippetAttribute
          ? safeHighlight(h.highlight?.[parsed.kind.snippetAttribute] ?? "", 160)
          : "",
      })),
      total,
      facets: page.result?.facets ?? {},
      buckets: page.buckets,
      messages,
      pages,
      links: {
        prev: state.page > 1 ? searchHref(state, { page: state.page - 1 }) : null,
        next: state.page < pages ? searchHref(state, { page: state.page + 1 }) : null,
        tabs: Object.fromEntries(
          kinds.map((k) => [
            k.kind,
            searchHref(
              { ...state, facets: {}, amount: "", min: "", max: "", page: 1, sort: "relevance" },
              { kind: k.kind },
            ),
          ]),
        ),
        clear: searchHref({ ...state, facets: {}, amount: "", min: "", max: "", page: 1 }),
      },
      zones: Object.fromEntries(zones.map((z) => [z.code, { zh: z.nameZh, en: z.nameEn }])),
    },
    { status: messages.length > 0 && !page.result ? 400 : 200 },
  );
}

type Data = {
  state: {
    q: string;
    kind: string;
    facets: Record<string, string[]>;
    amount: string;
    min: string;
    max: string;
    sort: string;
    page: number;
  };
  kinds: KindView[];
  counts: Record<string, number>;
  hits: {
    markedTags: string[];
    id: string;
    href: string | null;
    document: Record<string, unknown>;
    title: string;
    snippet: string;
  }[];
  total: number;
  facets: Record<string, Record<string, number>>;
  buckets: { param: string; from: number; to: number | null; count: number }[];
  messages: { key: string; params?: Record<string, string | number> }[];
  pages: number;
  links: { prev: string | null; next: string | null; tabs: Record<string, string>; clear: string };
  zones: Record<string, { zh: string; en: string }>;
};

/** 10万 in Chinese, ¥100,000 in English. */
function wan(yuan: number, locale: string): string {
  return locale === "en" ? `¥${yuan.toLocaleString("en")}` : `${yuan / 10_000}万`;
}

export default function SearchPage() {
  const data = useLoaderData<Data>();
  const t = useT();
  const locale = useLocale();
  const submit = useSubmit();
  const kind = data.kinds.find((k) => k.kind === data.state.kind) ?? data.kinds[0]!;
  const label = (facet: KindView["facets"][number], value: string) => {
    if (facet.zone) {
      const zone = data.zones[value];
      return zone ? (locale === "en" ? zone.en : zone.zh) : value;
    }
    const key = facet.valueKeyPrefix ? `${facet.valueKeyPrefix}${value}` : "";
    return key && isMessageKey(key) ? t(key) : value;
  };
  const bucketLabel = (from: number, to: number | null) =>
    to === null
      ? t("search.amount.above", { from: wan(from, locale) })
      : from === 0
        ? t("search.amount.below", { to: wan(to, locale) })
        : t("search.amount.range", { from: wan(from, locale), to: wan(to, locale) });
  return (
    <>
      <h1>{data.state.q ? t("search.titleFor", { q: data.state.q }) : t("search.title")}</h1>
      <Form
        method="get"
        action="/search"
        className="search-page"
        id="search-form"
        onChange={(event) => {
          // With JavaScript a facet or the sort applies at once; without it, the button does.
          const target = event.target as HTMLInputElement;
          if (target.type === "checkbox" || target.type === "radio" || target.tagName === "SELECT")
            submit(event.currentTarget);
        }}
      >
        <input type="hidden" name="kind" value={kind.kind} />
        <div className="search-query">
          <label htmlFor="search-q" className="visually-hidden">
            {t("search.label")}
          </label>
          <input
            id="search-q"
            name="q"
            type="search"
            defaultValue={data.state.q}
            placeholder={t("search.placeholder")}
            maxLength={200}
          />
          <button type="submit" className="button">
            {t("search.submit")}
          </button>
        </div>

        {data.messages.length > 0 ? (
          <div className="alert error" role="alert" data-testid="search-messages">
            <ul>
              {data.messages.map((m, i) => (
                <li key={i}>{t(m.key, m.params)}</li>
              ))}
            </ul>
          </div>
        ) : null}

        <nav className="search-tabs" aria-label={t("search.kinds")}>
          {data.kinds.map((k) => (
            <Link
              key={k.kind}
              to={data.links.tabs[k.kind]!}
              aria-current={k.kind === kind.kind ? "page" : undefined}
              className={k.kind === kind.kind ? "active" : undefined}
            >
              {t(k.labelKey)}
              {data.counts[k.kind] !== undefined ? <span className="count">{data.counts[k.kind]}</span> : null}
            </Link>
          ))}
        </nav>

        <div className="search-layout">
          <aside className="search-facets" aria-label={t("search.facets")}>
            {kind.facets.map((facet) => {
              const counts = data.facets[facet.attribute] ?? {};
              const selected = data.state.facets[facet.param] ?? [];
              const values = [...new Set([...selected, ...Object.keys(counts)])]
                // Code-point order, not localeCompare: the server's and the browser's collations differ,
                // and the hydrated page must match the server's.
                .sort((a, b) => (counts[b] ?? 0) - (counts[a] ?? 0) || (a < b ? -1 : a > b ? 1 : 0))
                .slice(0, 12);
              if (values.length === 0) return null;
              return (
                <fieldset key={facet.param} className="facet">
                  <legend>{t(`search.facet.${facet.param}`)}</legend>
                  {values.map((value) => {
                    const id = `facet-${facet.param}-${value}`;
                    return (
                      <div key={value} className="facet-value">
                        <input
                          type="checkbox"
                          id={id}
                          name={facet.param}
                          value={value}
                          defaultChecked={selected.includes(value)}
                        />
                        <label htmlFor={id}>
                          {label(facet, value)} <span className="count">{counts[value] ?? 0}</span>
                        </label>
                      </div>
                    );
                  })}
                </fieldset>
              );
            })}
            {kind.amountAttribute ? (
              <fieldset className="facet">
                <legend>{t(kind.kind === "offers" ? "search.facet.price" : "search.facet.bounty")}</legend>
                <div className="facet-value">
                  <input type="radio" id="amount-any" name="amount" value="" defaultChecked={!data.state.amount} />
                  <label htmlFor="amount-any">{t("search.amount.any")}</label>
                </div>
                {data.buckets.map((b) => (
                  <div key={b.param} className="facet-value">
                    <input
                      type="radio"
                      id={`amount-${b.param}`}
                      name="amount"
                      value={b.param}
                      defaultChecked={data.state.amount === b.param}
                    />
                    <label htmlFor={`amount-${b.param}`}>
                      {bucketLabel(b.from, b.to)} <span className="count">{b.count}</span>
                    </label>
                  </div>
                ))}
                <div className="amount-inputs">
                  <label htmlFor="amount-min">{t("search.amount.min")}</label>
                  <input id="amount-min" name="min" type="text" inputMode="decimal" defaultValue={data.state.min} />
                  <label htmlFor="amount-max">{t("search.amount.max")}</label>
                  <input id="amount-max" name="max" type="text" inputMode="decimal" defaultValue={data.state.max} />
                </div>
              </fieldset>
            ) : null}
            <div className="actions">
              <button type="submit" className="button small">
                {t("search.apply")}
              </button>
              <Link to={data.links.clear} className="button secondary small">
                {t("search.clear")}
              </Link>
            </div>
          </aside>

          <section className="search-results" aria-labelledby="results-heading">
            <div className="results-bar">
              <h2 id="results-heading" className="m0 small" role="status">
                {t("search.count", { count: data.total })}
              </h2>
              <div className="field inline">
                <label htmlFor="search-sort">{t("search.sort")}</label>
                <select id="search-sort" name="sort" defaultValue={data.state.sort}>
                  {SEARCH_SORT_CHOICES.filter((s) => kind.sorts.includes(s)).map((s) => (
                    <option key={s} value={s}>
                      {t(`search.sort.${s}`)}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            {data.hits.length === 0 ? (
              <div className="empty">{t("search.empty")}</div>
            ) : (
              <ol className="search-hits" data-testid="search-hits">
                {data.hits.map((hit) => (
                  <li key={hit.id} className="search-hit">
                    <h3>
                      {hit.href ? (
                        <Link to={hit.href} dangerouslySetInnerHTML={{ __html: hit.title }} />
                      ) : (
                        <span dangerouslySetInnerHTML={{ __html: hit.title }} />
                      )}
                    </h3>
                    {hit.snippet ? <p className="snippet" dangerouslySetInnerHTML={{ __html: hit.snippet }} /> : null}
                    <HitMeta
                      marked={hit.markedTags}
                      kind={kind.kind}
                      document={hit.document}
                      zones={data.zones}
                      label={label}
                      facets={kind.facets}
                    />
                  </li>
                ))}
              </ol>
            )}
            {data.pages > 1 ? (
              <nav className="mt pager" aria-label={t("search.pages")}>
                {data.links.prev ? <Link to={data.links.prev}>{t("search.prev")}</Link> : null}
                <span>
                  {data.state.page} / {data.pages}
                </span>
                {data.links.next ? <Link to={data.links.next}>{t("search.next")}</Link> : null}
              </nav>
            ) : null}
          </section>
        </div>
      </Form>
    </>
  );
}

function HitMeta({
  marked,
  kind,
  document: d,
  facets,
  label,
}: {
  marked: string[];
  kind: string;
  document: Record<string, unknown>;
  zones: Data["zones"];
  facets: KindView["facets"];
  label: (facet: KindView["facets"][number], value: string) => string;
}) {
  const t = useT();
  const facet = (param: string) => facets.find((f) => f.param === param);
  const one = (param: string, value: unknown) => {
    const f = facet(param);
    return f && typeof value === "string" ? label(f, value) : null;
  };
  const many = (param: string, value: unknown) => {
    const f = facet(param);
    return f && Array.isArray(value) ? value.map((v) => label(f, String(v))).join(" · ") : null;
  };
  const seconds = (value: unknown) => (typeof value === "number" ? new Date(value * 1000).toISOString() : null);
  const parts: React.ReactNode[] = [];
  if (kind === "challenges") {
    parts.push(
      <span key="s" className="badge">
        {one("status", d.status)}
      </span>,
    );
    parts.push(<span key="i">{one("industry", d.industry)}</span>);
    parts.push(<span key="z">{one("zone", d.zone)}</span>);
    parts.push(
      <span key="o">
        {typeof d.organisationName === "string" ? d.organisationName : t("challenges.anonymousSeeker")}
      </span>,
    );
    if (typeof d.bountyFen === "number")
      parts.push(
        <span key="b">
          {t("challenges.bounty")}: <Money value={String(d.bountyFen)} />
        </span>,
      );
    const deadline = seconds(d.bidDeadline);
    if (deadline)
      parts.push(
        <span key="d">
          {t("challenges.deadline")}: <DateTime value={deadline} />
        </span>,
      );
  } else if (kind === "offers") {
    if (typeof d.ownerOrganisationName === "string") parts.push(<span key="o">{d.ownerOrganisationName}</span>);
    parts.push(<span key="i">{one("industry", d.industry)}</span>);
    parts.push(<span key="m">{many("deal", d.dealModes)}</span>);
    parts.push(
      <span key="p">
        {one("pricing", d.pricing)}
        {typeof d.priceFen === "number" ? (
          <>
            {" "}
            <Money value={String(d.priceFen)} />
          </>
        ) : null}
      </span>,
    );
    parts.push(<span key="z">{one("zone", d.zone)}</span>);
  } else if (kind === "people") {
    parts.push(<span key="r">{many("role", d.roles)}</span>);
    parts.push(<span key="z">{many("zone", d.zone)}</span>);
  } else {
    if (typeof d.type === "string") parts.push(<span key="t">{t(`orgType.${d.type}`)}</span>);
    parts.push(<span key="z">{one("zone", d.zone)}</span>);
    if (d.confirmed === false)
      parts.push(
        <span key="c" className="badge warning">
          {t("search.unconfirmed")}
        </span>,
      );
  }
  const fields = Array.isArray(d.fieldTags) ? (d.fieldTags as string[]) : [];
  return (
    <>
      <div className="meta">{parts}</div>
      {fields.length > 0 ? (
        <ul className="tags" aria-label={t("search.facet.field")}>
          {fields.map((f) => (
            <li key={f}>{marked.includes(f) ? <mark>{f}</mark> : f}</li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
