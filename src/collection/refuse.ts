// Who may enrol here at all: refusals shared by registration, payments and repairs.
import type { RegisteredPerson } from '../assessment/person-request.repository.js';
import { refuse } from '../policy/outcome.js';

export { refuse };

/** Only active residents outside the employee scheme and not insured elsewhere may enrol here. */
export function refuseIneligible(person: RegisteredPerson): void {
  if (person.status !== 'active')
    refuse(
      'inactive',
      'docNo',
      `${person.name} 已${person.status === 'deceased' ? '死亡' : '迁出'}，不能参保缴费`,
    );
  if (person.employeeInsurance)
    refuse('employee', 'docNo', `${person.name} 参加职工医保，不能同时参加居民医保`);
  if (person.insuredElsewhere)
    refuse(
      'elsewhere',
      'docNo',
      `${person.name} 已在其他统筹地区（${person.insuredElsewhere}）参保，不能重复参保`,
    );
}
