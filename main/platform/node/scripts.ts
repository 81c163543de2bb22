import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The PowerShell and shell scripts the app runs, as files (main/resources/scripts/), the one place
 * they are found. The installed app has them in its resources folder (electron-builder.yml
 * extraResources → `<resources>/scripts`); development, the browser host and the tests read them
 * from the checkout, found by walking up from this module (its source, or the bundle in out/main).
 */
export const SCRIPTS = {
  windows: {
    bitlocker: 'windows/bitlocker.ps1',
    antivirus: 'windows/antivirus.ps1',
    firewall: 'windows/firewall.ps1',
    version: 'windows/version.ps1',
    updates: 'windows/updates.ps1',
    autoUpdates: 'windows/auto-updates.ps1',
    screenLock: 'windows/screen-lock.ps1',
    winlogon: 'windows/winlogon.ps1',
    remoteAccess: 'windows/remote-access.ps1',
    smbServer: 'windows/smb-server.ps1',
    guest: 'windows/guest.ps1',
    platform: 'windows/platform.ps1',
    disk: 'windows/disk.ps1',
    time: 'windows/time.ps1',
    computerModel: 'windows/computer-model.ps1',
  },
  macos: { xprotectBundles: 'macos/xprotect-bundles.sh' },
  linux: { xvfbWatchdog: 'linux/xvfb-watchdog.sh' },
} as const;

type Values<T> = T[keyof T];
export type ScriptName = Values<{ [K in keyof typeof SCRIPTS]: Values<(typeof SCRIPTS)[K]> }>;

/** Every script, for the tests that check each one exists and is used. */
export const ALL_SCRIPTS: ScriptName[] = Object.values(SCRIPTS).flatMap((group) => Object.values(group) as ScriptName[]);

let dir: string | null = null;

/** The folder of the scripts: `<resources>/scripts` in the installed app, else `main/resources/scripts` of the checkout. */
export function scriptsDir(): string {
  if (dir) return dir;
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  const candidates = resources ? [join(resources, 'scripts')] : [];
  for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
    candidates.push(join(d, 'main', 'resources', 'scripts'));
    if (dirname(d) === d) break;
  }
  const found = candidates.find((c) => existsSync(join(c, SCRIPTS.windows.bitlocker)));
  if (!found) throw new Error(`Vigie's scripts folder was not found (looked in ${candidates.slice(0, 3).join(', ')}…)`);
  dir = found;
  return dir;
}

/** Absolute path of one script. */
export function scriptPath(name: ScriptName): string {
  return join(scriptsDir(), name);
}

/** A script's text (tests, and what a check's evidence shows). */
export function readScript(name: ScriptName): string {
  return readFileSync(scriptPath(name), 'utf8');
}

/** How a PowerShell script file is run: Windows PowerShell 5.1, no profile, not interactive, this file only. */
export function powershellFileArgs(name: ScriptName, params: Record<string, string> = {}): string[] {
  return [
    '-NoProfile',
    '-NonInteractive',
    '-ExecutionPolicy',
    'Bypass',
    '-File',
    scriptPath(name),
    ...Object.entries(params).flatMap(([k, v]) => [`-${k}`, v]),
  ];
}
