// Readable Chinese rendering of an assessment for a person at a terminal (`canbao assess --explain`).
import { formatDateZh } from './dates.js';
import { formatYuan } from './money.js';
import { type AssessmentOutcome, isError } from './result.js';
import { FUNDING_SOURCE_NAMES, IDENTITY_NAMES } from './vocabulary.js';

export function renderExplanation(outcome: AssessmentOutcome, index: number): string {
  const lines: string[] = [`【第 ${index + 1} 人】`];
  if (isError(outcome)) {
    lines.push(
      `  无法核定：${outcome.error.message}（位置：${outcome.error.path}，代码 ${outcome.error.code}）`,
    );
    return lines.join('\n');
  }
  const r = outcome;
  lines.push(
    `  政策包：${r.pack.id}（版本 ${r.pack.hash}）`,
    `  缴费标准 ${formatYuan(r.standardFen)}，资助 ${formatYuan(r.subsidyFen)}，个人应缴 ${formatYuan(r.payableFen)}`,
    `  资助身份：${r.category ? IDENTITY_NAMES[r.category] : '无'}；资金来源：${r.fundingSource ? FUNDING_SOURCE_NAMES[r.fundingSource] : '无'}`,
  );
  if (r.accepted) {
    lines.push(
      `  待遇享受期：${formatDateZh(r.benefitStart!)} 至 ${formatDateZh(r.benefitEnd!)}；待遇等待期 ${r.waitingDays} 天`,
    );
  } else {
    lines.push(`  不予受理：${r.rejection!.message}`);
  }
  if (r.alsoPayYears) lines.push(`  还须缴纳：${r.alsoPayYears.join('、')} 年度`);
  lines.push('  计算过程：');
  r.explanation.forEach((s, i) => {
    lines.push(`   ${i + 1}. ${s.text}`);
    if (s.cite) {
      const from = s.cite.inherited ? '（本地方案未规定，适用国家规定）' : '';
      lines.push(
        `      依据：${s.cite.document} ${s.cite.clause}${from}${s.cite.quote ? `："${s.cite.quote}"` : ''}`,
      );
      if (s.cite.note) lines.push(`      说明：${s.cite.note}`);
    }
  });
  return lines.join('\n');
}
