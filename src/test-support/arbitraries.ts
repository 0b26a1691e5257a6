// Random identities for property and agreement tests: any category with any attributes, so the
// rules' attribute conditions (grades, kinds, formerlyPoor, riskEliminated) are all exercised.
import fc from 'fast-check';
import type { Identity } from '../policy/request.schema.js';
import { DISABILITY_KINDS, IDENTITY_CODES } from '../policy/vocabulary.js';

export const identityArb: fc.Arbitrary<Identity> = fc.record(
  {
    category: fc.constantFrom(...IDENTITY_CODES),
    grade: fc.integer({ min: 1, max: 4 }),
    kind: fc.constantFrom(...DISABILITY_KINDS),
    formerlyPoor: fc.boolean(),
    riskEliminated: fc.boolean(),
  },
  { requiredKeys: ['category'] },
);
