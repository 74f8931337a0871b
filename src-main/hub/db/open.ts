/**
 * Opens the branch database: WAL journal, synchronous=FULL (tickets and audit must survive a
 * power cut), foreign keys on, then applies pending migrations in one transaction.
 */
import Database from 'better-sqlite3';
import { MIGRATIONS, LATEST_SCHEMA_VERSION, type Migration } from './migrations';

export type Db = Database.Database;

export class NewerDatabaseError extends Error {
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `The database was written by a newer Branch Lobby (schema version ${found}); ` +
        `this version understands up to ${supported}. Upgrade Branch Lobby or restore a backup.`,
    );
    this.name = 'NewerDatabaseError';
  }
}

export function applyPragmas(db: Db): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

/** Applies every migration above the database's `user_version`, all in one transaction. */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.length ? migrations[migrations.length - 1]!.version : 0;
  if (current > latest) throw new NewerDatabaseError(current, latest);
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return current;
  db.transaction(() => {
    for (const m of pending) {
      db.exec(m.sql);
      m.run?.(db);
      db.pragma(`user_version = ${m.version}`);
    }
  })();
  for (const m of pending) m.after?.(db);
  return latest;
}

/**
 * Every transaction on this connection begins IMMEDIATE: it takes the write lock at BEGIN (waiting up
 * to busy_timeout) instead of at its first write. A deferred transaction that read first and then
 * writes fails at once with SQLITE_BUSY, without waiting, whenever another process (an import, a
 * set-up) committed in between; the lobby must never answer a ticket with that. Nested calls still
 * become savepoints.
 */
function immediateTransactions(db: Db): void {
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: (...args: never[]) => unknown) => transaction(fn).immediate) as Db['transaction'];
}

export function openDatabase(file: string, options: { migrations?: readonly Migration[] } = {}): Db {
  const db = new Database(file);
  immediateTransactions(db);
  try {
    applyPragmas(db);
    migrate(db, options.migrations ?? MIGRATIONS);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

export { LATEST_SCHEMA_VERSION };
