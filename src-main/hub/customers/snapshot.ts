/**
 * The bank's customer data lives in a snapshot: one SQLite file per import under
 * `<data-dir>/snapshots/`, attached to the branch database as schema `customers`. The lobby
 * reads it (cards, identification, offers) through unqualified table names — `customer`, `card`,
 * `holding`, `product`, … resolve to the attached file because branch.db has no such tables.
 *
 * An import builds a new file beside the live one (a full feed from nothing, a delta from a copy
 * of the live one), then switches the one-row pointer `feed_state` in branch.db in a single tiny
 * transaction; the hub notices within seconds and attaches the new file. The lobby's own writes
 * (tickets, audit) never wait on an import, and an interrupted import leaves the old snapshot
 * served. Customer ids are stable across snapshots: `customer_key` (cif → id) is carried from
 * each snapshot to the next and ids are never reused, so tickets and decisions keep pointing at
 * the right person.
 *
 * Identifiers are stored as lookup hash, sealed copy and masked form (branch-key.ts); money as
 * integer fen.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Db } from '../db/open';

/** Name of the attached schema. */
export const SNAPSHOT_SCHEMA = 'customers';
export const SNAPSHOT_FORMAT = 1;

export const SNAPSHOT_SQL = `
CREATE TABLE snapshot_meta (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
) STRICT;

-- Every customer the branch ever knew: ids are never reused, so visit records keep their meaning.
CREATE TABLE customer_key (
  id   INTEGER PRIMARY KEY,
  cif  TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE customer (
  id                   INTEGER PRIMARY KEY,
  cif                  TEXT NOT NULL UNIQUE,
  name                 TEXT NOT NULL,
  gender               TEXT NOT NULL CHECK (gender IN ('M', 'F')),
  birth_date           TEXT NOT NULL,
  phone_lookup         BLOB NOT NULL,
  phone_sealed         BLOB NOT NULL,
  phone_masked         TEXT NOT NULL,
  id_lookup            BLOB NOT NULL,
  id_sealed            BLOB NOT NULL,
  id_masked            TEXT NOT NULL,
  marital_status       TEXT NOT NULL CHECK (marital_status IN ('single', 'married', 'divorced', 'widowed')),
  occupation           TEXT NOT NULL,
  risk_tolerance       INTEGER NOT NULL CHECK (risk_tolerance BETWEEN 1 AND 5),
  risk_assessed_on     TEXT,
  marketing_consent    INTEGER NOT NULL CHECK (marketing_consent IN (0, 1)),
  home_branch_id       TEXT NOT NULL,
  relationship_manager TEXT,
  last_overdue_on      TEXT,
  resident             INTEGER NOT NULL DEFAULT 1 CHECK (resident IN (0, 1)),
  control_exempt       INTEGER NOT NULL DEFAULT 0 CHECK (control_exempt IN (0, 1)),
  tier                 TEXT NOT NULL DEFAULT 'drop' CHECK (tier IN ('top', 'gold', 'general', 'drop')),
  stars                INTEGER NOT NULL DEFAULT 1 CHECK (stars BETWEEN 1 AND 5),
  key_customer         INTEGER NOT NULL DEFAULT 0 CHECK (key_customer IN (0, 1)),
  aum_fen              INTEGER NOT NULL DEFAULT 0,
  tier_computed_on     TEXT
) STRICT;
-- Not unique: a family may share a phone number (the kiosk then never picks one of them).
-- (LOOKUP_INDEXES below: a full import makes these two after its customers are in.)
CREATE INDEX customer_phone ON customer(phone_lookup);
CREATE INDEX customer_resident_id ON customer(id_lookup);

CREATE TABLE card (
  card_lookup  BLOB PRIMARY KEY,
  card_sealed  BLOB NOT NULL,
  card_masked  TEXT NOT NULL,
  customer_id  INTEGER NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('debit', 'credit'))
) STRICT, WITHOUT ROWID;
CREATE INDEX card_customer ON card(customer_id);

CREATE TABLE product (
  code            TEXT PRIMARY KEY,
  category        TEXT NOT NULL,
  name_zh         TEXT NOT NULL,
  name_en         TEXT NOT NULL,
  risk_level      INTEGER NOT NULL CHECK (risk_level BETWEEN 1 AND 5),
  is_credit       INTEGER NOT NULL CHECK (is_credit IN (0, 1)),
  life_stages     TEXT NOT NULL DEFAULT '[]',
  min_age         INTEGER NOT NULL DEFAULT 18,
  max_age         INTEGER NOT NULL DEFAULT 120,
  base_propensity REAL NOT NULL DEFAULT 0.05,
  value           REAL NOT NULL DEFAULT 1,
  lever           REAL NOT NULL DEFAULT 1,
  active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

CREATE TABLE holding (
  id            INTEGER PRIMARY KEY,
  account_id    TEXT NOT NULL UNIQUE,
  customer_id   INTEGER NOT NULL,
  product_code  TEXT NOT NULL,
  branch_id     TEXT NOT NULL,
  amount_fen    INTEGER NOT NULL,
  opened_on     TEXT NOT NULL,
  maturity_on   TEXT,
  as_of         TEXT NOT NULL
) STRICT;
CREATE INDEX holding_customer ON holding(customer_id);

-- Demand-account movements: large inflow / outflow, transfers to other banks.
CREATE TABLE account_movement (
  id          INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL,
  on_date     TEXT NOT NULL,
  direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
  other_bank  INTEGER NOT NULL DEFAULT 0 CHECK (other_bank IN (0, 1))
) STRICT;
CREATE INDEX account_movement_customer ON account_movement(customer_id, on_date);

-- Repayment state of a loan or credit card holding: next due, overdue, five-tier classification.
CREATE TABLE credit_status (
  holding_id              INTEGER PRIMARY KEY,
  customer_id             INTEGER NOT NULL,
  product_code            TEXT NOT NULL,
  next_due_on             TEXT,
  due_fen                 INTEGER NOT NULL DEFAULT 0,
  overdue_days            INTEGER NOT NULL DEFAULT 0,
  classification          TEXT NOT NULL DEFAULT 'normal'
    CHECK (classification IN ('normal', 'special_mention', 'substandard', 'doubtful', 'loss')),
  previous_classification TEXT
    CHECK (previous_classification IN ('normal', 'special_mention', 'substandard', 'doubtful', 'loss')),
  classified_on           TEXT
) STRICT;
CREATE INDEX credit_status_customer ON credit_status(customer_id);

-- Open product applications: not offered again while one is being processed.
CREATE TABLE product_application (
  id           INTEGER PRIMARY KEY,
  customer_id  INTEGER NOT NULL,
  product_code TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('open', 'approved', 'rejected', 'withdrawn')),
  applied_on   TEXT NOT NULL
) STRICT;
CREATE INDEX product_application_customer ON product_application(customer_id, status);
CREATE UNIQUE INDEX product_application_key ON product_application(customer_id, product_code, applied_on);
`;

export const snapshotsDir = (dataDir: string) => join(dataDir, 'snapshots');

/** The live snapshot as branch.db's pointer names it. */
export interface LiveSnapshot {
  /** File name under `<data-dir>/snapshots/`. */
  file: string;
  feedId: string;
  asOf: string | null;
  switchedAt: number;
}

export function liveSnapshot(db: Db, branchId: string): LiveSnapshot | null {
  const row = db.prepare('SELECT live_file, feed_id, as_of, switched_at FROM feed_state WHERE branch_id = ?').get(branchId) as
    | { live_file: string; feed_id: string; as_of: string | null; switched_at: number }
    | undefined;
  return row ? { file: row.live_file, feedId: row.feed_id, asOf: row.as_of, switchedAt: row.switched_at } : null;
}

/**
 * Points the branch at another snapshot file (one small transaction in branch.db). The file must
 * be complete and closed: the hub attaches it as soon as it sees the pointer move.
 */
export function switchSnapshot(db: Db, branchId: string, to: { file: string; feedId: string; asOf: string | null }, now = Date.now()): void {
  db.prepare(
    `INSERT INTO feed_state (branch_id, live_file, feed_id, as_of, switched_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (branch_id) DO UPDATE SET live_file = excluded.live_file, feed_id = excluded.feed_id, as_of = excluded.as_of, switched_at = excluded.switched_at`,
  ).run(branchId, basename(to.file), to.feedId, to.asOf, now);
}

/**
 * Opens a new snapshot file to build: the schema, and no journal or fsync while it is filled (the
 * file is not live until it is finished; a crash only means building it again).
 */
export function createSnapshotFile(path: string, options: { lookupIndexesLater?: boolean } = {}): Db {
  mkdirSync(join(path, '..'), { recursive: true });
  for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
  const db = new Database(path);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -131072'); // 128 MiB while building
  db.exec(SNAPSHOT_SQL);
  if (options.lookupIndexesLater) for (const name of Object.keys(LOOKUP_INDEXES)) db.exec(`DROP INDEX ${name}`);
  setMeta(db, { format: String(SNAPSHOT_FORMAT) });
  return db;
}

/**
 * The customers' lookup indexes (phone, resident ID): not unique, and keyed by hashes, so every new
 * customer lands at a random place in them. A full import builds the file without them and makes
 * them once all customers are in (`createLookupIndexes`: one sort instead of a million scattered
 * inserts); nothing looks a customer up by them while the file is built.
 */
export const LOOKUP_INDEXES = {
  customer_phone: 'CREATE INDEX IF NOT EXISTS customer_phone ON customer(phone_lookup)',
  customer_resident_id: 'CREATE INDEX IF NOT EXISTS customer_resident_id ON customer(id_lookup)',
} as const;

export function createLookupIndexes(db: Db): void {
  for (const sql of Object.values(LOOKUP_INDEXES)) db.exec(sql);
}

/** Makes a built snapshot durable (WAL, synchronous FULL, statistics) and closes it. */
export function finishSnapshotFile(db: Db): void {
  // Statistics from a sample of each index (enough for the planner; a full pass over millions of rows is seconds).
  db.pragma('analysis_limit = 1000');
  db.exec('ANALYZE');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  // A checkpoint with synchronous FULL flushes the file to disk before anyone points at it.
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

export function setMeta(db: Db, values: Record<string, string>, schema = 'main'): void {
  const put = db.prepare(`INSERT INTO ${schema}.snapshot_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
  for (const [k, v] of Object.entries(values)) put.run(k, v);
}

export function getMeta(db: Db, key: string, schema = 'main'): string | null {
  return (db.prepare(`SELECT value FROM ${schema}.snapshot_meta WHERE key = ?`).pluck().get(key) as string | undefined) ?? null;
}

/** Attaches a snapshot file as schema `customers`, with WAL and synchronous FULL (the hub writes tiers into it). */
export function attachSnapshot(db: Db, path: string): void {
  if (!existsSync(path)) throw new Error(`customer snapshot ${path} is missing`);
  db.prepare(`ATTACH DATABASE ? AS ${SNAPSHOT_SCHEMA}`).run(path);
  db.pragma(`${SNAPSHOT_SCHEMA}.journal_mode = WAL`);
  db.pragma(`${SNAPSHOT_SCHEMA}.synchronous = FULL`);
}

export function detachSnapshot(db: Db): void {
  const attached = (db.pragma('database_list') as { name: string }[]).some((d) => d.name === SNAPSHOT_SCHEMA);
  if (attached) db.exec(`DETACH DATABASE ${SNAPSHOT_SCHEMA}`);
}

/** Deletes a snapshot file and its WAL and shared-memory files. */
export function removeSnapshotFile(path: string): void {
  for (const f of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) rmSync(f, { force: true });
}

/** Snapshot files in the directory (names only). */
export function snapshotFiles(dataDir: string): string[] {
  const dir = snapshotsDir(dataDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.db'));
}

/** An empty snapshot (no customers yet): what a newly set-up branch serves until its first feed. */
export function createEmptySnapshot(dataDir: string, name = `empty-${Date.now()}.db`): string {
  const path = join(snapshotsDir(dataDir), name);
  const db = createSnapshotFile(path);
  setMeta(db, { feed_id: 'none', created_at: new Date().toISOString() });
  finishSnapshotFile(db);
  return path;
}
