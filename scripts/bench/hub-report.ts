/** The hub benchmark's results (hub.ts): what one run measured, the table (hub and bare relay side by side, find-max steps) and the one summary line. */
import type { Kind } from './hub-procs.js';

export interface Step {
  target: number;
  open: number;
  failed: number;
  rssKb: number;
  fds: number;
  errors: Record<string, number>;
  connectPerS: number;
}
export interface Measured {
  kind: Kind;
  load: string;
  rows: Array<[string, string]>;
  steps: Step[];
  online: number;
  rssPerDevice: number;
  helpP99: number;
  chatP99: number;
  /** The simulated devices' CPU priority: `nice10` (default) or `same` (--same-priority). */
  simulators: string;
}

export const quantile = (xs: number[], q: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
};
export const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

/** Prints the table of `hub` (with `bare` beside it), the find-max steps up to `ceiling`, then the summary line. */
export function printReport(hub: Measured, bare: Measured | undefined, ceiling: number): void {
  const w1 = Math.max(...hub.rows.map((r) => r[0].length));
  const w2 = Math.max(24, ...hub.rows.map((r) => r[1].length));
  process.stdout.write(
    `\n${'measure'.padEnd(w1)}  ${'hub'.padEnd(w2)}${bare ? '  bare socket.io relay' : ''}\n${'-'.repeat(w1)}  ${'-'.repeat(w2)}${bare ? `  ${'-'.repeat(24)}` : ''}\n`,
  );
  hub.rows.forEach(([k, v], i) =>
    process.stdout.write(`${k.padEnd(w1)}  ${v.padEnd(w2)}${bare ? `  ${bare.rows[i]![1]}` : ''}\n`.replace(/ +\n$/, '\n')),
  );
  if (bare)
    process.stdout.write(`${'RSS per device, hub / bare'.padEnd(w1)}  ${fmt(hub.rssPerDevice / bare.rssPerDevice, 2)}× (target ≤ 2×)\n`);
  if (hub.steps.length) {
    process.stdout.write(`\nfind-max (2500 more devices per step, ceiling ${ceiling})\n`);
    process.stdout.write(
      `${'target'.padStart(7)} ${'open'.padStart(7)} ${'failed'.padStart(7)} ${'RSS MB'.padStart(8)} ${'hub fds'.padStart(8)} ${'conn/s'.padStart(7)}  errors\n`,
    );
    for (const s of hub.steps) {
      process.stdout.write(
        `${String(s.target).padStart(7)} ${String(s.open).padStart(7)} ${String(s.failed).padStart(7)} ${fmt(s.rssKb / 1024).padStart(8)} ${String(s.fds).padStart(8)} ${fmt(s.connectPerS).padStart(7)}  ${JSON.stringify(s.errors)}\n`,
      );
    }
  }
  const bareLine = bare
    ? ` bare_rss_kb_per_device=${fmt(bare.rssPerDevice)} bare_help_p99_ms=${fmt(bare.helpP99)} bare_chat_p99_ms=${fmt(bare.chatP99)}`
    : '';
  process.stdout.write(
    `\ndevices=${hub.online} rss_kb_per_device=${fmt(hub.rssPerDevice)} help_p99_ms=${fmt(hub.helpP99)} chat_p99_ms=${fmt(hub.chatP99)}${bareLine} load=${hub.load.split(' ')[0]} simulators=${hub.simulators}\n`,
  );
}
