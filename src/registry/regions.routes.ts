// HTTP for regions and the population base: GET /api/regions (a region's children, or the
// provinces), GET /api/regions/population (one region's base population for a year, with its
// children's) and POST /api/regions/population (set it, as `canbao regions population-set`; audited).
import type { FastifyInstance } from 'fastify';
import { type AppDeps, needDb } from '../http/app.js';
import { HttpError } from '../http/errors.js';
import { requestActor } from '../http/route-helpers.js';
import { getPopulation, populationsFor } from './population-base.repository.js';
import { setPopulation } from './population-base.service.js';
import { getRegion, listChildren } from './regions.repository.js';
import { LEVEL_NAMES } from './regions-code.js';

const CODE = { type: 'string', pattern: '^([0-9]{6}|[0-9]{9}|[0-9]{12})$' } as const;
const YEAR = { type: 'integer', minimum: 2000, maximum: 2100 } as const;

export function registerRegionRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'db'>): void {
  app.get<{ Querystring: { parent?: string } }>(
    '/api/regions',
    {
      schema: {
        summary: '区划：某区划的下级（不填则为省级），含下级个数和最近的常住人口',
        tags: ['区划'],
        querystring: { type: 'object', properties: { parent: { ...CODE, description: '上级区划代码' } } },
      },
    },
    async (request) => {
      const db = needDb(deps).db;
      const parent = request.query.parent ?? null;
      const region = parent ? await getRegion(db, parent) : null;
      if (parent && !region) throw new HttpError(404, 'NO_REGION', `系统中没有区划 ${parent}`, 'parent');
      const children = await listChildren(db, parent);
      return {
        region: region ? { ...region, levelName: LEVEL_NAMES[region.level] } : null,
        children: children.map((c) => ({ ...c, levelName: LEVEL_NAMES[c.level] })),
      };
    },
  );

  app.get<{ Querystring: { region: string; year: number } }>(
    '/api/regions/population',
    {
      schema: {
        summary: '常住人口基数（参保率的分母）：本区划及其下级',
        tags: ['区划'],
        querystring: {
          type: 'object',
          required: ['region', 'year'],
          properties: { region: CODE, year: YEAR },
        },
      },
    },
    async (request) => {
      const db = needDb(deps).db;
      const { region, year } = request.query;
      const own = await getPopulation(db, region, year);
      const children = await listChildren(db, region);
      const pops = await populationsFor(
        db,
        year,
        children.map((c) => c.code),
      );
      return {
        region,
        year,
        population: own?.population ?? null,
        source: own?.source ?? null,
        children: children.map((c) => ({ code: c.code, name: c.name, population: pops.get(c.code) ?? null })),
      };
    },
  );

  app.post<{ Body: { region: string; year: number; population: number } }>(
    '/api/regions/population',
    {
      schema: {
        summary: '修改一个区划某年度的常住人口',
        tags: ['区划'],
        body: {
          type: 'object',
          required: ['region', 'year', 'population'],
          additionalProperties: false,
          properties: {
            region: CODE,
            year: YEAR,
            population: { type: 'integer', minimum: 0, maximum: 999999999 },
          },
        },
      },
    },
    async (request) => {
      const { region, year, population } = request.body;
      const { previous } = await setPopulation(
        needDb(deps).db,
        region,
        year,
        population,
        requestActor(request),
      );
      return { region, year, population, previous };
    },
  );
}
