import type { LoaderFunctionArgs } from "@remix-run/node";
import { can } from "#domain/access/permissions.ts";
import { isAppError } from "#domain/errors.ts";
import { accountStatementCsv } from "../domain.server.ts";
import { requirePermission, requireUser } from "../utils/auth.server.ts";
import { parseDateRange, shanghaiToday } from "../utils/ledger.server.ts";

/**
 * The statement as CSV: `?org=` for an organisation's wallet (read:wallet:own), or `?address=`
 * for any account (read:ledger:any, the admin ledger). `from`/`to` as on the page.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await requireUser(request, context);
  const url = new URL(request.url);
  const range = parseDateRange(url);
  if (Object.keys(range.errors).length > 0) throw new Response(null, { status: 400 });
  let address: string;
  let label: string;
  const requested = url.searchParams.get("address");
  if (requested) {
    await requirePermission(request, context, "read:ledger:any");
    address = requested;
    label = requested.replace(/[^A-Za-z0-9_-]+/g, "-");
  } else {
    const orgId =
      url.searchParams.get("org") ??
      current.memberships.find((m) => can(current.actor, "read:wallet:own", { organisationId: m.organisation.id }))
        ?.organisation.id;
    await requirePermission(request, context, "read:wallet:own", { organisationId: orgId ?? "none" });
    const membership = current.memberships.find((m) => m.organisation.id === orgId);
    address = `org:${orgId}:wallet`;
    label = membership?.organisation.referenceCode ?? "wallet";
  }
  let body: string;
  try {
    body = await accountStatementCsv({ db: context.services.database.prisma, address, from: range.from, to: range.to });
  } catch (error) {
    if (!isAppError(error) || error.code !== "not_found") throw error;
    // A wallet never used has no account yet: an empty statement.
    body = "\uFEFFtransaction_id,posting,created_at,code,counterparty,amount_yuan,balance_yuan\r\n";
  }
  const period =
    range.fromText || range.toText
      ? `${range.fromText || "start"}_${range.toText || shanghaiToday()}`
      : shanghaiToday();
  const filename = `jiebang-statement-${label}-${period}.csv`;
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "private, no-store",
      // Replaces the page CSP of server/app.ts (one CSP header: server/remix-handler.ts).
      "Content-Security-Policy": "default-src 'none'; sandbox",
    },
  });
}
