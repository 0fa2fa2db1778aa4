import { redirect, type AppLoadContext } from "@remix-run/node";
import { can, type Actor, type Permission, type PermissionContext } from "#domain/access/permissions.ts";
import { getSessionUser, SESSION_ABSOLUTE_MS, type SessionUser } from "#domain/identity/sessions.ts";
import { cookieSecurity, readCookie, serializeCookie } from "./cookies.server.ts";

const COOKIE = "jb_session";
/** The cookie lives no longer than the session can (idle and absolute limits are enforced server-side). */
const SESSION_MAX_AGE = SESSION_ABSOLUTE_MS / 1000;

export interface CurrentUser extends SessionUser {
  actor: Actor;
  nav: { to: string; labelKey: string }[];
}

const cache = new WeakMap<Request, Promise<CurrentUser | null>>();

function sessionToken(request: Request, context: AppLoadContext): string | undefined {
  return readCookie(request, cookieSecurity(context).name(COOKIE));
}

export function sessionCookie(context: AppLoadContext, token: string): string {
  const security = cookieSecurity(context);
  return serializeCookie(security.name(COOKIE), token, { secure: security.secure, maxAgeSeconds: SESSION_MAX_AGE });
}

export function clearSessionCookie(context: AppLoadContext): string {
  const security = cookieSecurity(context);
  return serializeCookie(security.name(COOKIE), "", { secure: security.secure, maxAgeSeconds: 0 });
}

export function currentSessionToken(request: Request, context: AppLoadContext): string | undefined {
  return sessionToken(request, context);
}

/** Links in the header that depend on what the user may do. */
function navFor(actor: Actor): CurrentUser["nav"] {
  const nav: CurrentUser["nav"] = [];
  // 揭榜挂帅 itself is linked for everyone in the header; these are the workspaces.
  const seeker = actor.memberships.some((m) => m.orgType === "enterprise");
  if (seeker || can(actor, "bid:challenge:any") || actor.roles.includes("expert")) {
    nav.push({ to: "/challenges/mine", labelKey: "nav.myChallenges" });
  }
  if (actor.memberships.some((m) => m.orgType === "zone_administration"))
    nav.push({ to: "/zone", labelKey: "nav.zoneQueue" });
  if (actor.memberships.some((m) => m.orgType === "university" || m.orgType === "research_institute"))
    nav.push({ to: "/offers/mine", labelKey: "nav.myOffers" });
  if (can(actor, "broker:deal:any")) nav.push({ to: "/broker", labelKey: "nav.broker" });
  if (actor.memberships.some((m) => m.role !== "member")) nav.push({ to: "/members", labelKey: "nav.members" });
  if (can(actor, "read:audit:any") || actor.memberships.some((m) => m.orgType === "zone_administration")) {
    nav.push({ to: "/audit", labelKey: "nav.audit" });
  }
  if (can(actor, "read:jobs:any")) nav.push({ to: "/admin/jobs", labelKey: "nav.jobs" });
  if (actor.memberships.some((m) => can(actor, "read:wallet:own", { organisationId: m.organisationId }))) {
    nav.push({ to: "/wallet", labelKey: "nav.wallet" });
  }
  if (can(actor, "confirm:deposit:any")) nav.push({ to: "/finance", labelKey: "nav.finance" });
  if (can(actor, "read:ledger:any")) nav.push({ to: "/admin/ledger", labelKey: "nav.ledger" });
  return nav;
}

/** The signed-in user of this request, or null; looked up once per request. */
export function getOptionalUser(request: Request, context: AppLoadContext): Promise<CurrentUser | null> {
  let pending = cache.get(request);
  if (!pending) {
    pending = (async () => {
      const token = sessionToken(request, context);
      if (!token) return null;
      const found = await getSessionUser({ db: context.services.database.prisma, token });
      if (!found) return null;
      return { ...found, nav: navFor(found.actor) };
    })();
    cache.set(request, pending);
  }
  return pending;
}

export async function requireUser(request: Request, context: AppLoadContext): Promise<CurrentUser> {
  const current = await getOptionalUser(request, context);
  if (!current) {
    const url = new URL(request.url);
    throw redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return current;
}

/** Every protected loader and action goes through this one check; a refusal is a 403 naming the permission. */
export async function requirePermission(
  request: Request,
  context: AppLoadContext,
  permission: Permission,
  scope: PermissionContext = {},
): Promise<CurrentUser> {
  const current = await requireUser(request, context);
  if (!can(current.actor, permission, scope)) {
    throw Response.json({ permission }, { status: 403 });
  }
  return current;
}

/** The client's address as Express saw it (trusting only a proxy on loopback). */
export function clientIp(_request: Request, context: AppLoadContext): string | null {
  return context.clientIp ?? null;
}
