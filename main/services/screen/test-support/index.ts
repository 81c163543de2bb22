/** Test helper: a device's socket.io socket as the screen service's hub link (the app adapts HubConnection instead). Tests only. */
import type { Socket } from 'socket.io-client';
import { resultSchema, SCREEN_DEVICE_EVENTS, SCREEN_DEVICE_PUSH } from '@vigie/common';
import type { ScreenClock } from '../ports.js';
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

/** A screen clock the test moves: consents, and the wait for the safety backup, end only when it says so. Tests only. */
export class ManualClock implements ScreenClock {
  private t = Date.now();
  private timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  now = () => this.t;
  timer = (fn: () => void, ms: number) => {
    const entry = { at: this.t + ms, fn, live: true };
    this.timers.push(entry);
    return () => {
      entry.live = false;
    };
  };
  advance(ms: number): void {
    this.t += ms;
    for (const e of this.timers.filter((x) => x.live && x.at <= this.t)) {
      e.live = false;
      e.fn();
    }
  }
}
