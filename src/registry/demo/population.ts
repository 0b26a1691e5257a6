// The demo population: a lazy, deterministic stream of households (and so of persons and of
// identities) across the seed jurisdictions. Nothing is kept per person: what must be
// remembered for uniqueness (ID sequence numbers, birth certificate and household counters) is
// a fixed-size table per county, so 5,000,000 people need no more memory than 5,000.
import { civilFromDays, daysFromIso, isoFromDays } from './calendar.js';
import type { Sex } from './households.js';
import { drawHousehold } from './households.js';
import { drawIdentities } from './identities.js';
import type { DemoHousehold, DemoIdentity, DemoPerson, DemoStudent, PersonStatus } from './model.js';
import { pickGivenName, pickSurname } from './names.js';
import { apportion, Random } from './prng.js';
import type { DemoCounty, DemoVillage, RegionRow } from './regions.js';
import { loadDemoCounties, readRegionRows } from './regions.js';
import { birthCertificateNumber, ResidentIdAllocator } from './resident-ids.js';

export interface PopulationOptions {
  persons: number;
  seed: string | number;
  /** County codes or prefixes ('1406' = the six counties of 朔州市); all five seeds when absent. */
  counties?: readonly string[];
  /** The day the register is drawn up (ages, newborns, certification dates); default 2024-11-30. */
  asOf?: string;
  /** The regions seed rows; read from src/registry/data/regions-seed.csv when absent. */
  regions?: readonly RegionRow[];
}

export const DEFAULT_AS_OF = '2024-11-30';

const PHONE_PREFIXES = [
  '130',
  '131',
  '132',
  '133',
  '134',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '153',
  '155',
  '156',
  '157',
  '158',
  '159',
  '180',
  '181',
  '182',
  '183',
  '184',
  '185',
  '186',
  '187',
  '188',
  '189',
];

const COLLEGES = [
  '河北师范大学',
  '燕山大学',
  '承德医学院',
  '湖南大学',
  '邵阳学院',
  '湖南师范大学',
  '四川大学',
  '西南交通大学',
  '成都理工大学',
  '山西大学',
  '太原理工大学',
  '朔州职业技术学院',
  '河北大学',
  '保定学院',
  '石家庄铁道大学',
  '内江师范学院',
  '湖南科技学院',
  '长沙民政职业技术学院',
];

function phone(random: Random): string {
  return random.pick(PHONE_PREFIXES) + String(random.int(0, 99_999_999)).padStart(8, '0');
}

/** 高阳县锦华街道 → 锦华, 天池镇 → 天池: what a school is named after. */
function shortPlace(name: string, countyName: string): string {
  const own =
    name.startsWith(countyName) && name.length > countyName.length ? name.slice(countyName.length) : name;
  return own.replace(/(街道办事处|街道|镇|乡|办事处)$/, '');
}

function school(random: Random, age: number, village: DemoVillage, county: DemoCounty): string {
  const town = shortPlace(village.townshipName, county.name);
  if (age <= 11) return `${town}中心小学`;
  if (age <= 14) return random.chance(0.7) ? `${town}中学` : `${county.name}第二中学`;
  return random.chance(0.7) ? `${county.name}第一中学` : `${county.name}职业中学`;
}

interface CountyState {
  ids: ResidentIdAllocator;
  birthCertificates: number;
  /** Persons still to place in the county and in the current village (negative: overshoot). */
  countyLeft: number;
  villageLeft: number;
}

function* villageHouseholds(
  county: DemoCounty,
  village: DemoVillage,
  seed: string,
  asOfDay: number,
  state: CountyState,
): Generator<DemoHousehold> {
  const random = new Random(`${seed}:${village.code}`);
  // Whole households until the village's share is reached; the county's remainder bounds the
  // last one, so only the county's very last household can be cut short.
  let householdSeq = 0;
  while (state.villageLeft > 0 && state.countyLeft > 0) {
    const specs = drawHousehold(random).slice(0, state.countyLeft);
    state.villageLeft -= specs.length;
    state.countyLeft -= specs.length;
    householdSeq++;
    const householdNumber = `${village.code}${String(householdSeq).padStart(4, '0')}`;
    const surname = pickSurname(random);
    // Children carry their father's surname: the head's, or the spouse's when the head is the
    // mother; the head's father shares the head's surname.
    const spouseSpec = specs.find((m) => m.relation === 'spouse');
    const headIsMale = specs[0]?.sex === 'male';
    const spouseSurname = spouseSpec ? pickSurname(random) : surname;
    const fatherLine = headIsMale || !spouseSpec ? surname : spouseSurname;
    const members: DemoPerson[] = [];
    const ages: number[] = [];
    const birthDays: number[] = [];
    for (const spec of specs) {
      let familyName: string;
      if (spec.relation === 'head') familyName = surname;
      else if (spec.relation === 'spouse') familyName = spouseSurname;
      else if (spec.relation === 'parent') familyName = spec.sex === 'male' ? surname : pickSurname(random);
      else familyName = random.chance(0.97) ? fatherLine : pickSurname(random);
      let birthDay = asOfDay - Math.floor(spec.age * 365.2425) - random.int(0, 364);
      if (birthDay > asOfDay) birthDay = asOfDay;
      const daysOld = asOfDay - birthDay;
      // Newborns of the last weeks often have only their birth certificate so far.
      const noIdYet = daysOld < 60 ? random.chance(0.7) : daysOld < 180 ? random.chance(0.15) : false;
      let idNumber: string;
      let docType: DemoPerson['docType'];
      if (noIdYet) {
        state.birthCertificates++;
        idNumber = birthCertificateNumber(county.code, state.birthCertificates);
        docType = 'birth_certificate';
      } else {
        const allocated = state.ids.allocate(birthDay, spec.sex);
        idNumber = allocated.id;
        birthDay = allocated.birthDay;
        docType = 'resident_id';
      }
      const age = Math.floor((asOfDay - birthDay) / 365.2425);
      const birthYear = civilFromDays(birthDay)[0];
      const name = familyName + pickGivenName(random, spec.sex, birthYear);

      let student: DemoStudent | null = null;
      let schoolName: string | null = null;
      if (age >= 6 && age <= 17 && random.chance(0.97)) {
        student = 'school';
        schoolName = school(random, age, village, county);
      } else if (age >= 18 && age <= 22 && random.chance(0.45)) {
        student = age <= 19 && random.chance(0.45) ? 'college_freshman' : 'college';
        schoolName = random.pick(COLLEGES);
      }

      let status: PersonStatus = 'active';
      let statusDate: string | null = null;
      const deathRate = age >= 85 ? 0.06 : age >= 75 ? 0.025 : age >= 60 ? 0.006 : 0.0004;
      if (random.chance(deathRate)) status = 'deceased';
      else if (age >= 18 && age <= 40 && random.chance(0.012)) status = 'moved_out';
      if (status !== 'active')
        statusDate = isoFromDays(random.int(Math.max(birthDay, asOfDay - 300), asOfDay));

      // 职工医保: working-age people with a job, more in town; some retirees in town.
      const working = age >= 20 && age < 60 && student === null;
      const employeeRate = working
        ? village.rural
          ? 0.12
          : 0.3
        : age >= 60
          ? village.rural
            ? 0.03
            : 0.2
          : 0;
      const employeeInsurance = random.chance(employeeRate);

      const phoneRate = age < 16 ? 0 : age < 18 ? 0.3 : age < 60 ? 0.92 : age < 75 ? 0.65 : 0.35;
      const sex: Sex = spec.sex;
      members.push({
        idNumber,
        docType,
        name,
        sex,
        birthDate: isoFromDays(birthDay),
        countyCode: county.code,
        countyName: county.name,
        townshipCode: village.townshipCode,
        townshipName: village.townshipName,
        villageCode: village.code,
        villageName: village.name,
        householdNumber,
        relation: spec.relation,
        phone: status === 'active' && random.chance(phoneRate) ? phone(random) : null,
        status,
        statusDate,
        employeeInsurance,
        student,
        school: schoolName,
      });
      ages.push(age);
      birthDays.push(birthDay);
    }
    const identities = drawIdentities(random, members, {
      rural: village.rural,
      povertyFactor: county.povertyFactor,
      asOfDay,
      ages,
      birthDays,
    });
    yield { householdNumber, countyCode: county.code, villageCode: village.code, members, identities };
  }
}

/** Counties that will be generated, with how many persons each gets. */
export function planCounties(options: PopulationOptions): { county: DemoCounty; persons: number }[] {
  if (!Number.isInteger(options.persons) || options.persons < 0)
    throw new RangeError(`人数应为非负整数：${options.persons}`);
  const counties = loadDemoCounties(options.regions ?? readRegionRows(), options.counties);
  const quotas = apportion(
    options.persons,
    counties.map((c) => c.weight),
  );
  return counties.map((county, i) => ({ county, persons: quotas[i]! }));
}

/** Households one by one, county by county, village by village (the order of a 花名册). */
export function* generateHouseholds(options: PopulationOptions): Generator<DemoHousehold> {
  const asOfDay = daysFromIso(options.asOf ?? DEFAULT_AS_OF);
  const seed = String(options.seed);
  for (const { county, persons } of planCounties(options)) {
    if (persons === 0) continue;
    const state: CountyState = {
      ids: new ResidentIdAllocator(county.code, asOfDay),
      birthCertificates: 0,
      countyLeft: persons,
      villageLeft: 0,
    };
    const quotas = apportion(
      persons,
      county.villages.map((v) => v.weight),
    );
    for (let i = 0; i < county.villages.length; i++) {
      // The last village takes whatever is left, so the county total is exact.
      state.villageLeft =
        i === county.villages.length - 1 ? state.countyLeft : state.villageLeft + quotas[i]!;
      if (state.villageLeft > 0) yield* villageHouseholds(county, county.villages[i]!, seed, asOfDay, state);
    }
  }
}

/** Exactly `persons` people, lazily. */
export function* generatePopulation(options: PopulationOptions): Generator<DemoPerson> {
  for (const household of generateHouseholds(options)) yield* household.members;
}

/** The identities of the same people (same options → same people → matching ID numbers). */
export function* generateIdentities(options: PopulationOptions): Generator<DemoIdentity> {
  for (const household of generateHouseholds(options)) yield* household.identities;
}
