import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listAuditEvents } from "../domain.server.ts";
import { DateTime } from "../components/datetime.tsx";
import { requireUser } from "../utils/auth.server.ts";
import { domainCall } from "../utils/domain.server.ts";
import { useT } from "../utils/i18n.tsx";

// Zone officers read their zone's events, platform admins all; listAuditEvents enforces it.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await requireUser(request, context);
  const cursor = new URL(request.url).searchParams.get("cursor") ?? undefined;
  const page = await domainCall(() =>
    listAuditEvents({ db: context.services.database.prisma, actor: current.actor, cursor, limit: 50 }),
  );
  return {
    events: page.events.map((e) => ({
      id: String(e.id),
      createdAt: e.createdAt.toISOString(),
      actorName: e.actorName ?? e.actorId,
      action: e.action,
      entity: `${e.entityType} ${e.entityId}`,
      ip: e.ip,
    })),
    nextCursor: page.nextCursor ?? null,
  };
}

export default function Audit() {
  const { events, nextCursor } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <h1>{t("audit.title")}</h1>
      <p className="muted">{t("audit.lead")}</p>
      {events.length === 0 ? (
        <div className="empty">{t("audit.empty")}</div>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">{t("audit.time")}</th>
                <th scope="col">{t("audit.actor")}</th>
                <th scope="col">{t("audit.action")}</th>
                <th scope="col">{t("audit.entity")}</th>
                <th scope="col">{t("audit.ip")}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id}>
                  <td>
                    <DateTime value={e.createdAt} />
                  </td>
                  <td>{e.actorName ?? t("audit.system")}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td className="small">{e.entity}</td>
                  <td className="small">{e.ip ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor ? (
        <p>
          <Link to={`?cursor=${encodeURIComponent(nextCursor)}`}>{t("audit.more")}</Link>
        </p>
      ) : null}
    </>
  );
}
