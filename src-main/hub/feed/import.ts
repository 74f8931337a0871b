/**
 * `hub.js import-feed <dir>`: loads the bank's warehouse feed (domain/feed.ts, docs/FEED.md) into a
 * new customer snapshot and switches the branch to it — safely while the hub runs on the same
 * data directory, and with nothing the lobby sees changed unless the whole feed is accepted.
 *
 * 1. The manifest is checked; the same feedId loaded before is a no-op that says so; another
 *    import still running (its process alive) refuses this one; one whose process died is marked
 *    interrupted.
 * 2. Every listed file must exist with the manifest's sha256; a full feed needs products,
 *    customers, cards and holdings.
 * 3. A new snapshot file is built beside the live one: from nothing for a full feed (the customer
 *    id registry carried over), from a copy of the live one for a delta. Each file is streamed
 *    through Papa Parse (GB18030 decoded with iconv-lite when the manifest says so), every row
 *    checked with its zod schema and its references (a holding's cif and product); a bad row is
 *    written to `<data-dir>/feeds/<feedId>.rejects.csv` with file, line, column and reason.
 * 4. Refused whole when a file's row count differs from the manifest, a required column is
 *    missing, or more than `maxRejectPercent` of the rows were rejected.
 * 5. Tiers, stars and key customers are computed under the branch rules; the file is made durable;
 *    then one transaction in branch.db switches the pointer, stores the conversions and records
 *    the run (audited). The hub attaches the new snapshot within seconds.
 *
 * Progress goes to `feed_run` (the admin screen's Data feeds tab) about once a second and to the
 * caller's callbacks (the command's progress bar).
 */
import { createWriteStream, mkdirSync, statSync, type WriteStream } from 'node:fs';
import { getPriority, hostname, setPriority } from 'node:os';
import { basename, join } from 'node:path';
import { once } from 'node:events';
import type { z } from 'zod';
import type { FileRowReject } from '../../domain/contracts';
import {
  ApplicationRowSchema,
  CardRowSchema,
  CreditRowSchema,
  CustomerRowSchema,
  DeletionRowSchema,
  HoldingRowSchema,
  MovementRowSchema,
  ProductRowSchema,
  type FeedFile,
  type FeedManifest,
} from '../../domain/feed';
import { csvField } from '../../domain/measures';
import { normalizeIdentityValue } from '../../domain/identity';
import { businessDate } from '../../domain/ticket-number';
import type { ConversionRow } from '../../domain/conversions';
import { loadBranch, type Branch } from '../branch';
import { openDatabase, type Db } from '../db/open';
import { Journal } from '../journal';
import { IdentifierKey } from '../../customer-data/identifier-key';
import {
  createLookupIndexes,
  createSnapshotFile,
  finishSnapshotFile,
  liveSnapshot,
  removeSnapshotFile,
  setMeta,
  snapshotFiles,
  snapshotsDir,
  switchSnapshot,
} from '../customers/snapshot';
import { SnapshotWriter } from '../customers/snapshot-writer';
import { carryVisitors, visitorsToKeep } from '../customers/visitors';
import { computeTiers, TierSums, type TierCounts } from '../customers/tiers';
import type { ProductCategory } from '../../domain/products';
import { recordConversions } from '../visits/conversions';
import { CsvFileError } from '../../customer-data/csv-rows';
import { checkFeedFiles, checkRejectLimit, FeedRefused, readManifest } from '../../customer-data/feed-manifest';
import { FeedParser } from './feed-parser';
import type { ParsedItem, SealedIdentifiers } from '../../customer-data/feed-parse';
import Database from 'better-sqlite3';

export interface ImportProgress {
  file: FeedFile;
  rows: number;
  totalRows: number;
  /** Of the whole feed (all files' rows). */
  percent: number;
  rowsPerSecond: number;
}

export interface FileSummary {
  file: FeedFile;
  rows: number;
  loaded: number;
  rejected: number;
  warnings: string[];
  ms: number;
}

export interface ImportOptions {
  dataDir: string;
  feedDir: string;
  /** Who started it: `cli:<os user>`, `demo`, … */
  by: string;
  /** Refuse the feed when more than this share of its rows (percent) is rejected (default 1). */
  maxRejectPercent?: number;
  onProgress?: (p: ImportProgress) => void;
  onFile?: (f: FileSummary) => void;
  now?: () => number;
  /** The branch database connection to use (the hub seeding its demo); else one is opened and closed. */
  db?: Db;
  /** Rows per batch handed from the reading thread to the writing one (default 10,000). */
  batch?: number;
  /** The business date tiers are computed for (default: today in the branch's time zone). */
  today?: string;
  /** Read the files in this thread, not a worker. */
  inThread?: boolean;
  /**
   * Run this import at a lower CPU priority (nice +10, the reading thread too): the command's way,
   * so that the lobby's hub on the same machine keeps its speed while a nightly feed loads. Not for
   * an import inside the hub's own process (the demo's seeding).
   */
  background?: boolean;
}

export type ImportResult =
  | {
      status: 'done';
      feedId: string;
      asOf: string;
      mode: 'full' | 'delta';
      counts: Partial<Record<FeedFile, number>>;
      rows: number;
      rejected: number;
      rejectsFile: string | null;
      tiers: TierCounts;
      durationMs: number;
      snapshot: string;
      warnings: string[];
    }
  | { status: 'duplicate'; feedId: string; reason: string }
  | { status: 'refused'; feedId: string | null; reason: string; rejectsFile?: string | null };

export { FeedRefused };

/** A run whose heartbeat is older than this, or whose process is gone, was interrupted. */
const STALE_MS = 60_000;
const PROGRESS_MS = 1_000;
/** The feed is read 64 KB at a time (ParseOptions.readBytes says why). */
const READ_BYTES = 1 << 16;

export async function importFeed(opts: ImportOptions): Promise<ImportResult> {
  const now = opts.now ?? Date.now;
  // Before the reading thread starts, which takes this thread's priority.
  if (opts.background) lowerPriority();
  const started = now();
  let manifest: FeedManifest;
  try {
    manifest = readManifest(opts.feedDir);
  } catch (err) {
    return { status: 'refused', feedId: null, reason: (err as Error).message };
  }
  const db = opts.db ?? openDatabase(join(opts.dataDir, 'branch.db'));
  try {
    const branch = loadBranch(db);
    if (!branch) return { status: 'refused', feedId: manifest.feedId, reason: `no branch in ${opts.dataDir}: set it up first (hub.js setup <branch-file>)` };
    if (manifest.branchId && manifest.branchId !== branch.id) {
      return { status: 'refused', feedId: manifest.feedId, reason: `the feed is for branch ${manifest.branchId}, this data directory is branch ${branch.id}` };
    }
    const runs = new FeedRuns(db, branch.id, now, opts.dataDir);
    const done = runs.doneAt(manifest.feedId);
    if (done !== null) {
      const reason = `feed ${manifest.feedId} was loaded already (${new Date(done).toISOString()}): nothing to do`;
      runs.record(manifest, 'duplicate', opts.by, reason);
      return { status: 'duplicate', feedId: manifest.feedId, reason };
    }
    const other = runs.claim(manifest, opts.by);
    if (other) return { status: 'refused', feedId: manifest.feedId, reason: other };
    const job = new FeedJob(db, branch, manifest, opts, runs, now);
    try {
      const result = await job.run();
      return { ...result, durationMs: now() - started };
    } catch (err) {
      const reason = err instanceof FeedRefused || err instanceof CsvFileError ? err.message : `import failed: ${(err as Error).message}`;
      await job.abandon();
      runs.finish(err instanceof FeedRefused || err instanceof CsvFileError ? 'refused' : 'failed', reason);
      return { status: 'refused', feedId: manifest.feedId, reason, rejectsFile: job.rejectsPath() };
    }
  } finally {
    if (!opts.db) db.close();
  }
}

/** Nice +10 for this thread (and the threads it starts from now on); where that is not allowed, nothing. */
function lowerPriority(): void {
  try {
    setPriority(Math.min(19, getPriority() + 10));
  } catch {
    // Not permitted here: the import runs at the usual priority.
  }
}

/** A set of small positive integers as a bitmap that grows as needed. */
class IdSet {
  private bits = new Uint8Array(1 << 16);
  /** Walk-in customers from head office (customers/visitors.ts) have negative ids: a few, kept apart. */
  private readonly negative = new Set<number>();

  add(id: number): void {
    if (id < 0) {
      this.negative.add(id);
      return;
    }
    const i = id >>> 3;
    if (i >= this.bits.length) {
      const grown = new Uint8Array(Math.max(this.bits.length * 2, i + 1));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[i]! |= 1 << (id & 7);
  }

  /** Every id in the set, the negative ones first. */
  *ids(): IterableIterator<number> {
    yield* this.negative;
    for (let i = 0; i < this.bits.length; i++) {
      const b = this.bits[i]!;
      if (b === 0) continue;
      for (let j = 0; j < 8; j++) if (b & (1 << j)) yield (i << 3) | j;
    }
  }

  has(id: number): boolean {
    if (id < 0) return this.negative.has(id);
    const i = id >>> 3;
    return i < this.bits.length && (this.bits[i]! & (1 << (id & 7))) !== 0;
  }

  delete(id: number): void {
    if (id < 0) {
      this.negative.delete(id);
      return;
    }
    const i = id >>> 3;
    if (i < this.bits.length) this.bits[i]! &= ~(1 << (id & 7));
  }
}

// ---------------------------------------------------------------- the run's row in branch.db

class FeedRuns {
  private id: number | null = null;
  readonly owner = `${hostname()}:${process.pid}`;

  constructor(
    private readonly db: Db,
    private readonly branchId: string,
    private readonly now: () => number,
    private readonly dataDir: string,
  ) {}

  doneAt(feedId: string): number | null {
    return (this.db.prepare("SELECT finished_at FROM feed_run WHERE branch_id = ? AND feed_id = ? AND status = 'done'").pluck().get(this.branchId, feedId) as number | undefined) ?? null;
  }

  record(m: FeedManifest, status: 'duplicate', by: string, reason: string): void {
    const at = this.now();
    this.db
      .prepare(
        `INSERT INTO feed_run (branch_id, feed_id, as_of, mode, status, started_at, heartbeat_at, finished_at, started_by, owner, reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(this.branchId, m.feedId, m.asOf, m.mode, status, at, at, at, by, this.owner, reason);
  }

  /** Claims the branch for this import; the reason it cannot, when another is running. */
  claim(m: FeedManifest, by: string): string | null {
    return this.db.transaction((): string | null => {
      const running = this.db.prepare("SELECT id, feed_id, owner, heartbeat_at, snapshot_file FROM feed_run WHERE branch_id = ? AND status = 'running'").all(this.branchId) as {
        id: number;
        feed_id: string;
        owner: string;
        heartbeat_at: number;
        snapshot_file: string | null;
      }[];
      for (const r of running) {
        if (this.alive(r.owner) && this.now() - r.heartbeat_at < STALE_MS) return `another import (feed ${r.feed_id}, process ${r.owner}) is running: wait for it to end`;
        // Its process is gone (killed, the machine restarted): the half-built snapshot goes too.
        this.db.prepare("UPDATE feed_run SET status = 'interrupted', finished_at = ?, reason = 'the importing process stopped' WHERE id = ?").run(this.now(), r.id);
        if (r.snapshot_file) removeSnapshotFile(join(snapshotsDir(this.dataDir), r.snapshot_file));
      }
      const at = this.now();
      this.id = Number(
        this.db
          .prepare(
            `INSERT INTO feed_run (branch_id, feed_id, as_of, mode, status, started_at, heartbeat_at, started_by, owner)
             VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?)`,
          )
          .run(this.branchId, m.feedId, m.asOf, m.mode, at, at, by, this.owner).lastInsertRowid,
      );
      return null;
    }).immediate();
  }

  private alive(owner: string): boolean {
    const [host, pid] = owner.split(':');
    if (host !== hostname()) return true; // another machine: trust the heartbeat
    try {
      process.kill(Number(pid), 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }

  /** The snapshot file this run builds (removed if the run is found interrupted). */
  building(path: string): void {
    if (this.id !== null) this.db.prepare('UPDATE feed_run SET snapshot_file = ? WHERE id = ?').run(basename(path), this.id);
  }

  progress(p: { file: string | null; rows: number; totalRows: number; percent: number }, rowsRead: number, rejected: number): void {
    if (this.id === null) return;
    this.db.prepare('UPDATE feed_run SET progress_json = ?, rows_read = ?, rejected = ?, heartbeat_at = ? WHERE id = ?').run(JSON.stringify(p), rowsRead, rejected, this.now(), this.id);
  }

  finish(status: 'done' | 'refused' | 'failed', reason: string | null, extra: { counts?: object; rowsRead?: number; rejected?: number; rejectsFile?: string | null; snapshot?: string } = {}): void {
    if (this.id === null) return;
    this.db
      .prepare(
        `UPDATE feed_run SET status = ?, finished_at = ?, heartbeat_at = ?, reason = ?, progress_json = '{}',
           counts_json = COALESCE(?, counts_json), rows_read = COALESCE(?, rows_read), rejected = COALESCE(?, rejected),
           rejects_file = COALESCE(?, rejects_file), snapshot_file = COALESCE(?, snapshot_file) WHERE id = ?`,
      )
      .run(
        status,
        this.now(),
        this.now(),
        reason,
        extra.counts ? JSON.stringify(extra.counts) : null,
        extra.rowsRead ?? null,
        extra.rejected ?? null,
        extra.rejectsFile ?? null,
        extra.snapshot ?? null,
        this.id,
      );
  }
}

// ---------------------------------------------------------------- one import

interface Counts {
  rows: number;
  loaded: number;
  rejected: number;
}

class FeedJob {
  private readonly path: string;
  private snap: Db | null = null;
  private writer!: SnapshotWriter;
  private rejects: WriteStream | null = null;
  private rejectsName: string | null = null;
  private readonly counts = new Map<FeedFile, Counts>();
  private readonly warnings: string[] = [];
  private totalRows = 0;
  private rowsRead = 0;
  private rejectedAll = 0;
  private lastProgress = 0;
  private fileStarted = 0;
  /** The customers in the snapshot being built, by id (ids are dense from 1: a bit each, not a set of a million numbers). */
  private readonly present = new IdSet();
  /** The catalogue's products and their categories. */
  private products = new Map<string, ProductCategory>();
  /** A full feed adds up each customer's assets as their holdings go in: the tiers are made from these. */
  private readonly sums: TierSums | null;
  private conversions: { line: number; row: ConversionRow; customerId: number | null }[] = [];
  private readonly batch: number;
  private readonly today: string;
  private parser: FeedParser | null = null;

  constructor(
    private readonly db: Db,
    private readonly branch: Branch,
    private readonly m: FeedManifest,
    private readonly opts: ImportOptions,
    private readonly runs: FeedRuns,
    private readonly now: () => number,
  ) {
    this.path = join(snapshotsDir(opts.dataDir), `${m.feedId}-${now()}.db`);
    this.batch = opts.batch ?? 10_000;
    this.sums = m.mode === 'full' ? new TierSums() : null;
    this.today = opts.today ?? businessDate(new Date(now()), branch.rules.timeZone);
  }

  rejectsPath(): string | null {
    return this.rejectsName;
  }

  async run(): Promise<Omit<Extract<ImportResult, { status: 'done' }>, 'durationMs'>> {
    const m = this.m;
    const { files, totalRows } = await checkFeedFiles(this.opts.feedDir, m);
    this.totalRows = totalRows;
    this.removeStale();
    const key = IdentifierKey.loadOrCreate(this.opts.dataDir);
    this.parser = FeedParser.start(key, { inThread: this.opts.inThread === true });
    const live = liveSnapshot(this.db, this.branch.id);
    const livePath = live ? join(snapshotsDir(this.opts.dataDir), live.file) : null;
    this.runs.building(this.path);
    this.snap = this.openBuild(livePath);
    this.writer = new SnapshotWriter(this.snap, key, m.asOf, m.mode === 'full' ? 'insert' : 'upsert');
    if (m.mode === 'delta') {
      for (const id of this.snap.prepare('SELECT id FROM customer').pluck().iterate() as IterableIterator<number>) this.present.add(id);
      for (const p of this.snap.prepare('SELECT code, category FROM product').iterate() as IterableIterator<{ code: string; category: ProductCategory }>) this.products.set(p.code, p.category);
    }

    // Order matters: the catalogue and the customers before what refers to them.
    try {
      for (const f of files) await this.load(f);
    } finally {
      await this.parser.close();
    }
    this.checkRefusals(files);
    if (m.mode === 'full' && livePath) {
      // Today's walk-ins of other branches stay (the hub carries those stored after this, when it follows the switch).
      this.snap.prepare('ATTACH DATABASE ? AS live').run(livePath);
      try {
        carryVisitors(this.snap, 'main', 'live', visitorsToKeep(this.db, this.today));
      } finally {
        this.snap.exec('DETACH DATABASE live');
      }
    }
    createLookupIndexes(this.snap);

    const tiers = await this.tiers();
    setMeta(this.snap, {
      feed_id: m.feedId,
      as_of: m.asOf,
      mode: m.mode,
      branch_id: this.branch.id,
      created_at: new Date(this.now()).toISOString(),
      counts: JSON.stringify(Object.fromEntries([...this.counts].map(([f, c]) => [f, c.loaded]))),
    });
    finishSnapshotFile(this.snap);
    this.snap = null;
    await this.closeRejects();

    const counts = Object.fromEntries([...this.counts].map(([f, c]) => [f, c.loaded])) as Partial<Record<FeedFile, number>>;
    // One transaction: the pointer, the conversions, the run and its audit row.
    const journal = new Journal(this.db, this.now);
    const who = { subjectId: this.opts.by, role: 'system' as const };
    this.db.transaction(() => {
      switchSnapshot(this.db, this.branch.id, { file: this.path, feedId: m.feedId, asOf: m.asOf }, this.now());
      if (this.conversions.length) recordConversions(this.db, journal, this.branch.id, this.conversions, [], [], m.asOf, 'feed', who, this.now());
      this.runs.finish('done', null, { counts, rowsRead: this.rowsRead, rejected: this.rejectedAll, rejectsFile: this.rejectsName, snapshot: basename(this.path) });
      journal.audit({
        branchId: this.branch.id,
        actor: this.opts.by,
        role: 'system',
        action: 'feed.import',
        subject: `feed:${m.feedId}`,
        detail: { asOf: m.asOf, mode: m.mode, counts, rejected: this.rejectedAll, snapshot: basename(this.path) },
      });
    })();
    return {
      status: 'done',
      feedId: m.feedId,
      asOf: m.asOf,
      mode: m.mode,
      counts,
      rows: this.rowsRead,
      rejected: this.rejectedAll,
      rejectsFile: this.rejectsName,
      tiers,
      snapshot: this.path,
      warnings: this.warnings,
    };
  }

  /** Tiers, stars and key customers under the branch's rules: from the sums a full feed made as it went, or read back. */
  private async tiers(): Promise<TierCounts> {
    const rules = this.branch.rules.tiering;
    if (!this.sums) return computeTiers(this.snap!, rules, this.today, { batch: 50_000 });
    const counts = this.sums.write(this.snap!, this.present.ids(), rules, this.today);
    // Walk-ins of other branches (ids below 1), carried over or in the feed, from their holdings.
    const walkIns = await computeTiers(this.snap!, rules, this.today, { batch: 50_000, upTo: 0 });
    counts.customers += walkIns.customers;
    counts.keyCustomers += walkIns.keyCustomers;
    for (const t of Object.keys(counts.tiers) as (keyof TierCounts['tiers'])[]) counts.tiers[t] += walkIns.tiers[t];
    return counts;
  }

  /** The file being built: empty with the carried-over id registry (full), or a copy of the live one (delta). */
  private openBuild(livePath: string | null): Db {
    if (this.m.mode === 'delta') {
      if (!livePath) throw new FeedRefused('a delta needs a snapshot to apply to: load a full feed first');
      const src = new Database(livePath, { readonly: true, fileMustExist: true });
      try {
        removeSnapshotFile(this.path);
        mkdirSync(snapshotsDir(this.opts.dataDir), { recursive: true });
        src.prepare('VACUUM INTO ?').run(this.path);
      } finally {
        src.close();
      }
      const db = new Database(this.path);
      db.pragma('journal_mode = OFF');
      db.pragma('synchronous = OFF');
      db.pragma('cache_size = -131072');
      return db;
    }
    // From nothing: the lookup indexes are made once the customers are in (see LOOKUP_INDEXES).
    const db = createSnapshotFile(this.path, { lookupIndexesLater: true });
    if (livePath) {
      db.prepare('ATTACH DATABASE ? AS live').run(livePath);
      db.exec('INSERT INTO customer_key (id, cif) SELECT id, cif FROM live.customer_key');
      db.exec('DETACH DATABASE live');
    }
    return db;
  }

  /** Snapshot files neither live nor claimed by a running import: leftovers of interrupted runs. */
  private removeStale(): void {
    const live = liveSnapshot(this.db, this.branch.id)?.file;
    const running = new Set(
      (this.db.prepare("SELECT snapshot_file FROM feed_run WHERE status = 'running' AND snapshot_file IS NOT NULL").pluck().all() as string[]).filter(Boolean),
    );
    for (const f of snapshotFiles(this.opts.dataDir)) {
      if (f === live || running.has(f)) continue;
      // The previous live file may still be attached by a hub that has not followed yet: it goes when the hub lets it go.
      const age = this.now() - statSync(join(snapshotsDir(this.opts.dataDir), f)).mtimeMs;
      if (age > STALE_MS) removeSnapshotFile(join(snapshotsDir(this.opts.dataDir), f));
    }
  }

  /** Drops the half-built snapshot; the rejects file is kept (it says why) and closed. */
  async abandon(): Promise<void> {
    await this.parser?.close();
    if (this.snap?.open) this.snap.close();
    this.snap = null;
    removeSnapshotFile(this.path);
    await this.closeRejects();
  }

  // ------------------------------------------------------------ files

  private async load(file: FeedFile): Promise<void> {
    const c: Counts = { rows: 0, loaded: 0, rejected: 0 };
    this.counts.set(file, c);
    this.fileStarted = this.now();
    const handler = this.handlerFor(file);
    const write = (items: Iterable<ParsedItem>) => {
      (() => {
        for (const it of items) {
          c.rows++;
          this.rowsRead++;
          let reason: FileRowReject | null = 'reject' in it ? it.reject : null;
          if ('row' in it) {
            const refused = handler.apply(it.row as never, it.line, it.sealed);
            if (refused) reason = { file, line: it.line, column: refused.column, reason: refused.reason };
          }
          if (reason) {
            c.rejected++;
            this.rejectedAll++;
            this.reject(reason);
          } else c.loaded++;
        }
      })();
      this.tick(file);
    };
    // One transaction for the whole file: the snapshot being built is this import's alone (nothing
    // reads it until the switch, and an import that fails drops it), and committing every batch
    // would write the pages of its lookup indexes again each time (random keys touch most of them).
    this.snap!.exec('BEGIN');
    await this.parser!.parse(
      { path: join(this.opts.feedDir, file), file, encoding: this.m.encoding, batch: this.batch, readBytes: READ_BYTES },
      {
        header: (unknown) => {
          for (const u of unknown) this.warnings.push(`${file}: unknown column ${u} ignored`);
        },
        batch: write,
      },
    );
    this.snap!.exec('COMMIT');
    this.tick(file, true);
    const expected = this.m.files[file]!.rows;
    if (c.rows !== expected) throw new FeedRefused(`${file} has ${c.rows} rows, the manifest says ${expected}`);
    this.opts.onFile?.({ file, rows: c.rows, loaded: c.loaded, rejected: c.rejected, warnings: this.warnings.filter((w) => w.startsWith(file)), ms: this.now() - this.fileStarted });
  }

  private tick(file: FeedFile, force = false): void {
    const t = this.now();
    if (!force && t - this.lastProgress < PROGRESS_MS) return;
    this.lastProgress = t;
    const c = this.counts.get(file)!;
    const percent = this.totalRows ? Math.min(100, Math.round((this.rowsRead / this.totalRows) * 1000) / 10) : 100;
    const elapsed = Math.max(1, t - this.fileStarted);
    this.runs.progress({ file, rows: c.rows, totalRows: this.m.files[file]!.rows, percent }, this.rowsRead, this.rejectedAll);
    this.opts.onProgress?.({ file, rows: c.rows, totalRows: this.m.files[file]!.rows, percent, rowsPerSecond: Math.round((c.rows * 1000) / elapsed) });
  }

  private reject(r: FileRowReject): void {
    if (!this.rejects) {
      const dir = join(this.opts.dataDir, 'feeds');
      mkdirSync(dir, { recursive: true });
      this.rejectsName = join(dir, `${this.m.feedId}.rejects.csv`);
      this.rejects = createWriteStream(this.rejectsName);
      this.rejects.write('\uFEFFfile,line,column,reason\r\n');
    }
    this.rejects.write(`${[r.file, r.line, r.column, r.reason].map(csvField).join(',')}\r\n`);
  }

  private async closeRejects(): Promise<void> {
    if (!this.rejects) return;
    this.rejects.end();
    await once(this.rejects, 'finish');
  }

  private checkRefusals(files: readonly FeedFile[]): void {
    checkRejectLimit(files, this.counts, this.rejectedAll, this.opts.maxRejectPercent ?? 1, this.rejectsName);
  }


  // ------------------------------------------------------------ what each file's rows do

  private customerId(cif: string): number | null {
    const id = this.writer.ids.get(cif);
    return id !== undefined && this.present.has(id) ? id : null;
  }

  private handlerFor(file: FeedFile): { apply: (row: never, line: number, sealed?: SealedIdentifiers) => { column: string | null; reason: string } | null } {
    const w = this.writer;
    const unknownCif = (cif: string) => ({ column: 'cif', reason: `no customer with cif ${cif}` });
    const duplicate = (column: string, value: string) => ({ column, reason: `${column} ${value} appears more than once` });
    const isDuplicate = (err: unknown) => err instanceof Error && /UNIQUE|PRIMARY KEY/.test(err.message);
    switch (file) {
      case 'products.csv':
        return {
          apply: (r: z.output<typeof ProductRowSchema>) => {
            try {
              w.product({
                code: r.product_code,
                category: r.category,
                nameZh: r.name_zh,
                nameEn: r.name_en,
                riskLevel: r.risk_level,
                isCredit: r.is_credit,
                lifeStages: r.life_stages ?? [],
                minAge: r.min_age ?? 18,
                maxAge: r.max_age ?? 120,
                basePropensity: r.base_propensity ?? 0.05,
                value: r.value ?? 1,
                lever: r.lever ?? 1,
                active: r.active ?? true,
              });
            } catch (err) {
              if (isDuplicate(err)) return duplicate('product_code', r.product_code);
              throw err;
            }
            this.products.set(r.product_code, r.category);
            return null;
          },
        };
      case 'customers.csv':
        return {
          apply: (r: z.output<typeof CustomerRowSchema>, _line: number, sealed?: SealedIdentifiers) => {
            try {
              const id = w.customer({
                cif: r.cif,
                name: r.name,
                gender: r.gender,
                birthDate: r.birth_date,
                phone: r.phone,
                residentId: r.resident_id,
                maritalStatus: r.marital_status,
                occupation: r.occupation,
                riskTolerance: r.risk_tolerance,
                riskAssessedOn: r.risk_assessed_on ?? null,
                marketingConsent: r.marketing_consent,
                homeBranchId: r.home_branch_id,
                relationshipManager: r.relationship_manager ?? null,
                lastOverdueOn: r.last_overdue_on ?? null,
                resident: r.resident ?? true,
                controlExempt: r.control_group_exempt ?? false,
              }, sealed);
              this.present.add(id);
              this.sums?.overdueOn(id, r.last_overdue_on ?? null);
            } catch (err) {
              if (isDuplicate(err)) return duplicate('cif', r.cif);
              throw err;
            }
            return null;
          },
        };
      case 'cards.csv':
        return {
          apply: (r: z.output<typeof CardRowSchema>, _line: number, sealed?: SealedIdentifiers) => {
            const id = this.customerId(r.cif);
            if (id === null) return unknownCif(r.cif);
            try {
              w.card({ cardNumber: r.card_number, customerId: id, kind: r.kind }, sealed);
            } catch (err) {
              if (isDuplicate(err)) return { column: 'card_number', reason: 'card_number appears more than once' };
              throw err;
            }
            return null;
          },
        };
      case 'holdings.csv':
        return {
          apply: (r: z.output<typeof HoldingRowSchema>) => {
            const id = this.customerId(r.cif);
            if (id === null) return unknownCif(r.cif);
            const category = this.products.get(r.product_code);
            if (category === undefined) return { column: 'product_code', reason: `no product ${r.product_code} in the catalogue` };
            try {
              w.holding({ accountId: r.account_id, customerId: id, productCode: r.product_code, branchId: r.branch_id, amountFen: r.amount, openedOn: r.opened_on, maturityOn: r.maturity_on ?? null });
            } catch (err) {
              if (isDuplicate(err)) return duplicate('account_id', r.account_id);
              throw err;
            }
            this.sums?.holding(id, category, r.amount);
            return null;
          },
        };
      case 'credit.csv': {
        const holding = this.snap!.prepare('SELECT id, customer_id, product_code FROM holding WHERE account_id = ?');
        return {
          apply: (r: z.output<typeof CreditRowSchema>) => {
            const h = holding.get(r.account_id) as { id: number; customer_id: number; product_code: string } | undefined;
            if (!h) return { column: 'account_id', reason: `no holding with account_id ${r.account_id}` };
            const credit = {
              holdingId: h.id,
              customerId: h.customer_id,
              productCode: h.product_code,
              nextDueOn: r.next_due_on ?? null,
              dueFen: r.due_amount ?? 0,
              overdueDays: r.overdue_days ?? 0,
              classification: r.classification ?? 'normal',
              previousClassification: r.previous_classification ?? null,
              classifiedOn: r.classified_on ?? null,
            };
            try {
              w.credit(credit);
            } catch (err) {
              if (isDuplicate(err)) return duplicate('account_id', r.account_id);
              throw err;
            }
            return null;
          },
        };
      }
      case 'movements.csv':
        return {
          apply: (r: z.output<typeof MovementRowSchema>) => {
            const id = this.customerId(r.cif);
            if (id === null) return unknownCif(r.cif);
            w.movement({ customerId: id, onDate: r.on_date, direction: r.direction, amountFen: r.amount, otherBank: r.other_bank ?? false });
            return null;
          },
        };
      case 'applications.csv':
        return {
          apply: (r: z.output<typeof ApplicationRowSchema>) => {
            const id = this.customerId(r.cif);
            if (id === null) return unknownCif(r.cif);
            try {
              w.application({ customerId: id, productCode: r.product_code, status: r.status, appliedOn: r.applied_on });
            } catch (err) {
              if (isDuplicate(err)) return { column: null, reason: `the application of ${r.cif} for ${r.product_code} on ${r.applied_on} appears more than once` };
              throw err;
            }
            return null;
          },
        };
      case 'conversions.csv':
        return {
          apply: (r: ConversionRow, line: number) => {
            if (r.opened_on > this.m.asOf) return { column: 'opened_on', reason: `${r.opened_on} is after the feed's asOf (${this.m.asOf})` };
            const id = this.customerId(r.cif);
            if (id === null) return unknownCif(r.cif);
            this.conversions.push({ line, row: r, customerId: id });
            return null;
          },
        };
      case 'deletions.csv':
        return {
          apply: (r: z.output<typeof DeletionRowSchema>) => {
            if (this.m.mode !== 'delta') return { column: 'entity', reason: 'deletions belong to a delta feed (a full feed replaces everything)' };
            const gone = this.delete(r.entity, r.key);
            return gone ? null : { column: 'key', reason: `no ${r.entity} ${r.key} to delete` };
          },
        };
    }
  }

  /** Removes what a delta's deletions.csv names; true when something was there. */
  private delete(entity: 'customer' | 'card' | 'holding' | 'product', key: string): boolean {
    const db = this.snap!;
    switch (entity) {
      case 'customer': {
        const id = this.customerId(key);
        if (id === null) return false;
        for (const t of ['card', 'account_movement', 'credit_status', 'product_application', 'holding']) db.prepare(`DELETE FROM ${t} WHERE customer_id = ?`).run(id);
        db.prepare('DELETE FROM customer WHERE id = ?').run(id);
        this.present.delete(id); // the id stays in customer_key: never given to anyone else
        return true;
      }
      case 'card':
        return db.prepare('DELETE FROM card WHERE card_lookup = ?').run(this.writer.lookup('card', normalizeIdentityValue('card', key))).changes > 0;
      case 'holding': {
        const h = db.prepare('SELECT id FROM holding WHERE account_id = ?').pluck().get(key) as number | undefined;
        if (h === undefined) return false;
        db.prepare('DELETE FROM credit_status WHERE holding_id = ?').run(h);
        db.prepare('DELETE FROM holding WHERE id = ?').run(h);
        return true;
      }
      case 'product': {
        if (db.prepare('SELECT 1 FROM holding WHERE product_code = ? LIMIT 1').get(key)) return false;
        const gone = db.prepare('DELETE FROM product WHERE code = ?').run(key).changes > 0;
        if (gone) this.products.delete(key);
        return gone;
      }
    }
  }
}
