import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { LOCAL_TEST_OVERRIDES, ROOT } from './build.mjs';

const require = createRequire(import.meta.url);
// electron-builder's own configuration check (what `electron-builder` runs before packaging):
// its JSON schema for the installed version, plus its deprecation checks.
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, debugLogger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util/out/DebugLogger.js') as { DebugLogger: new (enabled: boolean) => unknown };
const { PlatformPackager } = require('app-builder-lib') as {
  PlatformPackager: { prototype: { generateFuseConfig(fuses: unknown): Promise<Record<string, unknown>> } };
};

type Config = Record<string, unknown> & {
  files: string[];
  electronFuses: Record<string, boolean>;
  mac: Record<string, unknown> & { extendInfo: Record<string, unknown>; target: Array<{ target: string; arch: string[] }> };
  win: Record<string, unknown> & { signtoolOptions: { publisherName: string[] } };
  nsis: Record<string, unknown>;
  publish: Array<Record<string, unknown>>;
  extraResources: Array<{ from: string; to: string }>;
};

const readConfig = async (): Promise<Config> => load(await readFile(join(ROOT, 'electron-builder.yml'), 'utf8')) as Config;
const validate = (c: unknown) => validateConfiguration(c, new DebugLogger(false));

/** `-c.a.b=v` CLI overrides applied the way electron-builder's CLI does (dotted path, "null"/"false" coerced). */
function applyOverrides(config: Config, overrides: string[]): Config {
  const out = structuredClone(config) as Record<string, unknown>;
  for (const o of overrides) {
    const m = /^-c\.([^=]+)=(.*)$/.exec(o);
    if (!m) throw new Error(`unexpected override ${o}`);
    const path = m[1]!.split('.');
    const raw = m[2]!;
    const value = raw === 'null' ? null : raw === 'false' ? false : raw === 'true' ? true : raw;
    let host = out;
    for (const k of path.slice(0, -1)) host = (host[k] ??= {}) as Record<string, unknown>;
    host[path.at(-1)!] = value;
  }
  return out as Config;
}

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own validation', async () => {
    await expect(validate(await readConfig())).resolves.toBeUndefined();
  });

  it('the validation really checks (a misspelt option is refused)', async () => {
    const c = await readConfig();
    await expect(validate({ ...c, nsis: { ...c.nsis, perMachin: false } })).rejects.toThrow(/configuration\.nsis/);
    await expect(validate({ ...c, electronFuses: { ...c.electronFuses, runAsNod: false } })).rejects.toThrow(/electronFuses/);
  });

  it('local test builds (unsigned overrides) are still a valid configuration', async () => {
    const c = applyOverrides(await readConfig(), LOCAL_TEST_OVERRIDES);
    await expect(validate(c)).resolves.toBeUndefined();
    expect(c.forceCodeSigning).toBe(false);
    expect(c.mac.identity).toBeNull();
    expect(String(c.mac.artifactName)).toContain('UNSIGNED');
    expect(String(c.nsis.artifactName)).toContain('UNSIGNED');
  });

  it('packs only the app build output, never the hub, the console or workspace sources', async () => {
    const c = await readConfig();
    const include = c.files.filter((f) => !f.startsWith('!'));
    expect(include).toEqual(['out/**/*', 'assets/**/*', 'package.json']);
    expect(c.files).toEqual(expect.arrayContaining(['!server${/*}', '!console${/*}', '!common${/*}', '!**/*.map']));
    expect(c.asar).toBe(true);
    expect(c.forceCodeSigning).toBe(true);
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { main: string; dependencies: Record<string, string> };
    expect(pkg.main.startsWith('out/')).toBe(true); // the entry is inside what is packed
    expect(Object.keys(pkg.dependencies)).not.toContain('@vigie/hub');
  });

  it('macOS: dmg + zip for arm64 and x64, hardened runtime, minimal entitlements, notarization, no Dock icon', async () => {
    const c = await readConfig();
    expect(c.mac.target).toEqual([
      { target: 'dmg', arch: ['arm64', 'x64'] },
      { target: 'zip', arch: ['arm64', 'x64'] },
    ]);
    expect(c.mac.hardenedRuntime).toBe(true);
    expect(c.mac.notarize).toBe(true);
    expect(c.mac.extendInfo.LSUIElement).toBe(true);
    // The updater tells the architectures apart by "arm64" in the zip name.
    expect(c.mac.artifactName).toBe('${productName}-${version}-${arch}-mac.${ext}');
    for (const file of [c.mac.entitlements, c.mac.entitlementsInherit] as string[]) {
      const plist = await readFile(join(ROOT, file), 'utf8');
      const keys = [...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1]);
      expect(keys, file).toEqual(['com.apple.security.cs.allow-jit']);
    }
  });

  it('Windows: per-user one-click NSIS without elevation, signed, update signature verified', async () => {
    const c = await readConfig();
    expect(c.nsis).toMatchObject({ oneClick: true, perMachine: false, allowElevation: false, include: 'build/installer.nsh' });
    expect(c.win).toMatchObject({ verifyUpdateCodeSignature: true, requestedExecutionLevel: 'asInvoker' });
    expect(c.win.signtoolOptions.publisherName).toEqual(['Vigie SAS']);
    const nsh = await readFile(join(ROOT, 'build', 'installer.nsh'), 'utf8');
    expect(nsh).toMatch(/!macro customUnInstall[\s\S]*\$\{ifNot\} \$\{isUpdated\}[\s\S]*!macroend/);
    expect(nsh).toContain('"fr.vigie.app"');
    expect(c.appId).toBe('fr.vigie.app');
  });

  it('ships restic, the hub URL and the PowerShell / shell scripts as resources, and points the updater at the hub feed', async () => {
    const c = await readConfig();
    expect(c.extraResources).toEqual([
      { from: 'build/generated/vigie.json', to: 'vigie.json' },
      { from: 'build/bin/${platform}-${arch}', to: 'bin' },
      { from: 'main/resources/scripts', to: 'scripts' },
    ]);
    expect(c.publish).toEqual([
      { provider: 'generic', url: '${env.VIGIE_HUB_URL}/updates/stable', channel: 'latest', useMultipleRangeRequest: true },
    ]);
  });

  it('has a 1024 px application icon', async () => {
    const png = await readFile(join(ROOT, 'build', 'icon.png'));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 1024]);
  });
});

describe('Electron fuses', () => {
  it('electron-builder turns the config into the intended fuse wire (flipped on a binary with a real fuse wire)', async () => {
    const c = await readConfig();
    const fuses = (await import('@electron/fuses')) as typeof import('@electron/fuses');
    const config = await PlatformPackager.prototype.generateFuseConfig.call(null, c.electronFuses);

    // A stand-in executable: bytes, the fuse sentinel, version 1, a 9-fuse wire in Electron's
    // default states, more bytes — the layout @electron/fuses finds in Electron binaries.
    const dir = await mkdtemp(join(tmpdir(), 'vigie-fuses-'));
    try {
      const exe = join(dir, 'Vigie.exe');
      const D = fuses.FuseState.DISABLE;
      const E = fuses.FuseState.ENABLE;
      const defaults = [E, D, E, E, D, D, D, E, E];
      await writeFile(
        exe,
        Buffer.concat([
          Buffer.alloc(4096, 7),
          Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'),
          Buffer.from([1, defaults.length, ...defaults]),
          Buffer.alloc(4096, 9),
        ]),
      );
      await fuses.flipFuses(exe, config as Parameters<typeof fuses.flipFuses>[1]);
      const wire = await fuses.getCurrentFuseWire(exe);
      const O = fuses.FuseV1Options;
      expect({
        runAsNode: wire[O.RunAsNode],
        cookieEncryption: wire[O.EnableCookieEncryption],
        nodeOptions: wire[O.EnableNodeOptionsEnvironmentVariable],
        inspectArguments: wire[O.EnableNodeCliInspectArguments],
        asarIntegrity: wire[O.EnableEmbeddedAsarIntegrityValidation],
        onlyLoadFromAsar: wire[O.OnlyLoadAppFromAsar],
      }).toEqual({ runAsNode: D, cookieEncryption: E, nodeOptions: D, inspectArguments: D, asarIntegrity: E, onlyLoadFromAsar: E });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
