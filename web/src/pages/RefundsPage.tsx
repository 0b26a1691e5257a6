// 退费: the refunds of the working region and year with their states; workers file a request,
// bureau staff approve or reject (a rejection needs its reason).
import { Alert, App, Button, Card, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import {
  ALL_REFUND_REASONS,
  REFUND_REASON_LABELS,
  REFUND_STATE_NAMES,
  REFUND_STATES,
  type RefundState,
} from '../../../src/collection/refund-reasons.js';
import { canUse } from '../access';
import { get, messageOf, post } from '../api';
import { dateTime, yuan } from '../format';
import { useSession } from '../session';
import type { RefundRow } from '../types';
import { RefundPayouts } from './RefundPayouts';

const STATE_COLORS: Record<RefundState, string> = {
  requested: 'orange',
  approved: 'blue',
  rejected: 'red',
  paid: 'green',
};

const reasonName = (r: string) => (REFUND_REASON_LABELS as Record<string, string>)[r] ?? r;

function RequestRefund({ onDone }: { onDone: () => void }) {
  const { year } = useSession();
  const { message } = App.useApp();
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: { docNo: string; reason: string; note?: string }) => {
    setError(null);
    try {
      await post('/api/refunds', {
        docNo: v.docNo.trim(),
        year,
        reason: v.reason,
        ...(v.note ? { note: v.note } : {}),
      });
      message.success('退费申请已提交');
      onDone();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  return (
    <Card title={`申请退费（${year} 年度）`}>
      <Form layout="inline" onFinish={submit} style={{ rowGap: 12 }}>
        <Form.Item name="docNo" label="证件号码" rules={[{ required: true, message: '请输入证件号码' }]}>
          <Input style={{ width: 220 }} />
        </Form.Item>
        <Form.Item name="reason" label="退费原因" rules={[{ required: true, message: '请选择退费原因' }]}>
          <Select
            style={{ width: 260 }}
            options={ALL_REFUND_REASONS.map((r) => ({ value: r, label: reasonName(r) }))}
          />
        </Form.Item>
        <Form.Item name="note" label="说明">
          <Input style={{ width: 200 }} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit">
            提交申请
          </Button>
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon message={error} style={{ marginTop: 16 }} />}
    </Card>
  );
}

export function RefundsPage() {
  const { user, region, year } = useSession();
  const { message } = App.useApp();
  const [rows, setRows] = useState<RefundRow[]>([]);
  const [state, setState] = useState<'' | RefundState>('');
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [deciding, setDeciding] = useState<{ row: RefundRow; approve: boolean } | null>(null);
  const [note, setNote] = useState('');
  const mayDecide = user ? canUse(user.role, 'POST', '/api/refunds/:id/*') : false;
  const mayRequest = user ? canUse(user.role, 'POST', '/api/refunds') : false;
  const mayReadPayouts = user ? canUse(user.role, 'GET', '/api/refunds/payouts') : false;
  const area = user?.scopeCode ?? region;

  const load = useCallback(async () => {
    if (!area) return;
    setLoading(true);
    setError(null);
    try {
      setRows(await get<RefundRow[]>('/api/refunds', { region: area, year, state }));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setLoading(false);
    }
  }, [area, year, state]);

  useEffect(() => {
    void load();
  }, [load]);

  const decide = async () => {
    if (!deciding) return;
    try {
      const { row, approve } = deciding;
      await post(
        `/api/refunds/${row.id}/${approve ? 'approve' : 'reject'}`,
        note.trim() ? { note: note.trim() } : {},
      );
      message.success(approve ? '已审核同意' : '已驳回');
      setDeciding(null);
      setNote('');
      await load();
    } catch (e) {
      message.error(messageOf(e));
    }
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      {mayRequest && <RequestRefund onDone={() => void load()} />}
      <Card
        title="退费清单"
        extra={
          <Select
            style={{ width: 150 }}
            value={state}
            onChange={setState}
            options={[
              { value: '', label: '全部状态' },
              ...REFUND_STATES.map((s) => ({ value: s, label: REFUND_STATE_NAMES[s] })),
            ]}
          />
        }
      >
        {!area && <Alert type="info" showIcon message="请先在页面上方选择地区" />}
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
        <Table
          rowKey="id"
          size="small"
          loading={loading}
          dataSource={rows}
          columns={[
            { title: '编号', dataIndex: 'id' },
            { title: '姓名', dataIndex: 'name' },
            { title: '证件号码', dataIndex: 'doc_no' },
            { title: '原因', dataIndex: 'reason', render: reasonName },
            { title: '金额', dataIndex: 'amount_fen', render: (v: number) => yuan(v) },
            { title: '申请日期', dataIndex: 'requested_on' },
            { title: '申请人', dataIndex: 'requested_by' },
            {
              title: '状态',
              dataIndex: 'state',
              render: (s: RefundState) => <Tag color={STATE_COLORS[s]}>{REFUND_STATE_NAMES[s]}</Tag>,
            },
            {
              title: '审核',
              key: 'decided',
              render: (_: unknown, r: RefundRow) =>
                r.decided_by
                  ? `${r.decided_by} ${dateTime(r.decided_at)}${r.decision_note ? `：${r.decision_note}` : ''}`
                  : '—',
            },
            ...(mayDecide
              ? [
                  {
                    title: '操作',
                    key: 'act',
                    render: (_: unknown, r: RefundRow) =>
                      r.state === 'requested' ? (
                        <Space>
                          <Button
                            size="small"
                            type="primary"
                            onClick={() => setDeciding({ row: r, approve: true })}
                          >
                            同意
                          </Button>
                          <Button size="small" danger onClick={() => setDeciding({ row: r, approve: false })}>
                            驳回
                          </Button>
                        </Space>
                      ) : null,
                  },
                ]
              : []),
          ]}
        />
      </Card>
      {mayReadPayouts && area && <RefundPayouts area={area} onPaid={() => void load()} />}
      <Modal
        open={deciding !== null}
        title={deciding?.approve ? '审核同意退费' : '驳回退费'}
        okText="确定"
        cancelText="取消"
        okButtonProps={{ disabled: !deciding?.approve && note.trim() === '' }}
        onOk={decide}
        onCancel={() => setDeciding(null)}
      >
        <p>
          {deciding?.row.name}：{deciding ? reasonName(deciding.row.reason) : ''}，
          {yuan(deciding?.row.amount_fen)}
        </p>
        <Input.TextArea
          placeholder={deciding?.approve ? '审核意见（可不填）' : '驳回理由（必填）'}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
      </Modal>
    </Space>
  );
}
