/**
 * A provider's cluster on this machine (issue 9): Postgres, Redis, HAProxy and two hub node
 * processes (server/src/cluster), the chat world of e2e/chat-restart (practices running the app's
 * real support service, technicians running the console's real controller) connected through the
 * balancer, and more devices (the app's real hub connection, jittered reconnect) idle or waiting
 * in the queue. A node is killed (SIGKILL) or drained (SIGTERM) under live chat; everyone must be
 * back on the other node with nothing lost or doubled.
 *
 * Used by e2e/cluster/cluster.spec.ts and `npm run bench:cluster`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHub, type Hub } from '../../server/src/app.js';
import { startCluster, type Cluster, type ClusterOptions } from '../../server/src/cluster/cluster.js';
import { HubConnection } from '../../main/services/hub/connection.js';
import { SupportService } from '../../main/services/support/support.js';
import { supportFile } from '../../main/services/support/store.js';
import { createLogger } from '../../main/services/lib/logger.js';
import { NodeSystemInfo } from '../../main/platform/node/system-info.js';
import { ChatWorld, until } from '../chat-restart/world';

const quiet = createLogger({ level: 'silent' });

/** A device beyond the chatting ones: its app's hub connection, and a support service when it asks for help. */
interface Extra {
  connection: HubConnection;
  support: SupportService | null;
  connectedAt: number[];
}

export interface ClusterWorldOptions {
  /** Practices chatting live with a technician. */
  conversations: number;
  technicians: number;
  /** Devices connected without chatting (the total is conversations + idle + waiting). */
  idle: number;
  /** Devices whose help request stays in the queue. */
  waiting: number;
  cluster?: ClusterOptions;
}

export class ClusterWorld {
  readonly extras: Extra[] = [];
  private constructor(
    readonly root: string,
    readonly cluster: Cluster,
    readonly chat: ChatWorld,
    /** An in-process hub on the cluster's database, behind no balancer: seeding and `audit verify`. */
    readonly admin: Hub,
  ) {}

  static async create(opts: ClusterWorldOptions): Promise<ClusterWorld> {
    const root = await mkdtemp(join(tmpdir(), 'vigie-cluster-world-'));
    const cluster = await startCluster(opts.cluster);
    try {
      const store = { databaseUrl: cluster.databaseUrl, keyFile: cluster.keyFile, artifactsDir: cluster.artifactsDir };
      const chat = await ChatWorld.create({
        conversations: opts.conversations,
        technicians: opts.technicians,
        cluster: { url: cluster.url, ...store },
      });
      const admin = await createHub({ dataDir: join(root, 'admin'), port: 0, host: '127.0.0.1', logLevel: 'silent', env: {}, ...store });
      const world = new ClusterWorld(root, cluster, chat, admin);
      await world.addDevices(opts.idle, opts.waiting);
      return world;
    } catch (e) {
      await cluster.stop();
      throw e;
    }
  }

  private async addDevices(idle: number, waiting: number): Promise<void> {
    const practice = await this.admin.admin.createPractice({ name: 'Maison de santé du Port' });
    const n = idle + waiting;
    const tokens = [];
    for (let i = 0; i < n; i++) {
      const info = { name: `Poste ${i + 1}`, os: 'windows', osVersion: '11', model: 'Test', appVersion: '0.1.0-test' } as const;
      tokens.push(await this.admin.services.devices.enroll(practice.enrollmentCode, info, '127.0.0.1'));
    }
    // Connected a few at a time, like apps starting in the morning (and so the nodes share them out).
    for (let i = 0; i < n; i += 20) {
      await Promise.all(
        tokens.slice(i, i + 20).map(async ({ deviceId, token }, j) => {
          const connection = new HubConnection({ logger: quiet });
          const x: Extra = { connection, support: null, connectedAt: [] };
          connection.on('connected', () => x.connectedAt.push(Date.now()));
          if (i + j >= idle) {
            x.support = new SupportService({
              hub: connection,
              file: supportFile(join(this.root, `device-${i + j}`), quiet),
              system: new NodeSystemInfo(),
              appVersion: '0.1.0-test',
              locale: () => 'fr',
              logger: quiet,
            });
            await x.support.start(deviceId);
          }
          connection.start(this.cluster.url, token);
          this.extras.push(x);
          await until(() => connection.connected, `device ${i + j + 1} connected`, 60_000);
        }),
      );
    }
  }

  /**
   * Every waiting device asks for help at once; resolves with, per request, milliseconds from the
   * ask to every technician's console showing it (through whichever node each is on).
   */
  async askForHelp(): Promise<number[]> {
    const askers = this.extras.filter((x) => x.support);
    const shown = new Map<string, number>();
    const asked = new Map<string, number>();
    const seen = () => {
      const t = Date.now();
      const queues = this.chat.technicians.map((tech) => new Set(tech.controller.queue.getState().requests.map((r) => r.id)));
      for (const id of asked.keys()) if (!shown.has(id) && queues.every((q) => q.has(id))) shown.set(id, t);
    };
    const unsubscribe = this.chat.technicians.map((t) => t.controller.queue.subscribe(seen));
    try {
      await Promise.all(
        askers.map(async (x, i) => {
          const at = Date.now();
          const r = await x.support!.requestHelp({ topic: 'other', description: `En attente ${i + 1}` });
          if (!r) throw new Error('help request refused');
          asked.set(r.id, at);
          seen();
        }),
      );
      await until(() => shown.size === asked.size, 'every console shows every new request', 120_000);
    } finally {
      for (const u of unsubscribe) u();
    }
    return [...asked].map(([id, at]) => shown.get(id)! - at);
  }

  /**
   * `n` chat messages one after another, alternately from a practice and from its technician,
   * over all conversations; resolves with, per message, milliseconds from sending to the other
   * side's screen showing it.
   */
  async chatLatencies(n: number): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const p = this.chat.practices[i % this.chat.practices.length]!;
      const fromDevice = i % 2 === 0;
      const at = Date.now();
      const before = this.chat.sentCount;
      await this.chat.send(p.index, fromDevice ? 'device' : 'technician');
      const id = this.chat.sentIds()[before]!;
      const onOtherSide = () => (fromDevice ? this.chat.consoleScreen(p) : this.chat.deviceScreen(p)).some((m) => m.id === id);
      await new Promise<void>((resolve) => {
        const check = () => {
          if (!onOtherSide()) return;
          unsubscribe();
          resolve();
        };
        const unsubscribe = fromDevice
          ? this.chat.technicians[p.tech]!.controller.workspace.subscribe(check)
          : p.support.on('change', check);
        check();
      });
      out.push(Date.now() - at);
    }
    return out;
  }

  /** Every device of the world, chatting or not. */
  get devices(): number {
    return this.chat.practices.length + this.extras.length;
  }

  /** What each technician's console shows of the queue: id, status and who took it, in order. */
  queues(): string[][] {
    return this.chat.technicians.map((t) =>
      t.controller.queue.getState().requests.map((r) => `${r.id}:${r.status}:${r.technician?.id ?? '-'}`),
    );
  }

  /** Every console shows the same queue, of `size` requests. */
  queuesAgree(size: number): boolean {
    const q = this.queues();
    return q.every((x) => x.length === size && x.join() === q[0]!.join());
  }

  allOnline(): boolean {
    return this.chat.allOnline() && this.extras.every((x) => x.connection.connected);
  }

  /**
   * Stops a node (SIGKILL: a crash; SIGTERM: draining) and waits until every device and console is
   * connected again. Returns, per client that had to move, seconds from the stop to its new connection.
   */
  async failover(node: number, signal: 'SIGKILL' | 'SIGTERM', deadlineMs: number): Promise<number[]> {
    const name = this.cluster.nodes[node]!.name;
    const at = Date.now();
    await this.cluster.nodes[node]!.stop(signal);
    await this.cluster.balancerSees({ [name]: 'DOWN' });
    await until(() => this.allOnline(), 'every device and console connected again', deadlineMs);
    const moved = (connectedAt: number[]) =>
      connectedAt
        .filter((t) => t >= at)
        .slice(0, 1)
        .map((t) => (t - at) / 1000);
    return [
      ...this.chat.practices.flatMap((p) => moved(p.connectedAt)),
      ...this.chat.technicians.flatMap((t) => moved(t.connectedAt)),
      ...this.extras.flatMap((x) => moved(x.connectedAt)),
    ];
  }

  /** Starts a stopped node again and waits until the balancer sends clients to it. */
  async restart(node: number): Promise<void> {
    await this.cluster.nodes[node]!.start();
    await this.cluster.balancerSees({ [this.cluster.nodes[node]!.name]: 'UP' });
  }

  async close(): Promise<void> {
    for (const x of this.extras) {
      await x.support?.stop();
      x.connection.stop();
    }
    await this.chat.close();
    await this.admin.close();
    await this.cluster.stop();
    await rm(this.root, { recursive: true, force: true });
  }
}
