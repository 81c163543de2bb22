import {
  SCREEN_STOP_ACCELERATOR,
  type BackupReason,
  type DisplayInfo,
  type IceConfig,
  type ScreenEndedBy,
  type ScreenEndReason,
  type ScreenPhase,
  type ScreenState,
} from '@vigie/common';
import type { Pending } from './consent-window.js';
import { isLivePhase } from './lifecycle.js';

/** Who asks, as the consent request said. */
export type Current = {
  id: string;
  requestId: string;
  technicianName: string;
  technicianInitials: string;
  providerName: string;
  shortCode: string;
};

export interface ScreenStateInput {
  phase: ScreenPhase;
  current: Current | null;
  pending: Pending | null;
  display: DisplayInfo | null;
  displayRank: { index: number; count: number } | null;
  ice: IceConfig | null;
  safety: { state: 'running' | 'done' | 'failed'; reason: BackupReason | null } | null;
  /** A safety backup is taken before control here (the control consent says so). */
  safetyBackup: boolean;
  ended: { sessionId: string; by: ScreenEndedBy; reason: ScreenEndReason; at: string } | null;
  input: ScreenState['input'];
}

/**
 * What the renderer and the shell are told (pure): the consent to show, the banner, what may be
 * captured (only while live), the safety backup, the end, the input counters.
 */
export function screenState(v: ScreenStateInput): ScreenState {
  const c = v.current;
  const p = v.pending;
  const live = c !== null && isLivePhase(v.phase);
  return {
    phase: v.phase,
    sessionId: c?.id ?? null,
    consent:
      c && p
        ? {
            sessionId: p.sessionId,
            kind: p.kind,
            technicianName: c.technicianName,
            technicianInitials: c.technicianInitials,
            providerName: c.providerName,
            shortCode: c.shortCode,
            expiresAt: new Date(p.expiresAt).toISOString(),
            displays: p.displays,
            defaultDisplayId: p.switching ? p.switching.displayId : ((p.displays.find((d) => d.primary) ?? p.displays[0])?.id ?? null),
            inputAvailable: p.inputAvailable,
            ...(p.switching ? { switching: true } : {}),
            ...(p.kind === 'control' && v.safetyBackup ? { safetyBackup: true } : {}),
          }
        : null,
    banner: live
      ? {
          mode: v.phase === 'controlling' ? 'controlling' : 'viewing',
          technicianName: c.technicianName,
          controlPending: v.phase === 'control-pending',
          stopAccelerator: SCREEN_STOP_ACCELERATOR,
        }
      : null,
    capture: live
      ? {
          sessionId: c.id,
          displayId: v.display?.id ?? null,
          ice: v.ice,
          display: v.display && v.displayRank ? { label: v.display.label, ...v.displayRank } : null,
        }
      : null,
    safety: c ? v.safety : null,
    ended: v.ended,
    input: v.input,
  };
}
