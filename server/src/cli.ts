/**
 * Hub administration (the only way to create technicians: there is no web setup page).
 *   npm run hub:cli -- <command>
 * Uses the same data folder and configuration as the hub (VIGIE_DATA_DIR, <dataDir>/hub.json).
 */
import { isIP } from 'node:net';
import { createInterface } from 'node:readline';
import qrcode from 'qrcode-terminal';
import { TechnicianRole, VigieError } from '@vigie/common';
import { takeFlag, takeOption } from './cli-args.js';
import { loadConfig, ConfigError } from './config.js';
import { HubKeyError, loadOrCreateHubKey } from './hub-key.js';
import { createServices, prepareServices, type Services } from './services/index.js';
import { openHubStore } from './store/db.js';
import { withMigrationLock } from './store/dialect.js';
import { createUpdatesService, migrateUpdates, runUpdatesCommand } from './updates/index.js';
import { migrateSettings, runSettingsCommand, SettingsService, SETTINGS_CLI_HELP } from './settings/index.js';
import { createReceiptService, migrateReceipts, RECEIPTS_CLI_HELP, runReceiptsCommand } from './receipts/index.js';
import { migrateScreen } from './screen/index.js';

const USAGE = `Vigie hub — administration

  practice add <name> [--ttl-hours N]      create a practice, print its enrollment code
                                           (valid enroll.codeTtlHours, default 7 days, or N hours)
  practice list                            practices, codes, code expiry and device counts
  practice rotate-code <id|name> [--ttl-hours N]
                                           new enrollment code; the old one stops working at once
  user add <login> --name "Full Name" [--role technician|supervisor|admin]
           [--password-stdin]              password from stdin (or VIGIE_PASSWORD, or asked)
  user list                                technicians
  user reset-totp <login>                  new TOTP secret (ends the user's sessions)
  device list [--all]                      enrolled devices (--all: include revoked)
  device revoke <id>                       revoke a device token now
  lockout clear --login <login>            end a login lock-out (the login and its known browsers)
  lockout clear --ip <address>             end the lock-out of a client IP (IPv6: its /64);
                                           a running hub applies it at its next login attempt
  audit verify [--checkpoints <file>]      check the keyed audit chain and the signed checkpoints
                                           (default: the hub's checkpoint file; a copy or the hub's
                                           log lines work too); exit 2 when it does not hold
  audit checkpoint                         export a signed checkpoint of the chain's head now
  updates publish|rollout|halt|promote|list|status …
                                           update feed of the Vigie app (see "updates help",
                                           docs/releasing.md; npm run release:publish = updates publish)
${SETTINGS_CLI_HELP}
${RECEIPTS_CLI_HELP}

Options: --data-dir <dir> (default VIGIE_DATA_DIR or ./.vigie-data)`;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  readPassword: (prompt: string) => Promise<string>;
  readStdin: () => Promise<string>;
}

/** `--ttl-hours N` (a positive number of hours) when given. */
function takeHours(args: string[]): number | undefined {
  const v = takeOption(args, '--ttl-hours');
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new VigieError('BAD_REQUEST', '--ttl-hours needs a positive number of hours');
  return n;
}

function table(rows: Array<Record<string, string | number>>): string {
  if (rows.length === 0) return '(none)';
  const cols = Object.keys(rows[0]!);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => String(r[c]))))].join('\n');
}

function qr(text: string): Promise<string> {
  return new Promise((resolve) => qrcode.generate(text, { small: true }, (s) => resolve(s)));
}

/** Runs one CLI command; returns the exit code. Exported for tests. */
export async function runCli(argv: string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = [...argv];
  const dataDir = takeOption(args, '--data-dir');
  const [group, cmd, ...rest] = args;
  if (!group || group === 'help' || group === '--help' || group === '-h') {
    io.out(USAGE);
    return group ? 0 : 1;
  }
  const cfg = loadConfig({ dataDir, env });
  const key = loadOrCreateHubKey(cfg.keyFile);
  const db = await openHubStore(cfg, { poolSize: 2 });
  const s: Services = createServices(db, cfg, key);
  try {
    await prepareServices(s, key);
    if (group === 'updates') {
      await withMigrationLock(db, migrateUpdates);
      const updates = createUpdatesService({ db, dataDir: cfg.dataDir, artifactsDir: cfg.artifactsDir, audit: (ev) => s.audit.append(ev) });
      return await runUpdatesCommand(cmd === undefined ? [] : [cmd, ...rest], { updates, out: io.out, err: io.err });
    }
    if (group === 'receipt' || (group === 'user' && cmd === 'photo')) {
      await withMigrationLock(db, async (conn) => {
        await migrateScreen(conn);
        await migrateSettings(conn);
        await migrateReceipts(conn);
      });
      const settings = new SettingsService(db, s.audit);
      const receipts = createReceiptService({
        db,
        audit: s.audit,
        key,
        timeZone: () => settings.timeZone(),
      });
      return await runReceiptsCommand(args, { db, audit: s.audit, key, receipts, out: io.out, err: io.err });
    }
    if (group === 'settings') {
      await withMigrationLock(db, migrateSettings);
      return await runSettingsCommand(cmd === undefined ? [] : [cmd, ...rest], { settings: new SettingsService(db, s.audit), out: io.out });
    }
    return await runCommand(s, `${group} ${cmd ?? ''}`.trim(), rest, io, env);
  } finally {
    await db.destroy();
  }
}

async function runCommand(s: Services, command: string, rest: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  switch (command) {
    case 'practice add': {
      const ttlHours = takeHours(rest);
      const name = rest.join(' ').trim();
      if (!name) throw new VigieError('BAD_REQUEST', 'usage: practice add <name> [--ttl-hours N]');
      const p = await s.devices.createPractice(name, { type: 'cli' }, { ttlHours });
      io.out(`Practice "${p.name}" created (id ${p.id}).\nEnrollment code: ${p.enrollmentCode}\nValid until: ${p.enrollmentCodeExpiresAt}`);
      return 0;
    }
    case 'practice list': {
      const list = await s.devices.listPractices();
      const now = Date.now();
      io.out(
        table(
          list.map((p) => ({
            id: p.id,
            name: p.name,
            code: p.enrollmentCode,
            codeValidUntil: Date.parse(p.enrollmentCodeExpiresAt) > now ? p.enrollmentCodeExpiresAt : 'expired (practice rotate-code)',
            devices: p.devices,
          })),
        ),
      );
      return 0;
    }
    case 'practice rotate-code': {
      const ttlHours = takeHours(rest);
      const id = rest.join(' ').trim();
      if (!id) throw new VigieError('BAD_REQUEST', 'usage: practice rotate-code <practice-id|name> [--ttl-hours N]');
      const p = await s.devices.rotateEnrollmentCode(id, { type: 'cli' }, { ttlHours });
      io.out(
        `New enrollment code for "${p.name}": ${p.enrollmentCode} (the previous one no longer works).\nValid until: ${p.enrollmentCodeExpiresAt}`,
      );
      return 0;
    }
    case 'lockout clear': {
      const login = takeOption(rest, '--login');
      const ip = takeOption(rest, '--ip');
      if ((login === undefined) === (ip === undefined) || rest.length > 0)
        throw new VigieError('BAD_REQUEST', 'usage: lockout clear --login <login> | --ip <address>');
      if (ip !== undefined && isIP(ip) === 0) throw new VigieError('BAD_REQUEST', `not an IP address: ${ip}`);
      await s.auth.guard.requestClear(login !== undefined ? { login } : { ip: ip! }, { type: 'cli' });
      io.out(
        `Lock-out of ${login !== undefined ? `login ${login}` : `IP ${ip}`} cleared (a running hub applies it at its next login attempt).`,
      );
      return 0;
    }
    case 'user add': {
      const passwordStdin = takeFlag(rest, '--password-stdin');
      const displayName = takeOption(rest, '--name');
      const role = TechnicianRole.parse(takeOption(rest, '--role') ?? 'technician');
      const login = rest[0];
      if (!login || !displayName || rest.length > 1)
        throw new VigieError(
          'BAD_REQUEST',
          'usage: user add <login> --name "Full Name" [--role technician|supervisor|admin] [--password-stdin]',
        );
      let password: string;
      if (passwordStdin) password = (await io.readStdin()).replace(/\r?\n$/, '');
      else if (env.VIGIE_PASSWORD) password = env.VIGIE_PASSWORD;
      else {
        password = await io.readPassword('Password (12+ characters): ');
        const again = await io.readPassword('Again: ');
        if (again !== password) throw new VigieError('BAD_REQUEST', 'the two passwords differ');
      }
      const t = await s.auth.addTechnician({ login, displayName, password, role });
      io.out(`Technician ${t.login} created (id ${t.id}, role ${role}).`);
      io.out(`Scan this in an authenticator app (or enter the secret ${t.totpSecret}):\n${t.otpauthUri}\n${await qr(t.otpauthUri)}`);
      return 0;
    }
    case 'user list': {
      const list = await s.auth.listTechnicians();
      io.out(
        table(
          list.map((t) => ({
            id: t.id,
            login: t.login,
            name: t.displayName,
            role: t.role,
            created: t.createdAt,
            disabled: t.disabled ? 'yes' : '',
          })),
        ),
      );
      return 0;
    }
    case 'user reset-totp': {
      const login = rest[0];
      if (!login) throw new VigieError('BAD_REQUEST', 'usage: user reset-totp <login>');
      const r = await s.auth.resetTotp(login);
      io.out(`New TOTP for ${login} (their sessions were ended):\n${r.otpauthUri}\n${await qr(r.otpauthUri)}`);
      return 0;
    }
    case 'device list': {
      const all = takeFlag(rest, '--all');
      const list = await s.devices.list(() => false, { includeRevoked: all });
      io.out(
        table(
          list.map((d) => ({
            id: d.id,
            practice: d.practiceName,
            name: d.name,
            os: `${d.os} ${d.osVersion}`,
            app: d.appVersion,
            lastSeen: d.lastSeenAt ?? '',
            revoked: d.revoked ? 'yes' : '',
          })),
        ),
      );
      return 0;
    }
    case 'device revoke': {
      const id = rest[0];
      if (!id) throw new VigieError('BAD_REQUEST', 'usage: device revoke <id>');
      await s.devices.revoke(id);
      io.out(`Device ${id} revoked. A running hub disconnects it within 30 seconds.`);
      return 0;
    }
    case 'audit verify': {
      const file = takeOption(rest, '--checkpoints');
      const r = await s.audit.verify(file ? { checkpointFile: file } : {});
      if (!r.ok) {
        io.err(`AUDIT LOG BROKEN${r.brokenAt ? ` at entry ${r.brokenAt}` : ''}: ${r.reason} (${r.count} entries verified before it).`);
        return 2;
      }
      io.out(`Audit log intact: ${r.count} entries, chain verified with the hub key.`);
      if (r.legacy) io.out(`${r.legacy} entries predate the hub key (SHA-256 chain, anchored by the first keyed entry).`);
      const cp = r.checkpoints;
      if (cp?.latest)
        io.out(`${cp.count} signed checkpoint(s) in ${cp.file} all match; the latest (${cp.latest.at}) names entry ${cp.latest.seq}.`);
      else io.out(`No signed checkpoint in ${cp?.file ?? 'the checkpoint file'}: a cut at the end of the log could not be seen.`);
      return 0;
    }
    case 'audit checkpoint': {
      const cp = await s.audit.checkpoint({ force: true });
      if (cp) io.out(`Checkpoint: entry ${cp.seq}, hash ${cp.hash}, ${cp.at} (appended to the checkpoint file).\n${JSON.stringify(cp)}`);
      else io.out('The audit log is empty: nothing to checkpoint.');
      return 0;
    }
    default:
      io.err(`unknown command "${command}"\n\n${USAGE}`);
      return 1;
  }
}

function readPasswordTty(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!process.stdin.isTTY) {
      reject(new VigieError('BAD_REQUEST', 'no terminal to ask the password: use --password-stdin or VIGIE_PASSWORD'));
      return;
    }
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const rlAny = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
    let muted = false;
    rlAny._writeToOutput = (s: string) => {
      if (!muted) process.stdout.write(s);
    };
    rl.question(prompt, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  runCli(process.argv.slice(2), {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
    readPassword: readPasswordTty,
    readStdin: readAllStdin,
  }).then(
    (code) => process.exit(code),
    (e: unknown) => {
      const msg =
        e instanceof VigieError || e instanceof ConfigError || e instanceof HubKeyError
          ? e.message
          : e instanceof Error
            ? (e.stack ?? e.message)
            : String(e);
      process.stderr.write(`vigie: ${msg}\n`);
      process.exit(1);
    },
  );
}
