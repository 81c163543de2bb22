import type { UnknownReasonCode } from '@vigie/common';
import type { Finding } from '../types.js';
import { unknown } from '../parsers/util.js';

/** How several commands' findings make one check result. All pure. */

const RANK = { ok: 0, warning: 1, critical: 2 } as const;
/** Most informative reasons first, when every command failed. */
const REASON_ORDER: UnknownReasonCode[] = [
  'permission-denied',
  'no-network',
  'timeout',
  'incomplete',
  'unparseable',
  'command-failed',
  'not-supported',
  'empty-output',
  'nothing-found',
  'command-missing',
  'internal',
  'no-backup-provider',
];

/** The most telling unknown among `findings` (those a command gave: missing ones are passed over), or a generic one. */
export function bestUnknown(findings: ReadonlyArray<Finding | undefined>, detail: string): Finding {
  const unknowns = findings.filter((f): f is Finding => f?.status === 'unknown' && !!f.reason);
  if (unknowns.length === 0) return unknown('nothing-found', { detail });
  // When nothing was found anywhere, say what was looked for rather than the first tool's absence.
  if (unknowns.every((f) => f.reason?.code === 'nothing-found' || f.reason?.code === 'command-missing'))
    return unknown('nothing-found', { detail });
  const sorted = [...unknowns].sort((a, b) => REASON_ORDER.indexOf(a.reason!.code) - REASON_ORDER.indexOf(b.reason!.code));
  return sorted[0]!;
}

/** Any command proving protection wins (one active firewall is enough); else the worst; else unknown. */
export function anyOk(detail: string) {
  return (findings: Finding[]): Finding => {
    const good = findings.find((f) => f.status === 'ok');
    if (good) return good;
    const known = findings.filter((f) => f.status !== 'unknown');
    if (known.length) return known.reduce((a, b) => (RANK[b.status as keyof typeof RANK] > RANK[a.status as keyof typeof RANK] ? b : a));
    return bestUnknown(findings, detail);
  };
}

/** The worst of what could be read; unknown only when nothing could be read. */
export function worstKnown(detail: string) {
  return (findings: Finding[]): Finding => {
    const known = findings.filter((f) => f.status !== 'unknown');
    if (known.length) return known.reduce((a, b) => (RANK[b.status as keyof typeof RANK] > RANK[a.status as keyof typeof RANK] ? b : a));
    return bestUnknown(findings, detail);
  };
}

/** Every part must be verified: a problem first, then any unknown, and ok only when all are ok. */
export function strict(detail: string) {
  return (findings: Finding[]): Finding => {
    const bad = findings.filter((f) => f.status === 'critical' || f.status === 'warning');
    if (bad.length) return bad.reduce((a, b) => (RANK[b.status as keyof typeof RANK] > RANK[a.status as keyof typeof RANK] ? b : a));
    const unk = findings.filter((f) => f.status === 'unknown');
    if (unk.length) return bestUnknown(unk, detail);
    return findings[0] ?? unknown('nothing-found', { detail });
  };
}
