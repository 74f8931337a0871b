/**
 * The queue's use cases, and the only way tickets and counters change: issue a ticket, call the
 * next one or a chosen one, start serving, complete, no-show, recall (a no-show after the branch's
 * limit), transfer to a service or counter (placed first, last or by original arrival), park and
 * resume, counter open / pause / close and profiles, and the manager's move into the green channel.
 *
 * Each runs in one transaction that changes the rows, journals an event (event_log, for catching
 * up) and writes the audit row; then the screens are told (queue snapshot, the call on the display,
 * the customer card), which never undoes the committed change.
 */
import type { z } from 'zod';
import type { Branch } from '../branch';
import type { Db } from '../db/open';
import type { Identity } from '../auth/sessions';
import type { Journal } from '../journal';
import type { Announcer } from '../broadcast';
import { cardViewRecord } from '../visits/card-views';
import type { Visits } from '../visits/visits';
import type { IssuePlacement, IssueResult, TicketStore, TicketRow } from './ticket-store';
import type {
  AuditAction,
  CallNextResponse,
  ConfirmIdentityResponse,
  CounterServicesResponse,
  IdentityCheck,
  LobbyAlert,
  CounterState,
  CounterStatus,
  CreateTicketRequestSchema,
  GreenChannelDecision,
  ParkedListResponse,
  PauseReason,
  TrackResponse,
  Placement,
  RecallResponse,
  TransferResponse,
} from '../../domain/contracts';
import { dayMeasures, measureTicket, measuresCsv, type MeasureTicket, type MeasuresResponse } from '../../domain/measures';
import { originalArrival, placedAt, recallOutcome } from '../../domain/queue-policy';
import { HubError, conflict, forbidden, invalid, notFound } from '../errors';
import { allows } from '../../domain/identification';
import { IdentificationGuard } from './identification-guard';

type CreateTicket = z.output<typeof CreateTicketRequestSchema>;

export interface TransferInput {
  serviceCode?: string;
  counterId?: number;
  placement: Placement;
}

export class Queue {
  private readonly s;
  private readonly guard: IdentificationGuard;

  constructor(
    private readonly db: Db,
    readonly branch: Branch,
    readonly tickets: TicketStore,
    private readonly visits: Visits,
    private readonly journal: Journal,
    private readonly announcer: Announcer,
    private readonly now: () => number,
  ) {
    this.guard = new IdentificationGuard(() => branch.rules.identification, now);
    this.s = {
      byId: db.prepare('SELECT * FROM ticket WHERE id = ?'),
      recall: db.prepare(
        `UPDATE ticket SET recall_count = recall_count + 1 WHERE id = ? AND status = 'called' AND parked_at IS NULL RETURNING *`,
      ),
      startServing: db.prepare(
        `UPDATE ticket SET serving_at = @at
         WHERE id = @id AND status = 'called' AND parked_at IS NULL AND counter_id = @counter_id AND serving_at IS NULL RETURNING *`,
      ),
      noShow: db.prepare(
        `UPDATE ticket SET status = 'no_show', ended_at = ? WHERE id = ? AND status = 'called' AND parked_at IS NULL RETURNING *`,
      ),
      earliestInService: db.prepare(
        `SELECT MIN(queued_at) AS q FROM ticket WHERE branch_id = ? AND business_date = ? AND status = 'waiting'
           AND service_code = ? AND target_counter_id IS NULL AND id <> ?`,
      ),
      earliestAtCounter: db.prepare(
        `SELECT MIN(queued_at) AS q FROM ticket WHERE branch_id = @branch_id AND business_date = @business_date AND status = 'waiting'
           AND id <> @id AND (target_counter_id = @counter_id OR (target_counter_id IS NULL AND service_code IN
             (SELECT service_code FROM counter_service WHERE counter_id = @counter_id)))`,
      ),
      transfer: db.prepare(
        `UPDATE ticket SET status = 'waiting', service_code = @service_code, target_counter_id = @target_counter_id,
           queued_at = @queued_at, counter_id = NULL, called_at = NULL, called_by = NULL, parked_at = NULL,
           recall_count = 0, transfer_count = transfer_count + 1, serving_at = NULL
         WHERE id = @id AND status = @status RETURNING *`,
      ),
      // An appointment checked in on time was queued at its booked time (appointments/appointments.ts).
      onTimeBookedAt: db.prepare("SELECT booked_at AS at FROM appointment WHERE id = ? AND status = 'checked_in'"),
      park: db.prepare(
        `UPDATE ticket SET parked_at = ? WHERE id = ? AND status = 'called' AND parked_at IS NULL AND counter_id = ? RETURNING *`,
      ),
      resume: db.prepare(
        `UPDATE ticket SET parked_at = NULL, counter_id = @counter_id, called_by = @staff
         WHERE id = @id AND status = 'called' AND parked_at IS NOT NULL RETURNING *`,
      ),
      parked: db.prepare(
        `SELECT * FROM ticket WHERE branch_id = ? AND business_date = ? AND status = 'called' AND parked_at IS NOT NULL ORDER BY parked_at`,
      ),
      routingOf: db.prepare('SELECT id FROM green_channel_routing WHERE ticket_id = ?'),
      servicesOf: db.prepare('SELECT service_code AS code, weight FROM counter_service WHERE counter_id = ? ORDER BY weight DESC, service_code'),
      clearServices: db.prepare('DELETE FROM counter_service WHERE counter_id = ?'),
      addService: db.prepare('INSERT INTO counter_service (counter_id, branch_id, service_code, weight) VALUES (?, ?, ?, ?)'),
      toGreen: db.prepare(
        `UPDATE ticket SET service_code = @service_code, route = 'green_channel', ticket_class = 'green'
         WHERE id = @id AND status = 'waiting' RETURNING *`,
      ),
      confirm: db.prepare(
        `UPDATE ticket SET id_confirmed_at = @at, id_confirmed_by = @by, id_check = @check
         WHERE id = @id AND id_confirmed_at IS NULL RETURNING *`,
      ),
      setVip: db.prepare('UPDATE ticket SET vip = 1 WHERE id = ?'),
      staffNames: db.prepare('SELECT id, name FROM staff WHERE branch_id = ?'),
      byTrack: db.prepare('SELECT * FROM ticket WHERE track_token = ?'),
      cancel: db.prepare(
        `UPDATE ticket SET status = 'cancelled', ended_at = @at WHERE id = @id AND status = 'waiting' RETURNING *`,
      ),
      signInCounters: db.prepare("SELECT counter_id FROM counter_state WHERE branch_id = ? AND state = 'open' AND by_sign_in = 1"),
      toVip: db.prepare("UPDATE ticket SET vip = 1, ticket_class = 'vip' WHERE id = ? AND status = 'waiting' RETURNING *"),
      insertRule: db.prepare(
        `INSERT INTO green_channel_routing (ticket_id, customer_id, rule, from_service_code, destination_service_code,
           destination_counter_id, decided_at, decided_by, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertRouting: db.prepare(
        `INSERT INTO green_channel_routing (ticket_id, customer_id, rule, from_service_code, destination_service_code,
           destination_counter_id, decided_at, decided_by, reason) VALUES (?, ?, 'manager', ?, ?, ?, ?, ?, ?)`,
      ),
    };
  }

  // ------------------------------------------------------------------ issuing

  /**
   * Issues a ticket at a kiosk (idempotent by requestId). `within` runs inside the same transaction
   * with the new row (an appointment check-in records itself there); it is not run for a repeat.
   */
  issue(
    req: CreateTicket,
    device: Identity,
    placement: IssuePlacement = {},
    within?: (result: IssueResult) => void,
    /** The identification attempt was counted already (countIdentification, before a lookup at head office). */
    opts: { identificationCounted?: boolean } = {},
  ): IssueResult {
    const repeat = this.tickets.byRequestId(req.requestId);
    if (repeat) return this.tickets.issue(req, device, placement);
    if (req.identity && !opts.identificationCounted) this.guardIdentification(device, req.identity);
    let viewsAudited = false;
    const result = this.db.transaction(() => {
      const r = this.tickets.issue(req, device, placement, true);
      if (r.created) {
        if (req.identity) {
          // Every identification attempt is in the audit log (never the number itself).
          this.audit(device, 'identity.attempt', r.row, {
            kind: req.identity.kind,
            method: req.identity.method,
            strength: r.row.identification,
            matched: r.row.customer_id !== null,
            ...(r.sharedIdentifier ? { shared: true } : {}),
            ...(r.row.customer_id !== null ? { customer: `C${r.row.customer_id}` } : {}),
          });
        }
        within?.(r);
        if (r.row.customer_id !== null) {
          // The card's views are in the audit log before it leaves the hub: written with the ticket,
          // in the same commit, for the managers it is pushed to right after that commit.
          const viewers = this.announcer.cardViewers();
          if (viewers) this.journal.auditAll(viewers.map((v) => cardViewRecord(this.branch.id, v, r.row.id, `C${r.row.customer_id}`, r.row.number, 'push')));
          viewsAudited = viewers !== null;
        }
      }
      return r;
    })();
    if (result.created) {
      this.announcer.tell((b) => b.queueChanged());
      if (result.greenChannel) this.announcer.tell((b) => b.greenChannelRouted(result.greenChannel!));
      if (result.row.customer_id !== null) this.announcer.tell((b) => b.pushCard(this.visits.cardOf(result.row), viewsAudited));
    }
    return result;
  }

  /**
   * Counts an identification attempt ahead of the issue (refused with 429 over the limit), for a
   * number that is looked up at head office first: the limit holds before anything leaves the
   * branch. The issue is then told it was counted. False for a repeat (nothing to count).
   */
  countIdentification(req: CreateTicket, device: Identity): boolean {
    if (!req.identity || this.tickets.byRequestId(req.requestId)) return false;
    this.guardIdentification(device, req.identity);
    return true;
  }

  /** Counts an identification attempt; over the limit it is refused (429), audited either way, and a burst alerts the managers. */
  private guardIdentification(device: Identity, identity: { kind: string; value: string; method: string }): void {
    try {
      const { alert } = this.guard.attempt(device.subjectId, identity);
      if (alert) this.announcer.tell((b) => b.lobbyAlert(alert));
    } catch (err) {
      const alert = (err as { alert?: LobbyAlert | null }).alert;
      if (alert) this.announcer.tell((b) => b.lobbyAlert(alert));
      if (err instanceof HubError) {
        this.journal.auditBy(this.branch.id, device, 'identity.refused', `device:${device.subjectId}`, {
          kind: identity.kind,
          method: identity.method,
          reason: err.reason,
          ...err.params,
        });
      }
      throw err;
    }
  }

  /**
   * A lobby manager, or the teller at whose counter the ticket is called, checked the person: the
   * identification becomes `confirmed` (audited). The card unlocks (holdings, reminders, offers),
   * and a waiting customer the green-channel rule routes is moved into it now, as a read card would
   * have been at the kiosk (the decision recorded with its rule).
   */
  confirmIdentity(ticketId: string, check: IdentityCheck, who: Identity): ConfirmIdentityResponse {
    const outcome = this.db.transaction(() => {
      const t = this.ticket(ticketId, who);
      if (t.customer_id === null) throw conflict('guest_ticket', `ticket ${t.number} is a guest ticket: there is no identity to confirm`, { number: t.number });
      if ((t.status !== 'waiting' && t.status !== 'called') || t.business_date !== this.tickets.today()) {
        throw conflict('visit_ended', `ticket ${t.number} is ${t.status}: the visit has ended`, { number: t.number, status: t.status });
      }
      if (who.role === 'teller' && (t.status !== 'called' || t.counter_id !== who.counterId)) {
        throw conflict('not_called_here', `ticket ${t.number} is not called at your counter`, { number: t.number });
      }
      if (t.id_confirmed_at !== null) return { row: t, routed: null as GreenChannelDecision | null, changed: false };
      const now = this.now();
      const before = this.tickets.identificationOf(t)!.strength;
      let row = this.s.confirm.get({ id: t.id, at: now, by: who.subjectId, check }) as TicketRow;
      this.journal.event(this.branch.id, 'ticket.identity_confirmed', { ticketId: t.id, number: t.number, check, confirmedBy: who.subjectId });
      this.audit(who, 'identity.confirm', row, { customer: `C${t.customer_id}`, check, before });
      let routed: GreenChannelDecision | null = null;
      if (row.status === 'waiting' && row.route !== 'green_channel' && allows(this.branch.rules.identification, 'greenChannel', 'confirmed')) {
        const customer = this.visits.customers.get(t.customer_id);
        const rule = this.tickets.greenChannelRule(customer);
        const gc = this.branch.rules.greenChannel;
        if (rule && this.branch.serviceByCode.has(gc.destinationServiceCode) && !this.s.routingOf.get(t.id)) {
          row = this.s.toGreen.get({ id: t.id, service_code: gc.destinationServiceCode }) as TicketRow;
          this.s.insertRule.run(t.id, t.customer_id, rule, t.service_code, gc.destinationServiceCode, gc.destinationCounterId, now, who.subjectId, 'identity confirmed');
          this.s.setVip.run(t.id);
          this.journal.event(this.branch.id, 'ticket.green_channel', {
            ticketId: t.id,
            number: t.number,
            from: t.service_code,
            to: gc.destinationServiceCode,
            decidedBy: who.subjectId,
            reason: 'identity confirmed',
          });
          this.audit(who, 'green_channel.route', row, { customer: `C${t.customer_id}`, rule, from: t.service_code, to: gc.destinationServiceCode, counterId: gc.destinationCounterId });
          routed = this.tickets.routingFor(t.id);
        } else if (this.visits.customers.vip(customer) && row.ticket_class === 'normal') {
          row = this.s.toVip.get(t.id) as TicketRow;
        }
      }
      return { row, routed, changed: true };
    })();
    const { row, routed } = outcome;
    if (outcome.changed) {
      if (routed) this.announcer.tell((b) => b.greenChannelRouted(routed));
      this.announcer.tell((b) => b.pushCard(this.visits.cardOf(row)));
      this.changed();
    }
    return { ticketId: row.id, number: row.number, identification: this.tickets.identificationOf(row)!, greenChannel: routed ?? this.tickets.routingFor(row.id) };
  }

  // ------------------------------------------------------------------ calling and ending

  callNext(counterId: number, teller: Identity): CallNextResponse | null {
    const row = this.db.transaction(() => {
      const r = this.tickets.callNext(counterId, teller);
      if (r) this.audit(teller, 'ticket.call', r, { counterId });
      return r;
    })();
    if (!row) return null;
    this.announce(row, row.called_at!);
    this.changed();
    return { ticket: this.tickets.called(row) };
  }

  callTicket(counterId: number, ticketId: string, teller: Identity): CallNextResponse {
    const row = this.db.transaction(() => {
      const r = this.tickets.callTicket(counterId, ticketId, teller);
      this.audit(teller, 'ticket.call', r, { counterId, chosen: true });
      return r;
    })();
    this.announce(row, row.called_at!);
    this.changed();
    return { ticket: this.tickets.called(row) };
  }

  current(counterId: number, teller: Identity): CallNextResponse | null {
    const row = this.tickets.current(counterId, teller);
    return row ? { ticket: this.tickets.called(row) } : null;
  }

  /** Completes (with an optional outcome code) or marks no-show the ticket called at the teller's counter. */
  endVisit(ticketId: string, status: 'completed' | 'no_show', teller: Identity, outcome: string | null = null): CallNextResponse {
    const row = this.db.transaction(() => {
      const r = this.tickets.end(ticketId, status, teller, outcome); // closes the offer decision too
      this.audit(teller, status === 'completed' ? 'ticket.complete' : 'ticket.no_show', r, outcome ? { outcome } : {});
      return r;
    })();
    this.changed();
    if (row.customer_id !== null) this.announcer.tell((b) => b.withdrawCard({ ticketId: row.id, reason: status }));
    return { ticket: this.tickets.called(row) };
  }

  /**
   * Announces the ticket again, or marks it no-show once `queue.maxRecalls` recalls are used up.
   * A recall keeps `called_at` (the wait ended at the first call; the time until the customer
   * arrives is walk) and is refused once serving started: the customer is at the counter.
   */
  recall(ticketId: string, teller: Identity): RecallResponse {
    const { row, outcome } = this.db.transaction(() => {
      const t = this.ownOpen(ticketId, teller);
      if (t.serving_at !== null) {
        throw conflict('already_serving', `ticket ${t.number} is already being served at your counter: there is nobody to recall`, { number: t.number });
      }
      const now = this.now();
      if (recallOutcome(t.recall_count, this.branch.rules.queue.maxRecalls) === 'no_show') {
        const r = this.s.noShow.get(now, t.id) as TicketRow;
        this.journal.event(this.branch.id, 'ticket.no_show', { ticketId: r.id, number: r.number, counterId: r.counter_id, after: 'recalls' });
        this.tickets.visitEnded(r, now);
        this.audit(teller, 'ticket.no_show', r, { recalls: t.recall_count, automatic: true });
        return { row: r, outcome: 'no_show' as const };
      }
      const r = this.s.recall.get(t.id) as TicketRow;
      this.journal.event(this.branch.id, 'ticket.recalled', {
        ticketId: r.id,
        number: r.number,
        counterId: r.counter_id,
        calledAt: new Date(now).toISOString(),
        recall: r.recall_count,
      });
      this.audit(teller, 'ticket.recall', r, { recall: r.recall_count });
      return { row: r, outcome: 'recalled' as const };
    })();
    if (outcome === 'recalled') this.announce(row, this.now());
    else if (row.customer_id !== null) this.announcer.tell((b) => b.withdrawCard({ ticketId: row.id, reason: 'no_show' }));
    this.changed();
    return { ticket: this.tickets.called(row), outcome };
  }

  /**
   * Start serving: the customer called to the teller's counter has arrived, so the walk ends and the
   * service begins (`serving_at`). Only for the ticket called, not parked, at the teller's own
   * counter. Idempotent: pressing it again answers the same start and journals nothing.
   */
  startServing(ticketId: string, teller: Identity): CallNextResponse {
    if (teller.counterId === null) throw forbidden('counter_required', 'sign in at a counter');
    const { row, started } = this.db.transaction(() => {
      const t = this.ticket(ticketId, teller);
      if (t.status !== 'called') {
        throw conflict('not_called', `ticket ${t.number} is ${t.status}, not called: there is nobody to start serving`, { number: t.number, status: t.status });
      }
      if (t.counter_id !== teller.counterId) {
        throw conflict('called_elsewhere', `ticket ${t.number} is called at counter ${t.counter_id}, not at your counter ${teller.counterId}`, {
          number: t.number,
          counterId: t.counter_id,
        });
      }
      if (t.parked_at !== null) throw conflict('ticket_parked', `ticket ${t.number} is parked: resume it first`, { number: t.number });
      if (t.serving_at !== null) return { row: t, started: false };
      // Never before the call, even if the clock stepped back.
      const at = Math.max(this.now(), t.called_at ?? 0);
      const r = this.s.startServing.get({ at, id: t.id, counter_id: teller.counterId }) as TicketRow;
      const walkSeconds = r.called_at === null ? null : Math.round((at - r.called_at) / 1000);
      this.journal.event(this.branch.id, 'ticket.serving', {
        ticketId: r.id,
        number: r.number,
        counterId: r.counter_id,
        servingAt: new Date(at).toISOString(),
        walkSeconds,
      });
      this.audit(teller, 'ticket.start', r, { counterId: r.counter_id, walkSeconds });
      return { row: r, started: true };
    })();
    if (started) this.changed();
    return { ticket: this.tickets.called(row) };
  }

  // ------------------------------------------------------------------ transfer, park, resume

  /**
   * Sends a ticket to another service and/or counter, placed first, last or by its original
   * arrival. Tellers transfer the ticket open at their counter; managers transfer waiting tickets.
   */
  transfer(ticketId: string, input: TransferInput, who: Identity): TransferResponse {
    if (input.serviceCode !== undefined) {
      const service = this.branch.serviceByCode.get(input.serviceCode);
      if (!service) throw notFound('service_not_found', `service ${input.serviceCode} not found`, { serviceCode: input.serviceCode });
      if (service.vipOnly) {
        throw invalid('vip_only_service', `serviceCode: ${input.serviceCode} is reached through the green channel, not a transfer`, { serviceCode: input.serviceCode });
      }
    }
    if (input.counterId !== undefined && !this.branch.counterById.has(input.counterId)) {
      throw notFound('counter_not_found', `counter ${input.counterId} not found`, { counterId: input.counterId });
    }
    const row = this.db.transaction(() => {
      const t = this.ticket(ticketId, who);
      if (who.role === 'teller') {
        if (t.status !== 'called' || t.counter_id !== who.counterId) throw conflict('not_called_here', `ticket ${t.number} is not called at your counter`, { number: t.number });
      } else if (t.status !== 'waiting') {
        throw conflict('not_waiting', `ticket ${t.number} is ${t.status}: a manager transfers waiting tickets`, { number: t.number, status: t.status });
      }
      if (t.business_date !== this.tickets.today()) throw conflict('other_day', `ticket ${t.number} is from another day`, { number: t.number });
      const now = this.now();
      const serviceCode = input.serviceCode ?? t.service_code;
      const target = input.counterId ?? null;
      const earliest =
        target !== null
          ? (this.s.earliestAtCounter.get({ branch_id: this.branch.id, business_date: t.business_date, id: t.id, counter_id: target }) as { q: number | null }).q
          : (this.s.earliestInService.get(this.branch.id, t.business_date, serviceCode, t.id) as { q: number | null }).q;
      const booked = t.appointment_id === null ? undefined : (this.s.onTimeBookedAt.get(t.appointment_id) as { at: number } | undefined);
      const arrivedAt = originalArrival({ issuedAt: t.issued_at, onTimeBookedAt: booked?.at ?? null });
      const queuedAt = placedAt(input.placement, { now, arrivedAt, earliestWaiting: earliest });
      const r = this.s.transfer.get({ id: t.id, status: t.status, service_code: serviceCode, target_counter_id: target, queued_at: queuedAt }) as TicketRow;
      const detail = { from: { serviceCode: t.service_code, counterId: t.counter_id }, to: { serviceCode, counterId: target }, placement: input.placement };
      this.journal.event(this.branch.id, 'ticket.transferred', { ticketId: r.id, number: r.number, ...detail });
      this.audit(who, 'ticket.transfer', r, detail);
      return r;
    })();
    this.changed();
    const { position, estimate } = this.tickets.place(row);
    return { ticket: { ...this.tickets.waitingTicket(row), position, estimatedWaitMinutes: estimate, targetCounterId: row.target_counter_id } };
  }

  park(ticketId: string, teller: Identity): CallNextResponse {
    const row = this.db.transaction(() => {
      const t = this.ownOpen(ticketId, teller);
      const r = this.s.park.get(this.now(), t.id, teller.counterId) as TicketRow;
      this.journal.event(this.branch.id, 'ticket.parked', { ticketId: r.id, number: r.number, counterId: r.counter_id });
      this.audit(teller, 'ticket.park', r, { counterId: r.counter_id });
      return r;
    })();
    this.changed();
    return { ticket: this.tickets.called(row) };
  }

  /** Resumes a parked ticket at the teller's counter (which must be open and free). */
  resume(ticketId: string, teller: Identity): CallNextResponse {
    const row = this.db.transaction(() => {
      const t = this.ticket(ticketId, teller);
      if (t.status !== 'called' || t.parked_at === null) throw conflict('not_parked', `ticket ${t.number} is not parked`, { number: t.number });
      if (teller.counterId === null) throw forbidden('counter_required', 'sign in at a counter');
      this.tickets.checkReadyToCall(teller.counterId);
      const r = this.s.resume.get({ id: t.id, counter_id: teller.counterId, staff: teller.subjectId }) as TicketRow;
      this.journal.event(this.branch.id, 'ticket.resumed', {
        ticketId: r.id,
        number: r.number,
        counterId: r.counter_id,
        calledAt: new Date(this.now()).toISOString(),
      });
      this.audit(teller, 'ticket.resume', r, { counterId: r.counter_id, parkedAt: t.counter_id });
      return r;
    })();
    this.announce(row, this.now());
    this.changed();
    return { ticket: this.tickets.called(row) };
  }

  parked(): ParkedListResponse {
    const rows = this.s.parked.all(this.branch.id, this.tickets.today()) as TicketRow[];
    return { tickets: rows.map((r) => this.tickets.called(r)) };
  }

  // ------------------------------------------------------------------ the customer gives up their place

  /**
   * The customer no longer needs their ticket (the phone page, by its tracking token): it leaves the
   * queue at once, freeing the line and the estimates for the others. Only while it waits.
   */
  cancelByCustomer(token: string): TrackResponse {
    const row = this.db.transaction(() => {
      const t = this.s.byTrack.get(token) as TicketRow | undefined;
      if (!t || t.branch_id !== this.branch.id) throw notFound('ticket_not_found', 'ticket not found');
      if (t.status === 'cancelled') return t;
      if (t.status !== 'waiting') throw conflict('not_waiting', `ticket ${t.number} is ${t.status}: it can no longer be given up`, { number: t.number, status: t.status });
      const at = this.now();
      const r = this.s.cancel.get({ id: t.id, at }) as TicketRow;
      this.tickets.visitEnded(r, at);
      this.journal.event(this.branch.id, 'ticket.cancelled', { ticketId: r.id, number: r.number, serviceCode: r.service_code });
      this.journal.audit({
        branchId: this.branch.id,
        actor: 'customer',
        role: 'system',
        device: 'phone',
        action: 'ticket.cancel',
        subject: `ticket:${r.id}`,
        detail: { number: r.number, by: 'customer' },
      });
      return r;
    })();
    this.changed();
    if (row.customer_id !== null) this.announcer.tell((b) => b.withdrawCard({ ticketId: row.id, reason: 'cancelled' }));
    return this.tickets.track(token);
  }

  // ------------------------------------------------------------------ counters

  /**
   * A teller signed in at a counter: it opens (unless a manager paused it), and closes again when
   * they leave. Journaled and audited like any counter change.
   */
  tellerSignedIn(teller: { subjectId: string; role: string; counterId: number | null }): void {
    const counterId = teller.counterId;
    if (counterId === null || !this.branch.counterById.has(counterId)) return;
    // The stored state: a teller's session (just made) already counts as "open" for a counter nobody set.
    const state = this.tickets.counters.storedState(counterId);
    if (state === 'paused' || state === 'open') return;
    this.db.transaction(() => {
      this.tickets.counters.set(counterId, 'open', null, null, teller.subjectId, this.now(), true);
      {
        this.journal.event(this.branch.id, 'counter.state', { counterId, state: 'open', bySignIn: true });
        this.journal.audit({
          branchId: this.branch.id,
          actor: teller.subjectId,
          role: 'teller',
          action: 'counter.open',
          subject: `counter:${counterId}`,
          detail: { state: 'open', bySignIn: true },
        });
      }
    })();
    this.changed();
  }

  /**
   * The last teller at a counter signed out (or their session ended): a counter their sign-in
   * opened closes, unless a ticket is still open there (it closes when the next teller leaves, or
   * a manager closes it). A counter a manager opened stays open.
   */
  closeUnattended(counterId: number, by: string): boolean {
    if (!this.tickets.counters.openedBySignIn(counterId)) return false;
    if (this.tickets.counters.state(counterId) !== 'open') return false;
    if (this.tickets.counters.tellersAt(counterId) > 0 || this.tickets.openAt(counterId)) return false;
    this.db.transaction(() => {
      this.tickets.counters.set(counterId, 'closed', null, null, by, this.now(), true);
      this.journal.event(this.branch.id, 'counter.state', { counterId, state: 'closed', bySignIn: true });
      this.journal.audit({ branchId: this.branch.id, actor: by, role: 'system', action: 'counter.close', subject: `counter:${counterId}`, detail: { state: 'closed', bySignIn: true } });
    })();
    this.changed();
    return true;
  }

  /** Counters opened by a sign-in whose tellers have all gone (signed out, or sessions expired). */
  closeAllUnattended(): number {
    const open = (this.s.signInCounters.all(this.branch.id) as { counter_id: number }[]).map((r) => r.counter_id);
    return open.filter((id) => this.closeUnattended(id, 'system')).length;
  }

  counters(): CounterStatus[] {
    return this.tickets.counters.list((id) => this.tickets.openAt(id)?.number ?? null);
  }

  /** Opens, pauses (with a reason) or closes a counter: its teller or a manager. */
  setCounterState(counterId: number, state: CounterState, reason: PauseReason | null, note: string | null, who: Identity): CounterStatus {
    if (!this.branch.counterById.has(counterId)) throw notFound('counter_not_found', `counter ${counterId} not found`, { counterId });
    if (who.role === 'teller' && who.counterId !== counterId) {
      throw forbidden('other_counter', `you are signed in at counter ${who.counterId}, not ${counterId}`, { counterId: who.counterId });
    }
    this.db.transaction(() => {
      if (state !== 'open') {
        const open = this.tickets.openAt(counterId);
        if (open) {
          throw conflict('counter_busy', `ticket ${open.number} is open at counter ${counterId}: complete, park or transfer it first`, {
            number: open.number,
            counterId,
          });
        }
      }
      const now = this.now();
      this.tickets.counters.set(counterId, state, state === 'paused' ? reason : null, state === 'paused' ? note : null, who.subjectId, now);
      this.journal.event(this.branch.id, 'counter.state', { counterId, state, ...(state === 'paused' ? { reason } : {}) });
      this.audit(who, `counter.${state === 'open' ? 'open' : state === 'paused' ? 'pause' : 'close'}`, null, {
        state,
        ...(state === 'paused' ? { reason, ...(note ? { note } : {}) } : {}),
      }, `counter:${counterId}`);
    })();
    this.changed();
    return this.counters().find((c) => c.counterId === counterId)!;
  }

  /**
   * The manager reassigns a counter's services (its profile), each with a weight. The branch the
   * hub holds in memory is updated after the commit, so the next call and estimate use it.
   */
  setCounterServices(counterId: number, services: readonly { code: string; weight: number }[], manager: Identity): CounterServicesResponse {
    const counter = this.branch.counterById.get(counterId);
    if (!counter) throw notFound('counter_not_found', `counter ${counterId} not found`, { counterId });
    for (const s of services) if (!this.branch.serviceByCode.has(s.code)) throw notFound('service_not_found', `service ${s.code} not found`, { serviceCode: s.code });
    const sorted = [...services].sort((a, b) => b.weight - a.weight || a.code.localeCompare(b.code));
    this.db.transaction(() => {
      const before = this.s.servicesOf.all(counterId) as { code: string; weight: number }[];
      this.s.clearServices.run(counterId);
      for (const s of sorted) this.s.addService.run(counterId, this.branch.id, s.code, s.weight);
      this.journal.event(this.branch.id, 'counter.services', { counterId, services: sorted });
      this.audit(manager, 'counter.services', null, { before, after: sorted }, `counter:${counterId}`);
    })();
    counter.serviceCodes = sorted.map((s) => s.code);
    this.branch.countersForService.clear();
    for (const c of this.branch.counters) {
      for (const code of c.serviceCodes) this.branch.countersForService.set(code, [...(this.branch.countersForService.get(code) ?? []), c.id]);
    }
    this.changed();
    return { counterId, services: sorted };
  }

  // ------------------------------------------------------------------ green channel

  /** The manager moves a waiting, identified customer's ticket into the green channel (recorded, audited). */
  moveToGreenChannel(ticketId: string, reason: string, manager: Identity): GreenChannelDecision {
    const gc = this.branch.rules.greenChannel;
    if (!gc.enabled) throw conflict('green_channel_off', 'the green channel is switched off for this branch');
    if (!this.branch.serviceByCode.has(gc.destinationServiceCode)) {
      throw conflict('green_channel_off', `the green channel service ${gc.destinationServiceCode} does not exist`, { serviceCode: gc.destinationServiceCode });
    }
    const row = this.db.transaction(() => {
      const t = this.ticket(ticketId, manager);
      if (t.status !== 'waiting') throw conflict('not_waiting', `ticket ${t.number} is ${t.status}, not waiting`, { number: t.number, status: t.status });
      if (t.business_date !== this.tickets.today()) throw conflict('other_day', `ticket ${t.number} is from another day`, { number: t.number });
      if (t.customer_id === null) {
        throw conflict('guest_ticket', `ticket ${t.number} is a guest ticket: the green channel is for identified customers`, { number: t.number });
      }
      if (t.route === 'green_channel' || this.s.routingOf.get(t.id)) {
        throw conflict('already_green', `ticket ${t.number} is already in the green channel`, { number: t.number });
      }
      const now = this.now();
      const moved = this.s.toGreen.get({ id: t.id, service_code: gc.destinationServiceCode }) as TicketRow;
      this.s.insertRouting.run(t.id, t.customer_id, t.service_code, gc.destinationServiceCode, gc.destinationCounterId, now, manager.subjectId, reason);
      const detail = { customer: `C${t.customer_id}`, rule: 'manager', reason, from: t.service_code, to: gc.destinationServiceCode, counterId: gc.destinationCounterId };
      this.journal.event(this.branch.id, 'ticket.green_channel', {
        ticketId: t.id,
        number: t.number,
        from: t.service_code,
        to: gc.destinationServiceCode,
        decidedBy: manager.subjectId,
        reason,
      });
      this.audit(manager, 'green_channel.route', moved, detail);
      return moved;
    })();
    const decision = this.tickets.routingFor(row.id)!;
    this.announcer.tell((b) => b.greenChannelRouted(decision));
    if (row.customer_id !== null) this.announcer.tell((b) => b.pushCard(this.visits.cardOf(row)));
    this.changed();
    return decision;
  }

  greenChannelToday(): GreenChannelDecision[] {
    return this.tickets.greenChannelToday();
  }

  // ------------------------------------------------------------------ measures

  measuresToday(): MeasuresResponse {
    const now = this.now();
    const tickets = this.tickets.ticketsOfDay().map(toMeasureTicket);
    const measures = dayMeasures(tickets, {
      now,
      targetWaitMinutes: this.targetWait(),
      serviceCodes: this.branch.services.map((s) => s.code),
      timeZone: this.branch.rules.timeZone,
    });
    const staffNames = Object.fromEntries((this.s.staffNames.all(this.branch.id) as { id: string; name: string }[]).map((r) => [r.id, r.name]));
    return { businessDate: this.tickets.today(), at: new Date(now).toISOString(), staffNames, ...measures };
  }

  /** Today's per-ticket measures as CSV, with its file name. */
  measuresCsv(): { fileName: string; csv: string } {
    const now = this.now();
    const rows = this.tickets.ticketsOfDay().map((t) => measureTicket(toMeasureTicket(t), this.targetWait(), now));
    const lang = this.branch.defaultLanguage;
    const csv = measuresCsv(rows, (code) => this.branch.serviceByCode.get(code)?.name[lang] ?? code);
    return { fileName: `measures-${this.tickets.today()}.csv`, csv };
  }

  private targetWait(): number {
    return this.branch.rules.queue.targetWaitMinutes;
  }

  // ------------------------------------------------------------------ helpers

  private ticket(ticketId: string, who: Identity): TicketRow {
    const t = this.s.byId.get(ticketId) as TicketRow | undefined;
    if (!t || t.branch_id !== who.branchId) throw notFound('ticket_not_found', 'ticket not found');
    return t;
  }

  /** A teller's own open ticket (called at their counter, not parked). */
  private ownOpen(ticketId: string, teller: Identity): TicketRow {
    const t = this.ticket(ticketId, teller);
    if (t.status !== 'called' || t.counter_id !== teller.counterId) throw conflict('not_called_here', `ticket ${t.number} is not called at your counter`, { number: t.number });
    if (t.parked_at !== null) throw conflict('ticket_parked', `ticket ${t.number} is parked: resume it first`, { number: t.number });
    return t;
  }

  private audit(who: Identity, action: AuditAction, row: TicketRow | null, detail: Record<string, unknown>, subject = row ? `ticket:${row.id}` : ''): void {
    this.journal.auditBy(this.branch.id, who, action, subject, row ? { number: row.number, ...detail } : detail);
  }

  private announce(row: TicketRow, at: number): void {
    this.announcer.tell((b) =>
      b.ticketCalled({
        number: row.number,
        counterId: row.counter_id!,
        calledAt: new Date(at).toISOString(),
        offset: this.journal.latestOffset(this.branch.id),
      }),
    );
  }

  private changed(): void {
    this.announcer.tell((b) => b.queueChanged());
  }
}

const toMeasureTicket = (t: TicketRow): MeasureTicket => ({
  number: t.number,
  serviceCode: t.service_code,
  ticketClass: t.ticket_class,
  vip: t.vip === 1,
  status: t.status,
  issuedAt: t.issued_at,
  calledAt: t.called_at,
  servingAt: t.serving_at,
  endedAt: t.ended_at,
  counterId: t.counter_id,
  calledBy: t.called_by,
  outcome: t.outcome,
});
