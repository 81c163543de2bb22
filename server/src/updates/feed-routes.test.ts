// The update feed over HTTP: caching, ranges and differential downloads, no path traversal, the admin-only rollout API.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACT_CACHE_CONTROL, FEED_CACHE_CONTROL, parseRange } from './routes.js';
import { fakeInstaller, fetchBlockMap, readSha512, updaterDifferentialDownload, updaterProvider } from './test-support/index.js';
import { audits, base, CLI, dir, publishDirs, rangesAsked, updates, useFeedHub, winBuild } from './test-support/feed-hub.js';

useFeedHub();

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
