import type { Request as ExpressRequest, RequestHandler, Response as ExpressResponse } from "express";
import type { Env } from "#domain/env.ts";
import { sendProblem, type Problem } from "./problem-page.ts";

/**
 * What every mutating request must pass before anything reads its body (ADR 0021):
 * - it comes from a page of this site: `Sec-Fetch-Site`, where the browser sends it, is
 *   same-origin, and `Origin`, where sent, names this host — the host Remix's own check in
 *   `throwIfPotentialCSRFAttack` compares with, so that check never throws (it would be a 500).
 *   `Origin: null` (sandboxed frames, or a page whose Referrer-Policy is no-referrer) is refused
 *   here with 403; our pages send `Referrer-Policy: same-origin`, so their forms carry their
 *   origin. The per-form token bound to the session (app/utils/csrf.server.ts) is the second line;
 * - its body is of a type a form sends (urlencoded or multipart), else 415;
 * - its declared length is within the route's limit, else 413 before a byte of it is read. A body
 *   without a length is counted while Remix reads it (server/remix-handler.ts).
 */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);

/** Forms: far above any form of the app (text fields are bounded by their schemas). */
export const FORM_BODY_LIMIT = 256 * 1024;
/** Multipart framing and the text fields beside the files. */
export const UPLOAD_OVERHEAD = 1024 * 1024;
/** The routes whose forms carry attachments (`readForm(…, uploadLimits(context))`). */
const UPLOAD_ROUTE = /^\/challenges\/(?:new|[^/]+\/(?:edit|bid))(?:\.data)?\/?$/;

export function bodyLimitFor(path: string, env: Pick<Env, "UPLOAD_MAX_BYTES">): number {
  return UPLOAD_ROUTE.test(path) ? env.UPLOAD_MAX_BYTES + UPLOAD_OVERHEAD : FORM_BODY_LIMIT;
}

export function isSameOrigin(req: ExpressRequest): boolean {
  const site = req.get("sec-fetch-site");
  if (site !== undefined && site !== "same-origin" && site !== "none") return false;
  const origin = req.get("origin");
  if (origin === undefined) return true;
  if (origin === "null") return false;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  const forwarded = req.get("x-forwarded-host")?.split(",")[0]?.trim();
  return originHost === (forwarded || req.get("host"));
}

/** Answers without reading the body, and closes the connection so that the rest is never read. */
export function refuseUnread(
  req: ExpressRequest,
  res: ExpressResponse,
  status: number,
  problem: Problem,
  details: { limit?: number; type?: string } = {},
): void {
  res.setHeader("Connection", "close");
  res.once("finish", () => req.destroy());
  sendProblem(req, res, status, problem, details);
}

export function requestGuards(env: Pick<Env, "UPLOAD_MAX_BYTES">): RequestHandler {
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    if (!isSameOrigin(req)) return refuseUnread(req, res, 403, "foreignOrigin");
    const type = (req.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    const declared = req.get("content-length");
    const hasBody = declared !== undefined ? Number(declared) > 0 : req.get("transfer-encoding") !== undefined;
    if (type ? !FORM_TYPES.has(type) : hasBody) {
      return refuseUnread(req, res, 415, "unsupportedType", { type: type || "—" });
    }
    const limit = bodyLimitFor(req.path, env);
    if (declared !== undefined && Number(declared) > limit) return refuseUnread(req, res, 413, "tooLarge", { limit });
    next();
  };
}
