/**
 * Test helper: a device's socket.io socket as the screen service's hub link (the app adapts HubConnection instead).
 * Like HubConnection.emitAck, a request never throws: OFFLINE when not connected, TIMEOUT when the hub does not
 * answer (or the socket closes first, as when a test's hub closes while an answer is on its way). Tests only.
 */
import type { Socket } from 'socket.io-client';
import { err, resultSchema, SCREEN_DEVICE_EVENTS, SCREEN_DEVICE_PUSH } from '@vigie/common';
import type { ScreenHubLink } from '../session.js';

export function socketHubLink(socket: Socket): ScreenHubLink {
  return {
    request: async (event, payload) => {
      if (!socket.connected) return err('OFFLINE', 'Connexion au serveur indisponible.') as never;
      let raw: unknown;
      try {
        raw = await socket.timeout(10_000).emitWithAck(event, payload);
      } catch {
        return err('TIMEOUT', 'Le serveur n’a pas répondu à temps.') as never;
      }
      return resultSchema(SCREEN_DEVICE_EVENTS[event].response).parse(raw) as never;
    },
    onPush: (name, listener) => {
      const h = (p: unknown) => listener(SCREEN_DEVICE_PUSH[name].parse(p) as never);
      socket.on(name as string, h);
      return () => socket.off(name as string, h);
    },
    onConnection: (listener) => {
      const down = () => listener(false);
      socket.on('disconnect', down);
      return () => socket.off('disconnect', down);
    },
  };
}
