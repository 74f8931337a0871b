/**
 * Tier, stars, key-customer flag and AUM of every customer in a snapshot, from their holdings and
 * the branch's tiering rules (domain/tiering.ts, all in integer fen). Made by every import before
 * the switch (a full feed from the sums it kept as the holdings went in, TierSums, in the file
 * nobody reads yet; a delta by computeTiers), and by the hub (computeTiers) when the rules change or
 * it attaches a snapshot tiered under other rules: that works in batches of customer ids, each its
 * own short transaction, so a million customers never hold a write lock for long.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/open';
import { ASSET_CATEGORIES, DEPOSIT_CATEGORIES, keyCustomerReason, starsFor, tierFor, type Tier, type TieringRules } from '../../domain/tiering';
import type { ProductCategory } from '../../domain/products';

/** A fingerprint of the tiering rules, kept in the snapshot: tiers made under other rules are made again. */
export function tieringHash(rules: TieringRules): string {
  return createHash('sha256').update(JSON.stringify(rules)).digest('hex').slice(0, 16);
}

const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');

export interface TierCounts {
  customers: number;
  tiers: Record<Tier, number>;
  keyCustomers: number;
}

/** One customer's sums (integer fen) as the tiering rules read them. */
interface Sums {
  id: number;
  last_overdue_on: string | null;
  aum: number;
  deposits: number;
  loans: number;
}

/** Classifies customers by their sums and writes the result, counting as it goes. */
class TierWriter {
  readonly counts: TierCounts = { customers: 0, tiers: { top: 0, gold: 0, general: 0, drop: 0 }, keyCustomers: 0 };
  private readonly write;

  constructor(
    db: Db,
    schema: string,
    private readonly rules: TieringRules,
    private readonly today: string,
  ) {
    this.write = db.prepare(`UPDATE ${schema}.customer SET tier = ?, stars = ?, key_customer = ?, aum_fen = ?, tier_computed_on = ? WHERE id = ?`);
  }

  put(r: Sums): void {
    const tier = tierFor(r.aum, this.rules);
    const key = keyCustomerReason({ depositsFen: r.deposits, loansFen: r.loans, lastOverdueOn: r.last_overdue_on, today: this.today }, this.rules) !== null;
    this.write.run(tier, starsFor(r.aum, this.rules), key ? 1 : 0, r.aum, this.today, r.id);
    this.counts.customers++;
    this.counts.tiers[tier]++;
    if (key) this.counts.keyCustomers++;
  }
}

const recordRules = (db: Db, schema: string, rules: TieringRules) =>
  db.prepare(`INSERT INTO ${schema}.snapshot_meta (key, value) VALUES ('tiering', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(tieringHash(rules));

/**
 * What a full import adds up while it writes a new snapshot: each customer's assets, deposits and
 * loans (integer fen, by customer id) and the last overdue date of those that have one. The tiers
 * are then written from these sums (`write`) instead of reading every holding back.
 */
export class TierSums {
  private aum = new Float64Array(1 << 16);
  private deposits = new Float64Array(1 << 16);
  private loans = new Float64Array(1 << 16);
  private readonly overdue = new Map<number, string>();
  private readonly asset = new Set<string>(ASSET_CATEGORIES);
  private readonly deposit = new Set<string>(DEPOSIT_CATEGORIES);

  /** A customer's last overdue date (from the customer file). */
  overdueOn(id: number, date: string | null): void {
    if (date) this.overdue.set(id, date);
    else if (this.overdue.size) this.overdue.delete(id);
  }

  /** A holding of a customer (customers with ids below 1, walk-ins of other branches, are left to computeTiers). */
  holding(id: number, category: ProductCategory, amountFen: number): void {
    if (id < 1) return;
    if (id >= this.aum.length) this.grow(id);
    if (this.asset.has(category)) this.aum[id]! += amountFen;
    if (this.deposit.has(category)) this.deposits[id]! += amountFen;
    if (category === 'loan') this.loans[id]! += amountFen;
  }

  private grow(id: number): void {
    const size = Math.max(this.aum.length * 2, id + 1);
    for (const k of ['aum', 'deposits', 'loans'] as const) {
      const a = new Float64Array(size);
      a.set(this[k]);
      this[k] = a;
    }
  }

  /**
   * Writes the tiers of the customers `ids` yields (those with positive ids, in the snapshot file
   * being built as `main`) under the rules, in one transaction, and records the rules'
   * fingerprint. Customers with other ids (walk-ins of other branches) are left to computeTiers
   * (`upTo: 0`).
   */
  write(db: Db, ids: Iterable<number>, rules: TieringRules, today: string): TierCounts {
    const w = new TierWriter(db, 'main', rules, today);
    const at = (a: Float64Array, id: number) => (id < a.length ? a[id]! : 0);
    db.transaction(() => {
      for (const id of ids) if (id > 0) w.put({ id, last_overdue_on: this.overdue.get(id) ?? null, aum: at(this.aum, id), deposits: at(this.deposits, id), loans: at(this.loans, id) });
      recordRules(db, 'main', rules);
    })();
    return w.counts;
  }
}

/**
 * Recomputes every customer of the snapshot in `schema` (`main` for a file being built, `customers`
 * for the hub's attached one), or with `upTo` those whose ids are not above it. `between` yields
 * between batches (the hub lets requests run). Records the rules' fingerprint in snapshot_meta at
 * the end.
 */
export async function computeTiers(
  db: Db,
  rules: TieringRules,
  today: string,
  opts: { schema?: string; batch?: number; between?: () => Promise<void>; only?: number; upTo?: number } = {},
): Promise<TierCounts> {
  const schema = opts.schema ?? 'main';
  const batch = opts.batch ?? 20_000;
  const read = db.prepare(
    `SELECT c.id, c.last_overdue_on,
       COALESCE(SUM(CASE WHEN p.category IN (${list(ASSET_CATEGORIES)}) THEN h.amount_fen END), 0) AS aum,
       COALESCE(SUM(CASE WHEN p.category IN (${list(DEPOSIT_CATEGORIES)}) THEN h.amount_fen END), 0) AS deposits,
       COALESCE(SUM(CASE WHEN p.category = 'loan' THEN h.amount_fen END), 0) AS loans
     FROM ${schema}.customer c
       LEFT JOIN ${schema}.holding h ON h.customer_id = c.id
       LEFT JOIN ${schema}.product p ON p.code = h.product_code
     WHERE c.id > ? AND c.id <= ?
     GROUP BY c.id`,
  );
  const w = new TierWriter(db, schema, rules, today);
  // `upTo`: the customers with ids up to it (a full import wrote the others from its TierSums).
  const maxId = Math.min(opts.upTo ?? Infinity, (db.prepare(`SELECT max(id) FROM ${schema}.customer`).pluck().get() as number | null) ?? 0);
  // Walk-in customers of other branches looked up at head office have negative ids (visitors.ts).
  const minId = Math.min(0, ((db.prepare(`SELECT min(id) FROM ${schema}.customer`).pluck().get() as number | null) ?? 1) - 1);
  // `only`: one customer (a walk-in customer stored from head office), the rules' fingerprint left as it is.
  const [first, last] = opts.only !== undefined ? [opts.only - 1, opts.only] : [minId, maxId];
  for (let from = first; from < last; from += batch) {
    const to = opts.only !== undefined ? last : Math.min(from + batch, last);
    const rows = read.all(from, to) as Sums[];
    db.transaction(() => {
      for (const r of rows) w.put(r);
    })();
    if (opts.between) await opts.between();
  }
  if (opts.only !== undefined) return w.counts;
  recordRules(db, schema, rules);
  return w.counts;
}
