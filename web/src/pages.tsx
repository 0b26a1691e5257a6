// The side menu: each page names the API call it cannot work without, and is shown only to roles
// the server's own access table (src/auth/roles.ts) lets make that call — the UI mirrors the
// rules, it does not restate them.
import {
  AuditOutlined,
  BarChartOutlined,
  CalculatorOutlined,
  CloudUploadOutlined,
  DashboardOutlined,
  FileTextOutlined,
  MoneyCollectOutlined,
  ReconciliationOutlined,
  RollbackOutlined,
  SettingOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Spin } from 'antd';
import { lazy, type ReactNode, Suspense } from 'react';
import type { Role } from '../../src/auth/roles.js';
import { canUse } from './access';
import { AssessmentPage } from './pages/AssessmentPage';
import { AuditPage } from './pages/AuditPage';
import { ImportsPage } from './pages/ImportsPage';
import { PaymentsPage } from './pages/PaymentsPage';
import { PolicyPage } from './pages/PolicyPage';
import { ReconciliationPage } from './pages/ReconciliationPage';
import { RefundsPage } from './pages/RefundsPage';
import { RegistryPage } from './pages/RegistryPage';
import { ReportsPage } from './pages/ReportsPage';
import { UsersPage } from './pages/UsersPage';

export interface PageDef {
  path: string;
  label: string;
  icon: ReactNode;
  group?: { key: string; label: string; icon: ReactNode };
  /** The call the page needs; the page is listed for the roles allowed to make it. */
  needs: [method: 'GET' | 'POST', route: string] | null;
  render: () => ReactNode;
}

// The dashboard alone needs ECharts (a third of the bundle): loaded after login, not before.
const DashboardPage = lazy(() => import('./pages/DashboardPage').then((m) => ({ default: m.DashboardPage })));

const SYSTEM = { key: 'system', label: '系统', icon: <SettingOutlined /> };

export const PAGES: PageDef[] = [
  {
    path: '/',
    label: '首页',
    icon: <DashboardOutlined />,
    needs: null,
    render: () => (
      <Suspense fallback={<Spin />}>
        <DashboardPage />
      </Suspense>
    ),
  },
  {
    path: '/registry',
    label: '参保人员',
    icon: <TeamOutlined />,
    needs: ['GET', '/api/households/:key'],
    render: () => <RegistryPage />,
  },
  {
    path: '/assessment',
    label: '核定',
    icon: <CalculatorOutlined />,
    needs: ['GET', '/api/assessments/runs'],
    render: () => <AssessmentPage />,
  },
  {
    path: '/payments',
    label: '缴费',
    icon: <MoneyCollectOutlined />,
    needs: ['GET', '/api/payments'],
    render: () => <PaymentsPage />,
  },
  {
    path: '/refunds',
    label: '退费',
    icon: <RollbackOutlined />,
    needs: ['GET', '/api/refunds'],
    render: () => <RefundsPage />,
  },
  {
    path: '/imports',
    label: '名单导入',
    icon: <CloudUploadOutlined />,
    needs: ['POST', '/api/imports/:kind'],
    render: () => <ImportsPage />,
  },
  {
    path: '/reconciliation',
    label: '对账',
    icon: <ReconciliationOutlined />,
    needs: ['GET', '/api/reconciliations'],
    render: () => <ReconciliationPage />,
  },
  {
    path: '/reports',
    label: '报表',
    icon: <BarChartOutlined />,
    needs: ['GET', '/api/reports/bulletin'],
    render: () => <ReportsPage />,
  },
  {
    path: '/policy',
    label: '政策',
    icon: <FileTextOutlined />,
    needs: ['GET', '/api/policy/packs'],
    render: () => <PolicyPage />,
  },
  {
    path: '/system/users',
    label: '用户管理',
    icon: <UserOutlined />,
    group: SYSTEM,
    needs: ['GET', '/api/users'],
    render: () => <UsersPage />,
  },
  {
    path: '/system/audit',
    label: '审计日志',
    icon: <AuditOutlined />,
    group: SYSTEM,
    needs: ['GET', '/api/audit'],
    render: () => <AuditPage />,
  },
];

export function pagesFor(role: Role): PageDef[] {
  return PAGES.filter((p) => p.needs === null || canUse(role, p.needs[0], p.needs[1]));
}
