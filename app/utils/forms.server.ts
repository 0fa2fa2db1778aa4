import { parseWithZod } from "@conform-to/zod/v4";
import type { AppLoadContext } from "@remix-run/node";
import type { z } from "zod";
import { isAppError } from "#domain/errors.ts";
import { readForm } from "./csrf.server.ts";

/** What an action returns when the form must be shown again: translation keys per field. */
export interface FormFailure {
  ok: false;
  formError?: { key: string; params?: Record<string, string | number> };
  fieldErrors: Record<string, string>;
  /** Placeholders for the field messages (a domain error names one field). */
  fieldParams?: Record<string, string | number>;
  values: Record<string, unknown>;
}

/**
 * Reads a mutating form: CSRF first, then the zod schema (messages are translation keys).
 * Returns the parsed value, or a 400 Response carrying the FormFailure for the page to show.
 */
export async function parseForm<Schema extends z.ZodType>(
  request: Request,
  context: AppLoadContext,
  schema: Schema,
): Promise<{ value: z.output<Schema>; values: Record<string, unknown> } | { failure: Response }> {
  const formData = await readForm(request, context);
  const submission = parseWithZod(formData, { schema });
  const values = valuesOf(submission.payload);
  if (submission.status !== "success") {
    const fieldErrors: Record<string, string> = {};
    for (const [name, messages] of Object.entries(submission.error ?? {})) {
      if (messages?.[0]) fieldErrors[name || "form"] = messages[0];
    }
    return { failure: failureResponse({ ok: false, fieldErrors, values, formError: { key: "form.fixErrors" } }) };
  }
  return { value: submission.value as z.output<Schema>, values };
}

function valuesOf(payload: Record<string, unknown>): Record<string, unknown> {
  // Never echo secrets back into the page.
  const { csrf: _csrf, password: _p, newPassword: _n, confirm: _c, ...rest } = payload;
  return rest;
}

export function failureResponse(failure: FormFailure, status = 400): Response {
  return Response.json(failure, { status });
}

/** Turns a domain AppError into the form failure the page shows; anything else is rethrown. */
export function appErrorResponse(error: unknown, values: Record<string, unknown>): Response {
  if (!isAppError(error)) throw error;
  if (error.code === "forbidden") throw Response.json({ permission: error.params.permission }, { status: 403 });
  const onAField = Object.keys(error.fieldErrors).length > 0;
  return failureResponse(
    {
      ok: false,
      // A message tied to a field is shown next to it; the top of the form only says to look.
      formError: onAField ? { key: "form.fixErrors" } : { key: error.messageKey, params: error.params },
      fieldErrors: error.fieldErrors,
      fieldParams: error.params,
      values,
    },
    error.status,
  );
}
