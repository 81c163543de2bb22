import { DEVICE_EVENTS, err, VigieError } from '@vigie/common';
import type { Capability } from '../app.js';
import type { HubConnection } from '../hub/connection.js';
import type { IpcHandlers } from '../ipc.js';
import type { Clock } from '@vigie/common';
import type { InputInjector, SafetyGate, ScreenDisplays } from './ports.js';
import { ScreenSessionService, type ScreenHubLink } from './session.js';

type ScreenMethod = Extract<keyof IpcHandlers, `screen:${string}`>;

/** The screen:* IPC handlers (input already parsed by the contract in createDispatch). */
export function screenHandlers(get: () => ScreenSessionService): Required<Pick<IpcHandlers, ScreenMethod>> {
  return {
    'screen:getState': async () => get().state(),
    'screen:grant': async ({ sessionId, displayId, withoutSafety }) => get().grant(sessionId, displayId, withoutSafety === true),
    'screen:refuse': async ({ sessionId }) => get().refuse(sessionId),
    'screen:stop': async () => get().stopSharing('practitioner-stop'),
    'screen:revokeControl': async () => get().revokeControl(),
    'screen:signal': async ({ sessionId, data }) => {
      await get().sendSignal(sessionId, data);
      return {};
    },
    'screen:input': async ({ sessionId, message }) => ({ reply: await get().handleData(sessionId, message) }),
    'screen:peerFailed': async ({ sessionId, detail }) => get().peerFailed(sessionId, detail),
  };
}

/**
 * The app's one hub connection as the screen service's link. Requests go through
 * HubConnection.emitAck once the screen events are part of DEVICE_EVENTS (until the hub
 * dispatches them, they answer UNAVAILABLE); pushes are already parsed by the connection.
 */
export function hubConnectionLink(hub: HubConnection): ScreenHubLink {
  return {
    request: async (event, payload) => {
      if (!Object.prototype.hasOwnProperty.call(DEVICE_EVENTS, event))
        return err('UNAVAILABLE', 'Le partage d’écran n’est pas encore pris en charge par le serveur.') as never;
      return hub.emitAck(event as never, payload as never) as never;
    },
    onPush: (name, listener) => hub.onPush(name, listener as never),
    onConnection: (listener) => hub.on('state', (s) => listener(s === 'online')),
  };
}

export interface ScreenCapabilityOptions {
  injector: InputInjector;
  displays: ScreenDisplays;
  clock?: Clock;
  consentTimeoutMs?: number;
  /** The safety backup before control (issue 12): the backup capability's SafetyService, looked up when control is granted. */
  safety?: () => SafetyGate | null;
  safetyWaitMs?: number;
}

/** The capability, plus the live service the shell needs (shortcut, banner, capture permission). */
export interface ScreenCapability extends Capability {
  readonly service: ScreenSessionService | null;
}

/**
 * The remote-screen capability for VigieApp (`capabilities: [screen]`): screen:* handlers, pushes
 * 'screen:state' / 'screen:signal', the session service built on the app's hub connection, and a
 * `remoteSession` activity probe (the updater never installs while a consent is asked or a
 * session is live).
 */
export function screenCapability(o: ScreenCapabilityOptions): ScreenCapability {
  let service: ScreenSessionService | null = null;
  let offs: Array<() => void> = [];
  const get = () => {
    if (!service) throw new VigieError('UNAVAILABLE', 'Le partage d’écran démarre, réessayez dans un instant.');
    return service;
  };
  return {
    name: 'screen',
    get service() {
      return service;
    },
    handlers: screenHandlers(get),
    async start({ hub, publish, logger, activity }) {
      const s = new ScreenSessionService({
        hub: hubConnectionLink(hub),
        injector: o.injector,
        displays: o.displays,
        logger,
        ...(o.clock ? { clock: o.clock } : {}),
        ...(o.consentTimeoutMs ? { consentTimeoutMs: o.consentTimeoutMs } : {}),
        ...(o.safety ? { safety: o.safety } : {}),
        ...(o.safetyWaitMs !== undefined ? { safetyWaitMs: o.safetyWaitMs } : {}),
      });
      offs = [s.on('state', (st) => publish('screen:state', st)), s.on('signal', (sig) => publish('screen:signal', sig))];
      const busy = ['consent-pending', 'viewing', 'control-pending', 'controlling'];
      if (activity) offs.push(activity.register(() => ({ remoteSession: busy.includes(s.state().phase) })));
      service = s;
      await s.start();
    },
    async stop() {
      for (const off of offs.splice(0)) off();
      service?.stop();
      service = null;
    },
  };
}
