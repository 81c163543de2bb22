import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { load } from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReleaseMetadata, VigieError, type TechnicianRole } from '@vigie/common';
import type { Db } from '../store/db.js';
import { openTestDb } from '../test-support/store.js';
import { migrateUpdates } from './schema.js';
import { createUpdatesService, type UpdatesService } from './service.js';
import { ARTIFACT_CACHE_CONTROL, FEED_CACHE_CONTROL, parseRange, registerUpdateRoutes } from './routes.js';
import { readBuildOutput } from './build-output.js';
import { runUpdatesCommand } from './cli.js';
import {
  fakeInstaller,
  fetchBlockMap,
  isInRollout,
  makeBuild,
  readSha512,
  sha512Of,
  updaterDifferentialDownload,
  updaterDownload,
  updaterProvider,
} from './test-support/index.js';

const CLI = { type: 'cli', id: 'test' } as const;

let dir: string;
let db: Db;
let updates: UpdatesService;
let app: FastifyInstance;
let base: string;
const audits: Array<{ action: string; subject: string | null }> = [];
const rangesAsked: string[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigie-updates-'));
  db = await openTestDb(join(dir, 'hub'), 'hub.db');
  await migrateUpdates(db);
  await migrateUpdates(db); // idempotent
  audits.length = 0;
  updates = createUpdatesService({ db, dataDir: join(dir, 'hub'), audit: async (ev) => audits.push(ev) });
  // Like the hub: close() does not wait for a client's keep-alive connection.
  app = Fastify({ forceCloseConnections: true });
  rangesAsked.length = 0;
  app.addHook('onRequest', async (req) => {
    if (req.headers.range) rangesAsked.push(req.headers.range);
  });
  // The hub passes its session check here; this test maps a header to a role to exercise the checks.
  registerUpdateRoutes(app, {
    updates,
    authenticate: async (req) => {
      const role = req.headers['x-test-role'];
      if (role === undefined) throw new VigieError('UNAUTHORIZED', 'Vous devez vous identifier à nouveau.');
      return { id: `tech-${String(role)}`, role: String(role) as TechnicianRole };
    },
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterEach(async () => {
  await app.close();
  await db.destroy();
  await rm(dir, { recursive: true, force: true });
});

async function winBuild(version: string, content = fakeInstaller(200_000), sub = `win-${version}`) {
  const out = join(dir, sub);
  const files = await makeBuild(out, 'win', version, [{ name: `Vigie-Setup-${version}.exe`, content }]);
  return { dir: out, files, content };
}

async function macBuilds(version: string) {
  const arm = join(dir, `mac-arm64-${version}`);
  const x64 = join(dir, `mac-x64-${version}`);
  const armFiles = await makeBuild(arm, 'mac', version, [
    { name: `Vigie-${version}-arm64-mac.zip`, content: fakeInstaller(120_000) },
    { name: `Vigie-${version}-arm64.dmg`, content: fakeInstaller(90_000) },
  ]);
  const x64Files = await makeBuild(x64, 'mac', version, [
    { name: `Vigie-${version}-x64-mac.zip`, content: fakeInstaller(110_000) },
    { name: `Vigie-${version}-x64.dmg`, content: fakeInstaller(80_000) },
  ]);
  return { dirs: [arm, x64], files: [...armFiles, ...x64Files] };
}

async function publishDirs(dirs: string[], platform: 'mac' | 'win', channel: 'stable' | 'pilot', stagingPercentage: number) {
  const build = await readBuildOutput(dirs, platform);
  return updates.publish({ platform, channel, stagingPercentage, ...build }, CLI);
}

async function getFeed(path: string): Promise<{ status: number; headers: Headers; doc: ReleaseMetadata | null }> {
  const r = await fetch(`${base}${path}`);
  const text = await r.text();
  return { status: r.status, headers: r.headers, doc: r.status === 200 ? ReleaseMetadata.parse(load(text)) : null };
}

async function expectRefused(p: Promise<unknown>, code: string, message: RegExp) {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e, 'expected a refusal').toBeInstanceOf(VigieError);
  expect((e as VigieError).code).toBe(code);
  expect((e as VigieError).message).toMatch(message);
}

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

describe('feed routes over HTTP', () => {
  it('feed files revalidate (no-cache + ETag → 304); artifacts are immutable with ETag, HEAD and ranges', async () => {
    const b = await winBuild('1.2.0', fakeInstaller(100_000));
    await publishDirs([b.dir], 'win', 'stable', 100);

    const feed = await fetch(`${base}/updates/stable/latest.yml?noCache=abc`);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toMatch(/^text\/yaml/);
    const etag = feed.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect((await fetch(`${base}/updates/stable/latest.yml`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    await updates.setRollout({ channel: 'stable', platform: 'win', stagingPercentage: 40 }, CLI);
    const changed = await fetch(`${base}/updates/stable/latest.yml`, { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200); // a rollout change is seen at once

    const url = `${base}/updates/stable/Vigie-Setup-1.2.0.exe`;
    const full = await fetch(url);
    expect(full.status).toBe(200);
    expect(full.headers.get('cache-control')).toBe(ARTIFACT_CACHE_CONTROL);
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    expect(full.headers.get('content-length')).toBe(String(b.content.length));
    const artEtag = full.headers.get('etag')!;
    expect(Buffer.from(await full.arrayBuffer()).equals(b.content)).toBe(true);
    expect((await fetch(url, { headers: { 'if-none-match': artEtag } })).status).toBe(304);

    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(b.content.length));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    expect((await fetch(`${base}/updates/stable/latest.yml`, { method: 'HEAD' })).headers.get('cache-control')).toBe(FEED_CACHE_CONTROL);

    const part = await fetch(url, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${b.content.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(b.content.subarray(100, 200))).toBe(true);
    const suffix = await fetch(url, { headers: { range: 'bytes=-10' } });
    expect(Buffer.from(await suffix.arrayBuffer()).equals(b.content.subarray(-10))).toBe(true);
    const unsatisfiable = await fetch(url, { headers: { range: `bytes=${b.content.length}-` } });
    expect(unsatisfiable.status).toBe(416);
    expect(unsatisfiable.headers.get('content-range')).toBe(`bytes */${b.content.length}`);
    const staleIfRange = await fetch(url, { headers: { range: 'bytes=0-9', 'if-range': '"stale"' } });
    expect(staleIfRange.status).toBe(200);
    await staleIfRange.arrayBuffer();

    const multi = await fetch(url, { headers: { range: 'bytes=0-9, 50-59' } });
    expect(multi.status).toBe(206);
    expect(multi.headers.get('content-type')).toMatch(/^multipart\/byteranges; boundary=/);
    const body = Buffer.from(await multi.arrayBuffer());
    expect(body.length).toBe(Number(multi.headers.get('content-length')));
    expect(body.includes(b.content.subarray(0, 10))).toBe(true);
    expect(body.includes(b.content.subarray(50, 60))).toBe(true);
  });

  it('no path traversal: only stored names are served, whatever the encoding', async () => {
    await publishDirs([(await winBuild('1.2.0')).dir], 'win', 'stable', 100);
    for (const p of [
      '/updates/stable/..%2F..%2Fhub%2Fhub.db',
      '/updates/stable/%2e%2e%2fhub.db',
      '/updates/stable/..%5Chub.db',
      '/updates/stable/hub.db',
      '/updates/..%2Fhub/hub.db',
      '/updates/stable/.%2E/.%2E/hub/hub.db',
      '/updates/stable/Vigie-Setup-1.2.0.exe%00.yml',
      '/updates/stable/incoming',
    ]) {
      const r = await fetch(`${base}${p}`);
      expect(r.status, p).toBe(404);
      expect(await r.text()).not.toContain('SQLite');
    }
  });

  it('serves what electron-updater needs for a differential download (old + new blockmaps, multipart ranges)', async () => {
    const old = fakeInstaller(400_000);
    const next = Buffer.concat([
      old.subarray(0, 100_000),
      fakeInstaller(30_000),
      old.subarray(130_000, 300_000),
      fakeInstaller(20_000),
      old.subarray(320_000),
    ]);
    const v1 = await winBuild('1.1.0', old);
    await publishDirs([v1.dir], 'win', 'stable', 100);
    const v2 = await winBuild('1.2.0', next);
    await publishDirs([v2.dir], 'win', 'stable', 100);

    const provider = updaterProvider(`${base}/updates/stable`, null, 'win32');
    const info = await provider.getLatestVersion();
    const [file] = provider.resolveFiles(info);
    const [oldMapUrl, newMapUrl] = provider.getBlockMapFiles(file!.url, '1.1.0', info.version);
    expect(oldMapUrl!.pathname).toBe('/updates/stable/Vigie-Setup-1.1.0.exe.blockmap');
    const oldFile = join(dir, 'installed-1.1.0.exe');
    await writeFile(oldFile, old);
    const newFile = join(dir, 'rebuilt-1.2.0.exe');
    await updaterDifferentialDownload({
      newUrl: file!.url,
      newSize: file!.info.size,
      newSha512: file!.info.sha512,
      oldFile,
      newFile,
      oldBlockMap: await fetchBlockMap(oldMapUrl!),
      newBlockMap: await fetchBlockMap(newMapUrl!),
    });
    expect(await readSha512(newFile)).toBe(file!.info.sha512);
    expect(rangesAsked.some((r) => r.includes(','))).toBe(true); // multipart/byteranges was exercised
  });

  it('overlapping or too many ranges never send more than the file', async () => {
    const size = 100_000;
    const b = await winBuild('1.2.0', fakeInstaller(size));
    await publishDirs([b.dir], 'win', 'stable', 100);
    const url = `${base}/updates/stable/Vigie-Setup-1.2.0.exe`;
    const bodyOf = async (range: string) => {
      const res = await fetch(url, { headers: { range } });
      const body = Buffer.from(await res.arrayBuffer());
      expect(body.length).toBe(Number(res.headers.get('content-length')));
      return { status: res.status, body, type: res.headers.get('content-type') ?? '' };
    };
    // The whole file asked 1000 times: sent once.
    const same = await bodyOf(`bytes=${Array.from({ length: 1000 }, () => '0-').join(',')}`);
    expect(same.status).toBe(206);
    expect(same.body.length).toBeLessThanOrEqual(size);
    expect(same.body.equals(b.content)).toBe(true);
    // Overlapping pieces of the same region: merged, each byte once.
    const overlapping = await bodyOf(`bytes=${Array.from({ length: 500 }, (_, i) => `${i * 10}-${i * 10 + 5000}`).join(',')}, 90000-90099`);
    expect(overlapping.status).toBe(206);
    expect(overlapping.type).toMatch(/^multipart\/byteranges/);
    expect(overlapping.body.length).toBeLessThan(10_000 + 100 + 1000);
    expect(overlapping.body.includes(b.content.subarray(0, 9991))).toBe(true); // 0-9990 once
    expect(overlapping.body.includes(b.content.subarray(90_000, 90_100))).toBe(true);
    // Many 1-byte ranges whose part headers would outweigh the file: the whole file instead.
    const small = await winBuild('1.2.1', fakeInstaller(20_000), 'win-small');
    await publishDirs([small.dir], 'win', 'stable', 100);
    const res = await fetch(`${base}/updates/stable/Vigie-Setup-1.2.1.exe`, {
      headers: { range: `bytes=${Array.from({ length: 1000 }, (_, i) => `${i * 20}-${i * 20}`).join(',')}` },
    });
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBe(20_000);
    // More than the cap: the whole file, once.
    const many = await bodyOf(
      Array.from({ length: 1001 }, (_, i) => `${i * 50}-${i * 50 + 1}`)
        .join(',')
        .replace(/^/, 'bytes='),
    );
    expect(many.status).toBe(200);
    expect(many.body.length).toBe(size);
  });

  it('parses ranges like RFC 9110 says', () => {
    expect(parseRange('bytes=0-9,5-19,100-109', 1000)).toEqual([
      { start: 0, end: 19 },
      { start: 100, end: 109 },
    ]);
    expect(parseRange('bytes=0-,0-,-10', 100)).toEqual([{ start: 0, end: 99 }]);
    expect(parseRange('bytes=50-59,0-9', 100)).toEqual([
      { start: 50, end: 59 },
      { start: 0, end: 9 },
    ]); // no overlap: order kept
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange('items=0-1', 100)).toBeNull();
    expect(parseRange('bytes=5-1', 100)).toBeNull();
    expect(parseRange('bytes=abc', 100)).toBeNull();
    expect(parseRange('bytes=0-0', 100)).toEqual([{ start: 0, end: 0 }]);
    expect(parseRange('bytes=90-', 100)).toEqual([{ start: 90, end: 99 }]);
    expect(parseRange('bytes=90-500', 100)).toEqual([{ start: 90, end: 99 }]);
    expect(parseRange('bytes=-500', 100)).toEqual([{ start: 0, end: 99 }]);
    expect(parseRange('bytes=100-', 100)).toEqual([]);
    expect(parseRange(`bytes=${Array.from({ length: 1001 }, (_, i) => `${i}-${i}`).join(',')}`, 5000)).toBeNull();
  });
});

describe('admin API: only admins change a rollout', () => {
  it('refuses anonymous and non-admin technicians, accepts admins', async () => {
    await publishDirs([(await winBuild('1.2.0')).dir], 'win', 'stable', 10);
    const call = (path: string, role?: string, body?: unknown) =>
      fetch(`${base}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { ...(role ? { 'x-test-role': role } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).then(async (r) => ({ status: r.status, json: (await r.json()) as { ok: boolean; data?: unknown; error?: { code: string } } }));

    const rollout = { channel: 'stable', platform: 'win', stagingPercentage: 60 };
    expect(await call('/api/updates/rollout', undefined, rollout)).toMatchObject({
      status: 401,
      json: { ok: false, error: { code: 'UNAUTHORIZED' } },
    });
    for (const role of ['technician', 'supervisor']) {
      expect(await call('/api/updates/rollout', role, rollout)).toMatchObject({
        status: 403,
        json: { ok: false, error: { code: 'FORBIDDEN' } },
      });
      expect(await call('/api/updates/halt', role, { channel: 'stable', platform: 'win' })).toMatchObject({ status: 403 });
      expect(await call('/api/updates/overview', role)).toMatchObject({ status: 403 });
    }
    expect((await updates.channelState('stable', 'win'))!.stagingPercentage).toBe(10);

    expect(await call('/api/updates/rollout', 'admin', rollout)).toMatchObject({
      status: 200,
      json: { ok: true, data: { stagingPercentage: 60 } },
    });
    expect(await call('/api/updates/rollout', 'admin', { ...rollout, stagingPercentage: 'lots' })).toMatchObject({
      status: 400,
      json: { error: { code: 'BAD_REQUEST' } },
    });
    expect(await call('/api/updates/halt', 'admin', { channel: 'stable', platform: 'win' })).toMatchObject({
      status: 200,
      json: { data: { halted: true } },
    });
    const overview = await call('/api/updates/overview', 'admin');
    expect(overview).toMatchObject({
      status: 200,
      json: { ok: true, data: { channels: [{ channel: 'stable', platform: 'win', version: '1.2.0', halted: true }] } },
    });
    expect(audits.at(-1)).toMatchObject({ action: 'updates.halt', subject: 'win@1.2.0' });
  });
});

describe('devices and reports', () => {
  it('counts enrolled devices per app version (revoked ones excluded) and stores device reports', async () => {
    const now = new Date().toISOString();
    await db.insertInto('practices').values({ id: 'p1', name: 'Cabinet', enrollment_code: 'ABCDEFGH', created_at: now }).execute();
    const versions = [
      ['1.1.0', 'windows', null],
      ['1.1.0', 'windows', null],
      ['1.2.0', 'macos', null],
      ['1.2.0', 'windows', now],
      ['1.10.0', 'windows', null],
    ] as const;
    for (const [i, [v, os, revoked]] of versions.entries()) {
      await db
        .insertInto('devices')
        .values({
          id: `d${i}`,
          practice_id: 'p1',
          name: `PC ${i}`,
          os,
          os_version: 'x',
          model: '',
          app_version: v,
          token_hash: `h${i}`,
          enrolled_at: now,
          last_seen_at: null,
          revoked_at: revoked,
        })
        .execute();
    }
    expect(await updates.versionCounts()).toEqual([
      { appVersion: '1.10.0', os: 'windows', devices: 1 },
      { appVersion: '1.2.0', os: 'macos', devices: 1 },
      { appVersion: '1.1.0', os: 'windows', devices: 2 },
    ]);

    await updates.recordReport('d0', {
      outcome: 'rejected',
      currentVersion: '1.1.0',
      targetVersion: '1.2.0',
      channel: 'stable',
      reason: 'signature',
      attempt: 2,
      retryAt: now,
      at: now,
    });
    await expectRefused(
      updates.recordReport('d0', { outcome: 'exploded', currentVersion: '1.1.0', targetVersion: null, channel: 'stable', at: now }),
      'BAD_REQUEST',
      /outcome/,
    );
    const [report] = await updates.recentReports();
    expect(report).toMatchObject({ deviceId: 'd0', outcome: 'rejected', reason: 'signature', attempt: 2, targetVersion: '1.2.0' });
  });
});

describe('CLI', () => {
  it('publishes, widens, halts and shows status with plain-language output and exit codes', async () => {
    const lines: string[] = [];
    const errors: string[] = [];
    const ctx = { updates, out: (l: string) => lines.push(l), err: (l: string) => errors.push(l), actor: CLI };
    const m = await macBuilds('1.4.0');

    expect(
      await runUpdatesCommand(
        ['publish', '--platform', 'mac', '--channel', 'pilot', '--percent', '100', '--dir', m.dirs[0]!, '--dir', m.dirs[1]!],
        ctx,
      ),
    ).toBe(0);
    expect(lines[0]).toBe('Publié : 1.4.0 (mac) sur le canal pilot à 100 %.');
    expect((await getFeed('/updates/pilot/pilot-mac.yml')).doc!.files).toHaveLength(4);

    expect(
      await runUpdatesCommand(['promote', '--version', '1.4.0', '--platform', 'mac', '--channel', 'stable', '--percent', '10'], ctx),
    ).toBe(0);
    expect(await runUpdatesCommand(['rollout', '--platform', 'mac', '--channel', 'stable', '--percent', '50%'], ctx)).toBe(0);
    expect((await getFeed('/updates/stable/latest-mac.yml')).doc!.stagingPercentage).toBe(50);
    expect(await runUpdatesCommand(['halt', '--channel', 'stable'], ctx)).toBe(0);
    expect(lines.at(-1)).toContain('SUSPENDUE (0 %)');
    expect((await getFeed('/updates/stable/latest-mac.yml')).doc!.stagingPercentage).toBe(0);

    lines.length = 0;
    expect(await runUpdatesCommand(['status'], ctx)).toBe(0);
    expect(lines.join('\n')).toMatch(/stable\s+mac\s+1\.4\.0\s+SUSPENDUE/);

    expect(await runUpdatesCommand(['rollout', '--platform', 'mac', '--channel', 'stable', '--percent', '150'], ctx)).toBe(2);
    expect(errors.at(-1)).toBe('Erreur : --percent doit être un entier de 0 à 100 (reçu « 150 »).');
    expect(
      await runUpdatesCommand(['publish', '--platform', 'linux', '--channel', 'pilot', '--percent', '5', '--dir', m.dirs[0]!], ctx),
    ).toBe(2);
    expect(errors.at(-1)).toMatch(/--platform doit valoir mac ou win/);
    expect(
      await runUpdatesCommand(['publish', '--platform', 'win', '--channel', 'pilot', '--percent', '5', '--dir', m.dirs[0]!], ctx),
    ).toBe(2);
    expect(errors.at(-1)).toMatch(/latest\.yml introuvable/);
    expect(await runUpdatesCommand(['publish', '--bogus'], ctx)).toBe(2);
    expect(await runUpdatesCommand(['explode'], ctx)).toBe(1);
  });
});

describe('storage hygiene', () => {
  it('a refused upload leaves no partial file behind', async () => {
    const b = await winBuild('1.2.0');
    const f = b.files[0]!;
    await expectRefused(
      updates.publish(
        {
          platform: 'win',
          channel: 'stable',
          version: '1.2.0',
          stagingPercentage: 5,
          files: [{ name: f.name, source: f.path, sha512: sha512Of(gzipSync('x')), size: f.size }],
        },
        CLI,
      ),
      'BAD_REQUEST',
      /sha512/,
    );
    expect(await readdir(join(dir, 'hub', 'updates', 'incoming'))).toEqual([]);
    expect(await readdir(join(dir, 'hub', 'updates', 'artifacts'))).toEqual([]);
  });
});
