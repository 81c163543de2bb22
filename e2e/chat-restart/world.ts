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
 *
 * This module runs the world (seeding, traffic, what the screens show, the checks); its parts have
 * their modules beside it: clients (practices and technicians),
 * ledger (the accounting, pure), scenario (the phases of one outage) and wait.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gaplessSeq, type ChatMessage } from '@vigie/common';
import { createHub } from '../../server/src/app.js';
import { startHubNode, type HubNode } from '../../server/src/cluster/cluster.js';
import { loginTechnician } from '../../server/src/test-support/sockets.js';
import { startPractice, startTechnician, type Practice, type Technician } from './clients';
import { sentByConversation, tallyConversation, type ScenarioReport, type Sent } from './ledger';
import { until } from './wait';

export { percentile, type ScenarioReport } from './ledger';
export { runScenario } from './scenario';
export { until } from './wait';

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

/** The world: a hub process, its practices and technicians. */
export class ChatWorld {
  /** The hub's OS process (server/src/cluster: the cluster's nodes are the same), on the same port across restarts. */
  private readonly hub: HubNode;
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
    private readonly keepDir: boolean,
    private readonly cluster: WorldOptions['cluster'] | undefined,
  ) {
    this.hub = startHubNode('hub', join(root, 'hub'), { VIGIE_LOG_LEVEL: 'warn' });
  }

  get url(): string {
    return this.cluster?.url ?? this.hub.url;
  }

  static async create(opts: WorldOptions): Promise<ChatWorld> {
    const root = opts.dir ?? (await mkdtemp(join(tmpdir(), 'vigie-chat-restart-')));
    const world = new ChatWorld(root, !!opts.dir, opts.cluster);
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
    for (let i = 0; i < techs.length; i++) this.technicians.push(await startTechnician(this.url, i, techs[i]!.cookie, this.unsubscribe));
    for (let i = 0; i < tokens.length; i++) this.practices.push(await startPractice(this.root, this.url, i, tokens[i]!, i % techs.length));
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

  // ---------------------------------------------------------------- hub process

  async startHub(): Promise<void> {
    if (this.cluster) {
      // The nodes run on their own (e2e/cluster kills and restarts them): start counting from now.
      this.hubReadyAt = Date.now();
      this.watchResync();
      return;
    }
    await this.hub.start();
    this.hubReadyAt = Date.now();
    this.watchResync();
  }

  /** From now on, notes when each conversation shows on both screens everything sent until now. */
  private watchResync(): void {
    if (this.resyncWatch) clearInterval(this.resyncWatch);
    this.resyncedAfter = new Map();
    const before = sentByConversation(this.sent);
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
  stopHub(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    return this.hub.stop(signal);
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
    const byConv = sentByConversation(this.sent);
    for (const p of this.practices) {
      const ids = byConv.get(p.index) ?? [];
      const d = new Set(this.deviceScreen(p).map((m) => m.id));
      const c = new Set(this.consoleScreen(p).map((m) => m.id));
      if (ids.some((s) => !d.has(s.id) || !c.has(s.id))) return false;
      if (p.support.state().outboxSize > 0) return false;
    }
    return this.technicians.every((t) => t.controller.workspace.getState().outbox.length === 0);
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
    const byConv = sentByConversation(this.sent);
    for (const p of this.practices) {
      const tally = tallyConversation(this.conversation(p, byConv.get(p.index) ?? []));
      report.lost += tally.lost;
      report.duplicated += tally.duplicated;
      report.misordered += tally.misordered;
      if (tally.lost > 0) report.conversationsWithLoss++;
      report.details.push(...tally.details);
    }
    return report;
  }

  /** One conversation as the ledger reads it: what was sent, both screens, both outboxes. */
  private conversation(p: Practice, sent: Sent[]) {
    return {
      index: p.index,
      sent,
      device: this.deviceScreen(p),
      console: this.consoleScreen(p),
      deviceOutbox: new Set(
        p.support
          .state()
          .messages.filter((m) => m.status === 'pending')
          .map((m) => m.id),
      ),
      consoleOutbox: new Map(
        this.technicians[p.tech]!.controller.workspace.getState().outbox.map((o) => [o.id, `${o.state}${o.error ? `:${o.error}` : ''}`]),
      ),
    };
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
