import {
  ChannelState,
  HTTP,
  LoginResponse,
  TechnicianSelf,
  UPDATES_API,
  UpdatesOverview,
  err,
  type HaltInput,
  type LoginBody,
  type Result,
  type RolloutInput,
} from '@vigie/common';
import { z } from 'zod';
import { parseResult } from './socket';
import type { Logger } from './log';

/** HTTP side of the hub used by the console: session cookie only, same origin. */
export interface Api {
  login(body: LoginBody): Promise<Result<TechnicianSelf>>;
  logout(): Promise<Result<unknown>>;
  /** The technician of the current session cookie (UNAUTHORIZED when there is none). */
  me(): Promise<Result<TechnicianSelf>>;
  /** Update feed, admins only: releases per channel, rollout, devices per version, recent reports. */
  updatesOverview(): Promise<Result<UpdatesOverview>>;
  /** Raises (or resumes) a channel's staged rollout. */
  setRollout(body: RolloutInput): Promise<Result<ChannelState>>;
  /** Halts a channel's rollout (0 %). */
  haltRollout(body: HaltInput): Promise<Result<ChannelState>>;
}

// /api/auth/me answers { technician } like login; a bare TechnicianSelf is accepted too.
const MeResponse = z.union([LoginResponse.transform((r) => r.technician), TechnicianSelf]);
const LoginAnswer = LoginResponse.transform((r) => r.technician);

const postJson = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export function createApi(opts: { base?: string; fetch?: typeof fetch; log: Logger }): Api {
  const base = opts.base ?? '';
  const doFetch = opts.fetch ?? ((input, init) => fetch(input, init));

  async function call<T>(path: string, init: RequestInit, schema: z.ZodType<T>): Promise<Result<T>> {
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        credentials: 'same-origin',
        ...init,
        headers: { accept: 'application/json', ...(init.headers ?? {}) },
      });
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
    login: (body) =>
      call(HTTP.login, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, LoginAnswer),
    logout: () => call(HTTP.logout, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }, z.unknown()),
    me: () => call(HTTP.me, { method: 'GET' }, MeResponse),
    updatesOverview: () => call(UPDATES_API.overview, { method: 'GET' }, UpdatesOverview),
    setRollout: (body) => call(UPDATES_API.rollout, postJson(body), ChannelState),
    haltRollout: (body) => call(UPDATES_API.halt, postJson(body), ChannelState),
  };
}
