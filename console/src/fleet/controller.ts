import { createStore } from 'zustand/vanilla';
import type { DeviceHistory, DeviceLogs, ErrorCode, HealthReport, Result } from '@vigie/common';
import type { Logger } from '../lib/log';
import type { TechClient, TechPushPayload } from '../lib/socket';
import type { FleetDevice } from './model';

/** A device's full security report as the workspace shows it. */
export interface DeviceHealthEntry {
  report: HealthReport | null;
  status: 'loading' | 'ready' | 'error';
  error: ErrorCode | null;
}

/** A device's page: facts, latest report and history (`device:history`). */
export interface DeviceHistoryEntry {
  data: DeviceHistory | null;
  status: 'loading' | 'ready' | 'error';
  error: ErrorCode | null;
}

export interface FleetState {
  devices: FleetDevice[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: ErrorCode | null;
  /** Full reports per device id, for the request workspace. */
  health: Record<string, DeviceHealthEntry>;
  /** Device pages opened in this session, by device id. */
  history: Record<string, DeviceHistoryEntry>;
}

const initial = (): FleetState => ({ devices: [], status: 'idle', error: null, health: {}, history: {} });

/**
 * The fleet ("Parc") and the devices' security reports: `devices:list` once the page is opened,
 * then kept live by the hub's `device:report` and `device:presence` pushes (a device the list
 * does not know yet triggers a reload); full reports fetched with `device:health` for the
 * workspace and fetched again when the device reports a newer scan.
 */
export class FleetController {
  readonly store = createStore<FleetState>()(initial);
  /** The fleet page was opened in this session: keep the list live and reload it on reconnection. */
  private wanted = false;
  private reloadTimer: ReturnType<typeof setTimeout> | null = null;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly client: TechClient,
    private readonly log: Logger,
  ) {}

  /** Subscribes to the hub client; returns the unsubscribe. */
  attach(): () => void {
    const offs = [
      this.client.on('device:report', (p) => this.onReport(p)),
      this.client.on('device:presence', (p) => this.onPresence(p.deviceId, p.online)),
      this.client.onStatus((s) => {
        if (s !== 'connected') return;
        if (this.wanted) void this.load();
        for (const id of Object.keys(this.store.getState().health)) void this.loadHealth(id);
        for (const id of Object.keys(this.store.getState().history)) void this.loadHistory(id);
      }),
    ];
    return () => {
      for (const off of offs) off();
      if (this.reloadTimer) clearTimeout(this.reloadTimer);
      this.reloadTimer = null;
    };
  }

  /** Loads (or reloads) every device; concurrent calls share one request. */
  load(): Promise<void> {
    this.wanted = true;
    if (this.loading) return this.loading;
    this.loading = (async () => {
      if (this.store.getState().status !== 'ready') this.store.setState({ status: 'loading', error: null });
      const r = await this.client.request('devices:list', {});
      if (r.ok) this.store.setState({ devices: r.data, status: 'ready', error: null });
      else {
        this.log.warn('devices:list failed', r.error);
        this.store.setState((s) => ({ status: s.status === 'ready' ? 'ready' : 'error', error: r.error.code }));
      }
    })().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  /** The full report of one device (from the hub). */
  async loadHealth(deviceId: string): Promise<void> {
    this.patchHealth(deviceId, (e) => ({ status: e?.status === 'ready' ? 'ready' : 'loading', error: null }));
    const r = await this.client.request('device:health', { deviceId });
    if (r.ok) this.patchHealth(deviceId, () => ({ report: r.data.report, status: 'ready', error: null }));
    else this.patchHealth(deviceId, (e) => ({ status: e?.status === 'ready' ? 'ready' : 'error', error: r.error.code }));
  }

  /** A device's page: its facts, latest report and history (the hub audits the read). */
  async loadHistory(deviceId: string): Promise<void> {
    this.store.setState((s) => ({
      history: {
        ...s.history,
        [deviceId]: { data: s.history[deviceId]?.data ?? null, status: s.history[deviceId]?.data ? 'ready' : 'loading', error: null },
      },
    }));
    const r = await this.client.request('device:history', { deviceId });
    this.store.setState((s) => {
      const held = s.history[deviceId]?.data ?? null;
      const entry: DeviceHistoryEntry = r.ok
        ? { data: r.data, status: 'ready', error: null }
        : { data: held, status: held ? 'ready' : 'error', error: r.error.code };
      return { history: { ...s.history, [deviceId]: entry } };
    });
  }

  /**
   * The last lines of the technical log of the device of `requestId` (its assigned technician
   * only; redacted by the device). Not kept: every look is an ask the hub audits and the
   * practitioner is told of.
   */
  deviceLogs(requestId: string, lines?: number): Promise<Result<DeviceLogs>> {
    return this.client.request('device:logs', { requestId, ...(lines ? { lines } : {}) });
  }

  /** A report that came with the request details (help:get): no second round trip needed. */
  seedHealth(deviceId: string, report: HealthReport | null | undefined): void {
    if (report === undefined) return;
    const held = this.store.getState().health[deviceId]?.report;
    if (held && report && Date.parse(held.finishedAt) > Date.parse(report.finishedAt)) return;
    this.patchHealth(deviceId, () => ({ report, status: 'ready', error: null }));
  }

  /** Signed out: nothing of this session stays. */
  reset(): void {
    this.wanted = false;
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = null;
    this.store.setState(initial());
  }

  private onReport(p: TechPushPayload<'device:report'>): void {
    const s = this.store.getState();
    if (s.devices.some((d) => d.id === p.deviceId)) {
      this.store.setState({
        devices: s.devices.map((d) =>
          d.id === p.deviceId
            ? { ...d, health: p.health, backup: p.backup, reportedAt: p.reportedAt, ...(p.appVersion ? { appVersion: p.appVersion } : {}) }
            : d,
        ),
      });
    } else this.scheduleReload();
    const held = s.health[p.deviceId];
    if (held && p.health && held.report?.finishedAt !== p.health.at) void this.loadHealth(p.deviceId);
  }

  private onPresence(deviceId: string, online: boolean): void {
    const h = this.store.getState().history[deviceId];
    if (h?.data && h.data.device.online !== online)
      this.store.setState((s) => ({
        history: { ...s.history, [deviceId]: { ...h, data: { ...h.data!, device: { ...h.data!.device, online } } } },
      }));
    const s = this.store.getState();
    if (!s.devices.some((d) => d.id === deviceId)) return this.scheduleReload();
    this.store.setState({ devices: s.devices.map((d) => (d.id === deviceId && d.online !== online ? { ...d, online } : d)) });
  }

  /** A device the list does not know (enrolled since): one reload for a burst of them. */
  private scheduleReload(): void {
    if (!this.wanted || this.reloadTimer) return;
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      void this.load();
    }, 500);
  }

  private patchHealth(deviceId: string, fn: (e: DeviceHealthEntry | undefined) => Partial<DeviceHealthEntry>): void {
    this.store.setState((s) => {
      const prev = s.health[deviceId];
      const next: DeviceHealthEntry = { report: null, status: 'loading', error: null, ...prev, ...fn(prev) };
      return { health: { ...s.health, [deviceId]: next } };
    });
  }
}
