// 对账: upload the tax bureau's payment file (reconciled in the background), the runs of the working
// region and year, a run's counts by class and township, its differences class by class with
// paging, resolving a difference with its reason, and turning the refund list into refund requests.
import { Alert, App, Button, Card, Descriptions, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { canUse } from '../access';
import { get, messageOf, post } from '../api';
import { dateTime, yuan } from '../format';
import { useSession } from '../session';
import { type JobView, UploadJob } from '../UploadJob';

interface RunRecord {
  id: number;
  region: string;
  year: number;
  asOf: string;
  fileName: string;
  startedBy: string | null;
  startedAt: string;
  rowsRead: number;
  rejected: number;
  newRows: number;
  matched: number;
  differencesNew: number;
  differencesCarried: number;
  differencesSettled: number;
  taxFen: number;
  refundDueFen: number;
  owedFen: number;
}
interface ClassTotal {
  class: string;
  name: string;
  count: number;
  taxFen: number;
  amountFen: number;
}
interface TownshipTotal {
  townshipCode: string;
  townshipName: string;
  matched: number;
  differences: number;
  refundDueFen: number;
  owedFen: number;
}
interface RunDetail {
  run: RunRecord;
  classes: ClassTotal[];
  townships: TownshipTotal[];
}
interface DifferenceRow {
  id: number;
  class: string;
  runStatus: string;
  state: 'open' | 'carried' | 'resolved' | 'settled';
  townshipName: string | null;
  villageName: string | null;
  docNo: string;
  name: string;
  receiptNo: string | null;
  paidOn: string | null;
  payableFen: number | null;
  taxFen: number | null;
  localFen: number | null;
  amountFen: number;
  resolvedReason: string | null;
}

const STATE: Record<DifferenceRow['state'], { text: string; color: string }> = {
  open: { text: '待处理', color: 'orange' },
  carried: { text: '遗留', color: 'gold' },
  resolved: { text: '已处理', color: 'green' },
  settled: { text: '已消除', color: 'blue' },
};
const PAGE = 50;

function ReconcileResult({ job }: { job: JobView }) {
  const r = (job.result ?? {}) as Record<string, number | string>;
  const d = (job.result?.differences ?? {}) as { new?: number; carried?: number; settled?: number };
  return (
    <Descriptions size="small" bordered column={4}>
      <Descriptions.Item label="结果">
        {r.status === 'unchanged' ? '此文件已对账过，未作更改' : `对账批次 ${r.runId}`}
      </Descriptions.Item>
      <Descriptions.Item label="读取行数">{r.rowsRead}</Descriptions.Item>
      <Descriptions.Item label="未导入行数">{r.rejected}</Descriptions.Item>
      <Descriptions.Item label="一致">{r.matched}</Descriptions.Item>
      <Descriptions.Item label="新发现差异">{d.new ?? 0}</Descriptions.Item>
      <Descriptions.Item label="遗留差异">{d.carried ?? 0}</Descriptions.Item>
      <Descriptions.Item label="本次消除">{d.settled ?? 0}</Descriptions.Item>
      <Descriptions.Item label="税务实缴">{yuan(Number(r.taxFen ?? 0))}</Descriptions.Item>
    </Descriptions>
  );
}

function Differences({
  runId,
  classes,
  onChanged,
}: {
  runId: number;
  classes: ClassTotal[];
  onChanged: () => void;
}) {
  const { message } = App.useApp();
  const choices = classes.filter((c) => c.class !== 'matched');
  const [cls, setCls] = useState<string | undefined>(undefined);
  // Keyset paging: each page starts after the last id of the one before.
  const [starts, setStarts] = useState<number[]>([0]);
  const [rows, setRows] = useState<DifferenceRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [resolving, setResolving] = useState<DifferenceRow | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const after = starts[starts.length - 1]!;

  const load = useCallback(async () => {
    try {
      setError(null);
      setRows(
        await get<DifferenceRow[]>(`/api/reconciliations/${runId}/differences`, {
          class: cls,
          limit: PAGE,
          after,
        }),
      );
    } catch (e) {
      setError(messageOf(e));
    }
  }, [runId, cls, after]);
  useEffect(() => {
    void load();
  }, [load]);

  const resolve = async () => {
    if (!resolving) return;
    const { reason } = await form.validateFields();
    try {
      await post(`/api/differences/${resolving.id}/resolve`, { reason });
      message.success('已处理');
      setResolving(null);
      form.resetFields();
      await load();
      onChanged();
    } catch (e) {
      message.error(messageOf(e));
    }
  };

  return (
    <Card title="差异明细" size="small">
      <Space style={{ marginBottom: 12 }}>
        <Select
          style={{ width: 220 }}
          allowClear
          placeholder="全部差异类别"
          value={cls}
          onChange={(v) => {
            setCls(v);
            setStarts([0]);
          }}
          options={choices.map((c) => ({ value: c.class, label: `${c.name}（${c.count}）` }))}
        />
      </Space>
      {error && <Alert type="error" showIcon message={error} />}
      <Table<DifferenceRow>
        rowKey="id"
        size="small"
        dataSource={rows}
        pagination={false}
        columns={[
          { title: '类别', render: (_, d) => choices.find((c) => c.class === d.class)?.name ?? d.class },
          { title: '姓名', dataIndex: 'name' },
          { title: '证件号码', dataIndex: 'docNo' },
          { title: '乡镇（街道）', render: (_, d) => d.townshipName ?? '—' },
          { title: '税票号', render: (_, d) => d.receiptNo ?? '—' },
          { title: '缴费日期', render: (_, d) => d.paidOn ?? '—' },
          { title: '应缴', render: (_, d) => yuan(d.payableFen) },
          { title: '税务实缴', render: (_, d) => yuan(d.taxFen) },
          { title: '差额', render: (_, d) => yuan(d.amountFen) },
          {
            title: '状态',
            render: (_, d) => (
              <Tag color={STATE[d.state].color} title={d.resolvedReason ?? undefined}>
                {STATE[d.state].text}
              </Tag>
            ),
          },
          {
            title: '操作',
            render: (_, d) =>
              d.state === 'open' || d.state === 'carried' ? (
                <Button size="small" onClick={() => setResolving(d)}>
                  处理
                </Button>
              ) : null,
          },
        ]}
      />
      <Space style={{ marginTop: 12 }}>
        <Button disabled={starts.length === 1} onClick={() => setStarts((s) => s.slice(0, -1))}>
          上一页
        </Button>
        <span>第 {starts.length} 页</span>
        <Button
          disabled={rows.length < PAGE}
          onClick={() => setStarts((s) => [...s, rows[rows.length - 1]!.id])}
        >
          下一页
        </Button>
      </Space>
      <Modal
        open={resolving !== null}
        title={`处理差异：${resolving?.name ?? ''}`}
        okText="确认处理"
        cancelText="取消"
        onOk={resolve}
        onCancel={() => setResolving(null)}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="reason" label="处理说明" rules={[{ required: true, message: '请写明处理说明' }]}>
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

function RunView({ runId }: { runId: number }) {
  const { message } = App.useApp();
  const { user } = useSession();
  const [detail, setDetail] = useState<RunDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    get<RunDetail>(`/api/reconciliations/${runId}`)
      .then(setDetail)
      .catch((e) => setError(messageOf(e)));
  }, [runId]);
  useEffect(load, [load]);

  const refunds = async () => {
    try {
      const r = await post<{
        listed: number;
        refundsRequested: number;
        alreadyRequested: number;
        amountFen: number;
      }>(`/api/reconciliations/${runId}/refunds`);
      message.success(
        `退费清单 ${r.listed} 笔：新申请 ${r.refundsRequested} 笔（${yuan(r.amountFen)}），此前已申请 ${r.alreadyRequested} 笔`,
      );
    } catch (e) {
      message.error(messageOf(e));
    }
  };

  if (error) return <Alert type="error" showIcon message={error} />;
  if (!detail) return null;
  const { run } = detail;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card
        title={`对账批次 ${run.id}：${run.fileName}（截至 ${run.asOf}）`}
        size="small"
        extra={
          user && canUse(user.role, 'POST', '/api/reconciliations/:id/refunds') ? (
            <Button onClick={refunds}>生成退费申请</Button>
          ) : null
        }
      >
        <Table<ClassTotal>
          rowKey="class"
          size="small"
          pagination={false}
          dataSource={detail.classes}
          columns={[
            { title: '类别', dataIndex: 'name' },
            { title: '笔数', dataIndex: 'count' },
            { title: '税务实缴', render: (_, c) => yuan(c.taxFen) },
            { title: '差额', render: (_, c) => yuan(c.amountFen) },
          ]}
        />
      </Card>
      <Card title="按乡镇（街道）" size="small">
        <Table<TownshipTotal>
          rowKey="townshipCode"
          size="small"
          pagination={false}
          dataSource={detail.townships}
          columns={[
            { title: '乡镇（街道）', render: (_, t) => t.townshipName || t.townshipCode },
            { title: '一致', dataIndex: 'matched' },
            { title: '差异', dataIndex: 'differences' },
            { title: '应退', render: (_, t) => yuan(t.refundDueFen) },
            { title: '应补', render: (_, t) => yuan(t.owedFen) },
          ]}
        />
      </Card>
      <Differences runId={runId} classes={detail.classes} onChanged={load} />
    </Space>
  );
}

export function ReconciliationPage() {
  const { region, year, user } = useSession();
  const [form] = Form.useForm<{ region: string; year: string; asOf?: string }>();
  const [runs, setRuns] = useState<RunRecord[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const canUpload = user ? canUse(user.role, 'POST', '/api/reconciliations') : false;

  const loadRuns = useCallback(() => {
    get<RunRecord[]>('/api/reconciliations', { region, year })
      .then(setRuns)
      .catch((e) => setError(messageOf(e)));
  }, [region, year]);
  useEffect(loadRuns, [loadRuns]);
  useEffect(() => form.setFieldsValue({ region, year: String(year) }), [form, region, year]);

  const fields = useCallback(async () => {
    const v = await form.validateFields();
    return { region: v.region, year: String(v.year), asOf: v.asOf || undefined };
  }, [form]);

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      {canUpload && (
        <Card title="上传税务缴费明细对账">
          <Form form={form} layout="inline" style={{ rowGap: 12, marginBottom: 16 }}>
            <Form.Item
              name="region"
              label="地区"
              rules={[{ required: true, pattern: /^\d{6}$/, message: '请填写 6 位区县代码' }]}
            >
              <Input style={{ width: 120 }} />
            </Form.Item>
            <Form.Item name="year" label="年度" rules={[{ required: true, message: '请填写年度' }]}>
              <Input style={{ width: 90 }} />
            </Form.Item>
            <Form.Item
              name="asOf"
              label="对账日期"
              rules={[{ pattern: /^\d{4}-\d{2}-\d{2}$/, message: '格式为 YYYY-MM-DD' }]}
            >
              <Input style={{ width: 130 }} placeholder="默认今天" />
            </Form.Item>
          </Form>
          <UploadJob
            url="/api/reconciliations"
            fields={fields}
            buttonText="上传并对账"
            renderResult={(job) => <ReconcileResult job={job} />}
            onFinished={(job) => {
              loadRuns();
              const runId = job.result?.runId;
              if (typeof runId === 'number') setSelected(runId);
            }}
          />
        </Card>
      )}
      <Card title={`对账批次（${region} ${year} 年度）`}>
        {error && <Alert type="error" showIcon message={error} />}
        <Table<RunRecord>
          rowKey="id"
          size="small"
          dataSource={runs}
          pagination={{ pageSize: 10 }}
          onRow={(r) => ({ onClick: () => setSelected(r.id), style: { cursor: 'pointer' } })}
          rowClassName={(r) => (r.id === selected ? 'ant-table-row-selected' : '')}
          columns={[
            { title: '批次', dataIndex: 'id', width: 70 },
            { title: '文件', dataIndex: 'fileName' },
            { title: '对账日期', dataIndex: 'asOf' },
            { title: '读取', dataIndex: 'rowsRead' },
            { title: '一致', dataIndex: 'matched' },
            { title: '新差异', dataIndex: 'differencesNew' },
            { title: '遗留', dataIndex: 'differencesCarried' },
            { title: '应退', render: (_, r) => yuan(r.refundDueFen) },
            { title: '应补', render: (_, r) => yuan(r.owedFen) },
            { title: '时间', render: (_, r) => dateTime(r.startedAt) },
          ]}
        />
      </Card>
      {selected !== null && <RunView key={selected} runId={selected} />}
    </Space>
  );
}
