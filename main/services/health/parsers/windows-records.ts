import type { Finding, ParserInput } from '../types.js';
import { readRecords, type Rec } from './records.js';
import { clean, incomplete, unknown, unparseable } from './util.js';

/**
 * How the Windows parsers read an output: our probes' `ConvertTo-Json` or the Format-List /
 * Format-Table text a technician pastes, as records with normalised keys — or, when the command
 * failed or its output is cut or not understood, the `unknown` finding that says so.
 */

export function records(input: ParserInput, command: string): Rec[] | Finding {
  if (input.exitCode !== 0 && !clean(input.stdout).trim()) return unknown('command-failed', { command, exitCode: input.exitCode ?? -1 });
  const r = readRecords(input.stdout);
  if (r.kind === 'error') return r.detail === 'JSON invalide ou tronqué' ? incomplete(command, 'réponse coupée') : unparseable(command);
  return r.records;
}
export const isFinding = (x: Rec[] | Finding): x is Finding => !Array.isArray(x);
export const pick = (recs: Rec[], key: string): unknown => recs.find((r) => r[key] !== undefined && r[key] !== '')?.[key];
