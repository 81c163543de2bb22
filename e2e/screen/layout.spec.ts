/**
 * What the practitioner sees around a remote session, in French and in English (browser host and
 * console in Chromium, a real hub): the consent and the banner never cover the tabs; « Reprendre
 * la main » is offered only while control is actually granted; the hub's chat lines are written
 * in each side's own language (the console in English is English).
 */
import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { ManualClock } from '@vigie/common/test-support/clock';
import { RecordingInjector, TWO_DISPLAYS, decoded, screenTest, until } from './harness.js';

/** What the spec needs of a DOM node (e2e files are type-checked without the DOM library). */
type Node = { contains(other: unknown): boolean; ownerDocument: { elementFromPoint(x: number, y: number): unknown } };

/** The element the pointer would reach at the centre of `target` is `target` itself (or inside it): nothing covers it. */
async function uncovered(_page: Page, target: Locator): Promise<boolean> {
  const box = (await target.boundingBox())!;
  return target.evaluate(
    (el, at) => {
      const node = el as unknown as Node;
      const hit = node.ownerDocument.elementFromPoint(at.x, at.y);
      return hit !== null && node.contains(hit);
    },
    { x: box.x + box.width / 2, y: box.y + box.height / 2 },
  );
}

const overlaps = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

const test = screenTest({
  screen: { injector: new RecordingInjector(), displays: { list: async () => TWO_DISPLAYS }, clock: ManualClock.stepping() },
  // A small window, as the tray popover is: a covered tab bar would show at once.
  appViewport: { width: 420, height: 720 },
});

test.describe('around a remote session: tabs never covered, control offered back only when given, every line in both languages', () => {
  test('French then English: consent and banner sit below the tabs, never over them; « Reprendre la main » only under control; chat lines in each side’s language', async ({
    w,
  }) => {
    const app = w.app;
    const panel = w.console.getByTestId('screen-panel');
    const tablist = app.getByRole('tablist');
    const banner = app.getByRole('region', { name: 'Partage d’écran en cours' });

    // The hub's line of the accepted request, in French on both sides.
    await app.getByRole('log').getByText('Julie Martin a pris en charge votre demande.').waitFor();
    await w.console.getByRole('log').getByText('Julie Martin a pris en charge votre demande.').waitFor();

    // « Voir l'écran »: the consent is at the top of the page, the tabs still usable below it.
    await panel.getByRole('button', { name: 'Voir l’écran' }).click();
    const consent = app.getByRole('alertdialog', { name: 'Demande de partage d’écran' });
    await consent.waitFor();
    for (const tab of await app.getByRole('tab').all()) expect(await uncovered(app, tab)).toBe(true);
    expect(overlaps((await consent.boundingBox())!, (await tablist.boundingBox())!)).toBe(false);
    await consent.getByRole('button', { name: 'Autoriser' }).click();
    await until(async () => (await decoded(w.console)).framesDecoded > 0, 'frames decoded by the technician');

    // Viewing: the banner says so, offers « Arrêter », not « Reprendre la main » (nobody has it).
    await banner.getByText('Julie Martin voit votre écran').waitFor();
    expect(await banner.getByRole('button', { name: 'Reprendre la main' }).count()).toBe(0);
    expect(overlaps((await banner.boundingBox())!, (await tablist.boundingBox())!)).toBe(false);
    for (const tab of await app.getByRole('tab').all()) expect(await uncovered(app, tab)).toBe(true);
    await app.getByRole('tab', { name: 'Sécurité' }).click();
    await app.getByRole('tab', { name: 'Sécurité', selected: true }).waitFor();
    // Scrolled down, the tab bar and the banner stay in view, one above the other.
    await app.mouse.wheel(0, 2000);
    expect(await uncovered(app, app.getByRole('tab', { name: 'Assistance' }))).toBe(true);
    expect(await uncovered(app, banner.getByRole('button', { name: 'Arrêter' }))).toBe(true);
    await app.getByRole('tab', { name: 'Assistance' }).click();

    // Control asked: still not granted, so still no « Reprendre la main » (the consent answers it).
    await panel.getByRole('button', { name: 'Prendre la main' }).click();
    const control = app.getByRole('alertdialog', { name: 'Demande de prise en main' });
    await control.waitFor();
    await banner.getByText('Votre technicien demande à utiliser votre souris et votre clavier.').waitFor();
    expect(await banner.getByRole('button', { name: 'Reprendre la main' }).count()).toBe(0);
    for (const tab of await app.getByRole('tab').all()) expect(await uncovered(app, tab)).toBe(true);
    await control.getByRole('button', { name: 'Autoriser' }).click();
    await banner.getByText('Julie Martin contrôle votre ordinateur').waitFor();
    await banner.getByRole('button', { name: 'Reprendre la main' }).click();
    await banner.getByText('Julie Martin voit votre écran').waitFor();
    expect(await banner.getByRole('button', { name: 'Reprendre la main' }).count()).toBe(0);

    // The practitioner switches to English: the banner, and the hub's chat lines, are English.
    await app.getByRole('button', { name: 'English' }).click();
    const bannerEn = app.getByRole('region', { name: 'Screen sharing in progress' });
    await bannerEn.getByText('Julie Martin can see your screen').waitFor();
    const log = app.getByRole('log');
    await log.getByText('Julie Martin has taken charge of your request.').waitFor();
    await log.getByText('Screen sharing started').waitFor();
    expect(await log.textContent()).not.toMatch(/pris en charge|Partage d’écran/);
    await panel.getByRole('button', { name: 'Prendre la main' }).click();
    await app.getByRole('alertdialog', { name: 'Remote control request' }).getByRole('button', { name: 'Allow' }).click();
    await bannerEn.getByRole('button', { name: 'Take back control' }).click();
    await bannerEn.getByText('Julie Martin can see your screen').waitFor();

    // The console, in English, writes the same lines in English; the French console keeps French.
    await w.console.getByLabel('Langue').selectOption('en');
    const consoleLog = w.console.getByRole('log');
    await consoleLog.getByText('Julie Martin has taken charge of your request.').waitFor();
    await consoleLog.getByText('Screen sharing started').waitFor();
    expect(await consoleLog.textContent()).not.toMatch(/pris en charge|Partage d’écran/);
    await w.console.getByLabel('Language').selectOption('fr');
    await consoleLog.getByText('Julie Martin a pris en charge votre demande.').waitFor();

    await bannerEn.getByRole('button', { name: 'Stop' }).click();
    await app.getByRole('tab', { name: 'Help' }).waitFor();
  });
});
