// Backup → restore into a fresh database of the same kind → the same rows: persons, payments,
// enrollments, audit log (and every other counted table) and the sum of payments to the fen. Also the
// refusals: a missing file, a file that is no backup, the wrong kind, a damaged archive, a non-empty target.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordPayment } from '../collection/payment.service.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { loadDemoPopulation } from '../registry/demo/load.js';
import { checkDigit } from '../registry/id-document.js';
import { createServerTestDatabase, describeEachDatabase } from '../test-support/db.js';
import {
  backupDatabase,
  databaseFigures,
  manifestPath,
  restorePglite,
  restoreServer,
} from './backup.service.js';
import type { DatabaseHandle } from './connection.js';

const PAYMENTS = 40;

const ids: string[] = [];
for (let i = 0; i < PAYMENTS; i++) {
  const first17 = `130802${19600101 + i * 10000}${String(i + 1).padStart(3, '0')}`;
  ids.push(first17 + checkDigit(first17));
}

async function fill(db: DatabaseHandle): Promise<void> {
  await loadDemoPopulation(db, { persons: 3000, seed: 'backup', counties: ['512022'] });
  await db.copyFrom(
    'persons',
    ['county_code', 'doc_type', 'doc_no', 'name', 'residence_village'],
    ids.map((id, i) => `130802,resident_id,${id},备份${i},130802001001\n`),
  );
  const packs = shippedPacks();
  for (const [i, docNo] of ids.entries())
    await recordPayment(db, packs, {
      docNo,
      year: 2025,
      amountFen: 40000,
      paidOn: '2024-10-15',
      channel: 'wechat',
      externalNo: `BK${i}`,
    });
}

describeEachDatabase('db backup and restore', (getDb, kind) => {
  let dir = '';
  let file = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'canbao-backup-'));
    file = join(dir, kind === 'server' ? 'canbao.dump' : 'canbao.tar.gz');
    await fill(getDb());
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('restores into a fresh database with the same rows and the same payments total', async () => {
    const before = await databaseFigures(getDb().db);
    expect(before.counts.persons).toBeGreaterThan(3000);
    expect(before.counts.payments).toBe(PAYMENTS);
    expect(before.paymentsFen).toBe(PAYMENTS * 40000);
    expect(before.counts.audit_log).toBeGreaterThanOrEqual(PAYMENTS * 2);

    const manifest = await backupDatabase(getDb(), file);
    expect(manifest).toMatchObject({ kind, counts: before.counts, paymentsFen: before.paymentsFen });
    expect(JSON.parse(await readFile(manifestPath(file), 'utf8'))).toEqual(manifest);

    if (kind === 'server') {
      const target = await createServerTestDatabase({ migrate: false });
      try {
        const r = await restoreServer(target.url!, file);
        expect(r.mismatches).toEqual([]);
        expect(await databaseFigures(target.db)).toEqual(before);
        // The restored database is a working one: the same payment again is answered, not stored twice.
        const again = await recordPayment(target, shippedPacks(), {
          docNo: ids[0]!,
          year: 2025,
          amountFen: 40000,
          paidOn: '2024-10-15',
          channel: 'wechat',
          externalNo: 'BK0',
        });
        expect(again.status).toBe('already_recorded');
        // Not over a database that holds tables, unless forced.
        await expect(restoreServer(target.url!, file)).rejects.toThrow(/不是空库/);
        const forced = await restoreServer(target.url!, file, true);
        expect(forced.mismatches).toEqual([]);
      } finally {
        await target.close();
      }
    } else {
      const dataDir = join(dir, 'restored');
      const r = await restorePglite(dataDir, file);
      expect(r.mismatches).toEqual([]);
      expect({ counts: r.counts, paymentsFen: r.paymentsFen, migration: r.migration }).toEqual(before);
      await expect(restorePglite(dataDir, file)).rejects.toThrow(/不是空的/);
      const forced = await restorePglite(dataDir, file, true);
      expect(forced.movedAside).toMatch(/before-restore/);
      expect(forced.counts).toEqual(before.counts);
    }
  }, 180_000);

  it('refuses a missing file, a file that is no backup, a damaged one and the wrong kind', async () => {
    const restore = (f: string) =>
      kind === 'server' ? restoreServer(getDb().url!, f) : restorePglite(join(dir, 'never'), f);
    await expect(restore(join(dir, 'nothing.dump'))).rejects.toThrow(/备份文件不存在/);
    const text = join(dir, 'notes.txt');
    await writeFile(text, '这不是备份');
    await expect(restore(text)).rejects.toThrow(/不是 canbao 的备份文件/);
    // Cut short: the size and checksum in the description no longer match.
    const cut = join(dir, kind === 'server' ? 'cut.dump' : 'cut.tar.gz');
    const whole = await readFile(file);
    await writeFile(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    await writeFile(manifestPath(cut), await readFile(manifestPath(file)));
    await expect(restore(cut)).rejects.toThrow(/不完整或已损坏/);
    // A backup of the other kind.
    const other = join(dir, 'other');
    await writeFile(
      other,
      kind === 'server' ? Buffer.from([0x1f, 0x8b, 8, 0]) : Buffer.from('PGDMP\x01\x0e'),
    );
    await expect(restore(other)).rejects.toThrow(
      kind === 'server' ? /PGlite 的数据目录备份.*服务器/ : /PostgreSQL 服务器的备份.*PGlite/,
    );
  });
});
