/**
 * « Mes interventions » in the app composition, against a real hub: the list comes from the hub,
 * a receipt is saved in the receipts folder and opened; another file, a link or a folder already
 * under the receipt's name is never touched (a numbered name is taken), the same file is reused.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HelpRequest, InterventionListResponse } from '@vigie/common';
import type { Hub } from '../../../server/src/app.js';
import { emitAck } from '../../../server/src/test-support/sockets.js';
import { FileSecretStore } from '../../platform/node/secret-store.js';
import { type VigieApp } from '../app.js';
import {
  makeApp,
  RecordingShell,
  RecordingNotifier,
  enrollApp,
  quietLogger,
  startHub,
  technician,
  tempDir,
  waitFor,
} from '../test-support/fixture.js';
import { interventionsCapability } from './capability.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('« Mes interventions » (app ↔ hub)', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function world() {
    const hubDir = await tempDir('interventions-hub');
    const appDir = await tempDir('interventions-app');
    const hub: Hub = await startHub(join(hubDir.path, 'data'));
    cleanups.push(
      () => hubDir.remove(),
      () => appDir.remove(),
      () => hub.close(),
    );
    const folder = join(appDir.path, 'Documents', 'Vigie', 'Interventions');
    const shell = new RecordingShell();
    const app: VigieApp = makeApp(join(appDir.path, 'app'), hub.url, new RecordingNotifier(), {
      ports: { secrets: new FileSecretStore(join(appDir.path, 'secrets.json'), quietLogger) },
      capabilities: [interventionsCapability({ folder, shell, locale: () => app.state().locale })],
    });
    await app.start();
    cleanups.push(() => app.stop());
    await enrollApp(app, hub);
    const tech = await technician(hub);
    cleanups.push(async () => tech.socket.close());
    return { hub, app, folder, shell, tech };
  }

  /** The practitioner asks for help, the technician takes it and resolves it. */
  async function resolvedRequest(w: Awaited<ReturnType<typeof world>>, note: string): Promise<string> {
    const asked = await w.app.call('support:requestHelp', {});
    if (!asked.ok || !asked.data) throw new Error('help request failed');
    const id = asked.data.id;
    const accepted = await emitAck<HelpRequest>(w.tech.socket, 'help:accept', { requestId: id });
    expect(accepted.ok).toBe(true);
    const resolved = await emitAck<HelpRequest>(w.tech.socket, 'help:resolve', { requestId: id, note });
    expect(resolved.ok).toBe(true);
    return id;
  }

  it('lists the closed interventions, saves and opens a receipt, never over another file', async () => {
    const w = await world();
    const id = await resolvedRequest(w, 'Messagerie réparée.');
    const list = await w.app.call('interventions:list', {});
    expect(list.ok).toBe(true);
    const page = (list as { data: InterventionListResponse }).data;
    expect(page.items.map((i) => [i.requestId, i.status, i.resolutionNote])).toEqual([[id, 'resolved', 'Messagerie réparée.']]);

    // Someone's file already has the receipt's name; a link and a folder take the next ones.
    const file = await w.hub.receipts.file(
      { kind: 'device', id: page.items[0]!.deviceId, name: '', practiceId: '', practiceName: '' },
      id,
      'pdf',
      'fr',
    );
    await mkdir(w.folder, { recursive: true });
    const theirs = join(w.folder, file.fileName);
    await writeFile(theirs, 'mon propre fichier');
    const stem = file.fileName.replace(/\.pdf$/, '');
    const outside = join(w.folder, '..', 'ailleurs.pdf');
    await writeFile(outside, 'ne pas toucher');
    await symlink(outside, join(w.folder, `${stem} (2).pdf`));
    await mkdir(join(w.folder, `${stem} (3).pdf`));

    const opened = await w.app.call('interventions:open', { requestId: id });
    expect(opened.ok).toBe(true);
    const { path, jsonPath } = (opened as { data: { path: string; jsonPath: string } }).data;
    expect(path).toBe(join(w.folder, `${stem} (4).pdf`));
    expect(sha(await readFile(path))).toBe(file.sha256);
    expect(await readFile(theirs, 'utf8')).toBe('mon propre fichier');
    expect(await readFile(outside, 'utf8')).toBe('ne pas toucher');
    expect(JSON.parse(await readFile(jsonPath, 'utf8'))).toMatchObject({ request: { id }, format: 'vigie.intervention-receipt' });
    expect(w.shell.opened).toEqual([path]);

    // Opened again: the same file is reused, nothing new is written.
    const before = (await readdir(w.folder)).sort();
    const again = await w.app.call('interventions:open', { requestId: id });
    expect(again.ok && again.data.path).toBe(path);
    expect((await readdir(w.folder)).sort()).toEqual(before);

    const folder = await w.app.call('interventions:openFolder', {});
    expect(folder).toEqual({ ok: true, data: { path: w.folder, opened: true } });
  });

  it('a request of another computer is refused; offline, the list says so', async () => {
    const w = await world();
    const other = makeApp(join(w.folder, '..', '..', 'other'), w.hub.url, new RecordingNotifier(), {
      ports: { secrets: new FileSecretStore(join(w.folder, '..', '..', 'other-secrets.json'), quietLogger) },
    });
    await other.start();
    cleanups.push(() => other.stop());
    await enrollApp(other, w.hub, 'Cabinet du Lac');
    const asked = await other.call('support:requestHelp', {});
    const id = asked.ok && asked.data ? asked.data.id : '';
    expect((await emitAck(w.tech.socket, 'help:accept', { requestId: id })).ok).toBe(true);
    expect((await emitAck(w.tech.socket, 'help:resolve', { requestId: id, note: 'Fait.' })).ok).toBe(true);

    expect(await w.app.call('interventions:open', { requestId: id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await readdir(w.folder).catch(() => [])).toEqual([]);
    expect(await w.app.call('interventions:open', { requestId: '../../etc/passwd' })).toMatchObject({ ok: false });

    await w.hub.close();
    await waitFor(() => w.app.state().support.connection !== 'online', 'app offline');
    expect(await w.app.call('interventions:list', {})).toMatchObject({ ok: false, error: { code: 'OFFLINE' } });
  });
});
