// 缴费: take a payment at the counter for one person or a whole household (one receipt), see the
// payments, and — for bureau staff — review the ones held because the amount did not match.
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  Space,
  Table,
  Tag,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { CHANNEL_CODES, CHANNEL_NAMES, type ChannelCode } from '../../../src/policy/vocabulary.js';
import { canUse } from '../access';
import { get, messageOf, post } from '../api';
import { today, toFen, yuan } from '../format';
import { useSession } from '../session';
import type { HouseholdStatus, PaymentRow } from '../types';

const STATUS = {
  accepted: { label: '已入账', color: 'green' },
  review: { label: '待审核', color: 'orange' },
  rejected: { label: '已退回', color: 'red' },
} as const;

/** A receipt number made once per form, so a double click posts the same payment twice, not two. */
const newReceiptNo = () => `WEB${Date.now().toString(36).toUpperCase()}${Math.floor(Math.random() * 1e4)}`;

interface FormValues {
  target: 'person' | 'household';
  key: string;
  amountYuan: number;
  paidOn: string;
  channel: ChannelCode;
  externalNo: string;
  agent?: string;
  holdWrongAmount?: boolean;
}

interface Agent {
  code: string;
  name: string;
  areaName: string | null;
  active: boolean;
}

function TakePayment({ onDone }: { onDone: () => void }) {
  const { user, year, region } = useSession();
  const [agents, setAgents] = useState<Agent[]>([]);
  const [form] = Form.useForm<FormValues>();
  const [outcome, setOutcome] = useState<{ type: 'success' | 'warning' | 'error'; text: string } | null>(
    null,
  );
  const [busy, setBusy] = useState(false);
  const target = Form.useWatch('target', form);
  const channel = Form.useWatch('channel', form);

  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    const docNo = params.get('docNo');
    const key = params.get('key');
    if (docNo) form.setFieldsValue({ target: 'person', key: docNo });
    else if (key) form.setFieldsValue({ target: 'household', key });
  }, [form]);

  // Village and township workers collect as agents; the bureau's counter is the tax window.
  const defaultChannel: ChannelCode =
    user?.role === 'village' ? 'agent_village' : user?.role === 'township' ? 'agent_township' : 'tax_window';
  // Agents of the worker's area (the API narrows the list to the scope) for the 代征 channels.
  const area = user?.scopeCode ?? region;
  useEffect(() => {
    if (!channel?.startsWith('agent_')) return;
    get<Agent[]>('/api/agents', { region: area || undefined })
      .then((all) => setAgents(all.filter((a) => a.active)))
      .catch(() => setAgents([]));
  }, [channel, area]);

  /** The amount due from the household view: the member's or the whole household's. */
  const fillDue = async () => {
    const { key, target: t } = form.getFieldsValue();
    if (!key?.trim()) return;
    try {
      const hs = await get<HouseholdStatus[]>(`/api/households/${encodeURIComponent(key.trim())}`, { year });
      const h = hs[0];
      if (!h) throw new Error('没有找到此人或此户');
      const due =
        t === 'household'
          ? h.totals.dueFen
          : (h.members.find((m) => m.docNo.toUpperCase() === key.trim().toUpperCase())?.dueFen ?? null);
      if (due === null || due === 0)
        setOutcome({ type: 'warning', text: '核定结果中没有尚欠金额，请按应缴金额填写' });
      else form.setFieldsValue({ amountYuan: due / 100 });
    } catch (e) {
      setOutcome({ type: 'error', text: messageOf(e) });
    }
  };

  const submit = async (v: FormValues) => {
    const amountFen = toFen(v.amountYuan);
    if (amountFen === undefined) return;
    setBusy(true);
    setOutcome(null);
    const common = {
      year,
      amountFen,
      paidOn: v.paidOn,
      channel: v.channel,
      externalNo: v.externalNo.trim(),
      ...(v.agent?.trim() ? { agent: v.agent.trim() } : {}),
    };
    try {
      if (v.target === 'household') {
        const r = await post<{ householdNo: string; totalFen: number; payments: { name: string }[] }>(
          `/api/households/${encodeURIComponent(v.key.trim())}/payments`,
          common,
        );
        setOutcome({
          type: 'success',
          text: `已收取户号 ${r.householdNo} 全户缴费 ${yuan(r.totalFen)}（${r.payments.map((p) => p.name).join('、')}）`,
        });
      } else {
        const r = await post<{
          status: string;
          personName: string;
          amountFen: number;
          reviewReason?: string;
        }>('/api/payments', {
          ...common,
          docNo: v.key.trim(),
          ...(v.holdWrongAmount ? { holdWrongAmount: true } : {}),
        });
        setOutcome(
          r.status === 'held'
            ? { type: 'warning', text: `已收下待审核：${r.reviewReason ?? ''}` }
            : r.status === 'already_recorded'
              ? {
                  type: 'warning',
                  text: `此收据号已记录过：${r.personName} ${yuan(r.amountFen)}，未重复记账`,
                }
              : { type: 'success', text: `已收取 ${r.personName} ${year} 年度缴费 ${yuan(r.amountFen)}` },
        );
      }
      form.setFieldsValue({ externalNo: newReceiptNo() });
      onDone();
    } catch (e) {
      setOutcome({ type: 'error', text: messageOf(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={`收取 ${year} 年度个人缴费`}>
      <Form
        form={form}
        layout="inline"
        onFinish={submit}
        initialValues={{
          target: 'person',
          paidOn: today(),
          channel: defaultChannel,
          externalNo: newReceiptNo(),
        }}
        style={{ rowGap: 12 }}
      >
        <Form.Item name="target">
          <Radio.Group
            options={[
              { value: 'person', label: '个人' },
              { value: 'household', label: '全户' },
            ]}
          />
        </Form.Item>
        <Form.Item
          name="key"
          label={target === 'household' ? '户号或成员证件号码' : '证件号码'}
          rules={[{ required: true, message: '请输入证件号码或户号' }]}
        >
          <Input style={{ width: 220 }} aria-label="证件号码" />
        </Form.Item>
        <Form.Item>
          <Button onClick={fillDue}>按核定填入金额</Button>
        </Form.Item>
        <Form.Item name="amountYuan" label="金额（元）" rules={[{ required: true, message: '请输入金额' }]}>
          <InputNumber min={0.01} precision={2} style={{ width: 130 }} aria-label="金额（元）" />
        </Form.Item>
        <Form.Item name="paidOn" label="缴费日期" rules={[{ required: true, message: '请输入缴费日期' }]}>
          <Input type="date" style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="channel" label="渠道">
          <Select
            style={{ width: 180 }}
            options={CHANNEL_CODES.map((c) => ({ value: c, label: CHANNEL_NAMES[c] }))}
          />
        </Form.Item>
        {channel?.startsWith('agent_') && (
          <Form.Item
            name="agent"
            label="代征人员"
            rules={[{ required: true, message: '委托代征须选择代征人员' }]}
          >
            <Select
              aria-label="代征人员"
              style={{ width: 220 }}
              showSearch
              optionFilterProp="label"
              notFoundContent="本地区没有登记的代征人员"
              options={agents.map((a) => ({
                value: a.code,
                label: `${a.name}（${a.code}${a.areaName ? `，${a.areaName}` : ''}）`,
              }))}
            />
          </Form.Item>
        )}
        <Form.Item name="externalNo" label="收据号" rules={[{ required: true, message: '请输入收据号' }]}>
          <Input style={{ width: 200 }} />
        </Form.Item>
        {target !== 'household' && (
          <Form.Item name="holdWrongAmount" valuePropName="checked">
            <Checkbox>金额不符时收下待审核</Checkbox>
          </Form.Item>
        )}
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            确认收费
          </Button>
        </Form.Item>
      </Form>
      {outcome && (
        <Alert
          type={outcome.type}
          showIcon
          message={outcome.text}
          style={{ marginTop: 16 }}
          data-testid="payment-outcome"
        />
      )}
    </Card>
  );
}

export function PaymentsPage() {
  const { user, region, year } = useSession();
  const { message } = App.useApp();
  const [rows, setRows] = useState<PaymentRow[]>([]);
  const [status, setStatus] = useState<'' | PaymentRow['status']>('');
  const [docNo, setDocNo] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [reviewing, setReviewing] = useState<{ row: PaymentRow; decision: 'accept' | 'reject' } | null>(null);
  const [note, setNote] = useState('');
  const mayTake = user ? canUse(user.role, 'POST', '/api/payments') : false;
  const mayReview = user ? canUse(user.role, 'POST', '/api/payments/:id/review') : false;

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setRows(
        await get<PaymentRow[]>('/api/payments', {
          year,
          region: user?.scopeCode ? undefined : region,
          status,
          docNo: docNo.trim(),
          limit: 200,
        }),
      );
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setLoading(false);
    }
  }, [year, region, status, docNo, user]);

  useEffect(() => {
    void load();
  }, [load]);

  const review = async () => {
    if (!reviewing) return;
    try {
      await post(`/api/payments/${reviewing.row.id}/review`, { decision: reviewing.decision, note });
      message.success(reviewing.decision === 'accept' ? '已受理' : '已驳回，全额转退费');
      setReviewing(null);
      setNote('');
      await load();
    } catch (e) {
      message.error(messageOf(e));
    }
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      {mayTake && <TakePayment onDone={() => void load()} />}
      <Card
        title="缴费记录"
        extra={
          <Space>
            <Input.Search
              placeholder="证件号码"
              allowClear
              onSearch={(v) => setDocNo(v)}
              style={{ width: 220 }}
              aria-label="按证件号码查询"
            />
            <Select
              style={{ width: 130 }}
              value={status}
              onChange={setStatus}
              options={[
                { value: '', label: '全部状态' },
                { value: 'accepted', label: '已入账' },
                { value: 'review', label: '待审核' },
                { value: 'rejected', label: '已退回' },
              ]}
            />
          </Space>
        }
      >
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
        <Table
          rowKey="id"
          size="small"
          loading={loading}
          dataSource={rows}
          data-testid="payments-table"
          columns={[
            { title: '编号', dataIndex: 'id' },
            { title: '姓名', dataIndex: 'name' },
            { title: '证件号码', dataIndex: 'doc_no' },
            { title: '年度', dataIndex: 'year' },
            { title: '金额', dataIndex: 'amount_fen', render: (v: number) => yuan(v) },
            { title: '缴费日期', dataIndex: 'paid_on' },
            {
              title: '渠道',
              dataIndex: 'channel',
              render: (c: string) => CHANNEL_NAMES[c as ChannelCode] ?? c,
            },
            { title: '收据号', dataIndex: 'external_no' },
            { title: '代征人员', dataIndex: 'agent', render: (v: string | null) => v ?? '—' },
            {
              title: '状态',
              dataIndex: 'status',
              render: (s: PaymentRow['status'], r: PaymentRow) => (
                <Tag color={STATUS[s].color} title={r.review_reason ?? undefined}>
                  {STATUS[s].label}
                </Tag>
              ),
            },
            ...(mayReview
              ? [
                  {
                    title: '审核',
                    key: 'review',
                    render: (_: unknown, r: PaymentRow) =>
                      r.status === 'review' ? (
                        <Space>
                          <Button size="small" onClick={() => setReviewing({ row: r, decision: 'accept' })}>
                            受理
                          </Button>
                          <Button
                            size="small"
                            danger
                            onClick={() => setReviewing({ row: r, decision: 'reject' })}
                          >
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
      <Modal
        open={reviewing !== null}
        title={
          reviewing?.decision === 'accept'
            ? '受理待审核缴费（多缴部分转退费）'
            : '驳回待审核缴费（全额转退费）'
        }
        okText="确定"
        cancelText="取消"
        okButtonProps={{ disabled: note.trim() === '' }}
        onOk={review}
        onCancel={() => setReviewing(null)}
      >
        <p>{reviewing?.row.review_reason}</p>
        <Input.TextArea
          placeholder="审核意见（必填）"
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
      </Modal>
    </Space>
  );
}
