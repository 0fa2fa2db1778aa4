import path from "node:path";
import { defineConfig } from "prisma/config";

// Read process.env directly: prisma's env() throws when a variable is unset, and the
// embedded default (PGlite) is exactly the case where DATABASE_URL is unset.
export default defineConfig({
  schema: path.join("prisma", "schema"),
  migrations: { path: path.join("prisma", "migrations"), seed: "tsx prisma/seed.ts" },
  ...(process.env.DATABASE_URL ? { datasource: { url: process.env.DATABASE_URL } } : {}),
});
