import type { LoaderFunctionArgs } from "@remix-run/node";
import { openAttachment } from "../domain.server.ts";
import { contentDisposition, storage } from "../utils/attachments.server.ts";
import { getOptionalUser } from "../utils/auth.server.ts";
import { db } from "../utils/challenges.server.ts";
import { now } from "../utils/clock.server.ts";
import { domainCall } from "../utils/domain.server.ts";

/**
 * Downloads one attachment. The domain decides who may read it (a public challenge's files are
 * public; a bid's are sealed like the bid); anyone else gets 404, as if it did not exist.
 * `X-Content-Type-Options: nosniff` comes from helmet (server/app.ts) on every response; setting
 * it here as well would send it twice.
 */
// @public a published public challenge's files are readable without an account; openAttachment checks access
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const current = await getOptionalUser(request, context);
  const file = await domainCall(() =>
    openAttachment({
      db: db(context),
      storage: storage(context),
      actor: current?.actor ?? null,
      attachmentId: params.id ?? "",
      now: now(),
    }),
  );
  return new Response(file.body, {
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(file.attachment.size),
      "Content-Disposition": contentDisposition(file.attachment.name),
      "Cache-Control": "private, no-store",
      "Content-Security-Policy": "default-src 'none'; sandbox",
    },
  });
}
