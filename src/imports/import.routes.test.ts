// Imports over HTTP: a roster uploaded as a form answers 202 with a job, the job stores the persons
// and its report lists the bad rows (行号, 列, 字段, 问题); a department submitter uploads only its
// own department's list for its own county, and sees only its own jobs.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addUser } from '../auth/user.service.js';
import { buildApp } from '../http/app.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { checkDigit } from '../registry/id-document.js';
import { describeEachDatabase } from '../test-support/db.js';
import { multipartBody, waitForJob } from '../test-support/http.js';

const id = (first17: string): string => first17 + checkDigit(first17);
const HEAD = id('13080219700101001');
const WIFE = id('13080219720202002');
const CHILD = id('13080220100303003');
const WRONG = `${HEAD.slice(0, 17)}${HEAD.endsWith('1') ? '2' : '1'}`;
const PW = 'canbao2025';

const ROSTER = [
  '姓名,公民身份号码,性别,户号,与户主关系,乡镇（街道）,村（社区）,人员状态',
  `张大,${HEAD},男,H1,户主,石洞子沟街道,东关村,正常`,
  `李二,${WIFE},女,H1,配偶,石洞子沟街道,东关村,正常`,
  `张小,${CHILD},男,H1,子,石洞子沟街道,东关村,正常`,
].join('\r\n');

let uploads: string;
beforeAll(async () => {
  uploads = await mkdtemp(join(tmpdir(), 'canbao-uploads-'));
});
afterAll(async () => rm(uploads, { recursive: true, force: true }));

describeEachDatabase('imports over HTTP', (getDb, kind) => {
  let app: FastifyInstance;
  const cookies: Record<string, string> = {};
  const dir = () => join(uploads, kind);

  const upload = (
    who: string,
    importKind: string,
    fields: Record<string, string>,
    file: { name: string; content: string },
  ) => {
    const form = multipartBody(fields, file);
    return app.inject({
      method: 'POST',
      url: `/api/imports/${importKind}`,
      headers: { 'content-type': form.contentType, cookie: cookies[who]! },
      payload: form.body,
    });
  };

  beforeAll(async () => {
    const db = getDb();
    await sql`
      INSERT INTO regions (code, name, level, parent_code, county_code) VALUES
        ('130802', '双桥区', 3, NULL, '130802'),
        ('130802001', '石洞子沟街道', 4, '130802', '130802'),
        ('130802001001', '东关村', 5, '130802001', '130802')`.execute(db.db);
    app = await buildApp({
      packs: shippedPacks(),
      db,
      auth: { secureCookies: false },
      uploads: { dir: dir(), maxBytes: 1024 * 1024 },
    });
    for (const [username, role, scopeCode, department] of [
      ['admin', 'admin', undefined, undefined],
      ['minzheng', 'department', '130802', 'civil_affairs'],
    ] as const) {
      await addUser(
        db,
        {
          username,
          displayName: username,
          role,
          password: PW,
          ...(scopeCode ? { scopeCode } : {}),
          ...(department ? { department } : {}),
        },
        'test',
      );
      const r = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password: PW },
      });
      cookies[username] = String(r.headers['set-cookie'] ?? '').split(';')[0]!;
    }
  });
  afterAll(async () => app?.close());

  let adminJob: number;

  it('imports an uploaded roster in the background and stores the persons', async () => {
    const r = await upload('admin', 'registry', {}, { name: '花名册.csv', content: ROSTER });
    expect(r.statusCode).toBe(202);
    expect(r.json()).toMatchObject({ kind: 'import-registry', status: 'queued' });
    const job = await waitForJob(app, r.json().id, cookies.admin);
    adminJob = job.id;
    expect(job.status).toBe('succeeded');
    // The server's paths of the upload stay on the server.
    expect(Object.keys(job.params).sort()).toEqual(['allOrNothing', 'fileName']);
    expect(job.result).toMatchObject({
      status: 'applied',
      rowsRead: 3,
      inserted: 3,
      rejected: 0,
      householdsInserted: 1,
      fileName: '花名册.csv',
      reportRows: 0,
    });
    const stored = await sql<{ doc_no: string }>`SELECT doc_no FROM persons ORDER BY doc_no`.execute(
      getDb().db,
    );
    expect(stored.rows.map((p) => p.doc_no)).toEqual([HEAD, WIFE, CHILD].sort());
    // The uploaded file is removed once imported; nothing is left but the job's directory.
    const left = await readdir(join(dir(), (await readdir(dir()))[0]!));
    expect(left).toEqual([]);
    const none = await app.inject({
      method: 'GET',
      url: `/api/jobs/${job.id}/report`,
      headers: { cookie: cookies.admin! },
    });
    expect(none.statusCode).toBe(404);
  });

  it('lists every bad row in the report: row, column, what the cell held, the problem', async () => {
    const bad = [
      ROSTER.split('\r\n')[0],
      `王三,${WRONG},男,H2,户主,石洞子沟街道,东关村,正常`,
      `赵四,${id('13080219800404013')},男,H3,户主,石洞子沟街道,南关村,正常`,
    ].join('\r\n');
    const r = await upload('admin', 'registry', { allOrNothing: 'false' }, { name: 'bad.csv', content: bad });
    const job = await waitForJob(app, r.json().id, cookies.admin);
    expect(job.result).toMatchObject({ rowsRead: 2, inserted: 0, rejected: 2, reportRows: 2 });
    const report = await app.inject({
      method: 'GET',
      url: `/api/jobs/${job.id}/report`,
      headers: { cookie: cookies.admin! },
    });
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toMatch(/text\/csv/);
    expect(report.headers['content-disposition']).toMatch(/attachment/);
    const lines = report.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(lines[0]).toBe('行号,列,字段,问题');
    expect(lines[1]).toBe(`2,公民身份号码,${WRONG},校验码错误，请核对号码是否录错`);
    expect(lines[2]).toMatch(/^3,村\(社区\),南关村,区划表中没有这个村/);
  });

  it('refuses a department submitter another department’s list, and stores nothing', async () => {
    const list = ['姓名,身份证号码,类别', `张大,${HEAD},低保`].join('\r\n');
    const other = await upload(
      'minzheng',
      'identities',
      { department: '残联', county: '130802' },
      { name: 'canlian.csv', content: list },
    );
    expect(other.statusCode).toBe(403);
    expect(other.json().error).toMatchObject({ code: 'OUT_OF_SCOPE', where: 'department' });
    expect(other.json().error.message).toMatch(/民政/);
    const elsewhere = await upload(
      'minzheng',
      'identities',
      { department: '民政', county: '430502' },
      { name: 'mz.csv', content: list },
    );
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json().error.code).toBe('OUT_OF_SCOPE');
    const roster = await upload('minzheng', 'registry', {}, { name: 'r.csv', content: ROSTER });
    expect(roster.statusCode).toBe(403);
    const stored = await sql<{ n: number }>`
      SELECT (SELECT count(*) FROM department_lists)::int + (SELECT count(*) FROM jobs WHERE created_by = 'minzheng')::int AS n`.execute(
      getDb().db,
    );
    expect(stored.rows[0]!.n).toBe(0);

    // Its own list, department and county taken from the account, goes through.
    const own = await upload(
      'minzheng',
      'identities',
      { asOf: '2024-10-01' },
      { name: 'mz.csv', content: list },
    );
    expect(own.statusCode).toBe(202);
    const job = await waitForJob(app, own.json().id, cookies.minzheng);
    expect(job.params).toMatchObject({ department: 'civil_affairs', county: '130802' });
    expect(job.result).toMatchObject({ applied: true, added: 1, rejected: 0 });
  });

  it('a department submitter sees only its own jobs', async () => {
    const theirs = await app.inject({
      method: 'GET',
      url: `/api/jobs/${adminJob}`,
      headers: { cookie: cookies.minzheng! },
    });
    expect(theirs.statusCode).toBe(403);
    expect(theirs.json().error.code).toBe('NOT_YOUR_JOB');
    const report = await app.inject({
      method: 'GET',
      url: `/api/jobs/${adminJob}/report`,
      headers: { cookie: cookies.minzheng! },
    });
    expect(report.statusCode).toBe(403);
    const mine = await app.inject({
      method: 'GET',
      url: '/api/jobs',
      headers: { cookie: cookies.minzheng! },
    });
    expect(mine.json().map((j: { created_by: string }) => j.created_by)).toEqual(['minzheng']);
    const all = await app.inject({ method: 'GET', url: '/api/jobs', headers: { cookie: cookies.admin! } });
    expect(all.json().length).toBe(3);
  });

  it('reports the rows read as the job’s progress, and every rejected row', async () => {
    const lines = ['证件号码,姓名,年度,参保状态'];
    for (let i = 0; i < 10_001; i++) lines.push(`${HEAD},张大,19${i % 10}0,已参保`);
    const r = await upload(
      'admin',
      'enrollments',
      { county: '130802' },
      { name: '历年参保.csv', content: lines.join('\r\n') },
    );
    expect(r.statusCode).toBe(202);
    const job = await waitForJob(app, r.json().id, cookies.admin);
    expect(job.status).toBe('succeeded');
    expect(job.progress).toBe('已读取 10,000 行');
    expect(job.result).toMatchObject({ rowsRead: 10_001, rejected: 10_001, reportRows: 10_001 });
  });

  it('refuses a file over the limit with a Chinese 413, keeping nothing', async () => {
    const before = await readdir(dir());
    const r = await upload('admin', 'regions', {}, { name: 'big.csv', content: 'x'.repeat(1024 * 1024 + 1) });
    expect(r.statusCode).toBe(413);
    expect(r.json().error).toMatchObject({ code: 'FILE_TOO_LARGE', where: 'file' });
    expect(r.json().error.message).toMatch(/上限/);
    expect(await readdir(dir())).toEqual(before);
  });
});
