import { Transform, type TransformCallback } from "node:stream";
import {
  createReadableStreamFromReadable,
  createRequestHandler as createRemixRequestHandler,
  writeReadableStreamToWritable,
  type AppLoadContext,
  type ServerBuild,
} from "@remix-run/node";
import type { NextFunction, Request as ExpressRequest, RequestHandler, Response as ExpressResponse } from "express";
import type { Logger } from "pino";
import { sendProblem } from "./problem-page.ts";

/**
 * Express → Remix, in place of `@remix-run/express` (ADR 0021), for three things it cannot do:
 * - the request body is counted while Remix reads it, and past the route's limit the client gets
 *   413 at once and the rest is not read (a Content-Length over the limit is refused earlier, in
 *   server/request-guards.ts);
 * - a header the route sets replaces the one helmet set (a download's own CSP is the only CSP),
 *   where `res.append` would send both;
 * - an unexpected error in a loader or action is logged with the request id and answered with a
 *   500 that says only that, and the id (`guardBuild`); Remix runs in its production mode outside
 *   tests, so no message or stack reaches the browser in development either.
 */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
    this.name = "BodyTooLargeError";
  }
}

class ByteCounter extends Transform {
  private received = 0;
  constructor(
    private readonly limit: number,
    private readonly onTooLarge: () => void,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.received += chunk.byteLength;
    if (this.received > this.limit) {
      this.onTooLarge();
      callback(new BodyTooLargeError(this.limit));
      return;
    }
    callback(null, chunk);
  }
}

function remixHeaders(req: ExpressRequest): Headers {
  const headers = new Headers();
  for (const [key, values] of Object.entries(req.headers)) {
    if (values === undefined) continue;
    if (Array.isArray(values)) for (const value of values) headers.append(key, value);
    else headers.set(key, values);
  }
  return headers;
}

function remixRequest(req: ExpressRequest, res: ExpressResponse, bodyLimit: number, onTooLarge: () => void): Request {
  // As @remix-run/express: req.hostname respects "trust proxy"; the port comes from the Host header.
  const [, forwardedPort] = req.get("X-Forwarded-Host")?.split(":") ?? [];
  const [, hostPort] = req.get("host")?.split(":") ?? [];
  const port = [forwardedPort, hostPort].map((p) => Number.parseInt(p ?? "", 10)).find(Number.isSafeInteger);
  const url = new URL(`${req.protocol}://${req.hostname}${port ? `:${port}` : ""}${req.originalUrl}`);
  let controller: AbortController | null = new AbortController();
  const init: RequestInit & { duplex?: "half" } = {
    method: req.method,
    headers: remixHeaders(req),
    signal: controller.signal,
  };
  if (req.method !== "GET" && req.method !== "HEAD") {
    const counter = new ByteCounter(bodyLimit, onTooLarge);
    req.on("error", (error) => counter.destroy(error));
    init.body = createReadableStreamFromReadable(req.pipe(counter));
    init.duplex = "half";
  }
  res.on("finish", () => (controller = null));
  res.on("close", () => controller?.abort());
  return new Request(url.href, init);
}

async function sendRemixResponse(res: ExpressResponse, response: Response): Promise<void> {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [key, value] of response.headers.entries()) {
    if (key === "set-cookie") continue;
    res.setHeader(key, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("Set-Cookie", cookies);
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}

export function createRequestHandler(options: {
  build: ServerBuild;
  mode: string;
  log: Logger;
  bodyLimit: (req: ExpressRequest) => number;
  getLoadContext: (req: ExpressRequest, res: ExpressResponse) => AppLoadContext;
}): RequestHandler {
  const handle = createRemixRequestHandler(guardBuild(options.build, options.log), options.mode);
  return (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    const limit = options.bodyLimit(req);
    let tooLarge = false;
    const refuse = () => {
      if (tooLarge) return;
      tooLarge = true;
      req.unpipe();
      if (!res.headersSent) {
        res.setHeader("Connection", "close");
        sendProblem(req, res, 413, "tooLarge", { limit });
      }
      res.once("finish", () => req.destroy());
    };
    void (async () => {
      const request = remixRequest(req, res, limit, refuse);
      const response = await handle(request, options.getLoadContext(req, res));
      if (tooLarge || res.headersSent) {
        await response.body?.cancel().catch(() => undefined);
        return;
      }
      await sendRemixResponse(res, response);
    })().catch((error: unknown) => {
      if (tooLarge) return;
      next(error);
    });
  };
}

type RouteFn = (args: { context: AppLoadContext; request: Request }) => unknown;

function isRouteAnswer(error: unknown): boolean {
  if (error instanceof Response) return true;
  // Remix's `data()` (single fetch) and its ErrorResponse are answers, not failures.
  return (
    typeof error === "object" &&
    error !== null &&
    ((error as { type?: unknown }).type === "DataWithResponseInit" || "internal" in error)
  );
}

/**
 * Wraps every loader and action: an unexpected error is logged with the request id and becomes a
 * thrown 500 Response carrying only that id, which the root ErrorBoundary shows (in the HTML page
 * and in a `.data` answer alike). A body over the limit is not an error of the route: 413 was sent.
 */
export function guardBuild(build: ServerBuild, log: Logger): ServerBuild {
  const guard = (fn: RouteFn | undefined, routeId: string, kind: string): RouteFn | undefined => {
    if (!fn) return undefined;
    return async (args) => {
      try {
        return await fn(args);
      } catch (error) {
        if (isRouteAnswer(error)) throw error;
        if (args.request.signal.aborted || error instanceof BodyTooLargeError) throw error;
        const requestId = args.context.requestId;
        log.error({ err: error, reqId: requestId, routeId, kind }, "unexpected error");
        throw Response.json({ unexpected: true, requestId }, { status: 500 });
      }
    };
  };
  const routes: ServerBuild["routes"] = {};
  for (const [id, route] of Object.entries(build.routes)) {
    if (!route) continue;
    const module: Record<string, unknown> = { ...route.module };
    for (const kind of ["loader", "action"] as const) {
      const guarded = guard(module[kind] as RouteFn | undefined, id, kind);
      if (guarded) module[kind] = guarded;
    }
    routes[id] = { ...route, module: module as unknown as typeof route.module };
  }
  return { ...build, routes };
}
