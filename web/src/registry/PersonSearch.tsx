// The person search of the 参保人员 page: a name (prefix; also "contains" inside a township or
// village), a whole ID number or its last digits; results in pages of 20 inside the user's area,
// ID numbers masked as the server decides. A click opens the person.
import { Alert, Button, Card, Input, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { get, messageOf } from '../api';
import { useSession } from '../session';
import type { PersonHit, PersonSearchResult } from './person-types';

const PAGE = 20;
const ENROLLMENT_NAMES: Record<string, string> = {
  registered: '已登记未缴费',
  enrolled: '已参保',
  repaired: '已补缴',
  suspended: '已暂停',
  terminated: '已终止',
};

export function PersonSearch({ onOpen }: { onOpen: (personId: number) => void }) {
  const { region, year } = useSession();
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [offset, setOffset] = useState(0);
  const [result, setResult] = useState<PersonSearchResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async (q: string, from: number) => {
    if (!q) return;
    setBusy(true);
    setError(null);
    try {
      setResult(
        await get<PersonSearchResult>('/api/persons', { q, region, year, limit: PAGE, offset: from }),
      );
      setQuery(q);
      setOffset(from);
    } catch (e) {
      setResult(null);
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const columns = [
    {
      title: '姓名',
      dataIndex: 'name',
      render: (v: string, p: PersonHit) => (
        <Button type="link" size="small" onClick={() => onOpen(p.personId)}>
          {v}
        </Button>
      ),
    },
    { title: '证件号码', dataIndex: 'docNo' },
    { title: '出生日期', dataIndex: 'birthDate', render: (v: string | null) => v ?? '—' },
    {
      title: '村（社区）',
      key: 'village',
      render: (_: unknown, p: PersonHit) => `${p.townshipName ?? ''}${p.villageName ?? p.villageCode}`,
    },
    { title: '户号', dataIndex: 'householdNo', render: (v: string | null) => v ?? '—' },
    {
      title: '状态',
      key: 'status',
      render: (_: unknown, p: PersonHit) => (
        <Space size={4}>
          <Tag color={p.status === 'active' ? 'default' : 'red'}>{p.statusName}</Tag>
          {p.enrollmentStatus && (
            <Tag color={p.enrollmentStatus === 'enrolled' ? 'green' : 'orange'}>
              {year} 年{ENROLLMENT_NAMES[p.enrollmentStatus] ?? p.enrollmentStatus}
            </Tag>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Card title="查找人员">
      <Input.Search
        aria-label="姓名或身份证号"
        placeholder="输入姓名、身份证号码或号码后几位"
        enterButton="搜索"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onSearch={(v) => load(v.trim(), 0)}
        loading={busy}
        style={{ maxWidth: 520 }}
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
        姓名按开头查找（在乡镇、村范围内也按包含查找）；号码可输入完整号码或后 4 位以上。
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} data-testid="person-search-error" />}
      {result && (
        <>
          <Table
            data-testid="person-results"
            rowKey="personId"
            size="small"
            loading={busy}
            pagination={false}
            columns={columns}
            dataSource={result.items}
            onRow={(p) => ({ onDoubleClick: () => onOpen(p.personId) })}
            locale={{ emptyText: '没有找到符合条件的人员' }}
          />
          <Space style={{ marginTop: 8 }}>
            <Button disabled={offset === 0 || busy} onClick={() => load(query, Math.max(0, offset - PAGE))}>
              上一页
            </Button>
            <Button disabled={!result.hasMore || busy} onClick={() => load(query, offset + PAGE)}>
              下一页
            </Button>
            <Typography.Text type="secondary">
              第 {offset + 1}–{offset + result.items.length} 条
            </Typography.Text>
          </Space>
        </>
      )}
    </Card>
  );
}
