// A mid-campaign demo for the report tests: 朔州市 (140600, several counties) with a demo population,
// its 2025 assessment and `demo campaign` up to 2024-11-30.

import { assessRegion } from '../assessment/assess-region.service.js';
import type { DatabaseHandle } from '../db/connection.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { loadDemoPopulation } from '../registry/demo/load.js';
import { seedRegions } from '../registry/regions.service.js';
import { demoCampaign } from './demo-campaign.js';

export const REGION = '140600';
export const YEAR = 2025;
export const AS_OF = '2024-11-30';

export async function seedMidCampaign(h: DatabaseHandle, persons = 800): Promise<void> {
  await seedRegions(h.db);
  await loadDemoPopulation(h, { persons, seed: 'reports', counties: ['1406'] });
  await assessRegion(h, shippedPacks(), { region: REGION, year: YEAR, asOf: AS_OF });
  await demoCampaign(h, shippedPacks(), { region: REGION, year: YEAR, asOf: AS_OF, actor: 'test' });
}
