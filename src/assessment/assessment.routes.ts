// HTTP for the 核定 page and `canbao assessment …`: the runs of an area and year with the area's
// totals, the per-person ledger and the latest run's changes, the tax export as a download, the
// what-if (nothing stored) and one person's explanation. Runs themselves start as jobs
// (POST /api/jobs/assessments). ID numbers are masked for roles that may not see them.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { idFor, seesFullId } from '../auth/full-id.js';
import { type AppDeps, needDb } from '../http/app.js';
import { HttpError } from '../http/errors.js';
import { DATE } from '../http/route-helpers.js';
import { todayInChina } from '../policy/dates.js';
import { applyOverlay, parseOverlaySet } from '../policy/overlay.js';
import { FUNDING_SOURCE_NAMES, IDENTITY_NAMES } from '../policy/vocabulary.js';
import { parseIdDocument } from '../registry/id-document.js';
import { ASSESSMENT_STATUS_NAMES, explainPerson } from '../registry/person-detail.service.js';
import { EXCLUSION_NAMES } from './assess-region.repository.js';
import { resolveScope, whatIf } from './assess-region.service.js';
import { areaTotals, changesIn, ledgerRows, runsFor } from './assessment-view.repository.js';
import { writeTaxExport } from './tax-export.js';

const AREA = {
  type: 'string',
  pattern: '^([0-9]{6}|[0-9]{9}|[0-9]{12})$',
  description: '区县或市（6位）、乡镇（9位）或村（12位）代码；乡镇、村工作人员默认为其管辖范围',
} as const;
const YEAR = { type: 'integer', minimum: 2000, maximum: 2100, description: '参保年度' } as const;

const named = (names: Record<string, string>, code: string | null) =>
  code === null ? null : (names[code] ?? code);

function needArea(region: string | undefined): string {
  if (!region) throw new HttpError(400, 'NO_REGION', '请选择地区', 'region');
  return region;
}

export function registerAssessmentRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'db' | 'packs'>): void {
  app.get<{ Querystring: { region?: string; year: number } }>(
    '/api/assessments/runs',
    {
      schema: {
        summary: '核定批次及本地区现有核定合计（按资金来源、不参保原因）',
        tags: ['核定'],
        querystring: { type: 'object', required: ['year'], properties: { region: AREA, year: YEAR } },
      },
    },
    async (request) => {
      const area = needArea(request.query.region);
      const year = request.query.year;
      const db = needDb(deps);
      const runs = await runsFor(db, area, year);
      const current = await areaTotals(db, area, year);
      return {
        region: area,
        year,
        // A run's stored totals are its whole county's; for a township or village only the area's own are shown.
        runs: area.length > 6 ? runs.map(({ standardFen, subsidyFen, payableFen, ...r }) => r) : runs,
        current: {
          ...current,
          bySource: current.bySource.map((s) => ({
            ...s,
            name: named(FUNDING_SOURCE_NAMES, s.fundingSource),
          })),
          exclusions: current.exclusions.map((e) => ({ ...e, name: named(EXCLUSION_NAMES, e.reason) })),
        },
      };
    },
  );

  app.get<{
    Querystring: { region?: string; year: number; changed?: boolean; limit?: number; offset?: number };
  }>(
    '/api/assessments/ledger',
    {
      schema: {
        summary: '逐人核定台账；changed=true 时为最近一次核定与上一次相比有变化的人员',
        tags: ['核定'],
        querystring: {
          type: 'object',
          required: ['year'],
          properties: {
            region: AREA,
            year: YEAR,
            changed: { type: 'boolean', description: '只看最近一次核定的变化' },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
            offset: { type: 'integer', minimum: 0, default: 0 },
          },
        },
      },
    },
    async (request) => {
      const q = request.query;
      const area = needArea(q.region);
      const page = { limit: q.limit ?? 50, offset: q.offset ?? 0 };
      const db = needDb(deps);
      if (q.changed) {
        const [latest] = await runsFor(db, area, q.year, 1);
        if (!latest) return { region: area, year: q.year, runId: null, total: 0, items: [] };
        const r = await changesIn(db, latest.id, area, q.year, page);
        return {
          region: area,
          year: q.year,
          runId: latest.id,
          total: r.total,
          items: r.items.map((c) => ({
            ...c,
            docNo: idFor(request, c.docNo),
            oldStatusName: named(ASSESSMENT_STATUS_NAMES, c.oldStatus),
            newStatusName: named(ASSESSMENT_STATUS_NAMES, c.newStatus),
            oldCategoryName: named(IDENTITY_NAMES, c.oldCategory),
            newCategoryName: named(IDENTITY_NAMES, c.newCategory),
          })),
        };
      }
      const rows = await ledgerRows(db, area, q.year, page);
      return {
        region: area,
        year: q.year,
        items: rows.map((r) => ({
          ...r,
          docNo: idFor(request, r.docNo),
          statusName: named(ASSESSMENT_STATUS_NAMES, r.status),
          categoryName: named(IDENTITY_NAMES, r.category),
          fundingSourceName: named(FUNDING_SOURCE_NAMES, r.fundingSource),
          exclusionReasonName: named(EXCLUSION_NAMES, r.exclusionReason),
        })),
      };
    },
  );

  app.get<{ Querystring: { region?: string; year: number; format?: 'csv' | 'xlsx' } }>(
    '/api/assessments/export',
    {
      schema: {
        summary: '下载推送税务部门的核定明细（CSV 或 XLSX，同 canbao assessment export）',
        tags: ['核定'],
        querystring: {
          type: 'object',
          required: ['year'],
          properties: {
            region: AREA,
            year: YEAR,
            format: { type: 'string', enum: ['csv', 'xlsx'], default: 'csv' },
          },
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const area = needArea(q.region);
      const format = q.format ?? 'csv';
      const { scope } = resolveScope(deps.packs, area.slice(0, 6), q.year);
      const dir = await mkdtemp(join(tmpdir(), 'canbao-export-'));
      const file = join(dir, `核定明细-${area}-${q.year}.${format}`);
      try {
        await writeTaxExport(needDb(deps), scope, file, {
          ...(area.length > 6 ? { village: area } : {}),
          maskIds: !seesFullId(request),
        });
      } catch (e) {
        await rm(dir, { recursive: true, force: true });
        throw e;
      }
      const stream = createReadStream(file);
      stream.on('close', () => void rm(dir, { recursive: true, force: true }));
      const name = `核定明细-${area}-${q.year}.${format}`;
      return reply
        .type(
          format === 'xlsx'
            ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
            : 'text/csv; charset=utf-8',
        )
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(name)}`)
        .send(stream);
    },
  );

  app.post<{ Body: { region: string; year: number; set: string[]; asOf?: string } }>(
    '/api/assessments/what-if',
    {
      schema: {
        summary: '政策试算：按修改后的政策核定（不保存），比较各资金来源的资助总额和受影响人员',
        tags: ['核定'],
        body: {
          type: 'object',
          required: ['region', 'year', 'set'],
          additionalProperties: false,
          properties: {
            region: { type: 'string', pattern: '^[0-9]{6}$', description: '区县或市代码' },
            year: YEAR,
            set: {
              type: 'array',
              minItems: 1,
              maxItems: 20,
              items: { type: 'string', maxLength: 200 },
              description: '如 subsidies.dibao-half.amount.percent=60',
            },
            asOf: DATE,
          },
        },
      },
    },
    async (request) => {
      const b = request.body;
      const { resolved } = resolveScope(deps.packs, b.region, b.year);
      const overlay = applyOverlay(resolved, b.set.map(parseOverlaySet));
      const r = await whatIf(needDb(deps), overlay, {
        region: b.region,
        year: b.year,
        ...(b.asOf ? { asOf: b.asOf } : {}),
      });
      return { ...r, people: r.people.map((p) => ({ ...p, docNo: idFor(request, p.docNo) })) };
    },
  );

  app.get<{ Params: { docNo: string }; Querystring: { year: number; asOf?: string } }>(
    '/api/assessments/explain/:docNo',
    {
      schema: {
        summary: '说明一个人的核定结果：按其现有身份逐条引用政策条款',
        tags: ['核定'],
        params: {
          type: 'object',
          required: ['docNo'],
          properties: { docNo: { type: 'string', maxLength: 40 } },
        },
        querystring: {
          type: 'object',
          required: ['year'],
          properties: { year: YEAR, asOf: { ...DATE, description: '按此日有效的身份（默认今天）' } },
        },
      },
    },
    async (request) => {
      const raw = request.params.docNo;
      const parsed = parseIdDocument(raw);
      const docNo = parsed.ok ? parsed.doc.docNo : raw.trim().toUpperCase();
      const r = await explainPerson(
        needDb(deps),
        deps.packs,
        docNo,
        request.query.year,
        request.query.asOf ?? todayInChina(),
      );
      if (!r) throw new HttpError(404, 'PERSON_NOT_FOUND', '一人一档中没有此人', 'docNo');
      return { docNo: idFor(request, docNo), ...r };
    },
  );
}
