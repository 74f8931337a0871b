/**
 * Tier, stars, key-customer flag and AUM of every customer in a snapshot, from their holdings and
 * the branch's tiering rules (domain/tiering.ts, all in integer fen). Run by every import before
 * the switch, and by the hub when the rules change or it attaches a snapshot tiered under other
 * rules. Works in batches of customer ids, each its own short transaction, so a million customers
 * never hold a write lock for long.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/open';
import { ASSET_CATEGORIES, DEPOSIT_CATEGORIES, keyCustomerReason, starsFor, tierFor, type Tier, type TieringRules } from '../../domain/tiering';

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

/**
 * Recomputes every customer of the snapshot in `schema` (`main` for a file being built,
 * `customers` for the hub's attached one). `between` yields between batches (the hub lets
 * requests run). Records the rules' fingerprint in snapshot_meta at the end.
 */
export async function computeTiers(
  db: Db,
  rules: TieringRules,
  today: string,
  opts: { schema?: string; batch?: number; between?: () => Promise<void>; only?: number } = {},
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
  const write = db.prepare(`UPDATE ${schema}.customer SET tier = ?, stars = ?, key_customer = ?, aum_fen = ?, tier_computed_on = ? WHERE id = ?`);
  const maxId = (db.prepare(`SELECT max(id) FROM ${schema}.customer`).pluck().get() as number | null) ?? 0;
  // Walk-in customers of other branches looked up at head office have negative ids (visitors.ts).
  const minId = Math.min(0, ((db.prepare(`SELECT min(id) FROM ${schema}.customer`).pluck().get() as number | null) ?? 1) - 1);
  const counts: TierCounts = { customers: 0, tiers: { top: 0, gold: 0, general: 0, drop: 0 }, keyCustomers: 0 };
  // `only`: one customer (a walk-in customer stored from head office), the rules' fingerprint left as it is.
  const [first, last] = opts.only !== undefined ? [opts.only - 1, opts.only] : [minId, maxId];
  for (let from = first; from < last; from += batch) {
    const to = opts.only !== undefined ? last : from + batch;
    const rows = read.all(from, to) as { id: number; last_overdue_on: string | null; aum: number; deposits: number; loans: number }[];
    db.transaction(() => {
      for (const r of rows) {
        const tier = tierFor(r.aum, rules);
        const key = keyCustomerReason({ depositsFen: r.deposits, loansFen: r.loans, lastOverdueOn: r.last_overdue_on, today }, rules) !== null;
        write.run(tier, starsFor(r.aum, rules), key ? 1 : 0, r.aum, today, r.id);
        counts.customers++;
        counts.tiers[tier]++;
        if (key) counts.keyCustomers++;
      }
    })();
    if (opts.between) await opts.between();
  }
  if (opts.only !== undefined) return counts;
  db.prepare(`INSERT INTO ${schema}.snapshot_meta (key, value) VALUES ('tiering', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(tieringHash(rules));
  return counts;
}
