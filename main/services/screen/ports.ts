/**
 * Ports of the remote-screen capability. Adapters: main/platform/node/input-nutjs.ts (nut-js, used
 * by Electron's main process and by the browser host alike); tests bring recording ones.
 */
import type { z } from 'zod';
import type {
  BackupReason,
  DisplayInfo,
  InputEvent,
  Result,
  SCREEN_DEVICE_EVENTS,
  SCREEN_DEVICE_PUSH,
  ScreenDeviceEvent,
} from '@vigie/common';

export type { DisplayInfo, InputEvent };

export type InjectorUnavailableReason = 'no-display' | 'display-unreachable' | 'wayland-only' | 'load-failed' | 'unsupported-os';

export type InjectorAvailability =
  { available: true } | { available: false; code: 'UNAVAILABLE'; reason: InjectorUnavailableReason; message: string };

/** What an injection did: `unsupported` when the event cannot be reproduced here (unknown key code…). */
export type InjectResult = 'injected' | 'unsupported';

/**
 * Injects the technician's input into this machine. The session service calls it only while
 * control is granted, with events already validated by the contract, one at a time, in order.
 */
export interface InputInjector {
  readonly name: string;
  /** Never throws and never crashes the process (nut-js segfaults without a display on Linux). */
  availability(): Promise<InjectorAvailability>;
  /** Pointer coordinates are normalized to `display` and mapped to its pixel bounds (geometry.toPixel). */
  inject(event: InputEvent, display: DisplayInfo): Promise<InjectResult>;
  readClipboard(): Promise<string>;
  writeClipboard(text: string): Promise<void>;
}

/** The monitors the practitioner may share (bounds in the injector's pixel space). */
export interface ScreenDisplays {
  list(): Promise<DisplayInfo[]>;
}

/** How a safety snapshot went (issue 12). */
export type SafetyOutcome = { ok: true; snapshotId: string } | { ok: false; reason: BackupReason };

/**
 * The safety backup before a technician acts (issue 12). Adapter: SafetyService
 * (main/services/backup/safety.ts), given by the backup capability.
 */
export interface SafetyGate {
  /** True when a safety snapshot can be taken here (backups configured): the control consent says it will be. */
  available(): boolean;
  /** Takes the safety snapshot before the technician of `requestId` acts (joins one already running); never rejects. */
  before(ctx: { requestId: string; technicianName: string }): Promise<SafetyOutcome>;
  /** The session where control was granted is over: what changed is computed in the background. */
  after(requestId: string): void;
}

type DevicePushName = keyof typeof SCREEN_DEVICE_PUSH;

/** The hub as the screen service sees it (the app's HubConnection, adapted in one line per method). */
export interface ScreenHubLink {
  request<K extends ScreenDeviceEvent>(
    event: K,
    payload: z.input<(typeof SCREEN_DEVICE_EVENTS)[K]['request']>,
  ): Promise<Result<z.infer<(typeof SCREEN_DEVICE_EVENTS)[K]['response']>>>;
  onPush<K extends DevicePushName>(name: K, listener: (payload: z.infer<(typeof SCREEN_DEVICE_PUSH)[K]>) => void): () => void;
  /** Connection state changes (false: the hub is unreachable). */
  onConnection(listener: (online: boolean) => void): () => void;
}
