import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { parseCategory } from '../../identities/category-names.js';
import { mayCertify } from '../../identities/departments.js';
import { parseIdDocument } from '../id-document.js';
import { SHARE_TARGETS } from './identities.js';
import type { DemoHousehold, DemoIdentity, DemoPerson } from './model.js';
import { generateHouseholds, generateIdentities, generatePopulation, planCounties } from './population.js';
import { readRegionRows } from './regions.js';

const regions = readRegionRows(fileURLToPath(new URL('./fixtures/regions-fixture.csv', import.meta.url)));
const AS_OF = '2024-11-30';
const base = { seed: 'test-seed', regions, asOf: AS_OF };

const households: DemoHousehold[] = [...generateHouseholds({ ...base, persons: 20_000 })];
const persons: DemoPerson[] = households.flatMap((h) => h.members);
const identities: DemoIdentity[] = households.flatMap((h) => h.identities);

describe('generatePopulation', () => {
  it('yields exactly the number of persons asked for, spread over all seed counties by size', () => {
    expect(persons).toHaveLength(20_000);
    const plan = planCounties({ ...base, persons: 20_000 });
    expect(plan.map((p) => p.county.code).sort()).toEqual(
      [
        '130628',
        '130802',
        '140602',
        '140603',
        '140621',
        '140622',
        '140623',
        '140681',
        '430502',
        '512022',
      ].sort(),
    );
    for (const { county, persons: n } of plan)
      expect(persons.filter((p) => p.countyCode === county.code)).toHaveLength(n);
    // 乐至县 is the largest single county, 右玉县 the smallest.
    const size = (code: string) => plan.find((p) => p.county.code === code)!.persons;
    expect(size('512022')).toBeGreaterThan(size('130628'));
    expect(size('140623')).toBeLessThan(size('140602') / 3);
  });

  it('gives every person a valid resident ID, unique, matching sex, birth date and county', () => {
    const seen = new Set<string>();
    for (const p of persons) {
      expect(seen.has(p.idNumber)).toBe(false);
      seen.add(p.idNumber);
      const parsed = parseIdDocument(p.idNumber, undefined, AS_OF);
      expect(parsed.ok, `${p.idNumber}`).toBe(true);
      if (!parsed.ok) continue;
      if (p.docType === 'resident_id') {
        expect(parsed.doc).toMatchObject({ docType: 'resident_id', sex: p.sex, birthDate: p.birthDate });
        expect(p.idNumber.slice(0, 6)).toBe(p.countyCode);
      } else {
        expect(parsed.doc.docType).toBe('birth_certificate');
        expect(p.birthDate > '2024-06-01').toBe(true);
      }
      expect(p.villageCode.startsWith(p.townshipCode)).toBe(true);
      expect(p.townshipCode.startsWith(p.countyCode)).toBe(true);
    }
    expect(persons.some((p) => p.docType === 'birth_certificate')).toBe(true);
  });

  it('keeps IDs unique when many people share a birth date (sequence numbers run out → next day)', () => {
    const one = [...generatePopulation({ ...base, persons: 60_000, counties: ['140623'] })];
    expect(new Set(one.map((p) => p.idNumber)).size).toBe(one.length);
  });

  it('is deterministic: same seed, same people; another seed, other people', () => {
    const first = (seed: string) => {
      const out: DemoPerson[] = [];
      for (const p of generatePopulation({ ...base, seed, persons: 20_000 })) {
        out.push(p);
        if (out.length === 200) break;
      }
      return out;
    };
    expect(first('test-seed')).toEqual(persons.slice(0, 200));
    expect(first('other-seed').map((p) => p.idNumber)).not.toEqual(
      persons.slice(0, 200).map((p) => p.idNumber),
    );
  });

  it('builds households of 1–6 with one head first, mean size about 3', () => {
    for (const h of households) {
      expect(h.members.length).toBeGreaterThanOrEqual(1);
      expect(h.members.length).toBeLessThanOrEqual(6);
      expect(h.members[0]!.relation).toBe('head');
      expect(h.members.filter((m) => m.relation === 'head')).toHaveLength(1);
      expect(new Set(h.members.map((m) => m.householdNumber))).toEqual(new Set([h.householdNumber]));
      expect(h.householdNumber.startsWith(h.villageCode)).toBe(true);
    }
    expect(new Set(households.map((h) => h.householdNumber)).size).toBe(households.length);
    // Children carry their father's surname (the head's, or the spouse's when the head is the mother).
    let same = 0;
    let children = 0;
    for (const h of households) {
      const father = h.members.find(
        (m) => (m.relation === 'head' || m.relation === 'spouse') && m.sex === 'male',
      );
      if (!father || h.members.filter((m) => m.relation === 'spouse').length === 0) continue;
      for (const m of h.members.filter((x) => x.relation === 'son' || x.relation === 'daughter')) {
        children++;
        if (m.name[0] === father.name[0]) same++;
      }
    }
    expect(same / children).toBeGreaterThan(0.93);
    const mean = persons.length / households.length;
    expect(mean).toBeGreaterThan(2.8);
    expect(mean).toBeLessThan(3.3);
  });

  it('has a plausible rural age pyramid, students, newborns, phones, employees, deceased', () => {
    const age = (p: DemoPerson) => 2024 - Number(p.birthDate.slice(0, 4));
    const share = (f: (p: DemoPerson) => boolean) => persons.filter(f).length / persons.length;
    expect(share((p) => age(p) >= 60)).toBeGreaterThan(0.15);
    expect(share((p) => age(p) >= 60)).toBeLessThan(0.3);
    expect(share((p) => age(p) < 18)).toBeGreaterThan(0.12);
    expect(share((p) => age(p) < 18)).toBeLessThan(0.28);
    expect(share((p) => p.employeeInsurance)).toBeGreaterThan(0.08);
    expect(share((p) => p.employeeInsurance)).toBeLessThan(0.18);
    expect(persons.filter((p) => p.student === 'college_freshman').length).toBeGreaterThan(10);
    expect(persons.filter((p) => p.student === 'school' && age(p) < 5)).toHaveLength(0);
    expect(persons.filter((p) => p.birthDate >= '2024-09-01').length).toBeGreaterThan(20);
    expect(persons.filter((p) => p.status === 'deceased').length).toBeGreaterThan(10);
    expect(persons.filter((p) => p.status === 'moved_out').length).toBeGreaterThan(10);
    const adults = persons.filter((p) => age(p) >= 18 && p.status === 'active');
    const phones = adults.filter((p) => p.phone !== null);
    expect(phones.length / adults.length).toBeGreaterThan(0.7);
    for (const p of phones) expect(p.phone).toMatch(/^1[358]\d{9}$/);
    expect(persons.filter((p) => age(p) < 16 && p.phone !== null)).toHaveLength(0);
  });
});

describe('generateIdentities', () => {
  const byId = new Map(persons.map((p) => [p.idNumber, p]));
  const holders = (codes: string[]) =>
    new Set(identities.filter((i) => codes.includes(i.category)).map((i) => i.idNumber)).size /
    persons.length;

  it('is the same stream as the households carry, for the same seed', () => {
    expect([...generateIdentities({ ...base, persons: 20_000 })]).toEqual(identities);
  });

  it('names living persons of the population, certified by the right department', () => {
    for (const i of identities) {
      const p = byId.get(i.idNumber);
      expect(p?.name).toBe(i.name);
      expect(p?.status).toBe('active');
      expect(p?.docType).toBe('resident_id');
      expect(mayCertify(i.department, i.category)).toBe(true);
      expect(i.validFrom >= p!.birthDate && i.validFrom <= AS_OF).toBe(true);
      if (i.category === 'disability') {
        expect([1, 2, 3, 4]).toContain(i.attributes.grade);
        expect(i.attributes.kind).toBeDefined();
      }
    }
  });

  it('lands each hardship share within its target range', () => {
    for (const [code, [lo, hi]] of Object.entries(SHARE_TARGETS) as [string, [number, number]][]) {
      const codes =
        code === 'monitoring' ? ['unstable_out_of_poverty', 'edge_poverty', 'sudden_hardship'] : [code];
      const share = holders(codes);
      expect(share, code).toBeGreaterThanOrEqual(lo);
      expect(share, code).toBeLessThanOrEqual(hi);
    }
    expect(identities.some((i) => i.category === 'orphan' || i.category === 'unsupported_child')).toBe(true);
  });

  it('correlates within households: 低保 and poverty cover whole households', () => {
    let whole = 0;
    let partial = 0;
    for (const h of households) {
      const eligible = h.members.filter((m) => m.status === 'active' && m.docType === 'resident_id');
      const dibao = h.identities.filter((i) => i.category === 'dibao');
      if (dibao.length === 0 || eligible.length < 2) continue;
      if (dibao.length === eligible.length) whole++;
      else partial++;
    }
    expect(whole).toBeGreaterThan(partial * 3);
    for (const h of households) {
      const poor = h.identities.filter((i) => i.category === 'out_of_poverty');
      if (poor.length === 0) continue;
      const eligible = h.members.filter((m) => m.status === 'active' && m.docType === 'resident_id');
      expect(poor).toHaveLength(eligible.length);
      expect(h.members.every((m) => !m.employeeInsurance)).toBe(true);
    }
  });

  it('uses categories the department-list importer understands', () => {
    for (const code of new Set(identities.map((i) => i.category))) expect(parseCategory(code)).toBe(code);
  });
});

describe('laziness', () => {
  it('streams: rows already consumed are not kept (200,000 rows, then garbage-collected)', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const iterator = generatePopulation({ ...base, persons: 5_000_000 });
    const early: WeakRef<DemoPerson>[] = [];
    let n = 0;
    for (let r = iterator.next(); !r.done; r = iterator.next()) {
      if (n < 100) early.push(new WeakRef(r.value));
      if (++n === 200_000) break;
    }
    // WeakRefs keep their targets until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    const alive = early.filter((w) => w.deref() !== undefined).length;
    expect(alive).toBe(0);
    // …and the population of five million is still there to be read, one at a time.
    expect(iterator.next().done).toBe(false);
  });
});
