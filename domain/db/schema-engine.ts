import fs from "node:fs";
import path from "node:path";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";
import type * as SchemaEngineBg from "@prisma/schema-engine-wasm/schema_engine_bg";

/**
 * Prisma's schema engine compiled to WebAssembly (@prisma/schema-engine-wasm, the build matching
 * the prisma CLI), driven through a driver adapter. The native engine that `prisma migrate` uses
 * cannot be downloaded on every machine; this one ships in node_modules —
 * docs/decisions/0003-offline-migrations.md.
 */
export type { SchemaEngine };

type BgModule = typeof SchemaEngineBg;

let loading: Promise<BgModule> | undefined;

/** Instantiates the WASM module once per process. */
function loadEngineModule(): Promise<BgModule> {
  loading ??= (async () => {
    const bgPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    // The package is ESM and imports the .wasm file as a module, which Node cannot do; load the
    // glue module ourselves and hand it the instance (what a bundler would generate).
    const bg = (await import(bgPath)) as BgModule;
    const bytes = fs.readFileSync(path.join(path.dirname(bgPath), "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, {
      "./schema_engine_bg.js": bg as unknown as WebAssembly.ModuleImports,
    });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return bg;
  })();
  return loading;
}

export interface SchemaFile {
  path: string;
  content: string;
}

/** Reads every `*.prisma` file of a schema folder (sorted, so output is stable). */
export function readSchemaFiles(schemaDir: string): SchemaFile[] {
  return fs
    .readdirSync(schemaDir)
    .filter((name) => name.endsWith(".prisma"))
    .sort()
    .map((name) => {
      const file = path.join(schemaDir, name);
      return { path: file, content: fs.readFileSync(file, "utf8") };
    });
}

/** The engine needs at least one schema file, if only to learn the provider. */
const DATASOURCE_ONLY: SchemaFile = {
  path: "datasource.prisma",
  content: 'datasource db {\n  provider = "postgresql"\n}\n',
};

export type EngineLog = (message: string) => void;

/**
 * Runs `fn` with a schema engine connected through `adapterFactory`, then frees the engine.
 * The factory must already be wrapped for migrations (domain/db/migrate.ts does that); it is
 * bound here with `bindMigrationAwareSqlAdapterFactory`, without which the engine cannot read
 * adapter errors.
 */
export async function withSchemaEngine<T>(
  options: { adapterFactory: SqlMigrationAwareDriverAdapterFactory; schemaFiles?: SchemaFile[]; log?: EngineLog },
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const bg = await loadEngineModule();
  const log = options.log ?? (() => {});
  const engine = await bg.SchemaEngine.new(
    {
      datamodels: (options.schemaFiles?.length ? options.schemaFiles : [DATASOURCE_ONLY]).map(
        (file) => [file.path, file.content] as [string, string],
      ),
    },
    (message: unknown) => log(String(message)),
    bindMigrationAwareSqlAdapterFactory(options.adapterFactory),
  );
  try {
    return await fn(engine);
  } finally {
    engine.free();
  }
}

/** The engine's version string, e.g. for the ADR and diagnostics. */
export async function schemaEngineVersion(): Promise<string> {
  return (await loadEngineModule()).version();
}
