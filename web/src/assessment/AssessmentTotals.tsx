// The area's assessment as it stands (the state the latest run left): persons, assessed and
// excluded, the money, the subsidy by funding source and the reasons for exclusion; and the runs.
import { Card, Col, Descriptions, Empty, Row, Statistic, Table } from 'antd';
import { dateTime, yuan } from '../format';
import type { AssessmentRun, AssessmentRuns } from './assessment-types';

export function AssessmentTotals({ data }: { data: AssessmentRuns }) {
  const latest = data.runs[0];
  const t = data.current.totals;
  if (!latest && t.persons === 0) return <Empty description="本地区本年度尚未核定" />;
  return (
    <div data-testid="assessment-totals">
      {latest && (
        <Descriptions size="small" column={3} style={{ marginBottom: 16 }}>
          <Descriptions.Item label="最近一次核定">第 {latest.id} 次</Descriptions.Item>
          <Descriptions.Item label="完成时间">{dateTime(latest.finishedAt)}</Descriptions.Item>
          <Descriptions.Item label="政策包">{latest.packId}</Descriptions.Item>
          <Descriptions.Item label="身份截至">{latest.asOf}</Descriptions.Item>
          <Descriptions.Item label="新增">{latest.inserted} 人</Descriptions.Item>
          <Descriptions.Item label="结果有变化">{latest.changed} 人</Descriptions.Item>
        </Descriptions>
      )}
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={4}>
          <Statistic title="人员" value={t.persons} />
        </Col>
        <Col span={4}>
          <Statistic title="已核定" value={t.assessed} />
        </Col>
        <Col span={4}>
          <Statistic title="不参保及待核" value={t.excluded + t.review} />
        </Col>
        <Col span={4}>
          <Statistic title="缴费标准合计" value={yuan(t.standardFen)} />
        </Col>
        <Col span={4}>
          <Statistic title="资助合计" value={yuan(t.subsidyFen)} />
        </Col>
        <Col span={4}>
          <Statistic title="个人应缴合计" value={yuan(t.payableFen)} />
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={12}>
          <Card size="small" title="资助按资金来源">
            <Table
              rowKey="fundingSource"
              size="small"
              pagination={false}
              dataSource={data.current.bySource}
              locale={{ emptyText: '没有资助' }}
              columns={[
                { title: '资金来源', dataIndex: 'name' },
                { title: '人数', dataIndex: 'persons' },
                { title: '资助金额', dataIndex: 'subsidyFen', render: yuan },
              ]}
            />
          </Card>
        </Col>
        <Col span={12}>
          <Card size="small" title="不参保及待人工核定">
            <Table
              rowKey="reason"
              size="small"
              pagination={false}
              dataSource={data.current.exclusions}
              locale={{ emptyText: '无' }}
              columns={[
                { title: '原因', dataIndex: 'name' },
                { title: '人数', dataIndex: 'persons' },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <Card size="small" title="核定批次" style={{ marginTop: 16 }}>
        <Table
          rowKey="id"
          size="small"
          pagination={{ pageSize: 5 }}
          dataSource={data.runs}
          columns={[
            { title: '批次', dataIndex: 'id' },
            { title: '完成时间', dataIndex: 'finishedAt', render: (v: string | null) => dateTime(v) },
            { title: '操作人', dataIndex: 'startedBy', render: (v: string | null) => v ?? '—' },
            { title: '人员', dataIndex: 'persons' },
            { title: '新增', dataIndex: 'inserted' },
            { title: '变化', dataIndex: 'changed' },
            {
              title: '个人应缴合计',
              key: 'payable',
              render: (_: unknown, r: AssessmentRun) =>
                r.payableFen === undefined ? '—' : yuan(r.payableFen),
            },
          ]}
        />
      </Card>
    </div>
  );
}
