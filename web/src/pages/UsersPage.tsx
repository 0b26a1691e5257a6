// 用户管理 (administrators): the accounts, a new account (who must change the password at first
// login), and unlocking an account locked after repeated wrong passwords.
import { Alert, App, Button, Card, Form, Input, Select, Space, Table, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { ROLE_NAMES, ROLES, type Role, SCOPE_LENGTH, SCOPED_ROLES } from '../../../src/auth/roles.js';
import { DEPARTMENT_NAMES } from '../../../src/identities/departments.js';
import { get, messageOf, post } from '../api';
import type { SessionUser } from '../session';

type UserRow = SessionUser & { locked: boolean; disabled: boolean };

interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  scopeCode?: string;
  department?: string;
  password: string;
}

const SCOPE_HINT: Record<number, string> = {
  6: '区县代码（6位）',
  9: '乡镇代码（9位）',
  12: '村（社区）代码（12位）',
};

export function UsersPage() {
  const { message } = App.useApp();
  const [form] = Form.useForm<NewUser>();
  const role = Form.useWatch('role', form);
  const [rows, setRows] = useState<UserRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setRows(await get<UserRow[]>('/api/users'));
    } catch (e) {
      setError(messageOf(e));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const add = async (v: NewUser) => {
    setFormError(null);
    try {
      const body = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== ''));
      await post('/api/users', body);
      message.success(`已新增用户 ${v.username}，首次登录须修改密码`);
      form.resetFields();
      await load();
    } catch (e) {
      setFormError(messageOf(e));
    }
  };

  const unlock = async (username: string) => {
    try {
      await post(`/api/users/${encodeURIComponent(username)}/unlock`);
      message.success(`已解除 ${username} 的锁定`);
      await load();
    } catch (e) {
      message.error(messageOf(e));
    }
  };

  const scopeLengths = role ? SCOPE_LENGTH[role] : undefined;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Card title="新增用户">
        <Form form={form} layout="inline" onFinish={add} style={{ rowGap: 12 }}>
          <Form.Item name="username" label="用户名" rules={[{ required: true, message: '请输入用户名' }]}>
            <Input style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="displayName" label="姓名" rules={[{ required: true, message: '请输入姓名' }]}>
            <Input style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="role" label="角色" rules={[{ required: true, message: '请选择角色' }]}>
            <Select style={{ width: 200 }} options={ROLES.map((r) => ({ value: r, label: ROLE_NAMES[r] }))} />
          </Form.Item>
          {role && SCOPED_ROLES.includes(role) && (
            <Form.Item
              name="scopeCode"
              label="管辖范围"
              rules={[{ required: true, message: '此角色须填写管辖地区代码' }]}
            >
              <Input
                style={{ width: 200 }}
                placeholder={scopeLengths?.map((n) => SCOPE_HINT[n]).join('或')}
              />
            </Form.Item>
          )}
          {role === 'department' && (
            <Form.Item name="department" label="部门" rules={[{ required: true, message: '请选择报送部门' }]}>
              <Select
                style={{ width: 200 }}
                options={Object.entries(DEPARTMENT_NAMES).map(([value, label]) => ({ value, label }))}
              />
            </Form.Item>
          )}
          <Form.Item
            name="password"
            label="初始密码"
            rules={[{ required: true, min: 8, message: '密码至少 8 位' }]}
          >
            <Input.Password style={{ width: 160 }} autoComplete="new-password" />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit">
              新增
            </Button>
          </Form.Item>
        </Form>
        {formError && <Alert type="error" showIcon message={formError} style={{ marginTop: 16 }} />}
      </Card>
      <Card title="用户列表">
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
        <Table
          rowKey="id"
          size="small"
          dataSource={rows}
          pagination={false}
          columns={[
            { title: '用户名', dataIndex: 'username' },
            { title: '姓名', dataIndex: 'displayName' },
            { title: '角色', dataIndex: 'roleName' },
            { title: '管辖范围', dataIndex: 'scopeCode', render: (v: string | null) => v ?? '全部' },
            {
              title: '部门',
              dataIndex: 'department',
              render: (v: string | null) =>
                v ? ((DEPARTMENT_NAMES as Record<string, string>)[v] ?? v) : '—',
            },
            {
              title: '状态',
              key: 'state',
              render: (_: unknown, u: UserRow) => (
                <Space>
                  {u.disabled && <Tag>已停用</Tag>}
                  {u.locked && <Tag color="red">已锁定</Tag>}
                  {u.mustChangePassword && <Tag color="orange">待修改密码</Tag>}
                  {!u.disabled && !u.locked && !u.mustChangePassword && <Tag color="green">正常</Tag>}
                </Space>
              ),
            },
            {
              title: '操作',
              key: 'act',
              render: (_: unknown, u: UserRow) =>
                u.locked ? (
                  <Button size="small" onClick={() => void unlock(u.username)}>
                    解除锁定
                  </Button>
                ) : null,
            },
          ]}
        />
      </Card>
    </Space>
  );
}
