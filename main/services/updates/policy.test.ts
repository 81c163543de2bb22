import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsultationHours } from '@vigie/common';
import { ManualClock } from '@vigie/common/test-support/clock';
import { isConsultationTime, localTime } from './consultation.js';
import { classifyUpdaterError, createElectronUpdaterEngine, feedUrlFor } from './electron-updater-engine.js';
import {
  decideInstall,
  decideOffer,
  DEFAULT_UPDATE_POLICY,
  isRejection,
  nextFailure,
  retryDelayMs,
  type ActivitySnapshot,
  type InstallSituation,
} from './policy.js';
import { fileUpdateStateStore } from './state.js';
import { createNodeNsisUpdater } from './test-support/nsis-updater.js';

const require = createRequire(import.meta.url);
const { newError, HttpError } = require('builder-util-runtime') as {
  newError(message: string, code: string): Error;
  HttpError: new (status: number, message?: string) => Error;
};

/** Mon–Fri 08:30–12:00 and 14:00–18:30, Saturday morning, practice in Paris. */
const HOURS = ConsultationHours.parse({
  week: {
    mon: [
      { start: '08:30', end: '12:00' },
      { start: '14:00', end: '18:30' },
    ],
    tue: [
      { start: '08:30', end: '12:00' },
      { start: '14:00', end: '18:30' },
    ],
    wed: [
      { start: '08:30', end: '12:00' },
      { start: '14:00', end: '18:30' },
      { start: '23:55', end: '23:59' },
    ],
    thu: [
      { start: '00:05', end: '01:00' },
      { start: '08:30', end: '12:00' },
    ],
    fri: [
      { start: '08:30', end: '12:00' },
      { start: '14:00', end: '18:30' },
    ],
    sat: [{ start: '09:00', end: '12:00' }],
  },
});

// Times named in Paris local time (winter = UTC+1, summer = UTC+2).
const TUE_WINTER_1000 = Date.parse('2026-03-03T09:00:00Z');
const TUE_WINTER_1300 = Date.parse('2026-03-03T12:00:00Z');
const TUE_WINTER_1350 = Date.parse('2026-03-03T12:50:00Z');
const TUE_WINTER_2100 = Date.parse('2026-03-03T20:00:00Z');
const TUE_SUMMER_1000 = Date.parse('2026-07-07T08:00:00Z');
const TUE_SUMMER_0820 = Date.parse('2026-07-07T06:20:00Z');
const TUE_SUMMER_0740 = Date.parse('2026-07-07T05:40:00Z');
const SUN_WINTER_1000 = Date.parse('2026-03-08T09:00:00Z');
const WED_WINTER_2352 = Date.parse('2026-03-04T22:52:00Z');

const quiet: ActivitySnapshot = { remoteSession: false, restoreRunning: false, backupRunning: false, lastAppUseAt: null };
const MIN = 60_000;

describe('install decision table', () => {
  // Each row: a situation the controllable clock puts us in → what the policy decides.
  type Row = Partial<Omit<InstallSituation, 'activity'>> & { activity?: Partial<ActivitySnapshot> };
  const rows: Array<[string, Row, string]> = [
    ['nothing downloaded', { hasVerifiedUpdate: false }, 'wait:nothing-pending'],
    ['all quiet in the evening', {}, 'install'],
    ['remote session running', { activity: { remoteSession: true } }, 'wait:remote-session'],
    ['restore running', { activity: { restoreRunning: true } }, 'wait:restore'],
    ['backup running', { activity: { backupRunning: true } }, 'wait:backup'],
    ['session + restore: the session is named first', { activity: { remoteSession: true, restoreRunning: true } }, 'wait:remote-session'],
    ['practitioner at the keyboard (machine used 30 s ago)', { systemIdleSeconds: 30 }, 'wait:machine-in-use'],
    ['machine idle but Vigie used 5 min ago', { activity: { lastAppUseAt: TUE_WINTER_2100 - 5 * MIN } }, 'wait:app-in-use'],
    ['machine idle, Vigie last used 45 min ago', { activity: { lastAppUseAt: TUE_WINTER_2100 - 45 * MIN } }, 'install'],
    ['consultation hours (Tuesday 10:00 Paris), machine idle', { now: TUE_WINTER_1000 }, 'wait:consultation-hours'],
    ['lunch break (Tuesday 13:00 Paris)', { now: TUE_WINTER_1300 }, 'install'],
    ['10 minutes before the afternoon slot', { now: TUE_WINTER_1350 }, 'wait:consultation-hours'],
    ['summer time: Tuesday 10:00 Paris is 08:00 UTC', { now: TUE_SUMMER_1000 }, 'wait:consultation-hours'],
    ['summer time: 08:20 Paris, within the 15-minute margin', { now: TUE_SUMMER_0820 }, 'wait:consultation-hours'],
    ['summer time: 07:40 Paris, before the margin', { now: TUE_SUMMER_0740 }, 'install'],
    ['Sunday: no consultation', { now: SUN_WINTER_1000 }, 'install'],
    ['no consultation hours set by the practice', { now: TUE_WINTER_1000, consultationHours: null }, 'install'],
    ['late Wednesday: in a slot that runs to 23:59', { now: WED_WINTER_2352 }, 'wait:consultation-hours'],
    [
      'quit, practitioner active: installs on the way out',
      { trigger: 'quit', systemIdleSeconds: 0, activity: { lastAppUseAt: TUE_WINTER_2100 } },
      'install',
    ],
    ['quit during a remote session', { trigger: 'quit', activity: { remoteSession: true } }, 'wait:remote-session'],
    ['quit during a restore', { trigger: 'quit', activity: { restoreRunning: true } }, 'wait:restore'],
    ['quit during consultation hours', { trigger: 'quit', now: TUE_WINTER_1000 }, 'wait:consultation-hours'],
  ];

  for (const [name, over, expected] of rows) {
    it(name, () => {
      const clock = new ManualClock(over.now ?? TUE_WINTER_2100);
      const s: InstallSituation = {
        now: clock.now(),
        trigger: over.trigger ?? 'idle',
        hasVerifiedUpdate: over.hasVerifiedUpdate ?? true,
        activity: { ...quiet, ...over.activity },
        systemIdleSeconds: over.systemIdleSeconds ?? 3600,
        consultationHours: over.consultationHours === undefined ? HOURS : over.consultationHours,
      };
      const d = decideInstall(s);
      expect(d.action === 'install' ? 'install' : `wait:${d.reason}`).toBe(expected);
    });
  }
});

describe('offered versions', () => {
  const now = TUE_WINTER_2100;
  const rows: Array<[string, { current: string; offered: string; pending?: string; retryAt?: number }, string]> = [
    ['newer release', { current: '1.2.0', offered: '1.3.0' }, 'download'],
    ['downgrade offered', { current: '1.3.0', offered: '1.2.9' }, 'ignore:downgrade'],
    ['same version', { current: '1.3.0', offered: '1.3.0' }, 'ignore:current'],
    ['pre-release of the running release is older', { current: '1.3.0', offered: '1.3.0-pilot.2' }, 'ignore:downgrade'],
    ['release after its pre-release', { current: '1.3.0-pilot.1', offered: '1.3.0' }, 'download'],
    ['pre-release numbers compare as numbers', { current: '1.3.0-pilot.2', offered: '1.3.0-pilot.10' }, 'download'],
    ['not a version', { current: '1.3.0', offered: 'latest' }, 'ignore:invalid-version'],
    ['already downloaded', { current: '1.3.0', offered: '1.4.0', pending: '1.4.0' }, 'keep'],
    ['newer than the downloaded one', { current: '1.3.0', offered: '1.4.1', pending: '1.4.0' }, 'download'],
    ['older than the downloaded one', { current: '1.3.0', offered: '1.3.5', pending: '1.4.0' }, 'ignore:older-than-pending'],
    ['failed before, retry time not reached', { current: '1.3.0', offered: '1.4.0', retryAt: now + 10 * MIN }, 'wait'],
    ['failed before, retry time reached', { current: '1.3.0', offered: '1.4.0', retryAt: now - 1 }, 'download'],
  ];
  for (const [name, r, expected] of rows) {
    it(name, () => {
      const d = decideOffer({
        now,
        currentVersion: r.current,
        offeredVersion: r.offered,
        pendingVersion: r.pending ?? null,
        failure: r.retryAt === undefined ? null : { attempt: 1, reason: 'network', retryAt: r.retryAt },
      });
      expect(d.action === 'ignore' ? `ignore:${d.reason}` : d.action).toBe(expected);
    });
  }
});

describe('failures: rejected files are never installed and are retried later with back-off', () => {
  it('checksum and signature failures are rejections; network ones are plain failures', () => {
    expect(isRejection('checksum')).toBe(true);
    expect(isRejection('signature')).toBe(true);
    expect(isRejection('network')).toBe(false);
    expect(isRejection('install')).toBe(false);
  });

  it('back-off doubles from 30 min up to 24 h, with jitter between half and all of it', () => {
    const hi = (n: number) => retryDelayMs(n, DEFAULT_UPDATE_POLICY, () => 1);
    expect([1, 2, 3, 4, 5, 6, 7, 12].map(hi)).toEqual([30, 60, 120, 240, 480, 960, 1440, 1440].map((m) => m * MIN));
    expect(retryDelayMs(1, DEFAULT_UPDATE_POLICY, () => 0)).toBe(15 * MIN);
    const first = nextFailure(null, 'checksum', 0, DEFAULT_UPDATE_POLICY, () => 1);
    const second = nextFailure(first, 'signature', 1000, DEFAULT_UPDATE_POLICY, () => 1);
    expect(first).toEqual({ attempt: 1, reason: 'checksum', retryAt: 30 * MIN });
    expect(second).toEqual({ attempt: 2, reason: 'signature', retryAt: 1000 + 60 * MIN });
  });

  it('classifies what electron-updater, Squirrel.Mac and the network throw', () => {
    const rows: Array<[unknown, string]> = [
      [newError('sha512 checksum mismatch, expected a, got b', 'ERR_CHECKSUM_MISMATCH'), 'checksum'],
      [
        newError('New version 1.4.0 is not signed by the application owner: publisherNames: Vigie SAS', 'ERR_UPDATER_INVALID_SIGNATURE'),
        'signature',
      ],
      [
        new Error(
          'Code signature at URL file:///private/var/folders/x/Vigie.app/ did not pass validation: code failed to satisfy specified code requirement(s)',
        ),
        'signature',
      ],
      [newError('Cannot find channel "pilot.yml" update info: HttpError: 404', 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND'), 'feed'],
      [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' }), 'network'],
      [new HttpError(503, 'Service Unavailable'), 'network'],
      [new Error('net::ERR_INTERNET_DISCONNECTED'), 'network'],
      [Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }), 'disk'],
      ['something odd', 'unknown'],
    ];
    for (const [e, reason] of rows) expect(classifyUpdaterError(e).reason, String(e)).toBe(reason);
  });
});

describe('consultation hours in Paris local time', () => {
  it('reads weekday and minutes across the DST change', () => {
    expect(localTime(Date.parse('2026-03-29T00:30:00Z'), 'Europe/Paris')).toEqual({ day: 'sun', minutes: 90 }); // 01:30 CET
    expect(localTime(Date.parse('2026-03-29T01:30:00Z'), 'Europe/Paris')).toEqual({ day: 'sun', minutes: 210 }); // 03:30 CEST
    expect(localTime(Date.parse('2026-10-25T01:30:00Z'), 'Europe/Paris')).toEqual({ day: 'sun', minutes: 150 }); // 02:30 CET again
  });

  it('a margin that crosses midnight reaches the next day, an unknown zone falls back to Paris', () => {
    expect(isConsultationTime(HOURS, WED_WINTER_2352 + 5 * MIN, 15)).toBe(true); // 23:57 → Thursday 00:05 slot
    expect(isConsultationTime(HOURS, TUE_WINTER_2100, 15)).toBe(false);
    expect(isConsultationTime({ ...HOURS, timeZone: 'Mars/Olympus' }, TUE_WINTER_1000)).toBe(true);
    expect(isConsultationTime(null, TUE_WINTER_1000)).toBe(false);
  });
});

describe('electron-updater adapter', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigie-updater-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('configures the real autoUpdater: no auto download, no install at quit, never downgrade (even on a channel)', async () => {
    const { updater } = await createNodeNsisUpdater({ dir, version: '1.3.0' });
    expect(updater.autoDownload).toBe(true); // electron-updater's defaults
    expect(updater.autoInstallOnAppQuit).toBe(true);
    createElectronUpdaterEngine(updater, { feedUrl: feedUrlFor('https://hub.example.fr/', 'pilot'), channel: 'pilot' });
    expect(updater.autoDownload).toBe(false);
    expect(updater.autoInstallOnAppQuit).toBe(false);
    expect(updater.channel).toBe('pilot');
    expect(updater.allowDowngrade).toBe(false); // the channel setter had turned it on
    expect(updater.allowPrerelease).toBe(true);
    expect(feedUrlFor('https://hub.example.fr/', 'stable')).toBe('https://hub.example.fr/updates/stable');
  });
});

describe('persisted state', () => {
  it('survives a restart; a corrupt file is set aside, not trusted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-updstate-'));
    try {
      const path = join(dir, 'updates.json');
      const store = fileUpdateStateStore(path);
      await store.save({
        installing: { from: '1.2.0', to: '1.3.0', at: 1 },
        failures: { '1.4.0': { attempt: 2, retryAt: 5, reason: 'checksum' } },
        outbox: [],
      });
      expect(await fileUpdateStateStore(path).load()).toMatchObject({ installing: { to: '1.3.0' }, failures: { '1.4.0': { attempt: 2 } } });
      await writeFile(path, '{"installing": 12');
      expect(await fileUpdateStateStore(path).load()).toBeNull();
      await expect(readFile(path)).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
