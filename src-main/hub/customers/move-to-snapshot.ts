/**
 * Migration 12's data step: an older branch database kept its customers in branch.db with
 * identifiers in clear and money as floating-point yuan. This moves them into the branch's first
 * snapshot file — identifiers as lookup hash, sealed copy and masked form (the key file is created
 * if there is none), money as integer fen, customer ids kept — and points the branch at it. The
 * old tables are dropped by the migration afterwards, in the same transaction as the pointer.
 *
 * The snapshot is written through its own connection (a migration runs inside branch.db's
 * transaction, where ATTACH is not allowed); if the migration rolls back, the file is an orphan
 * the next import removes.
 */
import { dirname, join } from 'node:path';
import type { Db } from '../db/open';
import { IdentifierKey } from '../../customer-data/identifier-key';
import { createSnapshotFile, finishSnapshotFile, setMeta, snapshotsDir, switchSnapshot } from './snapshot';
import { SnapshotWriter } from './snapshot-writer';
import { sealValues } from '../forms/forms';
import type { LoanClass } from '../../domain/reminders';
import type { ProductRow } from '../visits/customer-directory';

interface OldCustomer {
  id: number;
  cif: string;
  name: string;
  gender: 'M' | 'F';
  birth_date: string;
  phone: string;
  id_number: string;
  marital_status: 'single' | 'married' | 'divorced' | 'widowed';
  occupation: string;
  risk_tolerance: number;
  risk_assessed_on: string | null;
  marketing_consent: number;
  home_branch_id: string;
  relationship_manager: string | null;
  last_overdue_on: string | null;
  tier: string;
  stars: number;
  key_customer: number;
  aum: number;
  tier_computed_on: string;
  resident: number;
  control_exempt: number;
}


const fen = (yuan: number) => Math.round(yuan * 100);

/** Moves the customer tables of branch.db into a new snapshot; returns its path, or null when there is no branch. */
export function moveCustomersToSnapshot(db: Db, now = Date.now()): string | null {
  const branch = db.prepare('SELECT id FROM branch ORDER BY id LIMIT 1').get() as { id: string } | undefined;
  if (!branch) return null;
  if (!db.name || db.name === ':memory:') throw new Error('migration 12 needs a branch database on disk (its customers move to a snapshot file beside it)');
  const dataDir = dirname(db.name);
  const key = IdentifierKey.loadOrCreate(dataDir);
  const asOf = new Date(now).toISOString().slice(0, 10);
  const path = join(snapshotsDir(dataDir), `migrated-${now}.db`);
  const snap = createSnapshotFile(path);
  try {
    const w = new SnapshotWriter(snap, key, asOf);
    snap.transaction(() => {
      const setDerived = snap.prepare('UPDATE customer SET tier = ?, stars = ?, key_customer = ?, aum_fen = ?, tier_computed_on = ? WHERE id = ?');
      const registry = snap.prepare('INSERT INTO customer_key (id, cif) VALUES (?, ?)');
      for (const c of db.prepare('SELECT * FROM customer ORDER BY id').iterate() as IterableIterator<OldCustomer>) {
        // Keep the id: tickets, decisions and appointments refer to it.
        registry.run(c.id, c.cif);
        w.ids.set(c.cif, c.id);
        w.customer({
          cif: c.cif,
          name: c.name,
          gender: c.gender,
          birthDate: c.birth_date,
          phone: c.phone,
          residentId: c.id_number,
          maritalStatus: c.marital_status,
          occupation: c.occupation,
          riskTolerance: c.risk_tolerance,
          riskAssessedOn: c.risk_assessed_on ?? null,
          marketingConsent: c.marketing_consent === 1,
          homeBranchId: c.home_branch_id,
          relationshipManager: c.relationship_manager,
          lastOverdueOn: c.last_overdue_on,
          resident: c.resident !== 0,
          controlExempt: c.control_exempt === 1,
        });
        setDerived.run(c.tier, c.stars, c.key_customer, fen(c.aum), c.tier_computed_on, c.id);
      }
      for (const k of db.prepare('SELECT card_number, customer_id, kind FROM card').iterate() as IterableIterator<{ card_number: string; customer_id: number; kind: 'debit' | 'credit' }>) {
        w.card({ cardNumber: k.card_number, customerId: k.customer_id, kind: k.kind });
      }
      for (const p of db.prepare('SELECT * FROM product').iterate() as IterableIterator<ProductRow>) {
        w.product({
          code: p.code,
          category: p.category,
          nameZh: p.name_zh,
          nameEn: p.name_en,
          riskLevel: p.risk_level,
          isCredit: p.is_credit === 1,
          lifeStages: JSON.parse(p.life_stages) as string[],
          minAge: p.min_age,
          maxAge: p.max_age,
          basePropensity: p.base_propensity,
          value: p.value,
          lever: p.lever,
          active: p.active === 1,
        });
      }
      const holdingIds = new Map<number, number>();
      const holdings = db.prepare(
        `SELECT h.id, h.customer_id, h.product_code, h.amount, h.opened_on, h.maturity_on, h.as_of, COALESCE(h.branch_id, c.home_branch_id) AS branch_id
         FROM holding h JOIN customer c ON c.id = h.customer_id ORDER BY h.id`,
      );
      for (const h of holdings.iterate() as IterableIterator<{ id: number; customer_id: number; product_code: string; amount: number; opened_on: string; maturity_on: string | null; branch_id: string }>) {
        holdingIds.set(
          h.id,
          w.holding({ accountId: `legacy-${h.id}`, customerId: h.customer_id, productCode: h.product_code, branchId: h.branch_id, amountFen: fen(h.amount), openedOn: h.opened_on, maturityOn: h.maturity_on }),
        );
      }
      for (const m of db.prepare('SELECT customer_id, on_date, direction, amount, other_bank FROM account_movement').iterate() as IterableIterator<{ customer_id: number; on_date: string; direction: 'in' | 'out'; amount: number; other_bank: number }>) {
        w.movement({ customerId: m.customer_id, onDate: m.on_date, direction: m.direction, amountFen: fen(m.amount), otherBank: m.other_bank === 1 });
      }
      for (const c of db.prepare('SELECT * FROM credit_status').iterate() as IterableIterator<{ holding_id: number; customer_id: number; product_code: string; next_due_on: string | null; due_amount: number; overdue_days: number; classification: LoanClass; previous_classification: LoanClass | null; classified_on: string | null }>) {
        const holdingId = holdingIds.get(c.holding_id);
        if (holdingId === undefined) continue;
        w.credit({
          holdingId,
          customerId: c.customer_id,
          productCode: c.product_code,
          nextDueOn: c.next_due_on,
          dueFen: fen(c.due_amount),
          overdueDays: c.overdue_days,
          classification: c.classification,
          previousClassification: c.previous_classification,
          classifiedOn: c.classified_on,
        });
      }
      for (const a of db.prepare('SELECT customer_id, product_code, status, applied_on FROM product_application').iterate() as IterableIterator<{ customer_id: number; product_code: string; status: 'open'; applied_on: string }>) {
        w.application({ customerId: a.customer_id, productCode: a.product_code, status: a.status, appliedOn: a.applied_on });
      }
      setMeta(snap, { feed_id: 'migrated', as_of: asOf, created_at: new Date(now).toISOString(), branch_id: branch.id });
    })();
    finishSnapshotFile(snap);
  } catch (err) {
    if (snap.open) snap.close();
    throw err;
  }
  switchSnapshot(db, branch.id, { file: path, feedId: 'migrated', asOf }, now);
  // Saved forms hold identifiers as typed: sealed too.
  const seal = db.prepare('UPDATE ticket_form SET values_json = ? WHERE ticket_id = ?');
  for (const f of db.prepare("SELECT ticket_id, values_json FROM ticket_form WHERE values_json NOT LIKE 'sealed:%'").all() as { ticket_id: string; values_json: string }[]) {
    seal.run(sealValues(key, JSON.parse(f.values_json)), f.ticket_id);
  }
  return path;
}
