/**
 * Head office's PostgreSQL: one pool per process (node-postgres), and the migrations applied at
 * `migrate` (and checked at `serve`: a head office refuses to serve a schema it does not know).
 */
import pg from 'pg';
import { HEAD_OFFICE_MIGRATIONS, type HeadOfficeMigration } from './migrations';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export function createPool(url: string): Pool {
  // Enough connections for many branches' batches to commit together (PostgreSQL groups their flushes).
  const pool = new pg.Pool({ connectionString: url, max: 32, idleTimeoutMillis: 30_000 });
  // An idle client that loses its connection must not take the process down.
  pool.on('error', () => {});
  return pool;
}

/** Runs `fn` in one transaction on one client. */
export async function inTransaction<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}

/** An arbitrary key for the advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK = 73_110_413;

/** Applies the pending migrations; the versions applied now. */
export async function migrate(pool: Pool, migrations: readonly HeadOfficeMigration[] = HEAD_OFFICE_MIGRATIONS): Promise<number[]> {
  return inTransaction(pool, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await c.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const done = new Set((await c.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const latest = migrations.at(-1)?.version ?? 0;
    const newer = [...done].filter((v) => v > latest);
    if (newer.length) throw new Error(`the head-office database has schema version ${Math.max(...newer)}; this head office knows up to ${latest}: upgrade it`);
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      try {
        await c.query(m.sql);
      } catch (err) {
        throw new Error(`migration ${m.version} ("${m.name}") failed: ${err instanceof Error ? err.message : String(err)}; nothing was applied`);
      }
      await c.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}

/** The versions still to apply (serve refuses to start with any). */
export async function pendingMigrations(pool: Pool): Promise<number[]> {
  const exists = await pool.query(`SELECT to_regclass('schema_migrations') AS t`);
  const done = exists.rows[0]?.t ? new Set((await pool.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version)) : new Set<number>();
  return HEAD_OFFICE_MIGRATIONS.filter((m) => !done.has(m.version)).map((m) => m.version);
}
