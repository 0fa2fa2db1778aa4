import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "../utils/auth.server.ts";
import { useLoaderData } from "@remix-run/react";
import { listDevMailbox } from "../domain.server.ts";
import { DateTime } from "../components/datetime.tsx";
import { useT } from "../utils/i18n.tsx";

/**
 * Outside production only, and then only for signed-in platform admins: it stands in for the mail
 * server, and every reset and invitation link in it takes over an account (ADR 0021). Anonymous
 * visitors are sent to log in; anyone else gets 404, as in production, where it does not exist.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  if (context.services.env.NODE_ENV === "production") throw new Response(null, { status: 404 });
  const current = await requireUser(request, context);
  if (!current.actor.roles.includes("platform_admin")) throw new Response(null, { status: 404 });
  const to = new URL(request.url).searchParams.get("to") ?? undefined;
  const messages = await listDevMailbox({ db: context.services.database.prisma, to, limit: 50 });
  return {
    messages: messages.map((m) => ({
      id: m.id,
      to: m.to,
      subject: m.subject,
      text: m.text,
      createdAt: m.createdAt.toISOString(),
    })),
  };
}

export default function DevMailbox() {
  const { messages } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <h1>{t("mailbox.title")}</h1>
      <p className="muted">{t("mailbox.lead")}</p>
      {messages.length === 0 ? <div className="empty">{t("mailbox.empty")}</div> : null}
      {messages.map((m) => (
        <article className="panel" key={m.id} data-mail-to={m.to}>
          <h2>{m.subject}</h2>
          <p className="muted small">
            {t("mailbox.to")}: {m.to} · <DateTime value={m.createdAt} />
          </p>
          <pre className="mail">{linkify(m.text)}</pre>
        </article>
      ))}
    </>
  );
}

function linkify(text: string) {
  return text.split(/(https?:\/\/\S+)/g).map((part, index) =>
    /^https?:\/\//.test(part) ? (
      <a key={index} href={part}>
        {part}
      </a>
    ) : (
      part
    ),
  );
}
