const BASE = "http://app.invalid";

/**
 * Where to go after login and the like: only a path on this site. The value is parsed as a URL
 * against the app's own origin (WHATWG parsing strips tab, CR and LF and treats a backslash as `/`, as
 * browsers do), and followed only when the origin stays the same; the path, query and fragment
 * of the parsed URL are returned, so what the browser follows is what was checked.
 */
export function safeRedirectPath(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || !value.startsWith("/")) return fallback;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  const path = url.pathname + url.search + url.hash;
  // A path that still starts with two slashes would be protocol-relative in a Location header.
  if (!path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")) return fallback;
  return path;
}
