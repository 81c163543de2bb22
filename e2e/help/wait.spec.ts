/**
 * Waiting time tells the truth, in both real UIs against a real hub whose clock the test moves:
 * the practitioner (browser host, same renderer build and services as the Electron app) and the
 * technician console always show the same state for the request — nobody connected (with the
 * support's phone number), a technician connected but no pickup ever recorded (no number), the
 * technician on a break (nobody available), outside the hours set from the console's admin form
 * (when it reopens), and past 3 minutes (still first, a technician alerted, no countdown) — in
 * French, then in English.
 */
import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { SLA, WEEKDAYS } from '@vigie/common';
import { wallTime } from '../../server/src/settings/hours.js';
import { worldTest } from '../support/world.js';

const PRACTICE = 'Maison de santé des Lilas';
const PHONE = '01 23 45 67 89';

/** How far the hub's clock is ahead of the real one (the test moves it). */
let skew = 0;
const test = worldTest({
  practice: PRACTICE,
  technician: { role: 'admin' },
  hub: { now: () => Date.now() + skew },
  appViewport: { width: 420, height: 760 },
  consoleViewport: { width: 1280, height: 900 },
});

interface World {
  app: Page;
  console: Page;
}

/** The practitioner's waiting status, once it shows `key`. */
async function appSays(w: World, key: string, ...texts: string[]): Promise<Locator> {
  const status = w.app.locator(`.wait[data-wait-key="${key}"]`);
  await status.waitFor();
  for (const text of texts) await status.getByText(text, { exact: true }).waitFor();
  return status;
}

/** What the console's queue card says this practice is told, once it shows `key`. */
async function consoleSays(w: World, key: string, text: string): Promise<void> {
  const told = w.console.locator('li.queue-card').filter({ hasText: PRACTICE }).locator(`[data-testid="told"][data-wait-key="${key}"]`);
  await told.waitFor();
  expect(await told.innerText()).toContain(text);
}

test.describe('waiting time: the practitioner and the console agree, and say only what is true', () => {
  test('nobody connected, a technician without pickups, a break, closed hours, past 3 minutes — fr then en', async ({
    world,
    hub,
    host,
    app,
    console,
    signIn,
  }) => {
    const w: World = { app, console };
    skew = 0;
    await hub.settings.updateSupport({ phone: PHONE }, { type: 'cli', id: null });

    // ---- nobody connected: the practitioner is told so, what happens next and the number to call.
    await w.app.goto(host.url);
    await w.app.getByLabel('Code du cabinet').fill(world.practice.enrollmentCode);
    await w.app.getByRole('button', { name: 'Relier cet ordinateur' }).click();
    await w.app.getByRole('button', { name: 'Demander de l’aide' }).click();
    await w.app.getByRole('heading', { name: 'Demande envoyée' }).waitFor();
    const nobody = await appSays(
      w,
      'noTechnician',
      'Votre demande est la première de la file.',
      'Aucun technicien n’est disponible pour le moment.',
      `Si c’est urgent, appelez le ${PHONE}.`,
    );
    expect(await nobody.innerText()).not.toMatch(/\bmin\b/);

    // ---- a technician connects: both sides say one is available; no pickup was ever recorded, so no number.
    await signIn();
    await consoleSays(w, 'noEstimate', 'Annoncé au cabinet : un technicien est disponible, sans délai chiffré');
    expect(
      await (await appSays(w, 'noEstimate', 'Un technicien est disponible : il prendra votre demande dès que possible.')).innerText(),
    ).not.toMatch(/\bmin\b/);
    const panel = w.console.getByTestId('support-panel');
    await panel.getByText('1 technicien disponible sur 1 en ligne.').waitFor();
    await panel.getByText(`Numéro donné aux cabinets quand personne n’est disponible : ${PHONE}.`).waitFor();

    // ---- on a break, the only technician connected is not available: both sides say nobody is.
    await panel.getByRole('button', { name: 'Faire une pause' }).click();
    await panel.getByText('Vous êtes en pause : les cabinets ne vous comptent pas parmi les techniciens disponibles.').waitFor();
    await consoleSays(w, 'noTechnician', `aucun technicien disponible — numéro donné : ${PHONE}`);
    await appSays(w, 'noTechnician', 'Aucun technicien n’est disponible pour le moment.', `Si c’est urgent, appelez le ${PHONE}.`);

    // ---- the admin announces hours from the console: open three days from now, 10:00–11:00 (closed now).
    // Three, not two: if Paris passes midnight during the test, the day is still named (« jeudi »),
    // never « demain » (the words the hub and both pages choose for tomorrow).
    const today = wallTime(Date.now(), 'Europe/Paris').weekday;
    const day = WEEKDAYS[(today + 3) % 7]!;
    const weekday = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', timeZone: 'UTC' }).format(
      new Date(Date.UTC(2024, 0, 1 + WEEKDAYS.indexOf(day))),
    ); // 2024-01-01 was a Monday
    await panel.getByRole('button', { name: 'Modifier les horaires et le numéro' }).click();
    await panel.getByLabel('Annoncer des horaires d’ouverture').check();
    const dayLabel = { mon: 'Lundi', tue: 'Mardi', wed: 'Mercredi', thu: 'Jeudi', fri: 'Vendredi', sat: 'Samedi', sun: 'Dimanche' }[day];
    await panel.getByLabel(dayLabel, { exact: true }).fill('10h-11h');
    await panel.getByRole('button', { name: 'Enregistrer' }).click();
    await panel.getByTestId('support-hours').getByText(`Fermé — rouvre ${weekday} à 10:00.`).waitFor();
    await consoleSays(w, 'closed', `support fermé, réouverture ${weekday} à 10:00 — numéro donné : ${PHONE}`);
    await appSays(
      w,
      'closed',
      'Le support est fermé en ce moment.',
      `Il rouvre ${weekday} à 10:00. Votre demande garde sa place : un technicien vous répondra dès la réouverture.`,
      `Si c’est urgent, appelez le ${PHONE}.`,
    );
    // No hours announced again.
    await panel.getByRole('button', { name: 'Modifier les horaires et le numéro' }).click();
    await panel.getByLabel('Annoncer des horaires d’ouverture').uncheck();
    await panel.getByRole('button', { name: 'Enregistrer' }).click();
    await panel.getByTestId('support-hours').getByText('Aucun horaire annoncé aux cabinets.').waitFor();
    await appSays(w, 'noTechnician');

    // ---- back from the break, then 3 minutes pass on the hub's clock: no countdown, still first, alerted.
    await panel.getByRole('button', { name: 'Reprendre' }).click();
    await consoleSays(w, 'noEstimate', 'un technicien est disponible');
    skew += SLA.breachMs + 1_000;
    hub.realtime.queueChanged();
    const overdue = await appSays(
      w,
      'overdue',
      'Votre demande est toujours la première ; un technicien a été alerté.',
      `Si c’est urgent, appelez le ${PHONE}.`,
    );
    expect(await overdue.innerText()).not.toMatch(/\bmin\b/);
    await consoleSays(w, 'overdue', 'toujours 1re de la file, un technicien a été alerté');
    const card = w.console.locator('li.queue-card').filter({ hasText: PRACTICE });
    await card.getByText('Délai dépassé').waitFor();
    await w.console
      .getByTestId('announcer')
      .getByText(`Demande en attente depuis plus de 3 minutes : ${PRACTICE},`, { exact: false })
      .waitFor();

    // ---- in English, both sides, the same state.
    await w.console.getByLabel('Langue').selectOption('en');
    await consoleSays(w, 'overdue', 'Practice is told: still first in line, a technician has been alerted');
    await panel.getByText('The support as practices see it').waitFor();
    await panel.getByText('1 technician available out of 1 online.').waitFor();
    await panel.getByText('No opening hours announced to practices.').waitFor();
    await w.app.getByRole('button', { name: 'English' }).click();
    await appSays(w, 'overdue', 'Your request is still first in line; a technician has been alerted.', `If it is urgent, call ${PHONE}.`);
  });
});
