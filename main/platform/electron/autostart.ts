import type { App } from 'electron';
import type { AutoStart } from '../ports.js';

/** Start at login through the OS (login items on macOS, Run key on Windows). */
export class ElectronAutoStart implements AutoStart {
  // Linux login items need a .desktop file in ~/.config/autostart, written by the installer.
  readonly supported: boolean;
  constructor(private readonly app: App) {
    this.supported = process.platform === 'darwin' || process.platform === 'win32';
  }
  isEnabled(): boolean {
    return this.supported && this.app.getLoginItemSettings().openAtLogin;
  }
  setEnabled(enabled: boolean): void {
    if (!this.supported) return;
    this.app.setLoginItemSettings({ openAtLogin: enabled, args: ['--hidden'] });
  }
}
