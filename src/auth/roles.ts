// The roles of issue 8 and what each may do. Access is decided here, in one table, so every route's
// rule can be read (and tested) in one place; the API enforces it, the UI only mirrors it.
export const ROLES = [
  'admin',
  'staff',
  'township',
  'village',
  'department',
  'tax',
  'finance',
  'leader',
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, string> = {
  admin: '医保局管理员',
  staff: '医保局经办人员',
  township: '乡镇（街道）医保专干',
  village: '村（社区）代办员',
  department: '部门报送人员',
  tax: '税务对账人员',
  finance: '财政人员',
  leader: '领导（只读报表）',
};

/** Roles that work inside one region and must name it. */
export const SCOPED_ROLES: readonly Role[] = [
  'township',
  'village',
  'department',
  'tax',
  'finance',
  'leader',
  'staff',
];

/** Roles that see full ID numbers; everyone else sees them masked. */
export const FULL_ID_ROLES: readonly Role[] = ['admin', 'staff', 'tax'];

/** Length of the scope code each role works at: county 6, township 9, village 12. */
export const SCOPE_LENGTH: Partial<Record<Role, readonly number[]>> = {
  staff: [6],
  township: [9],
  village: [12],
  department: [6],
  tax: [6],
  finance: [6],
  leader: [6],
};

const ALL: readonly Role[] = ROLES;
const READERS: readonly Role[] = ['admin', 'staff', 'township', 'village', 'leader'];
const WORKERS: readonly Role[] = ['admin', 'staff', 'township', 'village'];

interface Rule {
  method: string;
  /** Route pattern as Fastify knows it (e.g. /api/refunds/:id/approve); a trailing * matches a prefix. */
  url: string;
  roles: readonly Role[];
}

/**
 * Who may call what. A route not listed here is refused to everyone but administrators, so a new
 * route is closed until someone decides who needs it.
 */
export const ACCESS: readonly Rule[] = [
  { method: 'GET', url: '/api/policy/*', roles: ALL },
  { method: 'POST', url: '/api/assess', roles: ALL },
  { method: 'GET', url: '/api/persons', roles: READERS },
  { method: 'GET', url: '/api/persons/*', roles: READERS },
  { method: 'GET', url: '/api/registry/*', roles: WORKERS },
  { method: 'GET', url: '/api/regions*', roles: ALL },
  { method: 'POST', url: '/api/regions/population', roles: ['admin', 'staff'] },
  { method: 'GET', url: '/api/assessments/*', roles: ['admin', 'staff', 'township', 'finance', 'leader'] },
  { method: 'POST', url: '/api/assessments/what-if', roles: ['admin', 'staff'] },
  { method: 'GET', url: '/api/households/*', roles: READERS },
  { method: 'POST', url: '/api/households/*', roles: WORKERS },
  { method: 'POST', url: '/api/enrollments', roles: WORKERS },
  { method: 'GET', url: '/api/payments', roles: [...WORKERS, 'tax'] },
  { method: 'POST', url: '/api/payments', roles: WORKERS },
  { method: 'POST', url: '/api/payments/repairs', roles: WORKERS },
  { method: 'POST', url: '/api/payments/:id/review', roles: ['admin', 'staff'] },
  { method: 'GET', url: '/api/agents*', roles: WORKERS },
  { method: 'POST', url: '/api/agents', roles: ['admin', 'staff'] },
  { method: 'POST', url: '/api/agents/:code/handovers', roles: WORKERS },
  { method: 'POST', url: '/api/events', roles: [...WORKERS, 'department'] },
  { method: 'GET', url: '/api/refunds', roles: [...WORKERS, 'finance'] },
  { method: 'GET', url: '/api/refunds/payouts', roles: ['admin', 'staff', 'finance'] },
  { method: 'POST', url: '/api/refunds/payouts', roles: ['admin', 'staff'] },
  { method: 'POST', url: '/api/refunds/certifications', roles: ['admin', 'staff'] },
  { method: 'POST', url: '/api/refunds', roles: WORKERS },
  { method: 'POST', url: '/api/refunds/:id/*', roles: ['admin', 'staff'] },
  { method: 'GET', url: '/api/campaigns*', roles: READERS },
  { method: 'POST', url: '/api/campaigns', roles: ['admin', 'staff'] },
  { method: 'GET', url: '/api/reconciliations*', roles: ['admin', 'staff', 'tax'] },
  { method: 'POST', url: '/api/reconciliations*', roles: ['admin', 'staff', 'tax'] },
  { method: 'POST', url: '/api/differences/*', roles: ['admin', 'staff', 'tax'] },
  { method: 'GET', url: '/api/reports/settlement*', roles: ['admin', 'staff', 'finance', 'leader'] },
  { method: 'POST', url: '/api/reports/followups', roles: WORKERS },
  { method: 'POST', url: '/api/reports/targets', roles: ['admin', 'staff'] },
  { method: 'GET', url: '/api/reports/*', roles: [...READERS, 'finance'] },
  { method: 'POST', url: '/api/jobs/assessments', roles: ['admin', 'staff'] },
  // Everyone who starts jobs reads them; non-administrators only their own (src/jobs/job.routes.ts).
  { method: 'GET', url: '/api/jobs*', roles: ['admin', 'staff', 'department', 'tax'] },
  // A department submitter uploads only its own department's lists (src/imports/import.routes.ts).
  { method: 'POST', url: '/api/imports/*', roles: ['admin', 'staff', 'department'] },
  { method: 'GET', url: '/api/users', roles: ['admin'] },
  { method: 'POST', url: '/api/users*', roles: ['admin'] },
  { method: 'GET', url: '/api/audit', roles: ['admin'] },
  { method: 'GET', url: '/api/system/db', roles: ['admin'] },
  { method: 'POST', url: '/api/system/backup', roles: ['admin'] },
];

function matches(pattern: string, url: string): boolean {
  if (pattern.endsWith('*')) return url.startsWith(pattern.slice(0, -1));
  return pattern === url;
}

/** The roles allowed to call a route (Fastify's route pattern), or only administrators when unlisted. */
export function allowedRoles(method: string, routeUrl: string): readonly Role[] {
  // Fastify answers HEAD with the GET route's handler: the same data, so the same rule.
  if (method === 'HEAD') method = 'GET';
  const rule = ACCESS.find((r) => r.method === method && matches(r.url, routeUrl));
  return rule?.roles ?? ['admin'];
}
