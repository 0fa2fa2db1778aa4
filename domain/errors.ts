/**
 * The one error class of the domain. Routes map `code` to an HTTP status and show `messageKey`
 * (a translation key) to the user; `params` fill the message's placeholders.
 */
export type AppErrorCode =
  | "bad_request" // input the user can correct
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict" // a state or idempotency conflict
  | "rate_limited"
  | "insufficient_funds"
  | "unavailable";

const STATUS: Record<AppErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  insufficient_funds: 422,
  unavailable: 503,
};

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly messageKey: string;
  readonly params: Record<string, string | number>;
  /** Field name → translation key, for form errors. */
  readonly fieldErrors: Record<string, string>;

  constructor(
    code: AppErrorCode,
    messageKey: string,
    options: { params?: Record<string, string | number>; fieldErrors?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(messageKey, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.messageKey = messageKey;
    this.params = options.params ?? {};
    this.fieldErrors = options.fieldErrors ?? {};
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
