import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { isTestSupport, noTestSupport } from './no-test-support.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function project(entry: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-no-test-support-'));
  dirs.push(dir);
  await mkdir(join(dir, 'test-support'));
  await writeFile(join(dir, 'test-support', 'clock.js'), 'export const clock = () => 1;\n');
  await writeFile(join(dir, 'real.js'), 'export const real = () => 2;\n');
  await writeFile(join(dir, 'entry.js'), entry);
  return dir;
}

const bundle = (dir: string) =>
  build({
    root: dir,
    logLevel: 'silent',
    configFile: false,
    plugins: [noTestSupport()],
    build: { write: false, lib: { entry: join(dir, 'entry.js'), formats: ['es'], fileName: 'out' } },
  });

describe('production builds refuse test support', () => {
  it('a build that reaches a test-support module fails, naming it; one that does not, passes', async () => {
    await expect(bundle(await project("import { clock } from './test-support/clock.js';\nexport default clock;\n"))).rejects.toThrow(
      /test support in a production build: .*test-support[\\/]clock\.js/,
    );
    await expect(bundle(await project("import { real } from './real.js';\nexport default real;\n"))).resolves.toBeDefined();
  });

  it('knows a test-support path on either separator, and nothing else', () => {
    expect(isTestSupport('/repo/main/services/backup/test-support/index.ts')).toBe(true);
    expect(isTestSupport('C:\\repo\\server\\src\\test-support\\fixture.ts')).toBe(true);
    expect(isTestSupport('/repo/main/services/backup/testing-support.ts')).toBe(false);
    expect(isTestSupport('/repo/main/services/test-supportive/x.ts')).toBe(false);
  });
});
