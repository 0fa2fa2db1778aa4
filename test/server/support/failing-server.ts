/**
 * The real server build, served as server/start.ts serves it, with two routes replaced for the
 * tests of test/server/web-security.test.ts: the search loader fails as an unexpected bug would
 * (a TypeError naming a file), and the attachment download answers with its own CSP header.
 * Prints "ready <port>" once it listens. Run with tsx; the database is migrated, not seeded.
 */
import path from "node:path";
import type { ServerBuild } from "@remix-run/node";
import { migrate } from "#domain/db/migrate.ts";
import { loadEnv } from "#domain/env.ts";
import { createApp } from "../../../server/app.ts";
import { closeServices, createServices } from "../../../server/services.ts";

async function main() {
  const env = loadEnv();
  const services = await createServices(env, { csrfSecret: "t".repeat(40) });
  await migrate(services.database);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const build = require(path.resolve("build", "index.js")) as ServerBuild;
  const replace = (id: string, loader: () => unknown) => {
    const route = build.routes[id];
    if (!route) throw new Error(`no route ${id}`);
    return { ...route, module: { ...route.module, loader } };
  };
  const routes = {
    ...build.routes,
    "routes/search": replace("routes/search", () => {
      throw new TypeError("Cannot read properties of undefined (reading 'weight') at /work/secret/search/rank.ts:42");
    }),
    "routes/attachments.$id": replace(
      "routes/attachments.$id",
      () =>
        new Response("%PDF-1.4", {
          headers: { "Content-Type": "application/pdf", "Content-Security-Policy": "default-src 'none'; sandbox" },
        }),
    ),
  };
  const app = createApp({ services, build: { ...build, routes } as ServerBuild });
  const server = app.listen(env.PORT, "127.0.0.1", () => console.log(`ready ${env.PORT}`));
  process.on("SIGTERM", () => server.close(() => void closeServices(services).then(() => process.exit(0))));
}

void main();
