/**
 * What the limits-*.test.ts files share: login and enrollment over real HTTP with the answer's code,
 * details and cookies, a tally of answer codes, and the audit rows of one action.
 */
import { HTTP, type Result } from '@vigie/common';
import type { TestHub } from './fixture.js';

export interface Answer {
  status: number;
  code: string;
  details: Record<string, unknown> | undefined;
  /** `name=value` of each Set-Cookie. */
  cookies: string[];
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const r = (await res.json()) as Result<unknown>;
  return {
    status: res.status,
    code: r.ok ? 'OK' : r.error.code,
    details: r.ok ? undefined : r.error.details,
    cookies: res.headers.getSetCookie().map((c) => c.split(';')[0]!),
  };
}

export const login = (t: TestHub, body: { login: string; password: string; totp?: string }, headers: Record<string, string> = {}) =>
  post(t.hub.url + HTTP.login, body, headers);
const device = { name: 'Poste accueil', os: 'linux', osVersion: '12', appVersion: '0.1.0' };
export const enroll = (t: TestHub, code: string, headers: Record<string, string> = {}) =>
  post(t.hub.url + HTTP.enroll, { code, device }, headers);

export function count(codes: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of codes) out[c] = (out[c] ?? 0) + 1;
  return out;
}

export async function auditRows(t: TestHub, action: string) {
  const rows = await t.hub.services.db
    .selectFrom('audit_log')
    .select(['subject', 'data'])
    .where('action', '=', action)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ subject: r.subject, data: JSON.parse(r.data) as Record<string, unknown> }));
}
