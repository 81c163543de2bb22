/**
 * Global setup of the vitest project `hub-postgres`: one throwaway Postgres cluster and one
 * throwaway redis-server for the whole run (store/pg-cluster.ts, store/redis-server.ts), stopped and
 * removed at the end; tests get their URLs through `inject('vigiePostgresUrl')` and
 * `inject('vigieRedisUrl')` (store.ts): one database and one Redis key prefix per data folder.
 */
import type { TestProject } from 'vitest/node';
import { startPgCluster } from '../store/pg-cluster.js';
import { startRedisServer } from '../store/redis-server.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [cluster, redis] = await Promise.all([startPgCluster(), startRedisServer()]);
  project.provide('vigiePostgresUrl', cluster.adminUrl);
  project.provide('vigieRedisUrl', redis.url);
  return async () => {
    await Promise.all([cluster.stop(), redis.stop()]);
  };
}
