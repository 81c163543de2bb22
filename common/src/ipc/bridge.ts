import { z } from 'zod';

/**
 * The browser host's transport for window.vigie: a WebSocket on loopback carrying the same IPC
 * calls and pushes as Electron's ipcRenderer. The page gets a per-launch secret in its URL
 * fragment (#k=…) and presents it as a WebSocket subprotocol; the host refuses the upgrade
 * without it.
 */
export const BRIDGE = {
  path: '/bridge',
  protocol: 'vigie-bridge.v1',
  /** Second subprotocol: `vigie-key.<secret>` (hex). */
  keyPrefix: 'vigie-key.',
  /** Name of the URL fragment parameter carrying the secret. */
  fragmentKey: 'k',
  maxFrameBytes: 256 * 1024,
} as const;

/** Renderer → host. */
export const BridgeCall = z.strictObject({
  t: z.literal('call'),
  id: z.number().int().nonnegative(),
  method: z.string().min(1).max(100),
  input: z.unknown().optional(),
});
export type BridgeCall = z.infer<typeof BridgeCall>;

/** Host → renderer: the Result of a call, or a push. */
export const BridgeServerFrame = z.discriminatedUnion('t', [
  z.object({ t: z.literal('result'), id: z.number().int().nonnegative().nullable(), result: z.unknown() }),
  z.object({ t: z.literal('push'), name: z.string(), payload: z.unknown() }),
]);
export type BridgeServerFrame = z.infer<typeof BridgeServerFrame>;
