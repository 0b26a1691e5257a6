// 名单导入: upload a roster, a department list, a death list, past enrollments, the population base
// or the region codes; follow the import job; read its summary and download its rejected rows.
// A department submitter uploads only its own department's lists for its own county.
import { Alert, Card, Checkbox, Descriptions, Form, Input, InputNumber, Select, Space, Table } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { DEPARTMENT_NAMES, type Department } from '../../../src/identities/departments.js';
import { get, messageOf } from '../api';
import { dateTime, yuan } from '../format';
import { useSession } from '../session';
import { JobStatusTag, type JobView, ReportLink, UploadJob } from '../UploadJob';

const KINDS = {
  registry: '花名册',
  identities: '部门名单',
  events: '死亡名单/事件',
  enrollments: '历年参保',
  population: '人口基数',
  regions: '行政区划',
} as const;
type Kind = keyof typeof KINDS;
const DEPARTMENT_KINDS: Kind[] = ['identities', 'events'];
const JOB_KINDS = Object.keys(KINDS).map((k) => `import-${k}`);

const kindOfJob = (job: JobView) => KINDS[job.kind.replace(/^import-/, '') as Kind] ?? job.kind;

/** The counts of every kind's summary, in the order people read them. */
const SUMMARY_LABELS: [key: string, label: string][] = [
  ['rowsRead', '读取行数'],
  ['rows', '读取行数'],
  ['inserted', '新增'],
  ['added', '新增身份'],
  ['recorded', '新登记'],
  ['updated', '更新'],
  ['changed', '变更'],
  ['removed', '减少'],
  ['unchanged', '未变化'],
  ['alreadyRecorded', '已登记过'],
  ['householdsInserted', '新增家庭户'],
  ['householdsUpdated', '更新家庭户'],
  ['refundsCreated', '生成退费申请'],
  ['rejected', '未导入行数'],
  ['warnings', '警告'],
];

export function ImportSummary({ job }: { job: JobView }) {
  const r = job.result ?? {};
  const applied = r.applied === false || r.status === 'rejected' ? false : r.alreadyImported ? null : true;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {applied === false && (
        <Alert type="warning" showIcon message="有不合格的行，按“全部或全不”要求本次没有导入任何数据" />
      )}
      {applied === null && <Alert type="info" showIcon message="此文件之前已导入，本次未作任何改动" />}
      <Descriptions size="small" bordered column={4}>
        {SUMMARY_LABELS.filter(([k]) => typeof r[k] === 'number').map(([k, label]) => (
          <Descriptions.Item key={k} label={label}>
            {String(r[k])}
          </Descriptions.Item>
        ))}
        {typeof r.refundedFen === 'number' && r.refundedFen > 0 && (
          <Descriptions.Item label="退费金额">{yuan(r.refundedFen)}</Descriptions.Item>
        )}
      </Descriptions>
    </Space>
  );
}

function KindFields({ kind, department }: { kind: Kind; department: Department | null }) {
  const departments = (Object.entries(DEPARTMENT_NAMES) as [Department, string][]).filter(
    ([code]) => kind !== 'events' || code === 'health' || code === 'civil_affairs',
  );
  const allOrNothing = (
    <Form.Item name="allOrNothing" valuePropName="checked">
      <Checkbox>有任何一行不合格时整个文件都不导入</Checkbox>
    </Form.Item>
  );
  switch (kind) {
    case 'registry':
      return allOrNothing;
    case 'identities':
    case 'events':
      return (
        <>
          <Form.Item
            name="department"
            label="报送部门"
            rules={kind === 'identities' ? [{ required: true, message: '请选择报送部门' }] : []}
          >
            <Select
              style={{ width: 200 }}
              disabled={department !== null}
              allowClear={kind === 'events'}
              options={departments.map(([value, label]) => ({ value, label }))}
            />
          </Form.Item>
          <Form.Item
            name="county"
            label="区县代码"
            rules={[
              { required: kind === 'identities', message: '请填写区县代码' },
              { pattern: /^\d{6}$/, message: '区县代码为 6 位数字' },
            ]}
          >
            <Input style={{ width: 120 }} disabled={department !== null} />
          </Form.Item>
          {kind === 'identities' ? (
            <>
              <Form.Item name="kind" label="名单类型">
                <Select
                  style={{ width: 200 }}
                  allowClear
                  placeholder="按表头自动识别"
                  options={[
                    { value: 'snapshot', label: '全量名单' },
                    { value: 'changes', label: '增减名单' },
                  ]}
                />
              </Form.Item>
              <Form.Item
                name="asOf"
                label="名单日期"
                rules={[{ pattern: /^\d{4}-\d{2}-\d{2}$/, message: '格式为 YYYY-MM-DD' }]}
              >
                <Input style={{ width: 130 }} placeholder="默认今天" />
              </Form.Item>
            </>
          ) : (
            <Form.Item
              name="reportedOn"
              label="报送日期"
              rules={[{ pattern: /^\d{4}-\d{2}-\d{2}$/, message: '格式为 YYYY-MM-DD' }]}
            >
              <Input style={{ width: 130 }} placeholder="默认今天" />
            </Form.Item>
          )}
          {allOrNothing}
        </>
      );
    case 'enrollments':
      return (
        <>
          <Form.Item
            name="county"
            label="区县代码"
            rules={[
              { required: true, message: '请填写区县代码' },
              { pattern: /^\d{6}$/, message: '区县代码为 6 位数字' },
            ]}
          >
            <Input style={{ width: 120 }} />
          </Form.Item>
          {allOrNothing}
        </>
      );
    case 'population':
      return (
        <>
          <Form.Item name="year" label="年度" rules={[{ required: true, message: '请填写年度' }]}>
            <InputNumber min={2000} max={2100} />
          </Form.Item>
          <Form.Item name="source" label="数据来源">
            <Input style={{ width: 200 }} placeholder="默认文件名" />
          </Form.Item>
          <Form.Item name="strict" valuePropName="checked">
            <Checkbox>有任何一行不合格时整个文件都不导入</Checkbox>
          </Form.Item>
        </>
      );
    case 'regions':
      return (
        <Form.Item name="strict" valuePropName="checked">
          <Checkbox>有任何一行不合格时整个文件都不导入</Checkbox>
        </Form.Item>
      );
  }
}

function RecentImports({ version }: { version: number }) {
  const [jobs, setJobs] = useState<JobView[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void version;
    get<JobView[]>('/api/jobs', { kinds: JOB_KINDS.join(','), limit: 20 })
      .then(setJobs)
      .catch((e) => setError(messageOf(e)));
  }, [version]);
  return (
    <Card title="我最近的导入">
      {error && <Alert type="error" showIcon message={error} />}
      <Table<JobView>
        rowKey="id"
        size="small"
        dataSource={jobs}
        pagination={false}
        columns={[
          { title: '任务', dataIndex: 'id', width: 70 },
          { title: '类型', render: (_, j) => kindOfJob(j) },
          { title: '文件', render: (_, j) => String(j.params.fileName ?? '') },
          { title: '状态', render: (_, j) => <JobStatusTag job={j} /> },
          {
            title: '结果',
            render: (_, j) =>
              j.status === 'failed'
                ? j.error?.message
                : j.status === 'succeeded'
                  ? `读取 ${j.result?.rowsRead ?? j.result?.rows ?? 0} 行，未导入 ${j.result?.rejected ?? 0} 行`
                  : (j.progress ?? ''),
          },
          { title: '提交时间', render: (_, j) => dateTime(j.created_at) },
          { title: '问题报告', render: (_, j) => <ReportLink job={j} /> },
        ]}
      />
    </Card>
  );
}

export function ImportsPage() {
  const { user } = useSession();
  const department = user?.role === 'department' ? ((user.department as Department | null) ?? null) : null;
  // Death and other event lists come from 卫健 and 民政 only (the server refuses the rest).
  const kinds = (Object.keys(KINDS) as Kind[]).filter(
    (k) =>
      department === null ||
      (DEPARTMENT_KINDS.includes(k) &&
        (k !== 'events' || department === 'health' || department === 'civil_affairs')),
  );
  const [kind, setKind] = useState<Kind>(kinds[0]!);
  const [form] = Form.useForm();
  const [version, setVersion] = useState(0);

  useEffect(() => {
    form.resetFields();
    if (department !== null) form.setFieldsValue({ department, county: user?.scopeCode ?? undefined });
    else if (user?.scopeCode) form.setFieldsValue({ county: user.scopeCode.slice(0, 6) });
  }, [form, department, user?.scopeCode]);

  const fields = useCallback(async () => {
    const v = (await form.validateFields()) as Record<string, unknown>;
    const out: Record<string, string | undefined> = {};
    for (const [k, value] of Object.entries(v))
      if (value !== undefined && value !== null && value !== '') out[k] = String(value);
    return out;
  }, [form]);

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Card title="名单导入">
        <Form form={form} layout="inline" style={{ rowGap: 12, marginBottom: 16 }}>
          <Form.Item label="导入类型">
            <Select
              style={{ width: 180 }}
              value={kind}
              onChange={(k: Kind) => setKind(k)}
              options={kinds.map((k) => ({ value: k, label: KINDS[k] }))}
            />
          </Form.Item>
          <KindFields kind={kind} department={department} />
        </Form>
        <UploadJob
          key={kind}
          url={`/api/imports/${kind}`}
          fields={fields}
          buttonText={`上传并导入${KINDS[kind]}`}
          renderResult={(job) => <ImportSummary job={job} />}
          onFinished={() => setVersion((n) => n + 1)}
        />
      </Card>
      <RecentImports version={version} />
    </Space>
  );
}
