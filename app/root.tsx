import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { CsrfInput } from "./components/csrf-input.tsx";
import { SearchBox } from "./components/search-box.tsx";
import { countUnreadNotifications } from "./domain.server.ts";
import { translator, type Locale } from "./i18n/index.ts";
import stylesheet from "./styles/app.css";
import searchBoxStyles from "./styles/search-box.css";
import { getOptionalUser } from "./utils/auth.server.ts";
import { getCsrfToken } from "./utils/csrf.server.ts";
import { getLocale } from "./utils/locale.server.ts";
import { useNonce } from "./utils/nonce.ts";
import { useT } from "./utils/i18n.tsx";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "stylesheet", href: searchBoxStyles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const locale = getLocale(request);
  const csrf = await getCsrfToken(request, context);
  const current = await getOptionalUser(request, context);
  // One indexed count per page view, for the unread badge in the header.
  const unread = current
    ? await countUnreadNotifications({ db: context.services.database.prisma, userId: current.user.id })
    : 0;
  const headers = new Headers();
  if (csrf.setCookie) headers.append("Set-Cookie", csrf.setCookie);
  return Response.json(
    {
      locale,
      csrf: csrf.token,
      user: current ? { id: current.user.id, name: current.user.name } : null,
      nav: current?.nav ?? [],
      unread,
      devMailbox: context.services.env.NODE_ENV !== "production" && !!current?.actor.roles.includes("platform_admin"),
    },
    { headers },
  );
}

export type RootData = {
  locale: Locale;
  csrf: string;
  user: { id: string; name: string } | null;
  nav: { to: string; labelKey: string }[];
  unread: number;
  devMailbox: boolean;
};

export function useRootData(): RootData | undefined {
  return useRouteLoaderData<RootData>("root");
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRootData();
  const nonce = useNonce();
  const locale = data?.locale ?? "zh-CN";
  const t = translator(locale);
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${t("app.name")} · ${t("app.fullName")}`}</title>
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          {t("app.skipToContent")}
        </a>
        {data ? <Header data={data} /> : null}
        <main id="main" className="container">
          {children}
        </main>
        <footer className="site-footer">
          <div className="container">
            <p>{t("footer.policy")}</p>
            <p>{t("footer.copyright")}</p>
          </div>
        </footer>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

function Header({ data }: { data: RootData }) {
  const t = useT();
  const location = useLocation();
  const next = location.pathname + location.search;
  return (
    <header className="site-header">
      <div className="container header-row">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            揭
          </span>
          <span>
            <strong>{t("app.name")}</strong>
            <small>{t("app.fullName")}</small>
          </span>
        </Link>
        <nav aria-label={t("nav.home")} className="main-nav">
          <Link to="/">{t("nav.home")}</Link>
          <Link to="/challenges">{t("nav.challenges")}</Link>
          <Link to="/offers">{t("nav.offers")}</Link>
          <Link to="/search">{t("nav.search")}</Link>
          {data.user ? <Link to="/dashboard">{t("nav.dashboard")}</Link> : null}
          {data.nav.map((item) => (
            <Link key={item.to} to={item.to}>
              {t(item.labelKey)}
            </Link>
          ))}
          {data.devMailbox ? <Link to="/dev/mailbox">{t("nav.mailbox")}</Link> : null}
        </nav>
        <SearchBox
          key={location.pathname === "/search" ? location.search : "box"}
          defaultValue={location.pathname === "/search" ? (new URLSearchParams(location.search).get("q") ?? "") : ""}
        />
        <div className="header-actions">
          <Form method="post" action="/lang" className="inline-form">
            <CsrfInput />
            <input type="hidden" name="locale" value={data.locale === "zh-CN" ? "en" : "zh-CN"} />
            <input type="hidden" name="next" value={next} />
            <button type="submit" className="link-button" lang={data.locale === "zh-CN" ? "en" : "zh-CN"}>
              {t("nav.switchTo")}
            </button>
          </Form>
          {data.user ? (
            <>
              <Link to="/inbox" className="inbox-link">
                {t("inbox.nav")}
                {data.unread > 0 ? (
                  <span className="unread-badge" aria-label={t("inbox.unreadCount", { count: data.unread })}>
                    {data.unread > 99 ? "99+" : data.unread}
                  </span>
                ) : null}
              </Link>
              <span className="muted">{t("nav.signedInAs", { name: data.user.name })}</span>
              <Form method="post" action="/logout" className="inline-form">
                <CsrfInput />
                <button type="submit" className="button secondary small">
                  {t("nav.logout")}
                </button>
              </Form>
            </>
          ) : (
            <>
              <Link to="/login" className="button secondary small">
                {t("nav.login")}
              </Link>
              <Link to="/signup" className="button small">
                {t("nav.signup")}
              </Link>
            </>
          )}
        </div>
      </div>
    </header>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const t = useT();
  const location = useLocation();
  if (isRouteErrorResponse(error)) {
    const data = typeof error.data === "object" && error.data ? (error.data as Record<string, unknown>) : {};
    if (error.status === 403 && data.reason === "csrf") {
      return (
        <section className="panel error-page" data-error="expired">
          <h1>{t("expired.title")}</h1>
          <p>{t("errors.csrf")}</p>
          <a href={location.pathname + location.search}>{t("expired.reload")}</a>
        </section>
      );
    }
    if (error.status >= 500) {
      return (
        <section className="panel error-page">
          <h1>{t("error.title")}</h1>
          <p>{t("error.body")}</p>
          {typeof data.requestId === "string" ? (
            <p className="muted small" data-request-id={data.requestId}>
              {t("error.requestId", { id: data.requestId })}
            </p>
          ) : null}
          <Link to="/">{t("error.back")}</Link>
        </section>
      );
    }
    if (error.status === 403) {
      const permission =
        typeof error.data === "object" && error.data ? (error.data as { permission?: string }).permission : undefined;
      return (
        <section className="panel error-page">
          <h1>{t("forbidden.title")}</h1>
          <p>{t("forbidden.body")}</p>
          {permission ? (
            <p>
              <strong>{t(`permissions.${permission}`)}</strong> <code>{permission}</code>
            </p>
          ) : typeof error.data === "string" ? (
            <p>{error.data}</p>
          ) : null}
          <p className="muted">{t("forbidden.hint")}</p>
          <Link to="/">{t("error.back")}</Link>
        </section>
      );
    }
    if (error.status === 503 && (error.data as { reason?: string } | null)?.reason === "database-unavailable") {
      return (
        <section className="panel error-page" role="alert">
          <h1>{t("error.databaseTitle")}</h1>
          <p>{t("error.databaseBody")}</p>
          <Link to="/">{t("error.back")}</Link>
        </section>
      );
    }
    if (error.status === 404) {
      return (
        <section className="panel error-page">
          <h1>{t("notFound.title")}</h1>
          <p>{t("notFound.body")}</p>
          <Link to="/">{t("error.back")}</Link>
        </section>
      );
    }
    // A 4xx from domainCall or a form reader: what was wrong with the request, in the user's language.
    const body: unknown = error.data;
    const message =
      typeof body === "object" && body && typeof (body as { messageKey?: unknown }).messageKey === "string"
        ? t((body as { messageKey: string }).messageKey, (body as { params?: Record<string, string | number> }).params)
        : error.status >= 400 && error.status < 500 && typeof body === "string" && body
          ? body
          : undefined;
    if (message) {
      return (
        <section className="panel error-page">
          <h1>{t("error.badRequest")}</h1>
          <p>{message}</p>
          <Link to="/">{t("error.back")}</Link>
        </section>
      );
    }
  }
  return (
    <section className="panel error-page">
      <h1>{t("error.title")}</h1>
      <p>{t("error.body")}</p>
      <Link to="/">{t("error.back")}</Link>
    </section>
  );
}
