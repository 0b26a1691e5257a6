import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assess } from './assess.js';
import { PACK_DIR, PackRegistry, shippedPacks } from './pack-loader.js';
import { type AssessmentResult, isError } from './result.js';

const ok = (request: unknown, packs = shippedPacks()): AssessmentResult => {
  const out = assess(request, packs);
  if (isError(out)) throw new Error(JSON.stringify(out.error));
  return out;
};

describe('highest subsidy wins, never two', () => {
  it('lists the losing candidate and why it lost', () => {
    const r = ok({
      region: '430502',
      year: 2025,
      identities: [{ category: 'dibao' }, { category: 'tekun' }],
    });
    expect(r).toMatchObject({ subsidyFen: 40000, category: 'tekun', subsidyRule: 'tekun-orphan-full' });
    const loser = r.explanation.find((s) => s.rule === 'subsidies.dibao-half')!;
    expect(loser.text).toContain('资助额低于胜出的规则');
    expect(loser.cite?.clause).toBe('三、（五）1.（1）');
  });

  it('on equal amounts takes the rule listed first and says so', () => {
    // 双清: 特困 (listed first, 医疗救助) and 重度残疾 (财政) are both full.
    const r = ok({
      region: '430502',
      year: 2025,
      identities: [{ category: 'disability', grade: 1 }, { category: 'tekun' }],
    });
    expect(r.fundingSource).toBe('medical_assistance');
    expect(r.explanation.find((s) => s.rule === 'subsidies.severe-disability-full')!.text).toContain(
      '先后次序',
    );
  });

  it('explains a near miss: a disability grade the rule does not cover', () => {
    const r = ok({
      region: '130802',
      year: 2025,
      identities: [{ category: 'disability', grade: 3, kind: 'physical' }],
    });
    expect(r.subsidyFen).toBe(0);
    expect(r.explanation.map((s) => s.text).join()).toContain(
      '残疾人（三级，肢体）不符合"残疾人（一至二级）"的条件',
    );
  });

  it('朔州: 易返贫致贫 280 does not apply to someone already in 低保', () => {
    const r = ok({
      region: '140621',
      year: 2025,
      identities: [{ category: 'edge_poverty' }, { category: 'dibao' }],
    });
    expect(r).toMatchObject({ subsidyFen: 32000, category: 'dibao' });
    expect(r.explanation.find((s) => s.rule === 'subsidies.at-risk-280')!.text).toContain(
      '按规定不适用此项资助',
    );
  });
});

describe('tiers', () => {
  it('乐至: 被征地农转非超龄 takes the high tier in full when no tier is declared', () => {
    const r = ok({ region: '512022', year: 2025, identities: [{ category: 'land_requisitioned_elderly' }] });
    expect(r).toMatchObject({ tier: 'high', standardFen: 54000, subsidyFen: 54000, payableFen: 0 });
  });

  it('乐至: a 低保 person choosing the high tier pays the difference', () => {
    const r = ok({ region: '512022', year: 2025, tier: 'high', identities: [{ category: 'dibao' }] });
    expect(r).toMatchObject({ tier: 'high', standardFen: 54000, subsidyFen: 30000, payableFen: 24000 });
  });

  it('an unknown tier is an error naming the choices', () => {
    const out = assess({ region: '512022', year: 2025, tier: 'gold', identities: [] }, shippedPacks());
    expect(out).toMatchObject({ error: { code: 'UNKNOWN_TIER', path: 'tier' } });
    expect(isError(out) && out.error.message).toContain('high（高档次 540元）');
  });
});

describe('national defaults and what no pack covers', () => {
  it('marks steps taken from the national pack as inherited', () => {
    const r = ok({ region: '130802', year: 2025, identities: [], paymentDate: '2025-01-15' });
    expect(r).toMatchObject({ standardFen: 40000, waitingDays: 90, benefitStart: '2025-04-15' });
    const late = r.explanation.find((s) => s.rule === 'late')!;
    expect(late.cite).toMatchObject({ document: '国办发〔2024〕38号', inherited: true });
  });

  it('高阳 2024 says it does not cover an ordinary payment after the collection period', () => {
    const out = assess(
      { region: '130628', year: 2024, identities: [], paymentDate: '2024-02-10' },
      shippedPacks(),
    );
    expect(out).toMatchObject({ error: { code: 'NOT_COVERED', path: 'paymentDate' } });
  });

  it('a what-if overlay changes one rate without copying the pack', () => {
    const text = readFileSync(join(PACK_DIR, '430502-2025.yaml'), 'utf8').replace(
      'amount: { percent: 50 }',
      'amount: { percent: 60 }',
    );
    const national = readFileSync(join(PACK_DIR, 'national-2025.yaml'), 'utf8');
    const overlay = PackRegistry.fromTexts({ '430502-2025.yaml': text, 'national-2025.yaml': national });
    const before = ok({ region: '430502', year: 2025, identities: [{ category: 'dibao' }] });
    const after = ok({ region: '430502', year: 2025, identities: [{ category: 'dibao' }] }, overlay);
    expect([before.subsidyFen, after.subsidyFen]).toEqual([20000, 24000]);
    expect(after.pack.hash).not.toBe(before.pack.hash);
  });
});

describe('findings from the seed cases', () => {
  it('speaks Chinese about bad requests (F2)', () => {
    const messages = [
      { region: '130802', year: 2025, identities: [{ category: 'disability', grade: 5 }] },
      { region: 130802, year: 2025, identities: [] },
      { region: '130802', year: 1999, identities: [] },
      { region: '130802', year: 2025, identities: [{ category: 'dibao', formerlyPoor: 'yes' }] },
      null,
    ].map((r) => {
      const out = assess(r, shippedPacks());
      return isError(out) ? out.error.message : '';
    });
    expect(messages[0]).toBe('残疾等级应为 1–4');
    expect(messages[2]).toBe('年度应在 2000–2100 之间');
    for (const m of messages) expect(m).toMatch(/[\u4e00-\u9fff]/);
  });

  it('cannot pay back more years than were missed (Q2)', () => {
    const out = assess(
      { region: '430502', year: 2025, identities: [], lapsedYears: 1, paidBackYears: 5 },
      shippedPacks(),
    );
    expect(out).toMatchObject({ error: { code: 'INVALID_REQUEST', path: 'paidBackYears' } });
  });

  it('a newborn of last November paying this year within 90 days waits no days (Q1)', () => {
    const r = ok({
      region: '430502',
      year: 2025,
      identities: [],
      paymentDate: '2025-01-10',
      event: { type: 'newborn', date: '2024-11-01' },
    });
    expect(r).toMatchObject({ standardFen: 40000, waitingDays: 0, benefitStart: '2025-01-01' });
  });
});

describe('a rejected payment', () => {
  it('does not read as if benefits followed from it (Q3)', () => {
    const r = ok({ region: '130802', year: 2025, identities: [], paymentDate: '2024-09-27' });
    expect(r.accepted).toBe(false);
    expect(r.explanation.at(-1)!.text).toMatch(
      /^本次缴费不予受理；在集中征缴期的业务期内缴费的，待遇享受期为/,
    );
  });
});
