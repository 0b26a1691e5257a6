// GET /api/persons/:docNo/identities: the identity history of `canbao identities history`, within
// the reader's scope; roles that do not read person records are refused.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../http/app.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { checkDigit } from '../registry/id-document.js';
import { describeEachDatabase } from '../test-support/db.js';
import { addAndLogin } from '../test-support/login.js';

const id = (first17: string) => first17 + checkDigit(first17);
const MINE = id('13080219800101001');
const THEIRS = id('13080219800101002');

describeEachDatabase('identity history over HTTP', (getDb) => {
  let app: FastifyInstance;
  let cookies: Record<string, string>;
  beforeAll(async () => {
    const db = getDb();
    await sql`INSERT INTO persons (county_code, doc_type, doc_no, name, residence_village) VALUES
      ('130802', 'resident_id', ${MINE}, '本村人', '130802001001'),
      ('130802', 'resident_id', ${THEIRS}, '外村人', '130802001002')`.execute(db.db);
    await sql`INSERT INTO person_identities (county_code, person_id, category, department, valid_from)
      SELECT '130802', id, 'dibao', 'civil_affairs', '2024-03-01' FROM persons WHERE doc_no = ${MINE}`.execute(
      db.db,
    );
    app = await buildApp({ packs: shippedPacks(), db, auth: { secureCookies: false }, webRoot: false });
    cookies = await addAndLogin(app, db, [
      ['cun1', 'village', '130802001001'],
      ['caizheng', 'finance', '130802'],
    ]);
  });
  afterAll(async () => app?.close());

  const get = (who: string, docNo: string) =>
    app.inject({
      method: 'GET',
      url: `/api/persons/${docNo}/identities`,
      headers: { cookie: cookies[who]! },
    });

  it('gives a village worker the history of a person of their village', async () => {
    const r = await get('cun1', MINE);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject([
      { name: '本村人', category: 'dibao', categoryName: expect.any(String), valid_from: '2024-03-01' },
    ]);
  });

  it('refuses another village’s person, and finance altogether', async () => {
    expect((await get('cun1', THEIRS)).json().error.code).toBe('OUT_OF_SCOPE');
    expect((await get('caizheng', MINE)).statusCode).toBe(403);
  });
});
