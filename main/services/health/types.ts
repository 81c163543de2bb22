import type { BackupSummary, CheckId, HealthMessageKey, HealthStatus, MessageParams, OsFamily, UnknownReasonCode } from '@vigie/common';

/** One OS command: no shell (unless the probe runs `sh -c` itself), fixed arguments. */
export interface CommandSpec {
  file: string;
  args: readonly string[];
  /** Extra environment (LC_ALL=C on macOS and Linux); the rest is inherited. */
  env?: Readonly<Record<string, string>>;
  timeoutMs?: number;
  /** What the technician reads in the evidence (the PowerShell script rather than its wrapper). */
  display?: string;
}

export type CommandFailure = 'not-found' | 'timeout' | 'permission-denied' | 'spawn-failed';

/** What a command produced. A runner never throws: a failure to run is `failure`. */
export interface CommandOutput {
  stdout: string;
  stderr: string;
  /** null when the process did not exit by itself (killed, not started). */
  exitCode: number | null;
  failure: CommandFailure | null;
  /** Human detail of the failure (spawn error message…). */
  failureDetail?: string;
  durationMs: number;
  /** True when the runner stopped reading because the output was too large. */
  truncated: boolean;
}

export interface RunOptions {
  timeoutMs: number;
}

/** Port: runs commands without administrator rights, kills the whole process tree on timeout. */
export interface CommandRunner {
  run(spec: CommandSpec, options: RunOptions): Promise<CommandOutput>;
}

/** What a parser is given: exactly what the command printed and how it ended. */
export interface ParserInput {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

/** Facts a parser may need beyond the output: today's date (end-of-life tables), who the user is. */
export interface ParseContext {
  now: Date;
  /** Login name of the person using the app. */
  username?: string;
  /** XDG_CURRENT_DESKTOP on Linux, when known. */
  desktop?: string;
}

export interface Finding<D = unknown> {
  status: HealthStatus;
  key: HealthMessageKey;
  params: MessageParams;
  /** Set when status is unknown. */
  reason?: { code: UnknownReasonCode; params: MessageParams };
  /** Structured facts for probes that combine several commands. */
  data?: D;
}

/** A pure function from one command's output to a finding. Must never throw (wrapped anyway). */
export type Parser<D = unknown> = (input: ParserInput, ctx: ParseContext) => Finding<D>;

export interface ProbeCommand<D = unknown> {
  /** Stable id of the parser, used by the fixture expectations: "<os>.<name>". */
  parserId: string;
  /** The command prints a file as is (cat): its output may legitimately lack a final newline. */
  textFile?: boolean;
  spec: CommandSpec;
  parse: Parser<D>;
}

/** One check on one OS: its commands and how their findings combine (default: the single finding). */
export interface Probe {
  check: CheckId;
  os: OsFamily;
  commands: ProbeCommand[];
  combine?: (findings: Finding[], ctx: ParseContext) => Finding;
}

/** Port for the backup-recency check (the backup service implements it). */
export interface BackupSummaryProvider {
  getSummary(): Promise<BackupSummary | null> | BackupSummary | null;
  /** Calls `listener` whenever the backup status changes (a backup starts, ends, fails…); returns the unsubscribe. */
  onChange?(listener: () => void): () => void;
}
