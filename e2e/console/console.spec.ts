/**
 * The technician console in Debian Chromium against a real hub: login with a real TOTP, live
 * queue fed by a real device socket, accept, chat both ways with receipts and typing, outbox
 * across a cut connection, accept race, resolve, logout, session end and lockout.
 */
import { describe, expect } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { ChatMessage, HelpRequest } from '@vigie/common';
import { connectTech, emitAck, loginTechnician, nextEvent, totpNow, type Socket } from '../../server/src/test-support/sockets.js';
import { wrongTotp } from '../support/console.js';
import { PASSWORD, worldTest } from '../support/world.js';
import {
  alice,
  bob,
  browser,
  card,
  carole,
  castConsoleStory,
  context,
  createRequest,
  dora,
  gate,
  hub,
  loginAlice,
  loginThroughUi,
  newDevice,
  ok,
  page,
  pageProblems,
  receiptOnDevice,
  sockets,
} from './story.js';

// One story: the tests continue on the same hub and console page (alice's), its socket behind a gate.
const test = worldTest({
  scope: 'file',
  practice: 'Cabinet du Parc',
  technician: { login: 'alice', displayName: 'Alice Martin' },
  // A long back-off so the lockout check does not depend on timing.
  hub: { login: { baseDelayMs: 60_000 } },
  contextOptions: { locale: 'fr-FR' },
});
castConsoleStory(test);

describe('technician console', () => {
  let device1: Socket;
  let request1: HelpRequest;

  test('refuses a wrong TOTP with a clear message, then signs in with a real one', async () => {
    await page.goto(hub.url);
    await page.getByRole('heading', { name: 'Connexion technicien' }).waitFor();
    await loginThroughUi(alice.login, wrongTotp(alice.totpSecret));
    await page.getByTestId('login-error').getByText('Identifiant, mot de passe ou code incorrect.').waitFor();
    // No code at all: the hub asks for it.
    await page.getByLabel('Code à 6 chiffres').fill('');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByTestId('login-error').getByText('Saisissez le code à 6 chiffres').waitFor();

    await loginAlice();
    await page.getByText('Aucune demande en attente').waitFor();
    await page.getByText('Aucune demande en cours.').waitFor();
    const csp = (await page.request.get(hub.url)).headers()['content-security-policy'] ?? '';
    expect(csp).toContain("style-src 'self'");
  });

  test('shows a new request live with practice, device, topic, description, waiting time and SLA label', async () => {
    device1 = await newDevice('Poste accueil');
    request1 = await createRequest(device1, 'printer', 'L’imprimante du secrétariat ne répond plus.');
    const c = card(request1.id);
    await c.waitFor();
    await c.getByText('Cabinet du Parc').waitFor();
    await c.getByText('Poste accueil').waitFor();
    await c.getByText('Imprimante ou scanner').waitFor();
    await c.getByText('L’imprimante du secrétariat ne répond plus.').waitFor();
    await c.getByText('Dans les temps').waitFor();
    await c.getByText('En ligne').waitFor();
    expect(await c.getByTestId('wait-clock').innerText()).toMatch(/^\d+:\d{2}/);
    expect(await c.locator('[data-sla]').getAttribute('data-sla')).toBe('ok');
    await page.getByTestId('announcer').getByText('Nouvelle demande : Cabinet du Parc, Poste accueil.').waitFor();
    await page.getByTestId('waiting-count').getByText('1 demande en attente').waitFor();

    // Presence follows the device socket.
    device1.disconnect();
    await c.getByText('Hors ligne').waitFor();
    device1.connect();
    await c.getByText('En ligne').waitFor();
  });

  test('turns the SLA label orange after 2 minutes and red after 3 (words, not only colour)', async () => {
    // Another console whose clock is moved forward; timers keep running, the hub is untouched.
    const other = await browser.newContext({ locale: 'fr-FR' });
    try {
      const p = await other.newPage();
      p.setDefaultTimeout(120_000);
      await p.goto(hub.url);
      await p.getByLabel('Identifiant').fill(dora.login);
      await p.getByLabel('Mot de passe').fill(PASSWORD);
      await p.getByLabel('Code à 6 chiffres').fill(totpNow(dora.totpSecret));
      await p.getByRole('button', { name: 'Se connecter' }).click();
      const c = p.locator(`li.queue-card[data-request-id="${request1.id}"]`);
      await c.getByText('Dans les temps').waitFor();
      const created = Date.parse(request1.createdAt);
      await p.clock.setFixedTime(new Date(created + 150_000));
      await c.getByText('Bientôt en retard').waitFor();
      expect(await c.locator('[data-sla]').getAttribute('data-sla')).toBe('warn');
      expect(await c.getByTestId('wait-clock').innerText()).toMatch(/^2:[23]\d/);
      await p.clock.setFixedTime(new Date(created + 200_000));
      await c.getByText('Délai dépassé').waitFor();
      expect(await c.locator('[data-sla]').getAttribute('data-sla')).toBe('breach');
    } finally {
      await other.close();
    }
  });

  test('accepts a request and opens its workspace with the device context', async () => {
    const assigned = nextEvent<HelpRequest>(device1, 'help:updated', (r) => r.id === request1.id && r.status === 'assigned');
    await card(request1.id).getByRole('button', { name: 'Accepter' }).click();
    await page.getByRole('heading', { name: 'Demande — Cabinet du Parc' }).waitFor();
    expect(page.url()).toContain(`#/requests/${request1.id}`);
    expect((await assigned).technician?.displayName).toBe('Alice Martin');

    const ctx = page.getByTestId('context');
    await ctx.getByText('Debian 12.8').waitFor();
    await ctx.getByText('Score 85/100').waitFor();
    await ctx.getByText('non communiqué').waitFor(); // no backup summary sent
    await page.getByTestId('device-info').getByText('Poste accueil').waitFor();
    await page.locator('.mine__item', { hasText: 'Cabinet du Parc' }).waitFor();
    // The hub's system message about the pickup is in the conversation.
    await page.getByRole('log').getByText('Alice Martin a pris en charge votre demande.').waitFor();
  });

  test('chats both ways with typing and delivered/read receipts', async () => {
    const log = page.getByRole('log');

    // Device → console; the console, visible, reports it read.
    ok(await emitAck(device1, 'chat:typing', { requestId: request1.id, typing: true }));
    await page.getByTestId('typing').getByText('Poste accueil écrit…').waitFor();
    const fromDevice = ok(
      await emitAck<{ message: ChatMessage }>(device1, 'chat:send', {
        requestId: request1.id,
        id: randomUUID(),
        text: 'Bonjour, rien ne sort de l’imprimante.',
        sentAt: new Date().toISOString(),
      }),
    ).message;
    await log.getByText('Bonjour, rien ne sort de l’imprimante.').waitFor();
    expect(
      (await receiptOnDevice(device1, request1.id, (r) => r.technician.read >= fromDevice.seq)).technician.read,
    ).toBeGreaterThanOrEqual(fromDevice.seq);
    expect(await page.getByTestId('typing').innerText()).toBe(''); // a message ends "typing"

    // Console → device, with the typing signal first.
    const typing = nextEvent<{ typing: boolean; name: string }>(device1, 'chat:typing', (p) => p.typing);
    const received = nextEvent<ChatMessage>(device1, 'chat:message', (m) => m.author === 'technician');
    const input = page.getByLabel('Votre message');
    await input.pressSequentially('Je regarde ça');
    expect((await typing).name).toBe('Alice Martin');
    await input.press('Enter');
    const msg = await received;
    expect(msg.text).toBe('Je regarde ça');
    expect(msg.authorName).toBe('Alice Martin');
    const mine = log.locator(`[data-message-id="${msg.id}"]`);
    await mine.locator('[data-receipt="sent"]').getByText('Envoyé', { exact: true }).waitFor();

    ok(await emitAck(device1, 'chat:receipt', { requestId: request1.id, kind: 'delivered', upToSeq: msg.seq }));
    await mine.locator('[data-receipt="delivered"]').getByText('Reçu', { exact: true }).waitFor();
    ok(await emitAck(device1, 'chat:receipt', { requestId: request1.id, kind: 'read', upToSeq: msg.seq }));
    await mine.locator('[data-receipt="read"]').getByText('Lu', { exact: true }).waitFor();
    expect(await input.inputValue()).toBe('');
  });

  test('keeps messages typed while disconnected and sends them once after reconnecting; resyncs what it missed', async () => {
    gate.cut();
    await page.getByText('Connexion perdue — reconnexion…').waitFor();

    const input = page.getByLabel('Votre message');
    await input.fill('Message écrit pendant la coupure');
    await input.press('Enter');
    const pending = page.getByRole('log').locator('.msg--pending', { hasText: 'Message écrit pendant la coupure' });
    await pending.locator('[data-receipt="queued"]').waitFor();

    // The practice writes while the console is away.
    ok(
      await emitAck(device1, 'chat:send', {
        requestId: request1.id,
        id: randomUUID(),
        text: 'Il affiche voyant orange.',
        sentAt: new Date().toISOString(),
      }),
    );

    const delivered = nextEvent<ChatMessage>(device1, 'chat:message', (m) => m.text === 'Message écrit pendant la coupure', 30_000);
    gate.restore();
    await page.getByTestId('connection-lost').waitFor({ state: 'detached', timeout: 120_000 });
    const sent = await delivered;
    await page.getByRole('log').getByText('Il affiche voyant orange.').waitFor();
    await page.getByRole('log').locator(`[data-message-id="${sent.id}"] [data-receipt]`).waitFor();

    // Nothing doubled, on the hub or on screen.
    const all = ok(await emitAck<{ messages: ChatMessage[] }>(device1, 'chat:sync', { requestId: request1.id, afterSeq: 0 })).messages;
    expect(all.filter((m) => m.text === 'Message écrit pendant la coupure')).toHaveLength(1);
    expect(await page.getByRole('log').getByText('Message écrit pendant la coupure').count()).toBe(1);
    expect(await page.getByRole('log').getByText('Il affiche voyant orange.').count()).toBe(1);
  });

  test('tells clearly when a colleague took the request first, and refreshes the list', async () => {
    await page.getByRole('link', { name: /File d’attente/ }).click();
    await page.getByRole('heading', { name: 'File d’attente', level: 1 }).waitFor();
    const device2 = await newDevice('Poste cabinet 2');
    const request2 = await createRequest(device2, 'email', 'Je ne reçois plus mes mails.');
    await card(request2.id).getByRole('button', { name: 'Accepter' }).waitFor();

    // Bob accepts from another console while Alice's screen has not heard about it yet.
    gate.hold(/"(queue:updated|help:updated)"/);
    const bobSocket = await connectTech(hub.url, await loginTechnician(hub.url, bob.login, PASSWORD, bob.totpSecret));
    sockets.push(bobSocket);
    ok(await emitAck(bobSocket, 'help:accept', { requestId: request2.id }));

    await card(request2.id).getByRole('button', { name: 'Accepter' }).click();
    await page.getByTestId('queue-notice').getByText('Déjà pris par un collègue').waitFor();
    await card(request2.id).getByText('Pris en charge par Bob Durand').waitFor();
    expect(await card(request2.id).getByRole('button', { name: 'Accepter' }).count()).toBe(0);
    expect(page.url()).not.toContain(request2.id);
    gate.release();
    await page.getByRole('button', { name: 'Fermer le message' }).click();
    await page.getByTestId('queue-notice').waitFor({ state: 'detached' });
  });

  test('counts unread messages per request in "Mes demandes" and clears them when opened', async () => {
    const item = page.locator(`.mine__item[data-request-id="${request1.id}"]`);
    ok(
      await emitAck(device1, 'chat:send', {
        requestId: request1.id,
        id: randomUUID(),
        text: 'Vous êtes toujours là ?',
        sentAt: new Date().toISOString(),
      }),
    );
    await item.getByTestId('unread').getByText('1 message non lu').waitFor();
    await page.getByText('Nouveau message de Poste accueil (Cabinet du Parc).').waitFor();
    await item.click();
    await page.getByRole('log').getByText('Vous êtes toujours là ?').waitFor();
    await item.getByTestId('unread').waitFor({ state: 'detached' });
  });

  test('requires a short note to resolve, then closes the request on both sides', async () => {
    const resolved = nextEvent<HelpRequest>(device1, 'help:updated', (r) => r.id === request1.id && r.status === 'resolved');
    await page.getByRole('button', { name: 'Résoudre' }).click();
    await page.getByRole('button', { name: 'Marquer comme résolue' }).click();
    await page.getByText('Écrivez une courte note avant de résoudre.').waitFor();
    await page.getByLabel('Note de résolution (visible par le cabinet)').fill('Bourrage papier retiré, imprimante relancée.');
    await page.getByRole('button', { name: 'Marquer comme résolue' }).click();
    expect((await resolved).resolutionNote).toBe('Bourrage papier retiré, imprimante relancée.');
    await page.getByRole('heading', { name: 'File d’attente', level: 1 }).waitFor();
    await page.getByText('Demande résolue.').waitFor();
    await page.getByText('Aucune demande en cours.').waitFor();
  });

  test('puts a request back in the queue', async () => {
    const device3 = await newDevice('Poste secrétariat');
    const request3 = await createRequest(device3, 'software', 'Le logiciel de facturation plante.');
    await card(request3.id).getByRole('button', { name: 'Accepter' }).click();
    await page.getByRole('heading', { name: 'Demande — Cabinet du Parc' }).waitFor();
    const waitingAgain = nextEvent<HelpRequest>(device3, 'help:updated', (r) => r.id === request3.id && r.status === 'waiting');
    await page.getByRole('button', { name: 'Remettre dans la file' }).click();
    await waitingAgain;
    await page.getByText('La demande est de nouveau dans la file.').waitFor();
    await card(request3.id).getByRole('button', { name: 'Accepter' }).waitFor();
    await page.getByText('Aucune demande en cours.').waitFor();
  });

  test('switches to English completely', async () => {
    await page.getByLabel('Langue').selectOption('en');
    await page.getByRole('heading', { name: 'Queue', level: 1 }).waitFor();
    await page.getByText('No request in progress.').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('heading', { name: 'File d’attente', level: 1 }).waitFor();
  });

  test('signs out, and goes back to the login page when the hub ends the session', async () => {
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByText('Vous êtes déconnecté.').waitFor();

    await loginAlice();
    // The session is closed elsewhere (another tab, expiry…): the hub pushes session:ended.
    const cookie = (await context.cookies(hub.url)).find((c) => c.name === 'vigie_session');
    expect(cookie).toBeDefined();
    const res = await fetch(`${hub.url}/api/auth/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `vigie_session=${cookie!.value}` },
      body: '{}',
    });
    expect(res.status).toBe(200);
    await page.getByText('Votre session a pris fin. Reconnectez-vous.').waitFor();
    await page.getByRole('heading', { name: 'Connexion technicien' }).waitFor();
  });

  test('shows the wait after too many failed attempts (LOCKED_OUT)', async () => {
    const wrong = wrongTotp(carole.totpSecret);
    const error = page.getByTestId('login-error');
    for (let i = 0; i < 4; i++) {
      await loginThroughUi(carole.login, wrong);
      await error.getByText('Identifiant, mot de passe ou code incorrect.').waitFor();
      // The form is usable again (not "Connexion…") before the next try.
      await page.getByRole('button', { name: 'Se connecter' }).waitFor({ state: 'visible' });
    }
    await loginThroughUi(carole.login, totpNow(carole.totpSecret));
    await error.getByText(/Trop d’essais\. Réessayez dans \d+ s\./).waitFor();
    expect(await page.getByRole('button', { name: 'Se connecter' }).isDisabled()).toBe(true);
  });

  test('ran without script errors or CSP violations', () => {
    expect(pageProblems).toEqual([]);
  });
});
