import { z } from 'zod';
import { IsoDate, OsFamily } from './domain.js';
import { VigieError } from './result.js';

/**
 * Updates: the hub's release feed (electron-updater "generic" provider), staged rollout per
 * channel, and what devices report back. Pure contract: used by the hub (server/src/updates),
 * the app's updater policy (main/services/updates) and the console's admin page.
 */

// ---------- versions (semver 2.0.0) ----------

const SEMVER_RE =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export type Semver = {
  major: number;
  minor: number;
  patch: number;
  /** Dot-separated pre-release identifiers ("1.2.0-pilot.3" → ['pilot', 3]); empty for a release. */
  prerelease: (string | number)[];
  build: string[];
};

/** Parses a strict semver 2.0.0 string (a leading "v" is accepted); null when it is not one. */
export function parseSemver(input: string): Semver | null {
  const m = SEMVER_RE.exec(input.trim().replace(/^v/, ''));
  if (!m) return null;
  const nums = [m[1], m[2], m[3]].map(Number);
  if (nums.some((n) => !Number.isSafeInteger(n))) return null;
  return {
    major: nums[0]!,
    minor: nums[1]!,
    patch: nums[2]!,
    prerelease: m[4] ? m[4].split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id)) : [],
    build: m[5] ? m[5].split('.') : [],
  };
}

/**
 * Semver precedence: -1 when a < b, 0 when equal, 1 when a > b. Build metadata is ignored and a
 * pre-release sorts before its release (1.2.0-pilot.1 < 1.2.0). Throws on a string that is not semver.
 */
export function compareSemver(a: string | Semver, b: string | Semver): -1 | 0 | 1 {
  const pa = typeof a === 'string' ? parseSemver(a) : a;
  const pb = typeof b === 'string' ? parseSemver(b) : b;
  if (!pa || !pb) throw new VigieError('BAD_REQUEST', `Version invalide : ${String(pa ? b : a)}.`);
  for (const k of ['major', 'minor', 'patch'] as const) {
    if (pa[k] !== pb[k]) return pa[k] < pb[k] ? -1 : 1;
  }
  const ra = pa.prerelease;
  const rb = pb.prerelease;
  if (ra.length === 0 || rb.length === 0) return ra.length === rb.length ? 0 : ra.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.max(ra.length, rb.length); i++) {
    const x = ra[i];
    const y = rb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    if (typeof x === 'number') return -1; // numeric identifiers sort before alphanumeric ones
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** A release version: semver without build metadata (it would not survive file names and URLs). */
export const ReleaseVersion = z
  .string()
  .trim()
  .max(40)
  .refine((v) => parseSemver(v) !== null && !v.includes('+') && !v.startsWith('v'), {
    message: 'version invalide : attendu MAJEUR.MINEUR.CORRECTIF, éventuellement suivi de -pilot.N (ex. 1.4.2 ou 1.5.0-pilot.1)',
  });

// ---------- channels, platforms, files ----------

export const UPDATE_CHANNELS = ['stable', 'pilot'] as const;
export const UpdateChannel = z.enum(UPDATE_CHANNELS);
export type UpdateChannel = z.infer<typeof UpdateChannel>;

/** Installer families the feed serves: macOS zip (+dmg) and Windows NSIS. */
export const UPDATE_PLATFORMS = ['mac', 'win'] as const;
export const UpdatePlatform = z.enum(UPDATE_PLATFORMS);
export type UpdatePlatform = z.infer<typeof UpdatePlatform>;

/** The OS family a device reports, as the feed platform it updates from. */
export const platformOfOs = (os: z.infer<typeof OsFamily>): UpdatePlatform | null =>
  os === 'macos' ? 'mac' : os === 'windows' ? 'win' : null;

/**
 * Name of the feed file electron-updater's generic provider asks for: `latest.yml` /
 * `latest-mac.yml` on the default channel, `<channel>.yml` / `<channel>-mac.yml` otherwise.
 */
export function feedFileName(channel: UpdateChannel, platform: UpdatePlatform): string {
  const base = channel === 'stable' ? 'latest' : channel;
  return platform === 'mac' ? `${base}-mac.yml` : `${base}.yml`;
}

/** The electron-updater channel name a device sets for a Vigie channel (`latest` is the default). */
export const updaterChannelName = (channel: UpdateChannel): string => (channel === 'stable' ? 'latest' : channel);

/**
 * A file name as it appears in the feed and in URLs: one path segment, no separators, no "..",
 * nothing that needs escaping. Checked before any file system access on the hub.
 */
export const ArtifactName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'nom de fichier invalide : lettres, chiffres, « . », « _ » et « - » seulement, sans dossier')
  .refine((n) => !n.includes('..'), { message: 'nom de fichier invalide : « .. » interdit' });

/** sha512 digest in base64, as electron-builder writes it in latest*.yml. */
export const Sha512Base64 = z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'empreinte sha512 invalide (base64 de 64 octets attendu)');

export const StagingPercentage = z.number().int().min(0).max(100);

export const ReleaseFile = z.object({
  url: ArtifactName,
  sha512: Sha512Base64,
  size: z.number().int().positive(),
  blockMapSize: z.number().int().positive().optional(),
});
export type ReleaseFile = z.infer<typeof ReleaseFile>;

/** The content of a `latest*.yml` feed file (electron-updater's UpdateInfo). */
export const ReleaseMetadata = z.object({
  version: ReleaseVersion,
  files: z.array(ReleaseFile).min(1),
  /** Legacy single-file fields electron-updater still reads: the first updater file. */
  path: ArtifactName,
  sha512: Sha512Base64,
  releaseDate: IsoDate,
  releaseNotes: z.string().max(10_000).optional(),
  /** Share of devices (0–100) allowed to take this release; 0 halts the rollout. */
  stagingPercentage: StagingPercentage.optional(),
});
export type ReleaseMetadata = z.infer<typeof ReleaseMetadata>;

// ---------- publishing and rollout (hub CLI / admin) ----------

/** The hub's admin API of the update feed (admin technicians only, session cookie; Result envelope). */
export const UPDATES_API = {
  /** GET → UpdatesOverview */
  overview: '/api/updates/overview',
  /** POST RolloutInput → ChannelState */
  rollout: '/api/updates/rollout',
  /** POST HaltInput → ChannelState */
  halt: '/api/updates/halt',
  /** POST PromoteInput → ChannelState */
  promote: '/api/updates/promote',
} as const;

/** One artifact to publish, read from the build output on the hub's machine. */
export const PublishFile = z.strictObject({
  name: ArtifactName,
  /** Where the file is now (absolute or relative to the working directory of the CLI). */
  source: z.string().min(1).max(4096),
  /** What the build computed; the hub recomputes both and refuses any difference. */
  sha512: Sha512Base64,
  size: z.number().int().positive(),
});
export type PublishFile = z.infer<typeof PublishFile>;

export const PublishInput = z.strictObject({
  platform: UpdatePlatform,
  channel: UpdateChannel,
  version: ReleaseVersion,
  stagingPercentage: StagingPercentage,
  /** Installers/archives listed in the feed (mac: both arches' zip, optional dmg; win: the NSIS exe). */
  files: z.array(PublishFile).min(1).max(16),
  /** `<file>.blockmap` files for differential downloads, stored beside their artifact. */
  blockmaps: z
    .array(z.strictObject({ name: ArtifactName, source: z.string().min(1).max(4096) }))
    .max(16)
    .default([]),
  releaseDate: IsoDate.optional(),
  releaseNotes: z.string().max(10_000).optional(),
});
export type PublishInput = z.input<typeof PublishInput>;

export const RolloutInput = z.strictObject({
  channel: UpdateChannel,
  platform: UpdatePlatform,
  stagingPercentage: StagingPercentage,
});
export type RolloutInput = z.infer<typeof RolloutInput>;

/** Stops a channel's rollout for one platform (stagingPercentage 0). */
export const HaltInput = z.strictObject({ channel: UpdateChannel, platform: UpdatePlatform });
export type HaltInput = z.infer<typeof HaltInput>;

/** Points a channel at a release already stored (e.g. promote the pilot's release to stable). */
export const PromoteInput = z.strictObject({
  version: ReleaseVersion,
  platform: UpdatePlatform,
  channel: UpdateChannel,
  stagingPercentage: StagingPercentage,
});
export type PromoteInput = z.infer<typeof PromoteInput>;

export const ChannelState = z.object({
  channel: UpdateChannel,
  platform: UpdatePlatform,
  version: z.string(),
  stagingPercentage: StagingPercentage,
  halted: z.boolean(),
  updatedAt: IsoDate,
});
export type ChannelState = z.infer<typeof ChannelState>;

export const ReleaseSummary = z.object({
  version: z.string(),
  platform: UpdatePlatform,
  releaseDate: IsoDate,
  publishedAt: IsoDate,
  publishedBy: z.string().nullable(),
  files: z.array(z.object({ name: z.string(), size: z.number().int() })),
});
export type ReleaseSummary = z.infer<typeof ReleaseSummary>;

export const VersionCount = z.object({
  appVersion: z.string(),
  os: z.string(),
  devices: z.number().int().nonnegative(),
});
export type VersionCount = z.infer<typeof VersionCount>;

// ---------- what devices report ----------

export const UPDATE_OUTCOMES = ['available', 'downloaded', 'installing', 'installed', 'failed', 'rejected'] as const;
export const UpdateOutcome = z.enum(UPDATE_OUTCOMES);
export type UpdateOutcome = z.infer<typeof UpdateOutcome>;

/** Why an update failed: `checksum` and `signature` mean the file was rejected and never installed. */
export const UPDATE_FAILURE_REASONS = ['checksum', 'signature', 'network', 'feed', 'disk', 'install', 'unknown'] as const;
export const UpdateFailureReason = z.enum(UPDATE_FAILURE_REASONS);
export type UpdateFailureReason = z.infer<typeof UpdateFailureReason>;

/** Device → hub: the outcome of one step of an update. */
export const UpdateReport = z.strictObject({
  outcome: UpdateOutcome,
  /** The version the device runs now. */
  currentVersion: z.string().max(40),
  /** The version the step is about (offered, downloaded, installed). */
  targetVersion: z.string().max(40).nullable(),
  channel: UpdateChannel,
  reason: UpdateFailureReason.optional(),
  message: z.string().max(500).optional(),
  /** Consecutive failures for this version, 1 for the first. */
  attempt: z.number().int().positive().optional(),
  /** When the device will try again (failed / rejected). */
  retryAt: IsoDate.optional(),
  at: IsoDate,
});
export type UpdateReport = z.infer<typeof UpdateReport>;

export const UpdatesOverview = z.object({
  channels: z.array(ChannelState),
  releases: z.array(ReleaseSummary),
  versions: z.array(VersionCount),
  reports: z.array(UpdateReport.extend({ deviceId: z.string(), receivedAt: IsoDate })),
});
export type UpdatesOverview = z.infer<typeof UpdatesOverview>;

// ---------- consultation hours (when the app never installs) ----------

export const CONSULTATION_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type ConsultationDay = (typeof CONSULTATION_DAYS)[number];

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'heure attendue au format HH:MM');
export const ConsultationTimeRange = z
  .strictObject({ start: HHMM, end: HHMM })
  .refine((r) => r.start < r.end, { message: 'la fin doit suivre le début' });
export type ConsultationTimeRange = z.infer<typeof ConsultationTimeRange>;

const DayRanges = z.array(ConsultationTimeRange).max(8).default([]);

/** The practice's weekly consultation hours, in the practice's local time (Europe/Paris). */
export const ConsultationHours = z.strictObject({
  timeZone: z.string().min(1).max(64).default('Europe/Paris'),
  week: z.strictObject({ mon: DayRanges, tue: DayRanges, wed: DayRanges, thu: DayRanges, fri: DayRanges, sat: DayRanges, sun: DayRanges }),
});
export type ConsultationHours = z.infer<typeof ConsultationHours>;

// ---------- socket events (device → hub) ----------

/**
 * Device events of the update feed, spread into DEVICE_EVENTS: the outcome of each update step,
 * stored by the hub (UpdatesService.recordReport) for the console's admin page.
 */
export const UPDATE_DEVICE_EVENTS = {
  'update:report': { request: UpdateReport, response: z.object({}) },
} as const;
