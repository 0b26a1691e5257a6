// 首页: coverage against the pack's target, the weekly trend and the township ranking from the
// reports (for roles that may read them); the counter's own totals (payments, held payments,
// refunds) from the lists. Nothing is shown that the server did not answer.
import { Alert, Card, Col, Row, Statistic, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { canUse } from '../access';
import { get, messageOf } from '../api';
import { Chart, type ChartOption } from '../Chart';
import { yuan } from '../format';
import { useSession } from '../session';
import type { PaymentRow, RefundRow } from '../types';

interface CoverageLine {
  level: 'total' | 'county' | 'township' | 'village';
  code: string;
  name: string;
  eligible: number;
  enrolled: number;
  ratePercent: number | null;
}

interface CoverageReport {
  regionName: string;
  asOf: string;
  target: { overallPercent: number; citation: string };
  lines: CoverageLine[];
}

interface TrendReport {
  weeks: { weekStart: string; weekEnd: string; added: number; cumulative: number }[];
}

const PAYMENT_LIMIT = 10000;

function trend(t: TrendReport): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 60, right: 20, top: 20, bottom: 30 },
    xAxis: { type: 'category', data: t.weeks.map((w) => w.weekEnd) },
    yAxis: { type: 'value', name: '累计参保（人）' },
    series: [{ type: 'line', data: t.weeks.map((w) => w.cumulative), areaStyle: {}, smooth: true }],
  };
}

function gauge(rate: number, target: number): ChartOption {
  return {
    series: [
      {
        type: 'gauge',
        min: 0,
        max: 100,
        progress: { show: true, width: 14 },
        axisLine: {
          lineStyle: {
            width: 14,
            color: [
              [target / 100, '#faad14'],
              [1, '#52c41a'],
            ],
          },
        },
        detail: { formatter: '{value}%', fontSize: 26, offsetCenter: [0, '60%'] },
        title: { offsetCenter: [0, '85%'] },
        data: [{ value: Number(rate.toFixed(2)), name: `目标 ${target}%` }],
      },
    ],
  };
}

function ranking(lines: CoverageLine[], target: number): ChartOption {
  const sorted = [...lines].sort((a, b) => (a.ratePercent ?? 0) - (b.ratePercent ?? 0));
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 120, right: 60, top: 30, bottom: 30 },
    xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', data: sorted.map((l) => l.name) },
    series: [
      {
        type: 'bar',
        data: sorted.map((l) => l.ratePercent ?? 0),
        label: { show: true, position: 'right', formatter: '{c}%' },
        markLine: { data: [{ xAxis: target, name: '目标' }], label: { formatter: '目标 {c}%' } },
      },
    ],
  };
}

export function DashboardPage() {
  const { user, region, year } = useSession();
  const area = user?.scopeCode ?? region;
  const [coverage, setCoverage] = useState<CoverageReport | null>(null);
  const [coverageNote, setCoverageNote] = useState<string | null>(null);
  const [weekly, setWeekly] = useState<TrendReport | null>(null);
  const [payments, setPayments] = useState<PaymentRow[] | null>(null);
  const [refunds, setRefunds] = useState<RefundRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const role = user?.role;

  useEffect(() => {
    if (!role) return;
    setError(null);
    setCoverage(null);
    setCoverageNote(null);
    setWeekly(null);
    const reports = canUse(role, 'GET', '/api/reports/coverage');
    if (reports && !area) setCoverageNote('在页面上方选择一个地区，即可查看参保率、进度和乡镇排名。');
    if (reports && area) {
      get<CoverageReport>('/api/reports/coverage', { region: area, year })
        .then(setCoverage)
        .catch((e) => setCoverageNote(messageOf(e)));
      get<TrendReport>('/api/reports/trend', { region: area, year })
        .then(setWeekly)
        .catch(() => setWeekly(null));
    }
    if (canUse(role, 'GET', '/api/payments'))
      get<PaymentRow[]>('/api/payments', {
        year,
        region: user?.scopeCode ? undefined : area,
        limit: PAYMENT_LIMIT,
      })
        .then(setPayments)
        .catch((e) => setError(messageOf(e)));
    if (area && canUse(role, 'GET', '/api/refunds'))
      get<RefundRow[]>('/api/refunds', { region: area, year })
        .then(setRefunds)
        .catch((e) => setError(messageOf(e)));
  }, [role, area, year, user?.scopeCode]);

  const totals = useMemo(() => {
    if (!payments) return null;
    const accepted = payments.filter((p) => p.status === 'accepted');
    return {
      count: accepted.length,
      fen: accepted.reduce((s, p) => s + p.amount_fen, 0),
      review: payments.filter((p) => p.status === 'review').length,
      truncated: payments.length >= PAYMENT_LIMIT,
    };
  }, [payments]);

  const total = coverage?.lines.find((l) => l.level === 'total') ?? coverage?.lines[0];
  const townships = coverage?.lines.filter((l) => l.level === 'township') ?? [];

  return (
    <Row gutter={[16, 16]}>
      <Col span={24}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {year} 年度参保缴费概况{area ? `（${coverage?.regionName ?? area}）` : '（全部地区）'}
        </Typography.Title>
      </Col>
      {error && (
        <Col span={24}>
          <Alert type="error" showIcon message={error} />
        </Col>
      )}
      {totals && (
        <>
          <Col xs={24} md={6}>
            <Card>
              <Statistic title="已入账缴费（笔）" value={totals.count} />
            </Card>
          </Col>
          <Col xs={24} md={6}>
            <Card>
              <Statistic title="已入账金额" value={yuan(totals.fen)} />
            </Card>
          </Col>
          <Col xs={24} md={6}>
            <Card>
              <Statistic title="待审核缴费（笔）" value={totals.review} />
            </Card>
          </Col>
          {refunds && (
            <Col xs={24} md={6}>
              <Card>
                <Statistic
                  title="待审核退费（笔）"
                  value={refunds.filter((r) => r.state === 'requested').length}
                />
              </Card>
            </Col>
          )}
          {totals.truncated && (
            <Col span={24}>
              <Alert type="info" showIcon message={`缴费记录较多，以上仅统计最近 ${PAYMENT_LIMIT} 笔。`} />
            </Col>
          )}
        </>
      )}
      {coverage && total && total.ratePercent !== null && (
        <Col xs={24} lg={10}>
          <Card title={`参保率（截至 ${coverage.asOf}）`}>
            <Chart label="参保率" option={gauge(total.ratePercent, coverage.target.overallPercent)} />
            <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
              已参保 {total.enrolled.toLocaleString()} 人 / 应参保 {total.eligible.toLocaleString()}{' '}
              人；目标依据：
              {coverage.target.citation}
            </Typography.Paragraph>
          </Card>
        </Col>
      )}
      {townships.length > 0 && coverage && (
        <Col xs={24} lg={14}>
          <Card title="乡镇参保率排名">
            <Chart
              label="乡镇参保率排名"
              height={Math.max(240, townships.length * 28)}
              option={ranking(townships, coverage.target.overallPercent)}
            />
          </Card>
        </Col>
      )}
      {weekly && weekly.weeks.length > 0 && (
        <Col span={24}>
          <Card title="参保进度（按周累计）">
            <Chart label="参保进度" height={260} option={trend(weekly)} />
          </Card>
        </Col>
      )}
      {coverageNote && (
        <Col span={24}>
          <Alert type="info" showIcon message={coverageNote} />
        </Col>
      )}
    </Row>
  );
}
