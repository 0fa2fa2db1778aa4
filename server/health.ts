import type { Services } from "./services.ts";

export interface HealthReport {
  ok: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

type Check = () => Promise<void>;

async function run(check: Check, timeoutMs: number): Promise<{ ok: boolean; detail?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** The database always; Redis and the search engine when they are configured. */
export async function checkHealth(services: Services, timeoutMs = 2_000): Promise<HealthReport> {
  const checks: Record<string, Check> = {
    database: async () => {
      await services.database.prisma.$queryRawUnsafe("SELECT 1");
    },
  };
  for (const [name, probe] of Object.entries(services.probes)) checks[name] = probe;
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => [name, await run(check, timeoutMs)] as const),
  );
  const result = Object.fromEntries(entries);
  return { ok: entries.every(([, r]) => r.ok), checks: result };
}
