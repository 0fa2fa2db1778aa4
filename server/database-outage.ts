import type { ServerBuild } from "@remix-run/node";

/**
 * A request that meets a database outage (ADR 0026). Every domain verb runs in one database
 * transaction, so a request whose database connection failed changed nothing: the page says so,
 * and that trying again is safe, with status 503 — instead of the generic "出错了…请稍后再试",
 * after which a user cannot tell whether a payout happened.
 */
export const DATABASE_UNAVAILABLE = "database-unavailable";

const UNAVAILABLE_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const UNAVAILABLE_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
// SQLSTATE: connection exceptions, and a server shutting down or starting up.
const UNAVAILABLE_SQLSTATE = /^(08|57P0[123]$|53300$)/;
const UNAVAILABLE_ERRNO = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND"]);
const UNAVAILABLE_MESSAGE =
  /Can't reach database server|Connection terminated|connection error|timeout exceeded when trying to connect|terminating connection/i;

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown } } };
}

/** Whether an error (or one it wraps) says the database could not be reached or dropped the connection. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 5) return false;
  const e = error as ErrorLike;
  if (e.name === "PrismaClientInitializationError") return true;
  if (typeof e.code === "string" && (UNAVAILABLE_CODES.has(e.code) || UNAVAILABLE_ERRNO.has(e.code))) return true;
  const adapter = e.meta?.driverAdapterError?.cause;
  if (typeof adapter?.kind === "string" && UNAVAILABLE_KINDS.has(adapter.kind)) return true;
  if (typeof adapter?.code === "string" && UNAVAILABLE_SQLSTATE.test(adapter.code)) return true;
  if (typeof e.code === "string" && e.code.length === 5 && UNAVAILABLE_SQLSTATE.test(e.code)) return true;
  if (typeof e.message === "string" && UNAVAILABLE_MESSAGE.test(e.message)) return true;
  return isDatabaseUnavailable(e.cause, depth + 1);
}

type Handler = (args: unknown) => unknown;

/**
 * The build with every loader and action answering a database outage with a 503 response that
 * the root ErrorBoundary recognises (the generic error would reach it stripped of its cause).
 */
export function withDatabaseOutageResponses(
  build: ServerBuild,
  log: { warn(obj: object, msg?: string): void },
): ServerBuild {
  const wrap = (handler: Handler | undefined, route: string): Handler | undefined =>
    handler &&
    (async (args: unknown) => {
      try {
        return await handler(args);
      } catch (error) {
        if (!isDatabaseUnavailable(error)) throw error;
        log.warn({ route, err: error instanceof Error ? error.message : String(error) }, "database unavailable; 503");
        throw Response.json({ reason: DATABASE_UNAVAILABLE }, { status: 503 });
      }
    });
  const routes = Object.fromEntries(
    Object.entries(build.routes).map(([id, route]) => {
      const module = { ...route.module } as typeof route.module & { loader?: Handler; action?: Handler };
      const loader = wrap(module.loader, id);
      const action = wrap(module.action, id);
      return [id, { ...route, module: { ...module, ...(loader ? { loader } : {}), ...(action ? { action } : {}) } }];
    }),
  ) as ServerBuild["routes"];
  return { ...build, routes };
}
