/**
 * Security health (issue 4). Public API of the capability:
 * - `HealthService` (service.ts): scan(), start()/stop(), latest(), history(), summary(),
 *   ipcHandlers() for health:getReport / health:scan / health:history, and the `report` event.
 * - `createNodeHealthService` (node.ts): the service wired with the real machine.
 * - Ports (types.ts): CommandRunner, BackupSummaryProvider; the Clock of @vigie/common; HealthStore (store.ts).
 * - Probes per OS (probes/) with pure parsers (parsers/), the end-of-life table (parsers/eol.ts).
 * Contract, score, tray colour and texts: common/src/health.ts.
 */
export { HealthService, SCAN_INTERVAL_MS, type HealthServiceOptions, type ScanTrigger } from './service.js';
export { createNodeHealthService, currentOsFamily, type NodeHealthOptions } from './node.js';
export { NodeCommandRunner, type NodeCommandRunnerOptions } from './runner-node.js';
export { JsonHealthStore, HealthState, type HealthStore } from './store.js';
export { probesFor, parserRegistry, type ProbeOptions } from './probes/index.js';
export { runChecks, judgeBackup } from './scan.js';
export type { BackupSummaryProvider, CommandOutput, CommandRunner, CommandSpec, Finding, Parser, ParserInput, Probe } from './types.js';
export {
  HealthCapability,
  createNodeHealthCapability,
  type HealthCapabilityOptions,
  type HealthHub,
  type NodeHealthCapabilityOptions,
} from './capability.js';
