import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { challengeTitles, listNotifications, markNotificationRead, markNotificationsRead } from "../domain.server.ts";
import { CsrfInput } from "../components/csrf-input.tsx";
import { DateTime } from "../components/datetime.tsx";
import attachmentStyles from "../styles/attachments.css";
import { requireUser } from "../utils/auth.server.ts";
import { db, plain } from "../utils/challenges.server.ts";
import { now } from "../utils/clock.server.ts";
import { parseForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: attachmentStyles }];

/** Where a notification leads: the record it is about. */
function linkOf(entityType: string, entityId: string): string | null {
  if (entityType === "challenge") return `/challenges/${entityId}`;
  return null;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await requireUser(request, context);
  const unreadOnly = new URL(request.url).searchParams.get("unread") === "1";
  const { items, unread } = await listNotifications({
    db: db(context),
    userId: current.user.id,
    unreadOnly,
    limit: 100,
  });
  const titles = await challengeTitles({
    db: db(context),
    ids: [...new Set(items.filter((n) => n.entityType === "challenge").map((n) => n.entityId))],
  });
  return {
    unread,
    unreadOnly,
    items: plain(
      items.map((n) => ({
        id: n.id,
        event: n.event,
        params: Object.fromEntries(Object.entries(n.params).map(([k, v]) => [k, String(v)])),
        href: linkOf(n.entityType, n.entityId),
        subject: n.entityType === "challenge" ? (titles[n.entityId] ?? null) : null,
        readAt: n.readAt,
        createdAt: n.createdAt,
      })),
    ),
  };
}

const schema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("read"), id: z.string().min(1).max(64) }),
  z.object({ intent: z.literal("readAll") }),
]);

export async function action({ request, context }: ActionFunctionArgs) {
  const current = await requireUser(request, context);
  const parsed = await parseForm(request, context, schema);
  if ("failure" in parsed) return parsed.failure;
  const base = { db: db(context), userId: current.user.id, now: now() };
  if (parsed.value.intent === "read") await markNotificationRead({ ...base, notificationId: parsed.value.id });
  else await markNotificationsRead(base);
  const back = new URL(request.url);
  return redirect(`/inbox${back.searchParams.get("unread") === "1" ? "?unread=1" : ""}`);
}

export default function Inbox() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <h1>{t("inbox.title")}</h1>
      <div className="inbox-toolbar">
        <nav className="inbox-filters" aria-label={t("inbox.title")}>
          <Link to="/inbox" aria-current={data.unreadOnly ? undefined : "page"}>
            {t("inbox.filterAll")}
          </Link>
          <Link to="/inbox?unread=1" aria-current={data.unreadOnly ? "page" : undefined}>
            {t("inbox.filterUnread")} ({data.unread})
          </Link>
        </nav>
        {data.unread > 0 ? (
          <Form method="post">
            <CsrfInput />
            <input type="hidden" name="intent" value="readAll" />
            <button type="submit" className="button secondary small">
              {t("inbox.markAllRead")}
            </button>
          </Form>
        ) : null}
      </div>
      {data.items.length === 0 ? (
        <div className="empty">{t("inbox.empty")}</div>
      ) : (
        <ul className="inbox-list">
          {data.items.map((n) => (
            <li key={n.id} className={`inbox-item${n.readAt ? "" : " unread"}`}>
              <span className={n.readAt ? "badge" : "badge inbox-unread"}>
                {n.readAt ? t("inbox.read") : t("inbox.unread")}
              </span>
              <span className="inbox-text">
                {t(`notifications.${n.event}`, n.params)}
                {n.subject ? <span className="muted small"> · {n.subject}</span> : null}
              </span>
              <span className="muted small">
                <DateTime value={n.createdAt} />
              </span>
              {n.href ? <Link to={n.href}>{t("inbox.open")}</Link> : null}
              {n.readAt ? null : (
                <Form method="post">
                  <CsrfInput />
                  <input type="hidden" name="intent" value="read" />
                  <input type="hidden" name="id" value={n.id} />
                  <button type="submit" className="link-button">
                    {t("inbox.markRead")}
                  </button>
                </Form>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
