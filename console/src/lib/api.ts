import { HTTP, LoginResponse, TechnicianSelf, err, type LoginBody, type Result } from '@vigie/common';
import { z } from 'zod';
import { parseResult } from './socket';
import type { Logger } from './log';

/** HTTP side of the hub used by the console: session cookie only, same origin. */
export interface Api {
  login(body: LoginBody): Promise<Result<TechnicianSelf>>;
  logout(): Promise<Result<unknown>>;
  /** The technician of the current session cookie (UNAUTHORIZED when there is none). */
  me(): Promise<Result<TechnicianSelf>>;
}

// /api/auth/me answers { technician } like login; a bare TechnicianSelf is accepted too.
const MeResponse = z.union([LoginResponse.transform((r) => r.technician), TechnicianSelf]);
const LoginAnswer = LoginResponse.transform((r) => r.technician);

export function createApi(opts: { base?: string; fetch?: typeof fetch; log: Logger }): Api {
  const base = opts.base ?? '';
  const doFetch = opts.fetch ?? ((input, init) => fetch(input, init));

  async function call<T>(path: string, init: RequestInit, schema: z.ZodType<T>): Promise<Result<T>> {
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, { credentials: 'same-origin', ...init, headers: { accept: 'application/json', ...(init.headers ?? {}) } });
    } catch {
      return err('OFFLINE', 'Hub injoignable.');
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      return err(res.status === 401 ? 'UNAUTHORIZED' : 'INTERNAL', 'Réponse inattendue du hub.');
    }
    return parseResult(body, schema, path, opts.log);
  }

  return {
    login: (body) => call(HTTP.login, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, LoginAnswer),
    logout: () => call(HTTP.logout, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }, z.unknown()),
    me: () => call(HTTP.me, { method: 'GET' }, MeResponse),
  };
}
