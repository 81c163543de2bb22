/** Waiting on a condition in the chat-restart and cluster worlds: a probe re-checked until it holds or the deadline passes. */

/** Resolves when `probe` holds; re-checks when `subscribe` signals a change and every `everyMs`. */
export function until<T>(probe: () => T | null | undefined | false, what: string, deadlineMs: number, everyMs = 50): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  return new Promise((res, rej) => {
    const tick = () => {
      let v: T | null | undefined | false;
      try {
        v = probe();
      } catch (e) {
        rej(e as Error);
        return;
      }
      if (v) return res(v);
      if (Date.now() > deadline) return rej(new Error(`still waiting for: ${what}`));
      setTimeout(tick, everyMs);
    };
    tick();
  });
}
