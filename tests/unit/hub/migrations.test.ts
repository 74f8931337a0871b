import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../src-main/hub/db/migrations';
import { NewerDatabaseError, migrate, openDatabase } from '../../../src-main/hub/db/open';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lobby-mig-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const tables = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map(
    (r) => r.name,
  );

describe('opening the branch database', () => {
  it('sets WAL, synchronous=FULL and foreign keys on every open', () => {
    const file = join(dir, 'b.db');
    for (let i = 0; i < 2; i++) {
      const db = openDatabase(file);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      db.close();
    }
  });

  it('refuses a database written by a newer version, with a clear message', () => {
    const file = join(dir, 'newer.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    raw.close();
    expect(() => openDatabase(file)).toThrow(NewerDatabaseError);
    expect(() => openDatabase(file)).toThrow(/newer Branch Lobby.*Upgrade/);
  });

  it('applies pending migrations in one transaction: a failing one leaves nothing behind', () => {
    const db = new Database(':memory:');
    const broken = [
      { version: 1, name: 'ok', sql: 'CREATE TABLE a (x INTEGER) STRICT;' },
      { version: 2, name: 'broken', sql: 'CREATE TABLE b (x INTEGER) STRICT; INSERT INTO missing VALUES (1);' },
    ];
    expect(() => migrate(db, broken)).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(tables(db)).toEqual([]);
  });

  it('numbers migrations 1..n without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });
});

describe('migration 1: branch, staff, devices, customers, tickets, offers, audit', () => {
  it('creates every entity table', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS.slice(0, 1));
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(tables(db)).toEqual(
      expect.arrayContaining([
        'branch', 'service', 'counter', 'counter_service', 'staff', 'device', 'session', 'customer', 'card', 'product',
        'holding', 'ticket_sequence', 'ticket', 'green_channel_routing', 'offer_decision', 'offer_outcome', 'event_log', 'audit_log',
      ]),
    );
  });

  it('makes the audit log append-only and enforces checks', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS.slice(0, 1));
    db.prepare("INSERT INTO audit_log (at, branch_id, actor, role, action, subject) VALUES (1, 'b', 'm01', 'manager', 'x', 'y')").run();
    expect(() => db.prepare("UPDATE audit_log SET actor = 'someone else'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    db.prepare("INSERT INTO branch (id, name_zh, name_en, rules_json) VALUES ('b', '支行', 'Branch', '{}')").run();
    expect(() => db.prepare("INSERT INTO staff (id, branch_id, name, role, pin_hash) VALUES ('x', 'b', 'X', 'janitor', 'h')").run()).toThrow(
      /CHECK/,
    );
  });
});
