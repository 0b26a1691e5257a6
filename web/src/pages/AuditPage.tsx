// 审计日志 (administrators): who changed what, when, with the before and after of each change.
import { Alert, Button, Card, Form, Input, Table, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { get, messageOf } from '../api';
import { dateTime } from '../format';

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  county_code: string | null;
  before: unknown;
  after: unknown;
}

interface Filter {
  actor?: string;
  action?: string;
  entity?: string;
  entityId?: string;
  from?: string;
  to?: string;
}

const json = (v: unknown) =>
  v === null || v === undefined ? (
    '—'
  ) : (
    <Typography.Text code style={{ whiteSpace: 'pre-wrap', fontSize: 12 }}>
      {JSON.stringify(v)}
    </Typography.Text>
  );

export function AuditPage() {
  const [rows, setRows] = useState<AuditRow[]>([]);
  const [filter, setFilter] = useState<Filter>({});
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setRows(await get<AuditRow[]>('/api/audit', { ...filter, limit: 200 }));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setLoading(false);
    }
  }, [filter]);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <Card title="审计日志">
      <Form layout="inline" onFinish={(v: Filter) => setFilter(v)} style={{ rowGap: 12, marginBottom: 16 }}>
        <Form.Item name="actor" label="操作人">
          <Input style={{ width: 120 }} />
        </Form.Item>
        <Form.Item name="action" label="操作">
          <Input style={{ width: 140 }} placeholder="如 payment" />
        </Form.Item>
        <Form.Item name="entity" label="对象">
          <Input style={{ width: 110 }} />
        </Form.Item>
        <Form.Item name="entityId" label="对象编号">
          <Input style={{ width: 100 }} />
        </Form.Item>
        <Form.Item name="from" label="起">
          <Input type="date" />
        </Form.Item>
        <Form.Item name="to" label="止">
          <Input type="date" />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit">
            查询
          </Button>
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Table
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={rows}
        columns={[
          { title: '时间', dataIndex: 'at', render: dateTime, width: 170 },
          { title: '操作人', dataIndex: 'actor' },
          { title: '操作', dataIndex: 'action' },
          {
            title: '对象',
            key: 'entity',
            render: (_: unknown, r: AuditRow) => `${r.entity} ${r.entity_id ?? ''}`,
          },
          { title: '地区', dataIndex: 'county_code', render: (v: string | null) => v ?? '—' },
          { title: '变更前', dataIndex: 'before', render: json },
          { title: '变更后', dataIndex: 'after', render: json },
        ]}
      />
    </Card>
  );
}
