// CPU time per request, by process: what a request costs the server (this Node process), the
// PostgreSQL server (all its processes) and the load generator. On this shared two-core machine the
// requests per second follow how busy the machine is; the CPU a request takes moves less (though
// still with the host's other tenants) and says where the time goes. Read from /proc (Linux);
// elsewhere only this process is counted.
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU of the PostgreSQL server, in milliseconds: every `postgres` process's own time, plus the time
 * of the postmaster's children that have ended (its cutime and cstime), so a connection or an
 * autovacuum worker that exits meanwhile still counts.
 */
function postgresCpuMs(): number | undefined {
  let dirs: string[];
  try {
    dirs = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  const procs = new Map<string, { ppid: string; own: number; children: number }>();
  for (const d of dirs) {
    if (d.charCodeAt(0) > 57) continue; // not a pid
    let stat: string;
    try {
      stat = readFileSync(`/proc/${d}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    const close = stat.lastIndexOf(')');
    if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
    const f = stat.slice(close + 2).split(' ');
    procs.set(d, {
      ppid: f[1]!,
      own: Number(f[11]) + Number(f[12]),
      children: Number(f[13]) + Number(f[14]),
    });
  }
  let total = 0;
  for (const p of procs.values()) total += p.own + (procs.has(p.ppid) ? 0 : p.children);
  return total * tick;
}

/** Milliseconds per request, to the microsecond. */
export const msPerRequest = (ms: number, requests: number): number =>
  Math.round((ms / requests) * 1000) / 1000;

export interface CpuWindow {
  /** Milliseconds of CPU per request: this process, and PostgreSQL when it was counted. */
  perRequest(requests: number): { serverNodeMs: number; postgresMs?: number };
}

/**
 * Starts counting now; perRequest() divides what was used since by the requests made. PostgreSQL
 * is counted only with `postgres` (a server on this machine; PGlite runs inside this process).
 */
export function startCpuWindow(options: { postgres: boolean }): CpuWindow {
  const node = process.cpuUsage();
  const pg = options.postgres ? postgresCpuMs() : undefined;
  return {
    perRequest(requests) {
      const used = process.cpuUsage(node);
      const pgNow = pg === undefined ? undefined : postgresCpuMs();
      return {
        serverNodeMs: msPerRequest((used.user + used.system) / 1000, requests),
        ...(pg !== undefined && pgNow !== undefined
          ? { postgresMs: msPerRequest(pgNow - pg, requests) }
          : {}),
      };
    },
  };
}
