import { z } from 'zod';
import { DeviceInfo, Id, LIMITS, TechnicianSelf } from './domain.js';

/** HTTP routes of the hub, with their bodies. Responses use the Result envelope. */
export const HTTP = {
  healthz: '/healthz',
  enroll: '/api/enroll',
  login: '/api/auth/login',
  logout: '/api/auth/logout',
  me: '/api/auth/me',
} as const;

/** Name of the technician session cookie (httpOnly, SameSite=Strict). */
export const SESSION_COOKIE = 'vigie_session';

export const EnrollBody = z.strictObject({
  code: z
    .string()
    .trim()
    .min(4)
    .max(LIMITS.enrollmentCode)
    .transform((s) => s.toUpperCase().replace(/[\s-]/g, '')),
  device: DeviceInfo,
});
export type EnrollBody = z.input<typeof EnrollBody>;

export const EnrollResponse = z.object({
  deviceId: Id,
  /** Shown once; the hub keeps only its hash. */
  token: z.string().min(32),
  practice: z.object({ id: Id, name: z.string() }),
});
export type EnrollResponse = z.infer<typeof EnrollResponse>;

export const LoginBody = z.strictObject({
  login: z.string().trim().min(1).max(LIMITS.login),
  password: z.string().min(1).max(LIMITS.password),
  totp: z
    .string()
    .trim()
    .regex(/^\d{6}$/, '6 chiffres attendus')
    .optional(),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const LoginResponse = z.object({ technician: TechnicianSelf });
export type LoginResponse = z.infer<typeof LoginResponse>;

export const HealthzResponse = z.object({ status: z.literal('ok'), version: z.string(), uptimeSeconds: z.number() });
