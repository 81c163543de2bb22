import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderTechnicalReason } from '@vigie/common';
import { NodeCommandRunner } from './runner-node.js';
import { findingOf, runChecks } from './scan.js';
import * as L from './parsers/linux.js';
import type { Probe } from './types.js';

/** The real Node runner with real child processes (POSIX shell tools of this Linux machine). */
const runner = new NodeCommandRunner({ killGraceMs: 2000 });
const ctx = { now: new Date() };

/** True once the process is gone (or only a zombie waiting for an init that does not reap). */
function isGone(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return true;
  try {
    return / Z /.test(readFileSync(stat, 'utf8'));
  } catch {
    return true;
  }
}
async function waitGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (isGone(pid)) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return isGone(pid);
}

describe.runIf(process.platform === 'linux')('NodeCommandRunner', () => {
  it('returns stdout, stderr and the exit code, with LC_ALL passed', async () => {
    const r = await runner.run(
      { file: 'sh', args: ['-c', 'echo "$LC_ALL"; echo oops >&2; exit 3'], env: { LC_ALL: 'C' } },
      { timeoutMs: 10_000 },
    );
    expect(r).toMatchObject({ stdout: 'C\n', stderr: 'oops\n', exitCode: 3, failure: null, truncated: false });
  });

  it('a command that hangs is stopped at its timeout, with its whole process tree', async () => {
    const r = await runner.run({ file: 'sh', args: ['-c', 'sleep 60 & echo $!; wait'] }, { timeoutMs: 300 });
    expect(r.failure).toBe('timeout');
    expect(r.exitCode).toBeNull();
    const grandchild = Number(r.stdout.trim());
    expect(grandchild).toBeGreaterThan(1);
    expect(await waitGone(grandchild)).toBe(true);
  });

  it('a hanging probe becomes unknown with the timeout reason', async () => {
    const probe: Probe = {
      check: 'firewall',
      os: 'linux',
      commands: [{ parserId: 'linux.ufw-status', spec: { file: 'sleep', args: ['60'], timeoutMs: 300 }, parse: L.parseUfwStatus }],
    };
    const { checks } = await runChecks({ runner, probes: [probe], ctx });
    const fw = checks.find((c) => c.id === 'firewall')!;
    expect(fw.status).toBe('unknown');
    expect(fw.reason?.code).toBe('timeout');
    // The practitioner reads what happened; the technician reads which tool, and has its evidence.
    expect(fw.reason?.text).toBe('la vérification a pris trop de temps et a été arrêtée.');
    expect(renderTechnicalReason('en', fw.reason!)).toContain('sleep');
    expect(fw.evidence[0]).toMatchObject({ command: 'sleep 60', failure: 'timeout', exitCode: null });
  });

  it('a missing command is unknown with the command-missing reason', async () => {
    const r = await runner.run({ file: 'vigie-no-such-tool', args: ['--status'] }, { timeoutMs: 5000 });
    expect(r.failure).toBe('not-found');
    const probe: Probe = {
      check: 'time-sync',
      os: 'linux',
      commands: [{ parserId: 'linux.timedatectl-show', spec: { file: 'vigie-no-such-tool', args: [] }, parse: L.parseTimedatectlShow }],
    };
    const { checks } = await runChecks({ runner, probes: [probe], ctx });
    const t = checks.find((c) => c.id === 'time-sync')!;
    expect(t.status).toBe('unknown');
    expect(t.reason).toMatchObject({ code: 'command-missing', params: { command: 'vigie-no-such-tool' } });
    expect(t.reason?.text).toBe('l’outil qui permet de le vérifier n’est pas installé sur cet ordinateur.');
    expect(renderTechnicalReason('fr', t.reason!)).toBe('l’outil « vigie-no-such-tool » n’est pas présent sur cet ordinateur.');
  });

  it('a file that is not a program is reported, not thrown', async () => {
    const r = await runner.run({ file: '/etc/os-release', args: [] }, { timeoutMs: 5000 });
    expect(r.failure).toBe('permission-denied');
  });

  it('caps huge outputs and flags them, which the scan reads as incomplete', async () => {
    const small = new NodeCommandRunner({ maxOutputBytes: 1000 });
    const r = await small.run({ file: 'sh', args: ['-c', 'yes Status: active | head -c 200000'] }, { timeoutMs: 10_000 });
    expect(r.truncated).toBe(true);
    expect(r.stdout.length).toBe(1000);
    const f = findingOf({ parserId: 'linux.ufw-status', spec: { file: 'ufw', args: ['status'] }, parse: L.parseUfwStatus }, r, ctx);
    expect(f).toMatchObject({ status: 'unknown', reason: { code: 'incomplete' } });
  });
});
