// Identity documents: validation, safe normalisation, and what can be derived from them.
// Runs once per imported row (a million rows per county file), so the checks are hand-written
// character loops rather than regexes or date objects.
import { todayInChina } from '../policy/dates.js';

export type DocType = 'resident_id' | 'hmt_permit' | 'foreigner_permanent' | 'passport' | 'birth_certificate';

export const DOC_TYPE_LABELS: Record<DocType, string> = {
  resident_id: '居民身份证',
  hmt_permit: '港澳台居民居住证',
  foreigner_permanent: '外国人永久居留身份证',
  passport: '护照',
  birth_certificate: '出生医学证明',
};

/** Words offices put in a 证件类型 column, mapped to our codes. */
const DOC_TYPE_WORDS: Record<string, DocType> = {
  居民身份证: 'resident_id',
  身份证: 'resident_id',
  二代身份证: 'resident_id',
  户口簿: 'resident_id',
  居民户口簿: 'resident_id',
  港澳台居民居住证: 'hmt_permit',
  港澳居民居住证: 'hmt_permit',
  台湾居民居住证: 'hmt_permit',
  居住证: 'hmt_permit',
  外国人永久居留身份证: 'foreigner_permanent',
  外国人永久居留证: 'foreigner_permanent',
  永久居留身份证: 'foreigner_permanent',
  护照: 'passport',
  出生医学证明: 'birth_certificate',
  出生证明: 'birth_certificate',
  出生证: 'birth_certificate',
};

/** Parse a 证件类型 cell (Chinese word or code); undefined when it is not recognised. */
export function parseDocType(text: string): DocType | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (t in DOC_TYPE_LABELS) return t as DocType;
  return DOC_TYPE_WORDS[t.replace(/\s+/g, '')];
}

export type Sex = 'male' | 'female';

export interface IdDocument {
  docType: DocType;
  /** Canonical number: upper case, ASCII; 15-digit resident IDs are converted to 18. */
  docNo: string;
  /** From the ID where the format carries it. */
  sex?: Sex;
  birthDate?: string;
  /** The input was an old 15-digit resident ID (docNo holds its 18-digit form). */
  from15?: boolean;
}

export type IdErrorCode =
  | 'empty'
  | 'bad_length'
  | 'bad_chars'
  | 'bad_check_digit'
  | 'bad_birth_date'
  | 'bad_address'
  | 'scientific_notation'
  | 'bad_format';

export type IdResult = { ok: true; doc: IdDocument } | { ok: false; code: IdErrorCode; reason: string };

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** GB 11643 check character for the first 17 digits (caller guarantees they are digits). */
export function checkDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/**
 * Safe normalisation only: trim, drop spaces and a leading apostrophe (Excel's text marker),
 * full-width digits and letters to ASCII, lower case to upper case. Nothing that could turn
 * one person's number into another's.
 */
export function normalizeDocNo(raw: string): string {
  // Fast path: already clean (the usual case) — ASCII digits and upper-case letters only.
  let clean = true;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90))) {
      clean = false;
      break;
    }
  }
  if (clean) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    let c = raw.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x3000 || c === 0xa0 || c === 0x200b)
      continue;
    if (c === 0x27 && out === '') continue; // leading '
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0; // full-width ASCII block
    if (c >= 0x61 && c <= 0x7a) c -= 32;
    out += String.fromCharCode(c);
  }
  return out;
}

function isDigits(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function num(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (s.charCodeAt(i) - 48);
  return n;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** YYYYMMDD at `at` in s → 'YYYY-MM-DD' when it is a real date not after today, else undefined. */
function birthDateAt(s: string, at: number, today: string): string | undefined {
  const y = num(s, at, at + 4);
  const m = num(s, at + 4, at + 6);
  const d = num(s, at + 6, at + 8);
  if (y < 1850 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  const iso = `${s.slice(at, at + 4)}-${s.slice(at + 4, at + 6)}-${s.slice(at + 6, at + 8)}`;
  return iso > today ? undefined : iso;
}

const fail = (code: IdErrorCode, reason: string): IdResult => ({ ok: false, code, reason });

/** Validate an 18-character number of the GB 11643 family (resident ID, HMT permit, foreigner ID). */
function check18(s: string, docType: DocType, today: string): IdResult {
  if (!isDigits(s, 0, 17)) return fail('bad_chars', '前17位只能是数字');
  const last = s.charCodeAt(17);
  if (!((last >= 48 && last <= 57) || last === 88)) return fail('bad_chars', '第18位只能是数字或X');
  const birthDate = birthDateAt(s, 6, today);
  if (birthDate === undefined) return fail('bad_birth_date', `出生日期无效（${s.slice(6, 14)}）`);
  if (checkDigit(s) !== s[17]) return fail('bad_check_digit', '校验码错误，请核对号码是否录错');
  const sex: Sex = (s.charCodeAt(16) - 48) % 2 === 1 ? 'male' : 'female';
  return { ok: true, doc: { docType, docNo: s, sex, birthDate } };
}

/** Convert an old 15-digit resident ID (YYMMDD) to its 18-digit form (19YYMMDD + check digit). */
export function convert15to18(id15: string): string {
  const first17 = `${id15.slice(0, 6)}19${id15.slice(6, 15)}`;
  return first17 + checkDigit(first17);
}

function kindOf18(s: string): DocType {
  const a = s.slice(0, 2);
  if (a === '81' || a === '82' || a === '83') return 'hmt_permit';
  if (s.charCodeAt(0) === 57) return 'foreigner_permanent';
  return 'resident_id';
}

const SCIENTIFIC = /^\d(\.\d+)?E\+?\d+$/;

/**
 * Validate and normalise a document number. With no type (or resident_id and friends) the
 * type is inferred from the number: 18 characters → resident ID / HMT permit (81/82/83) /
 * foreigner permanent residence ID (starts with 9); 15 digits → old resident ID; a letter and
 * nine digits → birth certificate.
 */
export function parseIdDocument(raw: string, declared?: DocType, today: string = todayInChina()): IdResult {
  const s = normalizeDocNo(raw);
  if (s === '') return fail('empty', '证件号码为空');
  if (SCIENTIFIC.test(s))
    return fail('scientific_notation', '号码被表格软件显示成了科学计数法，请把该列设为“文本”格式后重新导出');
  if (declared === 'passport') {
    if (!/^[A-Z0-9]{5,17}$/.test(s)) return fail('bad_format', '护照号码应为5至17位字母或数字');
    return { ok: true, doc: { docType: 'passport', docNo: s } };
  }
  if (declared === 'birth_certificate' || (declared === undefined && /^[A-Z]\d{9}$/.test(s))) {
    if (!/^[A-Z]\d{9}$/.test(s)) return fail('bad_format', '出生医学证明编号应为1位字母加9位数字');
    return { ok: true, doc: { docType: 'birth_certificate', docNo: s } };
  }
  if (s.length === 18) {
    const kind = kindOf18(s);
    // Offices label every 18-character number 身份证, so that label accepts the permits too.
    if (declared !== undefined && declared !== kind && declared !== 'resident_id')
      return fail('bad_format', `号码格式与证件类型“${DOC_TYPE_LABELS[declared]}”不符`);
    if (kind === 'resident_id' && s.charCodeAt(0) === 48)
      return fail('bad_address', '地址码无效（不能以0开头）');
    return check18(s, kind, today);
  }
  if (s.length === 15) {
    if (declared !== undefined && declared !== 'resident_id')
      return fail('bad_format', `号码格式与证件类型“${DOC_TYPE_LABELS[declared]}”不符`);
    if (!isDigits(s, 0, 15)) return fail('bad_chars', '15位身份证号码只能是数字');
    const s18 = convert15to18(s);
    const r = check18(s18, 'resident_id', today);
    if (!r.ok)
      return r.code === 'bad_birth_date' ? fail('bad_birth_date', `出生日期无效（${s.slice(6, 12)}）`) : r;
    return { ok: true, doc: { ...r.doc, from15: true } };
  }
  if (declared === undefined && /^[A-Z]{1,2}\d{7,8}$/.test(s))
    return fail('bad_format', '看起来是护照号码，请在“证件类型”列填写“护照”');
  return fail('bad_length', `长度错误（${s.length}位），身份证号码应为18位`);
}

/** `130802199001011234` → `1308**********1234`: enough to tell people apart in a list. */
export function maskId(docNo: string): string {
  if (docNo.length <= 8) {
    if (docNo.length <= 2) return '*'.repeat(docNo.length);
    return `${docNo.slice(0, 1)}${'*'.repeat(docNo.length - 2)}${docNo.slice(-1)}`;
  }
  return `${docNo.slice(0, 4)}${'*'.repeat(docNo.length - 8)}${docNo.slice(-4)}`;
}
