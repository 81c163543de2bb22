import { describe, expect, it } from 'vitest';
import { ScreenControlUnavailableReason, type ScreenSession } from '@vigie/common';
import { createI18n } from '../i18n';
import { createLogger } from '../lib/log';
import { createTechClient } from '../lib/socket';
import { ScreenController, type ScreenViewState } from './controller';
import { REFUSAL_REASONS, controlAnswerLine, errorLine, pendingConsent, secondsLeft } from './notice';
import { panelView } from './panel-view';
import { contentBox, keyMessage, normalize, pointerButton, wheelPixels } from './input';
import { formatBitrate, qualityBetween, readInboundVideo } from './quality';
import { screenEn, screenFr } from './strings';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v as object, `${prefix}${k}.`)));
}

describe('viewer input', () => {
  it('maps the pointer to 0..1 of the shared screen inside the letterboxed picture', () => {
    // A 1280×720 picture in an 800×600 element: 800×450, 75 px bands above and below.
    const box = contentBox({ left: 100, top: 50, width: 800, height: 600 }, 1280, 720)!;
    expect(box).toEqual({ left: 100, top: 125, width: 800, height: 450 });
    expect(normalize(box, 100, 125)).toEqual({ x: 0, y: 0 });
    expect(normalize(box, 900, 575)).toEqual({ x: 1, y: 1 });
    expect(normalize(box, 300, 350)).toEqual({ x: 0.25, y: 0.5 });
    expect(normalize(box, 300, 100)).toBeNull(); // in the band above the picture
    expect(normalize(box, 950, 300)).toBeNull();
    // A tall picture in a wide element: bands on the sides.
    expect(contentBox({ left: 0, top: 0, width: 1000, height: 500 }, 500, 1000)).toEqual({ left: 375, top: 0, width: 250, height: 500 });
    expect(contentBox({ left: 0, top: 0, width: 1000, height: 500 }, 0, 0)).toBeNull();
  });

  it('sends the three buttons, wheel deltas in pixels within the contract, key codes with modifiers', () => {
    expect([0, 1, 2, 3, 4].map(pointerButton)).toEqual(['left', 'middle', 'right', null, null]);
    expect(wheelPixels({ deltaX: 0, deltaY: 120, deltaMode: 0 }, 700)).toEqual({ dx: 0, dy: 120 });
    expect(wheelPixels({ deltaX: -2, deltaY: 3, deltaMode: 1 }, 700)).toEqual({ dx: -32, dy: 48 });
    expect(wheelPixels({ deltaX: 0, deltaY: 1, deltaMode: 2 }, 700)).toEqual({ dx: 0, dy: 700 });
    expect(wheelPixels({ deltaX: 0, deltaY: 1e9, deltaMode: 0 }, 700)).toEqual({ dx: 0, dy: 10_000 });
    const mods = { altKey: false, ctrlKey: true, metaKey: false, shiftKey: true };
    expect(keyMessage('down', { code: 'KeyA', ...mods })).toEqual({
      t: 'key.down',
      code: 'KeyA',
      mods: { alt: false, ctrl: true, meta: false, shift: true },
    });
    expect(keyMessage('up', { code: 'Enter', ...mods })).toMatchObject({ t: 'key.up', code: 'Enter' });
    expect(keyMessage('down', { code: '', ...mods })).toBeNull();
    expect(keyMessage('down', { code: 'Unidentified key', ...mods })).toBeNull();
  });
});

describe('quality line', () => {
  it('reads the inbound video statistics and computes fps and bitrate between two samples', () => {
    const report = [
      { type: 'candidate-pair', currentRoundTripTime: 0.01 },
      { type: 'inbound-rtp', kind: 'audio', bytesReceived: 5 },
      {
        type: 'inbound-rtp',
        kind: 'video',
        timestamp: 10_000,
        framesDecoded: 100,
        bytesReceived: 1_000_000,
        frameWidth: 1280,
        frameHeight: 720,
      },
    ];
    const a = readInboundVideo(report)!;
    expect(a).toEqual({ at: 10_000, framesDecoded: 100, bytesReceived: 1_000_000, width: 1280, height: 720 });
    expect(qualityBetween(null, a, null)).toEqual({ fps: null, kbps: null, width: 1280, height: 720, rttMs: null });
    const b = { ...a, at: 12_000, framesDecoded: 160, bytesReceived: 1_500_000 };
    expect(qualityBetween(a, b, 12)).toEqual({ fps: 30, kbps: 2000, width: 1280, height: 720, rttMs: 12 });
    // A new peer (counters restarted): no nonsense figures.
    expect(qualityBetween(b, { ...a, at: 13_000 }, 12).fps).toBeNull();
    expect(readInboundVideo([{ type: 'outbound-rtp', kind: 'video' }])).toBeNull();
  });

  it('prints the bitrate in the UI language', () => {
    expect(formatBitrate(1840, 'fr')).toBe('1,8 Mbit/s');
    expect(formatBitrate(1840, 'en')).toBe('1.8 Mbit/s');
    expect(formatBitrate(850.4, 'fr')).toBe('850 kbit/s');
  });
});

describe('screen strings', () => {
  it('English has every French key, none empty', () => {
    const en = new Set(keys(screenEn));
    for (const k of keys(screenFr)) expect(en.has(k), k).toBe(true);
    expect(keys(screenEn).length).toBe(keys(screenFr).length);
  });
});

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

describe('what the technician is told', () => {
  it('shows the code and the hub’s deadline while a view or a control consent is asked, nothing otherwise', () => {
    const at = '2030-01-01T10:00:30.000Z';
    expect(pendingConsent(session({ state: 'consent-pending', consentExpiresAt: at }))).toEqual({
      kind: 'view',
      code: 'K7Q2MX',
      expiresAt: at,
    });
    expect(pendingConsent(session({ state: 'control-pending', consentExpiresAt: at }))).toEqual({
      kind: 'control',
      code: 'K7Q2MX',
      expiresAt: at,
    });
    expect(pendingConsent(session({ state: 'viewing' }))).toBeNull();
    expect(pendingConsent(null)).toBeNull();
    // Seconds on the hub's clock: this console runs 4 s behind the hub.
    const local = Date.parse('2030-01-01T10:00:10.000Z');
    expect(secondsLeft(at, local, 0)).toBe(20);
    expect(secondsLeft(at, local, 4000)).toBe(16);
    expect(secondsLeft(at, local + 60_000, 0)).toBe(0);
    // A clock ahead of the hub never shows more than a consent lasts.
    expect(secondsLeft(at, local - 60_000, 0)).toBe(30);
  });

  it('says why control did not start: refused, no answer, impossible here with the machine’s reason — in both languages', () => {
    const fr = createI18n('fr');
    const en = createI18n('en');
    const say = (i: typeof fr, l: ReturnType<typeof controlAnswerLine>) => {
      const { reasonKey, ...vars } = l!.vars ?? {};
      return i.t(l!.key, reasonKey ? { ...vars, reason: i.t(String(reasonKey)) } : vars);
    };
    const answered = (decision: 'granted' | 'refused' | 'timeout' | 'unavailable', reason: ScreenControlUnavailableReason | null = null) =>
      session({ controlAnswer: { decision, reason, at: '2030-01-01T10:01:00.000Z' } });
    expect(say(fr, controlAnswerLine(answered('refused')))).toBe('Le cabinet a refusé la prise de main.');
    expect(say(fr, controlAnswerLine(answered('timeout')))).toBe('Pas de réponse du cabinet : prise de main refusée automatiquement.');
    expect(say(fr, controlAnswerLine(answered('unavailable', 'wayland-only')))).toBe(
      'Prise de main impossible sur ce poste : la session graphique (Wayland) ne permet pas de piloter la souris et le clavier.',
    );
    expect(say(en, controlAnswerLine(answered('unavailable')))).toBe(
      'Remote control is not possible on this computer: the computer did not say why.',
    );
    for (const reason of ScreenControlUnavailableReason.options) {
      for (const i of [fr, en]) expect(say(i, controlAnswerLine(answered('unavailable', reason)))).not.toContain('unavailableReasons');
    }
    // Granted, still asking, or ended: nothing to say about control.
    expect(controlAnswerLine(answered('granted'))).toBeNull();
    expect(controlAnswerLine({ ...answered('refused'), state: 'control-pending' })).toBeNull();
    expect(controlAnswerLine({ ...answered('refused'), state: 'ended' })).toBeNull();
  });

  it('turns every refusal into a sentence: the hub’s reason when known, else the code’s', () => {
    const fr = createI18n('fr');
    for (const reason of REFUSAL_REASONS) {
      const l = errorLine({ code: 'CONFLICT', reason });
      expect(fr.t(l.key)).not.toBe(l.key);
    }
    expect(fr.t(errorLine({ code: 'CONFLICT', reason: 'device-offline' }).key)).toBe(
      'Le poste n’est pas connecté : son écran ne peut pas être partagé pour l’instant.',
    );
    expect(errorLine({ code: 'FORBIDDEN', reason: 'something-new' })).toEqual({ key: 'errors.FORBIDDEN' });
    expect(fr.t('screen.endReasons.refused')).toBe('Le cabinet a refusé le partage d’écran.');
  });
});

// The screen state of a console that asked for request r1: a real controller's first state (its client never connects), then what each case sets.
const log = createLogger();
const initialView = new ScreenController(createTechClient({ url: 'http://127.0.0.1:9', log }), log).store.getState();
const state = (over: Partial<ScreenViewState>): ScreenViewState => ({ ...initialView, requestId: 'r1', mine: true, ...over });
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
