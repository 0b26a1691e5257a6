// The department list an identity period was started and ended by (person_identities.list_id,
// ended_by_list_id) is checked once per statement instead of once per row. The foreign keys ran a
// lookup of the list, with a row lock, for every identity a list inserted or ended: measured, that
// was about as long again as inserting the rows (a county's 民政 list of 2,000 rows: 70 ms of
// checks for 35 ms of inserting, on the server; more on PGlite), although every row of one import
// names the same list.
//
// Same rules as the foreign keys had: an identity may only name lists that exist (checked after
// each insert or update of identities, over the distinct lists the statement's rows name, each
// locked FOR KEY SHARE as a foreign key would); a list that identities name cannot be deleted, renumbered
// or truncated away. Lists are never deleted by the application (nothing is deleted: a removal ends a
// period), so the second check only guards against hand-made changes.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE person_identities
      DROP CONSTRAINT person_identities_list_id_fkey,
      DROP CONSTRAINT person_identities_ended_by_list_id_fkey`.execute(db);
  await sql`
    CREATE FUNCTION person_identities_lists_exist() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      wanted bigint[];
      found_n int;
    BEGIN
      SELECT array_agg(DISTINCT l.id) INTO wanted
      FROM (SELECT list_id AS id FROM new_rows UNION ALL SELECT ended_by_list_id FROM new_rows) l
      WHERE l.id IS NOT NULL;
      IF wanted IS NULL THEN
        RETURN NULL;
      END IF;
      SELECT count(*) INTO found_n
      FROM (SELECT 1 FROM department_lists d WHERE d.id = ANY (wanted) FOR KEY SHARE) d;
      IF found_n < cardinality(wanted) THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
          MESSAGE = format('身份记录引用了不存在的部门名单（%s）',
            (SELECT string_agg(w::text, '、') FROM unnest(wanted) w
             WHERE NOT EXISTS (SELECT 1 FROM department_lists d WHERE d.id = w)));
      END IF;
      RETURN NULL;
    END
    $fn$`.execute(db);
  for (const event of ['INSERT', 'UPDATE'] as const) {
    await sql`
      CREATE TRIGGER ${sql.raw(`person_identities_lists_exist_${event.toLowerCase()}`)}
      AFTER ${sql.raw(event)} ON person_identities REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION person_identities_lists_exist()`.execute(db);
  }
  await sql`
    CREATE FUNCTION department_lists_not_referenced() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      gone bigint[];
    BEGIN
      IF TG_OP = 'DELETE' THEN
        SELECT array_agg(id) INTO gone FROM old_rows;
      ELSE
        SELECT array_agg(o.id) INTO gone FROM old_rows o WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.id = o.id);
      END IF;
      IF gone IS NOT NULL AND EXISTS (
        SELECT 1 FROM person_identities p WHERE p.list_id = ANY (gone) OR p.ended_by_list_id = ANY (gone)
      ) THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
          MESSAGE = '部门名单已被身份记录引用，不能删除或改号';
      END IF;
      RETURN NULL;
    END
    $fn$`.execute(db);
  await sql`
    CREATE TRIGGER department_lists_not_referenced_delete
    AFTER DELETE ON department_lists REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION department_lists_not_referenced()`.execute(db);
  await sql`
    CREATE TRIGGER department_lists_not_referenced_update
    AFTER UPDATE ON department_lists REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION department_lists_not_referenced()`.execute(db);
  await sql`
    CREATE FUNCTION department_lists_not_truncated() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF EXISTS (SELECT 1 FROM person_identities WHERE list_id IS NOT NULL OR ended_by_list_id IS NOT NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
          MESSAGE = '部门名单已被身份记录引用，不能清空';
      END IF;
      RETURN NULL;
    END
    $fn$`.execute(db);
  await sql`
    CREATE TRIGGER department_lists_not_truncated
    BEFORE TRUNCATE ON department_lists
    FOR EACH STATEMENT EXECUTE FUNCTION department_lists_not_truncated()`.execute(db);
}
