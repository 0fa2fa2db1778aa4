import { z } from "zod";
import { searchIndexNames } from "#search/indexes/index.ts";
import { syncDocument } from "#search/sync.ts";
import { defineJob } from "../jobs.ts";

/**
 * search.sync {index, id}: brings one document of one index in line with the database (upsert,
 * or delete when the record is gone or no longer public). Domain verbs enqueue it in the
 * transaction that changes the record: `enqueue(tx, "search.sync", { index: "challenges", id })`.
 */
export const searchSync = defineJob({
  name: "search.sync",
  payload: z.object({ index: z.enum(searchIndexNames), id: z.string().min(1).max(200) }),
  async process(payload, ctx) {
    if (!ctx.search) {
      // Embedded search: the index lives in the web process, which reads these rows as a change
      // feed (search/follow.ts); the job itself has nothing to do here.
      ctx.log.debug({ index: payload.index, id: payload.id }, "search.sync: embedded index follows the outbox");
      return;
    }
    const outcome = await syncDocument({ db: ctx.db, engine: ctx.search, index: payload.index, id: payload.id });
    ctx.log.debug({ index: payload.index, id: payload.id, outcome }, "search document synced");
  },
});
