import type { z } from 'zod';
import { APP_METHODS, APP_PUSH } from './app.js';
import { HEALTH_METHODS, HEALTH_PUSH } from './health.js';
import { BACKUP_METHODS, BACKUP_PUSH } from './backup.js';
import { SCREEN_METHODS, SCREEN_PUSH } from './screen.js';
import { BACKUP_ACCESS_METHODS, BACKUP_ACCESS_PUSH } from './backup-access.js';
import { TRIPWIRE_METHODS, TRIPWIRE_PUSH } from '../tripwire.js';
import { INTERVENTIONS_METHODS } from './receipts.js';

export * from './app.js';
export * from './health.js';
export * from './backup.js';
export * from './screen.js';
export * from './backup-access.js';
export * from './bridge.js';
export * from './receipts.js';

/**
 * Every call the renderer can make to the main process (Electron IPC or the browser host's
 * WebSocket), as `capability:method` → { request, response } schemas. Each capability adds its
 * own file here and spreads it below; the preload exposes exactly these, as named methods
 * `window.vigie.<capability>.<method>(input)`.
 */
export const IPC_METHODS = {
  ...APP_METHODS,
  ...HEALTH_METHODS,
  ...BACKUP_METHODS,
  ...SCREEN_METHODS,
  ...BACKUP_ACCESS_METHODS,
  ...TRIPWIRE_METHODS,
  ...INTERVENTIONS_METHODS,
} as const;

/** Main → renderer pushes: `window.vigie.on(name, listener)`. */
export const IPC_PUSH = {
  ...APP_PUSH,
  ...HEALTH_PUSH,
  ...BACKUP_PUSH,
  ...SCREEN_PUSH,
  ...BACKUP_ACCESS_PUSH,
  ...TRIPWIRE_PUSH,
} as const;

export type IpcMethod = keyof typeof IPC_METHODS;
export type IpcPush = keyof typeof IPC_PUSH;
export type IpcRequest<K extends IpcMethod> = z.input<(typeof IPC_METHODS)[K]['request']>;
export type IpcResponse<K extends IpcMethod> = z.infer<(typeof IPC_METHODS)[K]['response']>;
export type IpcPushPayload<K extends IpcPush> = z.infer<(typeof IPC_PUSH)[K]>;

type Split<K> = K extends `${infer C}:${infer M}` ? [C, M] : never;
type Capabilities = Split<IpcMethod>[0];

/** The shape of `window.vigie`, derived from the contract. */
export type VigieApi = {
  [C in Capabilities]: {
    [K in IpcMethod as Split<K>[0] extends C ? Split<K>[1] : never]: (
      input?: IpcRequest<K>,
    ) => Promise<import('../result.js').Result<IpcResponse<K>>>;
  };
} & {
  on<K extends IpcPush>(name: K, listener: (payload: IpcPushPayload<K>) => void): () => void;
};

/** Builds the named-method object from a single transport function (used by preload and the browser bridge). */
export function buildVigieApi(
  call: (method: IpcMethod, input: unknown) => Promise<unknown>,
  subscribe: (name: IpcPush, listener: (payload: unknown) => void) => () => void,
): VigieApi {
  const api: Record<string, unknown> = {};
  for (const key of Object.keys(IPC_METHODS) as IpcMethod[]) {
    const [cap, method] = key.split(':') as [string, string];
    const group = (api[cap] ??= {}) as Record<string, unknown>;
    group[method] = (input?: unknown) => call(key, input ?? {});
  }
  api.on = (name: IpcPush, listener: (payload: unknown) => void) => {
    if (!(name in IPC_PUSH)) throw new Error(`Unknown push channel ${String(name)}`);
    return subscribe(name, listener);
  };
  return api as VigieApi;
}
