// Properties every assessment must have, whatever the pack and the request: amounts that add up,
// no subsidy beyond the standard, another identity never making a person pay more, the same answer
// every time and for any order of identities, an explanation citing document and clause for every
// step, and bad input answered in the error slot instead of a throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assess } from './assess.js';
import { addDays } from './dates.js';
import type { ResolvedPack } from './pack-loader.js';
import { shippedPacks } from './pack-loader.js';
import type { AssessRequest, Identity } from './request.schema.js';
import { type AssessmentOutcome, isError } from './result.js';
import { DISABILITY_KINDS, EVENT_TYPES, IDENTITY_CODES, STUDENT_KINDS } from './vocabulary.js';

const packs = shippedPacks();
const counties = packs.all().filter((r) => r.pack.region !== 'national');
const RUNS = 250;

/** A date within `before` days ahead of `from` to `after` days past `to`. */
const dateAround = (from: string, to: string, before = 60, after = 60) =>
  fc
    .integer({ min: -before, max: daysBetweenLoose(from, to) + after })
    .map((offset) => addDays(from, offset));

function daysBetweenLoose(a: string, b: string): number {
  return Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);
}

function identityArb(r: ResolvedPack): fc.Arbitrary<Identity> {
  const c = r.pack.collection!;
  return fc.record(
    {
      category: fc.constantFrom(...IDENTITY_CODES),
      grade: fc.integer({ min: 1, max: 4 }),
      kind: fc.constantFrom(...DISABILITY_KINDS),
      formerlyPoor: fc.boolean(),
      riskEliminated: fc.boolean(),
      certifiedOn: dateAround(c.start, c.end, 120, 120),
    },
    { requiredKeys: ['category'] },
  );
}

/** Subregions for packs that cover more than their own code (朔州市 140600 → 140602 …). */
function regionArb(r: ResolvedPack): fc.Arbitrary<string> {
  const code = r.pack.region;
  const own = [code, `${code}001001`];
  if (code.endsWith('00')) own.push(`${code.slice(0, 4)}02`, `${code.slice(0, 4)}81`);
  return fc.constantFrom(...own);
}

function requestArb(r: ResolvedPack): fc.Arbitrary<AssessRequest> {
  const c = r.pack.collection!;
  const b = r.pack.benefit!;
  const tiers = r.pack.contribution!.tiers.map((t) => t.code);
  const around = dateAround(c.start, b.end, 45, 45);
  return fc.record(
    {
      region: regionArb(r),
      year: fc.constant(r.pack.year),
      identities: fc.array(identityArb(r), { maxLength: 4 }),
      tier: fc.constantFrom(...tiers),
      birthDate: around,
      paymentDate: around,
      event: fc.record({ type: fc.constantFrom(...EVENT_TYPES), date: around }, { requiredKeys: ['type'] }),
      student: fc.constantFrom(...STUDENT_KINDS),
      lapsedYears: fc.integer({ min: 0, max: 7 }),
      paidBackYears: fc.integer({ min: 0, max: 7 }),
    },
    { requiredKeys: ['region', 'year', 'identities'] },
  );
}

/** assess that must not throw; a throw fails the property with the request in the message. */
function run(req: unknown): AssessmentOutcome {
  try {
    return assess(req, packs);
  } catch (e) {
    throw new Error(`assess threw for ${JSON.stringify(req)}: ${(e as Error).stack}`);
  }
}

describe.each(counties.map((r) => [r.pack.id, r] as const))('pack %s', (_id, r) => {
  it('amounts add up: 0 ≤ subsidy ≤ standard, payable = standard − subsidy ≥ 0', () => {
    fc.assert(
      fc.property(requestArb(r), (req) => {
        const out = run(req);
        if (isError(out)) return;
        expect(out.pack.id).toBe(r.pack.id);
        for (const v of [out.standardFen, out.subsidyFen, out.payableFen, out.waitingDays])
          expect(Number.isInteger(v)).toBe(true);
        expect(out.subsidyFen).toBeGreaterThanOrEqual(0);
        expect(out.subsidyFen).toBeLessThanOrEqual(out.standardFen);
        expect(out.payableFen).toBeGreaterThanOrEqual(0);
        expect(out.payableFen).toBe(out.standardFen - out.subsidyFen);
        expect(out.waitingDays).toBeGreaterThanOrEqual(0);
        if (out.subsidyFen === 0) expect(out.fundingSource).toBeNull();
        else expect(out.fundingSource).not.toBeNull();
      }),
      { numRuns: RUNS },
    );
  });

  it('an accepted result has a benefit period; a rejected one says why and has none', () => {
    fc.assert(
      fc.property(requestArb(r), (req) => {
        const out = run(req);
        if (isError(out)) return;
        expect(out.accepted).toBe(out.rejection === undefined);
        if (out.accepted) {
          expect(out.benefitStart).not.toBeNull();
          expect(out.benefitEnd).not.toBeNull();
          if (req.paymentDate && out.waitingDays > 0)
            expect(out.benefitStart! >= addDays(req.paymentDate, out.waitingDays)).toBe(true);
        } else {
          expect(out.benefitStart).toBeNull();
          expect(out.benefitEnd).toBeNull();
          expect(out.rejection!.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('adding an identity never raises what the person pays', () => {
    fc.assert(
      fc.property(requestArb(r), identityArb(r), fc.nat(), (req, extra, at) => {
        const before = run(req);
        if (isError(before)) return;
        const identities = [...req.identities];
        identities.splice(at % (identities.length + 1), 0, extra);
        const after = run({ ...req, identities });
        if (isError(after)) {
          // The only way another identity may stop the answer: the pack grants it a subsidy whose amount
          // the document leaves open (双清 三、（五）1.（5）), which must be reported, not guessed.
          expect(after.error, JSON.stringify({ req, extra })).toMatchObject({
            code: 'NOT_COVERED',
            path: `identities[${identities.indexOf(extra)}].category`,
          });
          return;
        }
        expect(after.payableFen, JSON.stringify({ req, extra })).toBeLessThanOrEqual(before.payableFen);
      }),
      { numRuns: RUNS },
    );
  });

  it('highest subsidy wins, never two: several identities pay what the best single one pays', () => {
    fc.assert(
      fc.property(requestArb(r), (req) => {
        fc.pre(req.identities.length >= 2);
        const all = run(req);
        const singles = req.identities.map((id) => run({ ...req, identities: [id] }));
        if (isError(all) || singles.some(isError)) return;
        const best = Math.min(...singles.map((s) => (isError(s) ? Number.POSITIVE_INFINITY : s.payableFen)));
        expect(all.payableFen, JSON.stringify(req.identities)).toBe(best);
      }),
      { numRuns: RUNS },
    );
  });

  it('is deterministic and does not depend on the order of identities', () => {
    fc.assert(
      fc.property(requestArb(r), (req) => {
        const first = run(req);
        expect(run(structuredClone(req))).toEqual(first);
        const reversed = run({ ...req, identities: [...req.identities].reverse() });
        if (isError(first)) {
          expect(isError(reversed)).toBe(true);
          return;
        }
        expect(isError(reversed)).toBe(false);
        if (isError(reversed)) return;
        expect({
          standardFen: reversed.standardFen,
          subsidyFen: reversed.subsidyFen,
          payableFen: reversed.payableFen,
          tier: reversed.tier,
          benefitStart: reversed.benefitStart,
        }).toEqual({
          standardFen: first.standardFen,
          subsidyFen: first.subsidyFen,
          payableFen: first.payableFen,
          tier: first.tier,
          benefitStart: first.benefitStart,
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('a longer lapse never shortens the wait; paying years back never lengthens it', () => {
    fc.assert(
      fc.property(
        requestArb(r),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 6 }),
        (req, l, p) => {
          const base = { ...req, lapsedYears: l, paidBackYears: p };
          const out = run(base);
          if (isError(out) || !out.accepted) return;
          const longer = run({ ...base, lapsedYears: l + 1 });
          const repaired = run({ ...base, paidBackYears: p + 1 });
          if (!isError(longer) && longer.accepted)
            expect(longer.waitingDays).toBeGreaterThanOrEqual(out.waitingDays);
          if (!isError(repaired) && repaired.accepted)
            expect(repaired.waitingDays).toBeLessThanOrEqual(out.waitingDays);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('the standard is a tier of the pack, a tier plus the fiscal subsidy (late), or nothing', () => {
    const tiers = r.pack.contribution!.tiers.map((t) => t.fen);
    const fiscal = r.pack.fiscalSubsidy?.fen ?? 0;
    const allowed = new Set([0, ...tiers, ...tiers.map((t) => t + fiscal)]);
    fc.assert(
      fc.property(requestArb(r), (req) => {
        const out = run(req);
        if (isError(out)) return;
        expect(allowed.has(out.standardFen), String(out.standardFen)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('within the collection period the amounts do not depend on the day paid', () => {
    const c = r.pack.collection!;
    const inPeriod = dateAround(c.start, c.end, 0, 0);
    fc.assert(
      fc.property(requestArb(r), inPeriod, inPeriod, (req, d1, d2) => {
        // Events and certification dates are tied to the day; this property is about the day alone.
        const plain = {
          ...req,
          event: undefined,
          identities: req.identities.map(({ certifiedOn, ...i }) => i),
        };
        const a = run({ ...plain, paymentDate: d1 });
        const b = run({ ...plain, paymentDate: d2 });
        if (isError(a) || isError(b) || !a.accepted || !b.accepted) return;
        expect([b.standardFen, b.subsidyFen, b.payableFen, b.category]).toEqual([
          a.standardFen,
          a.subsidyFen,
          a.payableFen,
          a.category,
        ]);
      }),
      { numRuns: RUNS },
    );
  });

  it('a newborn paying within the newborn deadline never waits', () => {
    const rule = r.pack.events?.newborn;
    if (!rule?.withinDays) return;
    const within = rule.withinDays;
    const c = r.pack.collection!;
    fc.assert(
      fc.property(
        requestArb(r),
        dateAround(c.start, r.pack.benefit!.end, 200, 0),
        fc.integer({ min: 0, max: within }),
        (req, birth, age) => {
          const { lapsedYears, paidBackYears, student, tier, ...rest } = req;
          const paid = addDays(birth, age);
          const out = run({ ...rest, birthDate: birth, paymentDate: paid, event: { type: 'newborn' } });
          if (isError(out) || !out.accepted) return;
          expect(out.waitingDays, JSON.stringify({ birth, paid })).toBe(0);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('a village code is assessed exactly like its county', () => {
    fc.assert(
      fc.property(requestArb(r), fc.stringMatching(/^\d{6}$/), (req, village) => {
        const county = req.region.slice(0, 6);
        const a = run({ ...req, region: county });
        const b = run({ ...req, region: `${county}${village}` });
        if (isError(a)) {
          expect(b).toEqual(a);
          return;
        }
        expect(isError(b)).toBe(false);
        expect({ ...b, region: county }).toEqual(a);
      }),
      { numRuns: RUNS },
    );
  });

  it('explains every result, each cited step naming document and clause', () => {
    fc.assert(
      fc.property(requestArb(r), (req) => {
        const out = run(req);
        if (isError(out)) {
          expect(out.error.message).toMatch(/[\u4e00-\u9fff]/);
          expect(out.error.path.length).toBeGreaterThan(0);
          return;
        }
        if (out.rejection) expect(out.rejection.message).toMatch(/[\u4e00-\u9fff]/);
        expect(out.explanation.length).toBeGreaterThan(0);
        expect(out.explanation.some((s) => s.cite !== null)).toBe(true);
        for (const s of out.explanation) {
          expect(s.text.length).toBeGreaterThan(0);
          if (s.cite === null) continue;
          expect(s.cite.document.length, s.rule).toBeGreaterThan(0);
          expect(s.cite.clause.length, s.rule).toBeGreaterThan(0);
        }
        if (out.subsidyRule !== null)
          expect(out.explanation.some((s) => s.rule.endsWith(out.subsidyRule!) && s.cite !== null)).toBe(
            true,
          );
      }),
      { numRuns: RUNS },
    );
  });
});

describe('bad input', () => {
  const valid = fc.constantFrom(...counties).chain(requestArb) as fc.Arbitrary<Record<string, unknown>>;
  const field = fc.constantFrom(
    'region',
    'year',
    'identities',
    'tier',
    'birthDate',
    'paymentDate',
    'event',
    'student',
    'lapsedYears',
    'paidBackYears',
    'unknownField',
  );

  it('any value in any field is answered, never thrown', () => {
    fc.assert(
      fc.property(valid, field, fc.anything(), (req, key, value) => {
        const out = run({ ...req, [key]: value });
        if (isError(out)) {
          expect(out.error.code).toMatch(/^[A-Z_]+$/);
          // Users read these messages: Simplified Chinese (helper rules, ARCHITECTURE "Errors and bad input").
          expect(out.error.message, JSON.stringify({ key, value })).toMatch(/[\u4e00-\u9fff]/);
          expect(out.error.path.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('impossible dates are rejected with the field they are in', () => {
    const bad = fc.constantFrom(
      '2025-02-30',
      '2024-02-30',
      '2025-13-01',
      '2025-04-31',
      '2025-1-1',
      '20250101',
    );
    fc.assert(
      fc.property(valid, fc.constantFrom('paymentDate', 'birthDate'), bad, (req, key, value) => {
        const out = run({ ...req, [key]: value });
        expect(isError(out) && out.error).toMatchObject({ code: 'INVALID_REQUEST', path: key });
      }),
      { numRuns: 100 },
    );
  });

  it('an unknown identity category names its index', () => {
    fc.assert(
      fc.property(valid, fc.string({ minLength: 1 }), (req, category) => {
        fc.pre(!(IDENTITY_CODES as readonly string[]).includes(category));
        const identities = [...(req.identities as Identity[]), { category }];
        const out = run({ ...req, identities });
        expect(isError(out) && out.error).toMatchObject({
          code: 'INVALID_REQUEST',
          path: `identities[${identities.length - 1}].category`,
        });
      }),
      { numRuns: 100 },
    );
  });

  it('a region without a pack is NO_PACK on region', () => {
    // Written out by hand rather than derived from the loader, so a wrong prefix rule would show.
    const covered: Record<number, string[]> = {
      2024: ['130628'],
      2025: ['130802', '430502', '512022', '1406'],
    };
    fc.assert(
      fc.property(fc.stringMatching(/^\d{6}$/), fc.integer({ min: 2000, max: 2100 }), (region, year) => {
        fc.pre(!(covered[year] ?? []).some((prefix) => region.startsWith(prefix)));
        const out = run({ region, year, identities: [] });
        expect(isError(out) && out.error).toMatchObject({ code: 'NO_PACK', path: 'region' });
      }),
      { numRuns: 100 },
    );
  });
});
