// What a household looks like: a weighted choice of the shapes rural Chinese households come in
// (single elderly, empty-nest couples, nuclear families, three generations, grandparents raising
// grandchildren), giving 1–6 members with a mean of about 3. The age pyramid of the whole
// population comes out of these shapes rather than being drawn person by person, so spouses,
// children and parents have ages that fit each other.
import { type Random, WeightedTable } from './prng.js';

export type Relation = 'head' | 'spouse' | 'son' | 'daughter' | 'parent' | 'grandchild';
export type Sex = 'male' | 'female';

/** The words a household register (户口簿) uses. */
export const RELATION_NAMES: Record<Relation, string> = {
  head: '户主',
  spouse: '配偶',
  son: '子',
  daughter: '女',
  parent: '父母',
  grandchild: '孙子女',
};

export interface MemberSpec {
  relation: Relation;
  sex: Sex;
  age: number;
}

type Shape = (random: Random) => MemberSpec[];

const other = (sex: Sex): Sex => (sex === 'male' ? 'female' : 'male');
const clampAge = (age: number): number => Math.max(0, Math.min(100, age));

/** Ages skewed towards the young end of [min, max] (older people are fewer). */
function skewedAge(random: Random, min: number, max: number, power = 1.6): number {
  return min + Math.floor((max - min + 1) * random.next() ** power);
}

function couple(random: Random, headAge: number): MemberSpec[] {
  const headSex: Sex = random.chance(0.86) ? 'male' : 'female';
  // Husbands are on average two or three years older than wives.
  const gap = random.int(-1, 5);
  const spouseAge = clampAge(headSex === 'male' ? headAge - gap : headAge + gap);
  return [
    { relation: 'head', sex: headSex, age: headAge },
    { relation: 'spouse', sex: other(headSex), age: Math.max(18, spouseAge) },
  ];
}

function children(random: Random, youngestParentAge: number, count: number): MemberSpec[] {
  const out: MemberSpec[] = [];
  let age = youngestParentAge - random.int(21, 31);
  if (age < 0) age = random.int(0, 2);
  for (let i = 0; i < count; i++) {
    const sex: Sex = random.chance(0.52) ? 'male' : 'female';
    out.push({ relation: sex === 'male' ? 'son' : 'daughter', sex, age });
    const next = age - random.int(1, 7);
    age = next >= 0 ? next : random.int(0, age);
  }
  return out;
}

function parents(random: Random, headAge: number, count: 1 | 2): MemberSpec[] {
  const fatherAge = headAge + random.int(24, 34);
  const motherAge = fatherAge - random.int(0, 4);
  const out: MemberSpec[] = [];
  // Widowed parents living with a child are mostly mothers.
  if (count === 2 || random.chance(0.35)) {
    if (fatherAge <= 98) out.push({ relation: 'parent', sex: 'male', age: fatherAge });
  }
  if ((count === 2 || out.length === 0) && motherAge <= 100)
    out.push({ relation: 'parent', sex: 'female', age: motherAge });
  return out;
}

function family(
  random: Random,
  headMin: number,
  headMax: number,
  kids: number,
  elders: 0 | 1 | 2,
): MemberSpec[] {
  const members = couple(random, random.int(headMin, headMax));
  const youngest = Math.min(members[0]!.age, members[1]!.age);
  members.push(...children(random, youngest, kids));
  if (elders !== 0) members.push(...parents(random, members[0]!.age, elders));
  return members;
}

const SHAPES: readonly (readonly [Shape, number])[] = [
  // 独居老人
  [(r) => [{ relation: 'head', sex: r.chance(0.58) ? 'female' : 'male', age: skewedAge(r, 60, 97) }], 8],
  // 单身成年人 (rural bachelors are mostly men)
  [(r) => [{ relation: 'head', sex: r.chance(0.7) ? 'male' : 'female', age: r.int(20, 59) }], 6],
  // 老年夫妻（空巢）
  [(r) => couple(r, skewedAge(r, 60, 92)), 12],
  // 夫妻二人（新婚或子女已分户）
  [(r) => couple(r, r.chance(0.5) ? r.int(22, 32) : r.int(45, 59)), 6],
  // 单亲家庭
  [
    (r) => {
      const age = r.int(28, 55);
      return [
        { relation: 'head', sex: r.chance(0.6) ? 'female' : 'male', age },
        ...children(r, age, r.chance(0.8) ? 1 : 2),
      ];
    },
    4,
  ],
  [(r) => family(r, 24, 62, 1, 0), 18],
  [(r) => family(r, 27, 60, 2, 0), 16],
  [(r) => family(r, 32, 58, 3, 0), 3],
  [(r) => family(r, 26, 52, 1, 1), 6],
  [(r) => family(r, 26, 50, 1, 2), 5],
  [(r) => family(r, 28, 52, 2, 1), 5],
  [(r) => family(r, 28, 50, 2, 2), 4],
  // 隔代家庭：祖父母带孙辈（父母外出务工，户口另立或已迁出）
  [
    (r) => {
      const members = couple(r, r.int(55, 78));
      if (r.chance(0.25)) members.pop(); // one grandparent alone
      const n = r.chance(0.6) ? 1 : 2;
      for (let i = 0; i < n; i++) {
        const sex: Sex = r.chance(0.52) ? 'male' : 'female';
        members.push({ relation: 'grandchild', sex, age: r.int(0, 16) });
      }
      return members;
    },
    4,
  ],
];

const shapeTable = new WeightedTable(SHAPES);

/** One household's members, head first; never more than 6. */
export function drawHousehold(random: Random): MemberSpec[] {
  return shapeTable.pick(random)(random).slice(0, 6);
}
