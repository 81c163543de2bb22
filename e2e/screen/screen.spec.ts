/**
 * Remote screen end to end, headless: the practitioner page (browser host: the real renderer and
 * app services) and the technician console in Debian Chromium, a real hub between them. Chromium's
 * fake media flags make getDisplayMedia return a synthetic 1280×720 screen through the real code
 * path (consent → capture → simple-peer → hub signaling → decoded frames). Input is injected by a
 * recording InputInjector given to the host (nut-js itself runs under Xvfb in xvfb.spec.ts).
 */
import { expect } from 'vitest';
import { SCREEN_STRINGS, SHARED_STRINGS } from '@vigie/common';
import { connectDevice, connectTech, emitAck, enrollDevice } from '../../server/src/test-support/sockets.js';
import { ManualClock } from '@vigie/common/test-support/clock';
import { signInToConsole } from '../support/console.js';
import { PASSWORD, RecordingInjector, TWO_DISPLAYS, decoded, probe, screenTest, sendRaw, until, type ScreenWorld } from './harness.js';

const injector = new RecordingInjector();
const clock = ManualClock.stepping();
const test = screenTest({ screen: { injector, displays: { list: async () => TWO_DISPLAYS }, clock } });
/** The file's world (one for all its cases), for the helpers below. */
let w: ScreenWorld;
test.beforeEach(({ w: world }) => {
  w = world;
});

test.describe('remote screen between the practitioner app and the console (synthetic screen)', () => {
  const panel = () => w.console.getByTestId('screen-panel');
  const consoleStatus = () => w.console.getByTestId('screen-status');
  const liveSession = () => w.host.screen!.service!.state();

  /** "Voir l'écran" → the same code on both sides → "Autoriser" → frames decoded by the technician. */
  async function startViewing(): Promise<void> {
    await panel().getByRole('button', { name: 'Voir l’écran' }).click();
    const code = (await w.console.getByTestId('screen-code').locator('strong').textContent())!.trim();
    const dialog = w.app.getByRole('alertdialog', { name: 'Demande de partage d’écran' });
    await dialog.waitFor();
    expect((await dialog.locator('.screen-code').textContent())!.trim()).toBe(code);
    await dialog.getByRole('button', { name: 'Autoriser' }).click();
    await until(async () => (await decoded(w.console)).framesDecoded > 0, 'frames decoded by the technician');
  }

  async function nothingLeft(): Promise<void> {
    await until(async () => {
      const [a, c] = await Promise.all([probe(w.app), probe(w.console)]);
      return a.liveTracks === 0 && a.openPeers === 0 && c.openPeers === 0;
    }, 'tracks stopped and peers closed on both sides');
  }

  // Each case starts with no session: one that a failed case left open is stopped by the practice.
  test.afterEach(async () => {
    const svc = w?.host.screen?.service;
    if (!svc || svc.state().phase === 'idle' || svc.state().phase === 'ended') return;
    await svc.stopSharing();
    await panel().getByRole('button', { name: 'Voir l’écran' }).waitFor();
  });

  test('consent given: the technician decodes real frames; "Terminer" stops the capture and closes both peers', async () => {
    await startViewing();
    // The real size of the shared screen (the first frames may come smaller while the link warms up).
    const d = await until(async () => {
      const x = await decoded(w.console);
      return x.videoWidth === 1280 ? x : null;
    }, 'the full 1280×720 picture');
    expect(d).toMatchObject({ videoWidth: 1280, videoHeight: 720 });
    expect(d.framesDecoded).toBeGreaterThan(0);
    await w.app.getByRole('region', { name: 'Partage d’écran en cours' }).getByText('Julie Martin voit votre écran').waitFor();
    await w.console
      .getByTestId('screen-quality')
      .getByText(/images\/s · 1280 × 720 · .* · aller-retour \d+ ms/)
      .waitFor();
    // The practitioner shared the main one of their two screens (chosen by default).
    await w.console.getByTestId('screen-monitor').getByText('Écran partagé : Écran principal (1 sur 2)').waitFor();
    for (const page of [w.app, w.console]) await page.getByRole('log').getByText(SCREEN_STRINGS.fr.chatStarted).waitFor();

    await panel().getByRole('button', { name: 'Terminer' }).click();
    await consoleStatus().getByText('Partage terminé par le technicien.').waitFor();
    await nothingLeft();
    expect(await w.app.getByRole('region', { name: 'Partage d’écran en cours' }).count()).toBe(0);
    for (const page of [w.app, w.console]) await page.getByRole('log').getByText(SCREEN_STRINGS.fr.chatEnded).first().waitFor();
  });
  test('control is a second consent: pointer, wheel and keys reach the injector as normalized events; clipboard both ways; "Reprendre la main" stops input; "Arrêter" ends both sides', async () => {
    await startViewing();
    await panel().getByRole('button', { name: 'Prendre la main' }).click();
    const dialog = w.app.getByRole('alertdialog', { name: 'Demande de prise en main' });
    await dialog.getByText('Julie Martin (InfoSanté Services) souhaite utiliser votre souris et votre clavier.').waitFor();
    await dialog.getByRole('button', { name: 'Autoriser' }).click();
    await w.app.getByText('Julie Martin contrôle votre ordinateur').waitFor();
    await consoleStatus().getByText('Vous contrôlez la souris et le clavier du poste.').waitFor();

    // A click at a quarter of the width, three quarters of the height of the picture.
    injector.events.length = 0;
    const video = w.console.getByTestId('screen-video');
    const box = (await video.boundingBox())!;
    await video.click({ position: { x: box.width * 0.25, y: box.height * 0.75 } });
    await until(() => injector.events.some((e) => e.event.t === 'pointer.up'), 'the click injected');
    const down = injector.events.find((e) => e.event.t === 'pointer.down')!;
    expect(down.display.id).toBe('screen-0');
    expect(down.event).toMatchObject({ t: 'pointer.down', button: 'left' });
    const at = down.event as { x: number; y: number };
    expect(Math.abs(at.x - 0.25)).toBeLessThan(0.01);
    expect(Math.abs(at.y - 0.75)).toBeLessThan(0.01);

    // Keys typed in the console (the picture has the focus since the click) reach the injector as key codes.
    await w.console.keyboard.type('ok');
    await w.console.keyboard.press('Shift+KeyA');
    await until(() => injector.events.filter((e) => e.event.t === 'key.up').length >= 4, 'the keys injected');
    const keys = injector.events.filter((e) => e.event.t === 'key.down' || e.event.t === 'key.up').map((e) => e.event);
    expect(keys).toEqual([
      { t: 'key.down', code: 'KeyO', mods: { alt: false, ctrl: false, meta: false, shift: false } },
      { t: 'key.up', code: 'KeyO', mods: { alt: false, ctrl: false, meta: false, shift: false } },
      { t: 'key.down', code: 'KeyK', mods: { alt: false, ctrl: false, meta: false, shift: false } },
      { t: 'key.up', code: 'KeyK', mods: { alt: false, ctrl: false, meta: false, shift: false } },
      { t: 'key.down', code: 'ShiftLeft', mods: { alt: false, ctrl: false, meta: false, shift: true } },
      { t: 'key.down', code: 'KeyA', mods: { alt: false, ctrl: false, meta: false, shift: true } },
      { t: 'key.up', code: 'KeyA', mods: { alt: false, ctrl: false, meta: false, shift: true } },
      { t: 'key.up', code: 'ShiftLeft', mods: { alt: false, ctrl: false, meta: false, shift: false } },
    ]);

    // The wheel, in pixels, where the pointer is.
    await w.console.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await w.console.mouse.wheel(0, 240);
    const wheel = await until(() => injector.events.find((e) => e.event.t === 'wheel'), 'the wheel injected');
    expect(wheel.event).toMatchObject({ t: 'wheel', dx: 0, dy: 240 });

    // Clipboard, on request only, both ways.
    await panel().getByText('Presse-papiers du poste', { exact: true }).click();
    await panel().getByLabel('Texte à copier sur le poste').fill('Code Wi-Fi : été 2024');
    await panel().getByRole('button', { name: 'Copier sur le poste' }).click();
    await panel().getByText('Texte copié dans le presse-papiers du poste.').waitFor();
    expect(injector.clipboard).toBe('Code Wi-Fi : été 2024');
    injector.clipboard = 'Numéro de licence 42-17';
    await panel().getByRole('button', { name: 'Lire le presse-papiers du poste' }).click();
    await panel().getByText('Numéro de licence 42-17').waitFor();

    // The practitioner takes control back: the view goes on, the console stops sending input, and
    // whatever still arrives on the data channel is dropped by the device.
    await w.app.getByRole('region', { name: 'Partage d’écran en cours' }).getByRole('button', { name: 'Reprendre la main' }).click();
    await w.app.getByText('Julie Martin voit votre écran').waitFor();
    await consoleStatus().getByText('Vous voyez l’écran de Poste accueil.').waitFor();
    expect(await panel().getByRole('button', { name: 'Prendre la main' }).isEnabled()).toBe(true);
    const injected = injector.events.length;
    const dropped = w.host.screen!.service!.dropCounts()['not-controlling'];
    await video.click({ position: { x: box.width / 2, y: box.height / 2 } });
    await sendRaw(w.console, { t: 'pointer.down', x: 0.5, y: 0.5, button: 'left' });
    await sendRaw(w.console, { t: 'key.down', code: 'KeyX', mods: { alt: false, ctrl: false, meta: false, shift: false } });
    await sendRaw(w.console, { t: 'clipboard.get', id: 9 });
    await until(() => w.host.screen!.service!.dropCounts()['not-controlling'] >= dropped + 3, 'the device to drop the input');
    expect(injector.events.length).toBe(injected);
    expect((await decoded(w.console)).framesDecoded).toBeGreaterThan(0);

    // "Arrêter" on the banner ends everything on both sides.
    await w.app.getByRole('region', { name: 'Partage d’écran en cours' }).getByRole('button', { name: 'Arrêter' }).click();
    await consoleStatus().getByText('Partage arrêté par le cabinet.').waitFor();
    await nothingLeft();
    expect(liveSession()).toMatchObject({
      phase: 'ended',
      capture: null,
      banner: null,
      ended: { reason: 'practitioner-stop', by: 'device' },
    });
    expect(await w.console.getByTestId('screen-video').count()).toBe(0);
  });

  test('refused: nothing is captured and no peer is created; the console says so', async () => {
    const [app0, tech0] = await Promise.all([probe(w.app), probe(w.console)]);
    await panel().getByRole('button', { name: 'Voir l’écran' }).click();
    const dialog = w.app.getByRole('alertdialog', { name: 'Demande de partage d’écran' });
    // Two screens on this machine: the practitioner chooses which one (the main one by default).
    await dialog.getByRole('radio', { name: /Écran principal/ }).waitFor();
    expect(await dialog.getByRole('radio', { name: /Écran principal/ }).isChecked()).toBe(true);
    await dialog.getByRole('button', { name: 'Refuser' }).click();
    await consoleStatus().getByText('Le cabinet a refusé le partage d’écran.').waitFor();
    await w.app.getByRole('status', { name: 'Partage d’écran terminé' }).getByText('Partage refusé.').waitFor();
    const [app1, tech1] = await Promise.all([probe(w.app), probe(w.console)]);
    expect(app1).toEqual({ ...app0, liveTracks: 0, openPeers: 0 });
    expect(tech1.peers).toBe(tech0.peers);
    expect(liveSession()).toMatchObject({ phase: 'ended', capture: null, ended: { reason: 'refused' } });
  });

  test('no answer: refused by itself when the consent expires (device clock moved past 30 s); nothing captured', async () => {
    const [app0, tech0] = await Promise.all([probe(w.app), probe(w.console)]);
    await panel().getByRole('button', { name: 'Voir l’écran' }).click();
    const dialog = w.app.getByRole('alertdialog', { name: 'Demande de partage d’écran' });
    await dialog.getByText(/Refus automatique dans \d+ s/).waitFor();
    clock.advance(31_000);
    await consoleStatus().getByText('Pas de réponse du cabinet : partage refusé automatiquement.').waitFor();
    await dialog.waitFor({ state: 'detached' });
    const [app1, tech1] = await Promise.all([probe(w.app), probe(w.console)]);
    expect(app1).toEqual({ ...app0, liveTracks: 0, openPeers: 0 });
    expect(tech1.peers).toBe(tech0.peers);
    expect(liveSession()).toMatchObject({ phase: 'ended', ended: { reason: 'timeout' } });
  });

  test('« Prendre la main »: the technician sees the code and the countdown the practitioner sees; refused, withdrawn and unanswered asks are each said — in French and English', async () => {
    await startViewing();
    const code = w.console.getByTestId('screen-code');
    const answer = w.console.getByTestId('screen-control-answer');
    const dialog = w.app.getByRole('alertdialog', { name: 'Demande de prise en main' });
    /** « Prendre la main »: the same code on both sides, and a countdown on both sides. */
    const ask = async () => {
      await panel().getByRole('button', { name: 'Prendre la main' }).click();
      await dialog.waitFor();
      await code.getByText('Code à lire au cabinet pour la prise de main').waitFor();
      const shown = (await code.locator('strong').textContent())!.trim();
      expect(shown).toBe((await dialog.locator('.screen-code').textContent())!.trim());
      expect(shown).toBe(liveSession().consent!.shortCode);
      const seconds = Number(/(\d+) s$/.exec((await code.getByTestId('screen-countdown').textContent())!)![1]);
      expect(seconds).toBeGreaterThan(0);
      expect(seconds).toBeLessThanOrEqual(30);
      await dialog.getByText(/Refus automatique dans \d+ s/).waitFor();
    };

    await ask();
    await dialog.getByRole('button', { name: 'Refuser' }).click();
    await answer.getByText('Le cabinet a refusé la prise de main.').waitFor();
    expect(await code.count()).toBe(0);

    // Withdrawn (the banner's « Reprendre la main », under the consent window here) while the consent is shown: a refusal as well.
    await ask();
    await w.host.screen!.service!.revokeControl();
    await answer.getByText('Le cabinet a refusé la prise de main.').waitFor();

    // No answer: the practitioner's window refuses by itself after 30 s (the device's clock moved).
    await ask();
    clock.advance(31_000);
    await answer.getByText('Pas de réponse du cabinet : prise de main refusée automatiquement.').waitFor();
    await dialog.waitFor({ state: 'detached' });

    await w.console.getByLabel('Langue').selectOption('en');
    await answer.getByText('No answer from the practice: remote control refused automatically.').waitFor();
    await w.console.getByLabel('Language').selectOption('fr');

    await panel().getByRole('button', { name: 'Terminer' }).click();
    await nothingLeft();
  });

  test('a technician not assigned to the request, or another device, can neither view nor signal', async ({ newPage }) => {
    await startViewing();
    const requestId = w.host.app.state().support.current!.id;
    const sessionId = liveSession().sessionId!;
    const candidate = {
      type: 'candidate',
      candidate: { candidate: 'candidate:1 1 udp 2122260223 10.0.0.9 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 },
    };

    // Marc signs in to the console (one TOTP code), and his session cookie opens a socket too.
    const marc = await w.hub.admin.addTechnician({ login: 'marc', displayName: 'Marc Lefort', password: PASSWORD });
    const page = await newPage('marc', { width: 1280, height: 800 });
    await signInToConsole(page, w.hub.url, { login: 'marc', password: PASSWORD, totpSecret: marc.totpSecret });
    const session = (await page.context().cookies()).find((c) => c.name === 'vigie_session')!;
    const other = await connectTech(w.hub.url, `${session.name}=${session.value}`);
    const device = await enrollDevice(w.hub.url, w.world.practice.enrollmentCode, { name: 'Poste du cabinet voisin' });
    const otherDevice = await connectDevice(w.hub.url, device.token);
    try {
      for (const [sock, event, payload] of [
        [other, 'screen:request', { requestId }],
        [other, 'screen:get', { requestId }],
        [other, 'screen:signal', { sessionId, data: candidate }],
        [other, 'screen:control', { sessionId }],
        [other, 'screen:ice', { sessionId }],
        [otherDevice, 'screen:signal', { sessionId, data: candidate }],
        [otherDevice, 'screen:consent', { sessionId, phase: 'view', decision: 'granted' }],
        [otherDevice, 'screen:ice', { sessionId }],
        [otherDevice, 'screen:end', { sessionId, reason: 'practitioner-stop' }],
      ] as const) {
        expect(await emitAck(sock, event, payload), `${event}`).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      }
      // Marc's console does not show that request, and no "Voir l'écran".
      await page.goto(`${w.hub.url}/#/requests/${encodeURIComponent(requestId)}`);
      // Not his request: the workspace refuses to open it.
      await page.getByRole('alert').getByText(SHARED_STRINGS.fr.errors.FORBIDDEN).waitFor();
      expect(await page.getByRole('button', { name: 'Voir l’écran' }).count()).toBe(0);
      // The session itself went on untouched.
      const before = (await decoded(w.console)).framesDecoded;
      await until(async () => (await decoded(w.console)).framesDecoded > before, 'frames still flowing');
      expect(liveSession().phase).toBe('viewing');
    } finally {
      other.close();
      otherDevice.close();
    }
    await panel().getByRole('button', { name: 'Terminer' }).click();
    await nothingLeft();
  });
  test('"Changer d’écran": the practitioner consents again, the other monitor is captured on the same peer, frames keep decoding, the label changes; a refusal keeps it', async () => {
    await startViewing();
    const monitor = () => w.console.getByTestId('screen-monitor');
    await monitor().getByText('Écran partagé : Écran principal (1 sur 2)').waitFor();
    const [app0, tech0] = await Promise.all([probe(w.app), probe(w.console)]);
    expect(app0.liveTracks).toBe(1);

    await panel().getByRole('button', { name: 'Changer d’écran' }).click();
    await consoleStatus().getByText('En attente de l’accord du cabinet pour changer d’écran…').waitFor();
    const dialog = w.app.getByRole('alertdialog', { name: 'Demande de changement d’écran' });
    await dialog.getByText('Julie Martin (InfoSanté Services) souhaite voir un autre de vos écrans.', { exact: false }).waitFor();
    // The same consent window with the screen choice, the requested one preselected; nothing switched yet.
    expect(await dialog.getByRole('radio', { name: /Écran de droite/ }).isChecked()).toBe(true);
    expect(liveSession()).toMatchObject({ phase: 'viewing', capture: { displayId: 'screen-0' } });
    await dialog.getByRole('button', { name: 'Autoriser' }).click();

    await monitor().getByText('Écran partagé : Écran de droite (2 sur 2)').waitFor();
    expect(w.host.screen!.service!.captureTarget()?.display?.id).toBe('screen-1');
    const before = (await decoded(w.console)).framesDecoded;
    await until(async () => (await decoded(w.console)).framesDecoded > before, 'frames still decoded after the switch');
    // A new capture on the same peer; the old track is stopped.
    const [app1, tech1] = await Promise.all([probe(w.app), probe(w.console)]);
    expect(app1).toMatchObject({ gdmCalls: app0.gdmCalls + 1, peers: app0.peers, openPeers: 1, liveTracks: 1, tracks: app0.tracks + 1 });
    expect(tech1.peers).toBe(tech0.peers);

    // Asked again and refused: the right-hand screen stays shared.
    await panel().getByRole('button', { name: 'Changer d’écran' }).click();
    const again = w.app.getByRole('alertdialog', { name: 'Demande de changement d’écran' });
    await again.getByRole('radio', { name: /Écran principal/ }).waitFor();
    expect(await again.getByRole('radio', { name: /Écran principal/ }).isChecked()).toBe(true);
    await again.getByRole('button', { name: 'Refuser' }).click();
    await panel().getByTestId('screen-switch-refused').getByText('Le cabinet a gardé le même écran partagé.').waitFor();
    expect(liveSession()).toMatchObject({ phase: 'viewing', consent: null, capture: { displayId: 'screen-1' } });
    expect(await monitor().textContent()).toBe('Écran partagé : Écran de droite (2 sur 2)');
    expect((await probe(w.app)).gdmCalls).toBe(app1.gdmCalls);

    await panel().getByRole('button', { name: 'Terminer' }).click();
    await nothingLeft();
  });
  test('a console reload ends the session (the technician’s connection went away): the capture stops, the reloaded workspace says why', async () => {
    await startViewing();
    await w.console.reload();
    await w.console.getByRole('heading', { name: /^Demande — / }).waitFor();
    // Whichever side notices first: the hub (the technician's socket is gone) or the practitioner's peer (closed).
    const { disconnect, error } = SCREEN_STRINGS.fr.endReasons;
    await consoleStatus().getByText(disconnect).or(consoleStatus().getByText(error)).waitFor();
    await until(async () => {
      const a = await probe(w.app);
      return a.liveTracks === 0 && a.openPeers === 0;
    }, 'the practitioner’s capture stopped and peer closed');
    expect(liveSession()).toMatchObject({ phase: 'ended' });
    expect(['disconnect', 'error']).toContain(liveSession().ended?.reason);
    expect(await w.app.getByRole('region', { name: 'Partage d’écran en cours' }).count()).toBe(0);
    // And the technician can ask again from the reloaded page.
    await panel().getByRole('button', { name: 'Voir l’écran' }).waitFor();
  });
});
