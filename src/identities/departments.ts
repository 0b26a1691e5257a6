// Which department certifies which identity (shared/DOMAIN.md). A list from 残联 naming someone
// 低保 is rejected row by row: a department may only certify its own categories.
import type { IdentityCode } from '../policy/vocabulary.js';

export const DEPARTMENTS = [
  'civil_affairs',
  'agriculture',
  'disability_federation',
  'veterans_affairs',
  'health',
  'human_resources',
  'education',
  'natural_resources',
] as const;
export type Department = (typeof DEPARTMENTS)[number];

export const DEPARTMENT_NAMES: Record<Department, string> = {
  civil_affairs: '民政',
  agriculture: '农业农村（乡村振兴）',
  disability_federation: '残联',
  veterans_affairs: '退役军人事务',
  health: '卫健',
  human_resources: '人社',
  education: '教育',
  natural_resources: '自然资源',
};

/** Chinese names a user may type for a department (CLI option, list header). */
const DEPARTMENT_ALIASES: Record<string, Department> = {
  民政: 'civil_affairs',
  民政局: 'civil_affairs',
  农业农村: 'agriculture',
  农业农村局: 'agriculture',
  乡村振兴: 'agriculture',
  乡村振兴局: 'agriculture',
  残联: 'disability_federation',
  残疾人联合会: 'disability_federation',
  退役军人事务: 'veterans_affairs',
  退役军人事务局: 'veterans_affairs',
  卫健: 'health',
  卫生健康: 'health',
  卫健局: 'health',
  人社: 'human_resources',
  人力资源和社会保障: 'human_resources',
  人社局: 'human_resources',
  教育: 'education',
  教育局: 'education',
  教体局: 'education',
  自然资源: 'natural_resources',
  自然资源局: 'natural_resources',
};

export function parseDepartment(text: string): Department | undefined {
  const t = text.trim();
  if ((DEPARTMENTS as readonly string[]).includes(t)) return t as Department;
  return DEPARTMENT_ALIASES[t];
}

export const CERTIFIES: Record<Department, readonly IdentityCode[]> = {
  civil_affairs: [
    'tekun',
    'dibao',
    'dibao_edge',
    'orphan',
    'unsupported_child',
    'civil_injured_worker',
    'other_relief',
  ],
  agriculture: [
    'returned_to_poverty',
    'unstable_out_of_poverty',
    'edge_poverty',
    'sudden_hardship',
    'out_of_poverty',
  ],
  disability_federation: ['disability'],
  veterans_affairs: ['priority_care'],
  health: ['family_planning_special'],
  human_resources: ['land_requisitioned_elderly', 'downsized_worker'],
  education: [],
  natural_resources: ['land_requisitioned_elderly'],
};

export function mayCertify(department: Department, category: IdentityCode): boolean {
  return CERTIFIES[department].includes(category);
}
