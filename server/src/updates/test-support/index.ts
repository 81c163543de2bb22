/**
 * Test support for the update feed: builds electron-builder-like output directories (installers,
 * real blockmaps from electron-builder's own blockmap builder, latest*.yml) and drives
 * electron-updater's own client code (generic provider, checksum-verified download, differential
 * downloader) against a feed on loopback. Used by tests only; nothing here runs in the hub.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { dump } from 'js-yaml';
import type { UpdatePlatform } from '@vigie/common';

const require = createRequire(import.meta.url);

export interface BuiltFile {
  name: string;
  path: string;
  sha512: string;
  size: number;
}

export const sha512Of = (buf: Buffer): string => createHash('sha512').update(buf).digest('base64');

type BlockMapBuilder = (inFile: string, format: 'gzip' | 'deflate', outFile?: string) => Promise<{ size: number; sha512: string }>;
const { buildBlockMap } = require('app-builder-lib/out/targets/blockmap/blockmap.js') as { buildBlockMap: BlockMapBuilder };

/**
 * Writes `files` into `dir` like electron-builder does: each file, its `.blockmap` (built by
 * electron-builder's own code) and `latest.yml` / `latest-mac.yml` listing them.
 */
export async function makeBuild(
  dir: string,
  platform: UpdatePlatform,
  version: string,
  files: Array<{ name: string; content: Buffer }>,
): Promise<BuiltFile[]> {
  await mkdir(dir, { recursive: true });
  const out: BuiltFile[] = [];
  for (const f of files) {
    const path = join(dir, f.name);
    await writeFile(path, f.content);
    const bm = await buildBlockMap(path, 'gzip', `${path}.blockmap`);
    out.push({ name: f.name, path, sha512: bm.sha512, size: bm.size });
  }
  const first = out[0]!;
  const info = {
    version,
    files: out.map((f) => ({ url: f.name, sha512: f.sha512, size: f.size })),
    path: first.name,
    sha512: first.sha512,
    releaseDate: '2026-03-02T09:00:00.000Z',
  };
  await writeFile(join(dir, platform === 'mac' ? 'latest-mac.yml' : 'latest.yml'), dump(info, { lineWidth: -1 }));
  return out;
}

/** Pseudo-installer bytes: random, so blockmap chunks differ everywhere. */
export const fakeInstaller = (size: number): Buffer => randomBytes(size);

// ---------- electron-updater's own client code, in plain Node ----------

interface CancellationTokenLike {
  createPromise<R>(cb: (resolve: (v: R) => void, reject: (e: Error) => void, onCancel: (c: () => void) => void) => void): Promise<R>;
}
const { CancellationToken, configureRequestUrl, configureRequestOptions } = require('builder-util-runtime') as {
  CancellationToken: new () => CancellationTokenLike;
  configureRequestUrl(url: URL, options: Record<string, unknown>): void;
  configureRequestOptions(options: Record<string, unknown>): Record<string, unknown>;
};
interface NodeExecutor {
  doDownload(requestOptions: Record<string, unknown>, options: Record<string, unknown>, redirectCount: number): void;
  request(options: Record<string, unknown>): Promise<string | null>;
}
const { NodeHttpExecutor } = require('builder-util/out/nodeHttpExecutor.js') as { NodeHttpExecutor: new () => NodeExecutor };
interface UpdateInfoLike {
  version: string;
  files: Array<{ url: string; sha512: string; size: number }>;
  stagingPercentage?: number;
}
interface ResolvedFile {
  url: URL;
  info: { url: string; sha512: string; size: number };
}
interface GenericProviderLike {
  getLatestVersion(): Promise<UpdateInfoLike>;
  resolveFiles(info: UpdateInfoLike): ResolvedFile[];
  getBlockMapFiles(url: URL, oldVersion: string, newVersion: string): URL[];
}
const { GenericProvider } = require('electron-updater/out/providers/GenericProvider.js') as {
  GenericProvider: new (
    config: { provider: 'generic'; url: string; channel?: string },
    updater: { channel: string | null; isAddNoCacheQuery: boolean },
    runtime: { executor: NodeExecutor; platform: string; isUseMultipleRangeRequest: boolean },
  ) => GenericProviderLike;
};
const { AppUpdater } = require('electron-updater/out/AppUpdater.js') as {
  AppUpdater: { prototype: { isStagingMatch(this: unknown, info: UpdateInfoLike): Promise<boolean> } };
};
const { GenericDifferentialDownloader } = require('electron-updater/out/differentialDownloader/GenericDifferentialDownloader.js') as {
  GenericDifferentialDownloader: new (
    fileInfo: { size: number; sha512: string },
    executor: NodeExecutor,
    options: Record<string, unknown>,
  ) => { download(oldMap: unknown, newMap: unknown): Promise<void> };
};

const quietLogger = { info() {}, warn() {}, error() {}, debug() {} };

/** electron-updater's generic provider as an app would configure it (channel = Vigie channel's updater name). */
export function updaterProvider(feedBaseUrl: string, updaterChannel: string | null, platform: 'darwin' | 'win32'): GenericProviderLike {
  return new GenericProvider(
    { provider: 'generic', url: feedBaseUrl },
    { channel: updaterChannel, isAddNoCacheQuery: true },
    { executor: new NodeHttpExecutor(), platform, isUseMultipleRangeRequest: true },
  );
}

/** electron-updater's staged-rollout test for one install id (its `.updaterId` UUID). */
export function isInRollout(info: UpdateInfoLike, stagingUserId: string): Promise<boolean> {
  return AppUpdater.prototype.isStagingMatch.call(
    { stagingUserIdPromise: { value: Promise.resolve(stagingUserId) }, _logger: quietLogger },
    info,
  );
}

/** Downloads like electron-updater does: the sha512 from the feed is checked while streaming (ERR_CHECKSUM_MISMATCH otherwise). */
export function updaterDownload(url: URL, destination: string, sha512: string): Promise<void> {
  const executor = new NodeHttpExecutor();
  const cancellationToken = new CancellationToken();
  return cancellationToken.createPromise<void>((resolve, reject, onCancel) => {
    const requestOptions: Record<string, unknown> = { headers: undefined, redirect: 'manual' };
    configureRequestUrl(url, requestOptions);
    configureRequestOptions(requestOptions);
    executor.doDownload(
      requestOptions,
      {
        destination,
        options: { sha512, cancellationToken },
        onCancel,
        callback: (e: Error | null) => (e ? reject(e) : resolve()),
        responseHandler: null,
      },
      0,
    );
  });
}

/** Fetches and un-gzips a blockmap as electron-updater does. */
export async function fetchBlockMap(url: URL): Promise<unknown> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`blockmap ${url.href}: HTTP ${r.status}`);
  return JSON.parse(gunzipSync(Buffer.from(await r.arrayBuffer())).toString('utf8'));
}

/** Rebuilds `newFile` from `oldFile` plus the ranges electron-updater's differential downloader requests. */
export async function updaterDifferentialDownload(opts: {
  newUrl: URL;
  newSize: number;
  newSha512: string;
  oldFile: string;
  newFile: string;
  oldBlockMap: unknown;
  newBlockMap: unknown;
}): Promise<void> {
  const downloader = new GenericDifferentialDownloader({ size: opts.newSize, sha512: opts.newSha512 }, new NodeHttpExecutor(), {
    newUrl: opts.newUrl,
    oldFile: opts.oldFile,
    newFile: opts.newFile,
    logger: quietLogger,
    isUseMultipleRangeRequest: true,
    requestHeaders: {},
    cancellationToken: new CancellationToken(),
  });
  await downloader.download(opts.oldBlockMap, opts.newBlockMap);
}

export const readSha512 = async (path: string): Promise<string> => sha512Of(await readFile(path));
