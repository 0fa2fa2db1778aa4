import path from "node:path";
import type { ServerBuild } from "@remix-run/node";
import { DataDirLockedError } from "#domain/db/lock.ts";
import { migrate } from "#domain/db/migrate.ts";
import { loadEnv } from "#domain/env.ts";
import { createApp } from "./app.ts";
import { warnAboutDemoLogins } from "./banner.ts";
import { devSessionSecret } from "./dev-secret.ts";
import { checkPort, describeListenError } from "./port.ts";
import { createServices, closeServices, type Services } from "./services.ts";

/**
 * `npm start`: migrate, seed demo data into an empty database (outside production), start the
 * job runner in-process when there is no Redis, and serve. SIGTERM/SIGINT close everything in
 * order: stop taking requests, stop jobs, close the database (PGlite must be closed).
 */
async function main() {
  const env = loadEnv();
  // Before the database and the job runner start: a busy port is one line, not a stack trace.
  const portProblem = await checkPort(env.PORT, env.HOST);
  if (portProblem) exitWith(portProblem);
  let services: Services;
  try {
    services = await createServices(env, {
      csrfSecret: env.SESSION_SECRET ?? devSessionSecret(),
    });
  } catch (error) {
    if (error instanceof DataDirLockedError) exitWith(error.message);
    throw error;
  }
  const { log } = services;
  try {
    const applied = await migrate(services.database);
    if (applied.length > 0) log.info({ applied }, "migrations applied");
    if (env.SEED_DEMO === "1" || (env.SEED_DEMO !== "0" && env.NODE_ENV !== "production")) {
      const { seedIfEmpty } = await import("../prisma/seed.ts");
      const seeded = await seedIfEmpty({ db: services.database.prisma, log });
      if (seeded) log.info("demo data seeded (logins in README.md)");
    }
    await services.start();
    await warnAboutDemoLogins(services);
  } catch (error) {
    log.fatal({ err: error }, "start-up failed");
    await closeServices(services);
    process.exit(1);
  }

  const buildPath = path.resolve("build", "index.js");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const build = require(buildPath) as ServerBuild;
  const app = createApp({ services, build });
  const server = app.listen(env.PORT, env.HOST, () => {
    log.info(`jiebang listening on http://${env.HOST}:${env.PORT} (database: ${services.databaseLabel})`);
  });
  server.once("error", (error) => {
    // Taken between the check above and now.
    log.fatal(describeListenError(error, env.PORT, env.HOST));
    void closeServices(services).finally(() => process.exit(1));
  });

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      log.error("shutdown took too long; exiting");
      process.exit(1);
    }, 15_000);
    force.unref();
    server.close(() => {
      void closeServices(services).then(
        () => process.exit(0),
        (error: unknown) => {
          log.error({ err: error }, "error while closing services");
          process.exit(1);
        },
      );
    });
    server.closeIdleConnections();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

function exitWith(line: string): never {
  console.error(line);
  process.exit(1);
}

void main();
