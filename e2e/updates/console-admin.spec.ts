/**
 * The console's admin page "Mises à jour" in Debian Chromium against a real hub: a release
 * published with the hub CLI (electron-builder-like output: installer, real blockmap, latest.yml)
 * into the running hub's data folder, devices reporting their version over real sockets, an
 * admin widening and halting the rollout (with confirmation), the feed following; a technician
 * who is not an admin sees no link, a refusal on the page, and 403 from the API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import type { Hub } from '../../server/src/app.js';
import { runHubCli } from '../../server/src/test-support/fixture.js';
import { connectDevice, emitAck, enrollDevice, type Socket } from '../../server/src/test-support/sockets.js';
import { fakeInstaller, makeBuild } from '../../server/src/updates/test-support/index.js';
import { signInToConsole } from '../support/console.js';
import { PASSWORD, worldTest } from '../support/world.js';

// One hub for the file: the admin (the world's technician) publishes and steers; a technician is refused.
const test = worldTest({
  scope: 'file',
  practice: 'Cabinet du Parc',
  technician: { login: 'admin', displayName: 'Agnès Admin', role: 'admin' },
  contextOptions: { locale: 'fr-FR' },
});

let dataDir: string;
let hub: Hub;
let newPage: (label: string) => Promise<Page>;
const sockets: Socket[] = [];
const pageProblems: string[] = [];
let admin: { id: string; login: string; totpSecret: string };
let tech: { id: string; login: string; totpSecret: string };

/** The hub CLI, as `npm run hub:cli -- …` runs it, on the running hub's data folder. */
const hubCli = (args: string[]) => runHubCli(dataDir, args, { password: '' });

async function signedIn(who: { login: string; totpSecret: string }): Promise<Page> {
  const page = await newPage(who.login);
  page.on('pageerror', (e) => pageProblems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) pageProblems.push(`csp: ${m.text()}`);
  });
  await signInToConsole(page, hub.url, { ...who, password: PASSWORD });
  return page;
}

async function feedPercent(): Promise<number | undefined> {
  const res = await fetch(`${hub.url}/updates/pilot/pilot.yml`);
  expect(res.status).toBe(200);
  return (load(await res.text()) as { stagingPercentage?: number }).stagingPercentage;
}

test.beforeAll(async ({ world, newPage: open }) => {
  dataDir = world.dataDir;
  hub = world.hub;
  newPage = open;
  admin = world.technician;
  tech = await hub.admin.addTechnician({ login: 'julie', displayName: 'Julie Martin', password: PASSWORD });

  // Three machines: two still on 1.4.0, one already on 1.5.0 (it says so when it connects).
  const practice = world.practice;
  for (const [name, version] of [
    ['Accueil', '1.4.0'],
    ['Cabinet 1', '1.4.0'],
    ['Cabinet 2', '1.4.0'],
  ] as const) {
    const d = await enrollDevice(hub.url, practice.enrollmentCode, { name, os: 'windows', osVersion: '11', appVersion: version });
    const s = await connectDevice(hub.url, d.token);
    sockets.push(s);
    if (name === 'Cabinet 2') expect(await emitAck(s, 'device:report', { appVersion: '1.5.0' })).toEqual({ ok: true, data: {} });
  }
});

test.afterAll(() => {
  for (const s of sockets) s.disconnect();
});

describe('console admin page: updates', () => {
  test('an admin sees a release published with the hub CLI, widens its rollout, then halts it', async () => {
    // A (fake, unsigned-by-nobody) Windows build in a temp dir, exactly as electron-builder lays it out.
    const build = mkdtempSync(join(tmpdir(), 'vigie-build-'));
    await makeBuild(build, 'win', '1.5.0', [{ name: 'Vigie-Setup-1.5.0.exe', content: fakeInstaller(80_000) }]);
    try {
      const published = await hubCli(['updates', 'publish', '--platform', 'win', '--channel', 'pilot', '--percent', '10', '--dir', build]);
      expect(published).toMatchObject({ rc: 0, err: '' });
    } finally {
      rmSync(build, { recursive: true, force: true });
    }
    expect(await feedPercent()).toBe(10);

    const page = await signedIn(admin);
    await page.getByRole('link', { name: 'Mises à jour' }).click();
    await page.getByRole('heading', { name: 'Mises à jour de Vigie', level: 1 }).waitFor();
    expect(page.url()).toContain('#/admin/updates');

    const row = page.getByTestId('rollout-pilot-win');
    await row.getByText('1.5.0').waitFor();
    await row.getByTestId('rollout-state').getByText('10 % des postes').waitFor();
    expect(await row.getByRole('progressbar', { name: 'Diffusion : 10 %' }).getAttribute('value')).toBe('10');
    await page.getByTestId('updates-releases').getByText('Vigie-Setup-1.5.0.exe').waitFor();
    // Devices per version, from what the machines reported.
    const versions = page.getByTestId('updates-versions');
    await versions.getByRole('row', { name: /1\.5\.0\s+Windows\s+1/ }).waitFor();
    await versions.getByRole('row', { name: /1\.4\.0\s+Windows\s+2/ }).waitFor();
    await page.getByText('3 postes au total').waitFor();

    // Widen: a confirmation first; cancelling changes nothing.
    await row.getByRole('button', { name: 'Élargir la diffusion de 1.5.0 (pilote, Windows)' }).click();
    const raise = page.getByRole('dialog', { name: 'Élargir la diffusion' });
    await raise.getByText('Aujourd’hui : 10 % des postes').waitFor();
    await raise.getByRole('button', { name: 'Annuler' }).click();
    await raise.waitFor({ state: 'detached' });
    expect(await feedPercent()).toBe(10);

    await row.getByRole('button', { name: 'Élargir la diffusion de 1.5.0 (pilote, Windows)' }).click();
    expect(await raise.getByRole('radio', { name: '25 %', exact: true }).isChecked()).toBe(true);
    expect(await raise.getByRole('radio', { name: '5 %', exact: true }).count()).toBe(0); // never narrower
    await raise.getByRole('radio', { name: '50 %', exact: true }).check();
    await raise.getByRole('button', { name: 'Élargir à 50 %' }).click();
    await page.getByTestId('updates-status').getByText('Diffusion de 1.5.0 (pilote, Windows) élargie à 50 %.').waitFor();
    await row.getByTestId('rollout-state').getByText('50 % des postes').waitFor();
    expect(await feedPercent()).toBe(50);

    // Halt, confirmed.
    await row.getByRole('button', { name: 'Suspendre la diffusion de 1.5.0 (pilote, Windows)' }).click();
    const halt = page.getByRole('dialog', { name: 'Suspendre la diffusion ?' });
    await halt.getByText('Les postes qui ne l’ont pas encore installée ne la recevront pas.', { exact: false }).waitFor();
    await halt.getByRole('button', { name: 'Suspendre la diffusion' }).click();
    await page.getByTestId('updates-status').getByText('Diffusion de 1.5.0 (pilote, Windows) suspendue.').waitFor();
    await row.getByTestId('rollout-state').getByText('Suspendue').waitFor();
    expect(await row.getByRole('button', { name: /Suspendre/ }).count()).toBe(0);
    expect(await feedPercent()).toBe(0);

    // The hub CLI shows what the console did; the audit chain names the admin.
    expect((await hubCli(['updates', 'list'])).out).toMatch(/pilot\s+win\s+1\.5\.0\s+SUSPENDUE \(0 %\)/);
    const audit = await hub.services.db
      .selectFrom('audit_log')
      .select(['action', 'actor_type', 'actor_id'])
      .where('action', 'like', 'updates.%')
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => `${a.action}:${a.actor_type}`)).toEqual([
      'updates.publish:cli',
      'updates.rollout:technician',
      'updates.halt:technician',
    ]);
    expect(audit[2]?.actor_id).toBe(admin.id);

    // English is complete on this page too.
    await page.getByLabel('Langue').selectOption('en');
    await page.getByRole('heading', { name: 'Vigie updates', level: 1 }).waitFor();
    await row.getByTestId('rollout-state').getByText('Halted').waitFor();
    await row.getByRole('button', { name: 'Widen the rollout of 1.5.0 (pilot, Windows)' }).waitFor();
    await page.getByLabel('Language').selectOption('fr');
    expect(pageProblems).toEqual([]);
  });

  test('a technician who is not an admin has no link, is refused on the page, and gets 403 from the API', async () => {
    const before = await feedPercent();
    const page = await signedIn(tech);
    expect(await page.getByRole('link', { name: 'Mises à jour' }).count()).toBe(0);
    await page.goto(`${hub.url}/#/admin/updates`);
    await page.getByRole('heading', { name: 'Page réservée aux administrateurs', level: 1 }).waitFor();
    expect(await page.getByTestId('updates-channels').count()).toBe(0);

    // The same session cookie against the API: refused by the hub, not only hidden.
    for (const [method, path, data] of [
      ['GET', '/api/updates/overview', undefined],
      ['POST', '/api/updates/rollout', { channel: 'pilot', platform: 'win', stagingPercentage: 100 }],
      ['POST', '/api/updates/halt', { channel: 'pilot', platform: 'win' }],
    ] as const) {
      const res = method === 'GET' ? await page.request.get(`${hub.url}${path}`) : await page.request.post(`${hub.url}${path}`, { data });
      expect(res.status()).toBe(403);
      expect(await res.json()).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(await feedPercent()).toBe(before);
    expect(pageProblems).toEqual([]);
  });
});
