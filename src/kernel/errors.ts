/**
 * Expected failures are values with snake_case codes that read as sentences (`insufficient_funds`).
 * A domain function either returns a Result or throws a DomainError; the API maps the error's kind
 * to an HTTP status. Impossible states are assertions (see assert.ts), never DomainErrors.
 */
export type ErrorKind =
  | 'invalid' // 400: the request itself is malformed
  | 'unauthenticated' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'conflict' // 409: clashes with the current state (ids, idempotency keys, versions)
  | 'too_large' // 413
  | 'rule' // 422: well-formed, but a business rule refuses it
  | 'rate_limited' // 429
  | 'unavailable'; // 503: a dependency is down; retrying later may succeed

export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
    message?: string,
    readonly details?: unknown,
  ) {
    super(message ?? code.replaceAll('_', ' '));
  }
}

export const invalid = (code: string, message?: string, details?: unknown) =>
  new DomainError(code, 'invalid', message, details);
export const notFound = (code: string, message?: string, details?: unknown) =>
  new DomainError(code, 'not_found', message, details);
export const conflict = (code: string, message?: string, details?: unknown) =>
  new DomainError(code, 'conflict', message, details);
export const ruleViolation = (code: string, message?: string, details?: unknown) =>
  new DomainError(code, 'rule', message, details);

export type Result<T, E = string> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });

/** Unwraps a Result whose error is a code, throwing it as an `invalid` DomainError. */
export function unwrapOrInvalid<T>(result: Result<T, string>, message?: string, details?: unknown): T {
  if (result.ok) return result.value;
  throw invalid(result.error, message, details);
}

/**
 * Text PostgreSQL can store: no NUL character, and no unpaired UTF-16 surrogate (which would come
 * back as U+FFFD and no longer compare equal to what was sent).
 */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && (text as string & { isWellFormed(): boolean }).isWellFormed();
}
