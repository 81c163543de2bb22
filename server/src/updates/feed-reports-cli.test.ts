// The update feed's device counts and reports, its CLI, and what a refused upload leaves on disk.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runUpdatesCommand } from './cli.js';
import { sha512Of } from './test-support/index.js';
import { CLI, db, dir, expectRefused, getFeed, macBuilds, updates, useFeedHub, winBuild } from './test-support/feed-hub.js';

useFeedHub();

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
