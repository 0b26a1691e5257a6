// The rows the demo generator yields: persons (one row of a county's 花名册) and the identities
// the departments certify (one row of a department's list).
import type { Department } from '../../identities/departments.js';
import type { IdentityCode } from '../../policy/vocabulary.js';
import type { Relation, Sex } from './households.js';

export type PersonStatus = 'active' | 'deceased' | 'moved_out';
export const PERSON_STATUS_NAMES: Record<PersonStatus, string> = {
  active: '正常',
  deceased: '死亡',
  moved_out: '迁出',
};

/** school: primary and secondary pupils; college: 大中专; college_freshman: entered this autumn. */
export type DemoStudent = 'school' | 'college' | 'college_freshman';

export interface DemoPerson {
  /** 18-digit resident ID, or the birth certificate number of a newborn not yet given one. */
  idNumber: string;
  docType: 'resident_id' | 'birth_certificate';
  name: string;
  sex: Sex;
  birthDate: string;
  countyCode: string;
  countyName: string;
  townshipCode: string;
  townshipName: string;
  villageCode: string;
  villageName: string;
  householdNumber: string;
  relation: Relation;
  phone: string | null;
  status: PersonStatus;
  /** When the person died or moved out. */
  statusDate: string | null;
  employeeInsurance: boolean;
  student: DemoStudent | null;
  school: string | null;
}

/** Which department certifies which identity (DOMAIN.md's vocabulary table). */
export const DEPARTMENT_OF: Partial<Record<IdentityCode, Department>> = {
  tekun: 'civil_affairs',
  dibao: 'civil_affairs',
  dibao_edge: 'civil_affairs',
  orphan: 'civil_affairs',
  unsupported_child: 'civil_affairs',
  returned_to_poverty: 'agriculture',
  unstable_out_of_poverty: 'agriculture',
  edge_poverty: 'agriculture',
  sudden_hardship: 'agriculture',
  out_of_poverty: 'agriculture',
  disability: 'disability_federation',
  priority_care: 'veterans_affairs',
};

export interface DemoIdentityAttributes {
  grade?: 1 | 2 | 3 | 4;
  kind?: 'physical' | 'visual' | 'hearing' | 'speech' | 'intellectual' | 'mental' | 'multiple';
  riskEliminated?: boolean;
  formerlyPoor?: boolean;
}

export interface DemoIdentity {
  idNumber: string;
  name: string;
  countyCode: string;
  villageCode: string;
  category: IdentityCode;
  attributes: DemoIdentityAttributes;
  department: Department;
  validFrom: string;
}

export interface DemoHousehold {
  householdNumber: string;
  countyCode: string;
  villageCode: string;
  members: DemoPerson[];
  identities: DemoIdentity[];
}
