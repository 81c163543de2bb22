import { EnrollResponse, HTTP, VigieError, resultSchema, type EnrollBody, type EnrollmentState, type ErrorCode } from '@vigie/common';
import type { Logger, SecretStore, SystemInfo } from '../../platform/ports.js';
import type { SettingsStore } from './settings.js';

export const TOKEN_KEY = 'device-token';

export interface EnrollmentDeps {
  settings: SettingsStore;
  secrets: SecretStore;
  system: SystemInfo;
  appVersion: string;
  /** Hub URL used when the user does not type one (from the build, the installer or the host options). */
  defaultHubUrl: string;
  logger: Logger;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface EnrollRequest {
  hubUrl?: string;
  code: string;
  deviceName?: string;
}

/** "https://hub.example.fr/" → "https://hub.example.fr"; anything but http(s) is refused. */
export function normalizeHubUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new VigieError('BAD_REQUEST', 'Adresse du serveur invalide.', { issues: [{ path: 'hubUrl', message: 'URL' }] });
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    throw new VigieError('BAD_REQUEST', 'L’adresse du serveur doit commencer par https://.', {
      issues: [{ path: 'hubUrl', message: 'protocol' }],
    });
  }
  u.hash = '';
  u.search = '';
  return u.toString().replace(/\/+$/, '');
}

/**
 * First run: hub URL + practice code → POST /api/enroll with what the machine says about itself;
 * the token goes to the SecretStore, the rest to settings.json. Forgetting (revocation) keeps the
 * hub URL so enrolling again only needs a new code.
 */
export class EnrollmentService {
  private readonly log: Logger;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly deps: EnrollmentDeps) {
    this.log = deps.logger.child({ svc: 'enrollment' });
    this.fetchFn = deps.fetch ?? fetch;
  }

  state(): EnrollmentState {
    const s = this.deps.settings.get();
    const hubUrl = s.hubUrl ?? this.deps.defaultHubUrl;
    if (s.deviceId && s.hubUrl) {
      return {
        status: 'enrolled',
        hubUrl: s.hubUrl,
        deviceId: s.deviceId,
        deviceName: s.deviceName ?? '',
        practiceName: s.practiceName ?? '',
      };
    }
    return { status: 'unenrolled', hubUrl, lastError: s.lastError };
  }

  /** The device token when enrolled, null otherwise. */
  async token(): Promise<string | null> {
    if (this.state().status !== 'enrolled') return null;
    return this.deps.secrets.get(TOKEN_KEY);
  }

  async enroll(req: EnrollRequest): Promise<EnrollmentState> {
    const hubUrl = normalizeHubUrl(req.hubUrl ?? this.deps.settings.get().hubUrl ?? this.deps.defaultHubUrl);
    const machine = await this.deps.system.read();
    const body: EnrollBody = {
      code: req.code,
      device: {
        name: (req.deviceName ?? machine.hostname).trim().slice(0, 100) || 'Ordinateur',
        os: machine.os,
        osVersion: machine.osVersion,
        model: machine.model,
        appVersion: this.deps.appVersion,
      },
    };
    const res = await this.post(`${hubUrl}${HTTP.enroll}`, body);
    // Token first: settings pointing at a device without its token would be a broken enrollment.
    await this.deps.secrets.set(TOKEN_KEY, res.token);
    await this.deps.settings.update({
      hubUrl,
      deviceId: res.deviceId,
      deviceName: body.device.name,
      practiceName: res.practice.name,
      lastError: null,
    });
    this.log.info('enrolled', { deviceId: res.deviceId, practice: res.practice.name, secrets: this.deps.secrets.kind });
    return this.state();
  }

  /** The hub refused the token: forget it and go back to enrollment, keeping the hub URL. */
  async forget(reason: ErrorCode): Promise<EnrollmentState> {
    await this.deps.secrets.delete(TOKEN_KEY);
    await this.deps.settings.update({ deviceId: null, deviceName: null, practiceName: null, lastError: reason });
    this.log.warn('device token forgotten', { reason });
    return this.state();
  }

  private async post(url: string, body: EnrollBody): Promise<EnrollResponse> {
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.deps.timeoutMs ?? 15_000),
        redirect: 'error',
      });
    } catch (e) {
      const name = (e as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new VigieError('TIMEOUT', 'Le serveur n’a pas répondu à temps.');
      this.log.warn('enrollment: hub unreachable', { url, err: e });
      throw new VigieError('OFFLINE', 'Impossible de joindre le serveur.');
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      throw new VigieError(response.ok ? 'INTERNAL' : 'OFFLINE', `Réponse inattendue du serveur (HTTP ${response.status}).`);
    }
    const parsed = resultSchema(EnrollResponse).safeParse(json);
    if (!parsed.success) throw new VigieError('INTERNAL', `Réponse inattendue du serveur (HTTP ${response.status}).`);
    if (!parsed.data.ok) throw new VigieError(parsed.data.error.code, parsed.data.error.message, parsed.data.error.details);
    return parsed.data.data;
  }
}
