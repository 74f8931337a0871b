/**
 * Each branch's slice of the bank's customer data, handed down as a feed the branch imports like
 * any other (the same manifest, files and checks): the catalogue; the customers whose home branch
 * it is and those holding an account there; all holdings of its own customers and, of the others,
 * the ones held there; their cards, credit lines, movements, applications and conversions.
 *
 * Nothing of a slice is written to disk at head office (its identifiers are opened from their sealed
 * copies only as they stream out): the manifest (rows and sha256 of each file) is made by reading
 * the slice once, and each file is made again when the branch fetches it, in the same order. Each
 * reading is one repeatable-read transaction holding the customer tables against the switch of a
 * new feed, and checks that the feed is still the one the manifest was made from, so a file of
 * another feed is never handed out under an older manifest (the branch checks the sha256 as well).
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { to as copyTo } from 'pg-copy-streams';
import { FEED_COLUMNS, FeedManifestSchema, type FeedFile, type FeedManifest } from '../domain/feed';
import { csvField } from '../domain/measures';
import { streamCsv } from '../customer-data/csv-rows';
import type { IdentifierKey } from '../customer-data/identifier-key';
import type { Pool, PoolClient } from './db';
import type { CustomerLookup, CustomerLookupAnswer } from '../domain/head-office';
import { HeadOfficeError } from './head-office';

/** Walk-in lookups a branch may make per minute (a busy lobby identifies a few walk-ins a minute). */
const LOOKUPS_PER_MINUTE = 60;

/** The slice's files, in the order a feed loads. */
const SLICE_FILES: readonly FeedFile[] = ['products.csv', 'customers.csv', 'cards.csv', 'holdings.csv', 'credit.csv', 'movements.csv', 'applications.csv', 'conversions.csv'];
const REQUIRED: ReadonlySet<FeedFile> = new Set(['products.csv', 'customers.csv', 'cards.csv', 'holdings.csv']);
const OPTIONAL_TABLES: Partial<Record<FeedFile, string>> = {
  'credit.csv': 'ho_credit',
  'movements.csv': 'ho_movement',
  'applications.csv': 'ho_application',
  'conversions.csv': 'ho_conversion',
};
const TABLES = ['ho_feed', 'ho_product', 'ho_customer', 'ho_card', 'ho_holding', 'ho_credit', 'ho_movement', 'ho_application', 'ho_conversion'];

const yn = (col: string) => `CASE WHEN ${col} THEN 'Y' WHEN NOT ${col} THEN 'N' END`;
const yuan = (col: string) => `CASE WHEN ${col} IS NOT NULL THEN (${col} / 100)::text || '.' || lpad((${col} % 100)::text, 2, '0') END`;
/** The slice's customers: at home here, or holding an account here. */
const SLICE = `(SELECT cif FROM ho_customer WHERE home_branch_id = $1 UNION SELECT cif FROM ho_holding WHERE branch_id = $1)`;
/** The holdings it may see: every one of its own customers', and those held here of the others. */
const HOLDINGS = `(SELECT h.* FROM ho_holding h JOIN ho_customer c USING (cif) WHERE c.home_branch_id = $1 OR h.branch_id = $1)`;

/** Each file's query (its columns in the feed's names, in the feed's format) and which columns are sealed. */
const QUERIES: Record<string, { sql: string; sealed?: Record<string, string> }> = {
  'products.csv': {
    sql: `SELECT product_code, category, name_zh, name_en, risk_level, ${yn('is_credit')} AS is_credit, life_stages, min_age, max_age,
            base_propensity, value, lever, ${yn('active')} AS active FROM ho_product ORDER BY product_code`,
  },
  'customers.csv': {
    sql: `SELECT cif, name, gender, birth_date, encode(phone_sealed, 'hex') AS phone, encode(id_sealed, 'hex') AS resident_id, marital_status,
            occupation, risk_tolerance, ${yn('marketing_consent')} AS marketing_consent, home_branch_id, relationship_manager, risk_assessed_on,
            last_overdue_on, ${yn('resident')} AS resident, ${yn('control_group_exempt')} AS control_group_exempt
          FROM ho_customer WHERE cif IN ${SLICE} ORDER BY cif`,
    sealed: { phone: 'phone', resident_id: 'resident_id' },
  },
  'cards.csv': {
    sql: `SELECT encode(card_sealed, 'hex') AS card_number, cif, kind FROM ho_card WHERE cif IN ${SLICE} ORDER BY card_lookup`,
    sealed: { card_number: 'card_number' },
  },
  'holdings.csv': {
    sql: `SELECT cif, product_code, account_id, branch_id, ${yuan('amount_fen')} AS amount, opened_on, maturity_on FROM ${HOLDINGS} h ORDER BY account_id`,
  },
  'credit.csv': {
    sql: `SELECT account_id, next_due_on, ${yuan('due_amount_fen')} AS due_amount, overdue_days, classification, previous_classification, classified_on
          FROM ho_credit WHERE account_id IN (SELECT account_id FROM ${HOLDINGS} h) ORDER BY account_id`,
  },
  'movements.csv': {
    sql: `SELECT cif, on_date, direction, ${yuan('amount_fen')} AS amount, ${yn('other_bank')} AS other_bank FROM ho_movement
          WHERE cif IN ${SLICE} ORDER BY cif, on_date, direction, amount_fen, other_bank`,
  },
  'applications.csv': {
    sql: `SELECT cif, product_code, status, applied_on FROM ho_application WHERE cif IN ${SLICE} ORDER BY cif, applied_on, product_code, status`,
  },
  'conversions.csv': {
    sql: `SELECT cif, product_code, opened_on, account_id FROM ho_conversion WHERE cif IN ${SLICE} ORDER BY cif, opened_on, product_code, account_id`,
  },
};

/** One customer's rows, in the feed's columns and format (a walk-in customer looked up by a branch). */
const ONE = {
  customer: QUERIES['customers.csv']!.sql.replace(/WHERE cif IN .* ORDER BY cif/s, 'WHERE cif = $1'),
  card: QUERIES['cards.csv']!.sql.replace(/WHERE cif IN .* ORDER BY card_lookup/s, 'WHERE card_lookup = $1'),
  holdings: `SELECT cif, product_code, account_id, branch_id, ${yuan('amount_fen')} AS amount, opened_on::text AS opened_on, maturity_on::text AS maturity_on
             FROM ho_holding WHERE cif = $1 ORDER BY account_id`,
};

/** The slice's feed id: head office's feed and the branch (a long feed id is shortened to its hash). */
export function sliceFeedId(feedId: string, branchId: string): string {
  const id = `${feedId}.b${branchId}`;
  return id.length <= 64 ? id : `${createHash('sha256').update(feedId).digest('hex').slice(0, 24)}.b${branchId}`;
}

export class BranchSlices {
  /** Manifests made, by slice id (a new feed makes new ones; older ones are dropped then). */
  private readonly manifests = new Map<string, { feedId: string; manifest: Promise<FeedManifest> }>();

  constructor(
    private readonly pool: Pool,
    /** The key the customer data was loaded under (HEAD_OFFICE_DATA_KEY); null: no slices. */
    private readonly key: IdentifierKey | null,
  ) {}

  /** The slice the branch should run: its manifest, or null when it runs it already or head office has no customer data. */
  async offered(branchId: string, running: string | null): Promise<FeedManifest | null> {
    const feed = await this.latestFeed(this.pool);
    if (!feed) return null;
    const id = sliceFeedId(feed.feedId, branchId);
    if (running === id) return null;
    if (!this.key) throw new HeadOfficeError('unavailable', 'no_customer_data_key', 'head office has customer data but no HEAD_OFFICE_DATA_KEY to open it with');
    let made = this.manifests.get(id)?.manifest;
    if (!made) {
      for (const [k, v] of this.manifests) if (v.feedId !== feed.feedId) this.manifests.delete(k);
      made = this.makeManifest(branchId);
      this.manifests.set(id, { feedId: feed.feedId, manifest: made });
      made.catch(() => this.manifests.delete(id));
    }
    return made;
  }

  /**
   * A walk-in customer of another branch, by the identifier given at a branch's kiosk: found when
   * exactly one customer has it. Every lookup is recorded (the branch, the kind, who was found),
   * never the number itself.
   */
  async lookup(branchId: string, q: CustomerLookup): Promise<CustomerLookupAnswer> {
    if (!this.key) throw new HeadOfficeError('unavailable', 'no_customer_data_key', 'head office has no HEAD_OFFICE_DATA_KEY to look customers up with');
    this.limitLookups(branchId);
    const hash = this.key.lookup(q.kind, q.value);
    const found = await this.pool.query<{ cif: string }>(
      q.kind === 'card'
        ? 'SELECT cif FROM ho_card WHERE card_lookup = $1'
        : `SELECT cif FROM ho_customer WHERE ${q.kind === 'phone' ? 'phone_lookup' : 'id_lookup'} = $1 LIMIT 2`,
      [hash],
    );
    const cif = found.rows.length === 1 ? found.rows[0]!.cif : null;
    await this.pool.query('INSERT INTO ho_customer_lookup (branch_id, kind, found, shared, cif) VALUES ($1, $2, $3, $4, $5)', [branchId, q.kind, cif !== null, found.rows.length > 1, cif]);
    if (!cif) return { found: false, shared: found.rows.length > 1 };
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await c.query("SET LOCAL DateStyle = 'ISO'");
      const open = (rows: Record<string, unknown>[], sealed: readonly string[]) =>
        rows.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null).map(([k, v]) => [k, sealed.includes(k) ? this.key!.open(Buffer.from(String(v), 'hex')) : cell(v)])));
      const customer = open((await c.query(ONE.customer, [cif])).rows, ['phone', 'resident_id'])[0];
      // Only the card the customer gave, when they gave one: the branch has no use for the others.
      const cards = q.kind === 'card' ? open((await c.query(ONE.card, [hash])).rows, ['card_number']) : [];
      const holdings = open((await c.query(ONE.holdings, [cif])).rows, []);
      await c.query('COMMIT');
      return customer ? { found: true, customer, cards, holdings } : { found: false, shared: false };
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  /** Lookups per branch in the last minute (this process): a branch's kiosks cannot sweep the bank's customers. */
  private readonly lookups = new Map<string, number[]>();

  private limitLookups(branchId: string): void {
    const now = Date.now();
    const recent = (this.lookups.get(branchId) ?? []).filter((t) => now - t < 60_000);
    if (recent.length >= LOOKUPS_PER_MINUTE) {
      this.lookups.set(branchId, recent);
      throw new HeadOfficeError('rate_limited', 'too_many_lookups', `branch ${branchId} looked up ${LOOKUPS_PER_MINUTE} customers in the last minute`, { retryAfterSeconds: 60 });
    }
    recent.push(now);
    this.lookups.set(branchId, recent);
  }

  /** Streams one file of the slice to `write` (in the manifest's order and bytes); refuses a slice of a feed no longer the latest. */
  async streamFile(branchId: string, sliceId: string, file: string, write: (text: string) => Promise<void> | void): Promise<void> {
    if (!(SLICE_FILES as readonly string[]).includes(file)) throw new HeadOfficeError('not_found', 'no_such_file', `a slice has no file ${file}`);
    await this.reading(async (c, feed) => {
      if (!feed || sliceFeedId(feed.feedId, branchId) !== sliceId) {
        throw new HeadOfficeError('conflict', 'feed_superseded', `slice ${sliceId} is not the latest for branch ${branchId}: ask for the manifest again`);
      }
      await this.fileRows(c, branchId, file as FeedFile, write);
    });
  }

  private async makeManifest(branchId: string): Promise<FeedManifest> {
    return this.reading(async (c, feed) => {
      if (!feed) throw new HeadOfficeError('conflict', 'feed_superseded', 'head office has no customer data');
      const files: Partial<Record<FeedFile, { rows: number; sha256: string }>> = {};
      for (const file of SLICE_FILES) {
        // An optional file goes down when head office has such rows (a delta may not carry the file).
        if (!REQUIRED.has(file) && !(await c.query(`SELECT EXISTS (SELECT 1 FROM ${OPTIONAL_TABLES[file]}) AS x`)).rows[0]?.x) continue;
        const hash = createHash('sha256');
        let rows = -1;
        await this.fileRows(c, branchId, file, (text) => {
          hash.update(text);
          rows++;
        });
        files[file] = { rows, sha256: hash.digest('hex') };
      }
      return FeedManifestSchema.parse({ feedId: sliceFeedId(feed.feedId, branchId), asOf: feed.asOf, mode: 'full', encoding: 'utf-8', branchId, files });
    });
  }

  /**
   * One repeatable-read transaction holding the customer tables (a new feed's switch waits for it,
   * at most its lock timeout). On any failure the connection is closed, not rolled back: a COPY cut
   * off midway (the branch went away) would leave a ROLLBACK waiting behind it for ever.
   */
  private async reading<T>(fn: (c: PoolClient, feed: { feedId: string; asOf: string; counts: Record<string, number> } | null) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    let ok = false;
    try {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await c.query(`LOCK TABLE ${TABLES.join(', ')} IN ACCESS SHARE MODE`);
      await c.query("SET LOCAL DateStyle = 'ISO'");
      const out = await fn(c, await this.latestFeed(c));
      await c.query('COMMIT');
      ok = true;
      return out;
    } finally {
      c.release(ok ? undefined : true);
    }
  }

  private async latestFeed(c: Pick<PoolClient, 'query'>): Promise<{ feedId: string; asOf: string; counts: Record<string, number> } | null> {
    const r = await c.query<{ feed_id: string; as_of: string; counts: Record<string, number> }>(
      "SELECT feed_id, to_char(as_of, 'YYYY-MM-DD') AS as_of, counts FROM ho_feed WHERE status = 'done' ORDER BY finished_at DESC LIMIT 1",
    );
    const row = r.rows[0];
    return row ? { feedId: row.feed_id, asOf: row.as_of, counts: row.counts } : null;
  }

  /** The file's lines (header first), each ending CRLF, written as CSV the way a warehouse writes them. */
  private async fileRows(c: PoolClient, branchId: string, file: FeedFile, write: (text: string) => Promise<void> | void): Promise<void> {
    const q = QUERIES[file]!;
    const columns = [...FEED_COLUMNS[file].required, ...FEED_COLUMNS[file].optional];
    await write(columns.join(',') + '\r\n');
    const source = c.query(copyTo(`COPY (${q.sql.replaceAll('$1', literal(branchId))}) TO STDOUT WITH (FORMAT csv, HEADER true)`)) as unknown as Readable;
    let order: number[] = [];
    const sealedAt = new Set<number>();
    try {
      await streamCsv(
        source,
        (header) => {
          order = columns.map((name) => header.indexOf(name));
          columns.forEach((name, i) => {
            if (q.sealed?.[name]) sealedAt.add(i);
          });
        },
        (record) => {
          const cells = order.map((at, i) => {
            const v = at < 0 ? '' : record[at]!;
            return sealedAt.has(i) && v ? this.key!.open(Buffer.from(v, 'hex')) : v;
          });
          return write(cells.map(csvField).join(',') + '\r\n');
        },
      );
    } catch (err) {
      source.destroy();
      throw err;
    }
  }
}

/** A value as the feed writes it (node-postgres reads a DATE as a local midnight). */
function cell(v: unknown): string {
  if (!(v instanceof Date)) return String(v);
  return `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`;
}

/** A branch id as an SQL literal (COPY takes no parameters; branch ids are checked codes, quoted anyway). */
function literal(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}
