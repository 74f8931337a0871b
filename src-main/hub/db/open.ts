/**
 * Opens the branch database: WAL journal, synchronous=FULL (tickets and audit must survive a
 * power cut), foreign keys on, then applies pending migrations in one transaction. Before it is
 * used, the file is checked (not empty, a SQLite database, `PRAGMA quick_check` clean, writable),
 * and every refusal names the file; a copy is kept before any migration runs.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
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

/** The database cannot be used as it is; the message names the file and what to do. */
export class DatabaseRefusedError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'DatabaseRefusedError';
  }
}

/** A migration failed: nothing of any pending migration was applied (they share one transaction). */
export class MigrationError extends Error {
  constructor(
    readonly version: number,
    readonly migrationName: string,
    readonly from: number,
    cause: unknown,
  ) {
    super(
      `migration ${version} ("${migrationName}") could not be applied to a database at schema version ${from}: ` +
        `${cause instanceof Error ? cause.message : String(cause)}. Nothing was changed; the database stays at version ${from}.`,
    );
    this.name = 'MigrationError';
  }
}

/**
 * Applies every migration above the database's `user_version`, all in one transaction, so a
 * database is always at one named version. `beforeMigrating` runs first (a copy of the file).
 */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS, beforeMigrating?: (from: number, to: number) => void): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.length ? migrations[migrations.length - 1]!.version : 0;
  if (current > latest) throw new NewerDatabaseError(current, latest);
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return current;
  beforeMigrating?.(current, latest);
  let running: Migration = pending[0]!;
  try {
    db.transaction(() => {
      for (const m of pending) {
        running = m;
        db.exec(m.sql);
        m.run?.(db);
        db.pragma(`user_version = ${m.version}`);
      }
    })();
  } catch (err) {
    throw new MigrationError(running.version, running.name, current, err);
  }
  for (const m of pending) m.after?.(db);
  return latest;
}

/** The first schema version without customer identifiers in clear (migration 12). */
const FIRST_SEALED_VERSION = 12;

/** Where copies taken before a migration go, beside the nightly backups. */
export function backupsDir(dataDir: string): string {
  return join(dataDir, 'backups');
}

/**
 * A consistent copy of the database (VACUUM INTO: one read transaction, so a writer in another
 * process is not stopped) taken before migrating from one schema version to another.
 */
function copyBeforeMigration(db: Db, file: string, from: number, to: number): void {
  if (from === 0) return; // a new, empty database: nothing to keep
  // Before migration 12 the customers' phone and ID numbers were in clear in branch.db: a copy
  // would keep them on disk after the migration removed them. Such an upgrade is not copied (its
  // nightly backups before the upgrade are the way back).
  if (from < FIRST_SEALED_VERSION) return;
  const dir = backupsDir(dirname(file));
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const target = join(dir, `${basename(file, '.db')}-${stamp}-before-migration-v${from}-to-v${to}.db`);
  db.prepare('VACUUM INTO ?').run(target);
}

/** What a file must be before the hub opens it: not empty, a SQLite database, writable. */
function checkFile(file: string): void {
  if (!existsSync(file)) {
    try {
      accessSync(dirname(file), constants.W_OK);
    } catch {
      throw new DatabaseRefusedError(file, `the directory ${dirname(file)} is not writable, so the database cannot be created`);
    }
    return;
  }
  const size = statSync(file).size;
  if (size === 0) {
    throw new DatabaseRefusedError(
      file,
      'the file is empty (0 bytes). The hub does not start a new branch over it: restore a backup (node out/main/hub.js restore <file>), or remove the file to start from nothing.',
    );
  }
  try {
    accessSync(file, constants.R_OK | constants.W_OK);
  } catch {
    throw new DatabaseRefusedError(file, 'the file is not writable by this user (read-only file or file system); tickets could not be saved');
  }
}

/** `PRAGMA quick_check` on an open database; its first problems, or null when clean. */
export function quickCheck(db: Db): string | null {
  const rows = db.pragma('quick_check(5)', { simple: false }) as { quick_check: string }[];
  const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
  return problems.length ? problems.join('; ') : null;
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

export interface OpenOptions {
  migrations?: readonly Migration[];
  /** Check the file before use (quick_check, a write): the hub and the commands do; tests of other things may not. */
  check?: boolean;
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const check = options.check ?? true;
  if (check) checkFile(file);
  let db: Db;
  try {
    db = new Database(file);
  } catch (err) {
    throw new DatabaseRefusedError(file, `cannot be opened: ${err instanceof Error ? err.message : String(err)}`);
  }
  immediateTransactions(db);
  try {
    try {
      applyPragmas(db);
      if (check) {
        const problem = quickCheck(db);
        if (problem) throw new DatabaseRefusedError(file, `the database is damaged (PRAGMA quick_check: ${problem}). Restore the last backup: node out/main/hub.js restore <file>`);
      }
    } catch (err) {
      if (err instanceof DatabaseRefusedError) throw err;
      throw new DatabaseRefusedError(file, `is not a usable SQLite database (${err instanceof Error ? err.message : String(err)}). Restore the last backup: node out/main/hub.js restore <file>`);
    }
    try {
      migrate(db, options.migrations ?? MIGRATIONS, (from, to) => copyBeforeMigration(db, file, from, to));
    } catch (err) {
      // Named, with the file: which database, which version, which migration.
      if (err instanceof NewerDatabaseError || err instanceof MigrationError) err.message = `${file}: ${err.message}`;
      throw err;
    }
    if (check && (options.migrations ?? MIGRATIONS) === MIGRATIONS) probeWrite(db, file);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** One small committed write: the database takes writes now (not read-only, not full). */
export function probeWrite(db: Db, file: string, now = Date.now()): void {
  try {
    db.prepare('INSERT INTO hub_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at').run(now);
  } catch (err) {
    throw new DatabaseRefusedError(file, `does not take writes: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export { LATEST_SCHEMA_VERSION };
