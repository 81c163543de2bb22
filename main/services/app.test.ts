import { describe, expect, it } from 'vitest';
import type { AppState } from '@vigie/common';
import type { Capability } from './app.js';
import { trayStateOf } from './app.js';
import { makeApp, RecordingNotifier, tempDir, waitFor } from './test-support/fixture.js';

describe('app composition', () => {
  it('plugs capabilities in: their handlers answer through the same dispatch, their pushes reach the stream, their lifecycle follows the app', async () => {
    const dir = await tempDir('app');
    const events: string[] = [];
    const pushes: Array<[string, unknown]> = [];
    const health: Capability = {
      name: 'health',
      handlers: {
        'health:getReport': async () => {
          events.push('getReport');
          return null;
        },
        'health:history': async ({ limit }) => {
          events.push(`history:${limit ?? 'all'}`);
          return [];
        },
      },
      start: ({ publish }) => {
        events.push('start');
        publish('app:state', { probe: true });
      },
      stop: () => void events.push('stop'),
    };
    const failing: Capability = {
      name: 'broken',
      start: () => {
        throw new Error('no restic here');
      },
    };
    const app = makeApp(dir.path, 'http://127.0.0.1:9', new RecordingNotifier(), { capabilities: [health, failing] });
    app.onPush((name, payload) => pushes.push([name, payload]));
    try {
      await app.start();
      expect(events).toEqual(['start']);
      expect(pushes.some(([n, p]) => n === 'app:state' && (p as { probe?: boolean }).probe)).toBe(true);
      expect(await app.dispatch('health:getReport', {})).toEqual({ ok: true, data: null });
      expect(await app.dispatch('health:history', { limit: 5 })).toEqual({ ok: true, data: [] });
      expect(await app.dispatch('health:history', { limit: 0 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      // A method of the contract nobody provides on this machine.
      expect(await app.dispatch('health:scan', {})).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
      // The app itself still works although a capability failed to start.
      const st = await app.call('app:getState', {});
      expect(st).toMatchObject({ ok: true, data: { enrollment: { status: 'unenrolled' }, tray: 'idle' } });
      await waitFor(() => pushes.some(([n, p]) => n === 'app:state' && (p as AppState).enrollment?.status === 'unenrolled'), 'state push');
    } finally {
      await app.stop();
      await dir.remove();
    }
    expect(events).toEqual(['start', 'getReport', 'history:5', 'stop']);
  });

  it('switches start-at-login on at the first run only', async () => {
    const dir = await tempDir('app');
    const calls: boolean[] = [];
    let enabled = false;
    const autoStart = { supported: true, isEnabled: () => enabled, setEnabled: (v: boolean) => void (calls.push(v), (enabled = v)) };
    const make = () => makeApp(dir.path, 'http://127.0.0.1:9', new RecordingNotifier(), { ports: { autoStart } });
    try {
      const first = make();
      await first.start();
      await first.stop();
      enabled = false; // the user switched it off in the OS settings
      const second = make();
      await second.start();
      await second.stop();
      expect(calls).toEqual([true]);
      expect(enabled).toBe(false);
    } finally {
      await dir.remove();
    }
  });

  it('derives the tray state from enrollment, connection and the request', () => {
    const enrolled = { status: 'enrolled', hubUrl: 'h', deviceId: 'd', deviceName: 'n', practiceName: 'p' } as const;
    const support: AppState['support'] = {
      connection: 'online',
      current: null,
      position: null,
      messages: [],
      receipts: null,
      technicianTyping: false,
      outboxSize: 0,
      lastClosed: null,
    };
    const req = (status: 'waiting' | 'assigned') => ({ status }) as unknown as AppState['support']['current'];
    expect(
      trayStateOf({ enrollment: { status: 'unenrolled', hubUrl: '', lastError: null }, support: { ...support, connection: 'offline' } }),
    ).toBe('idle');
    expect(trayStateOf({ enrollment: enrolled, support })).toBe('idle');
    expect(trayStateOf({ enrollment: enrolled, support: { ...support, connection: 'connecting' } })).toBe('offline');
    expect(trayStateOf({ enrollment: enrolled, support: { ...support, current: req('waiting') } })).toBe('requested');
    expect(
      trayStateOf({
        enrollment: enrolled,
        support: {
          ...support,
          pendingRequest: { clientId: crypto.randomUUID(), topic: null, description: null, createdAt: new Date().toISOString() },
        },
      }),
    ).toBe('requested');
    expect(trayStateOf({ enrollment: enrolled, support: { ...support, current: req('assigned') } })).toBe('connected');
  });
});
