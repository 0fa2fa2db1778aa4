import { isAppError } from "#domain/errors.ts";

/**
 * Runs a domain read for a loader: a refused permission becomes the 403 page naming it, a
 * missing record the 404 page, any other AppError below 500 (a bad cursor, a conflict) its own
 * status with the message key, which the error page shows in the user's language (app/root.tsx);
 * anything else propagates as a 500.
 */
export async function domainCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isAppError(error)) {
      if (error.code === "forbidden") throw Response.json({ permission: error.params.permission }, { status: 403 });
      if (error.code === "not_found") throw new Response(null, { status: 404 });
      if (error.code === "unauthenticated") throw new Response(null, { status: 401 });
      if (error.status < 500) {
        throw Response.json({ messageKey: error.messageKey, params: error.params }, { status: error.status });
      }
    }
    throw error;
  }
}
