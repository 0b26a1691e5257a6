// The application shell: login (and the forced password change) before anything else, then the
// Ant Design back-office layout with the side menu for the user's role.
import { Button, Layout, Menu, type MenuProps, Result, Select, Space, Spin, Typography } from 'antd';
import { pagesFor } from './pages';
import { ChangePasswordPage } from './pages/ChangePasswordPage';
import { LoginPage } from './pages/LoginPage';
import { navigate, usePath } from './router';
import { useSession } from './session';

const { Header, Sider, Content } = Layout;

function RegionYearPicker() {
  const { user, packs, region, setRegion, year, setYear } = useSession();
  const years = [...new Set(packs.map((p) => p.year))].sort((a, b) => b - a);
  const counties = [...new Map(packs.map((p) => [p.region, p.regionName])).entries()];
  return (
    <Space>
      {user?.scopeCode ? (
        <Typography.Text type="secondary">管辖范围：{user.scopeCode}</Typography.Text>
      ) : (
        <Select
          aria-label="地区"
          style={{ width: 280 }}
          value={region}
          onChange={setRegion}
          options={[
            { value: '', label: '全部地区' },
            ...counties.map(([code, name]) => ({ value: code, label: `${name}（${code}）` })),
          ]}
        />
      )}
      <Select
        aria-label="参保年度"
        style={{ width: 120 }}
        value={year}
        onChange={setYear}
        options={(years.length ? years : [year]).map((y) => ({ value: y, label: `${y} 年度` }))}
      />
    </Space>
  );
}

export function App() {
  const { user, loading, logout } = useSession();
  const path = usePath();
  if (loading)
    return (
      <div style={{ display: 'grid', placeItems: 'center', height: '100vh' }}>
        <Spin size="large" />
      </div>
    );
  if (!user) return <LoginPage />;
  if (user.mustChangePassword) return <ChangePasswordPage forced />;

  const pages = pagesFor(user.role);
  const current = pages.find((p) => p.path === path);
  const items: MenuProps['items'] = [];
  for (const p of pages) {
    const item = { key: p.path, icon: p.icon, label: p.label };
    if (!p.group) {
      items.push(item);
      continue;
    }
    const group = items.find((i) => i?.key === p.group!.key) as { children: unknown[] } | undefined;
    if (group) group.children.push(item);
    else items.push({ key: p.group.key, icon: p.group.icon, label: p.group.label, children: [item] });
  }

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider width={200} theme="dark">
        <div style={{ color: '#fff', padding: '16px', fontWeight: 600, fontSize: 16 }}>城乡居民医保参保</div>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={[path]}
          defaultOpenKeys={['system']}
          items={items}
          onClick={(e) => navigate(e.key)}
        />
      </Sider>
      <Layout>
        <Header
          style={{
            background: '#fff',
            display: 'flex',
            justifyContent: 'space-between',
            alignItems: 'center',
          }}
        >
          <RegionYearPicker />
          <Space>
            <Typography.Text data-testid="current-user">
              {user.displayName}（{user.roleName}）
            </Typography.Text>
            <Button onClick={() => navigate('/password')}>修改密码</Button>
            <Button onClick={() => void logout().then(() => navigate('/'))}>退出登录</Button>
          </Space>
        </Header>
        <Content style={{ margin: 16 }}>
          {path === '/password' ? (
            <ChangePasswordPage />
          ) : current ? (
            current.render()
          ) : (
            <Result
              status="404"
              title="没有此页面"
              subTitle="页面不存在，或您的角色无权使用此页面。"
              extra={<Button onClick={() => navigate('/')}>返回首页</Button>}
            />
          )}
        </Content>
      </Layout>
    </Layout>
  );
}
