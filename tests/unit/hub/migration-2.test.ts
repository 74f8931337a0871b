import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src-main/hub/db/migrations';
import { migrate } from '../../../src-main/hub/db/open';

const columns = (db: Database.Database, table: string) =>
  (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);

function ticketAt(db: Database.Database, id: string, issuedAt: number) {
  db.prepare(
    `INSERT INTO ticket (id, branch_id, business_date, service_code, requested_service_code, seq, number, ticket_class, route, vip,
       language, request_id, device_id, track_token, status, issued_at)
     VALUES (?, 'b', '2026-11-22', 'A', 'A', 1, 'A001', 'normal', 'standard', 0, 'zh-CN', ?, 'k', ?, 'waiting', ?)`,
  ).run(id, `r-${id}`, `tok-${id}`, issuedAt);
}

describe('migration 2: queue engine', () => {
  it('adds the queue columns, keeps existing tickets in order and creates counter_state', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS.slice(0, 1));
    db.prepare("INSERT INTO branch (id, name_zh, name_en, rules_json) VALUES ('b', '支行', 'Branch', '{}')").run();
    ticketAt(db, 't1', 1000);
    ticketAt(db, 't2', 2000);
    migrate(db, MIGRATIONS.slice(0, 2));
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(columns(db, 'ticket')).toEqual(
      expect.arrayContaining(['priority_reason', 'queued_at', 'target_counter_id', 'recall_count', 'transfer_count', 'parked_at', 'outcome']),
    );
    expect(columns(db, 'green_channel_routing')).toContain('reason');
    expect(columns(db, 'counter_state')).toEqual(['counter_id', 'branch_id', 'state', 'reason', 'note', 'changed_at', 'changed_by']);
    // Tickets written before the migration are queued at their issue time.
    expect(db.prepare('SELECT id, queued_at, recall_count FROM ticket ORDER BY id').all()).toEqual([
      { id: 't1', queued_at: 1000, recall_count: 0 },
      { id: 't2', queued_at: 2000, recall_count: 0 },
    ]);
  });

  it('enforces its checks', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS.slice(0, 2));
    db.prepare("INSERT INTO branch (id, name_zh, name_en, rules_json) VALUES ('b', '支行', 'Branch', '{}')").run();
    db.prepare("INSERT INTO counter (id, branch_id, name_zh, name_en) VALUES (1, 'b', '1', '1')").run();
    ticketAt(db, 't1', 1000);
    expect(() => db.prepare("UPDATE ticket SET priority_reason = 'tired' WHERE id = 't1'").run()).toThrow(/CHECK/);
    db.prepare("UPDATE ticket SET priority_reason = 'elderly' WHERE id = 't1'").run();
    expect(() =>
      db.prepare("INSERT INTO counter_state (counter_id, branch_id, state, changed_at, changed_by) VALUES (1, 'b', 'asleep', 1, 't01')").run(),
    ).toThrow(/CHECK/);
    db.prepare("INSERT INTO counter_state (counter_id, branch_id, state, reason, changed_at, changed_by) VALUES (1, 'b', 'paused', 'break', 1, 't01')").run();
  });
});
