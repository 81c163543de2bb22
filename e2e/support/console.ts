import type { Page } from 'playwright-core';
import { totpNow } from '../../server/src/test-support/sockets.js';

/** Technician sign-in through the console UI with the TOTP code of the moment; lands on the queue. */
export async function signInToConsole(
  page: Page,
  hubUrl: string,
  who: { login: string; password: string; totpSecret: string },
): Promise<void> {
  await page.goto(hubUrl + '/');
  await page.getByLabel('Identifiant').fill(who.login);
  await page.getByLabel('Mot de passe').fill(who.password);
  await page.getByLabel('Code à 6 chiffres').fill(totpNow(who.totpSecret));
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('heading', { name: 'File d’attente', level: 1 }).waitFor();
}
