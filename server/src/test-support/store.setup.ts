/**
 * Global setup of the vitest project `hub-postgres`: one throwaway Postgres cluster for the whole
 * run (store/pg-cluster.ts), stopped and removed at the end; tests get its admin URL through
 * `inject('vigiePostgresUrl')` (store.ts) and one database per data folder.
 */
import type { TestProject } from 'vitest/node';
import { startPgCluster } from '../store/pg-cluster.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPgCluster();
  project.provide('vigiePostgresUrl', cluster.adminUrl);
  return () => cluster.stop();
}
