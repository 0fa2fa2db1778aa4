import type { Services } from "./services.ts";

/** The demo seed's addresses (prisma/seed.ts); its password is published in README.md. */
const DEMO_DOMAIN = "@demo.jiebang.cn";

/**
 * Said once at start when the database holds the demo accounts: anyone who reads the README can
 * sign in as them, the platform admin included (ADR 0021).
 */
export async function warnAboutDemoLogins(services: Services): Promise<void> {
  const count = await services.database.prisma.user.count({ where: { email: { endsWith: DEMO_DOMAIN } } });
  if (count === 0) return;
  services.log.warn(
    { demoAccounts: count, host: services.env.HOST },
    `demo logins with a published password are enabled (${count} accounts ${DEMO_DOMAIN}, password in README.md): do not expose this server`,
  );
}
