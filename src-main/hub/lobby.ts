/**
 * The lobby's use cases, each one: validate, change the database in one transaction, then tell
 * the screens (socket.io) and the audit log. HTTP routes and socket handlers only call these.
 */
import type { z } from 'zod';
import type { Branch } from './branch';
import type { Identity } from './auth/sessions';
import type { TicketDesk, TicketRow } from './desk/tickets';
import type { CustomerDirectory } from './desk/customers';
import type { Journal } from './journal';
import type { LobbyRealtime } from './realtime';
import type {
  CallNextResponse,
  CreateTicketRequestSchema,
  CustomerCard,
  OfferOutcome,
  RecordOutcomeResponse,
} from '../domain/contracts';
import { conflict, notFound } from './http/errors';

export class Lobby {
  realtime: LobbyRealtime | null = null;

  constructor(
    readonly branch: Branch,
    readonly desk: TicketDesk,
    readonly customers: CustomerDirectory,
    readonly journal: Journal,
    readonly now: () => number,
    private readonly onNotifyError: (err: unknown) => void = () => {},
  ) {}

  /**
   * Tells the screens about a change that is already committed. A failure here is logged and
   * never turns the committed change into an error for the caller (the kiosk has its ticket).
   */
  notify(tell: (rt: LobbyRealtime) => void): void {
    if (!this.realtime) return;
    try {
      tell(this.realtime);
    } catch (err) {
      this.onNotifyError(err);
    }
  }

  issueTicket(req: z.output<typeof CreateTicketRequestSchema>, device: Identity) {
    const result = this.desk.issue(req, device);
    if (result.created) {
      this.notify((rt) => rt.queueChanged());
      if (result.greenChannel) this.notify((rt) => rt.greenChannelRouted(result.greenChannel!));
      if (result.row.customer_id !== null) this.notify((rt) => rt.pushCard(this.cardOf(result.row)));
    }
    return result;
  }

  callNext(counterId: number, teller: Identity): CallNextResponse | null {
    const row = this.desk.callNext(counterId, teller);
    if (!row) return null;
    this.audit(teller, 'ticket.call', row, { counterId });
    this.notify((rt) => {
      rt.ticketCalled({
        number: row.number,
        counterId,
        calledAt: new Date(row.called_at!).toISOString(),
        offset: this.journal.latestOffset(this.branch.id),
      });
      rt.queueChanged();
    });
    return { ticket: this.desk.called(row) };
  }

  current(counterId: number, teller: Identity): CallNextResponse | null {
    const row = this.desk.current(counterId, teller);
    return row ? { ticket: this.desk.called(row) } : null;
  }

  endVisit(ticketId: string, status: 'completed' | 'no_show', teller: Identity, outcome: string | null = null): CallNextResponse {
    const row = this.desk.end(ticketId, status, teller, outcome); // closes the offer decision too (desk.visitEnded)
    this.audit(teller, status === 'completed' ? 'ticket.complete' : 'ticket.no_show', row, outcome ? { outcome } : {});
    this.notify((rt) => {
      rt.queueChanged();
      if (row.customer_id !== null) rt.withdrawCard({ ticketId: row.id, reason: status });
    });
    return { ticket: this.desk.called(row) };
  }

  /** The card of a customer who is in the branch now; purpose-bound, so 404 once the visit ended. */
  cardFor(ticketId: string, manager: Identity): CustomerCard {
    const row = this.desk.get(ticketId);
    if (!row || row.branch_id !== manager.branchId || row.customer_id === null) throw notFound('customer card');
    if (row.status !== 'waiting' && row.status !== 'called') throw notFound('customer card (the visit has ended)');
    if (row.business_date !== this.desk.today()) throw notFound('customer card (the visit has ended)');
    const card = this.cardOf(row);
    this.audit(manager, 'customer_card.view', row, { customer: card.customer.ref, via: 'open' });
    return card;
  }

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

  recordOutcome(ticketId: string, productCode: string, outcome: OfferOutcome, note: string | undefined, manager: Identity): RecordOutcomeResponse {
    const row = this.desk.get(ticketId);
    if (!row || row.branch_id !== manager.branchId || row.customer_id === null) throw notFound('customer card');
    const at = this.now();
    this.journal.db.transaction(() => {
      this.customers.recordOutcome(ticketId, productCode, outcome, note, manager.subjectId, at, manager.device ?? null);
      this.audit(manager, 'offer.outcome', row, { productCode, outcome });
    })();
    return { ticketId, productCode, outcome, recordedAt: new Date(at).toISOString() };
  }

  cardOf(row: TicketRow): CustomerCard {
    if (row.customer_id === null) throw conflict('guest tickets have no customer card');
    return this.customers.card(
      { id: row.id, number: row.number, service_code: row.service_code, requested_service_code: row.requested_service_code, issued_at: row.issued_at, customer_id: row.customer_id },
      this.desk.today(),
      this.desk.routingFor(row.id),
      this.now(),
    );
  }

  private audit(who: Identity, action: string, row: TicketRow, detail: Record<string, unknown>): void {
    this.journal.audit({
      branchId: this.branch.id,
      actor: who.subjectId,
      role: who.role,
      device: who.device ?? null,
      action,
      subject: `ticket:${row.id}`,
      detail: { number: row.number, ...detail },
    });
  }
}
