/**
 * The remote screen forced through the TURN relay: a throwaway coturn on loopback
 * (server/src/store/turn-server.ts, shared-secret auth), the hub configured with its URLs and
 * secret and `relayOnly` (iceTransportPolicy 'relay' on both peers), the practitioner page and the
 * console in Debian Chromium. Frames and the data channel go through coturn: both sides' selected
 * candidate pairs are relay ↔ relay, and coturn's own log shows allocations made with the hub's
 * credentials for this session. Then a long session: the hub's clock moves past half the
 * credentials' lifetime, the sweep pushes fresh ones, both peers apply them (setConfiguration),
 * frames keep coming, and the applied configuration allocates a new relay on coturn.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { RecordingInjector, TWO_DISPLAYS, decoded, probe, screenTest, until } from './harness.js';

/** The newest peer's selected candidate pair (both ends' candidate types), bytes through it, and the TURN username it is configured with. */
interface PathReport {
  local: string | null;
  remote: string | null;
  relayProtocol: string | null;
  bytesSent: number;
  bytesReceived: number;
  username: string | null;
}

function path(page: Page): Promise<PathReport | null> {
  return page.evaluate<PathReport | null>(`(async () => {
    const p = window.__screenProbe;
    const pc = p.pcs[p.pcs.length - 1];
    if (!pc || pc.signalingState === 'closed') return null;
    const stats = await pc.getStats();
    let pair = null;
    for (const s of stats.values()) if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
    if (!pair) for (const s of stats.values()) if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s;
    const turn = pc.getConfiguration().iceServers.find((s) => s.username);
    if (!pair) return { local: null, remote: null, relayProtocol: null, bytesSent: 0, bytesReceived: 0, username: turn ? turn.username : null };
    const local = stats.get(pair.localCandidateId);
    const remote = stats.get(pair.remoteCandidateId);
    return {
      local: local ? local.candidateType : null,
      remote: remote ? remote.candidateType : null,
      relayProtocol: local && local.relayProtocol ? local.relayProtocol : null,
      bytesSent: pair.bytesSent || 0,
      bytesReceived: pair.bytesReceived || 0,
      username: turn ? turn.username : null,
    };
  })()`);
}

/** Gathers candidates with the configuration the page's peer has now: the relay candidate coturn allocated, or null. */
function allocateWithCurrentConfig(page: Page): Promise<string | null> {
  return page.evaluate<string | null>(`(async () => {
    const p = window.__screenProbe;
    const live = p.pcs[p.pcs.length - 1];
    const pc = new RTCPeerConnection(live.getConfiguration());
    // Kept out of the probe's list: the spec's "newest peer" stays the session's.
    p.pcs = p.pcs.filter((x) => x !== pc);
    pc.createDataChannel('allocation-check');
    const relay = new Promise((resolve) => {
      pc.onicecandidate = (e) => {
        if (e.candidate && / typ relay /.test(e.candidate.candidate)) resolve(e.candidate.candidate);
        else if (!e.candidate) resolve(null);
      };
    });
    await pc.setLocalDescription(await pc.createOffer());
    const c = await relay;
    pc.close();
    return c;
  })()`);
}

let skewMs = 0;
const injector = new RecordingInjector();
const TTL_SECONDS = 60;
const test = screenTest({
  screen: { injector, displays: { list: async () => TWO_DISPLAYS } },
  turn: { ttlSeconds: TTL_SECONDS, relayOnly: true },
  hubScreen: { sweepIntervalMs: 60_000 },
  hubNow: () => Date.now() + skewMs,
});

test.describe('remote screen through the TURN relay (coturn on loopback, relay-only ICE)', () => {
  test('frames and the data channel go relay ↔ relay through coturn with the hub’s credentials; fresh credentials reach both peers before they expire', async ({
    w,
    turn,
  }) => {
    const panel = w.console.getByTestId('screen-panel');
    await panel.getByRole('button', { name: 'Voir l’écran' }).click();
    await w.app.getByRole('alertdialog', { name: 'Demande de partage d’écran' }).getByRole('button', { name: 'Autoriser' }).click();
    await until(async () => (await decoded(w.console)).framesDecoded > 0, 'frames decoded by the technician through the relay');
    const sessionId = w.host.screen!.service!.state().sessionId!;
    // The data channel answers through the relay too (ping → pong: the round trip on the quality line).
    await w.console
      .getByTestId('screen-quality')
      .getByText(/aller-retour \d+ ms/)
      .waitFor();

    // Both ends of both selected pairs are relay candidates, with bytes through them.
    for (const page of [w.app, w.console]) {
      const p = await until(async () => {
        const r = await path(page);
        return r && r.local && r.bytesSent > 0 && r.bytesReceived > 0 ? r : null;
      }, 'a selected candidate pair carrying bytes');
      expect(p).toMatchObject({ local: 'relay', remote: 'relay' });
      expect(p.relayProtocol).toMatch(/^(udp|tcp)$/);
      expect(p.username).toMatch(new RegExp(`^\\d+:${sessionId}$`));
    }
    // coturn saw allocations authenticated with the hub's username for this session.
    const allocated = await until(() => {
      const log = readFileSync(turn.logFile, 'utf8');
      const n = log.split('\n').filter((l) => l.includes(`:${sessionId}>`) && /ALLOCATE processed, success/.test(l)).length;
      return n >= 2 ? n : null;
    }, 'two successful allocations in coturn’s log');
    expect(allocated).toBeGreaterThanOrEqual(2);
    const before = (await path(w.console))!.username!;

    // A long session: half the lifetime gone on the hub's clock, the sweep renews.
    skewMs = (TTL_SECONDS / 2) * 1000 + 1000;
    await w.hub.screen.sweep();
    const renewed = await until(async () => {
      const [a, c] = await Promise.all([path(w.app), path(w.console)]);
      return a?.username && c?.username && a.username !== before && a.username === c.username ? a.username : null;
    }, 'fresh TURN credentials applied on both peers');
    const expiry = Number(renewed.split(':')[0]);
    expect(expiry - Number(before.split(':')[0])).toBeGreaterThanOrEqual(TTL_SECONDS / 2);
    expect(renewed.endsWith(`:${sessionId}`)).toBe(true);
    expect(w.host.screen!.service!.state().capture?.ice?.expiresAt).toBe(new Date(expiry * 1000).toISOString());
    const audited = (await w.hub.services.audit.list(0, 100_000)).filter(
      (e) => e.subject === sessionId && e.action === 'screen.ice.refresh',
    );
    expect(audited).toHaveLength(1);

    // The session goes on through the same relays, and the applied configuration allocates on coturn.
    const frames = (await decoded(w.console)).framesDecoded;
    await until(async () => (await decoded(w.console)).framesDecoded > frames + 10, 'frames still decoded after the renewal');
    expect(await allocateWithCurrentConfig(w.console)).toMatch(/ typ relay raddr /);
    expect(await allocateWithCurrentConfig(w.app)).toMatch(/ typ relay raddr /);

    await panel.getByRole('button', { name: 'Terminer' }).click();
    await until(async () => {
      const [a, c] = await Promise.all([probe(w.app), probe(w.console)]);
      return a.liveTracks === 0 && a.openPeers === 0 && c.openPeers === 0;
    }, 'tracks stopped and peers closed on both sides');
  });
});
