import { createHub } from './app.js';
import { ConfigError } from './config.js';

/**
 * `npm run hub`: one hub process, configured from VIGIE_* and <dataDir>/hub.json. SIGTERM drains
 * first (drainSeconds: /healthz 503 until the load balancer took the node out, then the clients'
 * connections are closed so they reconnect to another node), then stops; SIGINT stops at once.
 */
async function main(): Promise<void> {
  const hub = await createHub();
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    hub.log.info({ signal }, 'stopping');
    const drainMs = signal === 'SIGTERM' ? hub.config.drainSeconds * 1000 : 0;
    const force = setTimeout(() => process.exit(1), drainMs + 10_000);
    force.unref();
    (drainMs > 0 ? hub.drain() : Promise.resolve())
      .then(() => hub.close())
      .then(
        () => process.exit(0),
        (e: unknown) => {
          hub.log.error({ err: e }, 'stop failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  process.stderr.write(`vigie hub: ${e instanceof ConfigError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
