import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src-main/hub/db/migrations';
import { migrate } from '../../../src-main/hub/db/open';

const upTo = (v: number) => MIGRATIONS.filter((m) => m.version <= v);
const columns = (db: Database.Database, table: string) =>
  (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);

function withTickets(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, upTo(8));
  db.exec(`
    INSERT INTO branch (id, name_zh, name_en, rules_json) VALUES ('b', '支行', 'Branch', '{}');
    INSERT INTO service (branch_id, code, prefix, name_zh, name_en) VALUES ('b', 'A', 'A', '现金', 'Cash');
    INSERT INTO customer (id, cif, name, gender, birth_date, phone, id_number, marital_status, occupation, risk_tolerance,
      marketing_consent, home_branch_id, tier, stars, key_customer, aum, tier_computed_on)
      VALUES (7, 'C7', '王建国', 'M', '1974-11-22', '13800000001', '310104197411220151', 'married', 'employee', 3, 1, 'b', 'top', 5, 1, 100, '2026-12-01');
  `);
  const insert = db.prepare(`INSERT INTO ticket (id, branch_id, business_date, service_code, requested_service_code, seq, number,
      ticket_class, route, vip, customer_id, language, request_id, device_id, track_token, status, issued_at, queued_at)
    VALUES (?, 'b', '2026-12-04', 'A', 'A', ?, ?, 'normal', 'standard', 0, ?, 'zh-CN', ?, 'kiosk-01', ?, 'waiting', 1, 1)`);
  insert.run('t-guest', 1, 'A001', null, 'req-guest-1', 'tok-guest-aaaaaaaaaa');
  insert.run('t-known', 2, 'A002', 7, 'req-known-1', 'tok-known-aaaaaaaaaa');
  return db;
}

describe('migration 9: identification strength on tickets', () => {
  it('adds the columns; tickets with a customer made before it count as typed, guests stay unidentified', () => {
    const db = withTickets();
    migrate(db, upTo(9));
    expect(db.pragma('user_version', { simple: true })).toBe(9);
    expect(columns(db, 'ticket')).toEqual(expect.arrayContaining(['identification', 'id_confirmed_at', 'id_confirmed_by', 'id_check']));
    const rows = db.prepare('SELECT id, identification, id_confirmed_at FROM ticket ORDER BY id').all();
    expect(rows).toEqual([
      { id: 't-guest', identification: null, id_confirmed_at: null },
      { id: 't-known', identification: 'typed', id_confirmed_at: null },
    ]);
  });

  it('refuses values outside the known strengths and checks', () => {
    const db = withTickets();
    migrate(db, upTo(9));
    expect(() => db.prepare("UPDATE ticket SET identification = 'guessed' WHERE id = 't-known'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE ticket SET id_check = 'looked_honest' WHERE id = 't-known'").run()).toThrow(/CHECK/);
    db.prepare("UPDATE ticket SET id_confirmed_at = 5, id_confirmed_by = 'm01', id_check = 'id_document' WHERE id = 't-known'").run();
  });
});
