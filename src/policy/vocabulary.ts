// The shared vocabulary of identities, funding sources, events and channels (../shared/DOMAIN.md).
// Packs and requests may only use these codes; anything else is an error, never a silent miss.

export const IDENTITY_CODES = [
  'tekun',
  'dibao',
  'dibao_edge',
  'orphan',
  'unsupported_child',
  'returned_to_poverty',
  'unstable_out_of_poverty',
  'edge_poverty',
  'sudden_hardship',
  'out_of_poverty',
  'disability',
  'priority_care',
  'land_requisitioned_elderly',
  'family_planning_special',
  'downsized_worker',
  'civil_injured_worker',
  'other_relief',
] as const;
export type IdentityCode = (typeof IDENTITY_CODES)[number];

export const IDENTITY_NAMES: Record<IdentityCode, string> = {
  tekun: '特困人员',
  dibao: '最低生活保障对象',
  dibao_edge: '最低生活保障边缘家庭成员',
  orphan: '孤儿',
  unsupported_child: '事实无人抚养儿童',
  returned_to_poverty: '返贫致贫人口',
  unstable_out_of_poverty: '脱贫不稳定人口',
  edge_poverty: '边缘易致贫人口',
  sudden_hardship: '突发严重困难人口',
  out_of_poverty: '脱贫人口',
  disability: '残疾人',
  priority_care: '重点优抚对象',
  land_requisitioned_elderly: '被征地农转非超龄人员',
  family_planning_special: '计划生育特别扶助对象',
  downsized_worker: '精减退休老职工',
  civil_injured_worker: '民政伤残民工',
  other_relief: '其他特殊救助对象',
};

export const DISABILITY_KINDS = [
  'physical',
  'visual',
  'hearing',
  'speech',
  'intellectual',
  'mental',
  'multiple',
] as const;
export type DisabilityKind = (typeof DISABILITY_KINDS)[number];

export const DISABILITY_KIND_NAMES: Record<DisabilityKind, string> = {
  physical: '肢体',
  visual: '视力',
  hearing: '听力',
  speech: '言语',
  intellectual: '智力',
  mental: '精神',
  multiple: '多重',
};

export const FUNDING_SOURCES = [
  'medical_assistance',
  'disability_fund',
  'fiscal',
  'veterans_affairs',
  'welfare_institution',
] as const;
export type FundingSource = (typeof FUNDING_SOURCES)[number];

export const FUNDING_SOURCE_NAMES: Record<FundingSource, string> = {
  medical_assistance: '医疗救助基金',
  disability_fund: '残疾人保障金',
  fiscal: '财政资金',
  veterans_affairs: '退役军人事务局',
  welfare_institution: '儿童福利机构',
};

export const EVENT_TYPES = [
  'newborn',
  'employee_insurance_lapse',
  'welfare_institution_entry',
  'veteran',
  'returned_conscript',
  'released_from_prison',
  'community_correction',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const EVENT_NAMES: Record<EventType, string> = {
  newborn: '新生儿',
  employee_insurance_lapse: '职工医保断保',
  welfare_institution_entry: '儿童福利机构接收儿童',
  veteran: '退役军人',
  returned_conscript: '征兵工作退回人员',
  released_from_prison: '刑满释放人员',
  community_correction: '社区矫正对象',
};

export const STUDENT_KINDS = ['college_freshman'] as const;
export type StudentKind = (typeof STUDENT_KINDS)[number];
export const STUDENT_NAMES: Record<StudentKind, string> = { college_freshman: '新入学大中专院校学生' };

export const REFUND_REASONS = [
  'duplicate_payment',
  'employee_insurance',
  'other_region',
  'death',
  'military_service',
  'prison',
] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];
export const REFUND_REASON_NAMES: Record<RefundReason, string> = {
  duplicate_payment: '重复缴费',
  employee_insurance: '参加职工医保',
  other_region: '参加其他统筹地区医保',
  death: '死亡',
  military_service: '服役',
  prison: '服刑',
};

export const CHANNEL_CODES = [
  'wechat',
  'alipay',
  'unionpay',
  'bank',
  'tax_window',
  'self_service',
  'agent_village',
  'agent_township',
  'agent_school',
  'family_account',
  'pos',
  'cash',
  'online_tax',
] as const;
export type ChannelCode = (typeof CHANNEL_CODES)[number];
export const CHANNEL_NAMES: Record<ChannelCode, string> = {
  wechat: '微信',
  alipay: '支付宝',
  unionpay: '云闪付',
  bank: '银行柜面/手机银行',
  tax_window: '税务窗口',
  self_service: '自助终端',
  agent_village: '村（居）委会代征',
  agent_township: '乡镇代征',
  agent_school: '学校代征',
  family_account: '亲情账户代缴',
  pos: 'POS 机刷卡',
  cash: '现金',
  online_tax: '电子税务局/税务公众号',
};
