// 政策: the packs this installation applies, and for one pack its points (the same text as
// `canbao policy show`, every rule with its clause) and its printable 明白纸; below, two packs compared.
import { Alert, Button, Card, Space, Table, Tabs, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { get, messageOf } from '../api';
import { PolicyDiff } from './PolicyDiff';

interface Pack {
  id: string;
  region: string;
  regionName: string;
  year: number;
  hash: string;
  extends: string | null;
}

function Summary({ id }: { id: string }) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText(null);
    setError(null);
    fetch(`/api/policy/packs/${encodeURIComponent(id)}/summary`, { credentials: 'same-origin' })
      .then(async (r) => (r.ok ? setText(await r.text()) : setError(`无法读取政策要点（${r.status}）`)))
      .catch((e) => setError(messageOf(e)));
  }, [id]);
  if (error) return <Alert type="error" showIcon message={error} />;
  return (
    <pre style={{ whiteSpace: 'pre-wrap', fontSize: 13, background: '#fafafa', padding: 16 }}>
      {text ?? '读取中…'}
    </pre>
  );
}

function Leaflet({ id }: { id: string }) {
  const url = `/api/policy/packs/${encodeURIComponent(id)}/leaflet`;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space>
        <Button href={url} target="_blank">
          打开打印版
        </Button>
        <Button href={url} download={`明白纸-${id}.html`}>
          下载
        </Button>
      </Space>
      <iframe title="明白纸" src={url} style={{ width: '100%', height: 900, border: '1px solid #f0f0f0' }} />
    </Space>
  );
}

export function PolicyPage() {
  const [packs, setPacks] = useState<Pack[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    get<Pack[]>('/api/policy/packs')
      .then((all) => {
        setPacks(all);
        setSelected((s) => s ?? all.find((p) => /^\d{6}$/.test(p.region))?.id ?? null);
      })
      .catch((e) => setError(messageOf(e)));
  }, []);
  const current = packs.find((p) => p.id === selected);
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Card title="政策包">
        {error && <Alert type="error" showIcon message={error} />}
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={packs}
          rowSelection={{
            type: 'radio',
            selectedRowKeys: selected ? [selected] : [],
            onChange: (keys) => setSelected(String(keys[0])),
          }}
          onRow={(p) => ({ onClick: () => setSelected(p.id) })}
          columns={[
            { title: '编号', dataIndex: 'id' },
            { title: '地区', dataIndex: 'regionName' },
            { title: '年度', dataIndex: 'year' },
            { title: '继承', dataIndex: 'extends', render: (v: string | null) => v ?? '—' },
            {
              title: '内容指纹',
              dataIndex: 'hash',
              render: (v: string) => <Typography.Text code>{v.slice(0, 12)}</Typography.Text>,
            },
          ]}
        />
      </Card>
      {current && (
        <Card title={`${current.regionName} ${current.year} 年度`}>
          <Tabs
            items={[
              { key: 'summary', label: '政策要点', children: <Summary id={current.id} /> },
              { key: 'leaflet', label: '明白纸', children: <Leaflet id={current.id} /> },
            ]}
          />
        </Card>
      )}
      <PolicyDiff packs={packs} />
    </Space>
  );
}
