/**
 * Appointments (docs/QUEUE.md "Appointments"): a manager books a customer for a service
 * at a time and hands out a six-digit code; at the kiosk the code checks the customer in.
 *
 * Check-in issues the ticket through the queue's own issue path (numbering, green channel,
 * offer decision, customer card) in ONE transaction with the appointment's update:
 * - on time (from `earlyMinutes` before to `lateMinutes` after the booked time): the ticket is
 *   queued at the booked time, i.e. placed by booked time in its line;
 * - late: an ordinary walk-in queued now, the appointment marked `late`;
 * - too early: nothing issued; the kiosk says when check-in opens (a walk-in ticket is still possible).
 * A check-in is idempotent by requestId; wrong codes are rate-limited per kiosk (six digits can be
 * guessed). Bookings not checked in by the end of their late window are swept to `missed`.
 */
import { randomInt } from 'node:crypto';
import type { z } from 'zod';
import type { Identity } from '../auth/sessions';
import type { Branch } from '../branch';
import type { Journal } from '../journal';
import type { Queue } from '../queue/queue';
import type { CustomerDirectory } from '../visits/customer-directory';
import type { Db } from '../db/open';
import type { TicketRow } from '../queue/ticket-store';
import type {
  AuditAction,
  AppointmentListResponse,
  AppointmentView,
  CheckInErrorBody,
  CheckInRefusal,
  CheckInRequestSchema,
  CheckInResponse,
  CreateAppointmentSchema,
  ErrorCode,
  IssuedTicket,
} from '../../domain/contracts';
import {
  canCheckIn,
  checkInDecision,
  checkInWindow,
  effectiveStatus,
  formatBookingCode,
  localTime,
  type AppointmentStatus,
} from '../../domain/appointments';
import { businessDate } from '../../domain/ticket-number';
import { addDaysIso } from '../../domain/reminders';
import { maskName } from '../../domain/masking';
import { HubError, conflict, invalid, notFound } from '../errors';

type CreateAppointment = z.output<typeof CreateAppointmentSchema>;
type CheckIn = z.output<typeof CheckInRequestSchema>;

/** Bookings may be made this many days ahead. */
export const MAX_DAYS_AHEAD = 90;
/** Wrong codes (unknown, or booked for another day) one kiosk may try within the window ... */
export const MAX_WRONG_CODES = 5;
/** ... after which it is refused until the window (from the first wrong code) has passed. */
export const WRONG_CODE_WINDOW_MS = 10 * 60_000;

export interface AppointmentRow {
  id: number;
  branch_id: string;
  business_date: string;
  code: string;
  booked_at: number;
  service_code: string;
  customer_id: number | null;
  status: AppointmentStatus;
  ticket_id: string | null;
  checked_in_at: number | null;
  checked_in_by: string | null;
  cancelled_at: number | null;
  cancelled_by: string | null;
  cancel_reason: string | null;
  source: AppointmentView['source'];
  note: string | null;
  created_at: number;
  created_by: string;
}

interface ListedRow extends AppointmentRow {
  ticket_number: string | null;
  ticket_status: TicketRow['status'] | null;
  customer_name: string | null;
  customer_phone_masked: string | null;
}

/** A refused check-in: the usual error with its `reason` and values (when check-in opens, for too early). */
function refused(code: ErrorCode, reason: CheckInRefusal, message: string, params: Omit<CheckInErrorBody['error'], 'code' | 'message' | 'reason'> = {}): HubError {
  return new HubError(code, message, { reason, params });
}

/** Wrong codes per kiosk: MAX_WRONG_CODES within WRONG_CODE_WINDOW_MS, then a pause. */
class WrongCodeLimiter {
  private readonly wrong = new Map<string, { count: number; since: number }>();
  constructor(private readonly now: () => number) {}

  /** Seconds this kiosk must wait, or 0 when it may try a code. */
  blockedFor(kiosk: string): number {
    const w = this.wrong.get(kiosk);
    if (!w) return 0;
    const left = w.since + WRONG_CODE_WINDOW_MS - this.now();
    if (left <= 0) {
      this.wrong.delete(kiosk);
      return 0;
    }
    return w.count >= MAX_WRONG_CODES ? Math.ceil(left / 1000) : 0;
  }

  record(kiosk: string): void {
    const w = this.wrong.get(kiosk);
    if (!w || this.now() - w.since > WRONG_CODE_WINDOW_MS) this.wrong.set(kiosk, { count: 1, since: this.now() });
    else w.count++;
  }
}

export interface AppointmentOptions {
  /** Re-create the demo branch's appointments for each new business day (the demo only). */
  seedDemo?: (db: Db, branchId: string, now: number) => void;
}

export class Appointments {
  private readonly s;
  private readonly limiter: WrongCodeLimiter;
  private lastDay: string | null = null;

  constructor(
    private readonly db: Db,
    private readonly branch: Branch,
    private readonly queue: Queue,
    private readonly customers: CustomerDirectory,
    private readonly journal: Journal,
    private readonly now: () => number,
    private readonly options: AppointmentOptions = {},
  ) {
    this.limiter = new WrongCodeLimiter(now);
    this.s = {
      insert: db.prepare(
        `INSERT INTO appointment (branch_id, business_date, code, booked_at, service_code, customer_id, status, source, note, created_at, created_by)
         VALUES (@branch_id, @business_date, @code, @booked_at, @service_code, @customer_id, 'booked', @source, @note, @created_at, @created_by)
         RETURNING *`,
      ),
      byId: db.prepare('SELECT * FROM appointment WHERE id = ? AND branch_id = ?'),
      byCode: db.prepare('SELECT * FROM appointment WHERE branch_id = ? AND business_date = ? AND code = ?'),
      otherDay: db.prepare(
        `SELECT business_date FROM appointment WHERE branch_id = @branch_id AND code = @code AND business_date <> @today
           AND status <> 'cancelled'
         ORDER BY business_date < @today, abs(julianday(business_date) - julianday(@today)) LIMIT 1`,
      ),
      list: db.prepare(
        `SELECT a.*, t.number AS ticket_number, t.status AS ticket_status, c.name AS customer_name, c.phone_masked AS customer_phone_masked
         FROM appointment a LEFT JOIN ticket t ON t.id = a.ticket_id LEFT JOIN customer c ON c.id = a.customer_id
         WHERE a.branch_id = ? AND a.business_date = ? ORDER BY a.booked_at, a.id`,
      ),
      listOne: db.prepare(
        `SELECT a.*, t.number AS ticket_number, t.status AS ticket_status, c.name AS customer_name, c.phone_masked AS customer_phone_masked
         FROM appointment a LEFT JOIN ticket t ON t.id = a.ticket_id LEFT JOIN customer c ON c.id = a.customer_id
         WHERE a.id = ?`,
      ),
      ticketByRequest: db.prepare('SELECT * FROM ticket WHERE branch_id = ? AND request_id = ?'),
      ticketById: db.prepare('SELECT * FROM ticket WHERE id = ?'),
      checkIn: db.prepare(
        `UPDATE appointment SET status = @status, ticket_id = @ticket_id, checked_in_at = @now, checked_in_by = @by
         WHERE id = @id AND status IN ('booked', 'missed')`,
      ),
      cancel: db.prepare(
        `UPDATE appointment SET status = 'cancelled', cancelled_at = @now, cancelled_by = @by, cancel_reason = @reason
         WHERE id = @id AND branch_id = @branch_id AND status IN ('booked', 'missed') RETURNING *`,
      ),
      sweepMissed: db.prepare(
        `UPDATE appointment SET status = 'missed'
         WHERE branch_id = @branch_id AND status = 'booked' AND booked_at + @late_ms < @now RETURNING id, business_date`,
      ),
      purgeOld: db.prepare('DELETE FROM appointment WHERE branch_id = ? AND business_date < ? AND ticket_id IS NULL'),
    };
  }

  private get rules() {
    return this.branch.rules.appointments;
  }
  private get tz() {
    return this.branch.rules.timeZone;
  }
  private today(): string {
    return businessDate(new Date(this.now()), this.tz);
  }

  // ------------------------------------------------------------------ booking (manager, admin)

  create(req: CreateAppointment, who: Identity): AppointmentView {
    if (!this.rules.enabled) throw conflict('appointments_disabled', 'appointments are switched off in this branch (rules.appointments.enabled)');
    const service = this.branch.serviceByCode.get(req.serviceCode);
    if (!service) throw notFound('service_not_found', `service ${req.serviceCode} not found`, { serviceCode: req.serviceCode });
    if (service.vipOnly) {
      throw invalid('vip_only_service', `serviceCode: ${req.serviceCode} is assigned by the green channel, not booked`, { serviceCode: req.serviceCode });
    }

    const now = this.now();
    const bookedAt = Date.parse(req.bookedAt);
    const date = businessDate(new Date(bookedAt), this.tz);
    const today = this.today();
    if (date < today) throw invalid('booking_in_past', `bookedAt: ${date} is before today (${today}) in the branch time zone`, { date, today });
    if (date > addDaysIso(today, MAX_DAYS_AHEAD)) throw invalid('booking_too_far_ahead', `bookedAt: at most ${MAX_DAYS_AHEAD} days ahead`, { days: MAX_DAYS_AHEAD });
    if (now > checkInWindow(bookedAt, this.rules).lateAfter) {
      throw invalid('booking_window_passed', `bookedAt: ${localTime(bookedAt, this.tz)} today is already past its late window`, {
        time: localTime(bookedAt, this.tz),
      });
    }
    let customerId: number | null = null;
    if (req.customer) {
      const c = this.customers.find(req.customer.kind, req.customer.value);
      if (!c) throw notFound('customer_not_found', 'customer with that identity not found');
      customerId = c.id;
    }

    const row = this.db.transaction((): AppointmentRow => {
      const inserted = this.insertWithFreshCode({
        branch_id: this.branch.id,
        business_date: date,
        booked_at: bookedAt,
        service_code: service.code,
        customer_id: customerId,
        source: req.source,
        note: req.note ? req.note : null,
        created_at: now,
        created_by: who.subjectId,
      });
      this.journal.event(this.branch.id, 'appointment.created', {
        appointmentId: inserted.id,
        businessDate: date,
        bookedAt: new Date(bookedAt).toISOString(),
        serviceCode: service.code,
      });
      this.audit(who, 'appointment.create', inserted, {
        code: inserted.code,
        serviceCode: service.code,
        bookedAt: new Date(bookedAt).toISOString(),
        ...(customerId !== null ? { customer: `C${customerId}` } : {}),
        source: req.source,
      });
      return inserted;
    })();
    return this.view(row.id);
  }

  /** Draws random six-digit codes until one is free for that branch and day. */
  private insertWithFreshCode(values: Omit<AppointmentRow, 'id' | 'code' | 'status' | 'ticket_id' | 'checked_in_at' | 'checked_in_by' | 'cancelled_at' | 'cancelled_by' | 'cancel_reason'>): AppointmentRow {
    for (let attempt = 0; attempt < 50; attempt++) {
      const code = formatBookingCode(randomInt(0, 1_000_000));
      if (this.s.byCode.get(values.branch_id, values.business_date, code)) continue;
      return this.s.insert.get({ ...values, code }) as AppointmentRow;
    }
    throw new HubError('internal', 'no free booking code for that day');
  }

  list(date: string = this.today()): AppointmentListResponse {
    const rows = this.s.list.all(this.branch.id, date) as ListedRow[];
    return { date, timeZone: this.tz, rules: { ...this.rules }, appointments: rows.map((r) => this.toView(r)) };
  }

  view(id: number): AppointmentView {
    const row = this.s.listOne.get(id) as ListedRow | undefined;
    if (!row || row.branch_id !== this.branch.id) throw notFound('appointment_not_found', 'appointment not found');
    return this.toView(row);
  }

  cancel(id: number, reason: string | null, who: Identity): AppointmentView {
    const row = this.db.transaction((): AppointmentRow => {
      const before = this.s.byId.get(id, this.branch.id) as AppointmentRow | undefined;
      if (!before) throw notFound('appointment_not_found', 'appointment not found');
      if (before.business_date < this.today()) {
        throw conflict('appointment_past_day', `the appointment was for ${before.business_date}, an earlier day`, { date: before.business_date });
      }
      const done = this.s.cancel.get({ id, branch_id: this.branch.id, now: this.now(), by: who.subjectId, reason }) as AppointmentRow | undefined;
      if (!done) {
        throw conflict(
          'appointment_not_cancellable',
          `the appointment is ${before.status === 'late' ? 'checked in (late)' : before.status.replace('_', ' ')}: it cannot be cancelled`,
          { status: before.status },
        );
      }
      this.journal.event(this.branch.id, 'appointment.cancelled', { appointmentId: id, businessDate: done.business_date });
      this.audit(who, 'appointment.cancel', done, { code: done.code, ...(reason ? { reason } : {}) });
      return done;
    })();
    return this.view(row.id);
  }

  private toView(r: ListedRow): AppointmentView {
    const now = this.now();
    const w = checkInWindow(r.booked_at, this.rules);
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      id: r.id,
      code: r.code,
      businessDate: r.business_date,
      bookedAt: new Date(r.booked_at).toISOString(),
      bookedTime: localTime(r.booked_at, this.tz),
      opensAt: new Date(w.opensAt).toISOString(),
      lateAfter: new Date(w.lateAfter).toISOString(),
      serviceCode: r.service_code,
      status: effectiveStatus(r.status, r.booked_at, now, this.rules),
      customer:
        r.customer_id !== null
          ? { ref: `C${r.customer_id}`, maskedName: maskName(r.customer_name ?? ''), maskedPhone: r.customer_phone_masked ?? '' }
          : null,
      ticket: r.ticket_id && r.ticket_number && r.ticket_status ? { id: r.ticket_id, number: r.ticket_number, status: r.ticket_status } : null,
      checkedInAt: iso(r.checked_in_at),
      source: r.source,
      note: r.note,
      createdAt: new Date(r.created_at).toISOString(),
      createdBy: r.created_by,
      cancelledAt: iso(r.cancelled_at),
      cancelledBy: r.cancelled_by,
      cancelReason: r.cancel_reason,
    };
  }

  // ------------------------------------------------------------------ check-in (kiosk)

  /** The kiosk's check-in. `created` is false for a repeat (same requestId) or an appointment checked in before. */
  checkIn(req: CheckIn, kiosk: Identity): { response: CheckInResponse; created: boolean } {
    // A retry of a check-in that went through (same requestId) always gets its ticket back.
    const prior = this.s.ticketByRequest.get(this.branch.id, req.requestId) as TicketRow | undefined;
    if (prior) {
      if (prior.appointment_id === null) throw conflict('request_id_reused', 'requestId: already used for a walk-in ticket; use a new one per attempt');
      const a = this.s.byId.get(prior.appointment_id, this.branch.id) as AppointmentRow;
      return { response: this.answer(a.status === 'late' ? 'late' : 'on_time', a, this.issuedTicket(prior)), created: false };
    }

    const retryAfter = this.limiter.blockedFor(kiosk.subjectId);
    if (retryAfter > 0) {
      throw refused('rate_limited', 'too_many_attempts', `too many wrong booking codes at this kiosk; try again in ${retryAfter} s or take a walk-in ticket`, {
        retryAfterSeconds: retryAfter,
      });
    }
    if (!this.rules.enabled) throw refused('conflict', 'disabled', 'appointments are switched off in this branch');

    const today = this.today();
    const a = this.s.byCode.get(this.branch.id, today, req.code) as AppointmentRow | undefined;
    if (!a) {
      this.limiter.record(kiosk.subjectId);
      const other = this.s.otherDay.get({ branch_id: this.branch.id, code: req.code, today }) as { business_date: string } | undefined;
      if (other) throw refused('conflict', 'not_today', `that booking is for ${other.business_date}, not today`, { bookedFor: other.business_date });
      throw refused('not_found', 'not_found', 'no appointment with that code today');
    }
    if (a.status === 'cancelled') throw refused('conflict', 'cancelled', 'that appointment was cancelled');
    if (!canCheckIn(a.status)) {
      // Checked in already (another attempt, another kiosk): the ticket issued then.
      const ticket = this.s.ticketById.get(a.ticket_id) as TicketRow;
      return { response: this.answer('already_checked_in', a, this.issuedTicket(ticket)), created: false };
    }

    const now = this.now();
    const decision = checkInDecision(a.booked_at, now, this.rules);
    if (decision.kind === 'too_early') {
      throw refused('conflict', 'too_early', `check-in opens at ${localTime(decision.opensAt, this.tz)}`, {
        opensAt: new Date(decision.opensAt).toISOString(),
        opensTime: localTime(decision.opensAt, this.tz),
        bookedAt: new Date(a.booked_at).toISOString(),
        bookedTime: localTime(a.booked_at, this.tz),
      });
    }

    const status = decision.kind === 'on_time' ? 'checked_in' : 'late';
    // The customer of the appointment is treated as an identified walk-in (green channel, card,
    // offers): the issue path finds them by their phone number.
    const customer = a.customer_id !== null ? this.customers.getOrNull(a.customer_id) : null;
    // One transaction: the ticket (through the queue, which then tells the screens) and the appointment.
    const result = this.queue.issue(
      {
        serviceCode: a.service_code,
        requestId: req.requestId,
        ...(req.language ? { language: req.language } : {}),
        // A booking code is something the customer knows, like a typed number: staff check the person.
      },
      kiosk,
      { queuedAt: decision.queuedAt, appointmentId: a.id, ...(customer ? { customer: { id: customer.id, strength: 'typed' as const } } : {}) },
      (issued) => {
      const changed = this.s.checkIn.run({ status, ticket_id: issued.row.id, now, by: kiosk.subjectId, id: a.id }).changes;
      if (changed !== 1) throw conflict('appointment_changed', 'the appointment changed while checking in; try again');
      this.journal.event(this.branch.id, 'appointment.checked_in', {
        appointmentId: a.id,
        ticketId: issued.row.id,
        number: issued.row.number,
        outcome: decision.kind,
      });
      this.audit(kiosk, 'appointment.check_in', a, {
        code: a.code,
        number: issued.row.number,
        outcome: decision.kind,
        bookedAt: new Date(a.booked_at).toISOString(),
        ...(decision.kind === 'late' ? { minutesLate: decision.minutesLate } : {}),
      });
      },
    );

    const after = this.s.byId.get(a.id, this.branch.id) as AppointmentRow;
    return { response: this.answer(decision.kind, after, result.ticket), created: true };
  }

  /** A ticket as the kiosk shows it, with its place in line now. */
  private issuedTicket(t: TicketRow): IssuedTicket {
    return this.queue.tickets.issued(t);
  }

  private answer(outcome: CheckInResponse['outcome'], a: AppointmentRow, ticket: IssuedTicket): CheckInResponse {
    return {
      outcome,
      ticket,
      appointment: {
        bookedAt: new Date(a.booked_at).toISOString(),
        bookedTime: localTime(a.booked_at, this.tz),
        serviceCode: a.service_code,
        status: a.status === 'late' ? 'late' : 'checked_in',
        checkedInAt: new Date(a.checked_in_at ?? this.now()).toISOString(),
      },
    };
  }

  // ------------------------------------------------------------------ housekeeping

  /**
   * Bookings still `booked` after their late window become `missed` (journaled); bookings without
   * a ticket older than the retention period are deleted (those with one go with their ticket in
   * the daily purge). On a new business day the demo branch gets its appointments again.
   */
  sweep(): { missed: number; purged: number } {
    const now = this.now();
    const today = this.today();
    if (this.options.seedDemo && this.lastDay !== today) this.options.seedDemo(this.db, this.branch.id, now);
    const firstToday = this.lastDay !== today;
    this.lastDay = today;
    return this.db.transaction(() => {
      const missed = this.s.sweepMissed.all({ branch_id: this.branch.id, late_ms: this.rules.lateMinutes * 60_000, now }) as {
        id: number;
        business_date: string;
      }[];
      for (const m of missed) this.journal.event(this.branch.id, 'appointment.missed', { appointmentId: m.id, businessDate: m.business_date });
      const purged = firstToday ? this.s.purgeOld.run(this.branch.id, addDaysIso(today, -this.branch.rules.retentionDays)).changes : 0;
      return { missed: missed.length, purged };
    })();
  }

  private audit(who: Identity, action: AuditAction, a: AppointmentRow, detail: Record<string, unknown>): void {
    this.journal.auditBy(this.branch.id, who, action, `appointment:${a.id}`, { businessDate: a.business_date, ...detail });
  }
}
