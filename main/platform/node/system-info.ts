import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { OsFamily } from '@vigie/common';
import type { MachineInfo, SystemInfo } from '../ports.js';
import { SCRIPTS, powershellFileArgs } from './scripts.js';

function osFamily(platform: NodeJS.Platform): OsFamily {
  if (platform === 'win32') return 'windows';
  if (platform === 'darwin') return 'macos';
  return 'linux';
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 3000, windowsHide: true }, (error, stdout) => resolve(error ? '' : String(stdout).trim()));
  });
}

async function linuxRelease(): Promise<string> {
  try {
    const text = await readFile('/etc/os-release', 'utf8');
    const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text);
    if (m?.[1]) return m[1];
  } catch {
    /* fall through */
  }
  return `Linux ${os.release()}`;
}

async function model(family: OsFamily): Promise<string> {
  if (family === 'macos') return run('sysctl', ['-n', 'hw.model']);
  if (family === 'windows') {
    return run('powershell.exe', powershellFileArgs(SCRIPTS.windows.computerModel));
  }
  for (const f of ['/sys/devices/virtual/dmi/id/product_name', '/sys/firmware/devicetree/base/model']) {
    try {
      const v = (await readFile(f, 'utf8')).replace(/\0/g, '').trim();
      if (v) return v;
    } catch {
      /* next */
    }
  }
  return '';
}

async function osVersion(family: OsFamily): Promise<string> {
  if (family === 'macos') {
    const v = await run('sw_vers', ['-productVersion']);
    return v ? `macOS ${v}` : `macOS (Darwin ${os.release()})`;
  }
  if (family === 'windows') return `${os.version()} (${os.release()})`;
  return linuxRelease();
}

/** Reads OS family, version, model and hostname with Node only: works in Electron's main process and in the browser host. */
export class NodeSystemInfo implements SystemInfo {
  private cached: Promise<Omit<MachineInfo, 'uptimeSeconds'>> | null = null;

  constructor(private readonly platform: NodeJS.Platform = process.platform) {}

  async read(): Promise<MachineInfo> {
    this.cached ??= (async () => {
      const family = osFamily(this.platform);
      const [version, mdl] = await Promise.all([osVersion(family), model(family)]);
      return { os: family, osVersion: version.slice(0, 100), model: mdl.slice(0, 100), hostname: os.hostname().slice(0, 255) };
    })();
    return { ...(await this.cached), uptimeSeconds: Math.round(os.uptime()) };
  }
}
