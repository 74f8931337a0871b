/**
 * Visits and lobby marketing: the masked customer card of a customer in the branch now (each view
 * audited), the manager's answers to the card's offers, revealing a full identifier (with a reason,
 * audited, only while the customer is here), the campaign report, conversions imported from core
 * banking, closing the offer decisions of visits that ended, and the retention purge of
 * visit-linked data. The only way the offer tables and conversions are written.
 */
import type { z } from 'zod';
import type { Branch } from '../branch';
import type { Db } from '../db/open';
import type { Identity } from '../auth/sessions';
import type { CustomerDirectory } from './customer-directory';
import type { TicketStore, TicketRow } from '../queue/ticket-store';
import type { Journal } from '../journal';
import type {
  AuditAction,
  CampaignReport,
  CustomerCard,
  FileRowReject,
  ImportConversionsResponse,
  OfferOutcome,
  PurgeResult,
  RecordOutcomeResponse,
  RevealRequestSchema,
  RevealResponse,
} from '../../domain/contracts';
import { ATTRIBUTION_DAYS, CONVERSION_COLUMNS, ConversionRowSchema, type ConversionRow } from '../../domain/conversions';
import { recordConversions } from './conversions';
import type { TraceEntry } from '../../domain/next-best-action';
import { CsvFileError, readCsvText } from '../../customer-data/csv-rows';
import type { ControlGroup } from '../../domain/control-groups';
import type { Response } from '../../domain/contact-policy';
import type { NbaOffer } from '../../domain/next-best-action';
import { campaignReport, scoredCandidates, type ReportOfferRow, type ReportVisitRow } from '../../domain/campaign-report';
import { addDaysIso } from '../../domain/reminders';
import { conflict, invalid, notFound } from '../errors';
import { allows, effectiveStrength } from '../../domain/identification';

/** Below this many visits an arm's rate gets the report's `few_visits` caveat. */
const MIN_VISITS_PER_ARM = 30;

export class Visits {
  constructor(
    private readonly db: Db,
    private readonly branch: Branch,
    private readonly desk: TicketStore,
    readonly customers: CustomerDirectory,
    private readonly journal: Journal,
    private readonly now: () => number,
  ) {}

  // ------------------------------------------------------------------ customer cards

  /** The ticket of a customer who is in the branch now (waiting or called today), or 404. */
  private liveTicket(ticketId: string, manager: Identity): TicketRow & { customer_id: number } {
    const row = this.desk.get(ticketId);
    if (!row || row.branch_id !== manager.branchId || row.customer_id === null) throw notFound('customer_card_not_found', 'customer card not found');
    if (row.status !== 'waiting' && row.status !== 'called') throw notFound('visit_ended', 'customer card (the visit has ended) not found');
    if (row.business_date !== this.desk.today()) throw notFound('visit_ended', 'customer card (the visit has ended) not found');
    return row as TicketRow & { customer_id: number };
  }

  /** The card of a customer who is in the branch now; purpose-bound, so 404 once the visit ended. */
  cardFor(ticketId: string, manager: Identity): CustomerCard {
    const row = this.liveTicket(ticketId, manager);
    const card = this.cardOf(row);
    this.auditCard(manager, row, { customer: card.customer.ref, via: 'open' });
    return card;
  }

  /** The cards of every identified customer with a live ticket now (not audited: the caller audits each delivery). */
  liveCards(): CustomerCard[] {
    return this.desk.liveIdentified().map((t) => this.cardOf(t));
  }

  /** Live cards for a manager over HTTP, each delivery audited. */
  liveCardsFor(manager: Identity): CustomerCard[] {
    const cards = this.liveCards();
    this.journal.auditAll(
      cards.map((c) => ({
        branchId: this.branch.id,
        actor: manager.subjectId,
        role: manager.role,
        device: manager.device ?? null,
        action: 'customer_card.view',
        subject: `ticket:${c.ticketId}`,
        detail: { customer: c.customer.ref, number: c.number, via: 'list' },
      })),
    );
    return cards;
  }

  /** The card of a ticket's customer as it stands now. */
  cardOf(row: TicketRow): CustomerCard {
    if (row.customer_id === null) throw conflict('guest_ticket', 'guest tickets have no customer card', { number: row.number });
    return this.customers.card(
      {
        id: row.id,
        number: row.number,
        service_code: row.service_code,
        requested_service_code: row.requested_service_code,
        issued_at: row.issued_at,
        customer_id: row.customer_id,
        identification: this.desk.identificationOf(row)!,
      },
      this.desk.today(),
      this.desk.routingFor(row.id),
      this.now(),
    );
  }

  /** A manager's answer to one offer of a card (contact caps hold); the answer and its audit row in one transaction. */
  recordOutcome(ticketId: string, productCode: string, outcome: OfferOutcome, note: string | undefined, manager: Identity): RecordOutcomeResponse {
    const row = this.desk.get(ticketId);
    if (!row || row.branch_id !== manager.branchId || row.customer_id === null) throw notFound('customer_card_not_found', 'customer card not found');
    // An answer belongs to the visit: while it lasts, or later the same business day, never days after.
    if (row.business_date !== this.desk.today()) {
      throw conflict('visit_closed', `the visit of ticket ${row.number} was on ${row.business_date}: answers are recorded the same day`, {
        number: row.number,
        date: row.business_date,
      });
    }
    // Offers of a locked card were never shown: nothing to answer until the identity is confirmed.
    if (!allows(this.branch.rules.identification, 'holdings', this.desk.identificationOf(row)!.strength)) {
      throw conflict('identity_unconfirmed', `check the identity of ticket ${row.number}'s customer first`, { number: row.number });
    }
    const at = this.now();
    this.db.transaction(() => {
      this.customers.recordOutcome(ticketId, productCode, outcome, note, manager.subjectId, at, manager.device ?? null);
      this.auditCard(manager, row, { productCode, outcome }, 'offer.outcome');
    })();
    return { ticketId, productCode, outcome, recordedAt: new Date(at).toISOString() };
  }

  private auditCard(who: Identity, row: TicketRow, detail: Record<string, unknown>, action: AuditAction = 'customer_card.view'): void {
    this.journal.auditBy(this.branch.id, who, action, `ticket:${row.id}`, { number: row.number, ...detail });
  }

  // ------------------------------------------------------------------ reveal, report, conversions

  /** Full identifier of a customer with a live ticket today; the reason and the device go to the audit log (never the value). */
  reveal(ticketId: string, req: z.output<typeof RevealRequestSchema>, manager: Identity): RevealResponse {
    const row = this.liveTicket(ticketId, manager);
    const values = this.customers.identifiers(row.customer_id, req.field);
    const at = this.now();
    this.auditCard(manager, row, { customer: `C${row.customer_id}`, field: req.field, reason: req.reason, ...(req.note ? { note: req.note } : {}) }, 'customer.reveal');
    return { ticketId: row.id, field: req.field, values, revealedAt: new Date(at).toISOString() };
  }

  /**
   * Gives a no_response to the offers of every visit that lapsed (a past day's ticket never ended)
   * or ended without its decision closed; every end path closes it itself (TicketStore.visitEnded).
   */
  closeEndedVisits(): number {
    const today = this.desk.today();
    const open = this.db
      .prepare(
        `SELECT d.ticket_id FROM offer_decision d JOIN ticket t ON t.id = d.ticket_id
         WHERE d.closed_at IS NULL AND (t.status NOT IN ('waiting', 'called') OR t.business_date < ?)`,
      )
      .all(today) as { ticket_id: string }[];
    let n = 0;
    const at = this.now();
    this.db.transaction(() => {
      for (const o of open) n += this.customers.closeDecision(o.ticket_id, at);
    })();
    return n;
  }

  /**
   * The campaign report over visits of business days `from`..`to` (default the last 30 days). Every
   * arm is measured alike: a visit converts when core banking confirms that a product which was a
   * candidate at the visit was opened within the attribution window. Visits whose card stayed locked
   * (identity never confirmed: nobody saw the offers) are left out of every arm.
   */
  report(from: string | undefined, to: string | undefined): CampaignReport {
    const today = this.desk.today();
    const end = to ?? today;
    const start = from ?? addDaysIso(end, -29);
    if (start > end) throw invalid('invalid_period', 'from: must not be after to');
    this.closeEndedVisits();
    const decisions = this.db
      .prepare(
        `SELECT d.id, d.customer_id, d.control_group, d.offers_json, d.trace_json, t.identification, t.id_confirmed_at
         FROM offer_decision d JOIN ticket t ON t.id = d.ticket_id
         WHERE t.branch_id = ? AND t.business_date BETWEEN ? AND ?`,
      )
      .all(this.branch.id, start, end) as {
      id: number;
      customer_id: number;
      control_group: ControlGroup;
      offers_json: string;
      trace_json: string;
      identification: 'typed' | 'read' | null;
      id_confirmed_at: number | null;
    }[];
    const rules = this.branch.rules.identification;
    const exposed = decisions.filter((d) => allows(rules, 'holdings', effectiveStrength(d.identification ?? 'typed', d.id_confirmed_at)));
    const finals = new Map<string, { outcome: Response; staff: string | null }>();
    const rows = this.db
      .prepare(
        `SELECT decision_id, product_code, outcome, staff_id FROM (
           SELECT o.decision_id, o.product_code, o.outcome, o.staff_id,
                  ROW_NUMBER() OVER (PARTITION BY o.decision_id, o.product_code ORDER BY o.recorded_at DESC, o.id DESC) AS rn
           FROM offer_outcome o JOIN offer_decision d ON d.id = o.decision_id JOIN ticket t ON t.id = d.ticket_id
           WHERE t.branch_id = ? AND t.business_date BETWEEN ? AND ? AND o.outcome <> 'shown')
         WHERE rn = 1`,
      )
      .all(this.branch.id, start, end) as { decision_id: number; product_code: string; outcome: Response; staff_id: string }[];
    for (const r of rows) finals.set(`${r.decision_id}|${r.product_code}`, { outcome: r.outcome, staff: r.staff_id === 'system' ? null : r.staff_id });
    const opened = new Map<number, string[]>();
    const openedRows = this.db
      .prepare(
        `SELECT c.decision_id AS id, c.product_code FROM conversion c JOIN offer_decision d ON d.id = c.decision_id JOIN ticket t ON t.id = d.ticket_id
         WHERE t.branch_id = ? AND t.business_date BETWEEN ? AND ?`,
      )
      .all(this.branch.id, start, end) as { id: number; product_code: string }[];
    for (const o of openedRows) opened.set(o.id, [...(opened.get(o.id) ?? []), o.product_code]);

    const visits: ReportVisitRow[] = exposed.map((d) => {
      const scored = scoredCandidates(JSON.parse(d.trace_json) as TraceEntry[]);
      return {
        decisionId: d.id,
        customerId: d.customer_id,
        controlGroup: d.control_group,
        candidates: scored.map((x) => x.productCode),
        scored,
        opened: opened.get(d.id) ?? [],
      };
    });
    const offers: ReportOfferRow[] = [];
    for (const d of exposed) {
      for (const o of JSON.parse(d.offers_json) as NbaOffer[]) {
        const f = finals.get(`${d.id}|${o.productCode}`);
        offers.push({
          decisionId: d.id,
          customerId: d.customer_id,
          controlGroup: d.control_group,
          productCode: o.productCode,
          rank: o.rank,
          final: f?.outcome ?? 'shown',
          staffId: f?.staff ?? null,
          countsTowardCap: o.countsTowardCap !== false,
        });
      }
    }
    const { asOf } = this.db.prepare('SELECT MAX(as_of) AS asOf FROM conversion_import WHERE branch_id = ?').get(this.branch.id) as { asOf: string | null };
    const r = campaignReport(visits, offers, {
      maxOffers: this.branch.rules.offers.maxOffers,
      minVisitsPerArm: MIN_VISITS_PER_ARM,
      conversionsAsOf: asOf,
      conversionsNeededUpTo: addDaysIso(end, ATTRIBUTION_DAYS),
    });
    const productNames = Object.fromEntries(this.customers.catalogue().map((p) => [p.code, p.name]));
    const managerNames = Object.fromEntries(
      (this.db.prepare('SELECT id, name FROM staff WHERE branch_id = ?').all(this.branch.id) as { id: string; name: string }[]).map((s) => [s.id, s.name]),
    );
    return {
      from: start,
      to: end,
      attributionDays: ATTRIBUTION_DAYS,
      conversionsAsOf: asOf,
      excludedUnconfirmed: decisions.length - exposed.length,
      productNames,
      managerNames,
      ...r,
    };
  }

  /**
   * Imports products opened in core banking from an uploaded CSV (header row; `cif, product_code,
   * opened_on` and optional `account_id`, in any order) covering openings up to `asOf` (default
   * today). Every row is checked (a real date, not after `asOf`, a known customer); a bad row is
   * rejected with its line, column and reason and the rest goes on. Re-importing is harmless.
   */
  importConversions(csv: string, asOf: string | undefined, admin: Identity): ImportConversionsResponse {
    let read;
    try {
      read = readCsvText('conversions.csv', csv, CONVERSION_COLUMNS, ConversionRowSchema);
    } catch (err) {
      if (err instanceof CsvFileError) throw invalid('invalid_file', `csv: ${err.message}`);
      throw err;
    }
    return this.storeConversions(read.rows, read.rejects, read.warnings, asOf ?? this.desk.today(), 'upload', admin);
  }

  /**
   * Stores checked conversion rows of an upload: each cif found in the customer snapshot, then
   * recorded (recordConversions).
   */
  storeConversions(
    rows: readonly { line: number; row: ConversionRow }[],
    rejectedBefore: readonly FileRowReject[],
    warnings: readonly string[],
    asOf: string,
    source: 'upload' | 'feed',
    who: { subjectId: string; role: Identity['role'] | 'system'; device?: string | null },
  ): ImportConversionsResponse {
    const byCif = this.db.prepare('SELECT id FROM customer WHERE cif = ?').pluck();
    return recordConversions(
      this.db,
      this.journal,
      this.branch.id,
      rows.map((r) => ({ ...r, customerId: (byCif.get(r.row.cif) as number | undefined) ?? null })),
      rejectedBefore,
      warnings,
      asOf,
      source,
      who,
      this.now(),
    );
  }

  /**
   * Deletes visit-linked data of business days older than the branch's retention period: offer
   * responses and decisions, every table that references a ticket (green-channel routings, forms,
   * ...), the tickets themselves and old queue events. The audit log is append-only and kept.
   */
  purge(): PurgeResult {
    const cutoff = addDaysIso(this.desk.today(), -this.branch.rules.retentionDays);
    const cutoffMs = Date.parse(cutoff + 'T00:00:00Z');
    const deleted: Record<string, number> = {};
    const old = `SELECT id FROM ticket WHERE business_date < @cutoff`;
    this.db.transaction(() => {
      // Imported conversions stay (core-banking facts) but lose their link to the purged visit.
      deleted.conversion_link = this.db
        .prepare(`UPDATE conversion SET decision_id = NULL WHERE decision_id IN (SELECT id FROM offer_decision WHERE ticket_id IN (${old}))`)
        .run({ cutoff }).changes;
      deleted.offer_outcome = this.db
        .prepare(`DELETE FROM offer_outcome WHERE decision_id IN (SELECT id FROM offer_decision WHERE ticket_id IN (${old}))`)
        .run({ cutoff }).changes;
      for (const table of this.tablesReferencingTicket()) {
        deleted[table.name] = this.db.prepare(`DELETE FROM "${table.name}" WHERE "${table.column}" IN (${old})`).run({ cutoff }).changes;
      }
      deleted.ticket = this.db.prepare(`DELETE FROM ticket WHERE business_date < @cutoff`).run({ cutoff }).changes;
      deleted.ticket_sequence = this.db.prepare('DELETE FROM ticket_sequence WHERE business_date < @cutoff').run({ cutoff }).changes;
      deleted.event_log = this.db.prepare('DELETE FROM event_log WHERE at < ?').run(cutoffMs).changes;
    })();
    const total = Object.values(deleted).reduce((a, b) => a + b, 0);
    if (total > 0) {
      this.journal.audit({ branchId: this.branch.id, actor: 'system', role: 'system', action: 'retention.purge', subject: `before:${cutoff}`, detail: deleted });
    }
    return { cutoff, deleted };
  }

  private tablesReferencingTicket(): { name: string; column: string }[] {
    const tables = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[];
    const out: { name: string; column: string }[] = [];
    for (const t of tables) {
      if (t.name === 'ticket') continue;
      const fks = this.db.prepare(`PRAGMA foreign_key_list("${t.name}")`).all() as { table: string; from: string }[];
      for (const fk of fks) if (fk.table === 'ticket') out.push({ name: t.name, column: fk.from });
    }
    // Decisions last among them: their responses were deleted first.
    return out.sort((a, b) => Number(a.name === 'offer_decision') - Number(b.name === 'offer_decision'));
  }
}
