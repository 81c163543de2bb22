import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { UPDATE_PLATFORMS, UpdateChannel, UpdatePlatform, VigieError, type ChannelState } from '@vigie/common';
import { readBuildOutput } from './build-output.js';
import type { UpdateActor, UpdatesService } from './service.js';

export interface UpdatesCliContext {
  updates: UpdatesService;
  out?: (line: string) => void;
  err?: (line: string) => void;
  /** Recorded in the audit log; defaults to the hub CLI with the OS user name when known. */
  actor?: UpdateActor;
}

export const UPDATES_CLI_HELP = `Mises à jour de l'application Vigie (flux du hub)

  updates publish --platform mac|win --channel pilot|stable --percent N --dir <sortie electron-builder> [--dir …] [--notes fichier.txt]
      Copie et vérifie (taille, sha512) installateurs et blockmaps, puis publie le fichier de flux en dernier.
      macOS : les deux architectures (arm64 et x64) doivent être fournies, en un ou deux dossiers --dir.
  updates rollout --platform mac|win --channel pilot|stable --percent N
      Élargit (ou réduit) la part des appareils qui reçoivent la version en cours du canal.
  updates halt --channel pilot|stable [--platform mac|win]
      Suspend immédiatement la diffusion (0 %) : aucun appareil qui ne l'a pas encore installée ne la prendra.
  updates promote --version X.Y.Z --platform mac|win --channel stable --percent N
      Propose sur un canal une version déjà publiée sur le hub (ex. : du pilote vers stable).
  updates status   (ou : updates list)
      Canaux, versions publiées et nombre d'appareils par version.
`;

function percentOf(v: string | undefined): number {
  if (v === undefined) throw new VigieError('BAD_REQUEST', 'Indiquez --percent (0 à 100).');
  const n = Number(v.replace(/%$/, ''));
  if (!Number.isInteger(n) || n < 0 || n > 100)
    throw new VigieError('BAD_REQUEST', `--percent doit être un entier de 0 à 100 (reçu « ${v} »).`);
  return n;
}

function enumOf<T extends string>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
  v: string | undefined,
  flag: string,
  allowed: readonly string[],
): T {
  const r = schema.safeParse(v);
  if (!r.success)
    throw new VigieError('BAD_REQUEST', `--${flag} doit valoir ${allowed.join(' ou ')}${v === undefined ? '' : ` (reçu « ${v} »)`}.`);
  return r.data;
}

const fmtState = (s: ChannelState) =>
  `${s.channel.padEnd(7)} ${s.platform.padEnd(4)} ${s.version.padEnd(16)} ${s.halted ? 'SUSPENDUE (0 %)' : `${s.stagingPercentage} %`}  (${s.updatedAt})`;

/**
 * Runs `updates <command> …` for the hub CLI. Returns the process exit code; prints results on
 * `out` and plain-language errors on `err`. Never throws.
 */
export async function runUpdatesCommand(argv: string[], ctx: UpdatesCliContext): Promise<number> {
  const out = ctx.out ?? ((l: string) => process.stdout.write(l + '\n'));
  const errOut = ctx.err ?? ((l: string) => process.stderr.write(l + '\n'));
  const actor: UpdateActor = ctx.actor ?? { type: 'cli', id: process.env.SUDO_USER || process.env.USER || null };
  const [cmd, ...rest] = argv;
  try {
    const { values } = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: false,
      options: {
        platform: { type: 'string' },
        channel: { type: 'string' },
        percent: { type: 'string' },
        dir: { type: 'string', multiple: true },
        notes: { type: 'string' },
        version: { type: 'string' },
      },
    });
    const { updates } = ctx;
    switch (cmd) {
      case 'publish': {
        const platform = enumOf(UpdatePlatform, values.platform, 'platform', UPDATE_PLATFORMS);
        const channel = enumOf(UpdateChannel, values.channel, 'channel', UpdateChannel.options);
        const stagingPercentage = percentOf(values.percent);
        const build = await readBuildOutput(values.dir ?? [], platform);
        const releaseNotes = values.notes ? await readFile(values.notes, 'utf8') : undefined;
        const r = await updates.publish(
          { platform, channel, stagingPercentage, ...build, ...(releaseNotes ? { releaseNotes } : {}) },
          actor,
        );
        out(`Publié : ${r.release.version} (${platform}) sur le canal ${channel} à ${stagingPercentage} %.`);
        for (const f of r.release.files)
          out(`  ${f.name}  ${f.size} octets${r.reused.includes(f.name) ? '  (déjà présent, identique)' : ''}`);
        out(fmtState(r.channel));
        return 0;
      }
      case 'rollout': {
        const platform = enumOf(UpdatePlatform, values.platform, 'platform', UPDATE_PLATFORMS);
        const channel = enumOf(UpdateChannel, values.channel, 'channel', UpdateChannel.options);
        const s = await updates.setRollout({ channel, platform, stagingPercentage: percentOf(values.percent) }, actor);
        out(fmtState(s));
        return 0;
      }
      case 'halt': {
        const channel = enumOf(UpdateChannel, values.channel, 'channel', UpdateChannel.options);
        const platforms = values.platform
          ? [enumOf(UpdatePlatform, values.platform, 'platform', UPDATE_PLATFORMS)]
          : (await updates.channelStates()).filter((s) => s.channel === channel).map((s) => s.platform);
        if (platforms.length === 0) throw new VigieError('NOT_FOUND', `Aucune version publiée sur le canal ${channel}.`);
        for (const p of platforms) out(fmtState(await updates.halt(channel, p, actor)));
        return 0;
      }
      case 'promote': {
        const platform = enumOf(UpdatePlatform, values.platform, 'platform', UPDATE_PLATFORMS);
        const channel = enumOf(UpdateChannel, values.channel, 'channel', UpdateChannel.options);
        const s = await updates.promote(
          { version: values.version ?? '', platform, channel, stagingPercentage: percentOf(values.percent) },
          actor,
        );
        out(fmtState(s));
        return 0;
      }
      case 'list':
      case 'status': {
        const o = await updates.overview();
        out('Canaux :');
        if (o.channels.length === 0) out('  (aucune version publiée)');
        for (const s of o.channels) out(`  ${fmtState(s)}`);
        out('Versions publiées :');
        for (const r of o.releases.slice(0, 20))
          out(`  ${r.version.padEnd(16)} ${r.platform.padEnd(4)} ${r.publishedAt}  ${r.files.map((f) => f.name).join(', ')}`);
        out('Appareils par version :');
        if (o.versions.length === 0) out('  (aucun appareil)');
        for (const v of o.versions) out(`  ${v.appVersion.padEnd(16)} ${v.os.padEnd(8)} ${v.devices}`);
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
        out(UPDATES_CLI_HELP);
        return cmd === undefined ? 1 : 0;
      default:
        errOut(`Commande inconnue : updates ${cmd}\n`);
        errOut(UPDATES_CLI_HELP);
        return 1;
    }
  } catch (e) {
    if (e instanceof VigieError) {
      errOut(`Erreur : ${e.message}`);
      const issues = (e.details?.issues as Array<{ path: string; message: string }> | undefined) ?? [];
      for (const i of issues.slice(1)) errOut(`  ${i.path || 'entrée'} : ${i.message}`);
      return 2;
    }
    if (e instanceof TypeError && (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      errOut(`Erreur : ${e.message}`);
      errOut(UPDATES_CLI_HELP);
      return 2;
    }
    errOut(`Erreur inattendue : ${(e as Error).message ?? String(e)}`);
    return 3;
  }
}
