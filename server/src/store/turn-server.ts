/**
 * A throwaway TURN relay: coturn's `turnserver` on a free loopback port, shared-secret auth
 * (`use-auth-secret` + `static-auth-secret`, the scheme the hub's TURN credentials use, see
 * server/src/screen/ice.ts), relaying on loopback only (`relay-ip=127.0.0.1`, `allow-loopback-peers`),
 * no CLI, no TLS/DTLS, its config, user database and verbose log (every allocation with its username)
 * in a temp directory, stopped and removed by `stop()`. For the remote-screen relay test, the
 * cluster demo and benchmarks; production runs coturn as a system service (docs/deploying.md).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { findProgram, stopper } from './throwaway.js';

export interface TurnServer {
  /** `turn:127.0.0.1:port?transport=udp` and `…?transport=tcp`. */
  urls: string[];
  port: number;
  /** coturn's static-auth-secret: the hub's `screen.turn.secret`. */
  secret: string;
  realm: string;
  /** First and last UDP port of the relay range. */
  relayPorts: { min: number; max: number };
  dir: string;
  /** Path of coturn's log (which allocations were made, refused credentials, …). */
  logFile: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The `turnserver` program: VIGIE_TURNSERVER, else on PATH. Null when there is none. */
export function findTurnServer(env: NodeJS.ProcessEnv = process.env): string | null {
  return findProgram('turnserver', 'VIGIE_TURNSERVER', env);
}

/** A STUN Binding request (RFC 5389): type 0x0001, no attributes, magic cookie, random transaction id. */
function bindingRequest(): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt16BE(0x0001, 0);
  b.writeUInt16BE(0, 2);
  b.writeUInt32BE(0x2112a442, 4);
  randomBytes(12).copy(b, 8);
  return b;
}

function readLog(logFile: string): string {
  try {
    return readFileSync(logFile, 'utf8').trim().slice(-1500);
  } catch {
    return '';
  }
}

/** coturn does not exit when its port is taken: it logs the failure and keeps trying to bind. */
const BIND_FAILED = /errno=98|Cannot bind/;

/**
 * Resolves once the server answers a STUN Binding request over TCP. Rejects with the log when it
 * exits first, or (killing it) with `busy: true` when it could not bind its port.
 */
function waitReady(port: number, child: ChildProcess, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      if (done) return;
      done = true;
      const log = readLog(logFile);
      reject(Object.assign(new Error(`turnserver exited (${code ?? signal}) before answering: ${log}`), { log }));
    };
    child.once('exit', onExit);
    const attempt = () => {
      if (done) return;
      const log = readLog(logFile);
      if (BIND_FAILED.test(log)) {
        done = true;
        child.off('exit', onExit);
        const fail = () => reject(Object.assign(new Error(`turnserver could not bind port ${port}: ${log}`), { log, busy: true }));
        if (child.exitCode !== null || child.signalCode !== null) return fail();
        child.once('exit', fail);
        child.kill('SIGKILL');
        return;
      }
      const request = bindingRequest();
      const sock = createConnection({ port, host: '127.0.0.1' });
      let buf = Buffer.alloc(0);
      sock.on('connect', () => sock.write(request));
      sock.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length < 20) return;
        sock.destroy();
        // 0x0101: Binding success response to our transaction.
        if (buf.readUInt16BE(0) === 0x0101 && buf.subarray(8, 20).equals(request.subarray(8, 20))) {
          if (done) return;
          done = true;
          child.off('exit', onExit);
          resolve();
        } else setTimeout(attempt, 50);
      });
      sock.on('error', () => {
        sock.destroy();
        setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export interface StartTurnServerOptions {
  /** coturn's realm (default `vigie.test`). */
  realm?: string;
  /** The shared secret (default: 32 random bytes, hex). */
  secret?: string;
  /** How many UDP ports the relay range holds (default 200; two per screen session are plenty). */
  relayPortCount?: number;
  /** Extra directives, one per line in the config file (`total-quota`: 10, `verbose`: true, …). */
  settings?: Record<string, string | number | true>;
}

/** A random relay range inside 20000–32767 (below Linux's ephemeral ports, so the kernel does not hand them out). */
function relayRange(count: number): { min: number; max: number } {
  const low = 20_000;
  const high = 32_767;
  const min = low + Math.floor(Math.random() * (high - low - count));
  return { min, max: min + count - 1 };
}

function configText(entries: Record<string, string | number | true>): string {
  return (
    Object.entries(entries)
      .map(([k, v]) => (v === true ? k : `${k}=${String(v)}`))
      .join('\n') + '\n'
  );
}

/** Starts a throwaway coturn on loopback. */
export async function startTurnServer(opts: StartTurnServerOptions = {}): Promise<TurnServer> {
  const bin = findTurnServer();
  if (!bin) throw new Error("no turnserver found: install Debian's coturn package (brew install coturn on macOS), or set VIGIE_TURNSERVER");
  const dir = mkdtempSync(join(tmpdir(), 'vigie-turn-'));
  const secret = opts.secret ?? randomBytes(32).toString('hex');
  const realm = opts.realm ?? 'vigie.test';
  const logFile = join(dir, 'turn.log');
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const relayPorts = relayRange(opts.relayPortCount ?? 200);
    const conf: Record<string, string | number | true> = {
      'listening-ip': '127.0.0.1',
      'listening-port': port,
      'relay-ip': '127.0.0.1',
      'min-port': relayPorts.min,
      'max-port': relayPorts.max,
      'use-auth-secret': true,
      'static-auth-secret': secret,
      realm,
      fingerprint: true,
      'allow-loopback-peers': true,
      'no-multicast-peers': true,
      'no-cli': true,
      'no-tls': true,
      'no-dtls': true,
      'no-rfc5780': true,
      'no-software-attribute': true,
      userdb: join(dir, 'turndb'),
      pidfile: join(dir, 'turn.pid'),
      'log-file': logFile,
      'simple-log': true,
      'no-stdout-log': true,
      // Every allocation with its username (`… user <expiry:session>: incoming packet ALLOCATE processed, success`): tests read it.
      verbose: true,
      ...opts.settings,
    };
    const file = join(dir, 'turnserver.conf');
    writeFileSync(file, configText(conf), { mode: 0o600 });
    const child = spawn(bin, ['-c', file], { cwd: dir, stdio: 'ignore' });
    try {
      await waitReady(port, child, logFile);
    } catch (e) {
      if (attempt < 5 && (e as { busy?: boolean }).busy) {
        rmSync(logFile, { force: true });
        continue;
      }
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    return {
      urls: [`turn:127.0.0.1:${port}?transport=udp`, `turn:127.0.0.1:${port}?transport=tcp`],
      port,
      secret,
      realm,
      relayPorts,
      dir,
      logFile,
      process: child,
      stop: stopper(child, dir),
    };
  }
}
