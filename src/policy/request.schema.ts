// The one-person assessment request (`canbao assess`). Only region, year and identities are required.
import { z } from 'zod';
import './zod-zh.js';
import { isValidDate } from './dates.js';
import { DISABILITY_KINDS, EVENT_TYPES, IDENTITY_CODES, STUDENT_KINDS } from './vocabulary.js';

const date = z.string({ error: '日期应为字符串 YYYY-MM-DD' }).refine(isValidDate, {
  error: (i) => `无效日期 ${JSON.stringify(i.input)}，应为真实存在的 YYYY-MM-DD 日期`,
});

export const identitySchema = z.strictObject({
  category: z.enum(IDENTITY_CODES, { error: (i) => `未知的身份代码 ${JSON.stringify(i.input)}` }),
  grade: z
    .number({ error: '残疾等级应为 1–4 的数字' })
    .int()
    .min(1, { error: '残疾等级应为 1–4' })
    .max(4, { error: '残疾等级应为 1–4' })
    .optional(),
  kind: z.enum(DISABILITY_KINDS, { error: (i) => `未知的残疾类别 ${JSON.stringify(i.input)}` }).optional(),
  formerlyPoor: z.boolean().optional(),
  riskEliminated: z.boolean().optional(),
  /** When the department certified the identity; decides 同缴同补 against the collection period. */
  certifiedOn: date.optional(),
});
export type Identity = z.infer<typeof identitySchema>;

export const requestSchema = z
  .strictObject({
    region: z
      .string({ error: '地区代码应为字符串，如 "130802"' })
      .regex(/^\d{6}(\d{6})?$/, { error: '地区代码应为 6 位（区县）或 12 位（村居）数字' }),
    year: z
      .number({ error: '年度应为数字，如 2025' })
      .int({ error: '年度应为整数，如 2025' })
      .min(2000, { error: '年度应在 2000–2100 之间' })
      .max(2100, { error: '年度应在 2000–2100 之间' }),
    identities: z.array(identitySchema, { error: 'identities 应为身份数组，没有身份时写 []' }),
    tier: z.string().min(1, { error: '缴费档次不能为空' }).optional(),
    birthDate: date.optional(),
    paymentDate: date.optional(),
    event: z
      .strictObject({
        type: z.enum(EVENT_TYPES, { error: (i) => `未知的事件类型 ${JSON.stringify(i.input)}` }),
        date: date.optional(),
      })
      .optional(),
    student: z.enum(STUDENT_KINDS, { error: (i) => `未知的学生类别 ${JSON.stringify(i.input)}` }).optional(),
    /** Consecutive insurance years missed before this one (国办发〔2024〕38号 waiting period). */
    lapsedYears: z.number().int().min(0, { error: '断保年数不能为负数' }).max(100).optional(),
    /** Missed years paid back, each removing one month of the variable waiting period. */
    paidBackYears: z.number().int().min(0, { error: '补缴年数不能为负数' }).max(100).optional(),
  })
  .refine((r) => (r.paidBackYears ?? 0) <= (r.lapsedYears ?? 0), {
    error: '补缴年数不能多于断保年数',
    path: ['paidBackYears'],
  });
export type AssessRequest = z.infer<typeof requestSchema>;
