/**
 * The hub benchmark's baseline (`npm run bench:hub -- --bare`): a bare socket.io relay with the
 * hub's socket.io settings and the same events the benchmark uses, and nothing else — no store,
 * no checks, no audit. Enrolling hands out a random token; a help request goes into a list kept
 * in memory and the whole list is sent to the technicians (`queue:updated`), like the hub's
 * snapshot; a device's chat line is relayed to the technicians. What the hub costs on top of
 * socket.io is what it measures above this.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { HTTP, NS } from '@vigie/common';
import { Server } from 'socket.io';

interface Open {
  id: string;
  clientId: string;
  deviceId: string;
  status: 'waiting' | 'assigned';
  createdAt: string;
}
type Ack = (r: unknown) => void;
const ok = (data: unknown) => ({ ok: true, data });

export async function startBareRelay(): Promise<{ url: string; close(): Promise<void> }> {
  const http = createServer((req, res) => {
    if (req.method === 'POST' && req.url === HTTP.enroll) {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(ok({ token: randomBytes(32).toString('hex') })));
      });
      return;
    }
    res.writeHead(404).end();
  });
  const io = new Server(http, {
    serveClient: false,
    maxHttpBufferSize: 65_536,
    pingInterval: 25_000,
    pingTimeout: 20_000,
    connectTimeout: 15_000,
  });
  const open = new Map<string, Open>();
  const techs = io.of(NS.tech);
  const devices = io.of(NS.device);
  const pushQueue = () => techs.emit('queue:updated', { requests: [...open.values()], serverTime: new Date().toISOString() });

  devices.on('connection', (socket) => {
    const deviceId = randomUUID();
    void socket.join(`device:${deviceId}`);
    socket.on('help:create', (input: { clientId: string }, ack: Ack) => {
      const r: Open = { id: randomUUID(), clientId: input.clientId, deviceId, status: 'waiting', createdAt: new Date().toISOString() };
      open.set(r.id, r);
      pushQueue();
      ack(ok({ request: r, position: null }));
    });
    socket.on('chat:send', (input: { requestId: string; id: string; text: string }, ack: Ack) => {
      techs.emit('chat:message', {
        id: input.id,
        requestId: input.requestId,
        author: 'device',
        text: input.text,
        at: new Date().toISOString(),
      });
      ack(ok({ duplicate: false }));
    });
  });
  techs.on('connection', (socket) => {
    socket.on('tech:hello', (_input: unknown, ack: Ack) => ack(ok({ queue: { requests: [...open.values()] } })));
    socket.on('help:accept', (input: { requestId: string }, ack: Ack) => {
      const r = open.get(input.requestId);
      if (r) r.status = 'assigned';
      pushQueue();
      ack(r ? ok(r) : { ok: false, error: { code: 'NOT_FOUND', message: 'unknown request' } });
    });
    socket.on('help:resolve', (input: { requestId: string }, ack: Ack) => {
      open.delete(input.requestId);
      pushQueue();
      ack(ok({}));
    });
  });

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        io.disconnectSockets(true);
        void io.close(() => resolve());
      }),
  };
}
