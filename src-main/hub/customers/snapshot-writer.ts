/**
 * Writes checked customer data into a snapshot file being built: identifiers as lookup hash,
 * sealed copy and masked form, money as integer fen, customer ids from the carried-forward
 * `customer_key` registry. Used by the feed import (every row of every file) and by the migration
 * that moved an older branch database's customers into their first snapshot.
 *
 * The caller batches transactions (`batch`): rows go in thousands at a time.
 */
import type { Db } from '../db/open';
import type { LoanClass } from '../../domain/reminders';
import { maskCardNumber, maskIdNumber, maskPhone } from '../../domain/masking';
import { normalizeIdentityValue } from '../../domain/identity';
import type { IdentifierKey } from '../../customer-data/identifier-key';
import type { SealedIdentifiers } from '../../customer-data/feed-parse';

export interface CustomerInput {
  cif: string;
  name: string;
  gender: 'M' | 'F';
  birthDate: string;
  phone: string;
  residentId: string;
  maritalStatus: 'single' | 'married' | 'divorced' | 'widowed';
  occupation: string;
  riskTolerance: number;
  riskAssessedOn: string | null;
  marketingConsent: boolean;
  homeBranchId: string;
  relationshipManager: string | null;
  lastOverdueOn: string | null;
  resident: boolean;
  controlExempt: boolean;
}

export interface CardInput {
  cardNumber: string;
  customerId: number;
  kind: 'debit' | 'credit';
}

export interface ProductInput {
  code: string;
  category: string;
  nameZh: string;
  nameEn: string;
  riskLevel: number;
  isCredit: boolean;
  lifeStages: string[];
  minAge: number;
  maxAge: number;
  basePropensity: number;
  value: number;
  lever: number;
  active: boolean;
}

export interface HoldingInput {
  accountId: string;
  customerId: number;
  productCode: string;
  branchId: string;
  amountFen: number;
  openedOn: string;
  maturityOn: string | null;
}

export interface MovementInput {
  customerId: number;
  onDate: string;
  direction: 'in' | 'out';
  amountFen: number;
  otherBank: boolean;
}

export interface CreditInput {
  holdingId: number;
  customerId: number;
  productCode: string;
  nextDueOn: string | null;
  dueFen: number;
  overdueDays: number;
  classification: LoanClass;
  previousClassification: LoanClass | null;
  classifiedOn: string | null;
}

export interface ApplicationInput {
  customerId: number;
  productCode: string;
  status: 'open' | 'approved' | 'rejected' | 'withdrawn';
  appliedOn: string;
}

/**
 * The statements that write a customer, a card and a holding into a snapshot (in `schema`: `main`
 * for a file being built, `customers` for the hub's attached one), plain or, with `upsert`, updating
 * the row a key already names. Positional parameters, in the order of the column lists (a million
 * rows: binding by name costs more than the insert). Used by SnapshotWriter and by the walk-ins
 * stored from head office (visitors.ts).
 */
export const insertSql = {
  customer: (schema: string, upsert: boolean) =>
    `INSERT INTO ${schema}.customer (id, cif, name, gender, birth_date, phone_lookup, phone_sealed, phone_masked, id_lookup, id_sealed, id_masked,
       marital_status, occupation, risk_tolerance, risk_assessed_on, marketing_consent, home_branch_id, relationship_manager,
       last_overdue_on, resident, control_exempt)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)${
       upsert
         ? `
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, gender = excluded.gender, birth_date = excluded.birth_date,
       phone_lookup = excluded.phone_lookup, phone_sealed = excluded.phone_sealed, phone_masked = excluded.phone_masked,
       id_lookup = excluded.id_lookup, id_sealed = excluded.id_sealed, id_masked = excluded.id_masked,
       marital_status = excluded.marital_status, occupation = excluded.occupation, risk_tolerance = excluded.risk_tolerance,
       risk_assessed_on = excluded.risk_assessed_on, marketing_consent = excluded.marketing_consent,
       home_branch_id = excluded.home_branch_id, relationship_manager = excluded.relationship_manager,
       last_overdue_on = excluded.last_overdue_on, resident = excluded.resident, control_exempt = excluded.control_exempt`
         : ''
     }`,
  card: (schema: string, upsert: boolean) =>
    `INSERT INTO ${schema}.card (card_lookup, card_sealed, card_masked, customer_id, kind) VALUES (?, ?, ?, ?, ?)${
      upsert ? ' ON CONFLICT (card_lookup) DO UPDATE SET customer_id = excluded.customer_id, kind = excluded.kind' : ''
    }`,
  holding: (schema: string, upsert: boolean) =>
    `INSERT INTO ${schema}.holding (account_id, customer_id, product_code, branch_id, amount_fen, opened_on, maturity_on, as_of)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)${
       upsert
         ? `
     ON CONFLICT (account_id) DO UPDATE SET customer_id = excluded.customer_id, product_code = excluded.product_code,
       branch_id = excluded.branch_id, amount_fen = excluded.amount_fen, opened_on = excluded.opened_on,
       maturity_on = excluded.maturity_on, as_of = excluded.as_of`
         : ''
     }`,
};

export class SnapshotWriter {
  /** cif → customer id, for every customer the registry knows (carried forward, never reused). */
  readonly ids = new Map<string, number>();
  private nextId: number;
  private readonly s;

  /**
   * `insert` (a full feed, from nothing): a key seen twice is an error the import reports as a
   * rejected row. `upsert` (a delta): a key seen before is updated.
   */
  constructor(
    readonly db: Db,
    private readonly key: IdentifierKey,
    private readonly asOf: string,
    private readonly mode: 'insert' | 'upsert' = 'insert',
  ) {
    const upsert = (clause: string) => (mode === 'upsert' ? clause : '');
    for (const r of db.prepare('SELECT id, cif FROM customer_key').iterate() as IterableIterator<{ id: number; cif: string }>) this.ids.set(r.cif, r.id);
    this.nextId = ((db.prepare('SELECT max(id) FROM customer_key').pluck().get() as number | null) ?? 0) + 1;
    this.s = {
      key: db.prepare('INSERT INTO customer_key (id, cif) VALUES (?, ?)'),
      customer: db.prepare(insertSql.customer('main', mode === 'upsert')),
      card: db.prepare(insertSql.card('main', mode === 'upsert')),
      product: db.prepare(
        `INSERT INTO product (code, category, name_zh, name_en, risk_level, is_credit, life_stages, min_age, max_age, base_propensity, value, lever, active)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)${upsert(`
         ON CONFLICT (code) DO UPDATE SET category = excluded.category, name_zh = excluded.name_zh, name_en = excluded.name_en,
           risk_level = excluded.risk_level, is_credit = excluded.is_credit, life_stages = excluded.life_stages, min_age = excluded.min_age,
           max_age = excluded.max_age, base_propensity = excluded.base_propensity, value = excluded.value, lever = excluded.lever, active = excluded.active`)}`,
      ),
      // A full feed inserts (the new row's id is the last insert's rowid); a delta's upsert may update
      // an existing row instead, whose id only RETURNING gives.
      holding: db.prepare(insertSql.holding('main', mode === 'upsert') + upsert(' RETURNING id')),
      movement: db.prepare('INSERT INTO account_movement (customer_id, on_date, direction, amount_fen, other_bank) VALUES (?, ?, ?, ?, ?)'),
      credit: db.prepare(
        `INSERT INTO credit_status (holding_id, customer_id, product_code, next_due_on, due_fen, overdue_days, classification,
           previous_classification, classified_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)${upsert(`
         ON CONFLICT (holding_id) DO UPDATE SET next_due_on = excluded.next_due_on, due_fen = excluded.due_fen,
           overdue_days = excluded.overdue_days, classification = excluded.classification,
           previous_classification = excluded.previous_classification, classified_on = excluded.classified_on`)}`,
      ),
      application: db.prepare(
        `INSERT INTO product_application (customer_id, product_code, status, applied_on) VALUES (?, ?, ?, ?)${upsert(
          ' ON CONFLICT (customer_id, product_code, applied_on) DO UPDATE SET status = excluded.status',
        )}`,
      ),
    };
  }

  /** The lookup hash of an identifier (deletions find a card by it). */
  lookup(kind: 'phone' | 'card' | 'idNumber', value: string): Buffer {
    return this.key.lookup(kind, value);
  }

  /** The customer id of a cif, registered (and never reused) the first time it is seen. */
  idFor(cif: string): number {
    let id = this.ids.get(cif);
    if (id === undefined) {
      id = this.nextId++;
      this.s.key.run(id, cif);
      // A copy of its own, as compact as a string can be: a CIF cut out of a batch's text (13
      // characters or more) would otherwise keep that whole text alive for as long as the registry
      // holds it, a million batches' worth.
      this.ids.set(Buffer.from(cif, 'utf8').toString('utf8'), id);
    }
    return id;
  }

  /** A customer; `sealed` carries what the import's reading thread already made of their identifiers (hashes, masks, and sealed copies when it had time). */
  customer(c: CustomerInput, sealed?: SealedIdentifiers): number {
    const id = this.idFor(c.cif);
    // What the import's reading thread made already (lookup hashes, masks) is taken as it is; the
    // rest is made here (the sealed copies: sealing is shared between the two threads).
    const s = sealed ?? {};
    let phone: string | undefined;
    let residentId: string | undefined;
    this.s.customer.run(
      id,
      c.cif,
      c.name,
      c.gender,
      c.birthDate,
      s.phoneLookup ?? this.key.lookup('phone', (phone ??= normalizeIdentityValue('phone', c.phone))),
      s.phoneSealed ?? this.key.seal((phone ??= normalizeIdentityValue('phone', c.phone))),
      s.phoneMasked ?? maskPhone((phone ??= normalizeIdentityValue('phone', c.phone))),
      s.idLookup ?? this.key.lookup('idNumber', (residentId ??= normalizeIdentityValue('idNumber', c.residentId))),
      s.idSealed ?? this.key.seal((residentId ??= normalizeIdentityValue('idNumber', c.residentId))),
      s.idMasked ?? maskIdNumber((residentId ??= normalizeIdentityValue('idNumber', c.residentId))),
      c.maritalStatus,
      c.occupation,
      c.riskTolerance,
      c.riskAssessedOn,
      c.marketingConsent ? 1 : 0,
      c.homeBranchId,
      c.relationshipManager,
      c.lastOverdueOn,
      c.resident ? 1 : 0,
      c.controlExempt ? 1 : 0,
    );
    return id;
  }

  card(c: CardInput, sealed?: SealedIdentifiers): void {
    const number = sealed?.cardLookup && sealed.cardSealed && sealed.cardMasked ? c.cardNumber : normalizeIdentityValue('card', c.cardNumber);
    this.s.card.run(
      sealed?.cardLookup ?? this.key.lookup('card', number),
      sealed?.cardSealed ?? this.key.seal(number),
      sealed?.cardMasked ?? maskCardNumber(number),
      c.customerId,
      c.kind,
    );
  }

  product(p: ProductInput): void {
    this.s.product.run(
      p.code,
      p.category,
      p.nameZh,
      p.nameEn,
      p.riskLevel,
      p.isCredit ? 1 : 0,
      JSON.stringify(p.lifeStages),
      p.minAge,
      p.maxAge,
      p.basePropensity,
      p.value,
      p.lever,
      p.active ? 1 : 0,
    );
  }

  /** Inserts or replaces a holding (by account id); its row id, which credit rows refer to. */
  holding(h: HoldingInput): number {
    if (this.mode === 'insert') return Number(this.s.holding.run(h.accountId, h.customerId, h.productCode, h.branchId, h.amountFen, h.openedOn, h.maturityOn, this.asOf).lastInsertRowid);
    return (this.s.holding.get(h.accountId, h.customerId, h.productCode, h.branchId, h.amountFen, h.openedOn, h.maturityOn, this.asOf) as { id: number }).id;
  }

  movement(m: MovementInput): void {
    this.s.movement.run(m.customerId, m.onDate, m.direction, m.amountFen, m.otherBank ? 1 : 0);
  }

  credit(c: CreditInput): void {
    this.s.credit.run(c.holdingId, c.customerId, c.productCode, c.nextDueOn, c.dueFen, c.overdueDays, c.classification, c.previousClassification, c.classifiedOn);
  }

  application(a: ApplicationInput): void {
    this.s.application.run(a.customerId, a.productCode, a.status, a.appliedOn);
  }
}
