import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

/** 1 province, 2 city, 3 county, 4 township, 5 village (统计用区划代码 levels). */
export type RegionLevel = 1 | 2 | 3 | 4 | 5;

export interface RegionsTable {
  /** 6 digits for province/city/county, 9 for a township, 12 for a village. */
  code: string;
  name: string;
  level: RegionLevel;
  parent_code: string | null;
  /** The county (6 digits) the region lies in; null above county level. Partitioning key. */
  county_code: string | null;
  /** 城乡分类代码 (111 主城区 … 220 村庄) for villages, when known. */
  urban_rural_code: string | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type Region = Selectable<RegionsTable>;
export type NewRegion = Insertable<RegionsTable>;
export type RegionUpdate = Updateable<RegionsTable>;

export interface PopulationBaseTable {
  /** A township (9) or village (12) code, or any higher region code. */
  region_code: string;
  /** County (6 digits) of region_code; partitioning key. */
  county_code: string | null;
  year: number;
  /** 常住人口 from the statistics bureau: the coverage-rate denominator. */
  population: number;
  source: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type PopulationBase = Selectable<PopulationBaseTable>;
export type NewPopulationBase = Insertable<PopulationBaseTable>;
