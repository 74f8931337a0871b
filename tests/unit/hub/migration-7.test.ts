import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src-main/hub/db/migrations';
import { migrate } from '../../../src-main/hub/db/open';

const columns = (db: Database.Database, table: string) =>
  (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
const upTo = (v: number) => MIGRATIONS.filter((m) => m.version <= v);

function seedTickets(db: Database.Database) {
  db.prepare("INSERT INTO branch (id, name_zh, name_en, rules_json) VALUES ('b', '支行', 'Branch', '{}')").run();
  db.prepare("INSERT INTO counter (id, branch_id, name_zh, name_en) VALUES (1, 'b', '1号窗口', 'Counter 1')").run();
  const t = db.prepare(
    `INSERT INTO ticket (id, branch_id, business_date, service_code, requested_service_code, seq, number, ticket_class, route, vip,
       language, request_id, device_id, track_token, status, issued_at, called_at, counter_id, ended_at)
     VALUES (?, 'b', '2026-11-22', 'A', 'A', ?, ?, 'normal', 'standard', 0, 'zh-CN', ?, 'k', ?, ?, 1000, ?, ?, ?)`,
  );
  t.run('t1', 1, 'A001', 'r1', 'tok1', 'completed', 61_000, 1, 421_000);
  t.run('t2', 2, 'A002', 'r2', 'tok2', 'called', 121_000, 1, null);
  t.run('t3', 3, 'A003', 'r3', 'tok3', 'waiting', null, null, null);
}

describe('migration 7: when serving started', () => {
  it('adds ticket.serving_at and leaves existing tickets without a start (walk unknown)', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, upTo(5));
    seedTickets(db);
    migrate(db, upTo(7));
    expect(db.pragma('user_version', { simple: true })).toBe(7);
    expect(columns(db, 'ticket')).toContain('serving_at');
    expect(db.prepare('SELECT id, status, called_at, serving_at, ended_at FROM ticket ORDER BY id').all()).toEqual([
      { id: 't1', status: 'completed', called_at: 61_000, serving_at: null, ended_at: 421_000 },
      { id: 't2', status: 'called', called_at: 121_000, serving_at: null, ended_at: null },
      { id: 't3', status: 'waiting', called_at: null, serving_at: null, ended_at: null },
    ]);
  });

  it('stores a start time and refuses a non-positive one', () => {
    const db = new Database(':memory:');
    migrate(db, upTo(7));
    seedTickets(db);
    db.prepare("UPDATE ticket SET serving_at = 150000 WHERE id = 't2'").run();
    expect(db.prepare("SELECT serving_at - called_at AS walk FROM ticket WHERE id = 't2'").get()).toEqual({ walk: 29_000 });
    expect(() => db.prepare("UPDATE ticket SET serving_at = 0 WHERE id = 't1'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE ticket SET serving_at = -5 WHERE id = 't1'").run()).toThrow(/CHECK/);
  });
});
