import { describe, expect, it } from 'vitest';
import type { HelpRequest, QueuePosition } from '@vigie/common';
import { requestTransition, type RequestState } from './request.js';
import type { PendingHelp } from './store.js';

const DEVICE = 'dev-1';
const empty: RequestState = { deviceId: DEVICE, pendingHelp: null, current: null, position: null, lastClosed: null };
const julie = { id: 'tech-1', displayName: 'Julie Martin', initials: 'JM' };

function req(over: Partial<HelpRequest> = {}): HelpRequest {
  return {
    id: 'req-1',
    clientId: '00000000-0000-4000-8000-000000000001',
    deviceId: DEVICE,
    deviceName: 'Accueil',
    practiceId: 'p-1',
    practiceName: 'Cabinet',
    status: 'waiting',
    topic: null,
    description: null,
    context: null,
    createdAt: '2026-12-03T09:00:00.000Z',
    assignedAt: null,
    closedAt: null,
    technician: null,
    resolutionNote: null,
    ...over,
  };
}
const pending = (clientId = req().clientId): PendingHelp => ({
  clientId,
  topic: null,
  description: null,
  context: { os: 'linux', osVersion: '6', appVersion: '1.0.0', hostname: 'accueil', locale: 'fr', uptimeSeconds: 1 },
  createdAt: '2026-12-03T09:00:00.000Z',
});
const position = (requestId = 'req-1'): QueuePosition => ({ requestId, position: 1, waiting: 1, etaSeconds: 60 });

describe('requestTransition: the help request on the device, pure', () => {
  it('a click is kept pending (offline too) and clears the last closed request; edits ride along', () => {
    const closed = req({ id: 'old', status: 'resolved' });
    const s = requestTransition({ ...empty, lastClosed: closed }, { type: 'click', pending: pending() });
    expect(s).toMatchObject({ state: { pendingHelp: { clientId: req().clientId }, lastClosed: null }, effects: [], handled: true });
    const edited = requestTransition(s.state, { type: 'edit-pending', topic: 'printer', description: 'Bloquée' });
    expect(edited.state.pendingHelp).toMatchObject({ topic: 'printer', description: 'Bloquée' });
    expect(requestTransition(empty, { type: 'edit-pending', topic: 'printer' }).handled).toBe(false);
  });

  it('created by the hub: open, the offline messages adopted, the chat started afresh and fetched', () => {
    const s = requestTransition(
      { ...empty, pendingHelp: pending() },
      { type: 'created', clientId: req().clientId, request: req(), position: position() },
    );
    expect(s.state).toMatchObject({ pendingHelp: null, current: { id: 'req-1' }, position: { position: 1 } });
    expect(s.effects).toEqual([{ type: 'adopt-pending-messages', requestId: 'req-1' }, { type: 'reset-chat' }, { type: 'sync-chat' }]);
  });

  it('cancelled before reaching the hub: local, its messages dropped; refused by the hub: forgotten', () => {
    expect(requestTransition({ ...empty, pendingHelp: pending() }, { type: 'cancel-local' })).toEqual({
      state: empty,
      effects: [{ type: 'drop-pending-messages' }],
      handled: true,
    });
    expect(requestTransition(empty, { type: 'cancel-local' }).handled).toBe(false);
    expect(requestTransition({ ...empty, pendingHelp: pending() }, { type: 'create-refused' }).state.pendingHelp).toBeNull();
  });

  it('assignment is told once per technician; the queue position goes when no longer waiting', () => {
    const open = { ...empty, current: req(), position: position() };
    const s = requestTransition(open, { type: 'updated', request: req({ status: 'assigned', technician: julie }), source: 'push' });
    expect(s.state).toMatchObject({ current: { status: 'assigned' }, position: null });
    expect(s.effects).toEqual([{ type: 'notify', event: { type: 'assigned', request: req({ status: 'assigned', technician: julie }) } }]);
    expect(
      requestTransition(s.state, { type: 'updated', request: req({ status: 'assigned', technician: julie }), source: 'push' }).effects,
    ).toEqual([]);
  });

  it('closure: shown as last closed, chat reset, typing off, the user told', () => {
    const done = req({ status: 'resolved', closedAt: '2026-12-03T10:00:00.000Z' });
    const s = requestTransition({ ...empty, current: req() }, { type: 'updated', request: done, source: 'answer' });
    expect(s.state).toMatchObject({ current: null, position: null, lastClosed: { id: 'req-1', status: 'resolved' } });
    expect(s.effects).toEqual([
      { type: 'reset-chat' },
      { type: 'typing-off' },
      { type: 'notify', event: { type: 'closed', request: done } },
    ]);
    expect(requestTransition(s.state, { type: 'dismiss-closed' }).state.lastClosed).toBeNull();
  });

  it('pushes: another device’s request is ignored; one the hub opened for this device (an alert) becomes current', () => {
    expect(
      requestTransition(empty, {
        type: 'updated',
        request: req({ id: 'x', clientId: '00000000-0000-4000-8000-000000000009', deviceId: 'other' }),
        source: 'push',
      }).handled,
    ).toBe(false);
    const alert = req({ id: 'alert', clientId: '00000000-0000-4000-8000-000000000002', urgent: true });
    expect(requestTransition(empty, { type: 'updated', request: alert, source: 'push' }).state.current?.id).toBe('alert');
    // The push for our pending click: adopted.
    const s = requestTransition({ ...empty, pendingHelp: pending() }, { type: 'updated', request: req(), source: 'push' });
    expect(s.state).toMatchObject({ pendingHelp: null, current: { id: 'req-1' } });
    expect(s.effects).toEqual([{ type: 'adopt-pending-messages', requestId: 'req-1' }]);
  });

  it('hello: the hub’s open request wins; ours, gone meanwhile, is shown closed; a losing offline click is dropped', () => {
    const gone = requestTransition({ ...empty, current: req() }, { type: 'hello', remote: null, position: null });
    expect(gone.state).toMatchObject({ current: null, lastClosed: { id: 'req-1' } });
    expect(gone.effects).toEqual([{ type: 'reset-chat' }, { type: 'typing-off' }]);

    const remote = req({ id: 'req-2', clientId: '00000000-0000-4000-8000-000000000003' });
    const lost = requestTransition({ ...empty, pendingHelp: pending() }, { type: 'hello', remote, position: position('req-2') });
    expect(lost.state).toMatchObject({ pendingHelp: null, current: { id: 'req-2' }, position: { requestId: 'req-2' } });
    expect(lost.effects).toEqual([
      { type: 'pending-dropped', requestId: 'req-2' },
      { type: 'adopt-pending-messages', requestId: 'req-2' },
    ]);

    const assigned = requestTransition(empty, {
      type: 'hello',
      remote: req({ status: 'assigned', technician: julie }),
      position: position(),
    });
    expect(assigned.state.position).toBeNull();
    expect(assigned.effects).toEqual([]);
  });

  it('a position for another request changes nothing', () => {
    expect(requestTransition({ ...empty, current: req() }, { type: 'position', position: position('other') }).handled).toBe(false);
    expect(requestTransition({ ...empty, current: req() }, { type: 'position', position: position() }).state.position?.requestId).toBe(
      'req-1',
    );
  });
});
