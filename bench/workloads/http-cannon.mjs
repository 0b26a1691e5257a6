// autocannon in a child process (plain JavaScript so it needs no TypeScript loader; autocannon
// misbehaves inside a worker thread, which it takes for one of its own workers): either
// POST the given JSON bodies in order, one per request (each at most once: a body sent again would
// be a retry, answered from the stored payment, not a new one), or GET the given paths round-robin.
// A warm-up comes first and is not counted: each pooled connection prepares its statements and
// PostgreSQL plans them (five custom plans before a generic one), as a server running for a while
// has long done. The parent is told when the counted run starts.
import autocannon from 'autocannon';

const { url, cookie, seconds, warmupSeconds, connections, bodies, paths } = await new Promise((resolve) =>
  process.once('message', resolve),
);
let next = 0;
const request = bodies
  ? {
      method: 'POST',
      setupRequest: (req) => ({ ...req, body: bodies[next++] }),
    }
  : { method: 'GET', setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length] }) };

// Payments: at most `limit` more requests (autocannon stops when each connection has sent its share;
// fewer bodies than connections means fewer connections).
const run = (duration, limit) =>
  autocannon({
    url,
    connections: limit === undefined ? connections : Math.min(connections, limit),
    duration,
    ...(limit === undefined ? {} : { maxOverallRequests: limit }),
    headers: { cookie, 'content-type': 'application/json' },
    requests: [request],
  });
// The warm-up takes at most a quarter of the payments; the counted run stops early when every
// payment has been sent once (small demo populations owe fewer).
const warmupLimit = bodies ? Math.floor(bodies.length / 4) : undefined;
const warmup = warmupSeconds > 0 && warmupLimit !== 0 ? await run(warmupSeconds, warmupLimit) : undefined;
process.send({ measuring: true });
const cpu = process.cpuUsage();
const result = await run(seconds, bodies ? bodies.length - next : undefined);
const used = process.cpuUsage(cpu);
process.send({
  requests: result.requests.total,
  warmupRequests: warmup?.requests.total ?? 0,
  seconds: result.duration,
  rps: result.requests.average,
  p50: result.latency.p50,
  p99: result.latency.p99,
  non2xx: result.non2xx,
  // Bodies handed out, warm-up included: a request cut off when the run stopped may still be stored.
  sent: bodies ? next : undefined,
  errors: result.errors + result.timeouts,
  // The load generator's own CPU: on loopback it shares the machine with the server it measures.
  cpuMs: (used.user + used.system) / 1000,
});
