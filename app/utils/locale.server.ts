import type { AppLoadContext } from "@remix-run/node";
import { DEFAULT_LOCALE, isLocale, translator, type Locale } from "../i18n/index.ts";
import { cookieSecurity, readCookie, serializeCookie } from "./cookies.server.ts";

const COOKIE = "jb_lang";

/** Chinese first: the locale is the user's explicit choice, else zh-CN. */
export function getLocale(request: Request): Locale {
  const value = readCookie(request, COOKIE);
  return isLocale(value) ? value : DEFAULT_LOCALE;
}

export function getTranslator(request: Request) {
  return translator(getLocale(request));
}

export function localeCookie(context: AppLoadContext, locale: Locale): string {
  // Not HttpOnly-sensitive, but nothing in the browser needs to read it either.
  return serializeCookie(COOKIE, locale, {
    secure: cookieSecurity(context).secure,
    maxAgeSeconds: 60 * 60 * 24 * 365,
  });
}
