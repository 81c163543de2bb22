/**
 * `npm run bench:health`: cost of a full security-health scan on this machine and parser throughput.
 *
 * - Scan: the real probes of this OS through the real Node runner, as the app wires them
 *   (createNodeHealthService on a temporary data dir). One cold run first (it builds the private
 *   apt cache when the system keeps none), then RUNS measured runs; wall time and CPU time of this
 *   process plus its children (on Linux, cutime+cstime from /proc/self/stat: every command the scan
 *   spawned and waited for). Medians are reported.
 * - Parsers: every recorded fixture through its parser, repeatedly, for about 2 s: parses per second.
 * Ends with one line: scan_wall_ms=… scan_cpu_ms=… parses_per_s=…
 * Targets (issue 4): scan under 2000 ms wall and 1000 ms CPU.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNodeHealthService } from '../../main/services/health/node.js';
import { parserRegistry, type RegisteredParser } from '../../main/services/health/probes/index.js';
import { createLogger } from '../../main/services/lib/logger.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const PARSE_SECONDS = Number(process.env.BENCH_PARSE_SECONDS ?? 2);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixturesDir = join(root, 'main', 'services', 'health', 'fixtures');

const ticksPerSecond = (() => {
  if (process.platform !== 'linux') return 0;
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU ms of the children this process has waited for (Linux only; 0 elsewhere). */
function childrenCpuMs(): number {
  if (!ticksPerSecond) return 0;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Split after "pid (comm) ": index 0 is field 3 (state), so cutime (field 16) and cstime (17) are at 13 and 14.
  const cutime = Number(fields[13]);
  const cstime = Number(fields[14]);
  return ((cutime + cstime) * 1000) / ticksPerSecond;
}
const selfCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const pad = (v: string | number, n: number) => String(v).padStart(n);

async function benchScan() {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigie-bench-health-'));
  const service = createNodeHealthService({ dataDir, notifier: { notify: () => undefined }, logger: createLogger({ level: 'silent' }) });
  const rows: Array<{ run: string; wall: number; self: number; children: number; worst: string; score: number }> = [];
  try {
    for (let i = 0; i <= RUNS; i++) {
      const w0 = performance.now();
      const s0 = selfCpuMs();
      const c0 = childrenCpuMs();
      const report = await service.scan('manual');
      const wall = performance.now() - w0;
      rows.push({
        run: i === 0 ? 'cold' : String(i),
        wall,
        self: selfCpuMs() - s0,
        children: childrenCpuMs() - c0,
        worst: report.worst,
        score: report.score,
      });
    }
  } finally {
    await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}

function benchParsers() {
  const expected = JSON.parse(readFileSync(join(fixturesDir, 'expected.json'), 'utf8')) as Record<
    string,
    { parser?: string; stream?: string; exitCode?: number }
  >;
  const registry = parserRegistry();
  const inputs: Array<{ parse: RegisteredParser['parse']; input: { stdout: string; stderr: string; exitCode: number } }> = [];
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.txt') ? [join(dir, e.name)] : [],
    );
  for (const file of walk(fixturesDir)) {
    const exp = expected[relative(fixturesDir, file).split('\\').join('/')];
    const parser = exp?.parser ? registry.get(exp.parser) : undefined;
    if (!exp || !parser) continue;
    const text = readFileSync(file, 'utf8');
    const body = text.slice(text.indexOf('\n') + 1);
    const stream = exp.stream ?? 'stdout';
    inputs.push({
      parse: parser.parse,
      input: { stdout: stream === 'stdout' ? body : '', stderr: stream === 'stderr' ? body : '', exitCode: exp.exitCode ?? 0 },
    });
  }
  const ctx = { now: new Date(), username: 'bench' };
  let n = 0;
  const t0 = performance.now();
  const deadline = t0 + PARSE_SECONDS * 1000;
  while (performance.now() < deadline) {
    for (const x of inputs) x.parse(x.input, ctx);
    n += inputs.length;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { fixtures: inputs.length, parses: n, perSecond: n / seconds };
}

const rows = await benchScan();
console.log(`\nSecurity-health scan on this machine (${process.platform}, ${RUNS} measured runs after one cold run)\n`);
console.log(
  `${pad('run', 5)} ${pad('wall ms', 9)} ${pad('cpu self', 9)} ${pad('cpu kids', 9)} ${pad('cpu total', 10)} ${pad('score', 6)}  worst`,
);
for (const r of rows)
  console.log(
    `${pad(r.run, 5)} ${pad(r.wall.toFixed(0), 9)} ${pad(r.self.toFixed(0), 9)} ${pad(r.children.toFixed(0), 9)} ${pad((r.self + r.children).toFixed(0), 10)} ${pad(r.score, 6)}  ${r.worst}`,
  );
const measured = rows.slice(1);
const wall = median(measured.map((r) => r.wall));
const cpu = median(measured.map((r) => r.self + r.children));
console.log(
  `${pad('med', 5)} ${pad(wall.toFixed(0), 9)} ${pad(median(measured.map((r) => r.self)).toFixed(0), 9)} ${pad(median(measured.map((r) => r.children)).toFixed(0), 9)} ${pad(cpu.toFixed(0), 10)}`,
);
if (!ticksPerSecond) console.log('(children CPU is only measured on Linux: the CPU column is this process alone here)');

const p = benchParsers();
console.log(`\nParsers: ${p.fixtures} recorded outputs, ${p.parses} parses in ${PARSE_SECONDS} s → ${Math.round(p.perSecond)} parses/s`);
console.log(`\nTargets: scan < 2000 ms wall (${wall < 2000 ? 'met' : 'MISSED'}), < 1000 ms CPU (${cpu < 1000 ? 'met' : 'MISSED'})`);
console.log(`scan_wall_ms=${Math.round(wall)} scan_cpu_ms=${Math.round(cpu)} parses_per_s=${Math.round(p.perSecond)}`);
