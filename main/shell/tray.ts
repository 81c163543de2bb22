import { join } from 'node:path';
import { Menu, Tray, nativeImage, type NativeImage } from 'electron';
import type { AppState, Locale, TrayColour, TrayState } from '@vigie/common';

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
 * nativeImage picks the @2x file by itself on high-density screens. Once a security-health report
 * exists, the icon's colour follows its worst status (green / orange / red: `tray-<state>-<colour>`);
 * on macOS orange and red show as coloured images, green keeps the template.
 */
export class TrayController {
  private readonly tray: Tray;
  private readonly icons = new Map<string, NativeImage>();
  private last: { tray: TrayState; locale: Locale; enrolled: boolean; health: TrayColour | null; alert: string | null } | null = null;
  private menu: Menu | null = null;
  private health: TrayColour | null = null;
  /** The tooltip of a standing ransomware alert (the icon is red while it stands), null when none. */
  private alert: string | null = null;
  private state: AppState | null = null;

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

  private icon(state: TrayState, health: TrayColour | null = null): NativeImage {
    const mac = process.platform === 'darwin';
    const template = mac && (health === null || health === 'green');
    const file = template ? `tray-${state}Template.png` : health ? `tray-${state}-${health}.png` : `tray-${state}.png`;
    let img = this.icons.get(file);
    if (!img) {
      img = nativeImage.createFromPath(join(this.assetsDir, 'tray', file));
      if (template) img.setTemplateImage(true);
      this.icons.set(file, img);
    }
    return img;
  }

  /** Colour of the worst security-health status (trayColour of the latest report); null before the first report. */
  setHealth(colour: TrayColour | null): void {
    if (colour === this.health) return;
    this.health = colour;
    if (this.state) this.update(this.state);
  }

  /** A ransomware alert stands (its tooltip) or not (null): the icon turns red whatever the health says. */
  setAlert(tooltip: string | null): void {
    if (tooltip === this.alert) return;
    this.alert = tooltip;
    if (this.state) this.update(this.state);
  }

  bounds(): Electron.Rectangle {
    return this.tray.getBounds();
  }

  update(s: AppState): void {
    this.state = s;
    const enrolled = s.enrollment.status === 'enrolled';
    const alert = this.alert;
    const health = alert ? 'red' : this.health;
    if (
      this.last &&
      this.last.tray === s.tray &&
      this.last.locale === s.locale &&
      this.last.enrolled === enrolled &&
      this.last.health === health &&
      this.last.alert === alert
    )
      return;
    this.last = { tray: s.tray, locale: s.locale, enrolled, health, alert };
    const t = this.a.t;
    this.tray.setImage(this.icon(s.tray, health));
    this.tray.setToolTip(alert ?? (health ? `${t(`tray.tooltip.${s.tray}`)}\n${t(`tray.health.${health}`)}` : t(`tray.tooltip.${s.tray}`)));
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
