import { useLocale } from "../utils/i18n.tsx";

const FORMATS = new Map<string, Intl.DateTimeFormat>();

/** Dates and times are shown in Asia/Shanghai, whatever the server's or browser's zone. */
export function formatDateTime(value: string | Date, locale: string): string {
  let format = FORMATS.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      timeZone: "Asia/Shanghai",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hour12: false,
    });
    FORMATS.set(locale, format);
  }
  return format.format(typeof value === "string" ? new Date(value) : value);
}

export function DateTime({ value }: { value: string | Date }) {
  const locale = useLocale();
  const iso = typeof value === "string" ? value : value.toISOString();
  return <time dateTime={iso}>{formatDateTime(value, locale)}</time>;
}
