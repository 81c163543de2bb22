import { screen } from 'electron';
import type { DisplayInfo } from '@vigie/common';
import { displayFromMonitor } from '../../services/screen/geometry.js';
import type { ScreenDisplays } from '../../services/screen/ports.js';

/**
 * The practitioner's monitors (consent window's screen choice), in nut-js's pixel space. Each id
 * is Electron's display id, which desktopCapturer sources carry as `display_id`. Call after app ready.
 */
export class ElectronDisplays implements ScreenDisplays {
  async list(): Promise<DisplayInfo[]> {
    const primaryId = screen.getPrimaryDisplay().id;
    return screen
      .getAllDisplays()
      .map((d, index) =>
        displayFromMonitor(d, { platform: process.platform, primaryId, index, toScreenRect: (b) => screen.dipToScreenRect(null, b) }),
      );
  }
}
