/**
 * Hub benchmark: `npm run bench:hub [-- --devices 5000 --workers 3 --help 300 --chat 500 --find-max]`
 * (or BENCH_DEVICES, BENCH_WORKERS, BENCH_HELP, BENCH_CHAT, BENCH_RATE, BENCH_FIND_MAX=1, BENCH_CEILING).
 *
 * One hub in its own process with a fresh data folder; simulated devices are real socket.io clients
 * spread over worker processes; one technician (this process) measures what it sees. `--bare` runs
 * the same load against a bare socket.io relay afterwards (bare-relay.ts) and prints both side by
 * side. `--hub-prof <dir>` writes the hub process's CPU profile there. Prints a table and one summary
 * line: `devices=… rss_kb_per_device=… help_p99_ms=… chat_p99_ms=…` (+ `bare_…` and the load average).
 *
 * The simulated devices run at a lower CPU priority (nice 10) than the hub and the technician: on a
 * machine of a few cores, three processes driving 15,000 sockets otherwise take the CPU from the
 * very hub they measure (and from the technician's clock), while a real fleet runs on its own
 * machines. `--same-priority` (BENCH_SAME_PRIORITY=1) runs them at the hub's priority, as before.
 * The technician applies the queue's changes (`queue:changed`) like the console; `--whole-queue`
 * (BENCH_WHOLE_QUEUE=1) asks for whole snapshots at each push instead, as consoles did before.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { ChatMessage, QueueChange, QueueSnapshot } from '@vigie/common';
import { io, type Socket } from 'socket.io-client';
import { NS } from '@vigie/common';
import { connectTech, emitAck, loginTechnician } from '../../server/src/test-support/sockets.js';
import { fdLimit, loadNow, openFds, rssKb, spawnChild, waitFor, type Kind, type Ready } from './hub-procs.js';
import { fmt, printReport, quantile, type Measured, type Step } from './hub-report.js';

const now = () => performance.timeOrigin + performance.now();

function arg(name: string, env: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : process.env[env];
  const n = v === undefined ? def : Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`bad value for --${name}: ${v}`);
  return n;
}
const N = arg('devices', 'BENCH_DEVICES', 5000);
const WORKERS = Math.max(1, arg('workers', 'BENCH_WORKERS', 3));
const HELP = arg('help', 'BENCH_HELP', 300);
const CHAT = arg('chat', 'BENCH_CHAT', 500);
const RATE = arg('rate', 'BENCH_RATE', 500); // connections per second, all workers together
const FIND_MAX = process.argv.includes('--find-max') || process.env.BENCH_FIND_MAX === '1';
const CEILING = arg('ceiling', 'BENCH_CEILING', 30_000);
const profAt = process.argv.indexOf('--hub-prof');
/** A folder for the hub process's CPU profile (node --cpu-prof), written when it stops. */
const PROF = profAt >= 0 ? process.argv[profAt + 1] : process.env.BENCH_HUB_PROF;
const BARE = process.argv.includes('--bare') || process.env.BENCH_BARE === '1';
const WHOLE_QUEUE = process.argv.includes('--whole-queue') || process.env.BENCH_WHOLE_QUEUE === '1';
const SAME_PRIORITY = process.argv.includes('--same-priority') || process.env.BENCH_SAME_PRIORITY === '1';
/** The simulated devices' niceness (see the header); the hub and the technician keep the default. */
const SIMULATOR_NICE = 10;

const log = (s: string) => process.stdout.write(`[bench] ${s}\n`);

/** The technician's socket: a logged-in session on the hub, a plain socket on the bare relay. */
async function technician(kind: Kind, ready: Ready): Promise<Socket> {
  if (kind === 'bare') {
    const s = io(ready.url + NS.tech, { transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve);
      s.once('connect_error', reject);
    });
    return s;
  }
  return connectTech(ready.url, await loginTechnician(ready.url, ready.login, ready.password, ready.totpSecret));
}

async function measure(kind: Kind): Promise<Measured> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigie-bench-'));
  const loadAtStart = loadNow();
  // Every simulated device enrolls from 127.0.0.1: lift the per-IP enrollment limit for this run.
  // The one technician socket stands for a whole team working the queue (an accept and a resolve per
  // request): lift the per-connection event rate too. Devices send a few events each, far below it.
  writeFileSync(
    join(dataDir, 'hub.json'),
    JSON.stringify({ enroll: { perMinutePerIp: 1_000_000, failuresPerMinutePerIp: 100 }, socket: { ratePerSecond: 1000, burst: 2000 } }),
  );
  const hubProc = spawnChild(
    kind === 'hub' ? ['hub', dataDir] : ['bare'],
    PROF && kind === 'hub' ? ['--cpu-prof', `--cpu-prof-dir=${PROF}`] : [],
  );
  const ready = await waitFor<Ready>(hubProc, 'ready');
  const hubPid = ready.pid;
  log(`${kind} ${ready.url} pid ${hubPid}, fd limit ${fdLimit(hubPid)}, load ${loadAtStart}`);

  const tech = await technician(kind, ready);
  // Like the console: the queue's changes rather than the whole queue at each push (--whole-queue: whole snapshots).
  await emitAck(tech, 'tech:hello', WHOLE_QUEUE ? {} : { queueChanges: true });
  let techBytes = 0;
  tech.io.engine.on('data', (d: unknown) => {
    techBytes += typeof d === 'string' ? Buffer.byteLength(d) : d instanceof ArrayBuffer ? d.byteLength : 0;
  });

  const workers = Array.from({ length: WORKERS }, () => spawnChild(['devices']));
  if (!SAME_PRIORITY) for (const w of workers) if (w.pid) setPriority(w.pid, SIMULATOR_NICE);
  await Promise.all(workers.map((w) => waitFor(w, 'up')));
  const perWorker = (n: number) => workers.map((_, i) => Math.floor(n / WORKERS) + (i < n % WORKERS ? 1 : 0));

  await new Promise((r) => setTimeout(r, 1000));
  const rssBase = rssKb(hubPid);

  // ---------- enroll + connect ----------
  const enrollT0 = now();
  const enrolled = await Promise.all(
    workers.map(
      (w, i) => (
        w.send({ type: 'enroll', url: ready.url, code: ready.code, count: perWorker(N)[i], prefix: i }),
        waitFor<{ failed: number; total: number }>(w, 'enrolled')
      ),
    ),
  );
  const enrollMs = now() - enrollT0;
  log(
    `enrolled ${enrolled.reduce((a, e) => a + e.total, 0)} devices in ${fmt(enrollMs / 1000)} s (${enrolled.reduce((a, e) => a + e.failed, 0)} failed)`,
  );

  const connectAll = async (rate: number) => {
    const t0 = now();
    const results = await Promise.all(
      workers.map(
        (w) => (
          w.send({ type: 'connect', rate: rate / WORKERS }),
          waitFor<{ ok: number; failed: number; open: number; errors: Record<string, number> }>(w, 'connected')
        ),
      ),
    );
    return {
      ms: now() - t0,
      ok: results.reduce((a, r) => a + r.ok, 0),
      failed: results.reduce((a, r) => a + r.failed, 0),
      open: results.reduce((a, r) => a + r.open, 0),
      errors: results.reduce<Record<string, number>>((acc, r) => {
        for (const [k, v] of Object.entries(r.errors)) acc[k] = (acc[k] ?? 0) + v;
        return acc;
      }, {}),
    };
  };
  const conn = await connectAll(RATE);
  log(`connected ${conn.ok} (failed ${conn.failed}) in ${fmt(conn.ms / 1000)} s`);
  await new Promise((r) => setTimeout(r, 3000));
  const rssConnected = rssKb(hubPid);
  const fdsConnected = openFds(hubPid);
  const online = conn.open;

  // ---------- help: create → visible to the technician ----------
  const seenQueue = new Map<string, number>();
  const seenUpdated = new Map<string, number>();
  const toAccept: string[] = [];
  const acceptedForChat: Array<{ requestId: string; clientId: string }> = [];
  const chatRequests = Math.min(20, HELP);
  // The console shows a request from whichever comes first: its own help:updated (at once) or a queue snapshot (paced).
  const toWork = new Set<string>();
  const work = (id: string) => {
    if (toWork.has(id)) return;
    toWork.add(id);
    toAccept.push(id);
  };
  const fromQueue = (requests: QueueSnapshot['requests']) => {
    const t = now();
    for (const r of requests) {
      if (r.status === 'waiting' && !seenQueue.has(r.clientId)) {
        seenQueue.set(r.clientId, t);
        work(r.id);
      }
    }
  };
  tech.on('queue:updated', (snap: QueueSnapshot) => fromQueue(snap.requests));
  tech.on('queue:changed', (c: QueueChange) => fromQueue(c.changed));
  tech.on('help:updated', (r: { id: string; clientId: string; status: string }) => {
    if (r.status === 'waiting' && !seenUpdated.has(r.clientId)) {
      seenUpdated.set(r.clientId, now());
      work(r.id);
    }
  });
  // The technician works the queue: accepts what arrives; keeps the first ones open for the chat phase, resolves the rest.
  let working = true;
  const workErrors: Record<string, number> = {};
  const workLoop = (async () => {
    while (working || toAccept.length) {
      const id = toAccept.shift();
      if (!id) {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      try {
        const a = await emitAck<{ clientId: string }>(tech, 'help:accept', { requestId: id }, 30_000);
        if (!a.ok) {
          workErrors[a.error.code] = (workErrors[a.error.code] ?? 0) + 1;
          continue;
        }
        if (acceptedForChat.length < chatRequests) acceptedForChat.push({ requestId: id, clientId: a.data.clientId });
        else await emitAck(tech, 'help:resolve', { requestId: id, note: 'bench' }, 30_000);
      } catch (e) {
        workErrors[String(e)] = (workErrors[String(e)] ?? 0) + 1;
      }
    }
  })();
  hubProc.send({ type: 'loop-reset' });
  techBytes = 0;
  // The technician's own event loop: what it adds to what it measures.
  const techLoop = monitorEventLoopDelay({ resolution: 5 });
  techLoop.enable();
  const helpT0 = now();
  const helpIdx = perWorker(HELP).map((count, w) =>
    Array.from({ length: count }, (_, k) => Math.floor((k * perWorker(N)[w]!) / Math.max(1, count))),
  );
  const helped = (
    await Promise.all(
      workers.map(
        (w, i) => (
          w.send({ type: 'help', indexes: helpIdx[i], intervalMs: 50 }),
          waitFor<{ items: Array<{ clientId: string; t0: number; ackMs: number; requestId: string | null; index: number; code: string }> }>(
            w,
            'helped',
          )
        ),
      ),
    )
  ).map((r, w) => r.items.map((it) => ({ ...it, worker: w })));
  await new Promise((r) => setTimeout(r, 2000));
  working = false;
  await workLoop;
  const helpItems = helped.flat();
  const seen = (id: string) => Math.min(seenQueue.get(id) ?? Infinity, seenUpdated.get(id) ?? Infinity);
  const helpLat = helpItems.filter((h) => Number.isFinite(seen(h.clientId))).map((h) => seen(h.clientId) - h.t0);
  const helpQueueLat = helpItems.filter((h) => seenQueue.has(h.clientId)).map((h) => seenQueue.get(h.clientId)! - h.t0);
  const helpUpdLat = helpItems.filter((h) => seenUpdated.has(h.clientId)).map((h) => seenUpdated.get(h.clientId)! - h.t0);
  const helpErrors = helpItems.filter((h) => h.code !== 'OK').length;
  const helpAcks = helpItems.map((h) => h.ackMs);
  if (Object.keys(workErrors).length) log(`technician errors: ${JSON.stringify(workErrors)}`);
  log(
    `help: ${helpItems.length} created in ${fmt((now() - helpT0) / 1000)} s, ${helpLat.length} seen by the technician, ${helpErrors} errors`,
  );

  // ---------- chat: device → technician ----------
  const received = new Map<string, number>();
  tech.on('chat:message', (m: ChatMessage) => {
    if (m.author === 'device' && !received.has(m.id)) received.set(m.id, now());
  });
  const byClient = new Map(helpItems.map((h) => [h.clientId, h]));
  const chatItems = workers.map(() => [] as Array<{ index: number; requestId: string }>);
  for (const a of acceptedForChat) {
    const h = byClient.get(a.clientId);
    if (h) chatItems[h.worker]!.push({ index: h.index, requestId: a.requestId });
  }
  const perRequest = Math.ceil(CHAT / Math.max(1, acceptedForChat.length));
  const chatted = (
    await Promise.all(
      workers.map(
        (w, i) => (
          w.send({ type: 'chat', items: chatItems[i], perRequest, intervalMs: 20 }),
          waitFor<{ items: Array<{ id: string; t0: number; code: string }> }>(w, 'chatted')
        ),
      ),
    )
  ).flatMap((r) => r.items);
  await new Promise((r) => setTimeout(r, 1000));
  const chatLat = chatted.filter((c) => received.has(c.id)).map((c) => received.get(c.id)! - c.t0);
  const chatErrors = chatted.filter((c) => c.code !== 'OK').length;
  const rssEnd = rssKb(hubPid);

  // ---------- optional: push N up until something breaks ----------
  hubProc.send({ type: 'loop-stats' });
  techLoop.disable();
  const loop = await waitFor<{
    p99: number;
    max: number;
    gcCount: number;
    gcTotal: number;
    gcMax: number;
    gcMaxKind: string;
    counters: Record<string, number>;
  }>(hubProc, 'loop-stats');
  const c = (k: string) => String(loop.counters[k] ?? '—');
  const steps: Step[] = [];
  if (FIND_MAX && kind === 'hub') {
    let total = N;
    for (;;) {
      const add = Math.min(2500, CEILING - total);
      if (add <= 0) break;
      total += add;
      await Promise.all(
        workers.map(
          (w, i) => (
            w.send({ type: 'enroll', url: ready.url, code: ready.code, count: perWorker(add)[i], prefix: `x${total}-${i}` }),
            waitFor(w, 'enrolled')
          ),
        ),
      );
      const c = await connectAll(RATE);
      await new Promise((r) => setTimeout(r, 2000));
      const alive = hubProc.exitCode === null;
      steps.push({
        target: total,
        open: c.open,
        failed: c.failed,
        rssKb: alive ? rssKb(hubPid) : NaN,
        fds: alive ? openFds(hubPid) : NaN,
        errors: c.errors,
        connectPerS: c.ok / (c.ms / 1000),
      });
      log(`step ${total}: open ${c.open}, failed ${c.failed}, errors ${JSON.stringify(c.errors)}`);
      if (!alive || c.failed > add * 0.01) break;
    }
  }

  // ---------- results ----------
  const rows: Array<[string, string]> = [
    ['devices requested', String(N)],
    ['devices connected', String(online)],
    ['connect failures', String(conn.failed)],
    ['worker processes', String(WORKERS)],
    ['fd limit (soft/hard)', fdLimit(hubPid)],
    ['open fds with devices', String(fdsConnected)],
    ['enroll rate (/s)', fmt(N / (enrollMs / 1000))],
    ['connect rate (/s)', fmt(conn.ok / (conn.ms / 1000))],
    ['RSS before devices (MB)', fmt(rssBase / 1024)],
    ['RSS with devices (MB)', fmt(rssConnected / 1024)],
    ['RSS per device (kB)', fmt((rssConnected - rssBase) / Math.max(1, online))],
    ['RSS at end (MB)', fmt(rssEnd / 1024)],
    ['help requests (errors)', `${helpItems.length} (${helpErrors})`],
    ["help → on the technician's console p50 / p99 (ms)", `${fmt(quantile(helpLat, 0.5))} / ${fmt(quantile(helpLat, 0.99))}`],
    ['help → queue:updated / queue:changed p50 / p99 (ms)', `${fmt(quantile(helpQueueLat, 0.5))} / ${fmt(quantile(helpQueueLat, 0.99))}`],
    ['help → help:updated p50 / p99 (ms)', `${fmt(quantile(helpUpdLat, 0.5))} / ${fmt(quantile(helpUpdLat, 0.99))}`],
    ['help:create answered p50 / p99 (ms)', `${fmt(quantile(helpAcks, 0.5))} / ${fmt(quantile(helpAcks, 0.99))}`],
    ['chat messages (errors)', `${chatted.length} (${chatErrors}) on ${acceptedForChat.length} requests`],
    ['chat device → technician p50 / p99 (ms)', `${fmt(quantile(chatLat, 0.5))} / ${fmt(quantile(chatLat, 0.99))}`],
    ['chat max (ms)', fmt(Math.max(...chatLat))],
    ['process event-loop delay p99 / max, help + chat (ms)', `${fmt(loop.p99)} / ${fmt(loop.max)}`],
    [
      'garbage-collection pauses, help + chat: count / total / longest (ms, its kind)',
      `${loop.gcCount} / ${fmt(loop.gcTotal)} / ${fmt(loop.gcMax)} (${loop.gcMaxKind || '—'})`,
    ],
    [
      'queue, help + chat: rounds / pushes / positions sent / most waiting',
      `${c('rounds')} / ${c('pushes')} / ${c('positions')} / ${c('mostWaiting')}`,
    ],
    ['store, help + chat: commits / fsyncs (group commit)', `${c('committed')} / ${c('syncs')}`],
    [
      `technician's socket: data received, help + chat (MB; ${WHOLE_QUEUE ? 'whole queue at each push' : 'queue changes'})`,
      fmt(techBytes / 1e6, 2),
    ],
    ["technician's event-loop delay p99 / max, help + chat (ms)", `${fmt(techLoop.percentile(99) / 1e6)} / ${fmt(techLoop.max / 1e6)}`],
    [
      "simulated devices' CPU priority",
      SAME_PRIORITY ? "the hub's (--same-priority)" : `nice ${SIMULATOR_NICE} (hub and technician: default)`,
    ],
    ['load average at start / end (1, 5, 15 min)', `${loadAtStart} / ${loadNow()}`],
  ];
  tech.close();
  await Promise.all(workers.map((w) => (w.send({ type: 'close' }), waitFor(w, 'closed').catch(() => undefined))));
  hubProc.send({ type: 'stop' });
  await new Promise((r) => hubProc.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
  return {
    kind,
    load: loadAtStart,
    rows,
    steps,
    online,
    rssPerDevice: (rssConnected - rssBase) / Math.max(1, online),
    helpP99: quantile(helpLat, 0.99),
    chatP99: quantile(chatLat, 0.99),
    simulators: SAME_PRIORITY ? 'same' : `nice${SIMULATOR_NICE}`,
  };
}

async function main(): Promise<void> {
  const runs = [await measure('hub')];
  if (BARE) runs.push(await measure('bare'));
  const [hub, bare] = runs as [Measured, Measured | undefined];
  printReport(hub, bare, CEILING);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
