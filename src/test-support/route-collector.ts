// The routes an app registers, as Fastify registers them, for tests that must cover every route
// without a hand-kept list. Use in a test file (vi.mock is hoisted; the factory imports this module):
//   vi.mock('fastify', async (original) =>
//     (await import('../test-support/route-collector.js')).collectingFastify(await original()));
import type { FastifySchema, RouteOptions } from 'fastify';

export interface RegisteredRoute {
  method: string;
  url: string;
  schema: FastifySchema | undefined;
}

/** Every route registered by any app built in this test file, in order (duplicates when built twice). */
export const registeredRoutes: RegisteredRoute[] = [];

/** The fastify module with its factory wrapped so each new instance reports its routes. */
export function collectingFastify<M extends { default: (...args: never[]) => unknown }>(mod: M): M {
  const original = mod.default as unknown as (...args: unknown[]) => {
    addHook(name: 'onRoute', hook: (route: RouteOptions) => void): unknown;
  };
  const wrapped = (...args: unknown[]) => {
    const app = original(...args);
    app.addHook('onRoute', (route: RouteOptions) => {
      for (const method of [route.method].flat())
        registeredRoutes.push({ method, url: route.url, schema: route.schema });
    });
    return app;
  };
  return { ...mod, default: wrapped };
}

/** Each route once (method and pattern), under /api, in registration order. */
export function apiRoutes(): RegisteredRoute[] {
  const unique = new Map(registeredRoutes.map((r) => [`${r.method} ${r.url}`, r]));
  return [...unique.values()].filter((r) => r.url.startsWith('/api/'));
}
