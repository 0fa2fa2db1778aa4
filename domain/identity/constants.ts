// Shared with the browser bundle (the sign-up form): keep this file free of server-only imports.

/** Organisation types anyone may register; zone administrations and the platform are set up by an admin. */
export const SELF_SERVICE_ORG_TYPES = ["enterprise", "university", "research_institute", "service_provider"] as const;
/** Personal roles a user may declare at sign-up; finance and platform_admin are granted by an admin. */
export const SELF_DECLARED_ROLES = ["researcher", "broker", "expert"] as const;

export type Locale = "zh-CN" | "en";
