/**
 * The cast and props of the technician console story (console.spec.ts): alice's console page behind
 * a socket gate, the other technicians (bob, carole, dora), devices and requests made through real
 * device sockets, sign-in through the page. `castConsoleStory(test)` sets them up for the spec's world.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ChatReceipts, HelpRequest, Result } from '@vigie/common';
import type { Hub } from '../../server/src/app.js';
import { connectDevice, emitAck, enrollDevice, freshTotp, nextEvent, type Socket } from '../../server/src/test-support/sockets.js';
import { SocketGate } from '../support/console.js';
import { PASSWORD, type worldTest } from '../support/world.js';

export interface Tech {
  id: string;
  login: string;
  totpSecret: string;
}

export let hub: Hub;
export let browser: Browser;
export let context: BrowserContext;
export let page: Page;
export let gate: SocketGate;
export let alice: Tech;
export let bob: Tech;
export let carole: Tech;
export let dora: Tech;
let practice: { id: string; name: string; enrollmentCode: string };
let aliceLastStep = 0;
export const sockets: Socket[] = [];
export const pageProblems: string[] = [];

export function ok<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`hub answered ${r.error.code}: ${r.error.message}`);
  return r.data;
}

export async function newDevice(name: string): Promise<Socket> {
  const { token } = await enrollDevice(hub.url, practice.enrollmentCode, {
    name,
    os: 'linux',
    osVersion: 'Debian 12.8',
    appVersion: '0.1.0',
  });
  const s = await connectDevice(hub.url, token);
  sockets.push(s);
  ok(await emitAck(s, 'device:hello', {}));
  return s;
}

export async function createRequest(device: Socket, topic: string, description: string): Promise<HelpRequest> {
  const r = await emitAck<{ request: HelpRequest }>(device, 'help:create', {
    clientId: randomUUID(),
    topic,
    description,
    context: {
      os: 'linux',
      osVersion: 'Debian 12.8',
      appVersion: '0.1.0',
      health: { score: 85, worst: 'warning', counts: { ok: 6, warning: 1, critical: 0, unknown: 0 }, at: new Date().toISOString() },
    },
  });
  return ok(r).request;
}

/** Receipts as the device sees them, once `predicate` holds (current state first, then pushes). */
export async function receiptOnDevice(device: Socket, requestId: string, predicate: (r: ChatReceipts) => boolean): Promise<ChatReceipts> {
  const pushed = nextEvent<ChatReceipts>(device, 'chat:receipt', (r) => r.requestId === requestId && predicate(r));
  const now = ok(await emitAck<{ receipts: ChatReceipts }>(device, 'chat:sync', { requestId, afterSeq: 0 })).receipts;
  if (predicate(now)) {
    pushed.catch(() => undefined);
    return now;
  }
  return pushed;
}

export function card(requestId: string) {
  return page.locator(`li.queue-card[data-request-id="${requestId}"]`);
}

export async function loginThroughUi(login: string, totp: string): Promise<void> {
  await page.getByLabel('Identifiant').fill(login);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByLabel('Code à 6 chiffres').fill(totp);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

export async function loginAlice(): Promise<void> {
  const { code, step } = await freshTotp(alice.totpSecret, aliceLastStep);
  aliceLastStep = step;
  await loginThroughUi(alice.login, code);
  await page.getByRole('heading', { name: 'File d’attente', level: 1 }).waitFor();
}

/** The story's world: alice's console page behind the gate, three more technicians; devices closed after the file. */
export function castConsoleStory(test: ReturnType<typeof worldTest>): void {
  test.beforeAll(async ({ world, browser: b, console }) => {
    hub = world.hub;
    browser = b;
    practice = world.practice;
    alice = world.technician;
    bob = await hub.admin.addTechnician({ login: 'bob', displayName: 'Bob Durand', password: PASSWORD });
    carole = await hub.admin.addTechnician({ login: 'carole', displayName: 'Carole Petit', password: PASSWORD });
    dora = await hub.admin.addTechnician({ login: 'dora', displayName: 'Dora Blanc', password: PASSWORD });
    page = console;
    context = page.context();
    gate = await SocketGate.install(context);
    page.on('pageerror', (e) => pageProblems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) pageProblems.push(`csp: ${m.text()}`);
    });
  });

  test.afterAll(() => {
    for (const s of sockets) s.close();
  });
}
