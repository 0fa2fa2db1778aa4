import type { DbOrTx } from "../db/client.ts";

/** Public head counts for the home page. */
export async function getPlatformCounts(options: {
  db: DbOrTx;
}): Promise<{ zones: number; organisations: number; users: number }> {
  const { db } = options;
  const [zones, organisations, users] = await Promise.all([db.zone.count(), db.organisation.count(), db.user.count()]);
  return { zones, organisations, users };
}
