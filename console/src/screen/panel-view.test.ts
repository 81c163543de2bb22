import { describe, expect, it } from 'vitest';
import type { ScreenSession } from '@vigie/common';
import type { ScreenViewState } from './controller';
import { panelView } from './panel-view';

const session = (over: Partial<ScreenSession>): ScreenSession => ({
  id: 's1',
  requestId: 'r1',
  deviceId: 'd1',
  technician: { id: 't1', displayName: 'Julie Martin', initials: 'JM' },
  state: 'viewing',
  kind: 'view',
  shortCode: 'K7Q2MX',
  requestedAt: '2030-01-01T10:00:00.000Z',
  consentExpiresAt: null,
  consentAt: '2030-01-01T10:00:05.000Z',
  refusedAt: null,
  controlRequestedAt: null,
  controlGrantedAt: null,
  controlRevokedAt: null,
  endedAt: null,
  endedBy: null,
  endReason: null,
  ...over,
});
const state = (over: Partial<ScreenViewState>): ScreenViewState => ({
  requestId: 'r1',
  session: null,
  mine: true,
  stream: null,
  deviceControl: null,
  channelOpen: false,
  display: null,
  quality: null,
  clipboard: { status: 'idle', text: null, error: null },
  busy: null,
  error: null,
  lost: false,
  ...over,
});
// Enough of a MediaStream for the panel, which only asks whether there is one.
const stream = {} as MediaStream;
const at = '2030-01-01T10:00:30.000Z';
const twoMonitors = { label: 'Écran 2', index: 1, count: 2 };

describe('the screen panel of a request', () => {
  const statuses: Array<[string, ScreenViewState, string | null]> = [
    ['nothing asked yet', state({}), null],
    ['consent asked by this tab', state({ session: session({ state: 'consent-pending', consentExpiresAt: at }) }), 'screen.waitingConsent'],
    ['viewing, picture not there yet', state({ session: session({}) }), 'screen.connecting'],
    ['viewing with the picture', state({ session: session({}), stream }), 'screen.viewing'],
    ['control asked', state({ session: session({ state: 'control-pending', consentExpiresAt: at }), stream }), 'screen.controlPending'],
    [
      'another monitor asked',
      state({ session: session({ displaySwitch: { index: 2, requestedAt: at, answeredAt: null, decision: null } }), stream }),
      'screen.switchPending',
    ],
    [
      'controlling, the device agrees and the channel is open',
      state({ session: session({ state: 'controlling' }), stream, channelOpen: true, deviceControl: true }),
      'screen.controlling',
    ],
    [
      'the hub says controlling, the device said no',
      state({ session: session({ state: 'controlling' }), stream, channelOpen: true, deviceControl: false }),
      'screen.viewing',
    ],
    ['the session is held by another tab', state({ session: session({}), mine: false }), 'screen.otherTab'],
    ['the connection dropped while viewing', state({ lost: true, mine: false }), 'screen.lost'],
    ['ended: the end’s reason', state({ session: session({ state: 'ended', endReason: 'refused' }) }), 'screen.endReasons.refused'],
    ['another request’s session says nothing here', state({ requestId: 'r2', session: session({ requestId: 'r2' }), stream }), null],
  ];
  it.each(statuses)('status: %s', (_what, st, key) => {
    expect(panelView(st, 'r1', 'Poste accueil').status?.key ?? null).toBe(key);
  });

  it('names the device in the viewing line', () => {
    expect(panelView(state({ session: session({}), stream }), 'r1', 'Poste accueil').status).toEqual({
      key: 'screen.viewing',
      vars: { device: 'Poste accueil' },
    });
  });

  it('shows the code only to the tab that asked, while a consent is pending', () => {
    const pending = session({ state: 'consent-pending', consentExpiresAt: at });
    expect(panelView(state({ session: pending }), 'r1', 'x').consent).toEqual({ kind: 'view', code: 'K7Q2MX', expiresAt: at });
    expect(panelView(state({ session: pending, mine: false }), 'r1', 'x').consent).toBeNull();
  });

  it('offers another monitor only while live with more than one, and says a refused switch', () => {
    const live = state({ session: session({}), stream, display: twoMonitors });
    expect(panelView(live, 'r1', 'x').canSwitch).toBe(true);
    expect(panelView({ ...live, display: { ...twoMonitors, count: 1 } }, 'r1', 'x').canSwitch).toBe(false);
    expect(panelView({ ...live, mine: false }, 'r1', 'x').canSwitch).toBe(false);
    const refused = session({ displaySwitch: { index: 2, requestedAt: at, answeredAt: at, decision: 'refused' } });
    expect(panelView({ ...live, session: refused }, 'r1', 'x')).toMatchObject({ switchRefused: true, switchPending: false });
  });

  it('says control waits for the picture while the data channel is not open, and why control did not start', () => {
    expect(panelView(state({ session: session({}), stream }), 'r1', 'x').waitsForPicture).toBe(true);
    expect(panelView(state({ session: session({}), stream, channelOpen: true }), 'r1', 'x').waitsForPicture).toBe(false);
    const answered = session({ controlAnswer: { decision: 'refused', reason: null, at } });
    expect(panelView(state({ session: answered, stream, channelOpen: true }), 'r1', 'x').controlAnswer).toEqual({
      key: 'screen.controlAnswers.refused',
    });
  });
});
