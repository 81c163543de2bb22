import { z } from 'zod';

/**
 * Every boundary (IPC handler, socket handler, HTTP route) answers with this envelope.
 * Error codes are stable identifiers; `message` is a plain-language sentence (French by
 * default) safe to show, and UIs translate the code through i18n `errors.<CODE>`.
 */
export const ERROR_CODES = [
  'BAD_REQUEST', // payload failed the contract's schema
  'UNKNOWN_EVENT', // socket event or IPC method that does not exist
  'UNAUTHORIZED', // no or invalid credentials (token, session)
  'REVOKED', // device token revoked by the provider
  'FORBIDDEN', // authenticated but not allowed (another device's request, not assigned…)
  'NOT_FOUND',
  'CONFLICT', // state does not allow it (already accepted by someone else, already resolved…)
  'RATE_LIMITED',
  'INVALID_CODE', // enrollment code unknown
  'INVALID_CREDENTIALS', // login, password or TOTP wrong
  'TOTP_REQUIRED',
  'LOCKED_OUT', // too many failed logins: back-off in force
  'NOT_ENROLLED',
  'OFFLINE', // the hub cannot be reached right now
  'UNAVAILABLE', // a capability is not available on this machine (no display, no restic…)
  'TIMEOUT',
  'INTERNAL',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Optional machine-readable details: field paths for BAD_REQUEST, retryAfterMs for RATE_LIMITED/LOCKED_OUT. */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export type Ok<T> = { ok: true; data: T };
export type Err = { ok: false; error: ErrorBody };
export type Result<T> = Ok<T> | Err;

export function resultSchema<T extends z.ZodType>(data: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), data }),
    z.object({ ok: z.literal(false), error: ErrorBody }),
  ]);
}

export const ok = <T>(data: T): Ok<T> => ({ ok: true, data });
export const err = (code: ErrorCode, message: string, details?: Record<string, unknown>): Err => ({
  ok: false,
  error: details ? { code, message, details } : { code, message },
});

/** The one error type of the project: thrown inside services, turned into `Err` at boundaries. */
export class VigieError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'VigieError';
  }
  toBody(): ErrorBody {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

/** Turns anything thrown into an `Err`; unknown errors become INTERNAL without leaking internals. */
export function toErr(e: unknown): Err {
  if (e instanceof VigieError) return { ok: false, error: e.toBody() };
  return err('INTERNAL', 'Erreur interne. Réessayez dans un instant.');
}

/** Parses `input` with `schema`; a failure becomes a BAD_REQUEST VigieError listing the bad fields. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0];
  throw new VigieError(
    'BAD_REQUEST',
    first ? `Données invalides (${first.path || 'corps'} : ${first.message}).` : 'Données invalides.',
    { issues },
  );
}
