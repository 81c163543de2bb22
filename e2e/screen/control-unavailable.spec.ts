/**
 * « Prendre la main » on a machine where control cannot work (here: a Wayland-only session, as the
 * input injector reports it): the practitioner is not bothered with a consent that could not be
 * honoured, and the technician reads why, in French and in English — never a button that does
 * nothing. Real hub, browser host, console, Chromium's synthetic screen.
 */
import { expect } from 'vitest';
import type { InjectorAvailability } from '../../main/services/screen/ports.js';
import { RecordingInjector, TWO_DISPLAYS, decoded, screenTest, until } from './harness.js';

/** What nut-js answers under a Wayland-only session. */
class WaylandInjector extends RecordingInjector {
  override async availability(): Promise<InjectorAvailability> {
    return {
      available: false,
      code: 'UNAVAILABLE',
      reason: 'wayland-only',
      message: 'Session Wayland : la prise en main n’est pas possible.',
    };
  }
}

const injector = new WaylandInjector();
const test = screenTest({ screen: { injector, displays: { list: async () => TWO_DISPLAYS } } });

test.describe('remote control impossible on the practice machine', () => {
  test('the console says « Prise de main impossible sur ce poste » and why; the view goes on', async ({ w }) => {
    const panel = w.console.getByTestId('screen-panel');
    await panel.getByRole('button', { name: 'Voir l’écran' }).click();
    await w.app.getByRole('alertdialog', { name: 'Demande de partage d’écran' }).getByRole('button', { name: 'Autoriser' }).click();
    await until(async () => (await decoded(w.console)).framesDecoded > 0, 'frames decoded by the technician');

    await panel.getByRole('button', { name: 'Prendre la main' }).click();
    const answer = w.console.getByTestId('screen-control-answer');
    await answer
      .getByText('Prise de main impossible sur ce poste : la session graphique (Wayland) ne permet pas de piloter la souris et le clavier.')
      .waitFor();
    // Nothing was asked of the practitioner, nothing injected; the picture is still there.
    expect(await w.app.getByRole('alertdialog', { name: 'Demande de prise en main' }).count()).toBe(0);
    expect(injector.events).toEqual([]);
    expect(w.host.screen!.service!.state().phase).toBe('viewing');
    await panel.getByRole('button', { name: 'Prendre la main' }).waitFor();

    await w.console.getByLabel('Langue').selectOption('en');
    await answer
      .getByText(
        'Remote control is not possible on this computer: the graphical session (Wayland) does not allow driving the mouse and keyboard.',
      )
      .waitFor();
    await w.console.getByLabel('Language').selectOption('fr');

    // The hub kept the answer and the reason in the audit trail.
    const refused = (await w.hub.services.audit.list(0, 10_000)).filter((e) => e.action === 'screen.control.refused');
    expect(refused.map((e) => e.data)).toEqual([expect.objectContaining({ decision: 'unavailable', reason: 'wayland-only' })]);
    await panel.getByRole('button', { name: 'Terminer' }).click();
    await panel.getByRole('button', { name: 'Voir l’écran' }).waitFor();
  });
});
