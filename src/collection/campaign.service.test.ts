// Year rollover on both databases: opening 2026 from its pack (and refusing without one), carried
// and expiring identities, idempotent re-opening with one audit row, and the unrenewed list.
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { OutcomeError } from '../policy/outcome.js';
import { describeEachDatabase } from '../test-support/db.js';
import { allUnrenewed, listCampaigns, openCampaign, unrenewed } from './campaign.service.js';
import { addEnrollment, addPersons, packsWith2026, rid, seedShuangqing } from './rollover-fixture.js';

const packs = packsWith2026();
const A = rid('43050219800101001'); // enrolled 2025, not yet 2026 → unrenewed
const B = rid('43050219800101002'); // enrolled 2025 and 2026 → renewed
const C = rid('43050219800101003'); // suspended 2025, registered (unpaid) 2026 → unrenewed
const D = rid('43050219800101004'); // enrolled 2025, died since → not chased
const E = rid('43050219800101005'); // enrolled 2025, now in employee insurance → not chased
const F = rid('43050219800101006'); // not enrolled 2025 → not on the list
const G = rid('43050219800101007'); // other village, enrolled 2025 → unrenewed

describeEachDatabase('year rollover', (getDb) => {
  beforeAll(async () => {
    await getDb().transaction(async (tx) => {
      await seedShuangqing(tx);
      const ids = await addPersons(tx, [
        { docNo: A, name: '甲', phone: '13800000001', household: 'H1' },
        { docNo: B, name: '乙', household: 'H1' },
        { docNo: C, name: '丙' },
        { docNo: D, name: '丁', status: 'deceased' },
        { docNo: E, name: '戊', employeeInsurance: true },
        { docNo: F, name: '己' },
        { docNo: G, name: '庚', village: '430502001002' },
      ]);
      for (const d of [A, B, D, E, G]) await addEnrollment(tx, ids.get(d)!, 2025, 'enrolled');
      await addEnrollment(tx, ids.get(C)!, 2025, 'suspended');
      await addEnrollment(tx, ids.get(B)!, 2026, 'enrolled');
      await addEnrollment(tx, ids.get(C)!, 2026, 'registered', 'registration');
      // Identities: A dibao open-ended; B tekun ending 2025-11-30 (before 2026 benefits); C disability
      // ended before collection starts; D (deceased) dibao open-ended.
      await sql`INSERT INTO person_identities (county_code, person_id, category, department, valid_from, valid_to) VALUES
        ('430502', ${ids.get(A)!}, 'dibao', 'civil_affairs', '2023-01-01', NULL),
        ('430502', ${ids.get(B)!}, 'tekun', 'civil_affairs', '2024-05-01', '2025-11-30'),
        ('430502', ${ids.get(C)!}, 'disability', 'disability_federation', '2020-01-01', '2025-06-30'),
        ('430502', ${ids.get(D)!}, 'dibao', 'civil_affairs', '2023-01-01', NULL)`.execute(tx.db);
    });
  });

  it('refuses a year without the county own pack, naming the pack and the guide', async () => {
    const error = await openCampaign(getDb(), packs, { county: '430502', year: 2027, actor: 't' }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(OutcomeError);
    expect(error.issues[0]).toMatchObject({ code: 'no-pack' });
    expect(error.issues[0].message).toContain('430502-2027.yaml');
    expect(error.issues[0].message).toContain('docs/policy-packs.md');
    // national-2026 exists but is only a base: 130802 has no 2026 pack of its own.
    const national = await openCampaign(getDb(), packs, { county: '130802', year: 2026, actor: 't' }).catch(
      (e) => e,
    );
    expect(national.issues[0].message).toContain('national-2026 只能被继承');
  });

  it('refuses a region that is not a county', async () => {
    await getDb().db.executeQuery(
      sql`INSERT INTO regions (code, name, level) VALUES ('430500', '邵阳市', 2) ON CONFLICT (code) DO NOTHING`.compile(
        getDb().db,
      ),
    );
    await expect(openCampaign(getDb(), packs, { county: '430500', year: 2026, actor: 't' })).rejects.toThrow(
      /邵阳市不是区县/,
    );
  });

  it('opens 2026: carries identities valid on the first collection day, flags those ending before benefits', async () => {
    const r = await openCampaign(getDb(), packs, {
      county: '430502',
      year: 2026,
      date: '2025-08-20',
      actor: 'tester',
    });
    expect(r.created).toBe(true);
    expect(r.campaign).toMatchObject({
      countyCode: '430502',
      countyName: '双清区',
      year: 2026,
      packId: '430502-2026',
      openedOn: '2025-08-20',
      openedBy: 'tester',
      status: 'open',
      carriedIdentities: 2,
    });
    expect(r.collection.start).toBe('2025-09-01');
    expect(r.carried).toEqual([
      { category: 'dibao', identities: 1, persons: 1 },
      { category: 'tekun', identities: 1, persons: 1 },
    ]);
    expect(r.recertify.total).toBe(1);
    expect(r.recertify.items[0]).toMatchObject({ docNo: B, category: 'tekun', validTo: '2025-11-30' });
  });

  it('opening again answers the existing campaign and audits only once', async () => {
    const again = await openCampaign(getDb(), packs, {
      county: '430502',
      year: 2026,
      date: '2025-09-03',
      actor: 'x',
    });
    expect(again.created).toBe(false);
    expect(again.packChanged).toBe(false);
    expect(again.campaign.openedOn).toBe('2025-08-20');
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM audit_log WHERE action = 'campaign.open' AND entity_id = '430502-2026'`.execute(
      getDb().db,
    );
    expect(rows[0]!.n).toBe(1);
    expect((await listCampaigns(getDb())).map((c) => `${c.countyCode}-${c.year}`)).toEqual(['430502-2026']);
  });

  it('lists who was insured last year and is not yet this year, by village', async () => {
    const page = await unrenewed(getDb(), { county: '430502', year: 2026 });
    expect(page.total).toBe(3);
    expect(page.items.map((r) => r.docNo)).toEqual([A, C, G]);
    expect(page.items[0]).toMatchObject({
      name: '甲',
      villageName: '火车社区',
      phone: '13800000001',
      householdNo: 'H1',
      lastStatus: 'enrolled',
    });
    const village = await unrenewed(getDb(), { county: '430502', year: 2026, village: '430502001002' });
    expect(village.items.map((r) => r.docNo)).toEqual([G]);
  });

  it('pages by keyset and streams every row', async () => {
    const first = await unrenewed(getDb(), { county: '430502', year: 2026, limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.next).not.toBeNull();
    const second = await unrenewed(getDb(), { county: '430502', year: 2026, limit: 2, after: first.next! });
    expect(second.items.map((r) => r.docNo)).toEqual([G]);
    expect(second.next).toBeNull();
    const all: string[] = [];
    for await (const r of allUnrenewed(getDb(), { county: '430502', year: 2026 })) all.push(r.docNo);
    expect(all).toEqual([A, C, G]);
  });

  it('refuses a village outside the county', async () => {
    await expect(
      unrenewed(getDb(), { county: '430502', year: 2026, village: '130802001001' }),
    ).rejects.toThrow(/村（社区）代码/);
  });
});
