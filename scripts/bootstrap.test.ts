import { spawnSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const BOOTSTRAP = join(ROOT, 'scripts', 'bootstrap.mjs');
const TOOLS_BIN = join(ROOT, '.tools', 'node', 'bin');

interface LockEntry {
  version: string;
  integrity?: string;
  os?: string | string[];
  cpu?: string | string[];
  optional?: boolean;
}

/** Runs `node scripts/bootstrap.mjs -- <command…>` with the given Node, from the repository root. */
function bootstrap(node: string, command: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(node, [BOOTSTRAP, '--', ...command], { cwd: ROOT, env, encoding: 'utf8' });
}

/** The first `node` on PATH once the project's own entries (.tools/node/bin, node_modules/.bin) are left out: the system's. */
function systemNode(): { path: string; major: number } | null {
  const PATH = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((d) => d !== TOOLS_BIN && !d.includes('node_modules'))
    .join(delimiter);
  const r = spawnSync('node', ['-p', 'process.execPath + "\\n" + process.versions.node'], {
    env: { ...process.env, PATH },
    encoding: 'utf8',
  });
  if (r.status !== 0) return null;
  const [path = '', version = ''] = r.stdout.trim().split('\n');
  return { path, major: Number(version.split('.')[0]) };
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'scripts', 'node', 'package.json'), 'utf8')) as {
  optionalDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(ROOT, 'scripts', 'node', 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};

describe('the pinned Node 24 (scripts/node/)', () => {
  it('has exactly one Node 24 binary package for each of Linux and macOS on x64 and arm64, locked with its checksum', () => {
    const platforms = Object.entries(lock.packages)
      .filter(([key]) => key !== '')
      .map(([key, p]) => {
        const name = key.replace(/^node_modules\//, '');
        expect(manifest.optionalDependencies[name], name).toBe(p.version);
        expect(p.version.split('.')[0], name).toBe('24');
        expect(p.integrity, name).toMatch(/^sha512-/);
        expect(p.optional, name).toBe(true);
        return `${String(p.os)}-${String(p.cpu)}`;
      })
      .sort();
    expect(platforms).toEqual(['darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-x64']);
  });
});

describe('scripts/bootstrap.mjs -- command', () => {
  it('runs the command on Node 24 or newer, with the project runtime first on PATH', () => {
    const r = bootstrap(process.execPath, ['node', '-p', 'process.execPath + "\\n" + process.versions.node']);
    expect(r.status, r.stderr).toBe(0);
    const [execPath, version = ''] = r.stdout.trim().split('\n');
    expect(Number(version.split('.')[0])).toBeGreaterThanOrEqual(24);
    expect(execPath).toBe(realpathSync(join(TOOLS_BIN, 'node')));
  });

  it("passes the command's exit code on", () => {
    const r = bootstrap(process.execPath, ['node', '-e', 'process.exit(3)']);
    expect(r.status).toBe(3);
  });

  it('says which command could not start and exits 1', () => {
    const r = bootstrap(process.execPath, ['vigie-no-such-command']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('"vigie-no-such-command" could not start');
  });

  // Where the system's Node is older than 24 (Debian's, or 20.19+ from anywhere), the bootstrap started by it
  // hands the command to the pinned Node 24; where it is 24 or newer there is no older Node to start it with.
  const system = systemNode();
  it.skipIf(!system || system.major >= 24)('started by an older Node (20.19+), runs the command on the pinned Node 24', () => {
    const r = bootstrap(system!.path, ['node', '-p', 'process.versions.node']);
    expect(r.status, r.stderr).toBe(0);
    const pin = Object.values(lock.packages).find((p) => p.os === process.platform && p.cpu === process.arch);
    expect(pin?.version).toMatch(/^24\./);
    expect(r.stdout.trim()).toBe(pin?.version);
  });
});
