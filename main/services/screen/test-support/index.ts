/** Test helper: a device's socket.io socket as the screen service's hub link (the app adapts HubConnection instead). Tests only. */
import type { Socket } from 'socket.io-client';
import { resultSchema, SCREEN_DEVICE_EVENTS, SCREEN_DEVICE_PUSH } from '@vigie/common';
import type { ScreenHubLink } from '../session.js';

export function socketHubLink(socket: Socket): ScreenHubLink {
  return {
    request: async (event, payload) =>
      resultSchema(SCREEN_DEVICE_EVENTS[event].response).parse(await socket.timeout(10_000).emitWithAck(event, payload)) as never,
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
