import type { Shell as ElectronShell } from 'electron';
import type { Shell } from '../../services/backup/ports.js';

/** "Ouvrir le dossier" in the Electron app: shell.openPath answers '' or an error text. */
export function electronShell(shell: Pick<ElectronShell, 'openPath'>): Shell {
  return { openPath: (path) => shell.openPath(path) };
}
