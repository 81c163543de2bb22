import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startHost } from './server.js';

/**
 * npm run host -- [--hub URL] [--data DIR] [--port N] [--code CODE] [--name NAME]
 * (or VIGIE_HUB_URL, VIGIE_DATA_DIR, VIGIE_HOST_PORT, VIGIE_ENROLL_CODE, VIGIE_DEVICE_NAME).
 * Prints the page URL (it carries the per-launch secret: open it as is).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      hub: { type: 'string' },
      data: { type: 'string' },
      port: { type: 'string' },
      code: { type: 'string' },
      name: { type: 'string' },
      'log-level': { type: 'string' },
    },
  });
  const env = process.env;
  const port = Number(values.port ?? env.VIGIE_HOST_PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${values.port ?? env.VIGIE_HOST_PORT}`);
  const level = values['log-level'] ?? env.VIGIE_LOG_LEVEL ?? 'info';
  const host = await startHost({
    hubUrl: values.hub ?? env.VIGIE_HUB_URL ?? 'http://127.0.0.1:8750',
    dataDir: resolve(values.data ?? env.VIGIE_DATA_DIR ?? '.vigie-data/host'),
    port,
    ...((values.code ?? env.VIGIE_ENROLL_CODE) ? { enrollCode: values.code ?? env.VIGIE_ENROLL_CODE } : {}),
    ...((values.name ?? env.VIGIE_DEVICE_NAME) ? { deviceName: values.name ?? env.VIGIE_DEVICE_NAME } : {}),
    logLevel: (['debug', 'info', 'warn', 'error', 'silent'].includes(level) ? level : 'info') as 'info',
  });
  process.stdout.write(`\nVigie (poste praticien, navigateur) : ${host.url}\n\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    host.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`host failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
