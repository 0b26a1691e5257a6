// 报表: the printable bulletin (the server's own A4 page, downloadable as HTML) and the worklist of
// people to visit, for the working region and year.
import { Alert, Button, Card, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { get, messageOf, withQuery } from '../api';
import { navigate } from '../router';
import { useSession } from '../session';

interface WorklistEntry {
  priority: number;
  kindName: string;
  deadline: string;
  detail: string;
  villageName: string;
  householdNo: string;
  name: string;
  id: string;
  phone: string;
  followUp: { note: string; by: string; at: string } | null;
}

interface WorklistReport {
  regionName: string;
  asOf: string;
  rules: string[];
  entries: WorklistEntry[];
  truncated: boolean;
}

function Bulletin({ area, year }: { area: string; year: number }) {
  const url = withQuery('/api/reports/bulletin', { region: area, year, format: 'html' });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space>
        <Button href={url} target="_blank">
          打开打印版
        </Button>
        <Button href={url} download={`参保工作通报-${area}-${year}.html`}>
          下载
        </Button>
      </Space>
      <iframe
        title="参保工作通报"
        src={url}
        style={{ width: '100%', height: 900, border: '1px solid #f0f0f0' }}
      />
    </Space>
  );
}

function Worklist({ area, year }: { area: string; year: number }) {
  const [report, setReport] = useState<WorklistReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setReport(null);
    setError(null);
    get<WorklistReport>('/api/reports/worklist', { region: area, year, limit: 500 })
      .then(setReport)
      .catch((e) => setError(messageOf(e)));
  }, [area, year]);
  if (error) return <Alert type="error" showIcon message={error} />;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {report?.rules.map((r) => (
        <Typography.Text key={r} type="secondary">
          {r}
        </Typography.Text>
      ))}
      {report?.truncated && <Alert type="info" showIcon message="名单较长，只显示前 500 人。" />}
      <Table
        rowKey={(e) => `${e.id}-${e.kindName}`}
        size="small"
        loading={report === null}
        dataSource={report?.entries ?? []}
        columns={[
          { title: '优先级', dataIndex: 'priority' },
          { title: '事项', dataIndex: 'kindName', render: (v: string) => <Tag>{v}</Tag> },
          { title: '期限', dataIndex: 'deadline' },
          { title: '村（社区）', dataIndex: 'villageName' },
          {
            title: '户号',
            dataIndex: 'householdNo',
            render: (v: string) =>
              v ? (
                <Button
                  type="link"
                  size="small"
                  onClick={() => navigate(`/registry?key=${encodeURIComponent(v)}`)}
                >
                  {v}
                </Button>
              ) : (
                '—'
              ),
          },
          { title: '姓名', dataIndex: 'name' },
          { title: '证件号码', dataIndex: 'id' },
          { title: '电话', dataIndex: 'phone' },
          { title: '说明', dataIndex: 'detail' },
          {
            title: '跟进',
            dataIndex: 'followUp',
            render: (f: WorklistEntry['followUp']) => (f ? `${f.by}：${f.note}` : '—'),
          },
        ]}
      />
    </Space>
  );
}

export function ReportsPage() {
  const { user, region, year } = useSession();
  const area = user?.scopeCode ?? region;
  if (!area)
    return (
      <Card title="报表">
        <Alert type="info" showIcon message="请先在页面上方选择地区" />
      </Card>
    );
  return (
    <Card title={`${year} 年度报表`}>
      <Tabs
        items={[
          { key: 'bulletin', label: '参保工作通报', children: <Bulletin area={area} year={year} /> },
          { key: 'worklist', label: '工作清单', children: <Worklist area={area} year={year} /> },
        ]}
      />
    </Card>
  );
}
