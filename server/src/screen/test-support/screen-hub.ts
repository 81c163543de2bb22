/**
 * What the screen-*.test.ts files share: one screen test hub per file (STUN and TURN configured,
 * the sweep far apart), started before its tests and closed after; a recorder of the screen pushes
 * a socket receives; the session rows. `h` is a live binding: the hook sets it before the tests run.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Socket } from '../../test-support/sockets.js';
import type { ScreenTables } from '../schema.js';
import { startScreenTestHub, type ScreenTestHub } from './index.js';

export const TURN_SECRET = 'un-secret-partage-coturn-de-test';

export let h: ScreenTestHub;

/** Records every screen push a socket receives (to prove that outsiders receive nothing). */
export function recorder(s: Socket): string[] {
  const seen: string[] = [];
  s.onAny((event: string) => {
    if (event.startsWith('screen:')) seen.push(event);
  });
  return seen;
}

/** Registers the hooks that start the hub before the calling file's tests and close it after. */
export function useScreenHub(): void {
  beforeAll(async () => {
    h = await startScreenTestHub({
      providerName: 'InfoSanté Services',
      stunUrls: ['stun:stun.example.org:3478'],
      turn: { urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'], secret: TURN_SECRET, ttlSeconds: 3600 },
      sweepIntervalMs: 60_000,
    });
  });

  afterAll(() => h?.close());
}

export const sessions = () => h.hub.services.db.withTables<ScreenTables>().selectFrom('screen_sessions').selectAll();
