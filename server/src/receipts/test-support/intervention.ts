/**
 * The intervention receipts.test.ts checks the receipt of, played on a real hub (loopback, real
 * SQLite, real socket.io clients as the device and the technicians): view consent, control granted
 * then taken back, a second control refused, a restore, a safety snapshot, resolution. Plus what
 * reads a receipt back (pdf.js text and attachments). The hub and the parties are live bindings
 * set by the hooks `useInterventionHub()` registers.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import {
  ok,
  type BackupRelayCall,
  type HelpRequest,
  type ReceiptFile,
  type RestoreJob,
  type SafetyIntervention,
  type ScreenConsentRequest,
  type ScreenSession,
  type TechnicianPhoto,
} from '@vigie/common';
import { answer, restoreJob, TEST_NOW } from '../../backup/test-support/index.js';
import {
  acceptedHelp,
  code,
  data,
  hubCli,
  newDevice,
  newTech,
  startTestHub,
  type TestDevice,
  type TestHub,
  type TestTech,
} from '../../test-support/fixture.js';
import { emitAck, nextEvent } from '../../test-support/sockets.js';
import { pngPhoto as png } from './index.js';

const SNAP = 'b'.repeat(64);
export const RESTORED = ['/home/cabinet/Documents/Ordonnances/Dupont 2025.txt', '/home/cabinet/Documents/Ordonnances/Éléonore « B ».odt'];
export const NOTE = 'Imprimante réinstallée ; fichiers « Dupont » restaurés.';

export async function pdfText(pdf: Buffer): Promise<{ text: string; attachments: Record<string, Buffer>; pages: number }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise;
  let text = '';
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const content = await page.getTextContent();
    text += `${content.items.map((it) => ('str' in it ? `${it.str}${it.hasEOL ? '\n' : ''}` : '')).join('')}\n`;
  }
  const raw = ((await doc.getAttachments()) ?? {}) as Record<string, { content: Uint8Array }>;
  const attachments = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Buffer.from(v.content)]));
  const pages = doc.numPages;
  await doc.destroy();
  return { text: text.replace(/\s+/g, ' '), attachments, pages };
}

export const fileBytes = (f: ReceiptFile) => Buffer.from(f.base64, 'base64');

export const SAFETY_SNAP = 'c'.repeat(64);
export const AFTER_SNAP = 'd'.repeat(64);
export const safetySnapshot = {
  id: randomUUID(),
  before: 'control' as const,
  state: 'done' as const,
  snapshotId: SAFETY_SNAP,
  startedAt: TEST_NOW,
  endedAt: TEST_NOW,
  durationMs: 2400,
  error: null,
};
/** The safety report the app sends (common/src/safety.ts) as the intervention goes. */
export function safetyReport(requestId: string, patch: Partial<SafetyIntervention>): SafetyIntervention {
  const at = new Date().toISOString();
  return {
    requestId,
    technicianName: 'Julie Martin',
    startedAt: TEST_NOW,
    updatedAt: at,
    snapshots: [],
    baseline: { snapshotId: SAFETY_SNAP, time: TEST_NOW },
    changes: null,
    undo: null,
    ...patch,
  };
}

export let t: TestHub;
export let tech: TestTech;
export let other: TestTech;
export let supervisor: TestTech;
export let dev: TestDevice;
export let sameOffice: TestDevice;
export let request: HelpRequest;
export let shortCode: string;

/** Plays the whole intervention: view consent, control granted then taken back, a second control refused, a restore, safety entries, resolution. */
async function intervention(): Promise<void> {
  request = await acceptedHelp(dev, tech);

  const ask = nextEvent<ScreenConsentRequest>(dev.socket, 'screen:consent-request', (c) => c.kind === 'view');
  const session = data(await emitAck<ScreenSession>(tech.socket, 'screen:request', { requestId: request.id }));
  shortCode = (await ask).shortCode;
  // The consent window shows the technician's photo: only while their session is live on this device.
  const photo = data(await emitAck<TechnicianPhoto | null>(dev.socket, 'technician:photo', { sessionId: session.id }));
  expect(photo).toMatchObject({ mimeType: 'image/png', base64: png().toString('base64') });
  expect(code(await emitAck(sameOffice.socket, 'technician:photo', { sessionId: session.id }))).toBe('FORBIDDEN');
  data(await emitAck(dev.socket, 'screen:consent', { sessionId: session.id, phase: 'view', decision: 'granted' }));

  const control = nextEvent<ScreenConsentRequest>(dev.socket, 'screen:consent-request', (c) => c.kind === 'control');
  data(await emitAck(tech.socket, 'screen:control', { sessionId: session.id }));
  await control;
  data(await emitAck(dev.socket, 'screen:consent', { sessionId: session.id, phase: 'control', decision: 'granted' }));
  data(await emitAck(dev.socket, 'screen:revoke-control', { sessionId: session.id })); // the practitioner takes back the mouse
  const again = nextEvent<ScreenConsentRequest>(dev.socket, 'screen:consent-request', (c) => c.kind === 'control');
  data(await emitAck(tech.socket, 'screen:control', { sessionId: session.id }));
  await again;
  data(await emitAck(dev.socket, 'screen:consent', { sessionId: session.id, phase: 'control', decision: 'refused' }));
  data(await emitAck(tech.socket, 'screen:end', { sessionId: session.id }));

  // A restore started from the console, done on the device.
  answer(dev, (c) => (c.method === 'backup:restore' ? ok(restoreJob(c as BackupRelayCall & { method: 'backup:restore' })) : null));
  const job = data(
    await emitAck<RestoreJob>(tech.socket, 'backup:restore', {
      requestId: request.id,
      input: { snapshotId: SNAP, paths: RESTORED, mode: 'in-place' },
    }),
  );
  const done = {
    ...job,
    request: { ...job.request, origin: 'technician' as const },
    state: 'done' as const,
    endedAt: TEST_NOW,
    result: { items: RESTORED.map((p) => ({ from: p, to: p, previousVersion: null })), folder: '/home/cabinet/Documents/Ordonnances' },
  };
  data(await emitAck(dev.socket, 'backup:restore-progress', { requestId: request.id, job: done }));

  // The safety snapshot taken before control, as the app reports it (the hub audits it as safety.snapshot).
  data(
    await emitAck(dev.socket, 'backup:safety-report', {
      requestId: request.id,
      intervention: safetyReport(request.id, { snapshots: [safetySnapshot] }),
    }),
  );

  data(await emitAck<HelpRequest>(tech.socket, 'help:resolve', { requestId: request.id, note: NOTE }));
}

/** Registers the hooks that start the hub and play the intervention before the calling file's tests, and close it after. */
export function useInterventionHub(): void {
  beforeAll(async () => {
    t = await startTestHub({ socket: { ratePerSecond: 1000, burst: 1000 } });
    tech = await newTech(t, 'technician', 'Julie Martin');
    other = await newTech(t, 'technician', 'Paul Autre');
    supervisor = await newTech(t, 'supervisor', 'Sophie Superviseure');
    const photoFile = join(t.root, 'julie.png');
    writeFileSync(photoFile, png());
    const set = await hubCli(t, 'user', 'photo', tech.login, photoFile);
    expect(set.rc).toBe(0);
    dev = await newDevice(t, 'Accueil');
    sameOffice = await newDevice(t, 'Bureau du médecin');
    await intervention();
  }, 300_000);
  afterAll(() => t?.close());
}
