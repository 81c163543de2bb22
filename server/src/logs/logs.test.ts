/**
 * `device:logs` on a real hub with real sockets: the "device" is a socket.io client answering the
 * hub's call itself (the app's side, with its real log files, is main/services/logs/device-logs.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEVICE_LOGS_LIMITS,
  DeviceLogsCall,
  err,
  ok,
  type ChatMessage,
  type DeviceLogs,
  type HelpRequest,
  type Result,
} from '@vigie/common';
import {
  acceptedHelp,
  code,
  createHelp,
  data,
  newDevice,
  newTeam,
  startTestHub,
  type TestDevice,
  type TestHub,
  type TestTech,
} from '../test-support/fixture.js';
import { answerCalls, emitAck, nextEvent } from '../test-support/sockets.js';
import { DEVICE_LOGS_AUDIT } from './service.js';

let t: TestHub;
let tech: TestTech;
let other: TestTech;
let supervisor: TestTech;
let dev: TestDevice;
let req: HelpRequest;

/** The device answers each call with `reply`; the calls it got are recorded. */
function answer(d: TestDevice, reply: (call: DeviceLogsCall) => Result<unknown>): DeviceLogsCall[] {
  return answerCalls(d.socket, 'device:logs', DeviceLogsCall, reply);
}

const logs = (lines: string[]): DeviceLogs => ({ lines, truncated: false, readAt: new Date().toISOString() });

const auditRows = () =>
  t.hub.services.db.selectFrom('audit_log').selectAll().where('action', '=', DEVICE_LOGS_AUDIT).orderBy('seq').execute();

beforeAll(async () => {
  t = await startTestHub({ socket: { ratePerSecond: 1000, burst: 1000 } });
  ({ julie: tech, bruno: other, sophie: supervisor } = await newTeam(t));
  dev = await newDevice(t, 'Accueil');
  req = await acceptedHelp(dev, tech);
});
afterAll(() => t.close());

describe('device:logs', () => {
  it('the assigned technician gets the device’s last lines; the ask is audited and the practitioner reads it in the chat', async () => {
    const calls = answer(dev, () => ok(logs(['{"level":"info","msg":"un"}', '{"level":"warn","msg":"deux"}'])));
    const line = nextEvent<ChatMessage>(dev.socket, 'chat:message', (m) => m.system?.key === 'logs.viewed');
    const r = data(await emitAck<DeviceLogs>(tech.socket, 'device:logs', { requestId: req.id, lines: 50 }));
    expect(r.lines).toEqual(['{"level":"info","msg":"un"}', '{"level":"warn","msg":"deux"}']);
    expect(calls).toEqual([{ requestId: req.id, technician: { id: tech.id, name: 'Julie Martin' }, lines: 50 }]);
    const m = await line;
    expect(m).toMatchObject({ author: 'system', authorName: 'Vigie', system: { key: 'logs.viewed', params: { name: 'Julie Martin' } } });
    expect(m.text).toBe('Julie Martin a consulté le journal technique de ce poste.');
    const rows = await auditRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_type: 'technician', actor_id: tech.id, subject: dev.deviceId });
    expect(JSON.parse(rows[0]!.data)).toEqual({ requestId: req.id, lines: 50 });
    // Without a count, the default.
    data(await emitAck<DeviceLogs>(tech.socket, 'device:logs', { requestId: req.id }));
    expect(calls[1]!.lines).toBe(DEVICE_LOGS_LIMITS.defaultLines);
  });

  it('a colleague, a supervisor, a waiting request, an unknown one: refused before the device hears anything', async () => {
    const calls = answer(dev, () => ok(logs([])));
    expect(code(await emitAck(other.socket, 'device:logs', { requestId: req.id }))).toBe('FORBIDDEN');
    expect(code(await emitAck(supervisor.socket, 'device:logs', { requestId: req.id }))).toBe('FORBIDDEN');
    expect(code(await emitAck(tech.socket, 'device:logs', { requestId: '00000000-0000-4000-8000-000000000000' }))).toBe('NOT_FOUND');
    const devB = await newDevice(t, 'Salle d’attente');
    const waiting = (await createHelp(devB)).request;
    answer(devB, () => ok(logs([])));
    expect(code(await emitAck(tech.socket, 'device:logs', { requestId: waiting.id }))).toBe('FORBIDDEN');
    // Outside the contract: too many lines, unknown fields.
    expect(code(await emitAck(tech.socket, 'device:logs', { requestId: req.id, lines: DEVICE_LOGS_LIMITS.maxLines + 1 }))).toBe(
      'BAD_REQUEST',
    );
    expect(code(await emitAck(tech.socket, 'device:logs', { requestId: req.id, path: '/etc/passwd' }))).toBe('BAD_REQUEST');
    expect(calls).toHaveLength(0);
    expect(await auditRows()).toHaveLength(2); // the two asks of the first test only
  });

  it('the device’s refusal comes back as it is, an answer outside the contract is not passed on, and neither writes a chat line', async () => {
    let lines = 0;
    const counting = (m: ChatMessage) => {
      if (m.system?.key === 'logs.viewed') lines++;
    };
    dev.socket.on('chat:message', counting);
    answer(dev, () => err('FORBIDDEN', 'Ce poste ne donne son journal qu’au technicien de sa demande en cours.'));
    expect(code(await emitAck(tech.socket, 'device:logs', { requestId: req.id }))).toBe('FORBIDDEN');
    answer(dev, () =>
      ok({ lines: ['x'.repeat(DEVICE_LOGS_LIMITS.maxLineChars + 10)], truncated: false, readAt: new Date().toISOString() }),
    );
    expect(code(await emitAck(tech.socket, 'device:logs', { requestId: req.id }))).toBe('INTERNAL');
    answer(dev, () => ok({ lines: 'everything' }) as Result<unknown>);
    expect(code(await emitAck(tech.socket, 'device:logs', { requestId: req.id }))).toBe('INTERNAL');
    // The chat shows exactly the two reads that succeeded.
    const history = data(await emitAck<{ messages: ChatMessage[] }>(dev.socket, 'chat:sync', { requestId: req.id, afterSeq: 0 }));
    dev.socket.off('chat:message', counting);
    expect(lines).toBe(0);
    expect(history.messages.filter((m) => m.system?.key === 'logs.viewed')).toHaveLength(2);
  });

  it('six asks in ten minutes per technician and device, then RATE_LIMITED with when to come back (counted from the audit chain)', async () => {
    answer(dev, () => ok(logs([])));
    // Five asks so far in this file (2 read + 3 refused or broken); the sixth passes, the seventh waits.
    expect(await auditRows()).toHaveLength(5);
    data(await emitAck(tech.socket, 'device:logs', { requestId: req.id }));
    const r = await emitAck(tech.socket, 'device:logs', { requestId: req.id });
    expect(code(r)).toBe('RATE_LIMITED');
    expect(!r.ok && (r.error.details as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    expect(await auditRows()).toHaveLength(6);
  });

  it('an offline device: OFFLINE, nothing in the chat (the ask still counted and audited)', async () => {
    const devC = await newDevice(t, 'Cabinet 3');
    const r = await acceptedHelp(devC, tech);
    const gone = nextEvent<{ deviceId: string; online: boolean }>(
      tech.socket,
      'device:presence',
      (p) => p.deviceId === devC.deviceId && !p.online,
    );
    devC.socket.close();
    await gone;
    expect(code(await emitAck(tech.socket, 'device:logs', { requestId: r.id }))).toBe('OFFLINE');
    const history = data(await emitAck<{ messages: ChatMessage[] }>(tech.socket, 'chat:sync', { requestId: r.id, afterSeq: 0 }));
    expect(history.messages.filter((m) => m.system?.key === 'logs.viewed')).toHaveLength(0);
  });
});
