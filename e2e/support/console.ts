/**
 * Support for the specs that drive the technician console: the console build (built here when a
 * spec runs on its own), sign-in, the socket between the page and the real hub (cut it, hold some
 * pushes) and wrong TOTP codes (fresh ones: freshTotp in server/src/test-support/sockets.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { totpNow } from '../../server/src/test-support/sockets.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CONSOLE_DIST = join(REPO, 'console', 'dist');

/** `npm test` builds the console first; a spec run on its own builds it here if it is missing. */
export function ensureConsoleBuilt(): void {
  if (existsSync(join(CONSOLE_DIST, 'index.html'))) return;
  const vite = join(REPO, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'], {
    cwd: REPO,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`console build failed (exit ${r.status ?? r.signal})`);
}

/**
 * Sits between the page's socket.io connection and the hub (Playwright WebSocket routing).
 * `cut()` closes the connection and refuses new ones until `restore()`; `hold(re)` keeps hub
 * frames matching `re` from reaching the page until `release()`.
 */
export class SocketGate {
  private blocked = false;
  private holdPattern: RegExp | null = null;
  private held: Array<() => void> = [];
  private readonly live = new Set<WebSocketRoute>();

  static async install(context: BrowserContext): Promise<SocketGate> {
    const gate = new SocketGate();
    await context.routeWebSocket(/\/socket\.io\//, (ws) => gate.onSocket(ws));
    // Long-polling fallback must be refused too while the link is cut.
    await context.route(/\/socket\.io\//, (route) => (gate.blocked ? route.abort('connectionrefused') : route.fallback()));
    return gate;
  }

  private onSocket(ws: WebSocketRoute): void {
    if (this.blocked) {
      void ws.close({ code: 1011, reason: 'cut by test' });
      return;
    }
    const server = ws.connectToServer();
    this.live.add(ws);
    ws.onMessage((m) => server.send(m));
    server.onMessage((m) => {
      if (this.holdPattern && typeof m === 'string' && this.holdPattern.test(m)) {
        this.held.push(() => ws.send(m));
        return;
      }
      ws.send(m);
    });
  }

  cut(): void {
    this.blocked = true;
    for (const ws of this.live) void ws.close({ code: 1011, reason: 'cut by test' }).catch(() => undefined);
    this.live.clear();
  }

  restore(): void {
    this.blocked = false;
  }

  hold(pattern: RegExp): void {
    this.holdPattern = pattern;
  }

  release(): void {
    this.holdPattern = null;
    for (const send of this.held.splice(0)) send();
  }
}

/** A 6-digit code that is none of the codes the hub accepts right now (±1 period). */
export function wrongTotp(secret: string): string {
  const valid = new Set([-1, 0, 1, 2].map((o) => totpNow(secret, o)));
  for (let i = 0; ; i++) {
    const candidate = String((123_456 + i * 7919) % 1_000_000).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}

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
