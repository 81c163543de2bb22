import type { ErrorCode, Result } from '@vigie/common';

/** The HTTP status each error code stands for on every route of the hub (any other: 400). */
const STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  INVALID_CODE: 400,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  TOTP_REQUIRED: 401,
  REVOKED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  LOCKED_OUT: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** The HTTP status of an answer: 200, or the one of its error code. */
export const httpStatus = (r: Result<unknown>): number => (r.ok ? 200 : (STATUS[r.error.code] ?? 400));
