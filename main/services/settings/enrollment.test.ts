import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../../server/src/app.js';
import { enrollDevice, connectDevice } from '../../../server/src/test-support/sockets.js';
import { FileSecretStore } from '../../platform/node/secret-store.js';
import { RecordingNotifier, makeApp, quietLogger, startHub, tempDir, waitFor } from '../test-support/fixture.js';
import { TOKEN_KEY, normalizeHubUrl } from './enrollment.js';

describe('enrollment and settings (real hub)', () => {
  let hub: Hub;
  let hubDir: { path: string; remove: () => Promise<void> };

  beforeAll(async () => {
    hubDir = await tempDir('hub');
    hub = await startHub(hubDir.path);
  });
  afterAll(async () => {
    await hub.close();
    await hubDir.remove();
  });

  it('enrolls with a practice code: token in a 0600 secret file, settings on disk, online', async () => {
    const dir = await tempDir('app');
    const app = makeApp(dir.path, hub.url);
    try {
      await app.start();
      expect(app.state().enrollment).toEqual({ status: 'unenrolled', hubUrl: hub.url, lastError: null });
      const practice = await hub.admin.createPractice({ name: 'Cabinet des Lilas' });
      const r = await app.call('enrollment:enroll', { code: practice.enrollmentCode.toLowerCase(), deviceName: 'Secrétariat' });
      expect(r.ok).toBe(true);
      const st = app.state().enrollment;
      expect(st).toMatchObject({ status: 'enrolled', hubUrl: hub.url, deviceName: 'Secrétariat', practiceName: 'Cabinet des Lilas' });
      await waitFor(() => app.state().support.connection === 'online', 'online');

      const secretsPath = join(dir.path, 'secrets.json');
      if (process.platform !== 'win32') expect((await stat(secretsPath)).mode & 0o777).toBe(0o600);
      const token = await new FileSecretStore(secretsPath).get(TOKEN_KEY);
      expect(token).toMatch(/.{32,}/);
      const settings = JSON.parse(await readFile(join(dir.path, 'settings.json'), 'utf8'));
      expect(settings).toMatchObject({ hubUrl: hub.url, deviceName: 'Secrétariat', practiceName: 'Cabinet des Lilas', locale: 'fr' });
      expect(JSON.stringify(settings)).not.toContain(token!);

      // The hub knows the machine as the app described it.
      const sock = await connectDevice(hub.url, token!);
      sock.close();

      // A second enrollment of an enrolled machine is refused.
      const again = await app.call('enrollment:enroll', { code: practice.enrollmentCode });
      expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    } finally {
      await app.stop();
      await dir.remove();
    }
  });

  it('answers INVALID_CODE, BAD_REQUEST and OFFLINE as Results, and stays unenrolled', async () => {
    const dir = await tempDir('app');
    const app = makeApp(dir.path, hub.url);
    try {
      await app.start();
      expect(await app.call('enrollment:enroll', { code: 'NOPE-1234' })).toMatchObject({ ok: false, error: { code: 'INVALID_CODE' } });
      expect(await app.call('enrollment:enroll', { code: 'x' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      expect(await app.call('enrollment:enroll', { code: 'ABCD1234', hubUrl: 'ftp://example.org' })).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST' },
      });
      expect(await app.dispatch('enrollment:enroll', { code: 'ABCD1234', extra: 1 })).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST' },
      });
      // Nothing listens on port 9 of loopback.
      expect(await app.call('enrollment:enroll', { code: 'ABCD1234', hubUrl: 'http://127.0.0.1:9' })).toMatchObject({
        ok: false,
        error: { code: 'OFFLINE' },
      });
      expect(app.state().enrollment.status).toBe('unenrolled');
      expect(await app.call('support:requestHelp', {})).toMatchObject({ ok: false, error: { code: 'NOT_ENROLLED' } });
    } finally {
      await app.stop();
      await dir.remove();
    }
  });

  it('keeps the enrollment across restarts and changes the locale on disk', async () => {
    const dir = await tempDir('app');
    let app = makeApp(dir.path, hub.url);
    await app.start();
    const practice = await hub.admin.createPractice({ name: 'Cabinet Pasteur' });
    expect((await app.call('enrollment:enroll', { code: practice.enrollmentCode })).ok).toBe(true);
    expect((await app.call('app:setLocale', { locale: 'en' })).ok).toBe(true);
    expect(await app.dispatch('app:setLocale', { locale: 'de' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    await app.stop();

    app = makeApp(dir.path, hub.url);
    try {
      await app.start();
      expect(app.state()).toMatchObject({ locale: 'en', enrollment: { status: 'enrolled', practiceName: 'Cabinet Pasteur' } });
      await waitFor(() => app.state().support.connection === 'online', 'online after restart');
      expect(app.t('tray.quit')).toBe('Quit');
    } finally {
      await app.stop();
      await dir.remove();
    }
  });

  it('a revoked device forgets its token and shows enrollment again (REVOKED)', async () => {
    const dir = await tempDir('app');
    const notifier = new RecordingNotifier();
    const app = makeApp(dir.path, hub.url, notifier);
    try {
      await app.start();
      const practice = await hub.admin.createPractice({ name: 'Cabinet Voltaire' });
      const r = await app.call('enrollment:enroll', { code: practice.enrollmentCode });
      if (!r.ok || r.data.status !== 'enrolled') throw new Error('enroll failed');
      await waitFor(() => app.state().support.connection === 'online', 'online');
      await hub.admin.revokeDevice(r.data.deviceId);
      await waitFor(() => app.state().enrollment.status === 'unenrolled', 'back to enrollment');
      expect(app.state().enrollment).toEqual({ status: 'unenrolled', hubUrl: hub.url, lastError: 'REVOKED' });
      expect(app.state().tray).toBe('idle');
      expect(await new FileSecretStore(join(dir.path, 'secrets.json')).get(TOKEN_KEY)).toBeNull();
      expect(notifier.seen.map((n) => n.tag)).toContain('enrollment');
      // Enrolling again with a new code works and clears the error.
      const again = await app.call('enrollment:enroll', { code: practice.enrollmentCode });
      expect(again).toMatchObject({ ok: true, data: { status: 'enrolled' } });
      await waitFor(() => app.state().support.connection === 'online', 'online again');
    } finally {
      await app.stop();
      await dir.remove();
    }
  });

  it('a token the hub no longer knows (UNAUTHORIZED at connect) also leads back to enrollment', async () => {
    const dir = await tempDir('app');
    const app = makeApp(dir.path, hub.url);
    let stopped = false;
    try {
      const practice = await hub.admin.createPractice({ name: 'Cabinet Zola' });
      const { deviceId } = await enrollDevice(hub.url, practice.enrollmentCode);
      // Settings that claim an enrollment with a token the hub never issued.
      await new FileSecretStore(join(dir.path, 'secrets.json'), quietLogger).set(TOKEN_KEY, 'x'.repeat(43));
      const { SettingsStore } = await import('./settings.js');
      const s = new SettingsStore(dir.path);
      await s.load();
      await s.update({ hubUrl: hub.url, deviceId, deviceName: 'Poste', practiceName: 'Cabinet Zola' });
      await app.start();
      await waitFor(() => app.state().enrollment.status === 'unenrolled', 'unenrolled');
      expect(app.state().enrollment).toMatchObject({ lastError: 'UNAUTHORIZED' });
      // Stopped right away (the practitioner quits): the forgetting the app did on its own is on disk first.
      await app.stop();
      stopped = true;
      const onDisk = JSON.parse(await readFile(join(dir.path, 'settings.json'), 'utf8'));
      expect(onDisk).toMatchObject({ deviceId: null, lastError: 'UNAUTHORIZED' });
    } finally {
      if (!stopped) await app.stop();
      await dir.remove();
    }
  });

  it('normalizes hub URLs', () => {
    expect(normalizeHubUrl(' https://hub.example.fr/ ')).toBe('https://hub.example.fr');
    expect(normalizeHubUrl('http://127.0.0.1:8750/#x')).toBe('http://127.0.0.1:8750');
    expect(() => normalizeHubUrl('javascript:alert(1)')).toThrow();
    expect(() => normalizeHubUrl('not a url')).toThrow();
  });
});
