import type { HealthTerm } from '@vigie/common';
import type { Finding } from '../types.js';
import { critical, daysBetween, ok, unknown, warning } from './util.js';

/**
 * End-of-support dates (YYYY-MM-DD), checked against today's date from the Clock.
 * `until`: last day of regular security fixes. `extendedUntil`: end of a limited extension
 * (Debian LTS, Ubuntu ESM with Ubuntu Pro): a warning phase. Windows 10's paid Extended Security
 * Updates count only when this computer shows it is enrolled (`WindowsEsu`, judgeWindows).
 * `estimated`: the vendor publishes no date (Apple): we assume the three latest macOS majors
 * get security fixes, so a major ends when the third one after it ships (mid-September).
 * Sources: Debian security/LTS pages, Ubuntu release cycle, Microsoft lifecycle pages for each
 * Windows release (Home/Pro vs Enterprise/Education), Apple security releases. Reviewed 2026-11.
 */
export interface EolEntry {
  /** Product name, written as is in every language (« Windows 11 24H2 », « Debian 12 (bookworm) »). */
  name: string;
  /** The Windows edition whose dates these are, as a code each UI writes in its language (HEALTH_TERMS). */
  edition?: Extract<HealthTerm, `win-${string}`>;
  until: string;
  extendedUntil?: string;
  /** The extension is a paid programme this computer is enrolled in (Windows 10 ESU). */
  paidExtension?: boolean;
  estimated?: boolean;
}

export const DEBIAN_EOL: Record<string, EolEntry> = {
  '9': { name: 'Debian 9 (stretch)', until: '2020-07-06', extendedUntil: '2022-06-30' },
  '10': { name: 'Debian 10 (buster)', until: '2022-09-10', extendedUntil: '2024-06-30' },
  '11': { name: 'Debian 11 (bullseye)', until: '2024-08-14', extendedUntil: '2026-08-31' },
  '12': { name: 'Debian 12 (bookworm)', until: '2026-06-10', extendedUntil: '2028-06-30' },
  '13': { name: 'Debian 13 (trixie)', until: '2028-08-09', extendedUntil: '2030-06-30' },
};

export const UBUNTU_EOL: Record<string, EolEntry> = {
  '16.04': { name: 'Ubuntu 16.04 LTS', until: '2021-04-30', extendedUntil: '2026-04-30' },
  '18.04': { name: 'Ubuntu 18.04 LTS', until: '2023-05-31', extendedUntil: '2028-04-30' },
  '20.04': { name: 'Ubuntu 20.04 LTS', until: '2025-05-29', extendedUntil: '2030-04-30' },
  '22.04': { name: 'Ubuntu 22.04 LTS', until: '2027-06-01', extendedUntil: '2032-04-30' },
  '23.10': { name: 'Ubuntu 23.10', until: '2024-07-11' },
  '24.04': { name: 'Ubuntu 24.04 LTS', until: '2029-05-31', extendedUntil: '2034-04-30' },
  '24.10': { name: 'Ubuntu 24.10', until: '2025-07-10' },
  '25.04': { name: 'Ubuntu 25.04', until: '2026-01-15' },
  '25.10': { name: 'Ubuntu 25.10', until: '2026-07-09' },
  '26.04': { name: 'Ubuntu 26.04 LTS', until: '2031-05-31', extendedUntil: '2036-04-30' },
};

export const MACOS_EOL: Record<string, EolEntry> = {
  '10.15': { name: 'macOS 10.15 Catalina', until: '2022-09-12' },
  '11': { name: 'macOS 11 Big Sur', until: '2023-09-26' },
  '12': { name: 'macOS 12 Monterey', until: '2024-09-16' },
  '13': { name: 'macOS 13 Ventura', until: '2025-09-15' },
  '14': { name: 'macOS 14 Sonoma', until: '2026-09-15', estimated: true },
  '15': { name: 'macOS 15 Sequoia', until: '2027-09-15', estimated: true },
  '26': { name: 'macOS 26 Tahoe', until: '2028-09-15', estimated: true },
};
/** Highest macOS major in the table: newer ones are recent, hence supported. */
const MACOS_NEWEST = 26;

type WinEdition = 'consumer' | 'enterprise' | 'ltsc';
interface WinRelease {
  build: number;
  name: string;
  consumer: string;
  enterprise: string;
  ltsc?: string;
}

/** Windows 10/11 releases by build number. "consumer" = Home, Pro, Pro Education, Pro for Workstations. */
export const WINDOWS_RELEASES: readonly WinRelease[] = [
  { build: 14393, name: 'Windows 10 1607', consumer: '2018-04-10', enterprise: '2019-04-09', ltsc: '2026-10-13' },
  { build: 17763, name: 'Windows 10 1809', consumer: '2020-11-10', enterprise: '2021-05-11', ltsc: '2029-01-09' },
  { build: 19041, name: 'Windows 10 2004', consumer: '2021-12-14', enterprise: '2021-12-14' },
  { build: 19042, name: 'Windows 10 20H2', consumer: '2022-05-10', enterprise: '2023-05-09' },
  { build: 19043, name: 'Windows 10 21H1', consumer: '2022-12-13', enterprise: '2022-12-13' },
  { build: 19044, name: 'Windows 10 21H2', consumer: '2023-06-13', enterprise: '2024-06-11', ltsc: '2027-01-12' },
  { build: 19045, name: 'Windows 10 22H2', consumer: '2025-10-14', enterprise: '2025-10-14' },
  { build: 22000, name: 'Windows 11 21H2', consumer: '2023-10-10', enterprise: '2024-10-08' },
  { build: 22621, name: 'Windows 11 22H2', consumer: '2024-10-08', enterprise: '2025-10-14' },
  { build: 22631, name: 'Windows 11 23H2', consumer: '2025-11-11', enterprise: '2026-11-10' },
  { build: 26100, name: 'Windows 11 24H2', consumer: '2026-10-13', enterprise: '2027-10-12', ltsc: '2029-10-09' },
  { build: 26200, name: 'Windows 11 25H2', consumer: '2027-10-12', enterprise: '2028-10-10' },
];
const WINDOWS_NEWEST = 26200;

/** How close to the end a "bientôt" warning starts. */
export const EOL_WARNING_DAYS = 90;

export interface OsSupportData {
  name: string;
}

/** Status of an OS given its support entry and today's date. */
export function judgeSupport(entry: EolEntry, now: Date): Finding<OsSupportData> {
  const data = { name: entry.name };
  const named: Record<string, string> = entry.edition ? { name: entry.name, edition: entry.edition } : { name: entry.name };
  const until = new Date(`${entry.until}T23:59:59Z`);
  if (now <= until) {
    if (daysBetween(now, until) < EOL_WARNING_DAYS) return warning('os-supported.ending-soon', { ...named, untilDate: entry.until }, data);
    return ok(entry.estimated ? 'os-supported.ok-estimated' : 'os-supported.ok', { ...named, untilDate: entry.until }, data);
  }
  if (entry.extendedUntil && now <= new Date(`${entry.extendedUntil}T23:59:59Z`)) {
    return warning(entry.paidExtension ? 'os-supported.esu' : 'os-supported.extended', { ...named, untilDate: entry.extendedUntil }, data);
  }
  return critical('os-supported.ended', { ...named, sinceDate: entry.extendedUntil ?? entry.until }, data);
}

export function judgeLinux(id: string, versionId: string, prettyName: string, now: Date): Finding<OsSupportData> {
  const table = id === 'debian' ? DEBIAN_EOL : id === 'ubuntu' ? UBUNTU_EOL : null;
  if (!table) return unknown('not-supported', { detail: prettyName || id || 'Linux' });
  const key = id === 'debian' ? (versionId.split('.')[0] ?? '') : versionId;
  const entry = table[key];
  if (!entry) return unknown('not-supported', { detail: prettyName || `${id} ${versionId}` });
  return judgeSupport(entry, now);
}

export function judgeMacos(version: string, now: Date): Finding<OsSupportData> {
  const m = /^(\d+)(?:\.(\d+))?/.exec(version.trim());
  if (!m) return unknown('not-supported', { detail: `macOS ${version}` });
  const major = Number(m[1]);
  const key = major === 10 ? `10.${m[2] ?? ''}` : String(major);
  const entry = MACOS_EOL[key];
  if (entry) return judgeSupport(entry, now);
  if (major > MACOS_NEWEST && major < 100) return ok('os-supported.recent', { name: `macOS ${version}` }, { name: `macOS ${version}` });
  if (major === 10)
    return critical('os-supported.ended', { name: `macOS ${version}`, sinceDate: '2022-09-12' }, { name: `macOS ${version}` });
  return unknown('not-supported', { detail: `macOS ${version}` });
}

/**
 * Windows 10 22H2 Extended Security Updates (ESU). Sources: Microsoft Learn « Enable Extended
 * Security Updates » (commercial: a MAK per year, activation IDs the same on every device, checked
 * with `slmgr /dlv`, i.e. WMI SoftwareLicensingProduct, LicenseStatus 1 = licensed) and Microsoft's
 * consumer ESU page (enrolment from Settings, coverage extended to 2027-10-12; no documented
 * local trace). A consumer enrolment is recognised by what it brings: a cumulative update that only
 * ESU devices receive (19045.6575, KB5068781, 2025-11-11, is the first).
 */
export const WINDOWS10_ESU_BUILD = 19045;
export const WINDOWS10_ESU_YEARS: ReadonlyArray<{ year: number; activationId: string; until: string }> = [
  { year: 1, activationId: 'f520e45e-7413-4a34-a497-d2765967d094', until: '2026-10-13' },
  { year: 2, activationId: '1043add5-23b1-4afb-9a0f-64343c8f3f8d', until: '2027-10-12' },
  { year: 3, activationId: '83d49986-add3-41d7-ba33-87c7bfb5c0fb', until: '2028-10-10' },
];
export const WINDOWS10_CONSUMER_ESU_UNTIL = '2027-10-12';
/** First update revision (UBR) of build 19045 released only to ESU devices. */
export const WINDOWS10_FIRST_ESU_UBR = 6575;

/** What the computer shows of an ESU enrolment: licensed ESU years, and its update revision. */
export interface WindowsEsu {
  licensedYears: number[];
  ubr: number | null;
}

/**
 * Last day covered by the ESU this computer is enrolled in, or null when nothing shows an enrolment.
 * Licences decide when there are any (a licensed year covers until its end). Without one, an
 * ESU-only update shows a consumer enrolment — open to Home and Pro editions only.
 */
export function windows10EsuUntil(esu: WindowsEsu, consumerEdition: boolean): string | null {
  const licensed = WINDOWS10_ESU_YEARS.filter((e) => esu.licensedYears.includes(e.year)).map((e) => e.until);
  if (licensed.length) return licensed.sort().at(-1)!;
  if (consumerEdition && esu.ubr !== null && esu.ubr >= WINDOWS10_FIRST_ESU_UBR) return WINDOWS10_CONSUMER_ESU_UNTIL;
  return null;
}

/** `edition` is the registry EditionID (Core, Professional, Enterprise, EnterpriseS, Education, IoTEnterpriseS…). */
export function judgeWindows(
  build: number,
  edition: string,
  now: Date,
  esu: WindowsEsu = { licensedYears: [], ubr: null },
): Finding<OsSupportData> {
  const kind: WinEdition = /EnterpriseS/i.test(edition)
    ? 'ltsc'
    : /^(Enterprise|Education|IoTEnterprise)/i.test(edition)
      ? 'enterprise'
      : 'consumer';
  const rel = WINDOWS_RELEASES.find((r) => r.build === build);
  if (!rel) {
    if (build > WINDOWS_NEWEST)
      return ok('os-supported.recent', { name: `Windows (build ${build})` }, { name: `Windows (build ${build})` });
    if (build < 14393)
      return critical(
        'os-supported.ended',
        { name: `Windows (build ${build})`, sinceDate: '2018-04-10' },
        { name: `Windows (build ${build})` },
      );
    return unknown('not-supported', { detail: `Windows build ${build}` });
  }
  const name = rel.name;
  if (kind === 'ltsc') {
    if (!rel.ltsc) return unknown('not-supported', { detail: `${rel.name} LTSC` });
    return judgeSupport({ name, edition: 'win-ltsc', until: rel.ltsc }, now);
  }
  const esuUntil = build === WINDOWS10_ESU_BUILD ? windows10EsuUntil(esu, kind === 'consumer') : null;
  const extension = esuUntil ? { extendedUntil: esuUntil, paidExtension: true } : {};
  if (kind === 'enterprise') return judgeSupport({ name, edition: 'win-enterprise', until: rel.enterprise, ...extension }, now);
  return judgeSupport({ name, until: rel.consumer, ...extension }, now);
}
