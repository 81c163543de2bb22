/**
 * The throwaway coturn accepts exactly the credentials the hub issues (server/src/screen/ice.ts):
 * coturn's own test client (`turnutils_uclient`, shipped with Debian's coturn) allocates relays and
 * echoes packets between two loopback clients through them with the hub's username/password, and
 * cannot allocate with a wrong secret or with credentials past their expiry.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { turnCredentials } from '../screen/ice.js';
import { startTurnServer, type TurnServer } from './turn-server.js';

let turn: TurnServer;

beforeAll(async () => {
  turn = await startTurnServer();
});
afterAll(async () => {
  await turn?.stop();
});

/** Runs turnutils_uclient in client-to-client mode (two relays on the server, packets between them). */
function uclient(username: string, password: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      'turnutils_uclient',
      ['-y', '-n', '5', '-m', '1', '-l', '100', '-u', username, '-w', password, '-p', String(turn.port), '127.0.0.1'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('throwaway coturn', () => {
  it('answers on loopback with its config, log and user database in its own folder', () => {
    expect(turn.urls).toEqual([`turn:127.0.0.1:${turn.port}?transport=udp`, `turn:127.0.0.1:${turn.port}?transport=tcp`]);
    expect(turn.relayPorts.max - turn.relayPorts.min).toBe(199);
    expect(existsSync(turn.logFile)).toBe(true);
    expect(existsSync(join(turn.dir, 'turnserver.conf'))).toBe(true);
  });

  it('relays packets with the credentials the hub issues for its secret', async () => {
    const c = turnCredentials(turn.secret, 'session-1', 600, Date.now());
    const r = await uclient(c.username, c.credential);
    expect(r.code, r.out).toBe(0);
    const sent = /tot_send_msgs=(\d+), tot_recv_msgs=(\d+)\s*$/m.exec(r.out);
    expect(sent, r.out).not.toBeNull();
    expect(Number(sent![1])).toBeGreaterThan(0);
    expect(Number(sent![2])).toBe(Number(sent![1]));
    // coturn's log names the allocations made with the hub's username.
    expect(readFileSync(turn.logFile, 'utf8')).toContain(`user <${c.username}>: incoming packet ALLOCATE processed, success`);
  });

  it('refuses credentials made with another secret', async () => {
    const c = turnCredentials('not-the-static-auth-secret', 'session-1', 600, Date.now());
    const r = await uclient(c.username, c.credential);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/Cannot complete Allocation/);
  });

  it('refuses expired credentials (why long sessions need fresh ones)', async () => {
    const c = turnCredentials(turn.secret, 'session-1', 600, Date.now() - 3_600_000);
    const r = await uclient(c.username, c.credential);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/Cannot complete Allocation/);
  });

  it('stop() ends the process and removes its folder', async () => {
    const other = await startTurnServer();
    await other.stop();
    expect(other.process.exitCode !== null || other.process.signalCode !== null).toBe(true);
    expect(existsSync(other.dir)).toBe(false);
  });
});
