// Department lists name categories in Chinese, in many variants; they map onto the identity codes.
// Unknown names are rejected with the row, never guessed.
import {
  DISABILITY_KINDS,
  type DisabilityKind,
  IDENTITY_CODES,
  type IdentityCode,
} from '../policy/vocabulary.js';

const CATEGORY_ALIASES: Record<string, IdentityCode> = {
  特困: 'tekun',
  特困人员: 'tekun',
  特困供养人员: 'tekun',
  农村特困人员: 'tekun',
  城镇特困人员: 'tekun',
  城乡特困: 'tekun',
  低保: 'dibao',
  低保对象: 'dibao',
  城乡低保: 'dibao',
  农村低保: 'dibao',
  城镇低保: 'dibao',
  最低生活保障对象: 'dibao',
  低保救助对象: 'dibao',
  低保边缘: 'dibao_edge',
  低保边缘家庭成员: 'dibao_edge',
  最低生活保障边缘家庭成员: 'dibao_edge',
  孤儿: 'orphan',
  事实无人抚养儿童: 'unsupported_child',
  返贫致贫人口: 'returned_to_poverty',
  返贫致贫: 'returned_to_poverty',
  脱贫不稳定人口: 'unstable_out_of_poverty',
  脱贫不稳定户: 'unstable_out_of_poverty',
  边缘易致贫人口: 'edge_poverty',
  边缘易致贫户: 'edge_poverty',
  突发严重困难人口: 'sudden_hardship',
  突发严重困难户: 'sudden_hardship',
  脱贫人口: 'out_of_poverty',
  稳定脱贫人口: 'out_of_poverty',
  其他脱贫人口: 'out_of_poverty',
  残疾人: 'disability',
  重度残疾人: 'disability',
  一般残疾人: 'disability',
  重点优抚对象: 'priority_care',
  优抚对象: 'priority_care',
  被征地农转非超龄人员: 'land_requisitioned_elderly',
  计划生育特别扶助对象: 'family_planning_special',
  精减退休老职工: 'downsized_worker',
  精减职工: 'downsized_worker',
  民政伤残民工: 'civil_injured_worker',
  其他特殊救助对象: 'other_relief',
};

/** Names already seen: a list repeats a handful of them on every row. */
const categoryCache = new Map<string, IdentityCode | undefined>();

export function parseCategory(text: string): IdentityCode | undefined {
  if (categoryCache.has(text)) return categoryCache.get(text);
  const code = categoryOf(text);
  if (categoryCache.size < 1000) categoryCache.set(text, code);
  return code;
}

function categoryOf(text: string): IdentityCode | undefined {
  const t = text
    .normalize('NFKC')
    .replace(/\s/g, '')
    .replace(/[()（）]/g, '');
  if ((IDENTITY_CODES as readonly string[]).includes(t)) return t as IdentityCode;
  return CATEGORY_ALIASES[t];
}

const GRADES: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 1: 1, 2: 2, 3: 3, 4: 4 };

/** "一级", "2", "三" → 1..4 */
export function parseGrade(text: string): number | undefined {
  const t = text.normalize('NFKC').trim().replace(/级$/, '');
  return GRADES[t];
}

const KIND_ALIASES: Record<string, DisabilityKind> = {
  肢体: 'physical',
  视力: 'visual',
  听力: 'hearing',
  言语: 'speech',
  智力: 'intellectual',
  精神: 'mental',
  多重: 'multiple',
};

export function parseDisabilityKind(text: string): DisabilityKind | undefined {
  const t = text.trim().replace(/残疾$/, '');
  if ((DISABILITY_KINDS as readonly string[]).includes(t)) return t as DisabilityKind;
  return KIND_ALIASES[t];
}

/** 是/否, Y/N, true/false, 1/0 → boolean; empty → undefined. */
export function parseYesNo(text: string): boolean | undefined | 'invalid' {
  const t = text.trim().toLowerCase();
  if (t === '') return undefined;
  if (['是', 'y', 'yes', 'true', '1', '已消除'].includes(t)) return true;
  if (['否', 'n', 'no', 'false', '0', '未消除'].includes(t)) return false;
  return 'invalid';
}
