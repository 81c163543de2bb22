/**
 * Helpers for tests of every area that talk to a real hub (see createHub in app.ts).
 * Uses real HTTP and real socket.io clients; nothing here fakes the hub.
 */
import { TOTP, Secret } from 'otpauth';
import { io, type Socket } from 'socket.io-client';
import { HTTP, NS, type DeviceInfo, type Result } from '@vigie/common';

export type { Socket };

const totpFor = (secret: string) => new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });

/** The current 6-digit code for a TOTP secret (base32), or the one `stepOffset` periods away. */
export function totpNow(secret: string, stepOffset = 0): string {
  return totpFor(secret).generate({ timestamp: Date.now() + stepOffset * 30_000 });
}

/**
 * A code the hub takes for a period after `lastStep` (the period of this technician's last login;
 * 0: none yet), with that period: this period's code, else the next one's (in the hub's ±1 window),
 * else — both already used — it waits for the next period. The hub takes a code for the first
 * period of its window that gives those six digits (now, then before, then after:
 * server/src/services/auth.ts), and six digits repeat from one period to a neighbour once in a
 * million: such a code could be taken for a used period (a replay) and is never offered.
 */
export async function freshTotp(secret: string, lastStep = 0): Promise<{ code: string; step: number }> {
  const at = (step: number) => totpFor(secret).generate({ timestamp: step * 30_000 });
  for (;;) {
    const current = Math.floor(Date.now() / 30_000);
    for (const step of [current, current + 1]) {
      const code = at(step);
      if (step > lastStep && [step - 2, step - 1, step + 1].every((other) => at(other) !== code)) return { code, step };
    }
    await new Promise((r) => setTimeout(r, 30_000 - (Date.now() % 30_000) + 50));
  }
}

async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; result: Result<unknown>; setCookie: string[] }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const result = (await res.json()) as Result<unknown>;
  return { status: res.status, result, setCookie: res.headers.getSetCookie() };
}

/**
 * Logs a technician in (password + current TOTP) and returns the `Cookie` header value.
 * A TOTP code is accepted once per technician: when the current one was already used (another
 * login in the same 30 s), the next period's code (accepted by the ±1 window) is tried, then it
 * waits for a fresh period.
 */
export async function loginTechnician(hubUrl: string, login: string, password: string, totpSecret: string): Promise<string> {
  const deadline = Date.now() + 75_000;
  for (let attempt = 0; ; attempt++) {
    const offset = attempt === 1 ? 1 : 0;
    const { result, setCookie } = await postJson(hubUrl + HTTP.login, { login, password, totp: totpNow(totpSecret, offset) });
    if (result.ok) {
      const cookie = setCookie.map((c) => c.split(';')[0]!).find((c) => c.startsWith('vigie_session='));
      if (!cookie) throw new Error('login succeeded without a session cookie');
      return cookie;
    }
    if (result.error.code !== 'INVALID_CREDENTIALS' || Date.now() > deadline)
      throw new Error(`login failed: ${result.error.code} ${result.error.message}`);
    if (attempt >= 1) {
      const msToNextStep = 30_000 - (Date.now() % 30_000) + 50;
      await new Promise((r) => setTimeout(r, msToNextStep));
    }
  }
}

/** Enrolls a device with a practice code; returns its id and token. */
export async function enrollDevice(
  hubUrl: string,
  code: string,
  deviceInfo?: Partial<DeviceInfo>,
): Promise<{ deviceId: string; token: string }> {
  const device = { name: 'Poste test', os: 'linux', osVersion: 'Debian 12', model: 'Test', appVersion: '0.1.0', ...deviceInfo };
  const { result } = await postJson(hubUrl + HTTP.enroll, { code, device });
  if (!result.ok) throw new Error(`enroll failed: ${result.error.code} ${result.error.message}`);
  const data = result.data as { deviceId: string; token: string };
  return { deviceId: data.deviceId, token: data.token };
}

function connected(socket: Socket, timeoutMs = 60_000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('socket connect timeout'));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', (e: Error & { data?: { code?: string } }) => {
      clearTimeout(timer);
      socket.close();
      const error = new Error(`socket refused: ${e.data?.code ?? e.message}`) as Error & { code?: string };
      error.code = e.data?.code;
      reject(error);
    });
  });
}

/** A connected `/device` socket (websocket transport, no automatic reconnection). */
export function connectDevice(hubUrl: string, token: string, opts: { reconnection?: boolean } = {}): Promise<Socket> {
  return connected(
    io(hubUrl + NS.device, { auth: { token }, transports: ['websocket'], reconnection: opts.reconnection ?? false, forceNew: true }),
  );
}

/** A connected `/tech` socket authenticated by the session cookie. */
export function connectTech(hubUrl: string, cookie: string, opts: { reconnection?: boolean } = {}): Promise<Socket> {
  return connected(
    io(hubUrl + NS.tech, { extraHeaders: { cookie }, transports: ['websocket'], reconnection: opts.reconnection ?? false, forceNew: true }),
  );
}

/** Emits with an ack and resolves with the hub's Result (rejects on timeout). */
export function emitAck<T = unknown>(socket: Socket, event: string, payload?: unknown, timeoutMs = 60_000): Promise<Result<T>> {
  return new Promise((resolve, reject) => {
    socket
      .timeout(timeoutMs)
      .emit(event, payload ?? {}, (e: Error | null, r: Result<T>) =>
        e ? reject(new Error(`no ack for ${event} within ${timeoutMs} ms`)) : resolve(r),
      );
  });
}

/** Resolves with the next `event` payload matching `predicate`. */
export function nextEvent<T = unknown>(
  socket: Socket,
  event: string,
  predicate: (payload: T) => boolean = () => true,
  timeoutMs = 60_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onEvent = (payload: T) => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      socket.off(event, onEvent);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      socket.off(event, onEvent);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on(event, onEvent);
  });
}

/**
 * Makes a test device's socket answer the hub's `event` calls itself: each call is parsed with `schema`,
 * kept, and acknowledged with `reply(call)` (not acknowledged when that is null). Returns the calls
 * received; answering again replaces the previous answerer.
 */
export function answerCalls<C>(socket: Socket, event: string, schema: { parse(raw: unknown): C }, reply: (call: C) => unknown): C[] {
  const calls: C[] = [];
  socket.removeAllListeners(event);
  socket.on(event, (raw: unknown, ack: (r: unknown) => void) => {
    const call = schema.parse(raw);
    calls.push(call);
    const r = reply(call);
    if (r !== null) ack(r);
  });
  return calls;
}
