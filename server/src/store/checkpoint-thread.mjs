/**
 * The worker thread that checkpoints the SQLite store's write-ahead log (checkpointer.ts): it
 * copies committed pages from the log into the database file and syncs both, on its own
 * connection, so those fsyncs never hold the hub's event loop. PASSIVE: it never waits for, nor
 * blocks, the hub's writes. Plain JavaScript, no loader needed.
 *
 * `state` (shared with the hub's thread): 0 starting, 1 connection open, 2 closed. The hub, when
 * its store closes, waits for 2 so that its own connection is the last to close (the one that
 * checkpoints what is left and removes the log).
 */
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3');

const { file, everyMs, stateBuffer } = workerData;
const state = new Int32Array(stateBuffer);
const STARTING = 0;
const OPEN = 1;
const CLOSED = 2;

function closed() {
  Atomics.store(state, 0, CLOSED);
  Atomics.notify(state, 0);
  parentPort.close();
}

// The store may already be closing: then never open at all.
if (Atomics.compareExchange(state, 0, STARTING, OPEN) === STARTING) {
  let db;
  try {
    db = new Database(file, { fileMustExist: true });
    db.pragma('busy_timeout = 0');
    db.pragma('wal_autocheckpoint = 0');
  } catch (e) {
    closed();
    throw e;
  }
  let timer;
  // On the hub's word (enough commits) or, for what is left, on the timer.
  const checkpoint = () => {
    clearTimeout(timer);
    try {
      const [row] = db.pragma('wal_checkpoint(PASSIVE)');
      if (row && row.checkpointed > 0) parentPort.postMessage({ type: 'checkpointed', frames: row.checkpointed });
    } catch (e) {
      parentPort.postMessage({ type: 'failed', error: e instanceof Error ? e.message : String(e) });
    }
    timer = setTimeout(checkpoint, everyMs);
  };
  timer = setTimeout(checkpoint, everyMs);
  parentPort.on('message', (m) => {
    if (m === 'checkpoint') return checkpoint();
    if (m !== 'stop') return;
    clearTimeout(timer);
    try {
      db.close();
    } finally {
      closed();
    }
  });
} else {
  parentPort.close();
}
