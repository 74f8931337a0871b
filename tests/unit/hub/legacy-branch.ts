/**
 * A small branch written straight into an older schema (before customer data moved to snapshots,
 * migration 12): the migration tests start from it. Not a spec itself.
 */
import type { Db } from '../../../src-main/hub/db/open';

export const LEGACY_CUSTOMERS = [
  { id: 1, cif: '3100000001', name: '王建国', phone: '13800000001', idNumber: '310101196703150013', card: '6225880000000019', aum: 6_480_000.5 },
  { id: 2, cif: '3100000002', name: '李秀英', phone: '13800000002', idNumber: '310104197205200027', card: '6225880000000027', aum: 2_330_000 },
];

/** A branch, two services, a counter, two customers with a card, a deposit and a loan each (schema version 2 or later). */
export function writeLegacyBranch(db: Db): void {
  db.exec(`
    INSERT INTO branch (id, name_zh, name_en, rules_json) VALUES ('demo-001', '演示', 'Demo', '{}');
    INSERT INTO service (branch_id, code, prefix, name_zh, name_en, vip_only, sort_order) VALUES ('demo-001', 'A', 'A', '现金', 'Cash', 0, 1), ('demo-001', 'V', 'V', '贵宾', 'VIP', 1, 2);
    INSERT INTO counter (id, branch_id, name_zh, name_en, vip) VALUES (1, 'demo-001', '1号窗口', 'Counter 1', 0);
    INSERT INTO counter_service (counter_id, branch_id, service_code, weight) VALUES (1, 'demo-001', 'A', 1);
    INSERT INTO product (code, category, name_zh, name_en, risk_level, is_credit, base_propensity) VALUES
      ('DD-SAVE', 'demand_deposit', '活期', 'Savings', 1, 0, 0.1), ('LN-CAR', 'loan', '车贷', 'Car loan', 1, 1, 0.05);`);
  const customer = db.prepare(
    `INSERT INTO customer (id, cif, name, gender, birth_date, phone, id_number, marital_status, occupation, risk_tolerance, marketing_consent,
       home_branch_id, tier, stars, key_customer, aum, tier_computed_on) VALUES (?, ?, ?, 'M', '1967-03-15', ?, ?, 'married', 'employee', 3, 1, 'demo-001', 'top', 5, 0, ?, '2026-03-01')`,
  );
  const card = db.prepare("INSERT INTO card (card_number, customer_id, kind) VALUES (?, ?, 'debit')");
  const holding = db.prepare("INSERT INTO holding (customer_id, product_code, amount, opened_on, as_of) VALUES (?, ?, ?, '2020-01-01', '2026-03-01')");
  const credit = db.prepare("INSERT INTO credit_status (holding_id, customer_id, product_code, due_amount, overdue_days, classification) VALUES (?, ?, 'LN-CAR', 1234.56, 3, 'special_mention')");
  for (const c of LEGACY_CUSTOMERS) {
    customer.run(c.id, c.cif, c.name, c.phone, c.idNumber, c.aum);
    card.run(c.card, c.id);
    holding.run(c.id, 'DD-SAVE', c.aum);
    const loan = holding.run(c.id, 'LN-CAR', 88_000.1).lastInsertRowid;
    credit.run(loan, c.id);
  }
}
