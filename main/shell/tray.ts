import { join } from 'node:path';
import { Menu, Tray, nativeImage, type NativeImage } from 'electron';
import type { AppState, Locale, TrayState } from '@vigie/common';

export interface TrayActions {
  t: (key: string) => string;
  onClick: (bounds: Electron.Rectangle) => void;
  requestHelp: () => void;
  open: () => void;
  setLocale: (l: Locale) => void;
  quit: () => void;
}

/**
 * Tray icon per state (idle / requested / connected / offline) and its menu. On macOS the
 * monochrome template images follow the menu bar's light/dark appearance; elsewhere coloured PNGs.
 * nativeImage picks the @2x file by itself on high-density screens.
 */
export class TrayController {
  private readonly tray: Tray;
  private readonly icons = new Map<TrayState, NativeImage>();
  private last: { tray: TrayState; locale: Locale; enrolled: boolean } | null = null;
  private menu: Menu | null = null;

  constructor(
    private readonly assetsDir: string,
    private readonly a: TrayActions,
  ) {
    this.tray = new Tray(this.icon('offline'));
    this.tray.on('click', (_e, bounds) => a.onClick(bounds));
    // macOS: left click opens the popover, right click the menu. Windows/Linux: the OS shows the
    // context menu on right click (Linux indicators only ever show the menu).
    this.tray.on('right-click', () => {
      if (process.platform === 'darwin' && this.menu) this.tray.popUpContextMenu(this.menu);
    });
  }

  private icon(state: TrayState): NativeImage {
    let img = this.icons.get(state);
    if (!img) {
      const mac = process.platform === 'darwin';
      img = nativeImage.createFromPath(join(this.assetsDir, 'tray', mac ? `tray-${state}Template.png` : `tray-${state}.png`));
      if (mac) img.setTemplateImage(true);
      this.icons.set(state, img);
    }
    return img;
  }

  bounds(): Electron.Rectangle {
    return this.tray.getBounds();
  }

  update(s: AppState): void {
    const enrolled = s.enrollment.status === 'enrolled';
    if (this.last && this.last.tray === s.tray && this.last.locale === s.locale && this.last.enrolled === enrolled) return;
    this.last = { tray: s.tray, locale: s.locale, enrolled };
    const t = this.a.t;
    this.tray.setImage(this.icon(s.tray));
    this.tray.setToolTip(t(`tray.tooltip.${s.tray}`));
    this.menu = Menu.buildFromTemplate([
        { label: t('tray.requestHelp'), enabled: enrolled, click: () => this.a.requestHelp() },
        { label: t('tray.open'), click: () => this.a.open() },
        { type: 'separator' },
        {
          label: t('tray.language'),
          submenu: (['fr', 'en'] as const).map((l) => ({
            label: t(`languages.${l}`),
            type: 'radio' as const,
            checked: s.locale === l,
            click: () => this.a.setLocale(l),
          })),
        },
        { type: 'separator' },
        { label: t('tray.quit'), click: () => this.a.quit() },
      ]);
    if (process.platform !== 'darwin') this.tray.setContextMenu(this.menu);
  }

  destroy(): void {
    this.tray.destroy();
  }
}
