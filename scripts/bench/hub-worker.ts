/**
 * Child processes of the hub benchmark (scripts/bench/hub.ts):
 *   `hub <dataDir>`  runs one hub alone (so its RSS is its own), provisions a practice and a technician
 *   `bare`           runs the bare socket.io relay the hub is compared with (bare-relay.ts)
 *   `devices`        simulates many devices as real socket.io clients, driven over IPC
 */
import { randomUUID } from 'node:crypto';
import { constants, monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { HTTP, NS, type Result } from '@vigie/common';
import { io, type Socket } from 'socket.io-client';

const now = () => performance.timeOrigin + performance.now();
const send = (m: unknown) => {
  if (process.connected) process.send?.(m);
};
// The benchmark went away: nothing left to do.
process.on('disconnect', () => process.exit(0));

/**
 * The server process's event-loop delay and garbage-collection pauses, from `loop-reset` to
 * `loop-stats` (answered with the delay's p99 and max, and the pauses' count, total and longest, in ms),
 * and how much each of the server's `counters` grew meanwhile (a `most…` one: its value).
 */
function serveLoopStats(counters: () => Record<string, number> = () => ({})): void {
  let base = counters();
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  let gc: number[] = [];
  /** What the longest pause was: a minor GC (scavenge of the young generation), a major one (mark-sweep-compact)… */
  let gcMaxKind = '';
  const KINDS: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.push(e.duration);
      if (e.duration >= Math.max(...gc)) gcMaxKind = KINDS[(e as { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other';
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('message', (m: { type: string }) => {
    if (m.type === 'loop-reset') {
      h.reset();
      gc = [];
      gcMaxKind = '';
      base = counters();
    }
    if (m.type === 'loop-stats')
      send({
        type: 'loop-stats',
        p99: h.percentile(99) / 1e6,
        max: h.max / 1e6,
        gcCount: gc.length,
        gcTotal: gc.reduce((a, b) => a + b, 0),
        gcMax: gc.length ? Math.max(...gc) : 0,
        gcMaxKind,
        // Counts grow (their growth is reported); a `most…` is a high-water mark (reported as is).
        counters: Object.fromEntries(Object.entries(counters()).map(([k, v]) => [k, k.startsWith('most') ? v : v - (base[k] ?? 0)])),
      });
  });
}

async function runBare(): Promise<void> {
  const { startBareRelay } = await import('./bare-relay.js');
  const relay = await startBareRelay();
  serveLoopStats();
  send({ type: 'ready', url: relay.url, code: '', login: '', password: '', totpSecret: '', pid: process.pid });
  const stop = () => void relay.close().then(() => process.exit(0));
  process.on('message', (m: { type: string }) => {
    if (m.type === 'stop') stop();
  });
  process.on('SIGTERM', stop);
}

async function runHub(dataDir: string): Promise<void> {
  const { createHub } = await import('../../server/src/app.js');
  const { storeSyncStats } = await import('../../server/src/store/db.js');
  const hub = await createHub({ dataDir, port: 0, host: '127.0.0.1', logLevel: 'warn', consoleDir: `${dataDir}/no-console` });
  const practice = await hub.admin.createPractice({ name: 'Cabinet Bench' });
  const password = 'bench password long enough';
  const tech = await hub.admin.addTechnician({ login: 'bench', displayName: 'Bench Tech', password });
  serveLoopStats(() => ({ ...hub.realtime.queue.stats(), ...(storeSyncStats(hub.services.db) ?? {}) }));
  send({
    type: 'ready',
    url: hub.url,
    code: practice.enrollmentCode,
    login: 'bench',
    password,
    totpSecret: tech.totpSecret,
    pid: process.pid,
  });
  const stop = () => void hub.close().then(() => process.exit(0));
  process.on('message', (m: { type: string }) => {
    if (m.type === 'stop') stop();
  });
  process.on('SIGTERM', stop);
}

interface Dev {
  token: string;
  socket: Socket | null;
}

function ack<T>(socket: Socket, event: string, payload: unknown, timeoutMs = 30_000): Promise<Result<T>> {
  return new Promise((resolve) =>
    socket
      .timeout(timeoutMs)
      .emit(event, payload, (e: Error | null, r: Result<T>) =>
        resolve(e ? { ok: false, error: { code: 'TIMEOUT', message: e.message } } : r),
      ),
  );
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

function runDevices(): void {
  const devs: Dev[] = [];
  let url = '';
  const errors = new Map<string, number>();
  const countError = (k: string) => errors.set(k, (errors.get(k) ?? 0) + 1);

  process.on('message', (m: Record<string, unknown>) => {
    void handle(m).catch((e: unknown) => send({ type: 'error', message: String(e) }));
  });

  async function handle(m: Record<string, unknown>): Promise<void> {
    switch (m.type) {
      case 'enroll': {
        url = m.url as string;
        const count = m.count as number;
        const start = devs.length;
        const fresh = Array.from({ length: count }, (_, i) => start + i);
        let failed = 0;
        await pool(fresh, 16, async (i) => {
          const res = await fetch(url + HTTP.enroll, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              code: m.code,
              device: { name: `Poste ${m.prefix}-${i}`, os: 'windows', osVersion: '11', appVersion: '0.1.0' },
            }),
          }).catch(() => null);
          const r = res ? ((await res.json()) as Result<{ token: string }>) : null;
          if (r?.ok) devs[i] = { token: r.data.token, socket: null };
          else failed++;
        });
        send({ type: 'enrolled', failed, total: devs.filter(Boolean).length });
        return;
      }
      case 'connect': {
        // Connect every enrolled, not yet connected device at `rate` per second.
        const rate = m.rate as number;
        const todo = devs.map((d, i) => ({ d, i })).filter(({ d }) => d && !d.socket);
        let ok = 0;
        let failed = 0;
        const t0 = now();
        const progress = setInterval(() => send({ type: 'progress', ok, failed }), 1000);
        await pool(todo, Math.max(1, Math.ceil(rate / 10)), async ({ d }, k) => {
          const due = t0 + (k / rate) * 1000;
          if (due > now()) await new Promise((r) => setTimeout(r, due - now()));
          const socket = io(url + NS.device, {
            auth: { token: d.token },
            transports: ['websocket'],
            reconnection: false,
            forceNew: true,
            timeout: 30_000,
          });
          const res = await new Promise<string>((resolve) => {
            socket.once('connect', () => resolve('ok'));
            socket.once('connect_error', (e: Error & { data?: { code?: string }; description?: { message?: string } }) =>
              resolve(
                e.data?.code ??
                  (e.description && typeof e.description === 'object' ? String(e.description.message ?? e.message) : e.message),
              ),
            );
          });
          if (res === 'ok') {
            ok++;
            d.socket = socket;
            socket.on('disconnect', (reason) => {
              countError(`disconnect: ${reason}`);
              d.socket = null;
            });
          } else {
            failed++;
            countError(res);
            socket.close();
          }
        });
        clearInterval(progress);
        send({
          type: 'connected',
          ok,
          failed,
          ms: now() - t0,
          errors: Object.fromEntries(errors),
          open: devs.filter((d) => d?.socket).length,
        });
        return;
      }
      case 'help': {
        // Create help requests from the given devices, one every `intervalMs`.
        const indexes = m.indexes as number[];
        const out: Array<{ clientId: string; t0: number; ackMs: number; requestId: string | null; index: number; code: string }> = [];
        for (const index of indexes) {
          const d = devs[index];
          if (!d?.socket) continue;
          const clientId = randomUUID();
          const t0 = now();
          const r = await ack<{ request: { id: string } }>(d.socket, 'help:create', {
            clientId,
            context: { os: 'windows', osVersion: '11', appVersion: '0.1.0' },
          });
          out.push({
            clientId,
            t0,
            ackMs: now() - t0,
            requestId: r.ok ? r.data.request.id : null,
            index,
            code: r.ok ? 'OK' : r.error.code,
          });
          await new Promise((res) => setTimeout(res, m.intervalMs as number));
        }
        send({ type: 'helped', items: out });
        return;
      }
      case 'chat': {
        const items = m.items as Array<{ index: number; requestId: string }>;
        const out: Array<{ id: string; t0: number; code: string }> = [];
        for (let round = 0; round < (m.perRequest as number); round++) {
          for (const it of items) {
            const d = devs[it.index];
            if (!d?.socket) continue;
            const id = randomUUID();
            const t0 = now();
            const r = await ack(d.socket, 'chat:send', {
              requestId: it.requestId,
              id,
              text: `message ${round}`,
              sentAt: new Date().toISOString(),
            });
            out.push({ id, t0, code: r.ok ? 'OK' : r.error.code });
            await new Promise((res) => setTimeout(res, m.intervalMs as number));
          }
        }
        send({ type: 'chatted', items: out });
        return;
      }
      case 'close': {
        for (const d of devs) d?.socket?.close();
        send({ type: 'closed' });
        setTimeout(() => process.exit(0), 100);
        return;
      }
    }
  }
  send({ type: 'up' });
}

const role = process.argv[2];
if (role === 'hub') void runHub(process.argv[3]!);
else if (role === 'bare') void runBare();
else if (role === 'devices') runDevices();
else {
  process.stderr.write('usage: hub-worker.ts hub <dataDir> | bare | devices\n');
  process.exit(1);
}
