// 修改密码: forced after the first login or a reset (the API refuses everything else until then).
import { Alert, App, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { messageOf, post } from '../api';
import { navigate } from '../router';
import { useSession } from '../session';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

export function ChangePasswordPage({ forced = false }: { forced?: boolean }) {
  const { refresh, logout } = useSession();
  const { message } = App.useApp();
  const [error, setError] = useState<string | null>(null);

  const submit = async (v: Values) => {
    setError(null);
    try {
      await post('/api/auth/password', { currentPassword: v.currentPassword, newPassword: v.newPassword });
      message.success('密码已修改');
      await refresh();
      navigate('/');
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const card = (
    <Card style={{ width: 420 }}>
      <Typography.Title level={4}>修改密码</Typography.Title>
      {forced && (
        <Alert
          type="warning"
          showIcon
          message="首次登录或密码被重置，请先修改密码"
          style={{ marginBottom: 16 }}
        />
      )}
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Form layout="vertical" onFinish={submit}>
        <Form.Item
          label="当前密码"
          name="currentPassword"
          rules={[{ required: true, message: '请输入当前密码' }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          label="新密码"
          name="newPassword"
          rules={[
            { required: true, message: '请输入新密码' },
            { min: 8, message: '密码至少 8 位' },
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          label="确认新密码"
          name="confirm"
          dependencies={['newPassword']}
          rules={[
            { required: true, message: '请再次输入新密码' },
            ({ getFieldValue }) => ({
              validator: (_, value) =>
                value === getFieldValue('newPassword')
                  ? Promise.resolve()
                  : Promise.reject(new Error('两次输入的新密码不一致')),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block>
          确认修改
        </Button>
        {forced && (
          <Button type="link" block onClick={() => void logout()}>
            退出登录
          </Button>
        )}
      </Form>
    </Card>
  );
  return forced ? (
    <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f0f2f5' }}>
      {card}
    </div>
  ) : (
    card
  );
}
