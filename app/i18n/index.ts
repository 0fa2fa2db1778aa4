import { en } from "./en.ts";
import { zhCN, type MessageKey } from "./zh-CN.ts";

export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "zh-CN";
export type { MessageKey };

const DICTIONARIES: Record<Locale, Record<MessageKey, string>> = { "zh-CN": zhCN, en };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(zhCN, key);
}

export type Translate = (key: string, params?: Record<string, string | number>) => string;

/**
 * A translator for one locale. Domain errors carry keys (domain/errors.ts); an unknown key is
 * shown as-is so a missing translation is visible rather than silently blank.
 */
export function translator(locale: Locale): Translate {
  const dict = DICTIONARIES[locale];
  return (key, params) => {
    const template = isMessageKey(key) ? dict[key] : key;
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (match, name: string) =>
      Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : match,
    );
  };
}
