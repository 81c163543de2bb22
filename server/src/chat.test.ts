import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemMessageText, type ChatMessage, type ChatReceipts } from '@vigie/common';
import {
  acceptedHelp,
  chatPayload,
  code,
  createHelp,
  data,
  newDevice,
  newTech,
  startTestHub,
  type TestDevice,
  type TestHub,
  type TestTech,
} from './test-support/fixture.js';
import { connectDevice, emitAck, nextEvent } from './test-support/sockets.js';

type SendResult = { message: ChatMessage; duplicate: boolean };
type SyncResult = { messages: ChatMessage[]; receipts: ChatReceipts; more: boolean };

let t: TestHub;
let tech: TestTech;
beforeAll(async () => {
  t = await startTestHub({ socket: { ratePerSecond: 1000, burst: 1000 } });
  tech = await newTech(t, 'technician', 'Nina Support');
});
afterAll(() => t.close());

async function assignedRequest(): Promise<{ dev: TestDevice; requestId: string }> {
  const dev = await newDevice(t, 'Poste Chat');
  const request = await acceptedHelp(dev, tech);
  return { dev, requestId: request.id };
}

describe('chat', () => {
  it('stores a message once per client id: a resend is acked duplicate and not pushed again', async () => {
    const { dev, requestId } = await assignedRequest();
    const received: ChatMessage[] = [];
    tech.socket.on('chat:message', (m: ChatMessage) => {
      if (m.requestId === requestId && m.author === 'device') received.push(m);
    });
    const payload = chatPayload(requestId, 'Mon écran est noir');
    const first = data(await emitAck<SendResult>(dev.socket, 'chat:send', payload));
    const again = data(await emitAck<SendResult>(dev.socket, 'chat:send', payload));
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ message: first.message, duplicate: true });
    expect(first.message).toMatchObject({ author: 'device', authorName: 'Poste Chat', text: 'Mon écran est noir', sentAt: payload.sentAt });
    // A later message proves the order: everything before it has been delivered.
    const marker = nextEvent<ChatMessage>(tech.socket, 'chat:message', (m) => m.text === 'marqueur');
    data(await emitAck(dev.socket, 'chat:send', chatPayload(requestId, 'marqueur')));
    await marker;
    expect(received.map((m) => m.text)).toEqual(['Mon écran est noir', 'marqueur']);
    const stored = await t.hub.services.db.selectFrom('chat_messages').select('id').where('id', '=', payload.id).execute();
    expect(stored).toHaveLength(1);
    // The same id from the other side is a conflict, not a silent overwrite.
    expect(code(await emitAck(tech.socket, 'chat:send', { ...payload, text: 'autre' }))).toBe('CONFLICT');
  });

  it('seq increases per request and both sides get each new message', async () => {
    const { dev, requestId } = await assignedRequest();
    const toDevice = nextEvent<ChatMessage>(dev.socket, 'chat:message', (m) => m.author === 'technician');
    const sent = data(await emitAck<SendResult>(tech.socket, 'chat:send', chatPayload(requestId, 'Bonjour, je regarde.')));
    expect(sent.message).toMatchObject({ author: 'technician', authorName: 'Nina Support', seq: 2 });
    expect(await toDevice).toEqual(sent.message);
    const reply = data(await emitAck<SendResult>(dev.socket, 'chat:send', chatPayload(requestId, 'Merci')));
    expect(reply.message.seq).toBe(3);
  });

  it('receipts are monotonic, capped at the last message, and pushed to both sides', async () => {
    const { dev, requestId } = await assignedRequest();
    for (const text of ['un', 'deux', 'trois']) data(await emitAck(dev.socket, 'chat:send', chatPayload(requestId, text)));
    const devSees = nextEvent<ChatReceipts>(dev.socket, 'chat:receipt', (r) => r.technician.delivered === 4);
    const delivered = data(await emitAck<ChatReceipts>(tech.socket, 'chat:receipt', { requestId, kind: 'delivered', upToSeq: 4 }));
    expect(delivered).toEqual({ requestId, device: { delivered: 0, read: 0 }, technician: { delivered: 4, read: 0 } });
    await devSees;
    const read = data(await emitAck<ChatReceipts>(tech.socket, 'chat:receipt', { requestId, kind: 'read', upToSeq: 2 }));
    expect(read.technician).toEqual({ delivered: 4, read: 2 });
    const back = data(await emitAck<ChatReceipts>(tech.socket, 'chat:receipt', { requestId, kind: 'delivered', upToSeq: 1 }));
    expect(back.technician).toEqual({ delivered: 4, read: 2 });
    const capped = data(await emitAck<ChatReceipts>(dev.socket, 'chat:receipt', { requestId, kind: 'read', upToSeq: 999 }));
    expect(capped.device).toEqual({ delivered: 4, read: 4 });
    const sync = data(await emitAck<SyncResult>(tech.socket, 'chat:sync', { requestId, afterSeq: 0 }));
    expect(sync.receipts).toEqual(capped);
  });

  it('typing is relayed to the other side and not stored', async () => {
    const { dev, requestId } = await assignedRequest();
    const atTech = nextEvent<{ requestId: string; author: string; name: string; typing: boolean }>(
      tech.socket,
      'chat:typing',
      (p) => p.requestId === requestId,
    );
    data(await emitAck(dev.socket, 'chat:typing', { requestId, typing: true }));
    expect(await atTech).toEqual({ requestId, author: 'device', name: 'Poste Chat', typing: true });
    const atDev = nextEvent<{ author: string; name: string; typing: boolean }>(dev.socket, 'chat:typing');
    data(await emitAck(tech.socket, 'chat:typing', { requestId, typing: false }));
    expect(await atDev).toEqual({ requestId, author: 'technician', name: 'Nina Support', typing: false });
    const sync = data(await emitAck<SyncResult>(dev.socket, 'chat:sync', { requestId, afterSeq: 0 }));
    expect(sync.messages.map((m) => m.author)).toEqual(['system']);
  });

  it('after a disconnect, chat:sync from the last seq gives what was missed exactly once', async () => {
    const { dev, requestId } = await assignedRequest();
    const seen = data(await emitAck<SyncResult>(dev.socket, 'chat:sync', { requestId, afterSeq: 0 })).messages;
    const lastSeq = seen[seen.length - 1]!.seq;
    dev.socket.close();
    const texts = ['Êtes-vous là ?', 'Je redémarre le service', 'C’est reparti'];
    for (const text of texts) data(await emitAck(tech.socket, 'chat:send', chatPayload(requestId, text)));
    const back = await connectDevice(t.hub.url, dev.token);
    const missed = data(await emitAck<SyncResult>(back, 'chat:sync', { requestId, afterSeq: lastSeq }));
    expect(missed.messages.map((m) => m.text)).toEqual(texts);
    expect(missed.more).toBe(false);
    const ids = new Set([...seen, ...missed.messages].map((m) => m.id));
    expect(ids.size).toBe(seen.length + texts.length);
    const nothing = data(
      await emitAck<SyncResult>(back, 'chat:sync', { requestId, afterSeq: missed.messages[missed.messages.length - 1]!.seq }),
    );
    expect(nothing.messages).toEqual([]);
    // The outbox resends a message whose ack was lost: stored once.
    const outboxed = chatPayload(requestId, 'envoyé pendant la coupure');
    data(await emitAck(back, 'chat:send', outboxed));
    expect(data(await emitAck<SendResult>(back, 'chat:send', outboxed)).duplicate).toBe(true);
    back.close();
  });

  it('pages long histories', async () => {
    const { dev, requestId } = await assignedRequest();
    const actor = { kind: 'device' as const, id: dev.deviceId, name: dev.name, practiceId: t.practiceId, practiceName: '' };
    for (let i = 0; i < 520; i++)
      await t.hub.services.chat.send(actor, { requestId, id: randomUUID(), text: `m${i}`, sentAt: new Date().toISOString() });
    const page1 = data(await emitAck<SyncResult>(dev.socket, 'chat:sync', { requestId, afterSeq: 0 }));
    expect(page1.messages).toHaveLength(500);
    expect(page1.more).toBe(true);
    const page2 = data(await emitAck<SyncResult>(dev.socket, 'chat:sync', { requestId, afterSeq: page1.messages[499]!.seq }));
    expect(page2.more).toBe(false);
    expect(page1.messages.length + page2.messages.length).toBe(521);
    expect(page2.messages[page2.messages.length - 1]!.text).toBe('m519');
  });

  it('sending on a closed request is a CONFLICT; reading its history still works', async () => {
    const { dev, requestId } = await assignedRequest();
    data(await emitAck(tech.socket, 'help:resolve', { requestId, note: 'OK' }));
    expect(code(await emitAck(dev.socket, 'chat:send', chatPayload(requestId, 'encore une question')))).toBe('CONFLICT');
    expect(code(await emitAck(tech.socket, 'chat:send', chatPayload(requestId, 'au revoir')))).toBe('CONFLICT');
    expect(data(await emitAck<SyncResult>(dev.socket, 'chat:sync', { requestId, afterSeq: 0 })).messages.length).toBe(2);
  });

  it('the device may write while waiting; technicians following it see the message', async () => {
    const dev = await newDevice(t);
    const { request } = await createHelp(dev);
    data(await emitAck(tech.socket, 'help:get', { requestId: request.id }));
    const seen = nextEvent<ChatMessage>(tech.socket, 'chat:message', (m) => m.requestId === request.id);
    data(await emitAck(dev.socket, 'chat:send', chatPayload(request.id, 'Je patiente')));
    expect((await seen).text).toBe('Je patiente');
    expect(code(await emitAck(tech.socket, 'chat:send', chatPayload(request.id, 'pas encore à moi')))).toBe('FORBIDDEN');
    expect(code(await emitAck(dev.socket, 'chat:send', { ...chatPayload(request.id, 'x'), id: 'not-a-uuid' }))).toBe('BAD_REQUEST');
    expect(code(await emitAck(dev.socket, 'chat:send', chatPayload(request.id, '   ')))).toBe('BAD_REQUEST');
    expect(code(await emitAck(dev.socket, 'chat:send', chatPayload(request.id, 'x'.repeat(4001))))).toBe('BAD_REQUEST');
  });

  it('system lines carry a message key and its parameters (kept through a resync), with the French text for older clients; people cannot send one', async () => {
    const dev = await newDevice(t, 'Accueil');
    const { request } = await createHelp(dev);
    const atDevice = nextEvent<ChatMessage>(dev.socket, 'chat:message', (m) => m.requestId === request.id && m.author === 'system');
    data(await emitAck(tech.socket, 'help:accept', { requestId: request.id }));
    const accepted = await atDevice;
    expect(accepted.system).toEqual({ key: 'help.accepted', params: { name: 'Nina Support' } });
    expect(accepted.text).toBe('Nina Support a pris en charge votre demande.');
    expect(systemMessageText('en', accepted)).toBe('Nina Support has taken charge of your request.');
    // A person's message never carries a key: the contract refuses it, and the hub stores none.
    expect(
      code(
        await emitAck(dev.socket, 'chat:send', {
          ...chatPayload(request.id, 'x'),
          system: { key: 'help.resolved', params: { note: 'faux' } },
        }),
      ),
    ).toBe('BAD_REQUEST');
    data(await emitAck(dev.socket, 'chat:send', chatPayload(request.id, 'Merci')));
    data(await emitAck(tech.socket, 'help:resolve', { requestId: request.id, note: 'Imprimante réinstallée' }));
    const sync = data(await emitAck<SyncResult>(dev.socket, 'chat:sync', { requestId: request.id, afterSeq: 0 }));
    expect(sync.messages.map((m) => m.system ?? null)).toEqual([
      { key: 'help.accepted', params: { name: 'Nina Support' } },
      null,
      { key: 'help.resolved', params: { note: 'Imprimante réinstallée' } },
    ]);
    expect(sync.messages.map((m) => systemMessageText('en', m))).toEqual([
      'Nina Support has taken charge of your request.',
      'Merci',
      'Request resolved: Imprimante réinstallée',
    ]);
    // A stored row whose parameters do not read back stays a plain text line (never a crash).
    await t.hub.services.db.updateTable('chat_messages').set({ system_params: '{not json' }).where('id', '=', accepted.id).execute();
    const again = data(await emitAck<SyncResult>(dev.socket, 'chat:sync', { requestId: request.id, afterSeq: 0 }));
    expect(again.messages[0]).not.toHaveProperty('system');
    expect(systemMessageText('en', again.messages[0]!)).toBe('Nina Support a pris en charge votre demande.');
  });
});
