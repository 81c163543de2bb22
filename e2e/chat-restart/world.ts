/**
 * A provider's bad day, for real: one hub process (its own OS process, so it can be killed with
 * SIGKILL), N practices each running the app's real support service with its disk outbox, and
 * technicians each running the console's real controller (the same code as the browser, its socket
 * and its stores). Live chat both ways, the hub killed or stopped, restarted on the same data folder.
 *
 * Used by e2e/chat-restart/restart.spec.ts (sized for CI) and `npm run bench:chat-restart`.
 * It records what every screen shows and checks, per message id, that it appears exactly once on
 * both sides, in the order it was sent, and that no receipt ever claims a message the other side
 * does not hold at that moment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HTTP, gaplessSeq, type ChatMessage } from '@vigie/common';
import { createHub } from '../../server/src/app.js';
import { freePort } from '../../server/src/store/free-port.js';
import { loginTechnician } from '../../server/src/test-support/sockets.js';
import { HubConnection } from '../../main/services/hub/connection.js';
import { SupportService } from '../../main/services/support/support.js';
import { supportFile } from '../../main/services/support/store.js';
import { createLogger } from '../../main/services/lib/logger.js';
import { NodeSystemInfo } from '../../main/platform/node/system-info.js';
import { ConsoleController } from '../../console/src/app/controller';
import { createApi } from '../../console/src/lib/api';
import { createTechClient } from '../../console/src/lib/socket';
import { createI18n } from '../../console/src/i18n';
import type { Alerts } from '../../console/src/lib/alerts';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const quiet = createLogger({ level: 'silent' });
const consoleLog = { debug: () => undefined, warn: () => undefined, error: () => undefined };
const silentAlerts: Alerts = {
  install: () => () => undefined,
  chime: () => undefined,
  permission: () => 'denied',
  requestPermission: async () => 'denied',
  notify: () => undefined,
};

class MemoryStorage implements Storage {
  private readonly map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  clear() {
    this.map.clear();
  }
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null;
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
}

/** Resolves when `probe` holds; re-checks when `subscribe` signals a change and every `everyMs`. */
export function until<T>(probe: () => T | null | undefined | false, what: string, deadlineMs: number, everyMs = 50): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  return new Promise((res, rej) => {
    const tick = () => {
      let v: T | null | undefined | false;
      try {
        v = probe();
      } catch (e) {
        rej(e as Error);
        return;
      }
      if (v) return res(v);
      if (Date.now() > deadline) return rej(new Error(`still waiting for: ${what}`));
      setTimeout(tick, everyMs);
    };
    tick();
  });
}

type Sent = { id: string; author: 'device' | 'technician'; conversation: number; order: number };

interface Practice {
  index: number;
  dir: string;
  connection: HubConnection;
  support: SupportService;
  requestId: string;
  tech: number;
  /** ms timestamps (Date.now) of each 'connected' event. */
  connectedAt: number[];
}

interface Technician {
  index: number;
  cookie: string;
  controller: ConsoleController;
  connectedAt: number[];
}

export interface WorldOptions {
  conversations: number;
  technicians: number;
  /** Kept for inspection when set; a temp folder otherwise. */
  dir?: string;
  /**
   * Hub nodes already running behind a load balancer (e2e/cluster): the world seeds their database
   * and connects to the balancer instead of starting its own hub process.
   */
  cluster?: { url: string; databaseUrl: string; keyFile: string };
}

export interface ScenarioReport {
  scenario: string;
  messages: number;
  lost: number;
  duplicated: number;
  misordered: number;
  conversationsWithLoss: number;
  /** Receipts that claimed a message the other side did not hold when the claim was seen. */
  dishonestReceipts: number;
  /** Seconds from the hub answering again to each client's next connection. */
  reconnectSeconds: number[];
  /** Per conversation: seconds from the hub answering again to both screens holding every message sent before. */
  resyncSeconds: number[];
  /** Seconds from the hub answering again to every screen holding every message (traffic stopped by then). */
  convergedSeconds: number;
  details: string[];
}

/** The world: a hub process, its practices and technicians. */
export class ChatWorld {
  private hub: ChildProcess | null = null;
  private hubExited: Promise<void> = Promise.resolve();
  readonly practices: Practice[] = [];
  readonly technicians: Technician[] = [];
  private sent: Sent[] = [];
  private order = 0;
  private dishonest: string[] = [];
  private readonly unsubscribe: Array<() => void> = [];
  hubReadyAt = 0;
  /** Per conversation, seconds from the hub answering again to both screens holding everything sent before. */
  private resyncedAfter = new Map<number, number>();
  private resyncWatch: ReturnType<typeof setInterval> | null = null;

  private constructor(
    readonly root: string,
    readonly port: number,
    private readonly keepDir: boolean,
    private readonly cluster: WorldOptions['cluster'] | undefined,
  ) {}

  get url(): string {
    return this.cluster?.url ?? `http://127.0.0.1:${this.port}`;
  }

  static async create(opts: WorldOptions): Promise<ChatWorld> {
    const root = opts.dir ?? (await mkdtemp(join(tmpdir(), 'vigie-chat-restart-')));
    const world = new ChatWorld(root, await freePort(), !!opts.dir, opts.cluster);
    await world.seed(opts);
    return world;
  }

  /** Practice, devices and technician accounts, made with the hub in this process; then the hub runs on its own. */
  private async seed(opts: WorldOptions): Promise<void> {
    const hubDir = join(this.root, 'hub');
    const store = this.cluster ? { databaseUrl: this.cluster.databaseUrl, keyFile: this.cluster.keyFile } : {};
    const hub = await createHub({ dataDir: hubDir, port: 0, host: '127.0.0.1', logLevel: 'silent', env: {}, ...store });
    const tokens: Array<{ deviceId: string; token: string }> = [];
    const techs: Array<{ cookie: string }> = [];
    try {
      const practice = await hub.admin.createPractice({ name: 'Cabinet des Tilleuls' });
      // Straight through the service: the HTTP route's per-address limit is not what is measured here.
      for (let i = 0; i < opts.conversations; i++) {
        const info = { name: `Poste ${i + 1}`, os: 'linux', osVersion: 'Debian 12', model: 'Test', appVersion: '0.1.0-test' } as const;
        tokens.push(await hub.services.devices.enroll(practice.enrollmentCode, info, '127.0.0.1'));
      }
      for (let i = 0; i < opts.technicians; i++) {
        const login = `tech${i + 1}`;
        const password = 'correct horse battery staple';
        const t = await hub.admin.addTechnician({ login, displayName: `Technicien ${i + 1}`, password });
        techs.push({ cookie: await loginTechnician(hub.url, login, password, t.totpSecret) });
      }
    } finally {
      await hub.close();
    }
    await this.startHub();
    for (let i = 0; i < techs.length; i++) this.technicians.push(await this.startTechnician(i, techs[i]!.cookie));
    for (let i = 0; i < tokens.length; i++) this.practices.push(await this.startPractice(i, tokens[i]!, i % techs.length));
    // Every practice asks for help; its technician takes it and opens it.
    await Promise.all(this.practices.map((p) => p.support.requestHelp({ topic: 'other', description: `Demande ${p.index + 1}` })));
    for (const p of this.practices) {
      p.requestId = p.support.state().current!.id;
      const t = this.technicians[p.tech]!;
      const r = await t.controller.accept(p.requestId);
      if (!r.ok) throw new Error(`accept failed: ${r.error.code}`);
      await t.controller.open(p.requestId);
    }
    await until(() => this.practices.every((p) => p.support.state().current?.status === 'assigned'), 'every request assigned', 60_000);
    this.watchReceipts();
  }

  private async startPractice(index: number, { deviceId, token }: { deviceId: string; token: string }, tech: number): Promise<Practice> {
    const dir = join(this.root, `practice-${index + 1}`);
    const connection = new HubConnection({ logger: quiet });
    const support = new SupportService({
      hub: connection,
      file: supportFile(dir, quiet),
      system: new NodeSystemInfo(),
      appVersion: '0.1.0-test',
      locale: () => 'fr',
      logger: quiet,
    });
    const p: Practice = { index, dir, connection, support, requestId: '', tech, connectedAt: [] };
    connection.on('connected', () => p.connectedAt.push(Date.now()));
    // The practitioner reads what arrives (read receipts go back).
    support.on('event', (e) => {
      if (e.type === 'message') void support.markRead();
    });
    await support.start(deviceId);
    connection.start(this.url, token);
    await until(() => connection.connected, `practice ${index + 1} connected`, 60_000);
    return p;
  }

  private async startTechnician(index: number, cookie: string): Promise<Technician> {
    const client = createTechClient({ url: this.url, log: consoleLog, extraHeaders: { cookie } });
    const api = createApi({
      base: this.url,
      log: consoleLog,
      fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), cookie } }),
    });
    const controller = new ConsoleController({
      client,
      api,
      alerts: silentAlerts,
      log: consoleLog,
      i18n: createI18n('fr'),
      storage: new MemoryStorage(),
      navigate: () => undefined,
      isVisible: () => true,
      hasAttention: () => true,
    });
    const t: Technician = { index, cookie, controller, connectedAt: [] };
    this.unsubscribe.push(
      controller.connection.subscribe(
        (s, prev) => s.status === 'connected' && prev.status !== 'connected' && t.connectedAt.push(Date.now()),
      ),
    );
    await controller.start();
    await until(() => controller.connection.getState().status === 'connected', `technician ${index + 1} connected`, 60_000);
    return t;
  }

  // ---------------------------------------------------------------- hub process

  async startHub(): Promise<void> {
    if (this.cluster) {
      // The nodes run on their own (e2e/cluster kills and restarts them): start counting from now.
      this.hubReadyAt = Date.now();
      this.watchResync();
      return;
    }
    // One process (tsx as a loader, not its CLI, which would run the hub in a child that SIGKILL misses).
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'server', 'src', 'main.ts')], {
      cwd: REPO,
      env: {
        ...process.env,
        VIGIE_DATA_DIR: join(this.root, 'hub'),
        VIGIE_PORT: String(this.port),
        VIGIE_HOST: '127.0.0.1',
        VIGIE_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    this.hub = child;
    this.hubExited = new Promise((res) => child.once('exit', () => res()));
    let exited = false;
    void this.hubExited.then(() => (exited = true));
    for (;;) {
      if (exited) throw new Error(`hub exited at start: ${stderr}`);
      const ok = await fetch(this.url + HTTP.healthz).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    this.hubReadyAt = Date.now();
    this.watchResync();
  }

  /** From now on, notes when each conversation shows on both screens everything sent until now. */
  private watchResync(): void {
    if (this.resyncWatch) clearInterval(this.resyncWatch);
    this.resyncedAfter = new Map();
    const before = this.sentByConversation();
    const check = () => {
      for (const p of this.practices) {
        if (this.resyncedAfter.has(p.index)) continue;
        const d = new Set(this.deviceScreen(p).map((m) => m.id));
        const c = new Set(this.consoleScreen(p).map((m) => m.id));
        if ((before.get(p.index) ?? []).every((x) => d.has(x.id) && c.has(x.id)))
          this.resyncedAfter.set(p.index, (Date.now() - this.hubReadyAt) / 1000);
      }
      if (this.resyncedAfter.size === this.practices.length && this.resyncWatch) {
        clearInterval(this.resyncWatch);
        this.resyncWatch = null;
      }
    };
    this.resyncWatch = setInterval(check, 50);
  }

  /** Stops the hub: SIGKILL (crash) or SIGTERM (graceful), and waits until the process is gone. */
  async stopHub(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    const child = this.hub;
    if (!child) return;
    this.hub = null;
    child.kill(signal);
    await this.hubExited;
  }

  // ---------------------------------------------------------------- traffic

  /** One message from one side of one conversation (queued on disk / in the outbox first, like a user would). */
  async send(conversation: number, author: 'device' | 'technician'): Promise<void> {
    const p = this.practices[conversation]!;
    const order = ++this.order;
    const text = `${author === 'device' ? 'Cabinet' : 'Technicien'} ${conversation + 1} — message ${order}`;
    if (author === 'device') {
      const m = await p.support.sendChat(text);
      this.sent.push({ id: m.id, author, conversation, order });
    } else {
      const r = this.technicians[p.tech]!.controller.sendMessage(p.requestId, text);
      if (!r.ok) throw new Error(`sendMessage refused: ${r.error.code}`);
      this.sent.push({ id: r.data.id, author, conversation, order });
    }
  }

  /** Random messages at `perSecond` over all conversations and both sides until the returned stop() is called. */
  traffic(perSecond: number): { stop: () => Promise<void> } {
    let running = true;
    const inFlight = new Set<Promise<void>>();
    const tickMs = 20;
    let owed = 0;
    const timer = setInterval(() => {
      if (!running) return;
      owed += (perSecond * tickMs) / 1000;
      while (owed >= 1) {
        owed--;
        const c = Math.floor(Math.random() * this.practices.length);
        const p = this.send(c, Math.random() < 0.5 ? 'device' : 'technician');
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
    }, tickMs);
    return {
      stop: async () => {
        running = false;
        clearInterval(timer);
        await Promise.all(inFlight);
      },
    };
  }

  /** Every conversation, both sides, `n` messages at once. */
  async burst(n: number): Promise<void> {
    const all: Promise<void>[] = [];
    for (let i = 0; i < n; i++) for (const p of this.practices) all.push(this.send(p.index, 'device'), this.send(p.index, 'technician'));
    await Promise.all(all);
  }

  // ---------------------------------------------------------------- what the screens show

  /** The practitioner's screen: stored messages of the current request, in display order. */
  deviceScreen(p: Practice): ChatMessage[] {
    return p.support
      .state()
      .messages.filter((m) => m.seq !== null)
      .map((m) => ({
        id: m.id,
        requestId: m.requestId,
        seq: m.seq!,
        author: m.author,
        authorName: m.authorName,
        text: m.text,
        sentAt: m.sentAt,
        createdAt: m.sentAt,
      }));
  }

  /** The technician's screen for a conversation. */
  consoleScreen(p: Practice): ChatMessage[] {
    return this.technicians[p.tech]!.controller.workspace.getState().conversations[p.requestId]?.messages ?? [];
  }

  /** Checks, each time a side's receipts move, that the other side holds every message they claim. */
  private watchReceipts(): void {
    for (const p of this.practices) {
      const check = () => {
        const r = p.support.state().receipts;
        if (!r || r.requestId !== p.requestId) return;
        const held = gaplessSeq(this.consoleScreen(p));
        const claimed = Math.max(r.technician.delivered, r.technician.read);
        if (claimed > held)
          this.dishonest.push(
            `conversation ${p.index + 1}: practice sees « distribué/lu » up to ${claimed}, technician holds up to ${held}`,
          );
      };
      this.unsubscribe.push(p.support.on('change', check));
    }
    for (const t of this.technicians) {
      this.unsubscribe.push(
        t.controller.workspace.subscribe((s) => {
          for (const p of this.practices) {
            if (p.tech !== t.index) continue;
            const r = s.conversations[p.requestId]?.receipts;
            if (!r) continue;
            const claimed = Math.max(r.device.delivered, r.device.read);
            const held = gaplessSeq(this.deviceScreen(p));
            if (claimed > held)
              this.dishonest.push(
                `conversation ${p.index + 1}: technician sees « distribué/lu » up to ${claimed}, practice holds up to ${held}`,
              );
          }
        }),
      );
    }
  }

  /** Every message sent is stored, shown on both screens, and both outboxes are empty. */
  converged(): boolean {
    const byConv = this.sentByConversation();
    for (const p of this.practices) {
      const ids = byConv.get(p.index) ?? [];
      const d = new Set(this.deviceScreen(p).map((m) => m.id));
      const c = new Set(this.consoleScreen(p).map((m) => m.id));
      if (ids.some((s) => !d.has(s.id) || !c.has(s.id))) return false;
      if (p.support.state().outboxSize > 0) return false;
    }
    return this.technicians.every((t) => t.controller.workspace.getState().outbox.length === 0);
  }

  private sentByConversation(): Map<number, Sent[]> {
    const m = new Map<number, Sent[]>();
    for (const s of this.sent) m.set(s.conversation, [...(m.get(s.conversation) ?? []), s]);
    return m;
  }

  /** Waits until every screen holds every message (or `deadlineMs`), then counts what went wrong. */
  async settle(scenario: string, deadlineMs: number): Promise<ScenarioReport> {
    const convergedAt = await until(() => this.converged(), 'every message on both screens', deadlineMs).then(
      () => Date.now(),
      () => 0, // counted below: what is missing, where
    );
    const report: ScenarioReport = {
      scenario,
      messages: this.sent.length,
      lost: 0,
      duplicated: 0,
      misordered: 0,
      conversationsWithLoss: 0,
      dishonestReceipts: this.dishonest.length,
      reconnectSeconds: this.reconnectSeconds(),
      resyncSeconds: this.practices.map((p) => this.resyncedAfter.get(p.index) ?? Number.POSITIVE_INFINITY),
      convergedSeconds: convergedAt ? (convergedAt - this.hubReadyAt) / 1000 : Number.NaN,
      details: this.dishonest.slice(0, 5),
    };
    const byConv = this.sentByConversation();
    for (const p of this.practices) {
      const sent = byConv.get(p.index) ?? [];
      let lostHere = 0;
      for (const [side, screen] of [
        ['practice', this.deviceScreen(p)],
        ['technician', this.consoleScreen(p)],
      ] as const) {
        const count = new Map<string, number>();
        for (const m of screen) count.set(m.id, (count.get(m.id) ?? 0) + 1);
        for (const s of sent) {
          const n = count.get(s.id) ?? 0;
          if (n === 0) lostHere++;
          if (n > 1) report.duplicated += n - 1;
        }
        // In the order each author sent them.
        const seqOf = new Map(screen.map((m) => [m.id, m.seq]));
        for (const author of ['device', 'technician'] as const) {
          const seqs = sent.filter((s) => s.author === author && seqOf.has(s.id)).map((s) => seqOf.get(s.id)!);
          for (let i = 1; i < seqs.length; i++) if (seqs[i]! <= seqs[i - 1]!) report.misordered++;
        }
        // Seqs shown must be 1…n with nothing missing (nothing the hub stored left off a screen).
        const shown = screen.map((m) => m.seq);
        if (shown.some((seq, i) => seq !== i + 1))
          report.details.push(`conversation ${p.index + 1}: ${side} screen has a hole (${gaplessSeq(screen)} of ${shown.length})`);
      }
      if (lostHere > 0) {
        report.conversationsWithLoss++;
        report.details.push(`conversation ${p.index + 1}: ${lostHere} message(s) missing on a screen — ${this.whereAre(p, sent)}`);
      }
      report.lost += lostHere;
    }
    return report;
  }

  /** Where messages missing from a screen are: still in an outbox (and in what state), or nowhere. */
  private whereAre(p: Practice, sent: Sent[]): string {
    const onDevice = new Set(this.deviceScreen(p).map((m) => m.id));
    const onConsole = new Set(this.consoleScreen(p).map((m) => m.id));
    const deviceOutbox = new Set(
      p.support
        .state()
        .messages.filter((m) => m.status === 'pending')
        .map((m) => m.id),
    );
    const consoleOutbox = new Map(
      this.technicians[p.tech]!.controller.workspace.getState().outbox.map((o) => [o.id, `${o.state}${o.error ? `:${o.error}` : ''}`]),
    );
    const where: string[] = [];
    for (const s of sent) {
      if (onDevice.has(s.id) && onConsole.has(s.id)) continue;
      const screens = `${onDevice.has(s.id) ? 'P' : '-'}${onConsole.has(s.id) ? 'T' : '-'}`;
      const box = deviceOutbox.has(s.id)
        ? 'practice outbox'
        : consoleOutbox.has(s.id)
          ? `console outbox ${consoleOutbox.get(s.id)}`
          : 'no outbox';
      where.push(`${s.author} ${screens} ${box}`);
    }
    const seqOnDevice = new Map(this.deviceScreen(p).map((m) => [m.id, m.seq]));
    const missingSeqs = sent.filter((x) => !onConsole.has(x.id) && seqOnDevice.has(x.id)).map((x) => seqOnDevice.get(x.id));
    const c = this.consoleScreen(p);
    const d = this.deviceScreen(p);
    return `${where.slice(0, 4).join('; ')} [practice holds ${gaplessSeq(d)}/${d.length}, technician ${gaplessSeq(c)}/${c.length}${missingSeqs.length ? `, missing on technician: seq ${missingSeqs.slice(0, 5).join(',')}` : ''}]`;
  }

  /** Seconds from the last hub start to each client's first connection after it. */
  reconnectSeconds(): number[] {
    const since = (at: number[]) => {
      const t = at.find((x) => x >= this.hubReadyAt - 1000);
      return t === undefined ? Number.POSITIVE_INFINITY : Math.max(0, (t - this.hubReadyAt) / 1000);
    };
    return [...this.practices.map((p) => since(p.connectedAt)), ...this.technicians.map((t) => since(t.connectedAt))];
  }

  /** Ids of the messages sent so far, in the order they were sent. */
  sentIds(): string[] {
    return this.sent.map((x) => x.id);
  }

  /** Messages sent so far (all scenarios). */
  get sentCount(): number {
    return this.sent.length;
  }

  /** Every practice and technician has seen the hub go away. */
  allOffline(): boolean {
    return (
      this.practices.every((p) => !p.connection.connected) &&
      this.technicians.every((t) => t.controller.connection.getState().status !== 'connected')
    );
  }

  /** Every practice and technician is connected again. */
  allOnline(): boolean {
    return (
      this.practices.every((p) => p.connection.connected) &&
      this.technicians.every((t) => t.controller.connection.getState().status === 'connected')
    );
  }

  /** Starts counting anew (a new scenario on the same world). */
  resetCounts(): void {
    this.dishonest = [];
  }

  async close(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
    if (this.resyncWatch) clearInterval(this.resyncWatch);
    for (const t of this.technicians) t.controller.stop();
    for (const p of this.practices) {
      await p.support.stop();
      p.connection.stop();
    }
    await this.stopHub('SIGTERM');
    if (!this.keepDir) await rm(this.root, { recursive: true, force: true });
  }
}

/** p-th percentile of `values` (nearest rank). */
export function percentile(values: number[], p: number): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * One scenario: live traffic both ways; the hub goes down the chosen way; traffic goes on while it
 * is down (everyone has noticed, `down` more messages typed); it comes back on the same data folder
 * and traffic goes on through the reconnections (everyone back, `after` more messages); then
 * traffic stops and every screen must hold every message. Phases end on events, not on timers.
 */
export async function runScenario(
  world: ChatWorld,
  kind: 'kill' | 'sigterm' | 'kill-in-burst',
  opts: { perSecond: number; before: number; down: number; after: number; burst: number; deadlineMs: number },
): Promise<ScenarioReport> {
  world.resetCounts();
  const phase = (what: string, probe: () => boolean) => until(probe, what, opts.deadlineMs);
  const traffic = world.traffic(opts.perSecond);
  try {
    const start = world.sentCount;
    await phase('traffic before the outage', () => world.sentCount >= start + opts.before);
    if (kind === 'kill-in-burst') {
      const burst = world.burst(opts.burst);
      // Mid-burst: part of it is stored, part is in flight, part still in the outboxes.
      await new Promise((r) => setImmediate(r));
      await world.stopHub('SIGKILL');
      await burst;
    } else {
      await world.stopHub(kind === 'kill' ? 'SIGKILL' : 'SIGTERM');
    }
    await phase('everyone noticed the outage', () => world.allOffline());
    const down = world.sentCount;
    await phase('messages typed while the hub is down', () => world.sentCount >= down + opts.down);
    await world.startHub();
    await phase('everyone reconnected', () => world.allOnline());
    const back = world.sentCount;
    await phase('traffic after the reconnections', () => world.sentCount >= back + opts.after);
  } finally {
    await traffic.stop();
  }
  return world.settle(kind, opts.deadlineMs);
}
