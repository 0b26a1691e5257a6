// One person in a drawer: 基本信息, 身份, 核定, 缴费, 参保记录, 事件 — all from one call to
// GET /api/persons/:id. Another area's person comes back as the API's 403 message.
import { Alert, Descriptions, Drawer, Spin, Table, Tabs, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { get, messageOf } from '../api';
import { yuan } from '../format';
import { navigate } from '../router';
import { useSession } from '../session';
import type { PersonDetail } from './person-types';

const SEX = { male: '男', female: '女' } as const;
const orDash = (v: string | number | null | undefined) =>
  v === null || v === undefined || v === '' ? '—' : v;

function BasicInfo({ p }: { p: PersonDetail }) {
  return (
    <>
      <Descriptions size="small" column={2} bordered>
        <Descriptions.Item label="姓名">{p.name}</Descriptions.Item>
        <Descriptions.Item label={p.docTypeName}>{p.docNo}</Descriptions.Item>
        <Descriptions.Item label="性别">{p.sex ? SEX[p.sex] : '—'}</Descriptions.Item>
        <Descriptions.Item label="出生日期">{orDash(p.birthDate)}</Descriptions.Item>
        <Descriptions.Item label="人员状态">{p.statusName}</Descriptions.Item>
        <Descriptions.Item label="联系电话">{orDash(p.phone)}</Descriptions.Item>
        <Descriptions.Item label="居住地">
          {p.townshipName ?? ''}
          {p.villageName ?? ''}（{p.villageCode}）
        </Descriptions.Item>
        <Descriptions.Item label="户籍地">{orDash(p.hukouRegion)}</Descriptions.Item>
        <Descriptions.Item label="户号">
          {p.household ? (
            <Typography.Link
              onClick={() => navigate(`/registry?key=${encodeURIComponent(p.household!.householdNo)}`)}
            >
              {p.household.householdNo}
            </Typography.Link>
          ) : (
            '—'
          )}
        </Descriptions.Item>
        <Descriptions.Item label="与户主关系">{orDash(p.relation)}</Descriptions.Item>
        <Descriptions.Item label="职工医保">{p.employeeInsurance ? '是' : '否'}</Descriptions.Item>
        <Descriptions.Item label="在外地参保">{orDash(p.insuredElsewhere)}</Descriptions.Item>
        <Descriptions.Item label="学生">
          {p.student ? `是${p.school ? `（${p.school}）` : ''}` : '否'}
        </Descriptions.Item>
      </Descriptions>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        家庭成员
      </Typography.Title>
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={p.members}
        columns={[
          { title: '姓名', dataIndex: 'name' },
          { title: '证件号码', dataIndex: 'docNo' },
          { title: '与户主关系', dataIndex: 'relation', render: orDash },
          { title: '状态', dataIndex: 'statusName' },
        ]}
      />
    </>
  );
}

function Assessments({ p }: { p: PersonDetail }) {
  return (
    <>
      <Table
        rowKey="year"
        size="small"
        pagination={false}
        dataSource={p.assessments}
        locale={{ emptyText: '尚未核定' }}
        columns={[
          { title: '年度', dataIndex: 'year' },
          {
            title: '结果',
            key: 'status',
            render: (_: unknown, a: PersonDetail['assessments'][number]) =>
              a.exclusionReasonName ? `${a.statusName}（${a.exclusionReasonName}）` : a.statusName,
          },
          { title: '资助身份', dataIndex: 'categoryName', render: orDash },
          { title: '缴费标准', dataIndex: 'standardFen', render: yuan },
          { title: '资助', dataIndex: 'subsidyFen', render: yuan },
          { title: '个人应缴', dataIndex: 'payableFen', render: yuan },
          { title: '资金来源', dataIndex: 'fundingSourceName', render: orDash },
          { title: '政策包', dataIndex: 'packId' },
        ]}
      />
      {p.explanation && (
        <>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {p.explanation.year} 年度核定说明（按 {p.explanation.asOf} 有效的身份）
          </Typography.Title>
          <pre data-testid="person-explanation" style={{ whiteSpace: 'pre-wrap', fontSize: 13 }}>
            {p.explanation.text}
          </pre>
        </>
      )}
    </>
  );
}

function tabs(p: PersonDetail) {
  return [
    { key: 'basic', label: '基本信息', children: <BasicInfo p={p} /> },
    {
      key: 'identities',
      label: '身份',
      children: (
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={p.identities}
          locale={{ emptyText: '没有身份记录' }}
          columns={[
            {
              title: '身份',
              key: 'category',
              render: (_: unknown, i: PersonDetail['identities'][number]) => (
                <>
                  {i.categoryName}
                  {i.grade ? `（${i.grade}级）` : ''}{' '}
                  {i.current ? <Tag color="green">现有</Tag> : <Tag>已结束</Tag>}
                </>
              ),
            },
            { title: '认定部门', dataIndex: 'departmentName' },
            { title: '起', dataIndex: 'validFrom' },
            { title: '止', dataIndex: 'validTo', render: (v: string | null) => v ?? '至今' },
            { title: '来源名单', dataIndex: 'fileName', render: orDash },
          ]}
        />
      ),
    },
    { key: 'assessments', label: '核定', children: <Assessments p={p} /> },
    {
      key: 'payments',
      label: '缴费',
      children: (
        <>
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={p.payments}
            locale={{ emptyText: '没有缴费记录' }}
            columns={[
              { title: '年度', dataIndex: 'year' },
              { title: '金额', dataIndex: 'amountFen', render: yuan },
              { title: '缴费日期', dataIndex: 'paidOn' },
              { title: '渠道', dataIndex: 'channelName' },
              { title: '单号', dataIndex: 'externalNo' },
              { title: '状态', dataIndex: 'statusName' },
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            退费
          </Typography.Title>
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={p.refunds}
            locale={{ emptyText: '没有退费' }}
            columns={[
              { title: '年度', dataIndex: 'year' },
              { title: '原因', dataIndex: 'reasonName' },
              { title: '金额', dataIndex: 'amountFen', render: yuan },
              { title: '申请日期', dataIndex: 'requestedOn' },
              { title: '状态', dataIndex: 'stateName' },
            ]}
          />
        </>
      ),
    },
    {
      key: 'enrollments',
      label: '参保记录',
      children: (
        <Table
          rowKey="year"
          size="small"
          pagination={false}
          dataSource={p.enrollments}
          locale={{ emptyText: '没有参保记录' }}
          columns={[
            { title: '年度', dataIndex: 'year' },
            { title: '状态', dataIndex: 'statusName' },
            { title: '参保日期', dataIndex: 'enrolledOn', render: orDash },
            {
              title: '待遇享受期',
              key: 'benefit',
              render: (_: unknown, e: PersonDetail['enrollments'][number]) =>
                e.benefitStart ? `${e.benefitStart} 至 ${e.benefitEnd ?? ''}` : '—',
            },
            { title: '等待期（天）', dataIndex: 'waitingDays' },
            {
              title: '终止',
              key: 'end',
              render: (_: unknown, e: PersonDetail['enrollments'][number]) =>
                e.endedOn ? `${e.endedOn} ${e.endReason ?? ''}` : '—',
            },
          ]}
        />
      ),
    },
    {
      key: 'events',
      label: '事件',
      children: (
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={p.events}
          locale={{ emptyText: '没有事件' }}
          columns={[
            { title: '日期', dataIndex: 'occurredOn' },
            { title: '事件', dataIndex: 'typeName' },
            { title: '来源', dataIndex: 'source' },
            { title: '备注', dataIndex: 'note', render: orDash },
          ]}
        />
      ),
    },
  ];
}

export function PersonDetailDrawer({ personId, onClose }: { personId: number | null; onClose: () => void }) {
  const { year } = useSession();
  const [person, setPerson] = useState<PersonDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (personId === null) return;
    setPerson(null);
    setError(null);
    get<PersonDetail>(`/api/persons/${personId}`, { year })
      .then(setPerson)
      .catch((e: unknown) => setError(messageOf(e)));
  }, [personId, year]);

  return (
    <Drawer
      open={personId !== null}
      onClose={onClose}
      size="large"
      title={person ? `${person.name}（${person.docNo}）` : '人员详情'}
    >
      {error && <Alert type="error" showIcon message={error} />}
      {!person && !error && <Spin />}
      {person && (
        <div data-testid="person-detail">
          <Tabs items={tabs(person)} />
        </div>
      )}
    </Drawer>
  );
}
