// The household lookup of the 参保人员 page: a household by its number or any member's ID number,
// with each member's enrollment and payment for the working year. Scope is the server's: another
// village's household comes back as the API's 403 message.
import { Alert, Button, Card, Descriptions, Empty, Input, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { get, messageOf } from '../api';
import { yuan } from '../format';
import { navigate } from '../router';
import { useSession } from '../session';
import type { HouseholdStatus, MemberStatus } from '../types';

const STATUS_COLORS: Record<string, string> = {
  enrolled: 'green',
  registered: 'orange',
  repaired: 'blue',
  suspended: 'default',
  terminated: 'red',
};

export function HouseholdLookup({ onOpen }: { onOpen: (personId: number) => void }) {
  const { year } = useSession();
  const [key, setKey] = useState(() => new URLSearchParams(window.location.search).get('key') ?? '');
  const [result, setResult] = useState<HouseholdStatus[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const search = async (value: string) => {
    const k = value.trim();
    if (!k) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await get<HouseholdStatus[]>(`/api/households/${encodeURIComponent(k)}`, { year }));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  // Arriving from a link (/registry?key=…): show that household at once.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only on arrival
  useEffect(() => {
    if (key) void search(key);
  }, []);

  const columns = [
    {
      title: '姓名',
      dataIndex: 'name',
      render: (v: string, m: MemberStatus) => (
        <Typography.Link onClick={() => onOpen(m.personId)}>{v}</Typography.Link>
      ),
    },
    { title: '证件号码', dataIndex: 'docNo' },
    { title: '与户主关系', dataIndex: 'relation', render: (v: string | null) => v ?? '—' },
    { title: '年龄', dataIndex: 'age', render: (v: number | null) => v ?? '—' },
    {
      title: '参保状态',
      key: 'status',
      render: (_: unknown, m: MemberStatus) =>
        m.ineligibleReason ? (
          <Tag>{m.ineligibleReason}</Tag>
        ) : (
          <Tag color={STATUS_COLORS[m.enrollmentStatus ?? ''] ?? 'default'}>{m.enrollmentStatusName}</Tag>
        ),
    },
    { title: '应缴', key: 'owes', render: (_: unknown, m: MemberStatus) => m.owesText },
    {
      title: '缴费',
      key: 'payment',
      render: (_: unknown, m: MemberStatus) =>
        m.payment ? `${yuan(m.payment.amountFen)}（${m.payment.statusName}，${m.payment.paidOn}）` : '—',
    },
    { title: '尚欠', dataIndex: 'dueFen', render: (v: number) => yuan(v) },
    {
      title: '待遇享受期',
      key: 'benefit',
      render: (_: unknown, m: MemberStatus) =>
        m.benefitStart ? `${m.benefitStart} 至 ${m.benefitEnd}` : '—',
    },
  ];

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Card title="查家庭户">
        <Input.Search
          aria-label="户号或证件号码"
          placeholder="输入户号或任一成员的身份证号码"
          enterButton="查询"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          onSearch={search}
          loading={busy}
          style={{ maxWidth: 520 }}
        />
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          显示 {year} 年度全户成员的参保和缴费情况。
        </Typography.Paragraph>
      </Card>
      {error && <Alert type="error" showIcon message={error} data-testid="registry-error" />}
      {result?.length === 0 && <Empty description="没有找到" />}
      {result?.map((h) => (
        <Card
          key={h.household.id}
          title={`户号 ${h.household.household_no}`}
          extra={
            <Button
              type="primary"
              onClick={() => navigate(`/payments?key=${encodeURIComponent(h.household.household_no)}`)}
            >
              为此户缴费
            </Button>
          }
        >
          <Descriptions size="small" column={4} style={{ marginBottom: 16 }}>
            <Descriptions.Item label="村（社区）">
              {h.household.village_name ?? h.household.village_code ?? '—'}
            </Descriptions.Item>
            <Descriptions.Item label="成员">{h.totals.members} 人</Descriptions.Item>
            <Descriptions.Item label="已参保">{h.totals.enrolled} 人</Descriptions.Item>
            <Descriptions.Item label="全户尚欠">{yuan(h.totals.dueFen)}</Descriptions.Item>
          </Descriptions>
          <Table rowKey="personId" size="small" pagination={false} columns={columns} dataSource={h.members} />
        </Card>
      ))}
    </Space>
  );
}
