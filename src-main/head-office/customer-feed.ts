/**
 * `head-office.js import-feed <dir>`: the bank's warehouse feed loaded once for every branch into
 * PostgreSQL — the same manifest, files, columns and row checks as a branch's import
 * (customer-data/: Papa Parse and the domain's zod schemas), written through COPY.
 *
 * 1. The manifest and every file's sha256 are checked first; the same feedId loaded before is a
 *    no-op that says so; another import running (an advisory lock) refuses this one.
 * 2. Each file is read and checked row by row and copied (COPY … FROM STDIN) into a table beside
 *    the live one (`ho_customer_next` …) with the line it came from. Identifiers are kept as at a
 *    branch: lookup hash, sealed copy, masked form, under the key `HEAD_OFFICE_DATA_KEY` names.
 * 3. What one row cannot show is checked in SQL once a file is in: a key that appears twice (the
 *    first row is kept, later ones rejected) and references (a card's or holding's cif, a holding's
 *    product, a credit line's account). Every rejected row is written with file, line, column and
 *    reason to the rejects CSV (and the first thousand to `ho_feed_reject` for the screens).
 * 4. Refused whole when a row count differs from the manifest or more than `maxRejectPercent` of
 *    the rows were rejected; otherwise the new tables replace the live ones in one transaction
 *    (what a branch's slice or a lookup reads switches at once, never half).
 *
 * A delta (mode "delta") is checked the same way into staging tables and applied in one
 * transaction: rows upserted by their key, deletions.csv applied (runDelta).
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import type { FileRowReject } from '../domain/contracts';
import type { FeedFile, FeedManifest } from '../domain/feed';
import { csvField } from '../domain/measures';
import { CsvFileError } from '../customer-data/csv-rows';
import { checkFeedFiles, checkRejectLimit, FeedRefused, readManifest } from '../customer-data/feed-manifest';
import { parseFeedFile, type ParsedItem, type SealedIdentifiers } from '../customer-data/feed-parse';
import type { IdentifierKey } from '../customer-data/identifier-key';
import type { Pool, PoolClient } from './db';

export { FeedRefused };

/** One live table of customer data, how a feed file's row goes into it and what is checked once it is in. */
interface TableSpec {
  table: string;
  file: FeedFile;
  columns: readonly string[];
  row(r: Record<string, unknown>, s: SealedIdentifiers | undefined, key: IdentifierKey): readonly unknown[];
  primaryKey?: { columns: string; column: string; what: string };
  indexes: readonly { name: string; columns: string }[];
  /** References to tables loaded before: the column, the table it must be in, and that table's key. */
  references: readonly { column: string; table: string; key: string; what: string }[];
}

/** A bytea value, written in COPY's hex form. */
class Hex {
  constructor(readonly hex: string) {}
}
const bytes = (b: Uint8Array | undefined) => (b ? new Hex(Buffer.from(b).toString('hex')) : null);
const opt = (v: unknown) => (v === undefined ? null : v);

export const CUSTOMER_TABLES: readonly TableSpec[] = [
  {
    table: 'ho_product',
    file: 'products.csv',
    columns: ['product_code', 'category', 'name_zh', 'name_en', 'risk_level', 'is_credit', 'life_stages', 'min_age', 'max_age', 'base_propensity', 'value', 'lever', 'active'],
    row: (r) => [r.product_code, r.category, r.name_zh, r.name_en, r.risk_level, r.is_credit, r.life_stages ? (r.life_stages as string[]).join('|') : null, opt(r.min_age), opt(r.max_age), opt(r.base_propensity), opt(r.value), opt(r.lever), opt(r.active)],
    primaryKey: { columns: 'product_code', column: 'product_code', what: 'product_code' },
    indexes: [],
    references: [],
  },
  {
    table: 'ho_customer',
    file: 'customers.csv',
    columns: ['cif', 'name', 'gender', 'birth_date', 'phone_lookup', 'phone_sealed', 'phone_masked', 'id_lookup', 'id_sealed', 'id_masked', 'marital_status', 'occupation', 'risk_tolerance', 'marketing_consent', 'home_branch_id', 'relationship_manager', 'risk_assessed_on', 'last_overdue_on', 'resident', 'control_group_exempt'],
    row: (r, s, key) => [
      r.cif, r.name, r.gender, r.birth_date,
      bytes(s!.phoneLookup), bytes(key.seal(r.phone as string)), s!.phoneMasked,
      bytes(s!.idLookup), bytes(key.seal(r.resident_id as string)), s!.idMasked,
      r.marital_status, r.occupation, r.risk_tolerance, r.marketing_consent, r.home_branch_id,
      opt(r.relationship_manager), opt(r.risk_assessed_on), opt(r.last_overdue_on), opt(r.resident), opt(r.control_group_exempt),
    ],
    primaryKey: { columns: 'cif', column: 'cif', what: 'cif' },
    indexes: [
      { name: 'home', columns: 'home_branch_id' },
      { name: 'phone', columns: 'phone_lookup' },
      { name: 'id', columns: 'id_lookup' },
    ],
    references: [],
  },
  {
    table: 'ho_card',
    file: 'cards.csv',
    columns: ['card_lookup', 'card_sealed', 'card_masked', 'cif', 'kind'],
    row: (r, s, key) => [bytes(s!.cardLookup), bytes(key.seal(r.card_number as string)), s!.cardMasked, r.cif, r.kind],
    primaryKey: { columns: 'card_lookup', column: 'card_number', what: 'card_number' },
    indexes: [{ name: 'cif', columns: 'cif' }],
    references: [{ column: 'cif', table: 'ho_customer', key: 'cif', what: 'customer with cif' }],
  },
  {
    table: 'ho_holding',
    file: 'holdings.csv',
    columns: ['account_id', 'cif', 'product_code', 'branch_id', 'amount_fen', 'opened_on', 'maturity_on'],
    row: (r) => [r.account_id, r.cif, r.product_code, r.branch_id, r.amount, r.opened_on, opt(r.maturity_on)],
    primaryKey: { columns: 'account_id', column: 'account_id', what: 'account_id' },
    indexes: [
      { name: 'cif', columns: 'cif' },
      { name: 'branch', columns: 'branch_id' },
    ],
    references: [
      { column: 'cif', table: 'ho_customer', key: 'cif', what: 'customer with cif' },
      { column: 'product_code', table: 'ho_product', key: 'product_code', what: 'product' },
    ],
  },
  {
    table: 'ho_credit',
    file: 'credit.csv',
    columns: ['account_id', 'next_due_on', 'due_amount_fen', 'overdue_days', 'classification', 'previous_classification', 'classified_on'],
    row: (r) => [r.account_id, opt(r.next_due_on), opt(r.due_amount), opt(r.overdue_days), opt(r.classification), opt(r.previous_classification), opt(r.classified_on)],
    primaryKey: { columns: 'account_id', column: 'account_id', what: 'account_id' },
    indexes: [],
    references: [{ column: 'account_id', table: 'ho_holding', key: 'account_id', what: 'holding with account_id' }],
  },
  {
    table: 'ho_movement',
    file: 'movements.csv',
    columns: ['cif', 'on_date', 'direction', 'amount_fen', 'other_bank'],
    row: (r) => [r.cif, r.on_date, r.direction, r.amount, opt(r.other_bank)],
    indexes: [{ name: 'cif', columns: 'cif' }],
    references: [{ column: 'cif', table: 'ho_customer', key: 'cif', what: 'customer with cif' }],
  },
  {
    table: 'ho_application',
    file: 'applications.csv',
    columns: ['cif', 'product_code', 'status', 'applied_on'],
    row: (r) => [r.cif, r.product_code, r.status, r.applied_on],
    indexes: [{ name: 'cif', columns: 'cif' }],
    references: [{ column: 'cif', table: 'ho_customer', key: 'cif', what: 'customer with cif' }],
  },
  {
    table: 'ho_conversion',
    file: 'conversions.csv',
    columns: ['cif', 'product_code', 'opened_on', 'account_id'],
    row: (r) => [r.cif, r.product_code, r.opened_on, opt(r.account_id)],
    indexes: [{ name: 'cif', columns: 'cif' }],
    references: [{ column: 'cif', table: 'ho_customer', key: 'cif', what: 'customer with cif' }],
  },
];

/** A delta's deletions (entity, key): a card by its lookup hash (hex), the rest by their key. */
const DELETIONS: TableSpec = {
  table: 'ho_deletion',
  file: 'deletions.csv',
  columns: ['entity', 'key'],
  row: (r, _s, key) => [r.entity, r.entity === 'card' ? key.lookup('card', r.key as string).toString('hex') : r.key],
  indexes: [],
  references: [],
};

/** A value in COPY's text format: \N for null, t/f, and backslash, tab and line breaks escaped. */
function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (v === true) return 't';
  if (v === false) return 'f';
  if (typeof v === 'number') return String(v);
  // bytea as \x… (the backslash escaped once for COPY's text format).
  if (v instanceof Hex) return '\\\\x' + v.hex;
  const s = String(v);
  return /[\\\t\n\r]/.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s;
}

export interface HeadOfficeImportOptions {
  feedDir: string;
  key: IdentifierKey;
  by: string;
  /** Where the rejects CSV goes (a directory); `<feedId>.rejects.csv`. */
  rejectsDir: string;
  maxRejectPercent?: number;
  /** Rows per COPY chunk. */
  batch?: number;
  onFile?: (f: { file: FeedFile; rows: number; loaded: number; rejected: number; ms: number }) => void;
  onProgress?: (p: { file: FeedFile; rows: number; totalRows: number }) => void;
}

export type HeadOfficeImportResult =
  | { status: 'done'; feedId: string; asOf: string; counts: Partial<Record<FeedFile, number>>; rows: number; rejected: number; rejectsFile: string | null; warnings: string[]; durationMs: number }
  | { status: 'duplicate'; feedId: string; reason: string }
  | { status: 'refused'; feedId: string | null; reason: string; rejectsFile: string | null };

/** An arbitrary key for the advisory lock that lets one import run at a time. */
const IMPORT_LOCK = 73_110_415;
/** How long the switch waits for the customer tables each time, and how often it tries. */
const SWAP_LOCK_WAIT = '10s';
const SWAP_ATTEMPTS = 6;
/** Rejects kept in the database per feed (all of them are in the CSV file). */
const REJECTS_IN_DB = 1000;

const KEY_CHECK_TEXT = 'branch-lobby head-office key check';

/**
 * Refuses a key other than the one the customer data was loaded under (the first import records
 * its check value); with `record`, records it when there is none yet.
 */
export async function checkDataKey(c: Pick<PoolClient, 'query'>, key: IdentifierKey, record: boolean): Promise<void> {
  const mine = key.lookup('card', KEY_CHECK_TEXT);
  const got = await c.query<{ check_value: Buffer }>('SELECT check_value FROM ho_data_key');
  const known = got.rows[0]?.check_value;
  if (known && !known.equals(mine)) {
    throw new FeedRefused('HEAD_OFFICE_DATA_KEY is not the key the customer data was loaded under: give every head-office process the same key file');
  }
  if (!known && record) await c.query('INSERT INTO ho_data_key (check_value) VALUES ($1) ON CONFLICT (id) DO NOTHING', [mine]);
}

export async function importCustomerFeed(pool: Pool, opts: HeadOfficeImportOptions): Promise<HeadOfficeImportResult> {
  const started = Date.now();
  let m: FeedManifest;
  try {
    m = readManifest(opts.feedDir);
  } catch (err) {
    if (err instanceof FeedRefused) return { status: 'refused', feedId: null, reason: err.message, rejectsFile: null };
    throw err;
  }
  const c = await pool.connect();
  let job: Job | null = null;
  // A connection that could not let go of the import's lock is closed, not pooled with it.
  let unlocked = true;
  try {
    const locked = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [IMPORT_LOCK]);
    if (!locked.rows[0]?.ok) return { status: 'refused', feedId: m.feedId, reason: 'another feed import is running at head office', rejectsFile: null };
    unlocked = false;
    try {
      const done = await c.query<{ finished_at: Date }>("SELECT finished_at FROM ho_feed WHERE feed_id = $1 AND status = 'done'", [m.feedId]);
      if (done.rows[0]) {
        return { status: 'duplicate', feedId: m.feedId, reason: `feed ${m.feedId} was loaded already (${done.rows[0].finished_at.toISOString()}); nothing to do` };
      }
      await checkDataKey(c, opts.key, false);
      await c.query(
        `INSERT INTO ho_feed (feed_id, as_of, mode, status, started_by) VALUES ($1, $2, $3, 'running', $4)
         ON CONFLICT (feed_id) DO UPDATE SET status = 'running', started_at = now(), finished_at = NULL, started_by = $4, counts = '{}', rows_read = 0, rejected = 0, reason = NULL`,
        [m.feedId, m.asOf, m.mode, opts.by],
      );
      await c.query('DELETE FROM ho_feed_reject WHERE feed_id = $1', [m.feedId]);
      job = new Job(c, m, opts);
      const out = await job.run();
      return { ...out, durationMs: Date.now() - started };
    } catch (err) {
      const reason = err instanceof FeedRefused || err instanceof CsvFileError ? err.message : `failed: ${(err as Error).message}`;
      await job?.abandon();
      await c.query(`UPDATE ho_feed SET status = $2, finished_at = now(), reason = $3 WHERE feed_id = $1`, [m.feedId, err instanceof FeedRefused || err instanceof CsvFileError ? 'refused' : 'failed', reason]).catch(() => undefined);
      if (err instanceof FeedRefused || err instanceof CsvFileError) return { status: 'refused', feedId: m.feedId, reason, rejectsFile: job?.rejectsFile ?? null };
      throw err;
    } finally {
      unlocked = await c.query('SELECT pg_advisory_unlock($1)', [IMPORT_LOCK]).then(
        () => true,
        () => false,
      );
    }
  } finally {
    c.release(unlocked ? undefined : true);
  }
}

class Job {
  /** Where a file's rows go first: beside the live table (full: replaces it) or a delta's staging table. */
  private readonly suffix: '_next' | '_delta';
  private readonly counts = new Map<FeedFile, { rows: number; rejected: number }>();
  private rejects: WriteStream | null = null;
  rejectsFile: string | null = null;
  private rejectedAll = 0;
  private rowsRead = 0;
  private rejectsInDb: FileRowReject[] = [];
  private readonly warnings: string[] = [];

  constructor(
    private readonly c: PoolClient,
    private readonly m: FeedManifest,
    private readonly opts: HeadOfficeImportOptions,
  ) {
    this.suffix = m.mode === 'full' ? '_next' : '_delta';
  }

  async run(): Promise<Omit<Extract<HeadOfficeImportResult, { status: 'done' }>, 'durationMs'>> {
    const m = this.m;
    const { files } = await checkFeedFiles(this.opts.feedDir, m);
    if (m.mode === 'delta') return this.runDelta(files);
    if (files.includes('deletions.csv')) throw new FeedRefused('deletions.csv belongs to a delta feed (a full feed replaces everything)');
    // Every live table gets a new one (a full feed replaces all), empty where the feed has no file.
    for (const t of CUSTOMER_TABLES) {
      await this.c.query(`DROP TABLE IF EXISTS ${t.table}_next`);
      await this.c.query(`CREATE TABLE ${t.table}_next (LIKE ${t.table} INCLUDING DEFAULTS, line BIGINT NOT NULL)`);
    }
    for (const t of CUSTOMER_TABLES) {
      if (files.includes(t.file)) await this.load(t);
      await this.finishTable(t);
    }
    this.checkRefusals(files);
    await this.closeRejects();
    const counts = Object.fromEntries(files.filter((f) => f !== 'deletions.csv').map((f) => [f, this.loaded(f)])) as Partial<Record<FeedFile, number>>;

    // One transaction: the new tables replace the live ones, the run is recorded.
    await this.switchIn(async () => {
      for (const t of CUSTOMER_TABLES) {
        await this.c.query(`DROP TABLE ${t.table}`);
        await this.c.query(`ALTER TABLE ${t.table}_next RENAME TO ${t.table}`);
        await this.c.query(`ALTER TABLE ${t.table} DROP COLUMN line`);
        if (t.primaryKey) await this.c.query(`ALTER INDEX ${t.table}_next_pkey RENAME TO ${t.table}_pkey`);
        for (const ix of t.indexes) await this.c.query(`ALTER INDEX ${t.table}_next_${ix.name} RENAME TO ${t.table}_${ix.name}`);
      }
    }, counts);
    return { status: 'done', feedId: m.feedId, asOf: m.asOf, counts, rows: this.rowsRead, rejected: this.rejectedAll, rejectsFile: this.rejectsFile, warnings: this.warnings };
  }

  /**
   * A delta: each file into a staging table, checked like a full feed's (a key twice: the last row
   * wins, as at a branch; references to what the live data or the delta has), deletions checked
   * against them; then, in one transaction, rows upserted by their key (movements and conversions
   * added, an application replaced by customer, product and date) and the deletions applied
   * (a customer with everything of theirs; a product only when no holding is left on it).
   */
  private async runDelta(files: readonly FeedFile[]): Promise<Omit<Extract<HeadOfficeImportResult, { status: 'done' }>, 'durationMs'>> {
    const m = this.m;
    for (const t of CUSTOMER_TABLES) {
      await this.c.query(`DROP TABLE IF EXISTS ${t.table}_delta`);
      await this.c.query(`CREATE TABLE ${t.table}_delta (LIKE ${t.table} INCLUDING DEFAULTS, line BIGINT NOT NULL)`);
    }
    await this.c.query('DROP TABLE IF EXISTS ho_deletion_delta');
    await this.c.query('CREATE TABLE ho_deletion_delta (entity TEXT NOT NULL, key TEXT NOT NULL, line BIGINT NOT NULL)');
    for (const t of CUSTOMER_TABLES) {
      if (files.includes(t.file)) await this.load(t);
      await this.finishTable(t);
    }
    // An application repeated in the delta (customer, product, date): the last row wins, as for keyed rows.
    await this.c.query(
      `DELETE FROM ho_application_delta d USING (
         SELECT ctid AS row_id FROM (SELECT ctid, row_number() OVER (PARTITION BY cif, product_code, applied_on ORDER BY line DESC) AS n FROM ho_application_delta) x WHERE n > 1
       ) dup WHERE d.ctid = dup.row_id`,
    );
    if (files.includes('deletions.csv')) {
      await this.load(DELETIONS);
      await this.checkDeletions();
    }
    this.checkRefusals(files);
    await this.closeRejects();
    const counts = Object.fromEntries(files.map((f) => [f, this.loaded(f)])) as Partial<Record<FeedFile, number>>;
    const D = (entity: string) => `(SELECT key FROM ho_deletion_delta WHERE entity = '${entity}')`;
    await this.switchIn(async () => {
      for (const t of CUSTOMER_TABLES) {
        const cols = t.columns.join(', ');
        if (t.primaryKey) {
          const set = t.columns.filter((c) => c !== t.primaryKey!.columns).map((c) => `${c} = EXCLUDED.${c}`).join(', ');
          await this.c.query(`INSERT INTO ${t.table} (${cols}) SELECT ${cols} FROM ${t.table}_delta ON CONFLICT (${t.primaryKey.columns}) DO UPDATE SET ${set}`);
        } else if (t.table === 'ho_application') {
          await this.c.query('DELETE FROM ho_application a USING ho_application_delta d WHERE a.cif = d.cif AND a.product_code = d.product_code AND a.applied_on = d.applied_on');
          await this.c.query(`INSERT INTO ho_application (${cols}) SELECT ${cols} FROM ho_application_delta`);
        } else {
          await this.c.query(`INSERT INTO ${t.table} (${cols}) SELECT ${cols} FROM ${t.table}_delta`);
        }
      }
      // Deletions: a customer with everything of theirs, then cards, holdings (with their credit), products.
      await this.c.query(`DELETE FROM ho_credit WHERE account_id IN (SELECT account_id FROM ho_holding WHERE cif IN ${D('customer')}) OR account_id IN ${D('holding')}`);
      for (const table of ['ho_card', 'ho_holding', 'ho_movement', 'ho_application', 'ho_conversion', 'ho_customer']) {
        await this.c.query(`DELETE FROM ${table} WHERE cif IN ${D('customer')}`);
      }
      await this.c.query(`DELETE FROM ho_card WHERE card_lookup IN (SELECT decode(key, 'hex') FROM ho_deletion_delta WHERE entity = 'card')`);
      await this.c.query(`DELETE FROM ho_holding WHERE account_id IN ${D('holding')}`);
      await this.c.query(`DELETE FROM ho_product WHERE product_code IN ${D('product')} AND NOT EXISTS (SELECT 1 FROM ho_holding h WHERE h.product_code = ho_product.product_code)`);
    }, counts);
    // Applied and recorded: what follows is tidying, and never makes the feed look failed.
    try {
      for (const t of [...CUSTOMER_TABLES, DELETIONS]) await this.c.query(`DROP TABLE IF EXISTS ${t.table}_delta`);
      for (const t of CUSTOMER_TABLES) await this.c.query(`ANALYZE ${t.table}`);
    } catch {
      /* the staging tables go at the next import */
    }
    return { status: 'done', feedId: m.feedId, asOf: m.asOf, counts, rows: this.rowsRead, rejected: this.rejectedAll, rejectsFile: this.rejectsFile, warnings: this.warnings };
  }

  /**
   * One transaction that changes the live customer data (`change`) and records the run as done. A
   * branch's slice being read holds the tables for a while: the change waits at most SWAP_LOCK_WAIT
   * for them each try, and is tried SWAP_ATTEMPTS times.
   */
  private async switchIn(change: () => Promise<void>, counts: Partial<Record<FeedFile, number>>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.c.query('BEGIN');
      try {
        await this.c.query(`SET LOCAL lock_timeout = '${SWAP_LOCK_WAIT}'`);
        await checkDataKey(this.c, this.opts.key, true);
        await change();
        await this.storeRejects();
        await this.c.query(`UPDATE ho_feed SET status = 'done', finished_at = now(), counts = $2, rows_read = $3, rejected = $4 WHERE feed_id = $1`, [
          this.m.feedId,
          JSON.stringify(counts),
          this.rowsRead,
          this.rejectedAll,
        ]);
        await this.c.query('COMMIT');
        return;
      } catch (err) {
        await this.c.query('ROLLBACK').catch(() => undefined);
        // 55P03: lock_not_available (slices being read); tried again a few times.
        if ((err as { code?: string }).code !== '55P03' || attempt >= SWAP_ATTEMPTS) throw err;
      }
    }
  }

  /** A deletion of something neither the live data nor the delta has, or of a product something still holds: rejected. */
  private async checkDeletions(): Promise<void> {
    const c = this.counts.get('deletions.csv')!;
    const res = await this.c.query<{ line: string; entity: string; key: string; held: boolean }>(
      `DELETE FROM ho_deletion_delta d WHERE NOT CASE d.entity
           WHEN 'customer' THEN EXISTS (SELECT 1 FROM ho_customer x WHERE x.cif = d.key) OR EXISTS (SELECT 1 FROM ho_customer_delta x WHERE x.cif = d.key)
           WHEN 'card' THEN EXISTS (SELECT 1 FROM ho_card x WHERE x.card_lookup = decode(d.key, 'hex')) OR EXISTS (SELECT 1 FROM ho_card_delta x WHERE x.card_lookup = decode(d.key, 'hex'))
           WHEN 'holding' THEN EXISTS (SELECT 1 FROM ho_holding x WHERE x.account_id = d.key) OR EXISTS (SELECT 1 FROM ho_holding_delta x WHERE x.account_id = d.key)
           WHEN 'product' THEN (EXISTS (SELECT 1 FROM ho_product x WHERE x.product_code = d.key) OR EXISTS (SELECT 1 FROM ho_product_delta x WHERE x.product_code = d.key))
             AND NOT EXISTS (SELECT 1 FROM ho_holding h WHERE h.product_code = d.key AND h.account_id NOT IN (SELECT key FROM ho_deletion_delta WHERE entity = 'holding')
                               AND h.cif NOT IN (SELECT key FROM ho_deletion_delta WHERE entity = 'customer'))
             AND NOT EXISTS (SELECT 1 FROM ho_holding_delta h WHERE h.product_code = d.key)
           ELSE FALSE END
       RETURNING d.line, d.entity, CASE WHEN d.entity = 'card' THEN '(card)' ELSE d.key END AS key,
         d.entity = 'product' AND (EXISTS (SELECT 1 FROM ho_product x WHERE x.product_code = d.key) OR EXISTS (SELECT 1 FROM ho_product_delta x WHERE x.product_code = d.key)) AS held`,
    );
    for (const r of res.rows.sort((a, b) => Number(a.line) - Number(b.line))) {
      c.rejected++;
      this.reject({ file: 'deletions.csv', line: Number(r.line), column: 'key', reason: r.held ? `product ${r.key} still has holdings` : `no ${r.entity} ${r.key} to delete` });
    }
  }

  private loaded(f: FeedFile): number {
    const c = this.counts.get(f);
    return c ? c.rows - c.rejected : 0;
  }

  /** Drops the tables being built; the rejects file is kept (it says why). */
  async abandon(): Promise<void> {
    for (const t of [...CUSTOMER_TABLES, DELETIONS]) await this.c.query(`DROP TABLE IF EXISTS ${t.table}${this.suffix}`).catch(() => undefined);
    await this.closeRejects();
    await this.storeRejectsAlone().catch(() => undefined);
  }

  /** One file copied into its new table, row by row as it is read and checked. */
  private async load(t: TableSpec): Promise<void> {
    const file = t.file;
    const c = { rows: 0, rejected: 0 };
    this.counts.set(file, c);
    const fileStarted = Date.now();
    const cols = [...t.columns, 'line'].join(', ');
    const copy = this.c.query(copyFrom(`COPY ${t.table}${this.suffix} (${cols}) FROM STDIN`)) as unknown as Writable;
    const finished = once(copy, 'finish');
    // Rejected by PostgreSQL midway: said where it is awaited (never an unhandled rejection).
    finished.catch(() => undefined);
    let failed: Error | null = null;
    copy.on('error', (err: Error) => (failed = err));
    const write = async (items: ParsedItem[]) => {
      let text = '';
      for (const it of items) {
        c.rows++;
        this.rowsRead++;
        if ('reject' in it) {
          c.rejected++;
          this.reject(it.reject);
          continue;
        }
        const nul = Object.entries(it.row).find(([, v]) => typeof v === 'string' && v.includes('\0'));
        if (nul) {
          c.rejected++;
          this.reject({ file, line: it.line, column: nul[0], reason: `${nul[0]} contains a NUL character` });
          continue;
        }
        const values = t.row(it.row, it.sealed, this.opts.key);
        let line = '';
        for (const v of values) line += copyValue(v) + '\t';
        text += line + it.line + '\n';
      }
      if (failed) throw failed;
      if (text && !copy.write(text)) await once(copy, 'drain');
      this.opts.onProgress?.({ file, rows: c.rows, totalRows: this.m.files[file]!.rows });
    };
    try {
      await parseFeedFile(
        { path: join(this.opts.feedDir, file), file, encoding: this.m.encoding, batch: this.opts.batch ?? 2000, key: this.opts.key },
        {
          header: (unknown) => {
            for (const u of unknown) this.warnings.push(`${file}: unknown column ${u} ignored`);
          },
          batch: write,
        },
      );
    } catch (err) {
      copy.destroy();
      await finished.catch(() => undefined);
      // PostgreSQL's own refusal of the COPY, not the reading's (which says the file and line).
      throw failed ?? err;
    }
    copy.end();
    await finished;
    if (failed) throw failed;
    const expected = this.m.files[file]!.rows;
    if (c.rows !== expected) throw new FeedRefused(`${file} has ${c.rows} rows, the manifest says ${expected}`);
    this.opts.onFile?.({ file, rows: c.rows, loaded: c.rows - c.rejected, rejected: c.rejected, ms: Date.now() - fileStarted });
  }

  /**
   * What one row cannot show, once the file is in: a key twice (the first row kept) and references
   * to rows loaded before; then the table's keys and indexes.
   */
  private async finishTable(t: TableSpec): Promise<void> {
    const next = `${t.table}${this.suffix}`;
    const delta = this.suffix === '_delta';
    const c = this.counts.get(t.file);
    const sqlRejects = async (sql: string, column: string, reason: (v: string) => string) => {
      const res = await this.c.query<{ line: string; v: string }>(sql);
      for (const r of res.rows.sort((a, b) => Number(a.line) - Number(b.line))) {
        this.reject({ file: t.file, line: Number(r.line), column, reason: reason(r.v) });
        if (c) c.rejected++;
      }
    };
    if (t.primaryKey) {
      const pk = t.primaryKey;
      // The key as the file wrote it (a card's number is kept hashed: its masked form names it).
      const shown = t.table === 'ho_card' ? 'card_masked' : pk.columns;
      // Most files have no key twice: the key is made at once, and only when that fails are the
      // repeats looked for (a sort of the whole table) and the key made again.
      const addKey = () => this.c.query(`ALTER TABLE ${next} ADD CONSTRAINT ${next}_pkey PRIMARY KEY (${pk.columns})`);
      const made = await addKey().then(
        () => true,
        (err: { code?: string }) => {
          if (err.code !== '23505') throw err;
          return false;
        },
      );
      if (!made && delta) {
        // A delta updates: a key twice, the last row wins (as at a branch), nothing rejected.
        await this.c.query(
          `DELETE FROM ${next} d USING (
             SELECT ctid AS row_id FROM (SELECT ctid, row_number() OVER (PARTITION BY ${pk.columns} ORDER BY line DESC) AS n FROM ${next}) x WHERE n > 1
           ) dup WHERE d.ctid = dup.row_id`,
        );
      } else if (!made) {
        await sqlRejects(
          `DELETE FROM ${next} d USING (
             SELECT ctid AS row_id FROM (SELECT ctid, row_number() OVER (PARTITION BY ${pk.columns} ORDER BY line) AS n FROM ${next}) x WHERE n > 1
           ) dup WHERE d.ctid = dup.row_id RETURNING d.line, d.${shown}::text AS v`,
          pk.column,
          (v) => `${pk.what} ${v} appears more than once`,
        );
      }
      if (!made) await addKey();
    }
    for (const ref of t.references) await this.referenceRejects(t, next, delta, ref, sqlRejects);
    if (!delta) for (const ix of t.indexes) await this.c.query(`CREATE INDEX ${next}_${ix.name} ON ${next} (${ix.columns})`);
    await this.c.query(`ANALYZE ${next}`);
  }

  /** Rows that refer to what neither this feed (nor, for a delta, the live data) has: rejected with their line. */
  private async referenceRejects(
    _t: TableSpec,
    next: string,
    delta: boolean,
    ref: TableSpec['references'][number],
    sqlRejects: (sql: string, column: string, reason: (v: string) => string) => Promise<void>,
  ): Promise<void> {
    await sqlRejects(
      `DELETE FROM ${next} d WHERE d.${ref.column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${ref.table}${this.suffix} r WHERE r.${ref.key} = d.${ref.column})
         ${delta ? `AND NOT EXISTS (SELECT 1 FROM ${ref.table} r WHERE r.${ref.key} = d.${ref.column})` : ''}
       RETURNING d.line, d.${ref.column}::text AS v`,
      ref.column,
      (v) => `no ${ref.what} ${v}`,
    );
  }

  private reject(r: FileRowReject): void {
    this.rejectedAll++;
    if (this.rejectsInDb.length < REJECTS_IN_DB) this.rejectsInDb.push(r);
    if (!this.rejects) {
      this.rejectsFile = join(this.opts.rejectsDir, `${this.m.feedId}.rejects.csv`);
      this.rejects = createWriteStream(this.rejectsFile);
      this.rejects.write('\uFEFFfile,line,column,reason\r\n');
    }
    this.rejects.write(`${[r.file, r.line, r.column, r.reason].map(csvField).join(',')}\r\n`);
  }

  private async closeRejects(): Promise<void> {
    if (!this.rejects) return;
    const s = this.rejects;
    this.rejects = null;
    s.end();
    await once(s, 'finish');
  }

  private async storeRejects(): Promise<void> {
    if (!this.rejectsInDb.length) return;
    const rows = this.rejectsInDb;
    const values = rows.map((_, i) => `($1, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4}, $${i * 4 + 5})`).join(', ');
    await this.c.query(`INSERT INTO ho_feed_reject (feed_id, file, line, col, reason) VALUES ${values}`, [this.m.feedId, ...rows.flatMap((r) => [r.file, r.line, r.column, r.reason])]);
  }

  /** A refused import's rejects, outside any transaction. */
  private async storeRejectsAlone(): Promise<void> {
    await this.c.query('DELETE FROM ho_feed_reject WHERE feed_id = $1', [this.m.feedId]);
    await this.storeRejects();
    await this.c.query('UPDATE ho_feed SET rows_read = $2, rejected = $3 WHERE feed_id = $1', [this.m.feedId, this.rowsRead, this.rejectedAll]);
  }

  private checkRefusals(files: readonly FeedFile[]): void {
    checkRejectLimit(files, this.counts, this.rejectedAll, this.opts.maxRejectPercent ?? 1, this.rejectsFile);
  }

}
