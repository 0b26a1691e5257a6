// 核定: for the region and year chosen at the top of the page, start an assessment (a background
// job, polled every second), see the totals it left and what changed since the run before, and
// download the detail for the tax bureau.
import { Alert, Button, Card, Space, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { canUse } from '../access';
import { get, messageOf, withQuery } from '../api';
import { AssessmentChangesTable } from '../assessment/AssessmentChangesTable';
import { AssessmentTotals } from '../assessment/AssessmentTotals';
import type { AssessmentRuns } from '../assessment/assessment-types';
import { StartAssessmentButton } from '../assessment/StartAssessmentButton';
import { useSession } from '../session';

export function AssessmentPage() {
  const { user, region, year } = useSession();
  const [data, setData] = useState<AssessmentRuns | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  const load = useCallback(async () => {
    if (!region) return;
    try {
      setData(await get<AssessmentRuns>('/api/assessments/runs', { region, year }));
      setError(null);
    } catch (e) {
      setData(null);
      setError(messageOf(e));
    }
  }, [region, year]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload after each finished run (version)
  useEffect(() => {
    void load();
  }, [load, version]);

  if (!region) return <Alert type="info" showIcon message="请先在页面顶部选择地区（区县），再进行核定。" />;
  const mayRun = user !== null && canUse(user.role, 'POST', '/api/jobs/assessments') && region.length === 6;
  const exportUrl = (format: 'csv' | 'xlsx') =>
    withQuery('/api/assessments/export', { region, year, format });

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Card
        title={`核定：${region} ${year} 年度`}
        extra={
          <Space>
            <Button href={exportUrl('csv')} download>
              下载核定明细（CSV）
            </Button>
            <Button href={exportUrl('xlsx')} download>
              下载核定明细（Excel）
            </Button>
          </Space>
        }
      >
        <Typography.Paragraph type="secondary">
          按政策包核定本地区每个人的缴费标准、资助和个人应缴；再次核定只更新有变化的人。
        </Typography.Paragraph>
        {mayRun && (
          <StartAssessmentButton region={region} year={year} onDone={() => setVersion((v) => v + 1)} />
        )}
      </Card>
      {error && <Alert type="error" showIcon message={error} data-testid="assessment-error" />}
      {data && (
        <Card title="核定结果">
          <AssessmentTotals data={data} />
        </Card>
      )}
      {data && data.runs.length > 0 && (
        <Card title="与上一次核定相比有变化的人员">
          <AssessmentChangesTable region={region} year={year} version={version} />
        </Card>
      )}
    </Space>
  );
}
