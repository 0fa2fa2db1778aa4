import type { LoaderFunctionArgs } from "@remix-run/node";
import { safeHighlight } from "../utils/highlight.ts";
import { searchEngine, suggest } from "../utils/search.server.ts";

// @public Suggestions for the header's search box: the same public indexes as /search, a few
// titles per kind, as JSON (a resource route: no page).
export async function loader({ request, context }: LoaderFunctionArgs) {
  const q = new URL(request.url).searchParams.get("q") ?? "";
  const suggestions = await suggest(searchEngine(context), q);
  return Response.json(
    { q, suggestions: suggestions.map((s) => ({ ...s, html: safeHighlight(s.html) })) },
    { headers: { "Cache-Control": "private, max-age=30" } },
  );
}
