import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src-main/hub/db/migrations';
import { migrate } from '../../../src-main/hub/db/open';

const columns = (db: Database.Database, table: string) =>
  (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
const upTo = (v: number) => MIGRATIONS.filter((m) => m.version <= v);

const insert = `INSERT INTO branch_notice (id, branch_id, text_zh, text_en, starts_at, ends_at, sort_order, created_at, created_by, updated_at, updated_by, removed_at, removed_by)
  VALUES (@id, 'b', @zh, @en, @starts, @ends, @order, 1000, 'admin', 1000, 'admin', @removedAt, @removedBy)`;
const row = (over: Record<string, unknown> = {}) => ({
  id: 'n1',
  zh: '欢迎光临',
  en: 'Welcome',
  starts: null,
  ends: null,
  order: 1,
  removedAt: null,
  removedBy: null,
  ...over,
});

function migrated(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, upTo(7));
  db.prepare("INSERT INTO branch (id, name_zh, name_en, rules_json) VALUES ('b', '支行', 'Branch', '{}')").run();
  migrate(db, upTo(8));
  return db;
}

describe('migration 8: branch notices for the lobby display', () => {
  it('creates branch_notice on an existing database and records version 8', () => {
    const db = migrated();
    expect(db.pragma('user_version', { simple: true })).toBe(8);
    expect(columns(db, 'branch_notice')).toEqual([
      'id',
      'branch_id',
      'text_zh',
      'text_en',
      'starts_at',
      'ends_at',
      'sort_order',
      'created_at',
      'created_by',
      'updated_at',
      'updated_by',
      'removed_at',
      'removed_by',
    ]);
    db.prepare(insert).run(row({ starts: 2000, ends: 3000 }));
    expect(db.prepare('SELECT text_zh, text_en, starts_at, ends_at FROM branch_notice').get()).toEqual({
      text_zh: '欢迎光临',
      text_en: 'Welcome',
      starts_at: 2000,
      ends_at: 3000,
    });
  });

  it('refuses empty or over-long texts, an end before the start, a half-recorded removal and an unknown branch', () => {
    const db = migrated();
    expect(() => db.prepare(insert).run(row({ zh: '' }))).toThrow(/CHECK/);
    expect(() => db.prepare(insert).run(row({ en: 'x'.repeat(241) }))).toThrow(/CHECK/);
    expect(() => db.prepare(insert).run(row({ zh: '字'.repeat(121) }))).toThrow(/CHECK/);
    expect(() => db.prepare(insert).run(row({ starts: 3000, ends: 3000 }))).toThrow(/CHECK/);
    expect(() => db.prepare(insert).run(row({ removedAt: 5000 }))).toThrow(/CHECK/);
    expect(() => db.prepare(insert.replace("'b'", "'nope'")).run(row())).toThrow(/FOREIGN KEY/);
    // STRICT: a time must be an integer.
    expect(() => db.prepare(insert).run(row({ starts: 'tomorrow' }))).toThrow(/cannot store TEXT/);
    db.prepare(insert).run(row({ zh: '字'.repeat(120), en: 'x'.repeat(240), removedAt: 5000, removedBy: 'admin' }));
    expect(db.prepare('SELECT count(*) AS n FROM branch_notice').get()).toEqual({ n: 1 });
  });
});
