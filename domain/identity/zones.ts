import type { DbOrTx } from "../db/client.ts";

export interface ZoneSummary {
  id: string;
  code: string;
  nameZh: string;
  nameEn: string;
  province: string;
}

/** Every zone, for pickers (sign-up) and filters; ordered by code for a stable list. */
export async function listZones(options: { db: DbOrTx }): Promise<ZoneSummary[]> {
  return options.db.zone.findMany({
    orderBy: { code: "asc" },
    select: { id: true, code: true, nameZh: true, nameEn: true, province: true },
  });
}
