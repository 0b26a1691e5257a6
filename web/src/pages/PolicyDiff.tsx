// 政策对比: two packs side by side, item by item, with the document and clause each side rests on
// — the same comparison as `canbao policy diff` (GET /api/policy/diff).
import { Alert, Card, Empty, Select, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { get, messageOf } from '../api';

interface PackOption {
  id: string;
  regionName: string;
  year: number;
}

interface Change {
  item: string;
  a: string | null;
  b: string | null;
  text: string;
  citeA?: string;
  citeB?: string;
}

interface Diff {
  a: { id: string; regionName: string; year: number; hash: string };
  b: { id: string; regionName: string; year: number; hash: string };
  same: boolean;
  sections: { key: string; title: string; changes: Change[] }[];
}

interface Row extends Change {
  key: string;
  section: string;
  /** Rows of one section share the section cell. */
  span: number;
}

function rowsOf(d: Diff): Row[] {
  return d.sections.flatMap((s) =>
    s.changes.map((c, i) => ({
      ...c,
      key: `${s.key}:${i}`,
      section: s.title,
      span: i === 0 ? s.changes.length : 0,
    })),
  );
}

function Side({ value, cite }: { value: string | null; cite: string | undefined }) {
  return (
    <>
      <div>{value ?? <Typography.Text type="secondary">（无此项）</Typography.Text>}</div>
      {cite && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          依据：{cite}
        </Typography.Text>
      )}
    </>
  );
}

export function PolicyDiff({ packs }: { packs: PackOption[] }) {
  const [from, setFrom] = useState<string | undefined>();
  const [to, setTo] = useState<string | undefined>();
  const [diff, setDiff] = useState<Diff | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    setDiff(null);
    setError(null);
    if (!from || !to) return;
    setLoading(true);
    get<Diff>('/api/policy/diff', { from, to })
      .then(setDiff)
      .catch((e) => setError(messageOf(e)))
      .finally(() => setLoading(false));
  }, [from, to]);

  const options = packs.map((p) => ({ value: p.id, label: `${p.regionName} ${p.year} 年度（${p.id}）` }));
  const label = (p: Diff['a']) => `${p.regionName} ${p.year}`;
  return (
    <Card title="政策对比">
      <Space wrap style={{ marginBottom: 16 }}>
        <Select
          style={{ width: 300 }}
          placeholder="选择政策包 A"
          showSearch
          optionFilterProp="label"
          options={options}
          value={from}
          onChange={setFrom}
        />
        <span>对比</span>
        <Select
          style={{ width: 300 }}
          placeholder="选择政策包 B"
          showSearch
          optionFilterProp="label"
          options={options}
          value={to}
          onChange={setTo}
        />
      </Space>
      {error && <Alert type="error" showIcon message={error} />}
      {!from || !to ? (
        <Empty description="选择两个政策包查看差异" />
      ) : diff?.same ? (
        <Alert type="success" showIcon message="两个政策包的规定没有差异" />
      ) : (
        <Table<Row>
          rowKey="key"
          size="small"
          loading={loading}
          pagination={false}
          dataSource={diff ? rowsOf(diff) : []}
          columns={[
            { title: '方面', dataIndex: 'section', width: 140, onCell: (r) => ({ rowSpan: r.span }) },
            { title: '项目', dataIndex: 'item', width: 200 },
            {
              title: diff ? label(diff.a) : 'A',
              key: 'a',
              render: (_: unknown, r: Row) => <Side value={r.a} cite={r.citeA} />,
            },
            {
              title: diff ? label(diff.b) : 'B',
              key: 'b',
              render: (_: unknown, r: Row) => <Side value={r.b} cite={r.citeB} />,
            },
          ]}
        />
      )}
      {diff && !diff.same && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
          分类资助按仅具有该身份的居民由核定引擎计算比较；多重身份就高不就低。
        </Typography.Paragraph>
      )}
    </Card>
  );
}
