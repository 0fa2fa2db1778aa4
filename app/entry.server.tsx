import type { ActionFunctionArgs, AppLoadContext, EntryContext, LoaderFunctionArgs } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
// Not react-dom/server (renderToPipeableStream): in React 18.3 its writeStringChunk, when a string
// does not fit the rest of its 2 KB buffer (TextEncoder.encodeInto stops before a multi-byte
// character), writes the whole buffer — unused zero bytes included — instead of
// subarray(0, writtenBytes): NUL bytes in the HTML (issue 12, ADR 0028). The web-stream build
// encodes each chunk whole with TextEncoder.encode and runs on Node 20's global ReadableStream.
import { renderToReadableStream } from "react-dom/server.browser";
import { NonceContext } from "./utils/nonce.ts";

const ABORT_DELAY = 5_000;

/**
 * Errors of loaders and actions reach here only when the route guard (server/remix-handler.ts)
 * let them through: a request the client abandoned, or a body over the limit (413 already sent).
 */
export function handleError(error: unknown, { request }: LoaderFunctionArgs | ActionFunctionArgs) {
  if (request.signal.aborted) return;
  if (error instanceof Error && error.name === "BodyTooLargeError") return;
  console.error(error);
}

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce;
  const waitForAll = isbot(request.headers.get("user-agent") ?? "") || remixContext.isSpaMode;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ABORT_DELAY);
  let shellRendered = false;
  // Rejects on a shell error, as onShellError did.
  const body = await renderToReadableStream(
    <NonceContext.Provider value={nonce}>
      <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
    </NonceContext.Provider>,
    {
      nonce,
      signal: controller.signal,
      onError(error: unknown) {
        responseStatusCode = 500;
        if (shellRendered) console.error(error);
      },
    },
  );
  shellRendered = true;
  if (waitForAll) await body.allReady;
  body.allReady.then(
    () => clearTimeout(timer),
    () => clearTimeout(timer),
  );
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  return new Response(body, { headers: responseHeaders, status: responseStatusCode });
}
