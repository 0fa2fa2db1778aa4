import crypto from "node:crypto";
import path from "node:path";
import compression from "compression";
import express, { type Express } from "express";
import helmet from "helmet";
import { pinoHttp } from "pino-http";
import type { ServerBuild } from "@remix-run/node";
import type { Services } from "./services.ts";
import { withDatabaseOutageResponses } from "./database-outage.ts";
import { checkHealth } from "./health.ts";
import { sendProblem } from "./problem-page.ts";
import { createRequestHandler } from "./remix-handler.ts";
import { bodyLimitFor, requestGuards } from "./request-guards.ts";

/**
 * The HTTP layer: security headers, logs, request guards, static files, /healthz and the Remix
 * handler (ADR 0021). Every request gets an id (in the log, the `X-Request-Id` header and any 5xx
 * page) and a CSP nonce; Remix's inline scripts carry it (app/entry.server.tsx).
 */
export function createApp(options: { services: Services; build: ServerBuild }): Express {
  const { services } = options;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");

  app.use(
    pinoHttp({
      logger: services.log,
      // Our own ids, never the client's (they are shown to users and searched for in the log).
      genReqId: (_req, res) => {
        const id = crypto.randomUUID();
        res.setHeader("X-Request-Id", id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url?.startsWith("/build/") ?? false },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? "error" : "info"),
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );

  app.use((_req, res, next) => {
    res.locals.cspNonce = crypto.randomBytes(16).toString("base64");
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          "default-src": ["'self'"],
          "script-src": ["'self'", (_req, res) => `'nonce-${(res as express.Response).locals.cspNonce as string}'`],
          "style-src": ["'self'"],
          "img-src": ["'self'", "data:"],
          "connect-src": ["'self'"],
          "form-action": ["'self'"],
          "frame-ancestors": ["'none'"],
          "base-uri": ["'self'"],
          "object-src": ["'none'"],
          "upgrade-insecure-requests": null,
        },
      },
      crossOriginEmbedderPolicy: false,
      // Not no-referrer: with it Chromium sends `Origin: null` on our own form posts (ADR 0021).
      referrerPolicy: { policy: "same-origin" },
      strictTransportSecurity: services.env.NODE_ENV === "production",
    }),
  );
  app.use(compression());

  app.use(requestGuards(services.env));

  app.get("/healthz", async (_req, res) => {
    const report = await checkHealth(services);
    res.status(report.ok ? 200 : 503).json(report);
  });

  const publicDir = path.resolve("public");
  app.use("/build", express.static(path.join(publicDir, "build"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(publicDir, { maxAge: "1h" }));

  app.all(
    "*",
    createRequestHandler({
      // Inside the generic error wrapper: a database outage is a 503 saying nothing changed (ADR 0026).
      build: withDatabaseOutageResponses(options.build, services.log),
      // Development is the default of `npm start`: it must not show stacks to visitors either.
      mode: services.env.NODE_ENV === "test" ? "test" : "production",
      log: services.log,
      bodyLimit: (req) => bodyLimitFor(req.path, services.env),
      getLoadContext: (req, res) => ({
        services,
        cspNonce: res.locals.cspNonce as string,
        clientIp: req.ip,
        requestId: String(req.id),
      }),
    }),
  );
  // Anything that escaped: logged with the request id, answered without details.
  app.use((error: unknown, req: express.Request, res: express.Response, _next: express.NextFunction) => {
    services.log.error({ err: error, reqId: req.id }, "unhandled error");
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendProblem(req, res, 500, "serverError");
  });
  return app;
}
