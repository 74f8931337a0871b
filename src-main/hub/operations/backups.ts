/**
 * Backups of a branch's data directory. A backup is a directory `backups/<time>-<reason>/` with
 * `branch.db` (better-sqlite3's online backup API: the hub keeps answering while pages are
 * copied), the live customer snapshot (the same API, on the attached schema), `branch.key` (without
 * it the customers' identifiers cannot be read) and `backup.json` (when, why, schema version,
 * files, result of `PRAGMA integrity_check` on each copy). The nightly backups beyond the number
 * kept are removed, oldest first. A restore refuses while a hub runs on the directory, refuses a
 * backup from a newer schema or one that fails its check, and moves what it replaces aside.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { backupsDir, LATEST_SCHEMA_VERSION, openDatabase, type Db } from '../db/open';
import { SNAPSHOT_SCHEMA, snapshotsDir } from '../customers/snapshot';

export type BackupReason = 'nightly' | 'command';

const ManifestSchema = z.object({
  format: z.literal(1),
  at: z.string(),
  reason: z.enum(['nightly', 'command']),
  schemaVersion: z.number().int(),
  branchId: z.string().nullable(),
  files: z.object({ database: z.string(), snapshot: z.string().nullable(), key: z.string().nullable() }),
  check: z.object({ ok: z.boolean(), problems: z.array(z.string()) }),
  bytes: z.number().int(),
});
export type BackupManifest = z.infer<typeof ManifestSchema>;

export interface BackupResult extends BackupManifest {
  dir: string;
}

/** `PRAGMA integrity_check` of a database file opened read-only: its problems (none when clean). */
export function integrityProblems(file: string): string[] {
  let db: Db | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db.pragma('integrity_check(10)') as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).filter((r) => r !== 'ok');
  } catch (err) {
    return [err instanceof Error ? err.message : String(err)];
  } finally {
    db?.close();
  }
}

function stamp(at: Date): string {
  return at.toISOString().replace(/[:.]/g, '-');
}

/**
 * Takes a backup of the open branch database (and its attached snapshot and key) into
 * `to` (default `<data-dir>/backups/<time>-<reason>`), checks each copy, and prunes old nightly ones.
 */
export async function takeBackup(db: Db, dataDir: string, reason: BackupReason, options: { keep?: number; to?: string; now?: Date } = {}): Promise<BackupResult> {
  const at = options.now ?? new Date();
  const dir = resolve(options.to ?? join(backupsDir(dataDir), `${stamp(at)}-${reason}`));
  if (existsSync(join(dir, 'backup.json'))) throw new Error(`${dir} already holds a backup; choose another directory`);
  mkdirSync(dir, { recursive: true });
  const database = join(dir, 'branch.db');
  await db.backup(database);
  const attached = (db.pragma('database_list') as { name: string; file: string }[]).find((d) => d.name === SNAPSHOT_SCHEMA);
  let snapshot: string | null = null;
  if (attached?.file) {
    snapshot = basename(attached.file);
    // better-sqlite3 takes `attached` (the schema to copy); its type declaration lacks it.
    await db.backup(join(dir, snapshot), { attached: SNAPSHOT_SCHEMA } as unknown as Database.BackupOptions);
  }
  const keyFile = join(dataDir, 'branch.key');
  let key: string | null = null;
  if (existsSync(keyFile)) {
    key = 'branch.key';
    copyFileSync(keyFile, join(dir, key));
    if (process.platform !== 'win32') chmodSync(join(dir, key), 0o600);
  }
  const problems = [...integrityProblems(database), ...(snapshot ? integrityProblems(join(dir, snapshot)).map((p) => `${snapshot}: ${p}`) : [])];
  const branchId = (db.prepare('SELECT id FROM branch LIMIT 1').pluck().get() as string | undefined) ?? null;
  const bytes = [database, ...(snapshot ? [join(dir, snapshot)] : [])].reduce((n, f) => n + statSync(f).size, 0);
  const manifest: BackupManifest = {
    format: 1,
    at: at.toISOString(),
    reason,
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    branchId,
    files: { database: 'branch.db', snapshot, key },
    check: { ok: problems.length === 0, problems },
    bytes,
  };
  writeFileSync(join(dir, 'backup.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  if (reason === 'nightly' && options.keep) pruneNightly(dataDir, options.keep);
  return { ...manifest, dir };
}

/** The backups in the data directory's backups folder, newest first. */
export function listBackups(dataDir: string): BackupResult[] {
  const root = backupsDir(dataDir);
  if (!existsSync(root)) return [];
  const out: BackupResult[] = [];
  for (const name of readdirSync(root)) {
    const m = readManifest(join(root, name));
    if (m) out.push({ ...m, dir: join(root, name) });
  }
  return out.sort((a, b) => b.at.localeCompare(a.at));
}

function readManifest(dir: string): BackupManifest | null {
  const file = join(dir, 'backup.json');
  if (!existsSync(file)) return null;
  try {
    return ManifestSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return null;
  }
}

function pruneNightly(dataDir: string, keep: number): void {
  const nightly = listBackups(dataDir).filter((b) => b.reason === 'nightly');
  for (const old of nightly.slice(keep)) rmSync(old.dir, { recursive: true, force: true });
}

// ------------------------------------------------------------------ the hub's lock on its directory

const LockSchema = z.object({ pid: z.number().int(), host: z.string(), startedAt: z.string() });

export const lockFile = (dataDir: string) => join(dataDir, 'hub.lock');

/** The hub running on this data directory (its lock names a live process on this machine), or null. */
export function runningHub(dataDir: string): { pid: number; startedAt: string } | null {
  const file = lockFile(dataDir);
  if (!existsSync(file)) return null;
  try {
    const lock = LockSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    if (lock.host !== hostname()) return null;
    process.kill(lock.pid, 0);
    return { pid: lock.pid, startedAt: lock.startedAt };
  } catch {
    return null; // unreadable, or its process is gone: stale
  }
}

/** Marks the data directory as served by this process; the returned function removes the mark. */
export function lockDataDir(dataDir: string, now = new Date()): () => void {
  const other = runningHub(dataDir);
  if (other && other.pid !== process.pid) {
    throw new Error(`${dataDir}: another hub (process ${other.pid}, since ${other.startedAt}) runs on this data directory; stop it first`);
  }
  const file = lockFile(dataDir);
  writeFileSync(file, JSON.stringify({ pid: process.pid, host: hostname(), startedAt: now.toISOString() }));
  return () => {
    try {
      const lock = LockSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
      if (lock.pid === process.pid) rmSync(file, { force: true });
    } catch {
      /* already gone */
    }
  };
}

// ------------------------------------------------------------------ restore

export class RestoreRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefusedError';
  }
}

export interface RestoreResult {
  from: string;
  schemaVersion: number;
  /** What the next event, audit entry and offer answer will be numbered after, by log. */
  numberedAfter: Record<JournalLog, number>;
  /** Where the replaced files were moved. */
  setAside: string | null;
  restored: string[];
}

/**
 * Restores a backup (its directory, or a bare database file such as a copy taken before a
 * migration) into the data directory. The replaced branch.db (with its WAL), key and snapshot go
 * to `<data-dir>/replaced/<time>/`.
 */
export function restoreBackup(dataDir: string, source: string, now = new Date()): RestoreResult {
  const hub = runningHub(dataDir);
  if (hub) throw new RestoreRefusedError(`a hub (process ${hub.pid}) runs on ${dataDir}: stop it before restoring`);
  const from = resolve(source);
  if (!existsSync(from)) throw new RestoreRefusedError(`${from} does not exist`);
  const isDir = statSync(from).isDirectory();
  const manifest = isDir ? readManifest(from) : null;
  if (isDir && !manifest) throw new RestoreRefusedError(`${from} is not a Branch Lobby backup (no valid backup.json)`);
  const database = isDir ? join(from, manifest!.files.database) : from;
  const problems = integrityProblems(database);
  if (problems.length) throw new RestoreRefusedError(`${database} fails its integrity check: ${problems.slice(0, 3).join('; ')}`);
  const probe = new Database(database, { readonly: true, fileMustExist: true });
  const version = probe.pragma('user_version', { simple: true }) as number;
  probe.close();
  if (version > LATEST_SCHEMA_VERSION) {
    throw new RestoreRefusedError(`${database} was written by a newer Branch Lobby (schema version ${version}; this one knows up to ${LATEST_SCHEMA_VERSION}): upgrade first`);
  }
  const snapshot = manifest?.files.snapshot ? join(from, manifest.files.snapshot) : null;
  if (snapshot) {
    const p = integrityProblems(snapshot);
    if (p.length) throw new RestoreRefusedError(`${snapshot} fails its integrity check: ${p.slice(0, 3).join('; ')}`);
  }

  const aside = join(dataDir, 'replaced', stamp(now));
  let setAside: string | null = null;
  const moveAside = (file: string) => {
    if (!existsSync(file)) return;
    mkdirSync(aside, { recursive: true });
    renameSync(file, join(aside, basename(file)));
    setAside = aside;
  };
  mkdirSync(dataDir, { recursive: true });
  const target = join(dataDir, 'branch.db');
  for (const f of [target, `${target}-wal`, `${target}-shm`]) moveAside(f);
  const restored: string[] = [];
  copyFileSync(database, target);
  restored.push(target);
  const numberedAfter = renumberAfterRestore(target);
  if (manifest?.files.key) {
    const key = join(dataDir, 'branch.key');
    moveAside(key);
    copyFileSync(join(from, manifest.files.key), key);
    if (process.platform !== 'win32') chmodSync(key, 0o600);
    restored.push(key);
  }
  if (snapshot) {
    const dir = snapshotsDir(dataDir);
    mkdirSync(dir, { recursive: true });
    const live = join(dir, basename(snapshot));
    for (const f of [live, `${live}-wal`, `${live}-shm`]) moveAside(f);
    copyFileSync(snapshot, live);
    restored.push(live);
  }
  return { from, schemaVersion: version, numberedAfter, setAside, restored };
}

/** The logs a branch ships to head office, numbered by AUTOINCREMENT. */
export const JOURNAL_LOGS = { events: 'event_log', audit: 'audit_log', contacts: 'offer_outcome', decisions: 'decision_outbox' } as const;
export type JournalLog = keyof typeof JOURNAL_LOGS;

/**
 * How far a restore moves the numbering of the event log, the audit log and the offers' answers:
 * further than the days between the backup and the restore can have used (a busy branch writes a
 * few thousand entries a day). Head office already holds what those days shipped under their
 * numbers; what the branch writes from now on gets numbers nobody has used, so head office keeps
 * both (what was lost here, and what comes now) instead of taking the new entries for ones it has.
 */
export const RESTORE_NUMBERING_GAP = 1_000_000_000;

/** Brings a restored database to this version (as the hub would) and moves its numbering on. */
function renumberAfterRestore(file: string): Record<JournalLog, number> {
  const db = openDatabase(file);
  try {
    return db.transaction(() => {
      const out = {} as Record<JournalLog, number>;
      for (const [log, table] of Object.entries(JOURNAL_LOGS) as [JournalLog, string][]) {
        const used = Math.max(
          (db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').pluck().get(table) as number | undefined) ?? 0,
          (db.prepare(`SELECT MAX(rowid) FROM ${table}`).pluck().get() as number | null) ?? 0,
        );
        const next = used + RESTORE_NUMBERING_GAP;
        if (db.prepare('UPDATE sqlite_sequence SET seq = ? WHERE name = ?').run(next, table).changes === 0) {
          db.prepare('INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)').run(table, next);
        }
        out[log] = next;
      }
      return out;
    })();
  } finally {
    db.close();
  }
}
