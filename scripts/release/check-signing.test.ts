import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCAL_TEST_OVERRIDES, plan, ROOT } from './build.mjs';
import { checkSigning } from './check-signing.mjs';

const HUB = { VIGIE_HUB_URL: 'https://hub.prestataire.fr' };
const MAC_P12 = { CSC_LINK: '/secure/developer-id.p12', CSC_KEY_PASSWORD: 'x' };
const MAC_API = { APPLE_API_KEY: '/secure/AuthKey_ABC.p8', APPLE_API_KEY_ID: 'ABC', APPLE_API_ISSUER: 'issuer-uuid' };
const WIN_PFX = { WIN_CSC_LINK: '/secure/vigie.pfx', WIN_CSC_KEY_PASSWORD: 'x' };

/** Runs a release script the way `npm run dist:*` does, with exactly this environment. */
function runScript(script: string, args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'release', script), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('signing guard', () => {
  const rows: Array<[string, 'mac' | 'win', Record<string, string>, boolean, RegExp | null]> = [
    ['mac without anything', 'mac', {}, false, /VIGIE_HUB_URL manque/],
    ['mac without certificate', 'mac', { ...HUB, ...MAC_API }, false, /Developer ID Application/],
    ['mac without notarization credentials', 'mac', { ...HUB, ...MAC_P12 }, false, /notarisation/],
    [
      'mac with half of the API key',
      'mac',
      { ...HUB, ...MAC_P12, APPLE_API_KEY: 'k' },
      false,
      /il manque APPLE_API_KEY_ID, APPLE_API_ISSUER/,
    ],
    ['mac signed and notarized (.p12 + API key)', 'mac', { ...HUB, ...MAC_P12, ...MAC_API }, true, null],
    [
      'mac with keychain identity and Apple ID',
      'mac',
      { ...HUB, CSC_NAME: 'Vigie SAS (TEAMID)', APPLE_ID: 'a@b.fr', APPLE_APP_SPECIFIC_PASSWORD: 'p', APPLE_TEAM_ID: 'T' },
      true,
      null,
    ],
    [
      'signing switched off by CSC_IDENTITY_AUTO_DISCOVERY',
      'mac',
      { ...HUB, ...MAC_P12, ...MAC_API, CSC_IDENTITY_AUTO_DISCOVERY: 'false' },
      false,
      /CSC_IDENTITY_AUTO_DISCOVERY/,
    ],
    ['win without certificate', 'win', { ...HUB }, false, /signature de code Windows/],
    ['win with a pfx but no password', 'win', { ...HUB, WIN_CSC_LINK: '/secure/vigie.pfx' }, false, /il manque WIN_CSC_KEY_PASSWORD/],
    ['win signed', 'win', { ...HUB, ...WIN_PFX }, true, null],
    ['release over plain http', 'win', { VIGIE_HUB_URL: 'http://hub.prestataire.fr', ...WIN_PFX }, false, /https:\/\//],
    [
      'local test build: no credentials needed, http allowed',
      'mac',
      { VIGIE_HUB_URL: 'http://127.0.0.1:8750', VIGIE_LOCAL_TEST_BUILD: '1' },
      true,
      null,
    ],
    ['local test build still needs a hub URL', 'win', { VIGIE_LOCAL_TEST_BUILD: '1' }, false, /VIGIE_HUB_URL/],
    [
      'VIGIE_LOCAL_TEST_BUILD=true is not the explicit marker',
      'win',
      { ...HUB, VIGIE_LOCAL_TEST_BUILD: 'true' },
      false,
      /signature de code Windows/,
    ],
  ];
  for (const [name, platform, env, ok, problem] of rows) {
    it(name, () => {
      const r = checkSigning(platform, env);
      expect(r.ok).toBe(ok);
      if (problem) expect(r.problems.join('\n')).toMatch(problem);
      else expect(r.problems).toEqual([]);
    });
  }

  it('a release build without credentials fails loudly (exit 1, what is missing on stderr)', () => {
    const r = runScript('check-signing.mjs', ['win'], { ...HUB });
    expect(r.code).toBe(1);
    expect(r.err).toContain('BUILD REFUSÉ');
    expect(r.err).toContain('WIN_CSC_LINK');
    expect(r.err).toContain('VIGIE_LOCAL_TEST_BUILD=1');
  });

  it('a local test build goes ahead, announced as unsigned', () => {
    const r = runScript('check-signing.mjs', ['mac'], { VIGIE_HUB_URL: 'http://127.0.0.1:8750', VIGIE_LOCAL_TEST_BUILD: '1' });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/NON SIGNÉ/);
  });
});

describe('build plan', () => {
  it('a release plan runs electron-builder without unsigned overrides and never publishes', () => {
    const p = plan('win', { ...HUB, ...WIN_PFX });
    const installers = p.steps.find((s) => s.name === 'installers')!;
    expect(installers.args).toEqual(['electron-builder', '--win', '--x64', '--publish', 'never']);
    expect(installers.env).toEqual({});
    expect(p.signing.localTest).toBe(false);
  });

  it('a local test plan names and builds everything unsigned', () => {
    const p = plan('mac', { VIGIE_HUB_URL: 'http://127.0.0.1:8750', VIGIE_LOCAL_TEST_BUILD: '1' });
    const installers = p.steps.find((s) => s.name === 'installers')!;
    expect(installers.args.slice(0, 6)).toEqual(['electron-builder', '--mac', '--arm64', '--x64', '--publish', 'never']);
    expect(installers.args).toEqual(expect.arrayContaining(LOCAL_TEST_OVERRIDES));
    expect(installers.env).toEqual({ CSC_IDENTITY_AUTO_DISCOVERY: 'false' });
    expect(p.ok).toBe(true); // missing restic is only a warning for a local test
  });

  it('the build script refuses to start without credentials (dry run, nothing built)', () => {
    const r = runScript('build.mjs', ['mac', '--dry-run'], { ...HUB });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ ok: false, target: 'mac', signing: { ok: false, localTest: false } });
  });

  it('a release needs the pinned restic binaries for every architecture', () => {
    const p = plan('mac', { ...HUB, ...MAC_P12, ...MAC_API });
    // This checkout may or may not have fetched them; the plan lists exactly the missing ones.
    for (const m of p.missingRestic) expect(m).toMatch(/^build\/bin\/darwin-(arm64|x64)\/restic$/);
    expect(p.ok).toBe(p.missingRestic.length === 0);
  });
});
