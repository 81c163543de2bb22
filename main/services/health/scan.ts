import {
  CHECK_IDS,
  EVIDENCE_MAX_CHARS,
  HEALTH_STRINGS,
  renderCheckMessage,
  renderUnknownReason,
  type BackupSummary,
  type CheckId,
  type CheckResult,
  type Evidence,
} from '@vigie/common';
import type {
  BackupSummaryProvider,
  CommandOutput,
  CommandRunner,
  CommandSpec,
  Finding,
  ParseContext,
  Probe,
  ProbeCommand,
} from './types.js';
import { critical, looksBinary, ok, unknown, warning } from './parsers/util.js';

export const DEFAULT_TIMEOUT_MS = 20_000;

/** Short name of a command for messages ("apt list", "PowerShell"). */
export function commandLabel(spec: CommandSpec): string {
  const base = spec.file.split(/[\\/]/).pop() ?? spec.file;
  if (/^powershell(\.exe)?$/i.test(base)) return 'PowerShell';
  const words = [base.replace(/\.exe$/i, ''), ...spec.args.filter((a) => !a.startsWith('-o') && !a.includes('='))].slice(0, 3);
  return words.join(' ').slice(0, 80);
}

function commandLine(spec: CommandSpec): string {
  if (spec.display) return spec.display.slice(0, 2000);
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return [spec.file, ...spec.args].map(quote).join(' ').slice(0, 2000);
}

function cap(text: string): { text: string; cut: boolean } {
  if (text.length <= EVIDENCE_MAX_CHARS) return { text, cut: false };
  return { text: `${text.slice(0, EVIDENCE_MAX_CHARS)}\n…`, cut: true };
}

export function toEvidence(spec: CommandSpec, out: CommandOutput): Evidence {
  const so = cap(out.stdout);
  const se = cap(out.stderr);
  return {
    command: commandLine(spec),
    stdout: so.text,
    stderr: se.text,
    exitCode: out.exitCode,
    durationMs: Math.max(0, Math.round(out.durationMs)),
    truncated: so.cut || se.cut || out.truncated,
    failure: out.failure,
  };
}

/** Turns one command's output into a finding: runner failures become unknown; parsers are guarded. */
export function findingOf(command: ProbeCommand, out: CommandOutput, ctx: ParseContext): Finding {
  const label = commandLabel(command.spec);
  switch (out.failure) {
    case 'not-found':
      return unknown('command-missing', { command: label });
    case 'timeout':
      return unknown('timeout', { command: label, seconds: Math.round((command.spec.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000) });
    case 'permission-denied':
      return unknown('permission-denied', { command: label });
    case 'spawn-failed':
      return unknown('command-failed', { command: label, exitCode: -1 });
    default:
      break;
  }
  if (looksBinary(out.stdout) || looksBinary(out.stderr)) return unknown('unparseable', { command: label });
  if (out.truncated) return unknown('incomplete', { command: label, detail: 'réponse trop longue, coupée' });
  // Tools end their answer with a newline: an answer cut in the middle of a line was interrupted.
  if (!command.textFile && out.stdout.length > 0 && !out.stdout.endsWith('\n'))
    return unknown('incomplete', { command: label, detail: 'réponse coupée' });
  try {
    const f = command.parse({ stdout: out.stdout, stderr: out.stderr, exitCode: out.exitCode }, ctx);
    return f.status === 'unknown' && !f.reason ? unknown('unparseable', { command: label }) : f;
  } catch {
    return unknown('internal', {});
  }
}

/** A bounded pool: at most `limit` commands at once, the rest wait their turn. */
function limiter(limit: number) {
  let active = 0;
  const queue: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

/**
 * Backup recency from the backup service's live summary, telling the same story as the
 * « Sauvegardes » tab: what the backup service calls up to date (headline ok) is ok here; past
 * that, up to 3 days without a success is a warning, beyond or never critical; a failed last
 * attempt is a warning while the last success is under 26 h. No provider → unknown.
 */
export const BACKUP_OK_HOURS = 26;
export const BACKUP_WARN_HOURS = 72;
export function judgeBackup(summary: BackupSummary | null, now: Date): Finding {
  if (!summary) return unknown('no-backup-provider', {});
  if (summary.headline === 'not-configured') return critical('backup-recency.not-configured');
  const last = summary.lastSuccessAt ? new Date(summary.lastSuccessAt) : null;
  const hours = last ? Math.max(0, (now.getTime() - last.getTime()) / 3_600_000) : null;
  if (summary.headline === 'failed')
    return hours !== null && hours <= BACKUP_OK_HOURS ? warning('backup-recency.failed') : critical('backup-recency.failed');
  if (hours === null) return summary.headline === 'running' ? warning('backup-recency.never') : critical('backup-recency.never');
  if (hours <= BACKUP_OK_HOURS || summary.headline === 'ok') return ok('backup-recency.ok', { hours: Math.floor(hours) });
  const days = Math.floor(hours / 24);
  return hours <= BACKUP_WARN_HOURS
    ? warning('backup-recency.stale', { days: Math.max(1, days) })
    : critical('backup-recency.old', { days });
}

/** The backup-recency check from the provider now (a provider that throws: unknown, internal). */
export async function backupCheck(
  provider: BackupSummaryProvider | undefined,
  now: Date,
  elapsed: () => number = () => performance.now(),
): Promise<{ finding: Finding; result: CheckResult }> {
  const t0 = elapsed();
  let summary: BackupSummary | null = null;
  let failed = false;
  if (provider) {
    try {
      summary = await provider.getSummary();
    } catch {
      failed = true;
    }
  }
  const finding = failed ? unknown('internal', {}) : judgeBackup(summary, now);
  return { finding, result: toCheckResult('backup-recency', finding, [], elapsed() - t0) };
}

export function toCheckResult(id: CheckId, f: Finding, evidence: Evidence[], durationMs: number): CheckResult {
  const message = { key: f.key, params: f.params };
  const reason =
    f.status === 'unknown' && f.reason
      ? { code: f.reason.code, params: f.reason.params, text: renderUnknownReason('fr', f.reason.code, f.reason.params) }
      : null;
  const text = renderCheckMessage('fr', { id, message, reason });
  return {
    id,
    status: f.status,
    title: text.title,
    explanation: text.explanation,
    remediation: text.remediation,
    message,
    reason,
    evidence: evidence.slice(0, 12),
    durationMs: Math.round(durationMs),
  };
}

export interface RunChecksOptions {
  runner: CommandRunner;
  probes: Probe[];
  ctx: ParseContext;
  backup?: BackupSummaryProvider;
  maxParallel?: number;
  /** Monotonic milliseconds, for durations. */
  elapsed?: () => number;
}

export interface ChecksRun {
  checks: CheckResult[];
  /** Findings by check, with their data (the OS name for the report). */
  findings: Map<CheckId, Finding>;
}

/**
 * Runs every probe concurrently (identical commands of several probes run once), parses, combines
 * and returns one result per check id, in CHECK_IDS order. Never throws.
 */
export async function runChecks(o: RunChecksOptions): Promise<ChecksRun> {
  const elapsed = o.elapsed ?? (() => performance.now());
  const run = limiter(Math.max(1, o.maxParallel ?? 8));
  const cache = new Map<string, Promise<CommandOutput>>();
  const exec = (spec: CommandSpec): Promise<CommandOutput> => {
    const key = JSON.stringify([spec.file, spec.args, spec.env ?? {}]);
    let p = cache.get(key);
    if (!p) {
      const timeoutMs = spec.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      p = run(() => o.runner.run(spec, { timeoutMs })).catch((e: unknown): CommandOutput => ({
        stdout: '',
        stderr: '',
        exitCode: null,
        failure: 'spawn-failed',
        failureDetail: String(e),
        durationMs: 0,
        truncated: false,
      }));
      cache.set(key, p);
    }
    return p;
  };

  const findings = new Map<CheckId, Finding>();
  const results = new Map<CheckId, CheckResult>();
  await Promise.all(
    o.probes.map(async (probe) => {
      const t0 = elapsed();
      const outputs = await Promise.all(probe.commands.map((c) => exec(c.spec)));
      const parts = probe.commands.map((c, i) => findingOf(c, outputs[i]!, o.ctx));
      let f: Finding;
      try {
        f = probe.combine ? probe.combine(parts, o.ctx) : (parts[0] ?? unknown('internal', {}));
      } catch {
        f = unknown('internal', {});
      }
      const seen = new Set<string>();
      const evidence: Evidence[] = [];
      probe.commands.forEach((c, i) => {
        const line = commandLine(c.spec);
        if (seen.has(line)) return;
        seen.add(line);
        evidence.push(toEvidence(c.spec, outputs[i]!));
      });
      findings.set(probe.check, f);
      results.set(probe.check, toCheckResult(probe.check, f, evidence, elapsed() - t0));
    }),
  );

  if (!results.has('backup-recency')) {
    const { finding, result } = await backupCheck(o.backup, o.ctx.now, elapsed);
    findings.set('backup-recency', finding);
    results.set('backup-recency', result);
  }

  const checks: CheckResult[] = [];
  for (const id of CHECK_IDS) {
    const r =
      results.get(id) ?? toCheckResult(id, unknown('not-supported', { detail: `${HEALTH_STRINGS.fr.checks[id]} sur ce système` }), [], 0);
    checks.push(r);
  }
  return { checks, findings };
}
