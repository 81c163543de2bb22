/**
 * The app's technical log read by the technician of the open request, end to end: the real app
 * (VigieApp) writing its real rotating log files, the real hub, a real technician socket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_LOGS_LIMITS, systemMessageText, type DeviceLogs, type HelpRequest } from '@vigie/common';
import type { Hub } from '../../../server/src/app.js';
import { emitAck } from '../../../server/src/test-support/sockets.js';
import type { VigieApp } from '../app.js';
import { LogFile } from '../lib/log-file.js';
import { createLogger } from '../lib/logger.js';
import { quietLogger, enrollApp, makeApp, startHub, technician, tempDir, waitFor } from '../test-support/fixture.js';
import { deviceLogsHandler } from './device-logs.js';

type Dir = { path: string; remove: () => Promise<void> };
let hubDir: Dir;
let appDir: Dir;
let hub: Hub;
let app: VigieApp;
let logFile: LogFile;
let tech: Awaited<ReturnType<typeof technician>>;
let other: Awaited<ReturnType<typeof technician>>;
let requestId: string;

beforeAll(async () => {
  hubDir = await tempDir('hub');
  appDir = await tempDir('app');
  hub = await startHub(hubDir.path);
  logFile = new LogFile({ dir: `${appDir.path}/logs` });
  await logFile.open();
  const logger = createLogger({ level: 'info', write: () => undefined, file: logFile });
  app = makeApp(appDir.path, hub.url, undefined, { logger, logFile });
  await app.start();
  await enrollApp(app, hub);
  tech = await technician(hub, 'Julie Martin');
  other = await technician(hub, 'Bruno Durand');
  const created = await app.call('support:requestHelp', {});
  if (!created.ok || !created.data) throw new Error('requestHelp failed');
  requestId = created.data.id;
  const accepted = await emitAck(tech.socket, 'help:accept', { requestId });
  if (!accepted.ok) throw new Error(accepted.error.code);
  await waitFor(() => app.state().support.current?.status === 'assigned', 'assigned');
  // What the app logs while it works, secrets and patient files included…
  logger.child({ svc: 'backup' }).warn('restore failed for /home/cabinet/Patients/Dupont Jeanne/radio du 3 mars.pdf: permission denied', {
    paths: ['/home/cabinet/Patients/Martin Paul.docx'],
    token: 'tok_4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c',
    note: 'password=hunter2 then code 7N7Q-7DJ6',
  });
  // …and a line an older version wrote without redaction: the device redacts it again as it reads.
  logFile.write(
    JSON.stringify({
      level: 'info',
      msg: 'enrolled',
      enrollCode: '7N7Q-7DJ6',
      folder: 'C:\\Users\\dr\\Documents\\Patients\\Leroy Anne',
      totp: '123456',
    }),
  );
});

afterAll(async () => {
  for (const s of [tech?.socket, other?.socket]) s?.close();
  await app?.stop();
  await logFile?.close();
  await hub?.close();
  await hubDir?.remove();
  await appDir?.remove();
});

describe('device:logs through the real app and hub', () => {
  it('the technician reads the last lines, redacted at the source; the practitioner reads that it happened', async () => {
    const r = await emitAck<DeviceLogs>(tech.socket, 'device:logs', { requestId, lines: 50 });
    if (!r.ok) throw new Error(`${r.error.code} ${r.error.message}`);
    const text = r.data.lines.join('\n');
    expect(text).toContain('restore failed for /…/…/…/…/….pdf: permission denied');
    expect(text).toContain('"paths":["/…/…/…/….docx"]');
    expect(text).toContain('"folder":"C:\\\\…\\\\…\\\\…\\\\…\\\\…"');
    for (const secret of ['Dupont', 'Jeanne', 'Martin Paul', 'Leroy', 'hunter2', '7N7Q-7DJ6', 'tok_4f9a', '123456', 'cabinet/Patients'])
      expect(text).not.toContain(secret);
    expect(r.data.lines.length).toBeLessThanOrEqual(50);
    // The practitioner's chat: one line signed « Vigie », worded by the app in its language.
    const seen = await waitFor(() => app.state().support.messages.find((m) => m.system?.key === 'logs.viewed'), 'logs.viewed line');
    expect(systemMessageText('fr', seen)).toBe('Julie Martin a consulté le journal technique de ce poste.');
    expect(systemMessageText('en', seen)).toBe('Julie Martin looked at the technical log of this computer.');
    // The app wrote down, in its own log, that the technician read it.
    const again = await logFile.tail(5, { maxBytes: 65536, maxLineChars: DEVICE_LOGS_LIMITS.maxLineChars });
    expect(again.lines.some((l) => l.includes('technical log read by the technician'))).toBe(true);
  });

  it('another technician is refused by the hub; the app refuses a call that is not for its current request and technician', async () => {
    const r = await emitAck(other.socket, 'device:logs', { requestId });
    expect(r.ok ? 'OK' : r.error.code).toBe('FORBIDDEN');
    // The app's own check, whatever the hub says (a compromised hub alone cannot read the log).
    const current = app.state().support.current as HelpRequest;
    const handler = deviceLogsHandler({ file: logFile, current: () => current, logger: quietLogger });
    const wrongTech = await handler({ requestId, technician: { id: other.id, name: 'Bruno Durand' }, lines: 10 });
    expect(wrongTech.ok ? 'OK' : wrongTech.error.code).toBe('FORBIDDEN');
    const wrongRequest = await handler({
      requestId: '00000000-0000-4000-8000-000000000000',
      technician: { id: tech.id, name: 'Julie Martin' },
      lines: 10,
    });
    expect(wrongRequest.ok ? 'OK' : wrongRequest.error.code).toBe('FORBIDDEN');
    const none = await deviceLogsHandler({ file: logFile, current: () => null, logger: quietLogger })({
      requestId,
      technician: { id: tech.id, name: 'Julie Martin' },
      lines: 10,
    });
    expect(none.ok ? 'OK' : none.error.code).toBe('FORBIDDEN');
    const right = await handler({ requestId, technician: { id: tech.id, name: 'Julie Martin' }, lines: 2 });
    expect(right.ok && right.data.lines).toHaveLength(2);
    expect(right.ok && right.data.truncated).toBe(true);
  });
});
