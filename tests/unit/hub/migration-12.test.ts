/**
 * Migration 12 on a branch database of the previous version: the customers move into the
 * branch's first snapshot file with identifiers hashed and sealed (no phone, card or resident ID
 * readable in either file), money in integer fen and customer ids kept; saved forms are sealed;
 * the visit tables keep their rows without a foreign key into the snapshot.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src-main/hub/db/migrations';
import { migrate, openDatabase } from '../../../src-main/hub/db/open';
import { IdentifierKey } from '../../../src-main/customer-data/identifier-key';
import { liveSnapshot, snapshotsDir } from '../../../src-main/hub/customers/snapshot';
import { openValues } from '../../../src-main/hub/forms/forms';
import { LEGACY_CUSTOMERS, writeLegacyBranch } from './legacy-branch';

const upTo = (v: number) => MIGRATIONS.filter((m) => m.version <= v);
let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lobby-m12-'));
  file = join(dir, 'branch.db');
  const old = new Database(file);
  old.pragma('foreign_keys = ON');
  migrate(old, upTo(11));
  writeLegacyBranch(old);
  old.exec(`
    INSERT INTO ticket (id, branch_id, business_date, service_code, requested_service_code, seq, number, ticket_class, route, vip,
      customer_id, language, request_id, device_id, track_token, status, issued_at, queued_at)
      VALUES ('t1', 'demo-001', '2026-03-02', 'A', 'A', 1, 'A001', 'normal', 'standard', 0, 2, 'zh-CN', 'r-1', 'kiosk-01', 'tok-aaaaaaaaaaaaaaaa', 'waiting', 5, 5);
    INSERT INTO ticket_form (ticket_id, branch_id, form_id, values_json, prefilled_json, used_json, submitted_at, updated_at)
      VALUES ('t1', 'demo-001', 'card_loss', '{"idNumber":"310104197205200027","cardNumber":"6225880000000027"}', '[]', '[]', 5, 5);`);
  old.close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('migration 12: customer data into a snapshot, identifiers sealed, money in fen', () => {
  it('moves every customer, card, holding and credit state into the first snapshot and points the branch at it', () => {
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]).sort();
    for (const gone of ['customer', 'card', 'holding', 'product', 'credit_status', 'account_movement', 'product_application']) expect(tables).not.toContain(gone);
    const live = liveSnapshot(db, 'demo-001')!;
    expect(live).toMatchObject({ feedId: 'migrated' });
    const path = join(snapshotsDir(dir), live.file);
    expect(existsSync(path)).toBe(true);
    // The key file was made, for this data directory only.
    const keyFile = IdentifierKey.fileIn(dir);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const key = IdentifierKey.load(dir);

    const snap = new Database(path, { readonly: true });
    const customers = snap.prepare('SELECT * FROM customer ORDER BY id').all() as Record<string, unknown>[];
    expect(customers.map((c) => [c.id, c.cif])).toEqual(LEGACY_CUSTOMERS.map((c) => [c.id, c.cif]));
    for (const [i, c] of customers.entries()) {
      const was = LEGACY_CUSTOMERS[i]!;
      expect(key.open(c.phone_sealed as Buffer)).toBe(was.phone);
      expect(key.open(c.id_sealed as Buffer)).toBe(was.idNumber);
      expect(Buffer.compare(c.phone_lookup as Buffer, key.lookup('phone', was.phone))).toBe(0);
      expect(c.phone_masked).toBe(`${was.phone.slice(0, 3)}****${was.phone.slice(-4)}`);
      expect(c.aum_fen).toBe(Math.round(was.aum * 100));
      expect(Number.isInteger(c.aum_fen)).toBe(true);
    }
    expect(snap.prepare('SELECT id, cif FROM customer_key ORDER BY id').all()).toEqual(LEGACY_CUSTOMERS.map((c) => ({ id: c.id, cif: c.cif })));
    const cards = snap.prepare('SELECT card_sealed, card_masked, customer_id FROM card ORDER BY customer_id').all() as { card_sealed: Buffer; card_masked: string; customer_id: number }[];
    expect(cards.map((k) => [key.open(k.card_sealed), k.card_masked, k.customer_id])).toEqual(
      LEGACY_CUSTOMERS.map((c) => [c.card, `${c.card.slice(0, 6)}******${c.card.slice(-4)}`, c.id]),
    );
    // Money as integer fen, the home branch written out, credit state tied to the moved loan.
    const holdings = snap.prepare('SELECT customer_id, product_code, amount_fen, branch_id FROM holding ORDER BY id').all();
    expect(holdings).toEqual([
      { customer_id: 1, product_code: 'DD-SAVE', amount_fen: 648_000_050, branch_id: 'demo-001' },
      { customer_id: 1, product_code: 'LN-CAR', amount_fen: 8_800_010, branch_id: 'demo-001' },
      { customer_id: 2, product_code: 'DD-SAVE', amount_fen: 233_000_000, branch_id: 'demo-001' },
      { customer_id: 2, product_code: 'LN-CAR', amount_fen: 8_800_010, branch_id: 'demo-001' },
    ]);
    const credit = snap.prepare('SELECT c.due_fen, c.overdue_days, h.product_code FROM credit_status c JOIN holding h ON h.id = c.holding_id').all();
    expect(credit).toEqual([
      { due_fen: 123_456, overdue_days: 3, product_code: 'LN-CAR' },
      { due_fen: 123_456, overdue_days: 3, product_code: 'LN-CAR' },
    ]);
    snap.close();

    // The visit kept its customer id; the saved form is sealed and still reads the same.
    expect(db.prepare("SELECT customer_id FROM ticket WHERE id = 't1'").pluck().get()).toBe(2);
    const stored = db.prepare("SELECT values_json FROM ticket_form WHERE ticket_id = 't1'").pluck().get() as string;
    expect(stored.startsWith('sealed:')).toBe(true);
    expect(openValues(key, stored)).toEqual({ idNumber: '310104197205200027', cardNumber: '6225880000000027' });
    const fks = (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]).filter((sql) => /REFERENCES customer\(/.test(sql));
    expect(fks).toEqual([]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();

    // No identifier is readable in any file of the data directory.
    const files = [file, `${file}-wal`, ...readdirSync(snapshotsDir(dir)).map((f) => join(snapshotsDir(dir), f))].filter(existsSync);
    for (const f of files) {
      const bytes = readFileSync(f).toString('latin1');
      for (const c of LEGACY_CUSTOMERS) {
        for (const secret of [c.phone, c.idNumber, c.card]) expect(bytes.includes(secret), `${secret} in ${f}`).toBe(false);
      }
    }
  });

  it('a fresh database gets the new schema and no snapshot until a branch is set up', () => {
    const fresh = mkdtempSync(join(tmpdir(), 'lobby-m12-fresh-'));
    try {
      const db = openDatabase(join(fresh, 'branch.db'));
      expect(db.prepare('SELECT count(*) FROM feed_state').pluck().get()).toBe(0);
      expect(existsSync(snapshotsDir(fresh))).toBe(false);
      db.close();
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
