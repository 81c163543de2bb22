import { readFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import type { InjectorUnavailableReason } from '../../services/screen/ports.js';

export type DisplayProbe = { ok: true; display: string } | { ok: false; reason: InjectorUnavailableReason; message: string };

type Target = { display: string; number: string; unix: string | null; host: string | null; port: number };

/** Parses an X11 DISPLAY (":99", ":0.0", "unix:1", "localhost:10.0"); null when it is not one. */
export function parseDisplay(display: string): Target | null {
  const m = /^(?<host>[^:]*):(?<num>\d{1,5})(?:\.\d+)?$/.exec(display.trim());
  if (!m?.groups) return null;
  const host = m.groups.host!;
  const num = m.groups.num!;
  const local = host === '' || host === 'unix';
  return { display, number: num, unix: local ? `/tmp/.X11-unix/X${num}` : null, host: local ? null : host, port: 6000 + Number(num) };
}

/** The MIT-MAGIC-COOKIE-1 of a display from an Xauthority file, if any (binary format of libXau). */
export async function readXauthCookie(file: string, displayNumber: string, localHost = hostname()): Promise<Buffer | null> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch {
    return null;
  }
  let i = 0;
  const field = (): Buffer | null => {
    if (i + 2 > buf.length) return null;
    const len = buf.readUInt16BE(i);
    i += 2;
    if (i + len > buf.length) return null;
    const v = buf.subarray(i, i + len);
    i += len;
    return v;
  };
  let fallback: Buffer | null = null;
  while (i + 2 <= buf.length) {
    const family = buf.readUInt16BE(i);
    i += 2;
    const address = field();
    const number = field();
    const name = field();
    const data = field();
    if (!address || !number || !name || !data) break;
    if (name.toString('latin1') !== 'MIT-MAGIC-COOKIE-1') continue;
    const num = number.toString('latin1');
    if (num !== '' && num !== displayNumber) continue;
    // FamilyLocal (256) for this host, or FamilyWild (65535): the right cookie for a local socket.
    if (family === 65535 || (family === 256 && address.toString('latin1') === localHost)) return Buffer.from(data);
    fallback ??= Buffer.from(data);
  }
  return fallback;
}

const pad4 = (n: number) => (4 - (n % 4)) % 4;

/** The X11 connection setup request (little-endian), with an optional MIT cookie. */
function setupRequest(cookie: Buffer | null): Buffer {
  const name = cookie ? Buffer.from('MIT-MAGIC-COOKIE-1', 'latin1') : Buffer.alloc(0);
  const data = cookie ?? Buffer.alloc(0);
  const head = Buffer.alloc(12);
  head.writeUInt8(0x6c, 0); // 'l': little-endian
  head.writeUInt16LE(11, 2);
  head.writeUInt16LE(0, 4);
  head.writeUInt16LE(name.length, 6);
  head.writeUInt16LE(data.length, 8);
  return Buffer.concat([head, name, Buffer.alloc(pad4(name.length)), data, Buffer.alloc(pad4(data.length))]);
}

function openSocket(t: Target, abstract: boolean): Socket {
  if (t.unix) return connect({ path: abstract ? `\0${t.unix}` : t.unix });
  return connect({ host: t.host!, port: t.port });
}

/** Sends the setup request and reads the server's answer: 1 success, 0 failed (with reason), 2 authenticate. */
function handshake(
  t: Target,
  cookie: Buffer | null,
  abstract: boolean,
  timeoutMs: number,
): Promise<{ status: number; reason: string } | { error: string }> {
  return new Promise((resolve) => {
    const sock = openSocket(t, abstract);
    let got = Buffer.alloc(0);
    let done = false;
    const finish = (r: { status: number; reason: string } | { error: string }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ error: 'no answer from the X server' }), timeoutMs);
    sock.on('connect', () => sock.write(setupRequest(cookie)));
    sock.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length < 8) return;
      const status = got.readUInt8(0);
      const reasonLen = got.readUInt8(1);
      const reason = status === 0 && got.length >= 8 + reasonLen ? got.subarray(8, 8 + reasonLen).toString('latin1') : '';
      if (status === 0 && got.length < 8 + reasonLen) return;
      finish({ status, reason });
    });
    sock.on('error', (e: NodeJS.ErrnoException) => finish({ error: e.code ?? e.message }));
    sock.on('close', () => finish({ error: 'connection closed by the X server' }));
  });
}

/**
 * Confirms that an X server answers on DISPLAY (socket + X11 connection setup, with the
 * Xauthority cookie when there is one) without loading any native code. nut-js/libnut crashes
 * the whole process when it cannot open the display: call this first, every time on Linux.
 */
export async function probeX11Display(env: NodeJS.ProcessEnv = process.env, timeoutMs = 2_000): Promise<DisplayProbe> {
  const display = env.DISPLAY?.trim();
  if (!display) {
    if (env.WAYLAND_DISPLAY)
      return {
        ok: false,
        reason: 'wayland-only',
        message: 'Session Wayland sans serveur X (XWayland) : la prise en main n’est pas disponible.',
      };
    return { ok: false, reason: 'no-display', message: 'Aucun écran graphique (DISPLAY absent) : la prise en main n’est pas disponible.' };
  }
  const target = parseDisplay(display);
  if (!target) return { ok: false, reason: 'display-unreachable', message: `Écran « ${display} » non reconnu.` };
  const authFile = env.XAUTHORITY || join(env.HOME || homedir(), '.Xauthority');
  const cookie = await readXauthCookie(authFile, target.number);
  const attempts: Array<{ cookie: Buffer | null; abstract: boolean }> = [];
  for (const abstract of target.unix ? [false, true] : [false]) {
    if (cookie) attempts.push({ cookie, abstract });
    attempts.push({ cookie: null, abstract });
  }
  let last = '';
  for (const a of attempts) {
    const r = await handshake(target, a.cookie, a.abstract, timeoutMs);
    if ('status' in r && r.status === 1) return { ok: true, display };
    last = 'error' in r ? r.error : r.reason || `status ${r.status}`;
  }
  return {
    ok: false,
    reason: 'display-unreachable',
    message: `L’écran « ${display} » ne répond pas (${last}) : la prise en main n’est pas disponible.`,
  };
}
