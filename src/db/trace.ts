/**
 * CANBAO_TRACE=1 prints how long each step of a bulk operation took and the process's RSS after
 * it, to stderr: call the returned
 * function after each step with its name. Without the variable it does nothing.
 */
export function tracer(label: string): (step: string) => void {
  if (process.env.CANBAO_TRACE !== '1') return () => undefined;
  let last = performance.now();
  return (step) => {
    const now = performance.now();
    const rss = Math.round(process.memoryUsage.rss() / 2 ** 20);
    process.stderr.write(`[${label}] ${step}: ${Math.round(now - last)} ms (rss ${rss} MiB)\n`);
    last = now;
  };
}

/** What a step-timing callback looks like when passed down to repositories. */
export type Trace = (step: string) => void;
