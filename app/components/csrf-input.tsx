import { useRouteLoaderData } from "@remix-run/react";

/** The hidden CSRF field every mutating form carries (app/utils/csrf.server.ts). */
export function CsrfInput() {
  const data = useRouteLoaderData<{ csrf: string }>("root");
  return <input type="hidden" name="csrf" value={data?.csrf ?? ""} />;
}
