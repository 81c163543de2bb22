type AnyListener = (...args: unknown[]) => void;

/** A minimal typed event emitter (listeners that throw are isolated from each other). */
export class Emitter<E extends Record<string, unknown[]>> {
  private readonly listeners = new Map<keyof E, Set<AnyListener>>();

  on<K extends keyof E>(event: K, listener: (...args: E[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const l = listener as unknown as AnyListener;
    set.add(l);
    return () => set.delete(l);
  }

  protected emit<K extends keyof E>(event: K, ...args: E[K]): void {
    for (const l of [...(this.listeners.get(event) ?? [])]) {
      try {
        l(...args);
      } catch (e) {
        this.onListenerError(e);
      }
    }
  }

  protected onListenerError(_e: unknown): void {
    /* subclasses log */
  }
}
