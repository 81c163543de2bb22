import { join } from 'node:path';
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
import { until } from './wait';

/**
 * The chat-restart world's people: a practice runs the app's real support service with its disk
 * outbox over a real hub connection; a technician runs the console's real controller (the same code
 * as the browser, its socket and its stores). Each notes when it (re)connects.
 */

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

export interface Practice {
  index: number;
  dir: string;
  connection: HubConnection;
  support: SupportService;
  requestId: string;
  tech: number;
  /** ms timestamps (Date.now) of each 'connected' event. */
  connectedAt: number[];
}

export interface Technician {
  index: number;
  cookie: string;
  controller: ConsoleController;
  connectedAt: number[];
}

/** Practice `index` (its folder under `root`), enrolled as `deviceId`, connected to the hub at `url`; `tech` will answer it. */
export async function startPractice(
  root: string,
  url: string,
  index: number,
  { deviceId, token }: { deviceId: string; token: string },
  tech: number,
): Promise<Practice> {
  const dir = join(root, `practice-${index + 1}`);
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
  connection.start(url, token);
  await until(() => connection.connected, `practice ${index + 1} connected`, 60_000);
  return p;
}

/** Technician `index` signed in (`cookie`), its console connected to the hub at `url`; its store subscription goes to `subscriptions`. */
export async function startTechnician(url: string, index: number, cookie: string, subscriptions: Array<() => void>): Promise<Technician> {
  const client = createTechClient({ url, log: consoleLog, extraHeaders: { cookie } });
  const api = createApi({
    base: url,
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
  subscriptions.push(
    controller.connection.subscribe((s, prev) => s.status === 'connected' && prev.status !== 'connected' && t.connectedAt.push(Date.now())),
  );
  await controller.start();
  await until(() => controller.connection.getState().status === 'connected', `technician ${index + 1} connected`, 60_000);
  return t;
}
