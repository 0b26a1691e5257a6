// A first-come-first-served lock. PGlite is one single-session backend: without a lock, a
// query from elsewhere in the process would run inside somebody else's open transaction.
export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  /** Wait for the lock; call the returned function exactly once to release it. */
  async lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.#tail;
    this.#tail = previous.then(() => next);
    await previous;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  }
}
