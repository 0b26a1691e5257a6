// Test fixtures for the year rollover: a 2026 pack built in memory (never shipped as policy), and
// a small county with persons, identities and last year's enrollments written by plain SQL.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { DbSession } from '../db/connection.js';
import { PACK_DIR, PackRegistry } from '../policy/pack-loader.js';
import { checkDigit } from '../registry/id-document.js';

const shipped = (name: string) => readFileSync(join(PACK_DIR, name), 'utf8');

/** The shipped 2025 packs plus a test-only 双清区 2026 pack on national-2026 defaults. */
export function packsWith2026(): PackRegistry {
  const national2025 = shipped('national-2025.yaml');
  const national2026 = national2025
    .replace('id: national-2025', 'id: national-2026')
    .replace('year: 2025', 'year: 2026');
  const county2026 = `id: 430502-2026
region: "430502"
regionName: 湖南省邵阳市双清区（测试用）
year: 2026
extends: national-2026
sources:
  - id: test-2026
    number: 测试〔2025〕1号
    title: 测试用 2026 年度参保缴费工作方案
    issuer: 测试
collection:
  start: 2025-09-01
  end: 2025-12-31
  cite: { source: test-2026, clause: 一、, note: 测试用集中征缴期。 }
benefit:
  start: 2026-01-01
  end: 2026-12-31
  cite: { source: test-2026, clause: 二、, note: 测试用待遇享受期。 }
`;
  return PackRegistry.fromTexts({
    'national-2025.yaml': national2025,
    'national-2026.yaml': national2026,
    '430502-2025.yaml': shipped('430502-2025.yaml'),
    '430502-2026.yaml': county2026,
  });
}

/** A valid resident ID from its first 17 digits. */
export const rid = (first17: string): string => first17 + checkDigit(first17);

export interface FixturePerson {
  docNo: string;
  name: string;
  village?: string;
  status?: 'active' | 'deceased' | 'moved_out';
  employeeInsurance?: boolean;
  phone?: string | null;
  household?: string;
}

/** Regions of 双清区 used by the fixtures (two villages in one township). */
export async function seedShuangqing(tx: DbSession): Promise<void> {
  await sql`INSERT INTO regions (code, name, level, parent_code, county_code) VALUES
    ('430502', '双清区', 3, NULL, '430502'), ('430502001', '火车站街道', 4, '430502', '430502'),
    ('430502001001', '火车社区', 5, '430502001', '430502'), ('430502001002', '建设社区', 5, '430502001', '430502')
    ON CONFLICT (code) DO NOTHING`.execute(tx.db);
}

/** Insert persons (and their households) of 双清区; returns ids by doc number. */
export async function addPersons(tx: DbSession, persons: FixturePerson[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const p of persons) {
    const village = p.village ?? '430502001001';
    const { rows: h } = await sql<{ id: number }>`
      INSERT INTO households (county_code, household_no, village_code) VALUES ('430502', ${p.household ?? `H-${p.docNo}`}, ${village})
      ON CONFLICT (county_code, household_no) DO UPDATE SET village_code = excluded.village_code RETURNING id`.execute(
      tx.db,
    );
    const { rows } = await sql<{ id: number }>`
      INSERT INTO persons (county_code, doc_type, doc_no, name, household_id, residence_village, phone, status, employee_insurance)
      VALUES ('430502', 'resident_id', ${p.docNo}, ${p.name}, ${h[0]!.id}, ${village}, ${p.phone ?? null},
        ${p.status ?? 'active'}, ${p.employeeInsurance ?? false})
      RETURNING id`.execute(tx.db);
    ids.set(p.docNo, rows[0]!.id);
  }
  return ids;
}

export async function addEnrollment(
  tx: DbSession,
  personId: number,
  year: number,
  status: string,
  source = 'payment',
  reimbursed: boolean | null = null,
): Promise<void> {
  await sql`INSERT INTO enrollments (county_code, year, person_id, status, source, registered_on, reimbursed)
    VALUES ('430502', ${year}, ${personId}, ${status}, ${source}, ${`${year - 1}-10-01`}, ${reimbursed})`.execute(
    tx.db,
  );
}
