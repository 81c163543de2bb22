import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { BRIDGE, BridgeCall, err, IPC_PUSH, type IpcPush } from '@vigie/common';
import type { Logger } from '../platform/ports.js';
import type { Dispatch } from '../services/ipc.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison of two secrets of any length. */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export interface BridgeOptions {
  secret: string;
  /** Origins allowed to open the socket (the host's own page). */
  origins: () => string[];
  /** Host header values accepted (DNS-rebinding guard). */
  hosts: () => string[];
  dispatch: Dispatch;
  logger: Logger;
  /** Pushes a page receives as soon as it connects (the current AppState). */
  greeting?: () => Array<[IpcPush, unknown]>;
}

/**
 * window.vigie over a WebSocket: the upgrade is refused (401/403) without the per-launch secret,
 * from another Origin or Host; every frame is parsed with the contract; every call answers a Result.
 */
export class Bridge {
  private readonly wss: WebSocketServer;
  private readonly clients = new Set<WebSocket>();
  private readonly log: Logger;

  constructor(private readonly o: BridgeOptions) {
    this.log = o.logger.child({ svc: 'bridge' });
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: BRIDGE.maxFrameBytes,
      handleProtocols: (protocols) => (protocols.has(BRIDGE.protocol) ? BRIDGE.protocol : false),
    });
  }

  /** To be called from the HTTP server's 'upgrade' event. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (status: number, text: string) => {
      this.log.warn('bridge connection refused', { status, reason: text, origin: req.headers.origin });
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== BRIDGE.path) return refuse(404, 'Not Found');
    if (!req.headers.host || !this.o.hosts().includes(req.headers.host)) return refuse(403, 'Forbidden');
    if (!req.headers.origin || !this.o.origins().includes(req.headers.origin)) return refuse(403, 'Forbidden');
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const key = offered.find((p) => p.startsWith(BRIDGE.keyPrefix));
    if (!offered.includes(BRIDGE.protocol) || !key || !sameSecret(key.slice(BRIDGE.keyPrefix.length), this.o.secret)) {
      return refuse(401, 'Unauthorized');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  /** Sends a push to every connected page. */
  push(name: IpcPush, payload: unknown): void {
    const frame = JSON.stringify({ t: 'push', name, payload });
    for (const ws of this.clients) if (ws.readyState === ws.OPEN) ws.send(frame);
  }

  get size(): number {
    return this.clients.size;
  }

  async close(): Promise<void> {
    for (const ws of this.clients) ws.terminate();
    this.clients.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(ws: WebSocket): void {
    this.clients.add(ws);
    ws.on('close', () => this.clients.delete(ws));
    ws.on('error', (e) => this.log.warn('bridge socket error', { err: e }));
    ws.on('message', (data, isBinary) => void this.onFrame(ws, data, isBinary));
    for (const [name, payload] of this.o.greeting?.() ?? []) {
      if (name in IPC_PUSH) ws.send(JSON.stringify({ t: 'push', name, payload }));
    }
  }

  private async onFrame(ws: WebSocket, data: unknown, isBinary: boolean): Promise<void> {
    const reply = (id: number | null, result: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ t: 'result', id, result }));
    };
    if (isBinary) return reply(null, err('BAD_REQUEST', 'Trame binaire refusée.'));
    let raw: unknown;
    try {
      raw = JSON.parse(String(data));
    } catch {
      return reply(null, err('BAD_REQUEST', 'Trame illisible.'));
    }
    const parsed = BridgeCall.safeParse(raw);
    if (!parsed.success) {
      const id =
        typeof (raw as { id?: unknown })?.id === 'number' && Number.isInteger((raw as { id: number }).id)
          ? (raw as { id: number }).id
          : null;
      return reply(id !== null && id >= 0 ? id : null, err('BAD_REQUEST', 'Trame invalide.'));
    }
    const { id, method, input } = parsed.data;
    reply(id, await this.o.dispatch(method, input));
  }
}
