// Kysely dialect for PGlite. Written here rather than taken from kysely-pglite because that
// driver shares one session between concurrent callers without a lock (so a transaction can
// swallow unrelated queries), reports no affected-row counts and cannot stream.
import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';
import type { Mutex } from './mutex.js';

export interface PGliteDialectConfig {
  client: PGlite;
  /** Shared lock of the session; null when the caller already holds it (a pinned transaction). */
  mutex: Mutex | null;
  /** Run with the lock still held after each use of the session ends (the WAL keeper's check). */
  afterUse?: () => Promise<void>;
}

export class PGliteDialect implements Dialect {
  constructor(readonly config: PGliteDialectConfig) {}
  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.config);
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
}

class PGliteDriver implements Driver {
  readonly #releases = new WeakMap<DatabaseConnection, () => void>();
  constructor(readonly config: PGliteDialectConfig) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = new PGliteConnection(this.config.client);
    if (this.config.mutex) this.#releases.set(connection, await this.config.mutex.lock());
    return connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('BEGIN'));
    (connection as PGliteConnection).inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    (connection as PGliteConnection).inTransaction = false;
    await connection.executeQuery(CompiledQuery.raw('COMMIT'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    (connection as PGliteConnection).inTransaction = false;
    await connection.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const release = this.#releases.get(connection);
    this.#releases.delete(connection);
    try {
      if (release) await this.config.afterUse?.();
    } finally {
      release?.();
    }
  }

  async destroy(): Promise<void> {}
}

let cursorCounter = 0;

class PGliteConnection implements DatabaseConnection {
  inTransaction = false;
  constructor(readonly client: PGlite) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.client.query<R>(compiledQuery.sql, [...compiledQuery.parameters]);
    const command = result.command ?? '';
    if (['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(command)) {
      return { rows: result.rows, numAffectedRows: BigInt(result.rowCount ?? result.affectedRows ?? 0) };
    }
    return { rows: result.rows };
  }

  // PGlite has no portal streaming, so stream through a server-side cursor: memory stays at
  // one chunk however large the result.
  async *streamQuery<R>(
    compiledQuery: CompiledQuery,
    chunkSize = 1000,
  ): AsyncIterableIterator<QueryResult<R>> {
    const name = `canbao_cursor_${++cursorCounter}`;
    let ownTransactionOpen = false;
    let cursorOpen = false;
    if (!this.inTransaction) {
      await this.client.query('BEGIN');
      ownTransactionOpen = true;
    }
    try {
      await this.client.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${compiledQuery.sql}`, [
        ...compiledQuery.parameters,
      ]);
      cursorOpen = true;
      for (;;) {
        const chunk = await this.client.query<R>(`FETCH FORWARD ${Math.max(1, chunkSize)} FROM ${name}`);
        if (chunk.rows.length === 0) break;
        yield { rows: chunk.rows };
      }
      cursorOpen = false;
      await this.client.query(`CLOSE ${name}`);
      if (ownTransactionOpen) {
        ownTransactionOpen = false;
        await this.client.query('COMMIT');
      }
    } finally {
      // Reached on errors and when the consumer stops early (return()): leave no open cursor.
      if (ownTransactionOpen) await this.client.query('ROLLBACK');
      else if (cursorOpen) await this.client.query(`CLOSE ${name}`).catch(() => undefined);
    }
  }
}
