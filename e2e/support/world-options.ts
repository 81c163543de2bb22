/** The e2e world's options and what its fixtures give (world.ts builds them; specs import these types from world.ts). */
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import type { Host, HostOptions } from '../../main/host/server.js';
import type { XvfbStart } from '../../main/platform/node/input-xvfb.js';
import type { CreateHubOptions, Hub } from '../../server/src/app.js';
import type { ScreenSettingsInput } from '../../server/src/screen/config.js';
import type { TurnServer } from '../../server/src/store/turn-server.js';

export interface WorldOptions {
  /** The practice created on the hub (default « Cabinet des Lilas »). */
  practice?: string;
  /** The technician account (default julie / Julie Martin / technician). */
  technician?: { login?: string; displayName?: string; role?: 'technician' | 'supervisor' | 'admin' };
  /** More hub options (a clock, limits…). */
  hub?: Partial<CreateHubOptions>;
  /** The host enrolls with the practice's code at start (default false: the spec enrolls through the UI). */
  enroll?: boolean | { deviceName?: string };
  /**
   * More browser-host options (capabilities, a notifier…). `appDir` is the practice machine's
   * temporary root: the host's data folder is `<appDir>/app`, a spec's own folders (a home, its
   * documents) go beside it.
   */
  host?: (dirs: { appDir: string }) => Partial<HostOptions>;
  /**
   * Setup the practice machine needs before the host starts (its documents, another device already
   * waiting, the hub's settings…): run once the hub is up and `appDir` exists, just before `startHost`.
   */
  beforeHost?: (ctx: { world: WorldHub; appDir: string }) => Promise<void> | void;
  /** Chromium flags (fake media devices…). */
  browserArgs?: string[];
  /**
   * The practitioner's page in a Chromium of its own (default: the world's one browser, which the
   * console pages share). `args`: its flags (instead of `browserArgs`); `window`: headed, a window at
   * that place and size on the world's Xvfb screen (see `xvfb`).
   */
  practitionerBrowser?: { args?: string[]; window?: Rect };
  /**
   * The size of the world's private Xvfb screen (default 1280×720), started before anything else
   * when the practitioner's browser is headed (or a spec asks for `xvfb`): this process's DISPLAY
   * is set to it, so the host's nut-js injects there. A machine where Xvfb cannot start skips the
   * test, saying why.
   */
  xvfb?: { width: number; height: number };
  /**
   * A throwaway coturn on loopback (server/src/store/turn-server.ts), started before the hub: the
   * hub's `screen.turn` has its URLs and secret, with these settings (lifetime, relay only).
   */
  turn?: Omit<NonNullable<ScreenSettingsInput['turn']>, 'urls' | 'secret'>;
  /** The practitioner's viewport (default 420×760); null: the window's own size (the default of a headed window). */
  appViewport?: { width: number; height: number } | null;
  consoleViewport?: { width: number; height: number };
  /** More options for every browser context of the world (a locale, downloads…). */
  contextOptions?: Omit<BrowserContextOptions, 'viewport'>;
  /** Scripts every page of the world runs before its own (a probe of the page's objects…). */
  initScripts?: string[];
  /** 'test' (default): a fresh world per test; 'file': one world for the whole spec file. */
  scope?: 'test' | 'file';
}

export interface WorldHub {
  hub: Hub;
  /** The hub's data folder and port: a restart on the same data and port finds everything again. */
  dataDir: string;
  port: number;
  practice: { id: string; name: string; enrollmentCode: string };
  technician: { id: string; login: string; displayName: string; password: string; totpSecret: string };
  /** Stops the hub (if running) and starts it again on the same data folder and port. */
  restart(): Promise<Hub>;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The world's Xvfb screen, once it is up. */
export type Xvfb = Extract<XvfbStart, { ok: true }> & { width: number; height: number };

export interface Fixtures {
  world: WorldHub;
  hub: Hub;
  /** The world's throwaway coturn (only with the `turn` option). */
  turn: TurnServer;
  /** The practice machine's temporary root (the host's data folder is `<appDir>/app`). */
  appDir: string;
  host: Host;
  /** The world's browser: the console pages, and the practitioner's unless it has its own. */
  browser: Browser;
  /** The practitioner's browser: `browser`, or its own (`practitionerBrowser`). */
  appBrowser: Browser;
  /** The world's private X screen (see the `xvfb` option). */
  xvfb: Xvfb;
  /** Another traced page, in a headed Chromium window of its own at `window` on the Xvfb screen. */
  xvfbPage: (label: string, window: Rect, args?: string[]) => Promise<Page>;
  /** The practitioner's page, not yet opened (`app.goto(host.url)`). */
  app: Page;
  /** The technician's page, not signed in (`signIn()` does it). */
  console: Page;
  /** Signs the world's technician in to the console page; lands on the queue. */
  signIn: () => Promise<void>;
  /** Another traced page in its own browser context (a second technician, another console…). */
  newPage: (label: string, viewport?: { width: number; height: number }) => Promise<Page>;
}
