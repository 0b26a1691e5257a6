// Whose answer the latest run changed, compared with the run before: old and new amount and
// identity, in pages of 20.
import { Table } from 'antd';
import { useEffect, useState } from 'react';
import { get, messageOf } from '../api';
import { yuan } from '../format';
import type { AssessmentChangeRow, AssessmentChanges } from './assessment-types';

const PAGE = 20;

export function AssessmentChangesTable({
  region,
  year,
  version,
}: {
  region: string;
  year: number;
  version: number;
}) {
  const [page, setPage] = useState(1);
  const [data, setData] = useState<AssessmentChanges | null>(null);
  const [error, setError] = useState<string | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new run (version) starts again at page 1
  useEffect(() => setPage(1), [region, year, version]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new run (version) reloads the same page
  useEffect(() => {
    get<AssessmentChanges>('/api/assessments/ledger', {
      region,
      year,
      changed: true,
      limit: PAGE,
      offset: (page - 1) * PAGE,
    })
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((e: unknown) => setError(messageOf(e)));
  }, [region, year, page, version]);

  const amount = (status: string, fen: number) => (status === 'assessed' ? yuan(fen) : '—');
  return (
    <Table
      data-testid="assessment-changes"
      rowKey="personId"
      size="small"
      dataSource={data?.items ?? []}
      locale={{ emptyText: error ?? '最近一次核定与上一次相比没有变化' }}
      pagination={{ current: page, pageSize: PAGE, total: data?.total ?? 0, onChange: setPage }}
      columns={[
        { title: '姓名', dataIndex: 'name' },
        { title: '证件号码', dataIndex: 'docNo' },
        {
          title: '原结果',
          key: 'old',
          render: (_: unknown, c: AssessmentChangeRow) =>
            `${c.oldStatusName} ${amount(c.oldStatus, c.oldPayableFen)} ${c.oldCategoryName ?? ''}`,
        },
        {
          title: '现结果',
          key: 'new',
          render: (_: unknown, c: AssessmentChangeRow) =>
            `${c.newStatusName} ${amount(c.newStatus, c.newPayableFen)} ${c.newCategoryName ?? ''}`,
        },
      ]}
    />
  );
}
