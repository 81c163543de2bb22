import type { OsFamily } from '@vigie/common';
import type { Probe, ProbeCommand } from '../types.js';
import { linuxProbes, type LinuxProbeOptions } from './linux.js';
import { macosProbes } from './macos.js';
import { windowsProbes, type WindowsProbeOptions } from './windows.js';

export type ProbeOptions = LinuxProbeOptions & WindowsProbeOptions;

/** The probes of one OS: one per check (backup-recency comes from the backup service, not a command). */
export function probesFor(os: OsFamily, options: ProbeOptions = {}): Probe[] {
  if (os === 'linux') return linuxProbes(options);
  if (os === 'macos') return macosProbes();
  return windowsProbes(options);
}

export interface RegisteredParser {
  parserId: string;
  os: OsFamily;
  check: Probe['check'];
  parse: ProbeCommand['parse'];
}

/** Every parser of every OS by id (fixture tests and the benchmark use it). */
export function parserRegistry(): Map<string, RegisteredParser> {
  const map = new Map<string, RegisteredParser>();
  for (const os of ['linux', 'macos', 'windows'] as const) {
    for (const probe of probesFor(os)) {
      for (const c of probe.commands) {
        if (!map.has(c.parserId)) map.set(c.parserId, { parserId: c.parserId, os, check: probe.check, parse: c.parse });
      }
    }
  }
  return map;
}
