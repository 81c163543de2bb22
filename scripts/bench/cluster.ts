/**
 * `npm run bench:cluster` (tsx scripts/bench/cluster.ts): the hub as a cluster, measured.
 *
 * Postgres, Redis, HAProxy and two hub node processes on loopback (server/src/cluster); 2,000
 * devices through the balancer (the app's real hub connection each, spread over both nodes by
 * `leastconn`): 100 practices chatting with 3 technicians (the console's real controller each),
 * 20 asking for help, the rest idle. The world is e2e/cluster/world.ts, the one the CI test runs
 * with 200 devices. Measured:
 * - help: from a practice asking to every technician's console showing the request (20 at once);
 * - chat: from sending to the other side's screen showing it, one after another, both directions;
 *   a technician and its practice are on the same node or not, as the balancer chose;
 * - failover: one node killed (SIGKILL) under live chat, seconds until every client that was on it
 *   is connected to the other node; then every screen is checked message by message.
 * Prints a table, then:
 *   nodes=2 devices=… help_p99_ms=… chat_p99_ms=… failover_s=… lost=… duplicated=…
 * Knobs: BENCH_DEVICES (2000), BENCH_CHATS (100), BENCH_TECHS (3), BENCH_WAITING (20),
 * BENCH_CHAT_SAMPLES (200), BENCH_RATE (messages/s during the failover, 100).
 */
import { percentile, until } from '../../e2e/chat-restart/world';
import { ClusterWorld } from '../../e2e/cluster/world';

const num = (name: string, def: number) => Number(process.env[name] ?? def);
const DEVICES = num('BENCH_DEVICES', 2000);
const CHATS = num('BENCH_CHATS', 100);
const TECHS = num('BENCH_TECHS', 3);
const WAITING = num('BENCH_WAITING', 20);
const SAMPLES = num('BENCH_CHAT_SAMPLES', 200);
const RATE = num('BENCH_RATE', 100);
const DEADLINE_MS = 300_000;

const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '—');
const dist = (xs: number[], d = 0) => `${fmt(percentile(xs, 50), d)} / ${fmt(percentile(xs, 99), d)} / ${fmt(Math.max(...xs), d)}`;

async function main(): Promise<void> {
  console.log(
    `cluster benchmark: 2 nodes behind HAProxy, ${DEVICES} devices (${CHATS} chatting, ${WAITING} asking for help), ${TECHS} technicians`,
  );
  const t0 = Date.now();
  const world = await ClusterWorld.create({
    conversations: CHATS,
    technicians: TECHS,
    waiting: WAITING,
    idle: Math.max(0, DEVICES - CHATS - WAITING),
  });
  console.log(`world ready in ${fmt((Date.now() - t0) / 1000)} s`);
  try {
    const help = await world.askForHelp();
    const chat = await world.chatLatencies(SAMPLES);
    // A node killed under live chat; everyone moves to the other.
    const { chat: c } = world;
    c.resetCounts();
    const traffic = c.traffic(RATE);
    let moved: number[] = [];
    try {
      const start = c.sentCount;
      await until(() => c.sentCount >= start + RATE * 2, 'traffic before the kill', DEADLINE_MS);
      moved = await world.failover(0, 'SIGKILL', DEADLINE_MS);
      const back = c.sentCount;
      await until(() => c.sentCount >= back + RATE * 2, 'traffic after the failover', DEADLINE_MS);
    } finally {
      await traffic.stop();
    }
    const r = await c.settle('kill', DEADLINE_MS);
    const failover = moved.length ? Math.max(...moved) : Number.NaN;
    const rows: Array<[string, string]> = [
      ['devices / technicians', `${world.devices} / ${TECHS}`],
      [`help → every console p50 / p99 / max (ms, ${help.length} requests)`, dist(help)],
      [`chat → other screen p50 / p99 / max (ms, ${chat.length} messages)`, dist(chat)],
      ['clients moved when node1 was killed', String(moved.length)],
      ['their reconnection p50 / p99 / max (s)', dist(moved, 2)],
      ['messages during the failover', String(r.messages)],
      ['lost / duplicated / out of order on a screen', `${r.lost} / ${r.duplicated} / ${r.misordered}`],
    ];
    const w = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
    for (const d of r.details.slice(0, 5)) console.log(`  ! ${d}`);
    console.log(
      `\nnodes=2 devices=${world.devices} help_p99_ms=${fmt(percentile(help, 99), 0)} chat_p99_ms=${fmt(percentile(chat, 99), 0)} failover_s=${fmt(failover, 2)} lost=${r.lost} duplicated=${r.duplicated}`,
    );
  } finally {
    await world.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
