import { parseWithZod } from "@conform-to/zod/v4";
import type { AppLoadContext } from "@remix-run/node";
import { z } from "zod";
import { isAppError } from "#domain/errors.ts";
import { isMessageKey } from "../i18n/index.ts";
import { readForm, type UploadLimits } from "./csrf.server.ts";
import { getTranslator } from "./locale.server.ts";

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
  const repeated = repeatedFields(formData, listFieldsOf(schema));
  if (repeated.length > 0) {
    const fieldErrors = Object.fromEntries(repeated.map((name) => [name, "errors.form.repeated"]));
    return { failure: failureResponse({ ok: false, fieldErrors, values: {}, formError: { key: "form.fixErrors" } }) };
  }
  const submission = parseWithZod(formData, { schema });
  const values = valuesOf(submission.payload);
  if (submission.status !== "success") {
    const fieldErrors: Record<string, string> = {};
    for (const [name, messages] of Object.entries(submission.error ?? {})) {
      // zod's own messages (a wrong type, an unknown intent) are English sentences, not keys.
      const message = messages?.[0];
      if (message) fieldErrors[name || "form"] = isMessageKey(message) ? message : "form.invalid";
    }
    return { failure: failureResponse({ ok: false, fieldErrors, values, formError: { key: "form.fixErrors" } }) };
  }
  return { value: submission.value as z.output<Schema>, values };
}

/**
 * For the actions that read their FormData themselves (file uploads, long row forms): the CSRF
 * check, then a field expected once but sent twice is a 400 — never "the first value wins".
 * `lists` names the fields that may repeat (checkboxes, files).
 */
export async function readFormOnce(
  request: Request,
  context: AppLoadContext,
  options: { uploads?: UploadLimits; lists?: readonly string[] } = {},
): Promise<FormData> {
  const form = await readForm(request, context, options.uploads);
  const repeated = repeatedFields(form, new Set(options.lists ?? []));
  if (repeated.length > 0) {
    const t = getTranslator(request);
    throw new Response(t("errors.form.repeatedNamed", { fields: repeated.join(", ") }), {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  return form;
}

/** The fields of a form with attachments that repeat: the files chosen and the ones ticked for removal. */
export const FILE_FIELDS = ["attachments", "removeAttachment"] as const;

function repeatedFields(form: FormData, lists: ReadonlySet<string>): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const name of form.keys()) {
    if (seen.has(name) && !lists.has(name)) repeated.add(name);
    seen.add(name);
  }
  return [...repeated];
}

/** The top-level fields a schema declares as arrays: the only ones a form may send more than once. */
function listFieldsOf(schema: z.ZodType): Set<string> {
  const names = new Set<string>();
  const visit = (type: z.ZodType): void => {
    const inner = unwrap(type);
    if (inner instanceof z.ZodObject) {
      for (const [name, field] of Object.entries(inner.shape as Record<string, z.ZodType>)) {
        if (unwrap(field) instanceof z.ZodArray) names.add(name);
      }
    } else if (inner instanceof z.ZodUnion || inner instanceof z.ZodDiscriminatedUnion) {
      for (const option of inner.options as readonly z.ZodType[]) visit(option);
    }
  };
  visit(schema);
  return names;
}

function unwrap(type: z.ZodType): z.ZodType {
  let current = type;
  for (let i = 0; i < 10; i++) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodPrefault
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else break;
  }
  return current;
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
