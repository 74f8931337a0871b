/**
 * Teller and manager queue operations beyond call / complete (issue 3): call a specific ticket,
 * recall (then no-show after the branch's limit), start serving (the customer reached the counter:
 * the walk ends), transfer to a service or counter (placed first, last or by original arrival), park
 * and resume, counter open / pause / close, and the manager's move into the green channel. Each one is a single transaction that changes the ticket, journals
 * an event (event_log, for catching up) and writes the audit row.
 */
import type { Branch } from '../branch';
import type { Db } from '../db/open';
import type { Identity } from '../auth/sessions';
import type { Journal } from '../journal';
import type { TicketDesk, TicketRow } from './tickets';
import type { CounterState, GreenChannelDecision, PauseReason, Placement } from '../../domain/contracts';
import { originalArrival, placedAt, recallOutcome } from '../../domain/queue-policy';
import { HubError, conflict, forbidden, notFound } from '../http/errors';

export interface TransferInput {
  serviceCode?: string;
  counterId?: number;
  placement: Placement;
}

export class QueueOperations {
  private readonly s;

  constructor(
    private readonly db: Db,
    private readonly branch: Branch,
    private readonly desk: TicketDesk,
    private readonly journal: Journal,
    private readonly now: () => number,
  ) {
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
      // An appointment checked in on time was queued at its booked time (hub/desk/appointments.ts).
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
      insertRouting: db.prepare(
        `INSERT INTO green_channel_routing (ticket_id, customer_id, rule, from_service_code, destination_service_code,
           destination_counter_id, decided_at, decided_by, reason) VALUES (?, ?, 'manager', ?, ?, ?, ?, ?, ?)`,
      ),
    };
  }

  private ticket(ticketId: string, who: Identity): TicketRow {
    const t = this.s.byId.get(ticketId) as TicketRow | undefined;
    if (!t || t.branch_id !== who.branchId) throw notFound('ticket');
    return t;
  }

  private audit(who: Identity, action: string, row: TicketRow | null, subject: string, detail: Record<string, unknown>): void {
    this.journal.audit({
      branchId: this.branch.id,
      actor: who.subjectId,
      role: who.role,
      action,
      subject,
      detail: row ? { number: row.number, ...detail } : detail,
    });
  }

  /** A teller's own open ticket (called at their counter, not parked). */
  private ownOpen(ticketId: string, teller: Identity): TicketRow {
    const t = this.ticket(ticketId, teller);
    if (t.status !== 'called' || t.counter_id !== teller.counterId) throw conflict(`ticket ${t.number} is not called at your counter`);
    if (t.parked_at !== null) throw conflict(`ticket ${t.number} is parked: resume it first`);
    return t;
  }

  callTicket(counterId: number, ticketId: string, teller: Identity): TicketRow {
    const row = this.desk.callTicket(counterId, ticketId, teller);
    this.audit(teller, 'ticket.call', row, `ticket:${row.id}`, { counterId, chosen: true });
    return row;
  }

  /**
   * Announces the ticket again, or marks it no-show once `queue.maxRecalls` recalls are used up.
   * A recall keeps `called_at` (the wait ended at the first call; the time until the customer
   * arrives is walk) and is refused once serving started: the customer is at the counter.
   */
  recall(ticketId: string, teller: Identity): { row: TicketRow; outcome: 'recalled' | 'no_show' } {
    return this.db.transaction(() => {
      const t = this.ownOpen(ticketId, teller);
      if (t.serving_at !== null) throw conflict(`ticket ${t.number} is already being served at your counter: there is nobody to recall`);
      const now = this.now();
      if (recallOutcome(t.recall_count, this.branch.rules.queue.maxRecalls) === 'no_show') {
        const row = this.s.noShow.get(now, t.id) as TicketRow;
        this.journal.event(this.branch.id, 'ticket.no_show', { ticketId: row.id, number: row.number, counterId: row.counter_id, after: 'recalls' });
        this.desk.visitEnded(row, now);
        this.audit(teller, 'ticket.no_show', row, `ticket:${row.id}`, { recalls: t.recall_count, automatic: true });
        return { row, outcome: 'no_show' as const };
      }
      const row = this.s.recall.get(t.id) as TicketRow;
      this.journal.event(this.branch.id, 'ticket.recalled', {
        ticketId: row.id,
        number: row.number,
        counterId: row.counter_id,
        calledAt: new Date(now).toISOString(),
        recall: row.recall_count,
      });
      this.audit(teller, 'ticket.recall', row, `ticket:${row.id}`, { recall: row.recall_count });
      return { row, outcome: 'recalled' as const };
    })();
  }

  /**
   * Start serving: the customer called to the teller's counter has arrived, so the walk ends and the
   * service begins (`serving_at`). Only for the ticket called, not parked, at the teller's own
   * counter. Idempotent: pressing it again answers the same start and journals nothing.
   */
  startServing(ticketId: string, teller: Identity): { row: TicketRow; started: boolean } {
    if (teller.counterId === null) throw forbidden('sign in at a counter');
    return this.db.transaction(() => {
      const t = this.ticket(ticketId, teller);
      if (t.status !== 'called') throw conflict(`ticket ${t.number} is ${t.status}, not called: there is nobody to start serving`);
      if (t.counter_id !== teller.counterId) throw conflict(`ticket ${t.number} is called at counter ${t.counter_id}, not at your counter ${teller.counterId}`);
      if (t.parked_at !== null) throw conflict(`ticket ${t.number} is parked: resume it first`);
      if (t.serving_at !== null) return { row: t, started: false };
      // Never before the call, even if the clock stepped back.
      const at = Math.max(this.now(), t.called_at ?? 0);
      const row = this.s.startServing.get({ at, id: t.id, counter_id: teller.counterId }) as TicketRow;
      const walkSeconds = row.called_at === null ? null : Math.round((at - row.called_at) / 1000);
      this.journal.event(this.branch.id, 'ticket.serving', {
        ticketId: row.id,
        number: row.number,
        counterId: row.counter_id,
        servingAt: new Date(at).toISOString(),
        walkSeconds,
      });
      this.audit(teller, 'ticket.start', row, `ticket:${row.id}`, { counterId: row.counter_id, walkSeconds });
      return { row, started: true };
    })();
  }

  /**
   * Sends a ticket to another service and/or counter, placed first, last or by its original
   * arrival. Tellers transfer the ticket open at their counter; managers transfer waiting tickets.
   */
  transfer(ticketId: string, input: TransferInput, who: Identity): TicketRow {
    if (input.serviceCode !== undefined) {
      const service = this.branch.serviceByCode.get(input.serviceCode);
      if (!service) throw notFound(`service ${input.serviceCode}`);
      if (service.vipOnly) throw new HubError('validation_failed', `serviceCode: ${input.serviceCode} is reached through the green channel, not a transfer`);
    }
    if (input.counterId !== undefined && !this.branch.counterById.has(input.counterId)) throw notFound(`counter ${input.counterId}`);
    return this.db.transaction(() => {
      const t = this.ticket(ticketId, who);
      if (who.role === 'teller') {
        if (t.status !== 'called' || t.counter_id !== who.counterId) throw conflict(`ticket ${t.number} is not called at your counter`);
      } else if (t.status !== 'waiting') {
        throw conflict(`ticket ${t.number} is ${t.status}: a manager transfers waiting tickets`);
      }
      if (t.business_date !== this.desk.today()) throw conflict(`ticket ${t.number} is from another day`);
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
      const row = this.s.transfer.get({
        id: t.id,
        status: t.status,
        service_code: serviceCode,
        target_counter_id: target,
        queued_at: queuedAt,
      }) as TicketRow;
      const detail = { from: { serviceCode: t.service_code, counterId: t.counter_id }, to: { serviceCode, counterId: target }, placement: input.placement };
      this.journal.event(this.branch.id, 'ticket.transferred', { ticketId: row.id, number: row.number, ...detail });
      this.audit(who, 'ticket.transfer', row, `ticket:${row.id}`, detail);
      return row;
    })();
  }

  park(ticketId: string, teller: Identity): TicketRow {
    return this.db.transaction(() => {
      const t = this.ownOpen(ticketId, teller);
      const row = this.s.park.get(this.now(), t.id, teller.counterId) as TicketRow;
      this.journal.event(this.branch.id, 'ticket.parked', { ticketId: row.id, number: row.number, counterId: row.counter_id });
      this.audit(teller, 'ticket.park', row, `ticket:${row.id}`, { counterId: row.counter_id });
      return row;
    })();
  }

  /** Resumes a parked ticket at the teller's counter (which must be open and free). */
  resume(ticketId: string, teller: Identity): TicketRow {
    return this.db.transaction(() => {
      const t = this.ticket(ticketId, teller);
      if (t.status !== 'called' || t.parked_at === null) throw conflict(`ticket ${t.number} is not parked`);
      if (teller.counterId === null) throw forbidden('sign in at a counter');
      this.desk.checkReadyToCall(teller.counterId);
      const row = this.s.resume.get({ id: t.id, counter_id: teller.counterId, staff: teller.subjectId }) as TicketRow;
      this.journal.event(this.branch.id, 'ticket.resumed', {
        ticketId: row.id,
        number: row.number,
        counterId: row.counter_id,
        calledAt: new Date(this.now()).toISOString(),
      });
      this.audit(teller, 'ticket.resume', row, `ticket:${row.id}`, { counterId: row.counter_id, parkedAt: t.counter_id });
      return row;
    })();
  }

  parkedToday(): TicketRow[] {
    return this.s.parked.all(this.branch.id, this.desk.today()) as TicketRow[];
  }

  /** Opens, pauses (with a reason) or closes a counter: its teller or a manager. */
  setCounterState(counterId: number, state: CounterState, reason: PauseReason | null, note: string | null, who: Identity): void {
    if (!this.branch.counterById.has(counterId)) throw notFound(`counter ${counterId}`);
    if (who.role === 'teller' && who.counterId !== counterId) throw forbidden(`you are signed in at counter ${who.counterId}, not ${counterId}`);
    this.db.transaction(() => {
      if (state !== 'open') {
        const open = this.desk.openAt(counterId);
        if (open) throw conflict(`ticket ${open.number} is open at counter ${counterId}: complete, park or transfer it first`);
      }
      const now = this.now();
      this.desk.counters.set(counterId, state, state === 'paused' ? reason : null, state === 'paused' ? note : null, who.subjectId, now);
      this.journal.event(this.branch.id, 'counter.state', { counterId, state, ...(state === 'paused' ? { reason } : {}) });
      this.audit(who, `counter.${state === 'open' ? 'open' : state === 'paused' ? 'pause' : 'close'}`, null, `counter:${counterId}`, {
        state,
        ...(state === 'paused' ? { reason, ...(note ? { note } : {}) } : {}),
      });
    })();
  }

  /**
   * The manager reassigns a counter's services (its profile), each with a weight. The branch the
   * hub holds in memory is updated after the commit, so the next call and estimate use it.
   */
  setCounterServices(counterId: number, services: readonly { code: string; weight: number }[], manager: Identity): { code: string; weight: number }[] {
    const counter = this.branch.counterById.get(counterId);
    if (!counter) throw notFound(`counter ${counterId}`);
    for (const s of services) if (!this.branch.serviceByCode.has(s.code)) throw notFound(`service ${s.code}`);
    const sorted = [...services].sort((a, b) => b.weight - a.weight || a.code.localeCompare(b.code));
    this.db.transaction(() => {
      const before = this.s.servicesOf.all(counterId) as { code: string; weight: number }[];
      this.s.clearServices.run(counterId);
      for (const s of sorted) this.s.addService.run(counterId, this.branch.id, s.code, s.weight);
      this.journal.event(this.branch.id, 'counter.services', { counterId, services: sorted });
      this.audit(manager, 'counter.services', null, `counter:${counterId}`, { before, after: sorted });
    })();
    counter.serviceCodes = sorted.map((s) => s.code);
    this.branch.countersForService.clear();
    for (const c of this.branch.counters) {
      for (const code of c.serviceCodes) this.branch.countersForService.set(code, [...(this.branch.countersForService.get(code) ?? []), c.id]);
    }
    return sorted;
  }

  /** The manager moves a waiting, identified customer's ticket into the green channel (recorded, audited). */
  moveToGreenChannel(ticketId: string, reason: string, manager: Identity): { row: TicketRow; decision: GreenChannelDecision } {
    const gc = this.branch.rules.greenChannel;
    if (!gc.enabled) throw conflict('the green channel is switched off for this branch');
    if (!this.branch.serviceByCode.has(gc.destinationServiceCode)) throw conflict(`the green channel service ${gc.destinationServiceCode} does not exist`);
    const row = this.db.transaction(() => {
      const t = this.ticket(ticketId, manager);
      if (t.status !== 'waiting') throw conflict(`ticket ${t.number} is ${t.status}, not waiting`);
      if (t.business_date !== this.desk.today()) throw conflict(`ticket ${t.number} is from another day`);
      if (t.customer_id === null) throw conflict(`ticket ${t.number} is a guest ticket: the green channel is for identified customers`);
      if (t.route === 'green_channel' || this.s.routingOf.get(t.id)) throw conflict(`ticket ${t.number} is already in the green channel`);
      const now = this.now();
      const moved = this.s.toGreen.get({ id: t.id, service_code: gc.destinationServiceCode }) as TicketRow;
      this.s.insertRouting.run(t.id, t.customer_id, t.service_code, gc.destinationServiceCode, gc.destinationCounterId, now, manager.subjectId, reason);
      const detail = { customer: `C${t.customer_id}`, rule: 'manager', reason, from: t.service_code, to: gc.destinationServiceCode, counterId: gc.destinationCounterId };
      this.journal.event(this.branch.id, 'ticket.green_channel', { ticketId: t.id, number: t.number, from: t.service_code, to: gc.destinationServiceCode, decidedBy: manager.subjectId, reason });
      this.audit(manager, 'green_channel.route', moved, `ticket:${t.id}`, detail);
      return moved;
    })();
    return { row, decision: this.desk.routingFor(row.id)! };
  }
}
