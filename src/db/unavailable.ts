// Is this error the database being unreachable (down, restarting, the connection cut), rather than
// a fault of the request or of the code? Such errors get a 503 the user can act on — "try again" —
// instead of a 500 and a stack trace; the pool replaces broken connections by itself.

/** SQLSTATE classes and codes meaning the server cannot serve now. */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown: the server is stopping (pg_ctl stop/restart)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '53300', // too_many_connections
]);

const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/i, // pg: the socket closed under a query
  /timeout exceeded when trying to connect/i, // pg-pool: no connection in time
  /Client has encountered a connection error and is not queryable/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

export const DATABASE_UNAVAILABLE = {
  code: 'DATABASE_UNAVAILABLE',
  message: '数据库暂时不可用，请稍后重试',
} as const;

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; depth++) {
    const x = e as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown };
    if (typeof x.code === 'string') {
      if (UNAVAILABLE_SQLSTATES.has(x.code) || x.code.startsWith('08')) return true;
      if (UNAVAILABLE_NODE_CODES.has(x.code)) return true;
    }
    if (typeof x.message === 'string' && UNAVAILABLE_MESSAGES.some((r) => r.test(x.message as string)))
      return true;
    // Node reports a refused connection to a name with several addresses as an AggregateError.
    if (Array.isArray(x.errors) && x.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    e = x.cause;
  }
  return false;
}
