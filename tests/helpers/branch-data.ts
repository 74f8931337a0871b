/**
 * Tests read what the hub stored the way a person would: branch.db with the live customer snapshot
 * attached, and views that show the sealed identifiers unsealed (with the data directory's branch
 * key) and money in yuan. Not a spec itself.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { IdentifierKey } from '../../src-main/customer-data/identifier-key';
import { liveSnapshot, snapshotsDir } from '../../src-main/hub/customers/snapshot';
import type { Db } from '../../src-main/hub/db/open';

/**
 * customer_plain (every column but the lookups and sealed copies, plus phone, id_number and aum in
 * yuan), card_plain (card_number, customer_id, kind) and holding_plain (plus amount in yuan).
 */
export function addPlainViews(db: Db, key: IdentifierKey): Db {
  db.function('unseal', (blob: Buffer) => key.open(blob));
  db.exec(`
    CREATE TEMP VIEW IF NOT EXISTS customer_plain AS SELECT c.id, c.cif, c.name, c.gender, c.birth_date, c.phone_masked, c.id_masked, c.marital_status,
      c.occupation, c.risk_tolerance, c.risk_assessed_on, c.marketing_consent, c.home_branch_id, c.relationship_manager, c.last_overdue_on,
      c.resident, c.control_exempt, c.tier, c.stars, c.key_customer, c.aum_fen, c.tier_computed_on,
      unseal(c.phone_sealed) AS phone, unseal(c.id_sealed) AS id_number, c.aum_fen / 100.0 AS aum FROM customer c;
    CREATE TEMP VIEW IF NOT EXISTS card_plain AS SELECT unseal(card_sealed) AS card_number, customer_id, kind FROM card;
    CREATE TEMP VIEW IF NOT EXISTS holding_plain AS SELECT h.*, h.amount_fen / 100.0 AS amount FROM holding h;`);
  return db;
}

/** branch.db of a data directory with its live snapshot attached and the plain views (close it after use). */
export function openBranchData(dataDir: string, options: { readonly?: boolean } = {}): Db {
  const db = new Database(join(dataDir, 'branch.db'), { readonly: options.readonly ?? true, fileMustExist: true });
  const branchId = (db.prepare('SELECT id FROM branch ORDER BY id LIMIT 1').pluck().get() as string | undefined) ?? '';
  const live = liveSnapshot(db, branchId);
  if (live) {
    db.prepare('ATTACH DATABASE ? AS customers').run(join(snapshotsDir(dataDir), live.file));
    addPlainViews(db, IdentifierKey.load(dataDir));
  }
  return db;
}
