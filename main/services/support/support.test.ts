import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatMessage, ChatReceipts, HelpRequest, QueueSnapshot } from '@vigie/common';
import type { Hub } from '../../../server/src/app.js';
import { connectDevice, emitAck, nextEvent, type Socket } from '../../../server/src/test-support/sockets.js';
import { FileSecretStore } from '../../platform/node/secret-store.js';
import type { VigieApp } from '../app.js';
import { TOKEN_KEY } from '../settings/enrollment.js';
import { RecordingNotifier, enrollApp, makeApp, startHub, technician, tempDir, waitFor } from '../test-support/fixture.js';

type Dir = { path: string; remove: () => Promise<void> };

describe('support: help requests and chat (real hub)', () => {
  let hubDir: Dir;
  let appDir: Dir;
  let hub: Hub;
  let app: VigieApp;
  const apps: VigieApp[] = [];
  const sockets: Socket[] = [];

  const newApp = (notifier = new RecordingNotifier()) => {
    const a = makeApp(appDir.path, hub.url, notifier);
    apps.push(a);
    return a;
  };
  const tech = async (name?: string) => {
    const t = await technician(hub, name);
    sockets.push(t.socket);
    return t;
  };
  /** Messages the hub stored for a request, as a technician sees them. */
  const hubMessages = async (sock: Socket, requestId: string): Promise<ChatMessage[]> => {
    const r = await emitAck<{ messages: ChatMessage[] }>(sock, 'chat:sync', { requestId, afterSeq: 0 });
    if (!r.ok) throw new Error(r.error.code);
    return r.data.messages;
  };
  /** One click, then the technician `t` accepts: the id of the assigned request. */
  const assignedRequest = async (t: { socket: Socket }): Promise<string> => {
    const created = await app.call('support:requestHelp', {});
    if (!created.ok || !created.data) throw new Error('requestHelp failed');
    const accepted = await emitAck(t.socket, 'help:accept', { requestId: created.data.id });
    if (!accepted.ok) throw new Error(`help:accept failed: ${accepted.error.code}`);
    await waitFor(() => app.state().support.current?.status === 'assigned', 'assigned');
    return created.data.id;
  };

  beforeEach(async () => {
    hubDir = await tempDir('hub');
    appDir = await tempDir('app');
    hub = await startHub(hubDir.path);
    app = newApp();
    await app.start();
    await enrollApp(app, hub);
  });

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    for (const a of apps.splice(0)) await a.stop();
    await hub.close();
    await hubDir.remove();
    await appDir.remove();
  });

  it('one click creates one request; a double click and a retry never duplicate it', async () => {
    const t = await tech();
    const queued = nextEvent<QueueSnapshot>(t.socket, 'queue:updated', (q) => q.requests.length === 1);
    const [a, b] = await Promise.all([app.call('support:requestHelp', {}), app.call('support:requestHelp', {})]);
    if (!a.ok || !b.ok || !a.data || !b.data) throw new Error('requestHelp failed');
    expect(a.data.id).toBe(b.data.id);
    expect(a.data.status).toBe('waiting');
    expect(a.data.context).toMatchObject({ appVersion: '0.1.0-test', locale: 'fr' });
    expect(a.data.context?.hostname).toBeTruthy();
    await queued;
    const st = await waitFor(() => (app.state().support.position ? app.state() : null), 'queue position');
    expect(st.support.position).toMatchObject({ requestId: a.data.id, position: 1, waiting: 1 });
    expect(st.tray).toBe('requested');

    // Topic and description after the click.
    const upd = await app.call('support:updateRequest', { topic: 'printer', description: 'L’imprimante ne répond plus' });
    expect(upd).toMatchObject({ ok: true, data: { id: a.data.id, topic: 'printer', description: 'L’imprimante ne répond plus' } });
    // A third click is still the same request.
    const c = await app.call('support:requestHelp', {});
    expect(c).toMatchObject({ ok: true, data: { id: a.data.id } });
    const q = await emitAck<QueueSnapshot>(t.socket, 'queue:list', {});
    expect(q.ok && q.data.requests.filter((r) => r.deviceId === a.data!.deviceId)).toHaveLength(1);
  });

  it('a click made offline is kept on disk (even across an app restart) and sent once when the hub is back', async () => {
    const port = hub.port;
    await hub.close();
    await waitFor(() => app.state().support.connection === 'offline', 'offline');
    const r = await app.call('support:requestHelp', { topic: 'internet' });
    expect(r).toEqual({ ok: true, data: null });
    expect(app.state().support.pendingRequest).toMatchObject({ topic: 'internet' });
    expect(app.state().tray).toBe('offline');
    // Text typed while the request itself has not reached the hub yet.
    expect(await app.call('support:sendChat', { text: 'Plus de réseau au cabinet' })).toMatchObject({
      ok: true,
      data: { status: 'pending' },
    });
    // A second click offline reuses the same pending click.
    const clientId = app.state().support.pendingRequest!.clientId;
    await app.call('support:requestHelp', { description: 'La box clignote' });
    expect(app.state().support.pendingRequest).toMatchObject({ clientId, description: 'La box clignote' });
    await app.stop();

    hub = await startHub(hubDir.path, port);
    const again = newApp();
    await again.start();
    expect(again.state().support.pendingRequest?.clientId).toBe(clientId);
    const st = await waitFor(() => (again.state().support.current ? again.state() : null), 'request created after reconnection');
    expect(st.support.current).toMatchObject({ clientId, topic: 'internet', description: 'La box clignote', status: 'waiting' });
    expect(st.support.pendingRequest).toBeNull();
    const t = await tech();
    await waitFor(() => again.state().support.outboxSize === 0, 'outbox flushed');
    const msgs = await hubMessages(t.socket, st.support.current!.id);
    expect(msgs.filter((m) => m.author === 'device').map((m) => m.text)).toEqual(['Plus de réseau au cabinet']);
    const q = await emitAck<QueueSnapshot>(t.socket, 'queue:list', {});
    expect(q.ok && q.data.requests).toHaveLength(1);
  });

  it('assignment shows the technician; chat both ways with receipts and typing', async () => {
    const notifier = new RecordingNotifier();
    await app.stop();
    app = newApp(notifier);
    await app.start();
    await waitFor(() => app.state().support.connection === 'online', 'online');
    const t = await tech('Julie Martin');
    const created = await app.call('support:requestHelp', {});
    if (!created.ok || !created.data) throw new Error('requestHelp failed');
    const requestId = created.data.id;
    expect((await emitAck<HelpRequest>(t.socket, 'help:accept', { requestId })).ok).toBe(true);
    const st = await waitFor(() => (app.state().support.current?.status === 'assigned' ? app.state() : null), 'assigned');
    expect(st.support.current?.technician?.displayName).toBe('Julie Martin');
    expect(st.support.position).toBeNull();
    expect(st.tray).toBe('connected');
    expect(notifier.seen.some((n) => n.body.includes('Julie Martin'))).toBe(true);

    // Device → technician: pending, then sent; the technician's delivery/read receipts show up.
    const techGot = nextEvent<ChatMessage>(t.socket, 'chat:message', (m) => m.author === 'device');
    const sent = await app.call('support:sendChat', { text: 'Bonjour, merci !' });
    expect(sent).toMatchObject({ ok: true, data: { status: 'pending', text: 'Bonjour, merci !' } });
    const onHub = await techGot;
    expect(onHub).toMatchObject({ text: 'Bonjour, merci !', author: 'device', authorName: 'Accueil' });
    await waitFor(() => app.state().support.messages.find((m) => m.id === onHub.id)?.status === 'sent', 'sent');
    await emitAck(t.socket, 'chat:receipt', { requestId, kind: 'delivered', upToSeq: onHub.seq });
    await waitFor(() => app.state().support.messages.find((m) => m.id === onHub.id)?.status === 'delivered', 'delivered');
    await emitAck(t.socket, 'chat:receipt', { requestId, kind: 'read', upToSeq: onHub.seq });
    await waitFor(() => app.state().support.messages.find((m) => m.id === onHub.id)?.status === 'read', 'read');

    // Typing indicator.
    await emitAck(t.socket, 'chat:typing', { requestId, typing: true });
    await waitFor(() => app.state().support.technicianTyping, 'technician typing');
    const devTyping = nextEvent<{ typing: boolean }>(t.socket, 'chat:typing', (p) => p.typing);
    await app.call('support:setTyping', { typing: true });
    await devTyping;

    // Technician → device: delivered automatically, read when the UI says so.
    const delivered = nextEvent<ChatReceipts>(t.socket, 'chat:receipt', (r) => r.device.delivered > onHub.seq);
    const m = await emitAck<{ message: ChatMessage }>(t.socket, 'chat:send', {
      requestId,
      id: crypto.randomUUID(),
      text: 'Je regarde ça.',
      sentAt: new Date().toISOString(),
    });
    if (!m.ok) throw new Error(m.error.code);
    await waitFor(() => app.state().support.messages.some((x) => x.id === m.data.message.id), 'technician message shown');
    expect(app.state().support.technicianTyping).toBe(false);
    expect((await delivered).device.delivered).toBe(m.data.message.seq);
    expect(notifier.seen.some((n) => n.body === 'Je regarde ça.')).toBe(true);
    const read = nextEvent<ChatReceipts>(t.socket, 'chat:receipt', (r) => r.device.read >= m.data.message.seq);
    expect(await app.call('support:markRead', {})).toEqual({ ok: true, data: {} });
    await read;
    expect(app.state().support.messages.find((x) => x.id === m.data.message.id)?.status).toBe('read');

    // Resolution: confirmation, back to idle.
    expect((await emitAck(t.socket, 'help:resolve', { requestId, note: 'Imprimante relancée' })).ok).toBe(true);
    const closed = await waitFor(() => (app.state().support.lastClosed ? app.state() : null), 'resolved');
    expect(closed.support).toMatchObject({
      current: null,
      lastClosed: { id: requestId, status: 'resolved', resolutionNote: 'Imprimante relancée' },
      messages: [],
    });
    expect(closed.tray).toBe('idle');
    expect(await app.call('support:dismissClosed', {})).toEqual({ ok: true, data: {} });
    expect(app.state().support.lastClosed).toBeNull();
  });

  it('outbox survives a hub restart: messages sent offline arrive exactly once, in order', async () => {
    const t = await tech();
    const requestId = await assignedRequest(t);

    const port = hub.port;
    t.socket.close();
    await hub.close();
    await waitFor(() => app.state().support.connection === 'offline', 'offline');
    expect(app.state().tray).toBe('offline');
    for (const text of ['un', 'deux', 'trois']) expect((await app.call('support:sendChat', { text })).ok).toBe(true);
    expect(app.state().support.outboxSize).toBe(3);
    expect(
      app
        .state()
        .support.messages.filter((m) => m.status === 'pending')
        .map((m) => m.text),
    ).toEqual(['un', 'deux', 'trois']);
    const onDisk = JSON.parse(await readFile(join(appDir.path, 'support.json'), 'utf8')) as { outbox: unknown[] };
    expect(onDisk.outbox).toHaveLength(3);

    hub = await startHub(hubDir.path, port);
    await waitFor(() => app.state().support.connection === 'online' && app.state().support.outboxSize === 0, 'flushed after hub restart');
    const t2 = await t.reconnect(hub.url);
    sockets.push(t2);
    const msgs = (await hubMessages(t2, requestId)).filter((m) => m.author === 'device');
    expect(msgs.map((m) => m.text)).toEqual(['un', 'deux', 'trois']);
    expect(
      app
        .state()
        .support.messages.filter((m) => m.author === 'device')
        .map((m) => m.status),
    ).toEqual(['sent', 'sent', 'sent']);
  });

  it('outbox survives an app restart, and a message stored by the hub before the crash is not doubled', async () => {
    const t = await tech();
    const requestId = await assignedRequest(t);

    const port = hub.port;
    await hub.close();
    await waitFor(() => app.state().support.connection === 'offline', 'offline');
    await app.call('support:sendChat', { text: 'premier' });
    await app.call('support:sendChat', { text: 'second' });
    const firstId = app.state().support.messages.find((m) => m.text === 'premier')!.id;
    await app.stop(); // the app quits (or crashes) with two messages in its outbox

    // The hub had in fact stored "premier" (its ack was lost): replay it with the device's own token.
    hub = await startHub(hubDir.path, port);
    const token = await new FileSecretStore(join(appDir.path, 'secrets.json')).get(TOKEN_KEY);
    const dev = await connectDevice(hub.url, token!);
    sockets.push(dev);
    const pre = await emitAck(dev, 'chat:send', { requestId, id: firstId, text: 'premier', sentAt: new Date().toISOString() });
    expect(pre.ok).toBe(true);
    dev.close();

    const restarted = newApp();
    await restarted.start();
    expect(restarted.state().support.outboxSize).toBe(2);
    await waitFor(
      () => restarted.state().support.connection === 'online' && restarted.state().support.outboxSize === 0,
      'flushed after app restart',
    );
    const t2 = await t.reconnect(hub.url);
    sockets.push(t2);
    const msgs = (await hubMessages(t2, requestId)).filter((m) => m.author === 'device');
    expect(msgs.map((m) => m.text)).toEqual(['premier', 'second']);
    const local = restarted.state().support.messages.filter((m) => m.author === 'device');
    expect(local.map((m) => [m.text, m.status])).toEqual([
      ['premier', 'sent'],
      ['second', 'sent'],
    ]);
  });

  it('resyncs from the last seq after a reconnect: messages written while away arrive once, then delivered', async () => {
    const t = await tech();
    const created = await app.call('support:requestHelp', {});
    if (!created.ok || !created.data) throw new Error('requestHelp failed');
    const requestId = created.data.id;
    await emitAck(t.socket, 'help:accept', { requestId });
    await waitFor(() => app.state().support.messages.length >= 1, 'acceptance message');
    const before = app.state().support.messages.length;
    await app.stop();

    for (const text of ['Êtes-vous là ?', 'Je reviens vers vous.']) {
      const r = await emitAck(t.socket, 'chat:send', { requestId, id: crypto.randomUUID(), text, sentAt: new Date().toISOString() });
      expect(r.ok).toBe(true);
    }
    const delivered = nextEvent<ChatReceipts>(t.socket, 'chat:receipt', (r) => r.device.delivered >= before + 2);
    const back = newApp();
    await back.start();
    await waitFor(() => back.state().support.messages.length === before + 2, 'resynced');
    await delivered;
    const texts = back.state().support.messages.map((m) => m.text);
    expect(texts.slice(-2)).toEqual(['Êtes-vous là ?', 'Je reviens vers vous.']);
    expect(new Set(back.state().support.messages.map((m) => m.id)).size).toBe(texts.length);
  });

  it('cancel closes the request on the hub; a request that ended while the app was away shows as closed', async () => {
    const created = await app.call('support:requestHelp', {});
    if (!created.ok || !created.data) throw new Error('requestHelp failed');
    expect(await app.call('support:cancel', {})).toEqual({ ok: true, data: {} });
    expect(app.state().support).toMatchObject({ current: null, lastClosed: { id: created.data.id, status: 'cancelled' } });

    await app.call('support:dismissClosed', {});
    const second = await app.call('support:requestHelp', {});
    if (!second.ok || !second.data) throw new Error('requestHelp failed');
    expect(second.data.id).not.toBe(created.data.id);
    const t = await tech();
    await emitAck(t.socket, 'help:accept', { requestId: second.data.id });
    await waitFor(() => app.state().support.current?.status === 'assigned', 'assigned');
    await app.stop();
    await emitAck(t.socket, 'help:resolve', { requestId: second.data.id, note: 'Réglé par téléphone' });
    const back = newApp();
    await back.start();
    await waitFor(() => back.state().support.lastClosed?.id === second.data!.id, 'closed while away');
    expect(back.state().support.current).toBeNull();
  });

  it('refuses bad input at the boundary', async () => {
    expect(await app.call('support:sendChat', { text: '   ' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await app.call('support:sendChat', { text: 'pas de demande' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await app.dispatch('support:requestHelp', { topic: 'weather' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await app.dispatch('support:nope', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_EVENT' } });
    expect(await app.dispatch('support:sendChat', null)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});
