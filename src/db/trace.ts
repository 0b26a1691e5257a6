/**
 * CANBAO_TRACE=1 prints how long each step of a bulk operation took and the process's memory after
 * it, to stderr: RSS, the V8 heap (used/reserved), and memory outside it (buffers, and PGlite's
 * WebAssembly memory, which never shrinks). Call the returned function after each step with its
 * name. Without the variable it does nothing.
 */
export function tracer(label: string): (step: string) => void {
  if (process.env.CANBAO_TRACE !== '1') return () => undefined;
  let last = performance.now();
  return (step) => {
    const now = performance.now();
    const m = process.memoryUsage();
    const mib = (n: number) => Math.round(n / 2 ** 20);
    process.stderr.write(
      `[${label}] ${step}: ${Math.round(now - last)} ms (rss ${mib(m.rss)} MiB, heap ${mib(m.heapUsed)}/${mib(m.heapTotal)} MiB, external ${mib(m.external)} MiB)\n`,
    );
    last = now;
  };
}

/** What a step-timing callback looks like when passed down to repositories. */
export type Trace = (step: string) => void;
