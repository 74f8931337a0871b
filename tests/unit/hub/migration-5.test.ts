import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src-main/hub/db/migrations';
import { migrate } from '../../../src-main/hub/db/open';

const columns = (db: Database.Database, table: string) =>
  (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
const upTo = (v: number) => MIGRATIONS.filter((m) => m.version <= v);

function seedHoldings(db: Database.Database) {
  db.prepare("INSERT INTO branch (id, name_zh, name_en, rules_json) VALUES ('b', '支行', 'Branch', '{}')").run();
  db.prepare(
    `INSERT INTO customer (id, cif, name, gender, birth_date, phone, id_number, marital_status, occupation, risk_tolerance,
       marketing_consent, home_branch_id, tier, stars, key_customer, aum, tier_computed_on)
     VALUES (7, 'c7', '张三', 'M', '1980-01-01', '13900000007', '110101198001010017', 'single', 'employee', 3, 1, 'other', 'general', 1, 0, 0, '2026-11-22')`,
  ).run();
  db.prepare(
    `INSERT INTO product (code, category, name_zh, name_en, risk_level, is_credit, base_propensity)
     VALUES ('DD-SAVE', 'demand_deposit', '活期', 'Savings', 1, 0, 0.1)`,
  ).run();
  const h = db.prepare("INSERT INTO holding (id, customer_id, product_code, amount, opened_on, as_of) VALUES (?, 7, 'DD-SAVE', ?, '2020-01-01', '2026-11-22')");
  h.run(1, 100);
  h.run(2, 200);
}

describe('migration 5: the branch a holding is held at', () => {
  it('adds holding.branch_id and leaves existing holdings at the home branch (NULL)', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, upTo(4));
    seedHoldings(db);
    migrate(db, upTo(5));
    expect(db.pragma('user_version', { simple: true })).toBe(5);
    expect(columns(db, 'holding')).toContain('branch_id');
    expect(db.prepare('SELECT id, amount, branch_id FROM holding ORDER BY id').all()).toEqual([
      { id: 1, amount: 100, branch_id: null },
      { id: 2, amount: 200, branch_id: null },
    ]);
    // Read as "held at" a branch, existing rows are held at the customer's home branch.
    const heldAt = db
      .prepare('SELECT COALESCE(h.branch_id, c.home_branch_id) AS at, count(*) AS n FROM holding h JOIN customer c ON c.id = h.customer_id GROUP BY at')
      .all();
    expect(heldAt).toEqual([{ at: 'other', n: 2 }]);
  });

  it('stores a branch for new holdings and refuses an empty one', () => {
    const db = new Database(':memory:');
    migrate(db, upTo(5));
    seedHoldings(db);
    db.prepare("UPDATE holding SET branch_id = 'b' WHERE id = 2").run();
    expect(db.prepare('SELECT branch_id FROM holding WHERE id = 2').get()).toEqual({ branch_id: 'b' });
    expect(() => db.prepare("UPDATE holding SET branch_id = '' WHERE id = 1").run()).toThrow(/CHECK/);
  });
});
