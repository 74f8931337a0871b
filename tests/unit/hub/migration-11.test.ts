import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src-main/hub/db/migrations';
import { migrate, openDatabase } from '../../../src-main/hub/db/open';
import { writeLegacyBranch } from './legacy-branch';

const upTo = (v: number) => MIGRATIONS.filter((m) => m.version <= v);

describe('migration 11: cancelled tickets, counters opened by sign-in, risk assessment date', () => {
  it('rebuilds the ticket table with every row, every index and the rows that point at it; cancelled becomes a status', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lobby-m11-'));
    try {
      // A database made at version 10 with a day of data (decisions, routings, forms point at tickets).
      const file = join(dir, 'branch.db');
      const old = new Database(file);
      old.pragma('foreign_keys = ON');
      migrate(old, upTo(10));
      old.close();
      const db10 = openDatabase(file, { migrations: upTo(10) });
      writeLegacyBranch(db10);
      db10.exec(`
        INSERT INTO ticket (id, branch_id, business_date, service_code, requested_service_code, seq, number, ticket_class, route, vip,
          customer_id, language, request_id, device_id, track_token, status, issued_at, queued_at)
          VALUES ('t1', 'demo-001', '2026-03-02', 'V', 'A', 1, 'V001', 'green', 'green_channel', 1, 1, 'zh-CN', 'r-1', 'kiosk-01', 'tok-aaaaaaaaaaaaaaaa', 'waiting', 5, 5);
        INSERT INTO green_channel_routing (ticket_id, customer_id, rule, from_service_code, destination_service_code, destination_counter_id, decided_at, decided_by)
          VALUES ('t1', 1, 'key_customer', 'A', 'V', 4, 5, 'kiosk-01');`);
      expect(() => db10.prepare("UPDATE ticket SET status = 'cancelled' WHERE id = 't1'").run()).toThrow(/CHECK/);
      const indexesBefore = (db10.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ticket' AND sql IS NOT NULL ORDER BY name").all() as { name: string }[]).map((r) => r.name);
      db10.close();

      const db = openDatabase(file, { migrations: upTo(11) });
      expect(db.pragma('user_version', { simple: true })).toBe(11);
      expect(db.prepare("SELECT id, number, status FROM ticket").all()).toEqual([{ id: 't1', number: 'V001', status: 'waiting' }]);
      expect(db.prepare('SELECT ticket_id FROM green_channel_routing').all()).toEqual([{ ticket_id: 't1' }]);
      const indexesAfter = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ticket' AND sql IS NOT NULL ORDER BY name").all() as { name: string }[]).map((r) => r.name);
      expect(indexesAfter).toEqual(indexesBefore);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      db.prepare("UPDATE ticket SET status = 'cancelled' WHERE id = 't1'").run();
      expect(() => db.prepare("UPDATE ticket SET status = 'gone' WHERE id = 't1'").run()).toThrow(/CHECK/);
      // Still enforced: a routing for a ticket that does not exist is refused.
      expect(() =>
        db.prepare(`INSERT INTO green_channel_routing (ticket_id, customer_id, rule, from_service_code, destination_service_code, decided_at, decided_by)
          VALUES ('nope', 1, 'x', 'A', 'V', 1, 'x')`).run(),
      ).toThrow(/FOREIGN KEY/);
      const cols = (t: string) => (db.prepare(`PRAGMA table_info(${t})`).all() as { name: string }[]).map((c) => c.name);
      expect(cols('counter_state')).toContain('by_sign_in');
      expect(cols('customer')).toContain('risk_assessed_on');
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
