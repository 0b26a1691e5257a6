// 退费批次: approved refunds handed to the tax bureau as one named batch (`canbao refund payout`),
// and the region's earlier batches with their payout lists to download. Finance reads the batches;
// only bureau staff and administrators hand a batch over.
import { Alert, App, Button, Card, Input, Popconfirm, Space, Table } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { canUse } from '../access';
import { get, messageOf, post, withQuery } from '../api';
import { yuan } from '../format';
import { useSession } from '../session';

interface Batch {
  batch: string;
  count: number;
  total_fen: number;
  paid_at: string;
}

interface PayoutResult {
  batch: string;
  alreadyPaid: boolean;
  lines: unknown[];
  totalFen: number;
}

/** `onPaid` lets the page read its refund list again: the batch's refunds are now 已交税务退付. */
export function RefundPayouts({ area, onPaid }: { area: string; onPaid: () => void }) {
  const { user } = useSession();
  const { message } = App.useApp();
  const [batches, setBatches] = useState<Batch[]>([]);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const mayPay = user ? canUse(user.role, 'POST', '/api/refunds/payouts') : false;

  const load = useCallback(async () => {
    setError(null);
    try {
      setBatches(await get<Batch[]>('/api/refunds/payouts', { region: area }));
    } catch (e) {
      setError(messageOf(e));
    }
  }, [area]);

  useEffect(() => {
    void load();
  }, [load]);

  const pay = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await post<PayoutResult>('/api/refunds/payouts', { region: area, batch: name.trim() });
      message.success(
        r.alreadyPaid
          ? `批次"${r.batch}"此前已交税务退付（${r.lines.length} 笔，${yuan(r.totalFen)}），本次未改动任何退费`
          : `批次"${r.batch}"：${r.lines.length} 笔退费已交税务退付，共 ${yuan(r.totalFen)}`,
      );
      setName('');
      await load();
      onPaid();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title="退费批次（交税务退付）">
      {mayPay && (
        <Space style={{ marginBottom: 16 }} wrap>
          <span>批次名称</span>
          <Input
            style={{ width: 220 }}
            placeholder="如 2025-01 第1批"
            value={name}
            maxLength={100}
            onChange={(e) => setName(e.target.value)}
          />
          <Popconfirm
            title="把本地区全部已审核同意的退费作为此批次交税务退付？"
            okText="确定"
            cancelText="取消"
            onConfirm={pay}
            disabled={name.trim() === ''}
          >
            <Button type="primary" loading={busy} disabled={name.trim() === ''}>
              生成退付批次
            </Button>
          </Popconfirm>
        </Space>
      )}
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Table
        rowKey="batch"
        size="small"
        pagination={false}
        dataSource={batches}
        locale={{ emptyText: '本地区还没有退付批次' }}
        columns={[
          { title: '批次', dataIndex: 'batch' },
          { title: '笔数', dataIndex: 'count' },
          { title: '金额', dataIndex: 'total_fen', render: (v: number) => yuan(v) },
          { title: '交付时间', dataIndex: 'paid_at' },
          {
            title: '退付清单',
            key: 'csv',
            render: (_: unknown, b: Batch) => (
              <a href={withQuery('/api/refunds/payouts', { region: area, batch: b.batch, format: 'csv' })}>
                下载 CSV
              </a>
            ),
          },
        ]}
      />
    </Card>
  );
}
