/**
 * `npm run demo:cluster`: the same demo as `npm run demo` (scripts/demo-setup.ts), on a cluster on
 * loopback: a throwaway Postgres, Redis and coturn, HAProxy and two hub nodes (server/src/cluster),
 * the console and the practitioner app pointing at the balancer. Kill a node (`kill -9 <pid>`,
 * printed) and watch the app and the console carry on through the other one.
 * The bootstrap (`node scripts/bootstrap.mjs --cluster`) installs postgresql, redis-server, haproxy
 * and coturn (Debian, as root); elsewhere it says what to install.
 * Options (environment): VIGIE_DEMO_PORT (balancer, default 8750), VIGIE_DEMO_APP_PORT (browser host, default 8751).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createHub } from '../server/src/app.js';
import { startCluster } from '../server/src/cluster/cluster.js';
import { ensureBuilt, root, runDemo } from './demo-setup.js';

const dataDir = join(root, '.demo-cluster-data');
const port = Number(process.env.VIGIE_DEMO_PORT ?? 8750);
const appPort = Number(process.env.VIGIE_DEMO_APP_PORT ?? 8751);

async function main(): Promise<void> {
  ensureBuilt();
  rmSync(dataDir, { recursive: true, force: true });
  process.stdout.write('Démarrage de Postgres, Redis, coturn, HAProxy et de deux nœuds du hub…\n');
  // Health checks every second, as a provider would (the tests use 200 ms).
  const cluster = await startCluster({
    nodes: 2,
    port,
    dir: join(dataDir, 'cluster'),
    turn: true,
    checkIntervalMs: 1000,
    logLevel: 'warn',
  });
  // Seeding through a hub in this process on the same database and key (it closes right after).
  const seed = await createHub({
    dataDir: join(dataDir, 'seed'),
    port: 0,
    host: '127.0.0.1',
    logLevel: 'warn',
    env: {},
    databaseUrl: cluster.databaseUrl,
    keyFile: cluster.keyFile,
    artifactsDir: cluster.artifactsDir,
  });
  try {
    await runDemo({
      hubUrl: cluster.url,
      admin: seed.admin,
      dataDir,
      appPort,
      title: 'Vigie — démonstration en grappe (deux nœuds derrière HAProxy)',
      lines: [
        `Répartiteur        : HAProxy sur ${cluster.url} (contrôle /healthz, WebSocket)`,
        ...cluster.nodes.map(
          (n) => `${`Nœud ${n.name}`.padEnd(19)}: ${n.url} (pid ${n.pid ?? '—'} : « kill -9 ${n.pid ?? ''} » pour voir la bascule)`,
        ),
        `Données partagées  : Postgres, Redis${cluster.turn ? `, coturn (${cluster.turn.urls[0]})` : ''}, mises à jour dans ${cluster.artifactsDir}`,
      ],
      stop: () => cluster.stop(),
    });
  } finally {
    await seed.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`La démonstration n’a pas pu démarrer : ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
