// Chinese names: surnames by their national frequency (percent of the population, after the
// Ministry of Public Security's 2020 name report, rounded), given names by sex and by the
// generation people were born in, because a 1950s 桂英 and a 2015 梓涵 look different.
import { type Random, WeightedTable } from './prng.js';

const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 7.1],
  ['李', 7.0],
  ['张', 6.7],
  ['刘', 5.4],
  ['陈', 4.6],
  ['杨', 3.1],
  ['黄', 2.5],
  ['赵', 2.3],
  ['吴', 2.0],
  ['周', 1.9],
  ['徐', 1.6],
  ['孙', 1.5],
  ['马', 1.4],
  ['朱', 1.3],
  ['胡', 1.3],
  ['郭', 1.2],
  ['何', 1.2],
  ['林', 1.1],
  ['高', 1.1],
  ['罗', 1.0],
  ['郑', 1.0],
  ['梁', 0.9],
  ['谢', 0.8],
  ['宋', 0.8],
  ['唐', 0.8],
  ['许', 0.7],
  ['韩', 0.7],
  ['邓', 0.7],
  ['冯', 0.7],
  ['曹', 0.6],
  ['彭', 0.6],
  ['曾', 0.6],
  ['肖', 0.6],
  ['田', 0.6],
  ['董', 0.5],
  ['潘', 0.5],
  ['袁', 0.5],
  ['蔡', 0.5],
  ['蒋', 0.5],
  ['余', 0.5],
  ['于', 0.5],
  ['杜', 0.5],
  ['叶', 0.5],
  ['程', 0.4],
  ['魏', 0.4],
  ['苏', 0.4],
  ['吕', 0.4],
  ['丁', 0.4],
  ['任', 0.4],
  ['卢', 0.4],
  ['姚', 0.4],
  ['沈', 0.4],
  ['钟', 0.4],
  ['姜', 0.4],
  ['崔', 0.4],
  ['谭', 0.4],
  ['陆', 0.3],
  ['范', 0.3],
  ['汪', 0.3],
  ['廖', 0.3],
  ['石', 0.3],
  ['金', 0.3],
  ['韦', 0.3],
  ['贾', 0.3],
  ['夏', 0.3],
  ['付', 0.3],
  ['方', 0.3],
  ['邹', 0.3],
  ['熊', 0.3],
  ['白', 0.3],
  ['孟', 0.3],
  ['秦', 0.3],
  ['邱', 0.3],
  ['侯', 0.3],
  ['江', 0.3],
  ['尹', 0.3],
  ['薛', 0.2],
  ['闫', 0.2],
  ['段', 0.2],
  ['雷', 0.2],
  ['龙', 0.2],
  ['黎', 0.2],
  ['史', 0.2],
  ['陶', 0.2],
  ['贺', 0.2],
  ['毛', 0.2],
  ['郝', 0.2],
  ['顾', 0.2],
  ['龚', 0.2],
  ['邵', 0.2],
  ['万', 0.2],
  ['武', 0.2],
  ['钱', 0.2],
  ['戴', 0.2],
  ['严', 0.2],
  ['孔', 0.2],
  ['向', 0.2],
  ['常', 0.2],
  ['牛', 0.15],
  ['乔', 0.15],
  ['申', 0.1],
  ['岳', 0.1],
  ['樊', 0.1],
  ['康', 0.1],
  ['欧阳', 0.03],
  ['司马', 0.01],
  ['诸葛', 0.005],
  ['上官', 0.005],
];

type Era = 'old' | 'middle' | 'young';
interface Pools {
  first: readonly string[];
  second: readonly string[];
}

const split = (s: string): string[] => [...s];

const GIVEN: Record<'male' | 'female', Record<Era, Pools>> = {
  male: {
    old: {
      first: split('国建志军明华平德福贵有文永春海林成长金保树振庆山'),
      second: split('强华明军国民林生才富荣发忠良山祥顺贵'),
    },
    middle: {
      first: split('伟勇建小志海永晓立红俊新文春宏'),
      second: split('伟勇磊涛斌波杰鹏超浩亮辉刚健峰军龙东旭阳飞'),
    },
    young: {
      first: split('子梓浩宇俊博文一泽晨铭奕皓嘉恒天佳'),
      second: split('轩睿博宇航宸诺逸然杰辰阳泽涵铭豪鑫'),
    },
  },
  female: {
    old: { first: split('秀桂玉凤淑春翠美素金兰爱'), second: split('英兰珍芳华梅琴云霞荣莲花香娥') },
    middle: {
      first: split('丽静小晓海雪春红玉美慧'),
      second: split('丽静敏燕艳娟霞婷晶玲红倩雪慧琳丹颖萍洁莉'),
    },
    young: {
      first: split('欣子梓雨诗思佳可若一语心依紫'),
      second: split('涵萱怡彤琪悦妍菲沫汐瑶馨晴然琳欣'),
    },
  },
};

const surnameTable = new WeightedTable(SURNAMES);

export function pickSurname(random: Random): string {
  return surnameTable.pick(random);
}

function eraOf(birthYear: number): Era {
  if (birthYear < 1968) return 'old';
  if (birthYear < 2000) return 'middle';
  return 'young';
}

/** A given name of one or two characters; single-character names were commoner before 2000. */
export function pickGivenName(random: Random, sex: 'male' | 'female', birthYear: number): string {
  const era = eraOf(birthYear);
  const pools = GIVEN[sex][era];
  const single = random.chance(era === 'young' ? 0.08 : 0.28);
  if (single) return random.pick(pools.second);
  let first = random.pick(pools.first);
  let second = random.pick(pools.second);
  if (second === first) second = random.pick(pools.second);
  if (second === first) first = '';
  return first + second;
}
