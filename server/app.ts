import crypto from "node:crypto";
import path from "node:path";
import compression from "compression";
import express, { type Express } from "express";
import helmet from "helmet";
import { pinoHttp } from "pino-http";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import type { Services } from "./services.ts";
import { withDatabaseOutageResponses } from "./database-outage.ts";
import { checkHealth } from "./health.ts";

/**
 * The HTTP layer: security headers, logs, static files, /healthz and the Remix handler.
 * Every request gets a CSP nonce; Remix's inline scripts carry it (app/entry.server.tsx).
 */
export function createApp(options: { services: Services; build: ServerBuild | (() => Promise<ServerBuild>) }): Express {
  const { services } = options;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");

  app.use(
    pinoHttp({
      logger: services.log,
      autoLogging: { ignore: (req) => req.url?.startsWith("/build/") ?? false },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? "error" : "info"),
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
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
      strictTransportSecurity: services.env.NODE_ENV === "production",
    }),
  );
  app.use(compression());

  // A cross-site POST is refused before any form is read; the per-form CSRF token
  // (app/utils/csrf.server.ts) is the second line.
  app.use((req, res, next) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
    const origin = req.get("origin");
    if (origin && origin !== "null") {
      const host = req.get("host");
      let originHost: string | undefined;
      try {
        originHost = new URL(origin).host;
      } catch {
        originHost = undefined;
      }
      if (originHost !== host) {
        res.status(403).type("text/plain; charset=utf-8").send("跨站请求已拒绝 / Cross-site request refused");
        return;
      }
    }
    next();
  });

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
      build:
        typeof options.build === "function"
          ? async () => withDatabaseOutageResponses(await (options.build as () => Promise<ServerBuild>)(), services.log)
          : withDatabaseOutageResponses(options.build, services.log),
      mode: services.env.NODE_ENV,
      getLoadContext: (req, res) => ({ services, cspNonce: res.locals.cspNonce as string, clientIp: req.ip }),
    }),
  );
  return app;
}
