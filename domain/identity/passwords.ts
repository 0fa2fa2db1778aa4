import { type Algorithm, hash, verify } from "@node-rs/argon2";
import { AppError } from "../errors.ts";

// The package declares Algorithm as an ambient const enum, which isolatedModules cannot read;
// 2 is Argon2id in that enum, and the test checks hashes start with "$argon2id$".
const ARGON2ID = 2 as Algorithm.Argon2id;

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. */
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

/** The translation key of the first policy rule `password` breaks, or null. */
export function passwordPolicyError(password: string, context: { email?: string } = {}): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return "errors.passwordTooShort";
  if (length > PASSWORD_MAX_LENGTH) return "errors.passwordTooLong";
  if (new Set(password).size < 4) return "errors.passwordTooSimple";
  if (context.email && password.toLowerCase() === context.email.toLowerCase()) return "errors.passwordIsEmail";
  return null;
}

/** Throws a field error on `field` when the password breaks the policy. */
export function assertPasswordPolicy(password: string, context: { email?: string; field?: string } = {}): void {
  const key = passwordPolicyError(password, context);
  if (key) {
    throw new AppError("bad_request", key, {
      params: { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH },
      fieldErrors: { [context.field ?? "password"]: key },
    });
  }
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // a malformed stored hash never logs anyone in
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same work as a real verification, for an unknown email, so response time does not
 * tell which addresses have accounts. Always false.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword("jiebang-dummy-password-never-valid");
  await verifyPassword(await dummyHash, password);
  return false;
}
