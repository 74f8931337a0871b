/**
 * Walk-in customers of other branches, looked up at head office (head-office-link/customer-lookup.ts)
 * and kept in the live customer snapshot for their visit, so that the kiosk finds them, the card,
 * tier and green channel work for them as for the branch's own customers. Their rows are checked
 * with the feed's schemas (domain/feed.ts) exactly as a feed's rows are; identifiers are stored as
 * the branch stores its own (lookup hash, sealed copy, masked form, under the branch key).
 *
 * A visitor's id is negative: -seq of `visitor_key` in branch.db (AUTOINCREMENT: never given twice,
 * whatever imports do meanwhile), entered in the snapshot's registry too. An import numbers new
 * customers upwards from the highest id, so a visitor's id can never come to mean somebody else. A
 * full import carries the visitors of today and yesterday over (feed/import.ts); older ones go
 * with the old snapshot (a customer who is in the new feed keeps their id).
 */
import { CardRowSchema, CustomerRowSchema, HoldingRowSchema } from '../../domain/feed';
import { maskCardNumber, maskIdNumber, maskPhone } from '../../domain/masking';
import type { TieringRules } from '../../domain/tiering';
import type { IdentifierKey } from '../../customer-data/identifier-key';
import type { Db } from '../db/open';
import { SNAPSHOT_SCHEMA } from './snapshot';
import { insertSql } from './snapshot-writer';
import { computeTiers } from './tiers';
import { addDaysIso } from '../../domain/reminders';

export interface VisitorRows {
  customer: Record<string, string>;
  cards: Record<string, string>[];
  holdings: Record<string, string>[];
}

export class VisitorRowsRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VisitorRowsRefused';
  }
}

function check<T>(what: string, r: { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } }): T {
  if (r.success) return r.data;
  const i = r.error.issues[0]!;
  throw new VisitorRowsRefused(`${what}: ${i.path.map(String).join('.') || '(row)'}: ${i.message}`);
}

export class Visitors {
  constructor(
    private readonly db: Db,
    private readonly key: IdentifierKey,
  ) {}

  /**
   * Stores (or refreshes) a customer from head office's rows in the live snapshot, with their cards
   * and those holdings whose product this branch's catalogue has; their tier under the branch's
   * rules. Their customer id. Refused whole when a row does not check.
   */
  async store(rows: VisitorRows, rules: TieringRules, today: string): Promise<number> {
    const c = check('customer', CustomerRowSchema.safeParse(rows.customer));
    const cards = rows.cards.map((r, i) => check(`cards[${i}]`, CardRowSchema.safeParse(r)));
    const holdings = rows.holdings.map((r, i) => check(`holdings[${i}]`, HoldingRowSchema.safeParse(r)));
    for (const x of [...cards, ...holdings]) if (x.cif !== c.cif) throw new VisitorRowsRefused(`a card or holding of cif ${x.cif} came with customer ${c.cif}`);
    const S = SNAPSHOT_SCHEMA;
    const db = this.db;
    const id = db.transaction(() => {
      db.prepare('INSERT INTO visitor_key (cif, last_seen_on) VALUES (?, ?) ON CONFLICT (cif) DO UPDATE SET last_seen_on = excluded.last_seen_on').run(c.cif, today);
      let id = db.prepare(`SELECT id FROM ${S}.customer_key WHERE cif = ?`).pluck().get(c.cif) as number | undefined;
      if (id === undefined) {
        id = -(db.prepare('SELECT seq FROM visitor_key WHERE cif = ?').pluck().get(c.cif) as number);
        db.prepare(`INSERT INTO ${S}.customer_key (id, cif) VALUES (?, ?)`).run(id, c.cif);
      }
      db.prepare(insertSql.customer(S, true)).run(
        id,
        c.cif,
        c.name,
        c.gender,
        c.birth_date,
        this.key.lookup('phone', c.phone),
        this.key.seal(c.phone),
        maskPhone(c.phone),
        this.key.lookup('idNumber', c.resident_id),
        this.key.seal(c.resident_id),
        maskIdNumber(c.resident_id),
        c.marital_status,
        c.occupation,
        c.risk_tolerance,
        c.risk_assessed_on ?? null,
        c.marketing_consent ? 1 : 0,
        c.home_branch_id,
        c.relationship_manager ?? null,
        c.last_overdue_on ?? null,
        c.resident === false ? 0 : 1,
        c.control_group_exempt ? 1 : 0,
      );
      const card = db.prepare(insertSql.card(S, true));
      for (const k of cards) card.run(this.key.lookup('card', k.card_number), this.key.seal(k.card_number), maskCardNumber(k.card_number), id, k.kind);
      const known = db.prepare(`SELECT 1 FROM ${S}.product WHERE code = ?`).pluck();
      const holding = db.prepare(insertSql.holding(S, true));
      for (const h of holdings) {
        if (!known.get(h.product_code)) continue;
        holding.run(h.account_id, id, h.product_code, h.branch_id, h.amount, h.opened_on, h.maturity_on ?? null, today);
      }
      return id;
    })();
    await computeTiers(db, rules, today, { schema: S, only: id });
    return id;
  }
}

/** The ids of the walk-ins looked up today or yesterday (their visit may still go on). */
export function visitorsToKeep(branchDb: Db, today: string): number[] {
  return branchDb.prepare('SELECT -seq FROM visitor_key WHERE last_seen_on >= ?').pluck().all(addDaysIso(today, -1)) as number[];
}

/**
 * Copies walk-ins (`ids`) from the snapshot in schema `from` into the one in `into`, unless the new
 * one has them (by id or CIF: a feed that brings the customer wins): their customer row, registry
 * entry, cards, and holdings of products the new catalogue has. Used by a full import before its
 * switch, and by the hub when it follows a switch (walk-ins stored in the old file meanwhile).
 */
export function carryVisitors(db: Db, into: string, from: string, ids: readonly number[]): number {
  if (!ids.length) return 0;
  // No temporary table: one on the import's connection keeps its final checkpoint from running.
  const absent = db.prepare(
    `SELECT c.id FROM ${from}.customer c WHERE c.id = ? AND NOT EXISTS (SELECT 1 FROM ${into}.customer m WHERE m.cif = c.cif OR m.id = c.id)`,
  );
  const carried = ids.filter((id) => Number.isSafeInteger(id) && absent.get(id) !== undefined);
  if (!carried.length) return 0;
  const list = carried.join(', ');
  db.transaction(() => {
    db.exec(`
      INSERT OR IGNORE INTO ${into}.customer_key (id, cif) SELECT id, cif FROM ${from}.customer_key WHERE id IN (${list});
      INSERT INTO ${into}.customer SELECT * FROM ${from}.customer WHERE id IN (${list});
      INSERT OR IGNORE INTO ${into}.card SELECT * FROM ${from}.card WHERE customer_id IN (${list});
      INSERT INTO ${into}.holding (account_id, customer_id, product_code, branch_id, amount_fen, opened_on, maturity_on, as_of)
        SELECT account_id, customer_id, product_code, branch_id, amount_fen, opened_on, maturity_on, as_of FROM ${from}.holding h
         WHERE customer_id IN (${list}) AND EXISTS (SELECT 1 FROM ${into}.product p WHERE p.code = h.product_code)
           AND NOT EXISTS (SELECT 1 FROM ${into}.holding m WHERE m.account_id = h.account_id);
    `);
  })();
  return carried.length;
}
