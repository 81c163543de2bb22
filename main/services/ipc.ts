import { IPC_METHODS, err, ok, toErr, parseOrThrow, type IpcMethod, type IpcResponse, type Result } from '@vigie/common';
import type { z } from 'zod';
import type { Logger } from '../platform/ports.js';

export type IpcInput<K extends IpcMethod> = z.infer<(typeof IPC_METHODS)[K]['request']>;

export type IpcHandler<K extends IpcMethod> = (input: IpcInput<K>) => Promise<IpcResponse<K>>;

/**
 * Handlers per IPC method, receiving input already parsed by the contract. Partial: each
 * capability (support, health, backup, updates…) brings its own; a method of the contract with
 * no handler on this machine answers UNAVAILABLE.
 */
export type IpcHandlers = { [K in IpcMethod]?: IpcHandler<K> };

export type Dispatch = (method: string, input: unknown) => Promise<Result<unknown>>;

const hasMethod = (m: string): m is IpcMethod => Object.prototype.hasOwnProperty.call(IPC_METHODS, m);

/**
 * The single entry point of every renderer call, for Electron IPC and the browser host alike:
 * unknown method → UNKNOWN_EVENT, input parsed with the contract (BAD_REQUEST), handler errors
 * turned into the Result envelope, the answer checked against the contract before it leaves.
 */
export function createDispatch(handlers: IpcHandlers, logger: Logger): Dispatch {
  const log = logger.child({ svc: 'ipc' });
  return async (method, input) => {
    if (typeof method !== 'string' || !hasMethod(method)) return err('UNKNOWN_EVENT', 'Action inconnue.');
    const spec = IPC_METHODS[method];
    const handler = handlers[method] as ((i: unknown) => Promise<unknown>) | undefined;
    if (!handler) return err('UNAVAILABLE', 'Cette fonction n’est pas disponible sur cet ordinateur.');
    try {
      const parsed = parseOrThrow(spec.request, input ?? {});
      const data = await handler(parsed);
      const out = spec.response.safeParse(data);
      if (!out.success) {
        log.error('handler answered outside the contract', { method, issues: out.error.issues.slice(0, 3) });
        return err('INTERNAL', 'Erreur interne. Réessayez dans un instant.');
      }
      return ok(out.data);
    } catch (e) {
      const r = toErr(e);
      if (r.error.code === 'INTERNAL') log.error('handler failed', { method, err: e });
      else log.debug('handler refused', { method, code: r.error.code });
      return r;
    }
  };
}
