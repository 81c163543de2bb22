import { createHash } from 'node:crypto';
import { lstat, mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VigieError, type Locale, type ReceiptFile, type Result } from '@vigie/common';
import type { Shell } from '../backup/ports.js';
import type { Capability, CapabilityContext } from '../app.js';
import type { IpcHandlers } from '../ipc.js';

/** The part of the hub connection the capability uses (HubConnection in the app). */
export type InterventionsHub = Pick<CapabilityContext['hub'], 'emitAck'>;

export interface InterventionsCapabilityOptions {
  /** Where receipts are saved: the practice's register (Electron: Documents/Vigie/Interventions). */
  folder: string;
  /** Opens a saved receipt or the folder (the system's PDF viewer, the file manager). */
  shell: Shell;
  /** The app's language: the PDF is fetched in it. */
  locale: () => Locale;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** The hub answers its own Result; a refusal becomes the same error here. */
function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw new VigieError(r.error.code, r.error.message, r.error.details);
  return r.data;
}

/**
 * « Mes interventions »: the closed interventions on this computer and their receipts, from the
 * hub (which checks the request is this device's). A receipt is saved in the receipts folder —
 * the PDF in the app's language and the signed JSON beside it, each under the hub's file name;
 * the same file already there is reused, another file of that name is never replaced (a numbered
 * name is taken) — then opened with the system's viewer.
 */
export class InterventionsCapability implements Capability {
  readonly name = 'interventions';
  readonly handlers: IpcHandlers;
  private hub: InterventionsHub | null = null;

  constructor(private readonly o: InterventionsCapabilityOptions) {
    this.handlers = {
      'interventions:list': async (input) => unwrap(await this.connected().emitAck('intervention:list', input)),
      'interventions:open': async ({ requestId }) => {
        const hub = this.connected();
        const pdf = unwrap(await hub.emitAck('intervention:receipt', { requestId, format: 'pdf', locale: this.o.locale() }, 30_000));
        const json = unwrap(await hub.emitAck('intervention:receipt', { requestId, format: 'json' }, 30_000));
        const path = await this.save(pdf);
        const jsonPath = await this.save(json);
        const opened = (await this.o.shell.openPath(path)) === '';
        return { path, jsonPath, opened };
      },
      'interventions:openFolder': async () => {
        await mkdir(this.o.folder, { recursive: true, mode: 0o700 });
        const opened = (await this.o.shell.openPath(this.o.folder)) === '';
        return { path: this.o.folder, opened };
      },
      'interventions:technicianPhoto': async ({ sessionId }) => {
        const photo = unwrap(await this.connected().emitAck('technician:photo', { sessionId }));
        return { dataUrl: photo ? `data:${photo.mimeType};base64,${photo.base64}` : null };
      },
    };
  }

  start(ctx: Pick<CapabilityContext, 'hub'>): void {
    this.hub = ctx.hub;
  }

  stop(): void {
    this.hub = null;
  }

  private connected(): InterventionsHub {
    if (!this.hub) throw new VigieError('UNAVAILABLE', 'Les reçus d’intervention ne sont pas disponibles pour l’instant.');
    return this.hub;
  }

  /**
   * Writes the file under the hub's name in the folder, checked against the hub's digest. A
   * regular file with the same bytes is reused; anything else of that name (another file, a link,
   * a folder) is left alone and `name (2).ext`, `name (3).ext`… is used instead. Created with O_EXCL:
   * never written through a link, never over a file.
   */
  private async save(file: ReceiptFile): Promise<string> {
    const bytes = Buffer.from(file.base64, 'base64');
    if (sha256(bytes) !== file.sha256) throw new VigieError('INTERNAL', 'Le reçu reçu du serveur est incomplet. Réessayez.');
    await mkdir(this.o.folder, { recursive: true, mode: 0o700 });
    const dot = file.fileName.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [file.fileName.slice(0, dot), file.fileName.slice(dot)] : [file.fileName, ''];
    for (let n = 1; n <= 100; n++) {
      const path = join(this.o.folder, n === 1 ? file.fileName : `${stem} (${n})${ext}`);
      const existing = await lstat(path).catch(() => null);
      if (existing) {
        if (existing.isFile() && sha256(await readFile(path)) === file.sha256) return path;
        continue;
      }
      let fh;
      try {
        fh = await open(path, 'wx', 0o600);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw e;
      }
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      return path;
    }
    throw new VigieError('CONFLICT', 'Trop de fichiers du même nom dans le dossier des reçus.');
  }
}

export function interventionsCapability(o: InterventionsCapabilityOptions): InterventionsCapability {
  return new InterventionsCapability(o);
}
