import type { ScreenSession } from '@vigie/common';
import { canControl, isLive, isOpen, type ScreenViewState } from './controller';
import { controlAnswerLine, pendingConsent, type ScreenLine } from './notice';

/**
 * What the « Écran du poste » panel of one request shows, decided from the screen's state alone:
 * whether the session is this tab's and live, which buttons apply, the consent code, and the one
 * status line (waiting for consent, viewing, controlling, another tab holds it, the end's reason…).
 */
export interface PanelView {
  /** The screen state is about this request (one session at a time per console). */
  shown: boolean;
  session: ScreenSession | null;
  mine: boolean;
  live: boolean;
  control: boolean;
  /** Another tab of this console holds the session. */
  otherTab: boolean;
  switchPending: boolean;
  switchRefused: boolean;
  canSwitch: boolean;
  consent: ReturnType<typeof pendingConsent>;
  controlAnswer: ScreenLine | null;
  /** Control asked for before the picture (and its data channel) arrived. */
  waitsForPicture: boolean;
  status: ScreenLine | null;
}

export function panelView(st: ScreenViewState, requestId: string, deviceName: string): PanelView {
  const shown = st.requestId === requestId;
  const session = shown ? st.session : null;
  const mine = shown && st.mine;
  const live = mine && isLive(session);
  const control = shown && canControl(st);
  const otherTab = shown && !st.mine && isOpen(session);
  const sw = session?.displaySwitch ?? null;
  const switchPending = !!sw && sw.answeredAt === null;
  const switchRefused = live && !!sw && (sw.decision === 'refused' || sw.decision === 'timeout');
  const canSwitch = live && (session?.state === 'viewing' || session?.state === 'controlling') && !!st.display && st.display.count > 1;

  let status: ScreenLine | null = null;
  if (mine && session?.state === 'consent-pending') status = { key: 'screen.waitingConsent' };
  else if (live && session?.state === 'control-pending') status = { key: 'screen.controlPending' };
  else if (live && switchPending) status = { key: 'screen.switchPending' };
  else if (live && control) status = { key: 'screen.controlling' };
  else if (live) status = st.stream ? { key: 'screen.viewing', vars: { device: deviceName } } : { key: 'screen.connecting' };
  else if (otherTab) status = { key: 'screen.otherTab' };
  else if (shown && st.lost) status = { key: 'screen.lost' };
  else if (session?.state === 'ended' && session.endReason) status = { key: `screen.endReasons.${session.endReason}` };

  return {
    shown,
    session,
    mine,
    live,
    control,
    otherTab,
    switchPending,
    switchRefused,
    canSwitch,
    consent: mine ? pendingConsent(session) : null,
    controlAnswer: live ? controlAnswerLine(session) : null,
    waitsForPicture: live && session?.state === 'viewing' && !st.channelOpen,
    status,
  };
}
