// The update feed's publishing: what a release writes, which uploads are refused, channels and staged rollout.
import { randomUUID } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEED_CACHE_CONTROL } from './routes.js';
import { readBuildOutput } from './build-output.js';
import { fakeInstaller, isInRollout, readSha512, sha512Of, updaterDownload, updaterProvider } from './test-support/index.js';
import {
  audits,
  base,
  CLI,
  dir,
  expectRefused,
  getFeed,
  macBuilds,
  publishDirs,
  updates,
  useFeedHub,
  winBuild,
} from './test-support/feed-hub.js';

useFeedHub();

describe('publishing', () => {
  it('writes latest.yml whose sha512 (base64) and size match the uploaded installer, blockmap stored beside it', async () => {
    const b = await winBuild('1.1.0');
    const r = await publishDirs([b.dir], 'win', 'stable', 100);
    expect(r.stored).toEqual(['Vigie-Setup-1.1.0.exe', 'Vigie-Setup-1.1.0.exe.blockmap']);

    const { status, doc, headers } = await getFeed('/updates/stable/latest.yml');
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe(FEED_CACHE_CONTROL);
    expect(doc!.version).toBe('1.1.0');
    expect(doc!.stagingPercentage).toBeUndefined(); // 100 % is "no staging"
    const [file] = doc!.files;
    expect(file!.url).toBe('Vigie-Setup-1.1.0.exe');
    expect(file!.sha512).toBe(sha512Of(b.content));
    expect(file!.size).toBe(b.content.length);
    expect(doc!.path).toBe(file!.url);
    expect(doc!.sha512).toBe(file!.sha512);
    // The stored copy is byte-identical, and the blockmap was stored too.
    const stored = await readFile(join(dir, 'hub', 'updates', 'artifacts', 'Vigie-Setup-1.1.0.exe'));
    expect(sha512Of(stored)).toBe(file!.sha512);
    expect(file!.blockMapSize).toBe((await readFile(`${b.files[0]!.path}.blockmap`)).length);
    expect(audits.map((a) => a.action)).toEqual(['updates.publish']);
  });

  it('merges separate arm64 and x64 macOS builds into one latest-mac.yml that electron-updater reads and verifies', async () => {
    const m = await macBuilds('1.1.0');
    await publishDirs(m.dirs, 'mac', 'stable', 100);
    const { doc } = await getFeed('/updates/stable/latest-mac.yml');
    expect(doc!.files.map((f) => f.url).sort()).toEqual(m.files.map((f) => f.name).sort());
    for (const f of m.files) {
      const listed = doc!.files.find((x) => x.url === f.name)!;
      expect(listed.sha512).toBe(await readSha512(f.path));
      expect(listed.size).toBe(f.size);
    }
    expect(doc!.path).toMatch(/\.zip$/);

    // The real client: electron-updater's generic provider finds the feed, resolves URLs, and its
    // checksum-verifying download accepts every file.
    const provider = updaterProvider(`${base}/updates/stable`, null, 'darwin');
    const info = await provider.getLatestVersion();
    expect(info.version).toBe('1.1.0');
    for (const f of provider.resolveFiles(info)) {
      const dest = join(dir, `dl-${f.info.url}`);
      await updaterDownload(f.url, dest, f.info.sha512);
      expect(await readSha512(dest)).toBe(f.info.sha512);
    }
  });

  it('re-publishing the same files is harmless; the same version with other files is refused', async () => {
    const b = await winBuild('1.1.0');
    await publishDirs([b.dir], 'win', 'pilot', 100);
    const again = await publishDirs([b.dir], 'win', 'stable', 20);
    expect(again.stored).toEqual([]);
    expect(again.reused).toHaveLength(2);
    const other = await winBuild('1.1.0', fakeInstaller(200_000), 'win-1.1.0-other');
    await expectRefused(publishDirs([other.dir], 'win', 'stable', 20), 'CONFLICT', /déjà publiée avec d’autres fichiers/);
  });
});

describe('malformed uploads are refused with a clear error and leave the feed untouched', () => {
  async function feedSnapshot() {
    return {
      states: await updates.channelStates(),
      files: (await readdir(join(dir, 'hub', 'updates', 'artifacts')).catch(() => [])).sort(),
    };
  }

  it('missing file, size and sha512 mismatches, bad version, unsafe names, wrong types', async () => {
    const good = await winBuild('1.1.0');
    await publishDirs([good.dir], 'win', 'stable', 100);
    const before = await feedSnapshot();
    const f = good.files[0]!;
    const input = (over: Record<string, unknown> = {}, file: Record<string, unknown> = {}) => ({
      platform: 'win',
      channel: 'stable',
      version: '1.2.0',
      stagingPercentage: 10,
      files: [{ name: 'Vigie-Setup-1.2.0.exe', source: f.path, sha512: f.sha512, size: f.size, ...file }],
      ...over,
    });

    await expectRefused(updates.publish(input({}, { source: join(dir, 'nope.exe') }), CLI), 'BAD_REQUEST', /Fichier introuvable/);
    await expectRefused(updates.publish(input({}, { size: f.size + 1 }), CLI), 'BAD_REQUEST', /Taille incorrecte/);
    await expectRefused(updates.publish(input({}, { sha512: sha512Of(Buffer.from('other')) }), CLI), 'BAD_REQUEST', /sha512 incorrecte/);
    await expectRefused(updates.publish(input({ version: '1.2' }), CLI), 'BAD_REQUEST', /version invalide/);
    await expectRefused(updates.publish(input({ version: 'v1.2.0' }), CLI), 'BAD_REQUEST', /version invalide/);
    for (const name of [
      '../Vigie-Setup-1.2.0.exe',
      '..\\Vigie-Setup-1.2.0.exe',
      '/etc/Vigie-Setup-1.2.0.exe',
      'sub/Vigie-Setup-1.2.0.exe',
      '.Vigie-Setup-1.2.0.exe',
    ]) {
      await expectRefused(updates.publish(input({}, { name }), CLI), 'BAD_REQUEST', /nom de fichier invalide/);
    }
    await expectRefused(
      updates.publish(input({}, { name: 'Vigie-1.2.0.zip' }), CLI),
      'BAD_REQUEST',
      /n’est pas un fichier de mise à jour Windows/,
    );
    await expectRefused(updates.publish(input({}, { name: 'Vigie-Setup.exe' }), CLI), 'BAD_REQUEST', /ne contient pas la version 1\.2\.0/);
    await expectRefused(
      updates.publish(input({}, { name: 'Vigie-Setup-1.2.0-UNSIGNED.exe' }), CLI),
      'BAD_REQUEST',
      /build de test local non signé/,
    );
    await expectRefused(updates.publish(input({ stagingPercentage: 101 }), CLI), 'BAD_REQUEST', /stagingPercentage/);
    await expectRefused(
      updates.publish(input({ blockmaps: [{ name: 'Vigie-Setup-1.2.0.exe.blockmap', source: f.path }] }), CLI),
      'BAD_REQUEST',
      /n’est pas une blockmap valide/,
    );
    await expectRefused(
      updates.publish(input({ blockmaps: [{ name: 'Other-1.2.0.exe.blockmap', source: `${f.path}.blockmap` }] }), CLI),
      'BAD_REQUEST',
      /ne correspond à aucun fichier publié/,
    );
    expect(await feedSnapshot()).toEqual(before);
  });

  it('a path-traversal name inside latest.yml is refused before any file is touched', async () => {
    const b = await winBuild('1.2.0');
    const yml = join(b.dir, 'latest.yml');
    await writeFile(yml, (await readFile(yml, 'utf8')).replaceAll('url: Vigie-Setup-1.2.0.exe', 'url: ../../hub/hub.db'));
    await expectRefused(readBuildOutput([b.dir], 'win'), 'BAD_REQUEST', /nom de fichier invalide/);
  });

  it('a macOS release must carry both architectures; a missing build directory is named', async () => {
    const m = await macBuilds('1.1.0');
    await expectRefused(publishDirs([m.dirs[0]!], 'mac', 'stable', 100), 'BAD_REQUEST', /il manque Intel \(x64\)/);
    await expectRefused(readBuildOutput([join(dir, 'missing')], 'mac'), 'BAD_REQUEST', /latest-mac\.yml introuvable/);
    const other = await winBuild('1.3.0');
    await expectRefused(readBuildOutput([m.dirs[0]!, other.dir], 'mac'), 'BAD_REQUEST', /latest-mac\.yml introuvable/);
  });

  it('a channel never goes back to an older version', async () => {
    await publishDirs([(await winBuild('1.2.0')).dir], 'win', 'stable', 100);
    const older = await winBuild('1.1.0');
    await expectRefused(publishDirs([older.dir], 'win', 'stable', 100), 'CONFLICT', /ne reviennent jamais en arrière/);
    await publishDirs([older.dir], 'win', 'pilot', 100); // another channel may carry it
    await expectRefused(
      updates.promote({ version: '1.1.0', platform: 'win', channel: 'stable', stagingPercentage: 100 }, CLI),
      'CONFLICT',
      /jamais en arrière/,
    );
  });
});

describe('channels and staged rollout', () => {
  it('pilot and stable serve their own files; pilot also gets a newer stable release', async () => {
    await publishDirs([(await winBuild('1.1.0')).dir], 'win', 'stable', 100);
    await publishDirs([(await winBuild('1.2.0-pilot.1')).dir], 'win', 'pilot', 100);

    expect((await getFeed('/updates/stable/latest.yml')).doc!.version).toBe('1.1.0');
    expect((await getFeed('/updates/pilot/pilot.yml')).doc!.version).toBe('1.2.0-pilot.1');
    // Feed files never cross channels; unknown channels do not exist.
    expect((await getFeed('/updates/stable/pilot.yml')).status).toBe(404);
    expect((await getFeed('/updates/pilot/latest.yml')).status).toBe(404);
    expect((await getFeed('/updates/beta/beta.yml')).status).toBe(404);
    expect((await getFeed('/updates/stable/latest-mac.yml')).status).toBe(404); // nothing published for mac

    // electron-updater with channel "pilot" asks for pilot.yml.
    const pilot = updaterProvider(`${base}/updates/pilot`, 'pilot', 'win32');
    expect((await pilot.getLatestVersion()).version).toBe('1.2.0-pilot.1');

    await publishDirs([(await winBuild('1.2.1')).dir], 'win', 'stable', 30);
    expect((await getFeed('/updates/pilot/pilot.yml')).doc).toMatchObject({ version: '1.2.1', stagingPercentage: 30 });
    // The pilot's own newer release wins again once published.
    await publishDirs([(await winBuild('1.3.0-pilot.1')).dir], 'win', 'pilot', 100);
    expect((await getFeed('/updates/pilot/pilot.yml')).doc!.version).toBe('1.3.0-pilot.1');
  });

  it('percentage can be raised, and halting (0 %) stops every device that has not taken it', async () => {
    await publishDirs([(await winBuild('1.2.0')).dir], 'win', 'stable', 10);
    const ids = Array.from({ length: 400 }, () => randomUUID());
    const inRollout = async () => {
      const { doc } = await getFeed('/updates/stable/latest.yml');
      let n = 0;
      for (const id of ids) if (await isInRollout(doc!, id)) n++;
      return { doc: doc!, n };
    };

    const at10 = await inRollout();
    expect(at10.doc.stagingPercentage).toBe(10);
    const s50 = await updates.setRollout({ channel: 'stable', platform: 'win', stagingPercentage: 50 }, CLI);
    expect(s50).toMatchObject({ version: '1.2.0', stagingPercentage: 50, halted: false });
    const at50 = await inRollout();
    expect(at50.doc.stagingPercentage).toBe(50);
    expect(at50.n).toBeGreaterThan(at10.n); // same ids: widening only adds devices

    const halted = await updates.halt('stable', 'win', CLI);
    expect(halted).toMatchObject({ stagingPercentage: 0, halted: true });
    const at0 = await inRollout();
    expect(at0.doc.stagingPercentage).toBe(0);
    expect(at0.n).toBe(0);

    await updates.setRollout({ channel: 'stable', platform: 'win', stagingPercentage: 100 }, CLI);
    expect((await inRollout()).n).toBe(ids.length);
    expect(audits.map((a) => a.action)).toEqual(['updates.publish', 'updates.rollout', 'updates.halt', 'updates.rollout']);
  });

  it('a halted pilot release gives way to the stable one for pilot devices', async () => {
    await publishDirs([(await winBuild('1.1.0')).dir], 'win', 'stable', 100);
    await publishDirs([(await winBuild('1.2.0-pilot.1')).dir], 'win', 'pilot', 100);
    await updates.halt('pilot', 'win', CLI);
    expect((await getFeed('/updates/pilot/pilot.yml')).doc).toMatchObject({ version: '1.1.0' });
    await expectRefused(
      updates.setRollout({ channel: 'stable', platform: 'mac', stagingPercentage: 5 }, CLI),
      'NOT_FOUND',
      /Aucune version publiée/,
    );
  });

  it('promotes the pilot release to stable without uploading again', async () => {
    await publishDirs([(await winBuild('1.2.0')).dir], 'win', 'pilot', 100);
    const s = await updates.promote({ version: '1.2.0', platform: 'win', channel: 'stable', stagingPercentage: 25 }, CLI);
    expect(s).toMatchObject({ channel: 'stable', version: '1.2.0', stagingPercentage: 25 });
    expect((await getFeed('/updates/stable/latest.yml')).doc).toMatchObject({ version: '1.2.0', stagingPercentage: 25 });
    await expectRefused(
      updates.promote({ version: '9.9.9', platform: 'win', channel: 'stable', stagingPercentage: 25 }, CLI),
      'NOT_FOUND',
      /jamais été publiée/,
    );
  });
});
