/**
 * `npm run bench:chat-restart` (tsx scripts/bench/chat-restart.ts): a provider's bad day, measured.
 *
 * 100 practices (the app's real support service with its disk outbox each), 3 technicians (the
 * console's real controller each), ~200 messages/s both ways, and the hub process — on its own,
 * SQLite on disk — killed with SIGKILL, stopped with SIGTERM, then killed in the middle of a burst
 * from every conversation; each time restarted on the same data folder while traffic goes on.
 * The world is e2e/chat-restart/world.ts, the one the CI test runs with 20 conversations.
 *
 * Prints a table per scenario, then:
 *   chats=100 lost=… duplicated=… reconnect_p99_s=… resync_p99_s=…
 * Targets (issue 14): lost=0 duplicated=0, everyone back and resynced within 12 s p99.
 * Knobs: BENCH_CHATS (100), BENCH_TECHS (3), BENCH_RATE (messages/s, 200).
 */
import { ChatWorld, percentile, runScenario, type ScenarioReport } from '../../e2e/chat-restart/world';

const CHATS = Number(process.env.BENCH_CHATS ?? 100);
const TECHS = Number(process.env.BENCH_TECHS ?? 3);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const PHASES = { perSecond: RATE, before: RATE * 3, down: RATE * 2, after: RATE * 3, burst: 3, deadlineMs: 180_000 };

const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '—');

function table(r: ScenarioReport): void {
  const rows: Array<[string, string]> = [
    ['messages (all scenarios so far)', String(r.messages)],
    ['lost on a screen', String(r.lost)],
    ['duplicated on a screen', String(r.duplicated)],
    ['out of order', String(r.misordered)],
    ['conversations with a loss', String(r.conversationsWithLoss)],
    ['receipts claiming a message not held', String(r.dishonestReceipts)],
    [
      'reconnect p50 / p99 / max (s)',
      `${fmt(percentile(r.reconnectSeconds, 50))} / ${fmt(percentile(r.reconnectSeconds, 99))} / ${fmt(Math.max(...r.reconnectSeconds))}`,
    ],
    [
      'resynced p50 / p99 / max (s)',
      `${fmt(percentile(r.resyncSeconds, 50))} / ${fmt(percentile(r.resyncSeconds, 99))} / ${fmt(Math.max(...r.resyncSeconds))}`,
    ],
    ['all screens complete after restart (s)', fmt(r.convergedSeconds)],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${r.scenario}`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
  for (const d of r.details.slice(0, 5)) console.log(`  ! ${d}`);
}

async function main(): Promise<void> {
  console.log(`chat restart benchmark: ${CHATS} conversations, ${TECHS} technicians, ~${RATE} messages/s`);
  const t0 = Date.now();
  const world = await ChatWorld.create({ conversations: CHATS, technicians: TECHS });
  console.log(`world ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const reports: ScenarioReport[] = [];
  try {
    for (const kind of ['kill', 'sigterm', 'kill-in-burst'] as const) {
      const r = await runScenario(world, kind, PHASES);
      reports.push(r);
      table(r);
    }
  } finally {
    await world.close();
  }
  const sum = (f: (r: ScenarioReport) => number) => reports.reduce((a, r) => a + f(r), 0);
  const reconnect = percentile(
    reports.flatMap((r) => r.reconnectSeconds),
    99,
  );
  const resync = percentile(
    reports.flatMap((r) => r.resyncSeconds),
    99,
  );
  console.log(
    `\nchats=${CHATS} lost=${sum((r) => r.lost)} duplicated=${sum((r) => r.duplicated)} misordered=${sum((r) => r.misordered)} dishonest_receipts=${sum((r) => r.dishonestReceipts)} reconnect_p99_s=${fmt(reconnect)} resync_p99_s=${fmt(resync)}`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
