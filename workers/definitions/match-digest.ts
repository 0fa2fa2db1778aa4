import { z } from "zod";
import { sendMatchDigests } from "#domain/matching/digest.ts";
import { createEmbeddedSearchEngine } from "#search/embedded.ts";
import type { SearchEngine } from "#search/engine.ts";
import { reindexAll } from "#search/sync.ts";
import { defineJob } from "../jobs.ts";

/**
 * match.digest {threshold?}: every morning (08:00 Asia/Shanghai, workers/schedules.ts) tells
 * people about new matches above the threshold, in-app and by mail; once per person per day and
 * never the same match twice, however often it runs (domain/matching/digest.ts).
 *
 * With Meilisearch the shared engine is used. With the embedded engine the live index is in the
 * web process, out of this job's reach, so the job builds a private one from the database for the
 * run and drops it afterwards (a few seconds once a day; ADR 0014).
 */
export const matchDigest = defineJob({
  name: "match.digest",
  payload: z.object({ threshold: z.number().int().min(1).max(100).optional() }).passthrough(),
  async process(payload, ctx) {
    let engine: SearchEngine | undefined = ctx.search;
    let own = false;
    if (!engine) {
      engine = createEmbeddedSearchEngine();
      own = true;
      await reindexAll({ db: ctx.db, engine });
    }
    try {
      const result = await sendMatchDigests({
        db: ctx.db,
        search: engine,
        mail: ctx.mail,
        appUrl: ctx.env.APP_URL,
        now: ctx.now(),
        ...(payload.threshold ? { threshold: payload.threshold } : {}),
      });
      ctx.log.info(result, "match digest sent");
    } finally {
      if (own) await engine.close();
    }
  },
});
