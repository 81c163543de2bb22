// The screen capability: screen:* through the app dispatch and the app's own hub connection, against a real hub (shared rig: test-support/session.ts).
import { describe, expect, it } from 'vitest';
import type { ScreenSession, ScreenState } from '@vigie/common';
import { emitAck } from '../../../server/src/test-support/sockets.js';
import { HubConnection } from '../hub/connection.js';
import { createDispatch } from '../ipc.js';
import { ActivityTracker } from '../updates/activity.js';
import { screenCapability } from './capability.js';
import { RecordingInjector, cleanups, displays, h, log, useScreenHub, waitState } from './test-support/session.js';

useScreenHub();
// This file's own count for unique names (it makes no rig).
let counter = 0;

describe('screen capability', () => {
  it('serves screen:* through the app dispatch (contract-checked) and publishes state from the app hub connection', async () => {
    counter++;
    const tech = await h.newTech(`cap${counter}`, `Technicien ${counter}`);
    const dev = await h.newDevice(`Poste ${counter}`);
    const req = await h.openRequest(dev, tech);
    const t = await h.screenTech(tech);
    // The app's own HubConnection, on the namespace that serves the screen events.
    const hub = new HubConnection({ logger: log });
    cleanups.push(() => hub.stop());
    const cap = screenCapability({ injector: new RecordingInjector(), displays });
    const dispatch = createDispatch({ ...cap.handlers }, log);
    expect(await dispatch('screen:getState', {})).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    const published: Array<[string, unknown]> = [];
    const activity = new ActivityTracker();
    await cap.start!({ hub, publish: (name, payload) => published.push([name, payload]), logger: log, activity });
    cleanups.push(() => cap.stop!());
    hub.start(h.screenUrl, dev.token);
    await new Promise<void>((resolve) => (hub.connected ? resolve() : hub.on('connected', () => resolve())));

    expect(await dispatch('screen:getState', {})).toMatchObject({ ok: true, data: { phase: 'idle', capture: null } });
    const asked = await emitAck<ScreenSession>(t, 'screen:request', { requestId: req.id });
    if (!asked.ok) throw new Error(asked.error.code);
    await waitState(cap.service!, (s) => s.consent?.displays.length === 2, 'consent via the app connection');
    expect(published.some(([n, p]) => n === 'screen:state' && (p as ScreenState).phase === 'consent-pending')).toBe(true);
    expect(activity.snapshot().remoteSession).toBe(true);
    expect(await dispatch('screen:grant', { sessionId: 42 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await dispatch('screen:signal', { sessionId: asked.data.id, data: { type: 'offer', sdp: 'v=0' } })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    expect(await dispatch('screen:input', { sessionId: asked.data.id, message: JSON.stringify({ t: 'ping', id: 1, sentAt: 1 }) })).toEqual({
      ok: true,
      data: { reply: null },
    });
    expect(await dispatch('screen:refuse', { sessionId: asked.data.id })).toMatchObject({
      ok: true,
      data: { phase: 'ended', ended: { reason: 'refused' } },
    });
    expect(activity.snapshot().remoteSession).toBe(false);
  });
});
