/**
 * The practitioner's path, end to end, in the browser host (same renderer build and services as
 * the Electron app) against a real hub: enroll through the UI, one click for help, position in the
 * queue, a technician (real socket.io client) accepts, chat both ways with statuses and typing,
 * the network drops and comes back (outbox), resolution and its confirmation.
 */
import { afterAll, expect } from 'vitest';
import type { ChatMessage, HelpRequest, QueueSnapshot } from '@vigie/common';
import { connectDevice, emitAck, enrollDevice, nextEvent, type Socket } from '../../server/src/test-support/sockets.js';
import { worldTest } from '../support/world.js';
import { technician, until } from './harness.js';

// One world for the file: the second test goes on where the first one left the app.
const test = worldTest({ practice: 'Cabinet du Parc', appViewport: { width: 1280, height: 720 }, scope: 'file' });

test.describe('practitioner: help request and chat in the browser host', () => {
  const sockets: Socket[] = [];
  afterAll(() => {
    for (const s of sockets.splice(0)) s.close();
  });

  test('enrolls, asks for help in one click, chats with the technician through a network cut, and sees the resolution', async ({
    world,
    host,
    app: page,
  }) => {
    const practice = world.practice;
    const tech = await technician(world.hub, 'Julie Martin');
    sockets.push(tech.socket);

    // Someone else is already waiting: the practitioner will be 2nd in line.
    const other = await enrollDevice(world.hub.url, practice.enrollmentCode, { name: 'Salle 2' });
    const otherSock = await connectDevice(world.hub.url, other.token);
    sockets.push(otherSock);
    expect(
      (
        await emitAck(otherSock, 'help:create', {
          clientId: crypto.randomUUID(),
          context: { os: 'linux', osVersion: 'Debian 12', appVersion: '0.1.0' },
        })
      ).ok,
    ).toBe(true);

    // ---- enrollment through the UI (the URL carries the host's secret in its fragment)
    await page.goto(host.url);
    await page.getByRole('heading', { name: 'Bienvenue dans Vigie' }).waitFor();
    expect(new URL(page.url()).hash).toBe(''); // the key left the address bar
    await page.getByLabel('Code du cabinet').fill(practice.enrollmentCode);
    await page.getByRole('button', { name: 'Relier cet ordinateur' }).click();
    await page.getByRole('heading', { name: 'Besoin d’aide ?' }).waitFor();
    await page.getByText('Cabinet : Cabinet du Parc').waitFor();

    // ---- one click
    const queued = nextEvent<QueueSnapshot>(tech.socket, 'queue:updated', (q) =>
      q.requests.some((r) => r.practiceName === 'Cabinet du Parc' && r.deviceName !== 'Salle 2'),
    );
    await page.getByRole('button', { name: 'Demander de l’aide' }).click();
    await page.getByRole('heading', { name: 'Demande envoyée' }).waitFor();
    // A technician is connected but no pickup was ever recorded: where it stands, no number made up.
    await page.getByText('Votre demande est en position 2 dans la file.').waitFor();
    await page.getByText('Un technicien est disponible : il prendra votre demande dès que possible.').waitFor();
    const mine = (await queued).requests.find((r) => r.deviceName !== 'Salle 2')!;
    expect(mine.status).toBe('waiting');
    expect(mine.context?.appVersion).toBeTruthy();

    // Optional details after the click.
    await page.getByRole('button', { name: 'Imprimante ou scanner' }).click();
    await until(
      async () => (await page.getByRole('button', { name: 'Imprimante ou scanner' }).getAttribute('aria-pressed')) === 'true',
      'topic saved',
    );
    await page.getByLabel('En quelques mots').fill('L’imprimante de l’accueil n’imprime plus.');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Enregistré.').waitFor();

    // ---- the technician accepts: the practitioner sees who helps
    const accepted = await emitAck<HelpRequest>(tech.socket, 'help:accept', { requestId: mine.id });
    expect(accepted).toMatchObject({ ok: true, data: { topic: 'printer', description: 'L’imprimante de l’accueil n’imprime plus.' } });
    await page.getByRole('heading', { name: 'Julie Martin s’occupe de vous' }).waitFor();

    // ---- practitioner → technician, with the status in words
    const got = nextEvent<ChatMessage>(tech.socket, 'chat:message', (m) => m.author === 'device');
    const input = page.getByLabel('Votre message');
    await input.fill('Bonjour, merci de votre aide');
    await input.press('Enter');
    const first = await got;
    expect(first.text).toBe('Bonjour, merci de votre aide');
    const myMessage = page.locator('li.message.from-device', { hasText: 'Bonjour, merci de votre aide' });
    await myMessage.getByText('envoyé').waitFor();
    await emitAck(tech.socket, 'chat:receipt', { requestId: mine.id, kind: 'read', upToSeq: first.seq });
    await myMessage.getByText('lu', { exact: true }).waitFor();

    // ---- technician → practitioner, typing first
    await emitAck(tech.socket, 'chat:typing', { requestId: mine.id, typing: true });
    await page.getByText('Julie Martin est en train d’écrire…').waitFor();
    const readByDevice = nextEvent<{ device: { read: number } }>(tech.socket, 'chat:receipt', (r) => r.device.read > first.seq);
    await emitAck(tech.socket, 'chat:send', {
      requestId: mine.id,
      id: crypto.randomUUID(),
      text: 'Je regarde votre imprimante.',
      sentAt: new Date().toISOString(),
    });
    await page.getByRole('log').getByText('Je regarde votre imprimante.').waitFor();
    await readByDevice; // the page is in front of the user: read receipt sent
    expect(await page.getByText('Julie Martin est en train d’écrire…').count()).toBe(0);

    // ---- the network drops: typing and sending still work, messages wait in the outbox
    tech.socket.close();
    await world.hub.close();
    await page.getByText('Connexion perdue — vos messages partiront dès le retour du réseau.').waitFor();
    await input.fill('Elle affiche un voyant orange');
    await page.getByRole('button', { name: 'Envoyer' }).click();
    const offlineMessage = page.locator('li.message.from-device', { hasText: 'Elle affiche un voyant orange' });
    await offlineMessage.getByText('en attente').waitFor();

    const back = await tech.reconnect((await world.restart()).url);
    sockets.push(back);
    await offlineMessage.getByText('envoyé').waitFor();
    expect(await page.getByText('Connexion perdue — vos messages partiront dès le retour du réseau.').count()).toBe(0);
    const sync = await emitAck<{ messages: ChatMessage[] }>(back, 'chat:sync', { requestId: mine.id, afterSeq: 0 });
    if (!sync.ok) throw new Error(sync.error.code);
    expect(sync.data.messages.filter((m) => m.author === 'device').map((m) => m.text)).toEqual([
      'Bonjour, merci de votre aide',
      'Elle affiche un voyant orange',
    ]);

    // ---- resolution and its confirmation
    expect((await emitAck(back, 'help:resolve', { requestId: mine.id, note: 'Cartouche remplacée' })).ok).toBe(true);
    await page.getByRole('heading', { name: 'C’est réglé !' }).waitFor();
    await page.getByText('Ce qui a été fait : Cartouche remplacée').waitFor();
    await page.getByRole('button', { name: 'Fermer' }).click();
    await page.getByRole('button', { name: 'Demander de l’aide' }).waitFor();
  });

  test('switches to English and keeps the page behind its key', async ({ host, app: page, browser }) => {
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Ask for help' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    // Opening the host without the key gets no bridge.
    const stranger = await browser.newPage();
    await stranger.goto(host.origin + '/');
    await stranger.getByRole('alert').waitFor();
    expect(await stranger.getByRole('alert').textContent()).toContain('adresse complète');
    await stranger.close();
  });
});
