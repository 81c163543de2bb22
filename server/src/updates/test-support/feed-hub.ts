/**
 * The update feed's test bench, shared by the feed-*.test.ts files: a throwaway data folder and
 * database, the updates service and its routes on a loopback fastify (a header stands for the
 * technician's role), recreated for every test; plus the build/publish/fetch helpers they use.
 * The state is exported as live bindings: a test reads `updates`, `base`… as the hooks set them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { load } from 'js-yaml';
import { afterEach, beforeEach, expect } from 'vitest';
import { ReleaseMetadata, VigieError, type TechnicianRole } from '@vigie/common';
import type { Db } from '../../store/db.js';
import { openTestDb } from '../../test-support/store.js';
import { migrateUpdates } from '../schema.js';
import { createUpdatesService, type UpdatesService } from '../service.js';
import { registerUpdateRoutes } from '../routes.js';
import { readBuildOutput } from '../build-output.js';
import { fakeInstaller, makeBuild } from './index.js';

export const CLI = { type: 'cli', id: 'test' } as const;

export let dir: string;
export let db: Db;
export let updates: UpdatesService;
let app: FastifyInstance;
export let base: string;
export const audits: Array<{ action: string; subject: string | null }> = [];
export const rangesAsked: string[] = [];

/** Registers the hooks that build the bench before each test of the calling file and take it down after. */
export function useFeedHub(): void {
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
}

export async function winBuild(version: string, content = fakeInstaller(200_000), sub = `win-${version}`) {
  const out = join(dir, sub);
  const files = await makeBuild(out, 'win', version, [{ name: `Vigie-Setup-${version}.exe`, content }]);
  return { dir: out, files, content };
}

export async function macBuilds(version: string) {
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

export async function publishDirs(dirs: string[], platform: 'mac' | 'win', channel: 'stable' | 'pilot', stagingPercentage: number) {
  const build = await readBuildOutput(dirs, platform);
  return updates.publish({ platform, channel, stagingPercentage, ...build }, CLI);
}

export async function getFeed(path: string): Promise<{ status: number; headers: Headers; doc: ReleaseMetadata | null }> {
  const r = await fetch(`${base}${path}`);
  const text = await r.text();
  return { status: r.status, headers: r.headers, doc: r.status === 200 ? ReleaseMetadata.parse(load(text)) : null };
}

export async function expectRefused(p: Promise<unknown>, code: string, message: RegExp) {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e, 'expected a refusal').toBeInstanceOf(VigieError);
  expect((e as VigieError).code).toBe(code);
  expect((e as VigieError).message).toMatch(message);
}
