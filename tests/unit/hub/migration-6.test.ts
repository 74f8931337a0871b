import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src-main/hub/db/migrations';
import { migrate } from '../../../src-main/hub/db/open';

const columns = (db: Database.Database, table: string) =>
  (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
const upTo = (v: number) => MIGRATIONS.filter((m) => m.version <= v);

function seedBranch(db: Database.Database) {
  db.prepare("INSERT INTO branch (id, name_zh, name_en, rules_json) VALUES ('b', '支行', 'Branch', '{}')").run();
  db.prepare("INSERT INTO service (branch_id, code, prefix, name_zh, name_en) VALUES ('b', 'A', 'A', '现金', 'Cash')").run();
}

function ticket(db: Database.Database, id: string, issuedAt: number) {
  db.prepare(
    `INSERT INTO ticket (id, branch_id, business_date, service_code, requested_service_code, seq, number, ticket_class, route, vip,
       language, request_id, device_id, track_token, status, issued_at, queued_at)
     VALUES (?, 'b', '2026-11-22', 'A', 'A', 1, 'A001', 'normal', 'standard', 0, 'zh-CN', ?, 'k', ?, 'waiting', ?, ?)`,
  ).run(id, `r-${id}`, `tok-${id}`, issuedAt, issuedAt);
}

const insert = (db: Database.Database, code: string, extra: Record<string, unknown> = {}) =>
  db
    .prepare(
      `INSERT INTO appointment (branch_id, business_date, code, booked_at, service_code, status, ticket_id, checked_in_at,
         cancelled_at, source, created_at, created_by)
       VALUES (@branch_id, @business_date, @code, @booked_at, @service_code, @status, @ticket_id, @checked_in_at,
         @cancelled_at, @source, 1, 'm01')`,
    )
    .run({
      branch_id: 'b',
      business_date: '2026-11-22',
      code,
      booked_at: 1000,
      service_code: 'A',
      status: 'booked',
      ticket_id: null,
      checked_in_at: null,
      cancelled_at: null,
      source: 'branch',
      ...extra,
    });

describe('migration 6: appointments', () => {
  it('creates the appointment table and ticket.appointment_id; existing tickets stay walk-ins', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, upTo(5));
    seedBranch(db);
    ticket(db, 't1', 1000);
    migrate(db, upTo(6));
    expect(db.pragma('user_version', { simple: true })).toBe(6);
    expect(columns(db, 'appointment')).toEqual([
      'id',
      'branch_id',
      'business_date',
      'code',
      'booked_at',
      'service_code',
      'customer_id',
      'status',
      'ticket_id',
      'checked_in_at',
      'checked_in_by',
      'cancelled_at',
      'cancelled_by',
      'cancel_reason',
      'source',
      'note',
      'created_at',
      'created_by',
    ]);
    expect(columns(db, 'ticket')).toContain('appointment_id');
    expect(db.prepare('SELECT id, appointment_id FROM ticket').all()).toEqual([{ id: 't1', appointment_id: null }]);
  });

  it('keeps a code unique per branch and business date, and six digits', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, upTo(6));
    seedBranch(db);
    insert(db, '123456');
    expect(() => insert(db, '123456')).toThrow(/UNIQUE/);
    insert(db, '123456', { business_date: '2026-11-23' }); // another day may reuse it
    for (const bad of ['12345', '1234567', '12345a', '12 456']) expect(() => insert(db, bad), bad).toThrow(/CHECK/);
    expect(() => insert(db, '654321', { business_date: '22/11/2026' })).toThrow(/CHECK/);
    // The service must exist in the branch.
    expect(() => insert(db, '654321', { service_code: 'Z' })).toThrow(/FOREIGN KEY/);
  });

  it('ties a ticket to checked_in / late and a time to cancelled, and checks status and source', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, upTo(6));
    seedBranch(db);
    ticket(db, 't1', 1000);
    expect(() => insert(db, '000001', { status: 'checked_in' })).toThrow(/CHECK/); // no ticket
    expect(() => insert(db, '000001', { status: 'late', ticket_id: 't1' })).toThrow(/CHECK/); // no check-in time
    expect(() => insert(db, '000001', { status: 'booked', ticket_id: 't1', checked_in_at: 5 })).toThrow(/CHECK/);
    expect(() => insert(db, '000001', { status: 'checked_in', ticket_id: 'nope', checked_in_at: 5 })).toThrow(/FOREIGN KEY/);
    const { lastInsertRowid } = insert(db, '000001', { status: 'checked_in', ticket_id: 't1', checked_in_at: 5 });
    db.prepare('UPDATE ticket SET appointment_id = ? WHERE id = ?').run(lastInsertRowid, 't1');
    expect(() => insert(db, '000002', { status: 'checked_in', ticket_id: 't1', checked_in_at: 5 })).toThrow(/UNIQUE/); // one ticket, one appointment
    expect(() => insert(db, '000003', { status: 'cancelled' })).toThrow(/CHECK/);
    insert(db, '000003', { status: 'cancelled', cancelled_at: 9 });
    expect(() => insert(db, '000004', { status: 'gone' })).toThrow(/CHECK/);
    expect(() => insert(db, '000004', { source: 'fax' })).toThrow(/CHECK/);
    insert(db, '000004', { status: 'missed' });
  });

  it('lets the retention purge delete an appointment before its ticket (no reference back)', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, upTo(6));
    seedBranch(db);
    ticket(db, 't1', 1000);
    const { lastInsertRowid } = insert(db, '000001', { status: 'late', ticket_id: 't1', checked_in_at: 5 });
    db.prepare('UPDATE ticket SET appointment_id = ? WHERE id = ?').run(lastInsertRowid, 't1');
    // The purge's order: every table referencing a ticket, then the tickets.
    db.transaction(() => {
      db.prepare("DELETE FROM appointment WHERE ticket_id IN (SELECT id FROM ticket WHERE business_date < '2026-12-01')").run();
      db.prepare("DELETE FROM ticket WHERE business_date < '2026-12-01'").run();
    })();
    expect(db.prepare('SELECT count(*) AS n FROM appointment').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM ticket').get()).toEqual({ n: 0 });
  });
});
