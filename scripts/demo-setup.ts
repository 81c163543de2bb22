/**
 * What `npm run demo` and `npm run demo:cluster` share: the renderer and console built, a demo
 * practice and technician on the hub, the practitioner app (Electron when installed, otherwise the
 * browser host) enrolled through the hub's URL, the printed instructions, Ctrl-C handling.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import qrcode from 'qrcode-terminal';
import type { HubAdmin } from '../server/src/app.js';
import { totpNow } from '../server/src/test-support/sockets.js';
import { startHost } from '../main/host/server.js';

export const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  if (!statSync(dir).isDirectory()) return statSync(dir).mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export function ensureBuilt(): void {
  const outputs = [join(root, 'out/renderer/index.html'), join(root, 'console/dist/index.html')];
  const built = Math.min(...outputs.map((f) => (existsSync(f) ? statSync(f).mtimeMs : 0)));
  const sources = Math.max(
    ...['common/src', 'renderer', 'console/src', 'console/index.html', 'main', 'preload'].map((d) => newestMtime(join(root, d))),
  );
  if (built > sources) return;
  process.stdout.write('Construction de l’application et de la console…\n');
  const r = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write('La construction a échoué (voir ci-dessus).\n');
    process.exit(1);
  }
}

function electronBinary(): string | null {
  try {
    const p = join(root, 'node_modules/electron/path.txt');
    if (!existsSync(p)) return null;
    const bin = join(root, 'node_modules/electron/dist', readFileSync(p, 'utf8').trim());
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

/** A small practice folder for the backup demo (made-up names, nothing real). */
function writeDemoDocuments(dir: string): void {
  const files: Record<string, string> = {
    'Compte rendu - Mme Durand.txt': 'Consultation du 12 mars : tension 12/8, revoir dans 3 mois.\n',
    'Ordonnances/Ordonnance Dupont 2025-03-12.txt': 'Paracétamol 1 g, 3 fois par jour pendant 5 jours.\n',
    'Courriers/Lettre au Dr Petit [urgent].txt': 'Cher confrère, je vous adresse Mme Durand pour avis.\n',
    'Planning de la semaine.csv': 'jour;matin;après-midi\nlundi;consultations;visites\n',
  };
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
}

export interface DemoOptions {
  /** Where clients connect: the hub, or the load balancer in front of the nodes. */
  hubUrl: string;
  admin: Pick<HubAdmin, 'createPractice' | 'addTechnician'>;
  /** The demo's data folder (the app's data and the practice documents go in it). */
  dataDir: string;
  appPort: number;
  title: string;
  /** More lines for the banner (the cluster's parts). */
  lines?: string[];
  /** Stops what the caller started (hub or cluster), after the app. */
  stop: () => Promise<void>;
}

/** Seeds the demo practice and technician, starts the practitioner app, prints how to use it; Ctrl-C stops everything. */
export async function runDemo(opts: DemoOptions): Promise<void> {
  const { hubUrl, dataDir } = opts;
  const practice = await opts.admin.createPractice({ name: 'Cabinet médical des Tilleuls' });
  const password = randomBytes(9).toString('base64url');
  const tech = await opts.admin.addTechnician({ login: 'julie', displayName: 'Julie Martin', password, role: 'admin' });

  // Backups: this folder, into a restic repository in the app's data folder, backed up once at start.
  const demoDocs = join(dataDir, 'Documents du cabinet');
  writeDemoDocuments(demoDocs);

  let electron: ChildProcess | null = null;
  let host: Awaited<ReturnType<typeof startHost>> | null = null;
  const bin = electronBinary();
  if (bin) {
    electron = spawn(bin, [root], {
      stdio: 'inherit',
      env: {
        ...process.env,
        VIGIE_HUB_URL: hubUrl,
        VIGIE_ENROLL_CODE: practice.enrollmentCode,
        VIGIE_DATA_DIR: join(dataDir, 'app'),
        VIGIE_BACKUP_FOLDERS: demoDocs,
      },
    });
  } else {
    host = await startHost({
      hubUrl,
      dataDir: join(dataDir, 'app'),
      port: opts.appPort,
      enrollCode: practice.enrollmentCode,
      deviceName: 'Accueil — poste 1',
      logLevel: 'warn',
      backup: { folders: [demoDocs] },
    });
    const run = await host.backup?.service.runBackup('manual');
    if (run?.outcome !== 'ok') process.stderr.write(`Première sauvegarde : ${run?.error?.message ?? 'sauvegardes désactivées'}\n`);
  }

  const line = '─'.repeat(72);
  process.stdout.write(`\n${line}\n ${opts.title}\n${line}\n`);
  process.stdout.write(` Console technicien : ${hubUrl}/\n`);
  process.stdout.write(
    `   identifiant      : ${tech.login}\n   mot de passe     : ${password}\n   secret TOTP      : ${tech.totpSecret}\n`,
  );
  process.stdout.write(`   (Entrée : affiche le code à 6 chiffres du moment — ou scannez le QR code ci-dessous)\n`);
  qrcode.generate(tech.otpauthUri, { small: true }, (qr: string) => process.stdout.write(qr + '\n'));
  process.stdout.write(` Cabinet            : ${practice.name} (code d’enrôlement ${practice.enrollmentCode})\n`);
  if (host) process.stdout.write(` Poste praticien    : ${host.url}\n   (navigateur : Electron n’est pas installé sur cette machine)\n`);
  else process.stdout.write(' Poste praticien    : application Electron lancée (icône dans la barre des tâches)\n');
  process.stdout.write(` Sauvegardes        : « ${demoDocs} » (supprimez un fichier, puis onglet Sauvegardes → Récupérer un fichier)\n`);
  for (const l of opts.lines ?? []) process.stdout.write(` ${l}\n`);
  process.stdout.write(`${line}\n Ctrl-C pour tout arrêter.\n\n`);

  const rl = createInterface({ input: process.stdin });
  rl.on('line', () => process.stdout.write(`Code TOTP : ${totpNow(tech.totpSecret)}\n`));

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nArrêt…\n');
    rl.close();
    electron?.kill('SIGTERM');
    await host?.close().catch(() => undefined);
    await opts.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  electron?.on('exit', () => void stop());
}
