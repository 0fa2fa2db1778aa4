// Runs `prisma generate` offline. Prisma's native engines cannot be downloaded on our machines;
// generate does not need the schema engine but refuses to start without a path to one, so we
// point PRISMA_SCHEMA_ENGINE_BINARY at an existing file. See docs/decisions/0003-offline-migrations.md.
const { execFileSync } = require("node:child_process");
const path = require("node:path");
const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ||= process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE = "1";
env.CHECKPOINT_DISABLE = "1";
execFileSync(
  process.execPath,
  [path.join(__dirname, "..", "node_modules", "prisma", "build", "index.js"), "generate"],
  {
    stdio: "inherit",
    env,
    cwd: path.join(__dirname, ".."),
  },
);
