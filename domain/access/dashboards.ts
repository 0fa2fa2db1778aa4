import type { Actor } from "./permissions.ts";

/** The dashboards the web app has, one per kind of user (DESIGN.md "Who uses it"). */
export const DASHBOARD_KINDS = [
  "platform_admin",
  "finance",
  "zone_officer",
  "enterprise",
  "university", // universities and research institutes (高校、科研院所) share one
  "service_provider",
  "researcher",
  "broker",
  "expert",
] as const;

export type DashboardKind = (typeof DASHBOARD_KINDS)[number];

/**
 * Which dashboards the actor sees, most specific first: the first is the one `/dashboard` opens.
 * Empty when the user belongs nowhere and holds no role (the dashboard then says what to do next).
 */
export function getDashboardKind(actor: Actor): DashboardKind[] {
  const kinds = new Set<DashboardKind>();
  for (const role of actor.roles) kinds.add(role);
  for (const m of actor.memberships) {
    switch (m.orgType) {
      case "enterprise":
        kinds.add("enterprise");
        break;
      case "university":
      case "research_institute":
        kinds.add("university");
        break;
      case "service_provider":
        kinds.add("service_provider");
        break;
      case "zone_administration":
        kinds.add("zone_officer");
        break;
      case "platform":
        break; // platform staff see what their personal roles give
    }
  }
  return DASHBOARD_KINDS.filter((k) => kinds.has(k));
}
