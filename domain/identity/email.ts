import { z } from "zod";
import { AppError } from "../errors.ts";

const emailSchema = z.email();

/** Emails are stored and compared trimmed and lower-cased. */
export function normaliseEmail(input: string): string {
  return input.trim().toLowerCase();
}

/** Normalises and validates an email, or throws a field error on `email`. */
export function parseEmail(input: string, field = "email"): string {
  const email = normaliseEmail(input);
  if (email.length > 254 || !emailSchema.safeParse(email).success) {
    throw new AppError("bad_request", "errors.emailInvalid", { fieldErrors: { [field]: "errors.emailInvalid" } });
  }
  return email;
}
