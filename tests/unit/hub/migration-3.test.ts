import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src-main/hub/db/migrations';
import { migrate } from '../../../src-main/hub/db/open';

const columns = (db: Database.Database, table: string) =>
  (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
const upTo = (v: number) => MIGRATIONS.filter((m) => m.version <= v);

function seedVisit(db: Database.Database, oldOutcome = true) {
  db.prepare("INSERT INTO branch (id, name_zh, name_en, rules_json) VALUES ('b', '支行', 'Branch', '{}')").run();
  db.prepare(
    `INSERT INTO customer (id, cif, name, gender, birth_date, phone, id_number, marital_status, occupation, risk_tolerance,
       marketing_consent, home_branch_id, tier, stars, key_customer, aum, tier_computed_on)
     VALUES (7, 'c7', '张三', 'M', '1980-01-01', '13900000007', '110101198001010017', 'single', 'employee', 3, 1, 'b', 'general', 1, 0, 0, '2026-11-22')`,
  ).run();
  db.prepare(
    `INSERT INTO ticket (id, branch_id, business_date, service_code, requested_service_code, seq, number, ticket_class, route, vip,
       customer_id, language, request_id, device_id, track_token, status, issued_at)
     VALUES ('t1', 'b', '2026-11-22', 'A', 'A', 1, 'A001', 'normal', 'standard', 0, 7, 'zh-CN', 'r1', 'k', 'tok1', 'waiting', 1)`,
  ).run();
  db.prepare(
    "INSERT INTO offer_decision (id, ticket_id, customer_id, service_only, offers_json, dropped_json, decided_at) VALUES (1, 't1', 7, 0, '[]', '[]', 1)",
  ).run();
  if (oldOutcome) {
    db.prepare("INSERT INTO offer_outcome (decision_id, product_code, outcome, note, staff_id, recorded_at) VALUES (1, 'TD-1Y', 'declined', 'n', 'm01', 5)").run();
  }
}

describe('migration 3: next-best-action records', () => {
  it('extends decisions, rebuilds responses keeping old outcomes, and adds the activity tables', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, upTo(2));
    seedVisit(db);
    migrate(db, upTo(3));
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(columns(db, 'offer_decision')).toEqual(
      expect.arrayContaining(['control_group', 'segment', 'period', 'pitch_allowance', 'actions_json', 'trace_json', 'closed_at']),
    );
    expect(columns(db, 'customer')).toEqual(expect.arrayContaining(['resident', 'control_exempt']));
    expect(db.prepare('SELECT decision_id, customer_id, product_code, outcome, segment, counts_toward_cap, staff_id FROM offer_outcome').all()).toEqual([
      { decision_id: 1, customer_id: 7, product_code: 'TD-1Y', outcome: 'declined', segment: 'adult', counts_toward_cap: 1, staff_id: 'm01' },
    ]);
    expect(db.prepare('SELECT control_group, pitch_allowance FROM offer_decision').get()).toEqual({ control_group: 'treatment', pitch_allowance: 2 });
    for (const t of ['account_movement', 'credit_status', 'product_application']) expect(columns(db, t).length).toBeGreaterThan(3);
  });

  it('accepts the five responses and enforces its checks', () => {
    const db = new Database(':memory:');
    migrate(db, upTo(3));
    seedVisit(db, false);
    const ins = db.prepare(
      "INSERT INTO offer_outcome (decision_id, customer_id, product_code, outcome, segment, staff_id, recorded_at) VALUES (1, 7, 'X', ?, 'adult', 's', 1)",
    );
    for (const o of ['shown', 'accepted', 'declined', 'later', 'no_response']) expect(() => ins.run(o)).not.toThrow();
    expect(() => ins.run('maybe')).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE offer_decision SET control_group = 'vip'").run()).toThrow(/CHECK/);
    expect(() =>
      db.prepare("INSERT INTO account_movement (customer_id, on_date, direction, amount) VALUES (7, '2026-11-20', 'sideways', 10)").run(),
    ).toThrow(/CHECK/);
    expect(() =>
      db.prepare("INSERT INTO account_movement (customer_id, on_date, direction, amount) VALUES (7, '2026-11-20', 'in', 0)").run(),
    ).toThrow(/CHECK/);
  });
});
