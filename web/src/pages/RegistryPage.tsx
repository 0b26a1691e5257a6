// 参保人员: find people by name or ID number and open one person (identities, assessments,
// payments, enrollment history, events), or look a whole household up with each member's status.
import { Space } from 'antd';
import { useState } from 'react';
import { HouseholdLookup } from '../registry/HouseholdLookup';
import { PersonDetailDrawer } from '../registry/PersonDetailDrawer';
import { PersonSearch } from '../registry/PersonSearch';

export function RegistryPage() {
  const [open, setOpen] = useState<number | null>(null);
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <PersonSearch onOpen={setOpen} />
      <HouseholdLookup onOpen={setOpen} />
      <PersonDetailDrawer personId={open} onClose={() => setOpen(null)} />
    </Space>
  );
}
