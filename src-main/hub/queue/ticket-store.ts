/**
 * The ticket table and what is read from it: issuing a ticket (numbering, green-channel routing,
 * the offer decision, all in one transaction), claiming the next one at a counter (one atomic
 * statement), ending a visit, and the queue snapshots, places in line, forecast and phone tracking.
 * Written only through the queue's use cases (queue.ts) and an appointment check-in that issues
 * through them.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Branch } from '../branch';
import type { Db } from '../db/open';
import type { Identity } from '../auth/sessions';
import type { Journal } from '../journal';
import type { CustomerDirectory, CustomerRow } from '../visits/customer-directory';
import type {
  CalledTicket,
  CreateTicketRequestSchema,
  GreenChannelDecision,
  IssuedTicket,
  PublicQueueSnapshot,
  QueueSnapshot,
  RecentCall,
  TicketClass,
  TicketRoute,
  TicketStatus,
  TicketAppointment,
  TrackResponse,
  WaitingTicket,
  TicketIdentification,
  IdentityCheck,
} from '../../domain/contracts';
import { allows, effectiveStrength, strengthOf } from '../../domain/identification';
import { localTime } from '../../domain/appointments';
import { classFor, type PriorityReason } from '../../domain/queue';
import { isNear, pickNext, typicalServiceMinutes, type Candidate } from '../../domain/queue-policy';
import {
  counterFreeAt,
  forecastMinutes,
  forecastQueue,
  type QueueForecast,
  type ForecastCounter,
  type ForecastTicket,
  type TicketForecast,
} from '../../domain/queue-forecast';
import { CounterBoard } from './counter-board';
import { businessDate, formatTicketNumber, maxSequence } from '../../domain/ticket-number';
import { maskName } from '../../domain/masking';
import { newToken } from '../auth/secrets';
import { HubError, conflict, forbidden, invalid, notFound } from '../errors';

type CreateTicket = z.output<typeof CreateTicketRequestSchema>;

export interface TicketRow {
  id: string;
  branch_id: string;
  business_date: string;
  service_code: string;
  requested_service_code: string;
  seq: number;
  number: string;
  ticket_class: TicketClass;
  route: TicketRoute;
  vip: number;
  customer_id: number | null;
  language: string;
  request_id: string;
  device_id: string;
  track_token: string;
  status: TicketStatus;
  issued_at: number;
  called_at: number | null;
  counter_id: number | null;
  called_by: string | null;
  ended_at: number | null;
  priority_reason: PriorityReason | null;
  queued_at: number;
  target_counter_id: number | null;
  recall_count: number;
  transfer_count: number;
  parked_at: number | null;
  outcome: string | null;
  /** The appointment this ticket was issued for at check-in; null for a walk-in. */
  appointment_id: number | null;
  /** When the teller started serving (the customer reached the counter); null = not pressed. */
  serving_at: number | null;
  /** How the identity reached the kiosk (typed / read), null for a guest; kept when it matched nobody. */
  identification: 'typed' | 'read' | null;
  /** A member of staff checked the person: when, who, how. */
  id_confirmed_at: number | null;
  id_confirmed_by: string | null;
  id_check: IdentityCheck | null;
}

/** Where an appointment check-in places its ticket (appointments/appointments.ts); a walk-in passes nothing. */
export interface IssuePlacement {
  /** Queued at this instant instead of now: the booked time of an on-time appointment. */
  queuedAt?: number;
  appointmentId?: number;
  /** The customer is known already (an appointment booked for them): no identifier is looked up. */
  customer?: { id: number; strength: 'typed' | 'read' };
}

export interface IssueResult {
  /** The ticket as the kiosk shows it, with its place in line when first read. */
  readonly ticket: IssuedTicket;
  created: boolean;
  row: TicketRow;
  greenChannel: GreenChannelDecision | null;
  /** The identifier given belongs to several customers (a family's phone): nobody was picked. */
  sharedIdentifier: boolean;
}

/**
 * SQL for a ticket's class weight under the branch policy (bound parameters @w_*): green always
 * first, then the configured weights. Used for the place in line shown to customers.
 */
const RANK_SQL = (alias: string) =>
  `CASE ${alias}.ticket_class WHEN 'green' THEN 1e9 WHEN 'vip' THEN @w_vip WHEN 'priority' THEN @w_priority ELSE @w_normal END`;

/** The columns of a waiting ticket a staff snapshot shows (see `waitingTicket`). */
const WAITING_COLUMNS = [
  'id',
  'number',
  'service_code',
  'vip',
  'route',
  'ticket_class',
  'customer_id',
  'issued_at',
  'priority_reason',
  'appointment_id',
  'identification',
  'id_confirmed_at',
  'id_confirmed_by',
  'id_check',
  'target_counter_id',
] as const satisfies readonly (keyof TicketRow)[];
/** A waiting ticket in line order: the columns a staff line shows, and what orders the line (queued_at, rowid as seq). */
type WaitingRow = Pick<TicketRow, (typeof WAITING_COLUMNS)[number] | 'queued_at'> & { seq: number };

/** The waiting list as last read, kept in line order while only tickets are issued (see TicketStore.waitingNow). */
interface WaitingCache {
  offset: number;
  date: string;
  /** The class weights the order was read under. */
  weights: string;
  /** When the list was last read in full. */
  loadedAt: number;
  rows: WaitingRow[];
  /**
   * Each ticket's line with its estimate as last shown, by ticket id: the same object again while
   * the estimate holds, so a snapshot's diff against the one before sees it unchanged at a glance.
   */
  shown: Map<string, WaitingTicket>;
}

/** Tickets just issued remembered for the forecast (see TicketStore.issuedHere). */
const ISSUED_HINTS = 512;

/** Enough completed visits to trust the measured service times. */
const MIN_SERVICE_SAMPLES = 3;
/** Recent completed visits per service that the estimate looks at. */
const SERVICE_SAMPLES = 20;
/** The queue forecast's inputs are read again at least this often (visits run on, unjournaled changes). */
const FORECAST_TTL_MS = 15_000;
/** The waiting list is read in full at least this often (appointments run late, unjournaled changes). */
const WAITING_TTL_MS = 15_000;
/** At most this many tickets issued since the cached forecast are added to it without reading everything again. */
const ISSUED_BATCH = 64;

export class TicketStore {
  private readonly s;
  readonly counters: CounterBoard;

  constructor(
    private readonly db: Db,
    private readonly branch: Branch,
    private readonly customers: CustomerDirectory,
    private readonly journal: Journal,
    private readonly now: () => number,
    private readonly publicUrl: () => string,
  ) {
    this.counters = new CounterBoard(db, branch, now);
    this.s = {
      byRequest: db.prepare('SELECT * FROM ticket WHERE branch_id = ? AND request_id = ?'),
      byId: db.prepare('SELECT * FROM ticket WHERE id = ?'),
      byTrack: db.prepare('SELECT * FROM ticket WHERE track_token = ?'),
      nextSeq: db.prepare(
        `INSERT INTO ticket_sequence (branch_id, service_code, business_date, last_seq) VALUES (?, ?, ?, 1)
         ON CONFLICT (branch_id, service_code, business_date)
         DO UPDATE SET last_seq = CASE WHEN last_seq >= ? THEN 1 ELSE last_seq + 1 END
         RETURNING last_seq`,
      ),
      liveNumber: db.prepare(
        "SELECT 1 FROM ticket WHERE branch_id = ? AND business_date = ? AND number = ? AND status IN ('waiting', 'called') LIMIT 1",
      ),
      insert: db.prepare(
        `INSERT INTO ticket (id, branch_id, business_date, service_code, requested_service_code, seq, number,
           ticket_class, route, vip, customer_id, language, request_id, device_id, track_token, status, issued_at,
           priority_reason, queued_at, appointment_id, identification)
         VALUES (@id, @branch_id, @business_date, @service_code, @requested_service_code, @seq, @number,
           @ticket_class, @route, @vip, @customer_id, @language, @request_id, @device_id, @track_token, 'waiting', @issued_at,
           @priority_reason, @queued_at, @appointment_id, @identification)`,
      ),
      insertRouting: db.prepare(
        `INSERT INTO green_channel_routing (ticket_id, customer_id, rule, from_service_code, destination_service_code,
           destination_counter_id, decided_at, decided_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      routingOf: db.prepare(
        `SELECT g.*, t.number FROM green_channel_routing g JOIN ticket t ON t.id = g.ticket_id WHERE g.ticket_id = ?`,
      ),
      routingToday: db.prepare(
        `SELECT g.*, t.number FROM green_channel_routing g JOIN ticket t ON t.id = g.ticket_id
         WHERE t.branch_id = ? AND t.business_date = ? ORDER BY g.decided_at DESC, g.id DESC`,
      ),
      position: db.prepare(
        `SELECT COUNT(*) AS ahead FROM ticket o
         WHERE o.branch_id = @branch_id AND o.business_date = @business_date AND o.service_code = @service_code
           AND o.status = 'waiting' AND o.rowid <> @rowid
           AND (${RANK_SQL('o')} > @rank
             OR (${RANK_SQL('o')} = @rank AND (o.queued_at < @queued_at OR (o.queued_at = @queued_at AND o.rowid < @rowid))))`,
      ),
      rowidOf: db.prepare('SELECT rowid AS r FROM ticket WHERE id = ?'),
      serviceTimes: db.prepare(
        `SELECT ended_at - called_at AS ms FROM ticket
         WHERE branch_id = ? AND service_code = ? AND status = 'completed' AND called_at IS NOT NULL
         ORDER BY ended_at DESC LIMIT ${SERVICE_SAMPLES}`,
      ),
      // The queue forecast's inputs: every waiting ticket (rowid = issue order) and counter profiles.
      forecastWaiting: db.prepare(
        `SELECT id, service_code, ticket_class, queued_at, rowid AS seq, target_counter_id FROM ticket
         WHERE branch_id = ? AND business_date = ? AND status = 'waiting' ORDER BY queued_at, rowid`,
      ),
      forecastTicket: db.prepare(
        'SELECT id, service_code, ticket_class, queued_at, rowid AS seq, target_counter_id, status, business_date FROM ticket WHERE id = ?',
      ),
      eventsSince: db.prepare(`SELECT offset, type, payload_json FROM event_log WHERE branch_id = ? AND offset > ? ORDER BY offset LIMIT ${ISSUED_BATCH + 1}`),
      forecastBusy: db.prepare(
        `SELECT counter_id, service_code, called_at FROM ticket
         WHERE branch_id = ? AND business_date = ? AND status = 'called' AND parked_at IS NULL AND counter_id IS NOT NULL
         ORDER BY called_at`,
      ),
      // The head of every (service, class, transferred-to-this-counter) line this counter serves:
      // within one line the order is first come first served, so the policy only compares heads.
      candidates: db.prepare(
        `SELECT id, ticket_class, queued_at, seq, weight FROM (
           SELECT t.id, t.ticket_class, t.queued_at, t.rowid AS seq,
             CASE WHEN t.target_counter_id = @counter_id THEN @max_weight ELSE cs.weight END AS weight,
             ROW_NUMBER() OVER (PARTITION BY t.service_code, t.ticket_class, t.target_counter_id IS NOT NULL
                                ORDER BY t.queued_at, t.rowid) AS rn
           FROM ticket t
           LEFT JOIN counter_service cs ON cs.branch_id = t.branch_id AND cs.service_code = t.service_code AND cs.counter_id = @counter_id
           WHERE t.branch_id = @branch_id AND t.business_date = @business_date AND t.status = 'waiting'
             AND ((t.target_counter_id IS NULL AND cs.counter_id IS NOT NULL) OR t.target_counter_id = @counter_id))
         WHERE rn = 1`,
      ),
      recentClasses: db.prepare(
        `SELECT ticket_class FROM ticket WHERE branch_id = ? AND business_date = ? AND counter_id = ? AND called_at IS NOT NULL
         ORDER BY called_at DESC, rowid DESC LIMIT 60`,
      ),
      callRow: db.prepare(
        `UPDATE ticket SET status = 'called', counter_id = @counter_id, called_at = @now, called_by = @staff,
           recall_count = 0, parked_at = NULL
         WHERE rowid = @rowid AND status = 'waiting' RETURNING *`,
      ),
      callById: db.prepare(
        `UPDATE ticket SET status = 'called', counter_id = @counter_id, called_at = @now, called_by = @staff,
           recall_count = 0, parked_at = NULL
         WHERE id = @id AND branch_id = @branch_id AND business_date = @business_date AND status = 'waiting'
           AND (target_counter_id = @counter_id OR (target_counter_id IS NULL AND service_code IN
             (SELECT service_code FROM counter_service WHERE counter_id = @counter_id)))
         RETURNING *`,
      ),
      openAtCounter: db.prepare(
        `SELECT * FROM ticket WHERE branch_id = ? AND counter_id = ? AND status = 'called' AND parked_at IS NULL
         ORDER BY called_at DESC LIMIT 1`,
      ),
      end: db.prepare(
        `UPDATE ticket SET status = @status, ended_at = @now, outcome = @outcome
         WHERE id = @id AND status = 'called' AND parked_at IS NULL AND counter_id = @counter_id RETURNING *`,
      ),
      // Only the columns a staff screen's line needs: a snapshot of a few hundred waiting is read often.
      waiting: db.prepare(
        `SELECT ${WAITING_COLUMNS.map((c) => `t.${c}`).join(', ')}, t.queued_at, t.rowid AS seq FROM ticket t
         WHERE t.branch_id = @branch_id AND t.business_date = @business_date AND t.status = 'waiting'
         ORDER BY ${RANK_SQL('t')} DESC, t.queued_at, t.rowid`,
      ),
      // One ticket just issued, as the waiting list reads it (see waitingNow).
      waitingOne: db.prepare(
        `SELECT ${WAITING_COLUMNS.join(', ')}, queued_at, rowid AS seq, status, business_date FROM ticket WHERE id = ?`,
      ),
      waitingByService: db.prepare(
        `SELECT service_code, COUNT(*) AS n FROM ticket WHERE branch_id = ? AND business_date = ? AND status = 'waiting' GROUP BY service_code`,
      ),
      recentCalls: db.prepare(
        `SELECT * FROM ticket WHERE branch_id = ? AND business_date = ? AND called_at IS NOT NULL
         ORDER BY called_at DESC, rowid DESC LIMIT ?`,
      ),
      ofDay: db.prepare('SELECT * FROM ticket WHERE branch_id = ? AND business_date = ? ORDER BY issued_at, rowid'),
      live: db.prepare(
        `SELECT * FROM ticket WHERE branch_id = ? AND business_date = ? AND status IN ('waiting', 'called')
           AND customer_id IS NOT NULL ORDER BY issued_at`,
      ),
    };
  }

  today(): string {
    return businessDate(new Date(this.now()), this.branch.rules.timeZone);
  }

  // ------------------------------------------------------------------ issuing

  /** The ticket a kiosk request already made (a retry with the same requestId), or null. */
  byRequestId(requestId: string): TicketRow | null {
    return (this.s.byRequest.get(this.branch.id, requestId) as TicketRow | undefined) ?? null;
  }

  /** `knownNew`: the caller has just looked the requestId up (in the same transaction) and found nothing. */
  issue(req: CreateTicket, device: Identity, placement: IssuePlacement = {}, knownNew = false): IssueResult {
    const existing = knownNew ? null : this.byRequestId(req.requestId);
    if (existing) return this.result(existing, false, false);

    const requested = this.branch.serviceByCode.get(req.serviceCode);
    if (!requested) throw notFound('service_not_found', `service ${req.serviceCode} not found`, { serviceCode: req.serviceCode });
    if (requested.vipOnly) {
      throw invalid('vip_only_service', `serviceCode: ${req.serviceCode} is assigned by the green channel, not chosen`, { serviceCode: req.serviceCode });
    }

    // An identifier shared by several customers picks nobody: the ticket is not identified.
    const matched = placement.customer
      ? { customer: this.customers.getOrNull(placement.customer.id), shared: false }
      : req.identity
        ? this.customers.match(req.identity.kind, req.identity.value)
        : { customer: null, shared: false };
    const customer = matched.customer;
    // A typed number is not a customer: no green channel and no VIP class until staff check the
    // person (domain/identification.ts); the branch rules say which strengths are trusted.
    const entered = placement.customer ? placement.customer.strength : req.identity ? strengthOf(req.identity.method, req.identity.kind) : null;
    const trusted = customer !== null && allows(this.branch.rules.identification, 'greenChannel', entered);
    const rule = customer && trusted ? this.greenChannelRule(customer) : null;
    const gc = this.branch.rules.greenChannel;
    const service = rule ? this.branch.serviceByCode.get(gc.destinationServiceCode) ?? requested : requested;
    const vip = customer && trusted ? this.customers.vip(customer) : false;
    const route: TicketRoute = rule ? 'green_channel' : 'standard';

    const row = this.db.transaction((): TicketRow => {
      const now = this.now();
      const date = businessDate(new Date(now), this.branch.rules.timeZone);
      const width = this.branch.rules.ticketNumberWidth;
      const seq = this.freeSequence(service, date, width);
      const ticket: TicketRow = {
        id: randomUUID(),
        branch_id: this.branch.id,
        business_date: date,
        service_code: service.code,
        requested_service_code: requested.code,
        seq,
        number: formatTicketNumber(service.prefix, seq, width),
        ticket_class: classFor(route, vip, req.priority ?? null),
        route,
        vip: vip ? 1 : 0,
        customer_id: customer?.id ?? null,
        language: req.language ?? this.branch.defaultLanguage,
        request_id: req.requestId,
        device_id: device.subjectId,
        track_token: newToken(18),
        status: 'waiting',
        issued_at: now,
        called_at: null,
        counter_id: null,
        called_by: null,
        ended_at: null,
        priority_reason: req.priority ?? null,
        queued_at: placement.queuedAt ?? now,
        target_counter_id: null,
        recall_count: 0,
        transfer_count: 0,
        parked_at: null,
        outcome: null,
        appointment_id: placement.appointmentId ?? null,
        serving_at: null,
        identification: entered,
        id_confirmed_at: null,
        id_confirmed_by: null,
        id_check: null,
      };
      const { lastInsertRowid } = this.s.insert.run(ticket);
      this.justIssued(ticket, Number(lastInsertRowid));
      if (customer && rule) {
        this.s.insertRouting.run(ticket.id, customer.id, rule, requested.code, service.code, gc.destinationCounterId, now, device.subjectId);
        this.journal.audit({
          branchId: this.branch.id,
          actor: device.subjectId,
          role: device.role,
          device: device.subjectId,
          action: 'green_channel.route',
          subject: `ticket:${ticket.id}`,
          detail: { number: ticket.number, customer: `C${customer.id}`, rule, from: requested.code, to: service.code, counterId: gc.destinationCounterId },
        });
      }
      if (customer) this.customers.decide(ticket.id, customer, requested.code, date, now);
      this.journal.event(this.branch.id, 'ticket.issued', { ticketId: ticket.id, number: ticket.number, serviceCode: ticket.service_code });
      return ticket;
    })();
    return this.result(row, true, matched.shared);
  }

  /**
   * An issue's result. Its `ticket` (with the place in line) is worked out when first read, so that
   * a caller can read it after the commit: tickets issued together share one forecast.
   */
  private result(row: TicketRow, created: boolean, sharedIdentifier: boolean): IssueResult {
    let ticket: IssuedTicket | null = null;
    const issued = () => (ticket ??= this.issued(row));
    return {
      get ticket() {
        return issued();
      },
      created,
      row,
      // Only a ticket in the green channel has a routing decision.
      greenChannel: row.route === 'green_channel' ? this.routingFor(row.id) : null,
      sharedIdentifier,
    };
  }

  /** The rule that routes this customer into the green channel, or null. */
  greenChannelRule(c: CustomerRow): string | null {
    const gc = this.branch.rules.greenChannel;
    if (!gc.enabled) return null;
    if (gc.keyCustomers && c.key_customer === 1) return 'key_customer';
    if (gc.tiers.includes(c.tier)) return `tier_${c.tier}`;
    return null;
  }

  /** A ticket as the kiosk shows it, with its place in line now. */
  issued(t: TicketRow): IssuedTicket {
    const { position, estimate } = this.place(t);
    const service = this.branch.serviceByCode.get(t.service_code)!;
    return {
      id: t.id,
      number: t.number,
      serviceCode: t.service_code,
      requestedServiceCode: t.requested_service_code,
      serviceName: service.name,
      vip: t.vip === 1,
      route: t.route,
      position,
      peopleAhead: Math.max(position - 1, 0),
      estimatedWaitMinutes: estimate,
      trackUrl: `${this.publicUrl()}/t/${t.track_token}`,
      issuedAt: new Date(t.issued_at).toISOString(),
      identification: t.identification ?? 'none',
      // Only a card or ID the person holds may tell them they were recognised; a typed number never does.
      identified: t.identification === 'read' && t.customer_id !== null,
    };
  }

  /** How far staff can believe who an identified ticket's customer is; null for a guest. */
  identificationOf(t: Pick<TicketRow, 'customer_id' | 'identification' | 'id_confirmed_at' | 'id_confirmed_by' | 'id_check'>): TicketIdentification | null {
    if (t.customer_id === null) return null;
    const strength = effectiveStrength(t.identification ?? 'typed', t.id_confirmed_at)!;
    return {
      strength,
      confirmedAt: t.id_confirmed_at === null ? null : new Date(t.id_confirmed_at).toISOString(),
      confirmedBy: t.id_confirmed_by,
      check: t.id_check,
    };
  }

  /**
   * Place in line (1 = next) and estimated minutes, both from the queue forecast: the place is the
   * ticket's turn in the forecast's order of calls at every counter, so it never disagrees with the
   * estimate or with what "call next" will do. A ticket no open counter serves has no estimate (null)
   * and keeps its place among the tickets of its own service. 0 / 0 once the ticket is no longer waiting.
   */
  place(t: TicketRow): { position: number; estimate: number | null } {
    if (t.status !== 'waiting') return { position: 0, estimate: 0 };
    const f = this.forecastOf(t.id);
    if (f) return { position: f.order, estimate: forecastMinutes(f, this.now()) };
    return { position: this.placeInServiceNow(t), estimate: null };
  }

  /** Place among the waiting tickets of the ticket's own service, by class weight and arrival (no counters considered). */
  placeInService(t: TicketRow): number {
    this.forecast();
    return this.placeInServiceNow(t);
  }

  /** placeInService with the forecast's inputs as they are (current: `forecast()` was just asked). */
  private placeInServiceNow(t: TicketRow): number {
    // The forecast's inputs hold every ticket waiting today: counted there, in memory.
    const c = this.forecastCache;
    if (c && c.index.has(t.id)) {
      const weights = this.branch.rules.queue.policy.classWeights;
      const rankOf = (k: TicketClass) => (k === 'green' ? 1e9 : weights[k]);
      const rank = rankOf(t.ticket_class);
      const me = c.waiting[c.index.get(t.id)!]!;
      let ahead = 0;
      for (const o of c.waiting) {
        if (o.serviceCode !== t.service_code || o === me) continue;
        const r = rankOf(o.ticketClass);
        if (r > rank || (r === rank && (o.queuedAt < me.queuedAt || (o.queuedAt === me.queuedAt && o.seq < me.seq)))) ahead++;
      }
      return ahead + 1;
    }
    return this.placeInServiceByQuery(t);
  }

  private placeInServiceByQuery(t: TicketRow): number {
    const { r: rowid } = this.s.rowidOf.get(t.id) as { r: number };
    const { ahead } = this.s.position.get({
      branch_id: t.branch_id,
      business_date: t.business_date,
      service_code: t.service_code,
      rowid,
      rank: t.ticket_class === 'green' ? 1e9 : this.branch.rules.queue.policy.classWeights[t.ticket_class],
      queued_at: t.queued_at,
      ...this.weightParams(),
    }) as { ahead: number };
    return ahead + 1;
  }

  /**
   * The next number of a service today that no live ticket (waiting or called) holds: after the
   * sequence wraps (A999 → A001), numbers still held are skipped, so two customers never hold the
   * same number at once. Refused when every number is held.
   */
  private freeSequence(service: { code: string; prefix: string }, date: string, width: number): number {
    const max = maxSequence(width);
    for (let tries = 0; tries < max; tries++) {
      const { last_seq: seq } = this.s.nextSeq.get(this.branch.id, service.code, date, max) as { last_seq: number };
      if (!this.s.liveNumber.get(this.branch.id, date, formatTicketNumber(service.prefix, seq, width))) return seq;
    }
    throw conflict('no_free_number', `every number of service ${service.code} is held by a waiting or called ticket`, { serviceCode: service.code, max });
  }

  private weightParams() {
    const w = this.branch.rules.queue.policy.classWeights;
    return { w_vip: w.vip, w_priority: w.priority, w_normal: w.normal };
  }

  /**
   * Minutes until a waiting ticket is called, from the queue forecast (domain/queue-forecast.ts):
   * the open counters' future calls under the branch policy and profiles. Null when no open counter
   * serves the ticket, or it is not waiting today (unknown).
   */
  estimate(ticketId: string): number | null {
    return forecastMinutes(this.forecastOf(ticketId), this.now());
  }

  private forecastCache: ForecastCache | null = null;

  /** One ticket's forecast call; undefined when it is not waiting today. */
  forecastOf(ticketId: string): TicketForecast | null | undefined {
    const calls = this.forecast();
    const i = this.forecastCache?.index.get(ticketId);
    return i === undefined ? undefined : calls.at(i);
  }

  /** Drops the cached forecast: for code that changes tickets without journaling (the simulation). */
  invalidateForecast(): void {
    this.forecastCache = null;
    this.invalidateWaiting();
  }

  /**
   * Every waiting ticket's forecast call (time and counter), or null when no open counter serves
   * it. The kiosk, phone pages and snapshots ask often, so it is cached: reused while the journal has
   * not moved (every ticket, counter state and profile change journals an event); when only tickets
   * were issued since (a kiosk rush), the new tickets are added to the cached inputs; otherwise, on a
   * new business day or FORECAST_TTL_MS after the last full read (the visits at the counters run on),
   * the inputs are read again.
   */
  forecast(): QueueForecast {
    const now = this.now();
    const date = businessDate(new Date(now), this.branch.rules.timeZone);
    const offset = this.journal.latestOffset(this.branch.id);
    const cached = this.forecastCache;
    const fresh = cached !== null && cached.date === date && now >= cached.loadedAt && now - cached.loadedAt < FORECAST_TTL_MS;
    if (fresh && cached.offset === offset && cached.calls) return cached.calls;
    const c = fresh && this.addIssued(cached, offset, date) ? cached : this.readForecastInputs(date, now);
    const { policy, defaultServiceMinutes } = this.branch.rules.queue;
    const counters = c.counters.map<ForecastCounter>(({ busy, ...k }) => ({ ...k, freeAt: counterFreeAt(now, busy) }));
    c.calls = forecastQueue({ now, policy, waiting: c.waiting, counters, serviceMinutes: c.serviceMinutes, defaultServiceMinutes });
    c.offset = offset;
    this.forecastCache = c;
    return c.calls;
  }

  /**
   * Tickets this store just wrote, as the forecast reads them: `addIssued` takes them from here
   * instead of reading each back. Only ever read for a ticket whose `ticket.issued` event is in the
   * journal (so its write committed), and only while nothing but issues happened since, so they are
   * as written; an entry of a rolled-back write is never asked for and goes with the next clear.
   */
  private readonly issuedHere = new Map<string, ForecastRow & { status: TicketStatus; business_date: string }>();

  private justIssued(t: TicketRow, rowid: number): void {
    if (this.issuedHere.size >= ISSUED_HINTS) this.issuedHere.clear();
    this.issuedHere.set(t.id, {
      id: t.id,
      service_code: t.service_code,
      ticket_class: t.ticket_class,
      queued_at: t.queued_at,
      seq: rowid,
      target_counter_id: t.target_counter_id,
      status: t.status,
      business_date: t.business_date,
    });
  }

  /**
   * The tickets issued between two journal offsets, in order, when that is all that happened (at
   * most ISSUED_BATCH events); null when anything else did, or the journal went back. What the
   * cached forecast and waiting list add to themselves instead of reading everything again.
   */
  private issuedBetween(from: number, to: number): string[] | null {
    if (to < from) return null;
    const events = this.s.eventsSince.all(this.branch.id, from) as { offset: number; type: string; payload_json: string }[];
    if (events.length === 0 || events.length > ISSUED_BATCH || events[events.length - 1]!.offset !== to) return null;
    const ids: string[] = [];
    for (const e of events) {
      if (e.type !== 'ticket.issued') return null;
      const id = (JSON.parse(e.payload_json) as { ticketId?: unknown }).ticketId;
      if (typeof id !== 'string') return null;
      ids.push(id);
    }
    return ids;
  }

  /** Adds the tickets issued since the cached forecast; false when anything else happened since. */
  private addIssued(c: ForecastCache, offset: number, date: string): boolean {
    const ids = this.issuedBetween(c.offset, offset);
    if (!ids) return false;
    const added: ForecastTicket[] = [];
    for (const id of ids) {
      const hinted = this.issuedHere.get(id);
      if (hinted) this.issuedHere.delete(hinted.id);
      const r = hinted ?? (this.s.forecastTicket.get(id) as (ForecastRow & { status: TicketStatus; business_date: string }) | undefined);
      if (!r) return false;
      if (r.status === 'waiting' && r.business_date === date) added.push(forecastTicket(r));
    }
    for (const t of added) c.index.set(t.id, c.waiting.push(t) - 1);
    return true;
  }

  /** The forecast's inputs, read from the database. */
  private readForecastInputs(date: string, now: number): ForecastCache {
    const { policy, defaultServiceMinutes } = this.branch.rules.queue;
    // Typical minutes per service: the median of its recent visits (called -> ended: the time the counter is taken).
    const serviceMinutes: Record<string, number> = {};
    for (const s of this.branch.services) {
      const samples = (this.s.serviceTimes.all(this.branch.id, s.code) as { ms: number }[]).map((r) => r.ms);
      serviceMinutes[s.code] = typicalServiceMinutes(samples, defaultServiceMinutes, MIN_SERVICE_SAMPLES);
    }
    // The visit open at each counter (the latest call wins); one called on an earlier day frees it now anyway.
    const busy = new Map<number, { calledAt: number; serviceMinutes: number }>();
    for (const b of this.s.forecastBusy.all(this.branch.id, date) as { counter_id: number; service_code: string; called_at: number }[]) {
      busy.set(b.counter_id, { calledAt: b.called_at, serviceMinutes: serviceMinutes[b.service_code] ?? defaultServiceMinutes });
    }
    const counters = this.counters.list(() => null).map((c) => ({
      id: c.counterId,
      state: c.state,
      weights: Object.fromEntries(c.services.map((p) => [p.code, p.weight])),
      busy: busy.get(c.counterId) ?? null,
      recentClasses:
        c.state === 'open' && policy.kind === 'interleave'
          ? (this.s.recentClasses.all(this.branch.id, date, c.counterId) as { ticket_class: TicketClass }[]).map((r) => r.ticket_class)
          : [],
    }));
    const waiting = (this.s.forecastWaiting.all(this.branch.id, date) as ForecastRow[]).map(forecastTicket);
    const index = new Map(waiting.map((t, i) => [t.id, i]));
    return { offset: 0, date, loadedAt: now, calls: null, waiting, index, counters, serviceMinutes };
  }

  // ------------------------------------------------------------------ counters

  private checkCounter(counterId: number, teller: Identity): void {
    if (!this.branch.counterById.has(counterId)) throw notFound('counter_not_found', `counter ${counterId} not found`, { counterId });
    if (teller.counterId !== counterId) {
      throw forbidden('other_counter', `you are signed in at counter ${teller.counterId}, not ${counterId}`, { counterId: teller.counterId });
    }
  }

  /**
   * Refuses a call at a counter that is not open or still has a ticket open. Call inside the
   * transaction that makes the call.
   */
  checkReadyToCall(counterId: number): void {
    const state = this.counters.state(counterId);
    if (state !== 'open') throw conflict('counter_not_open', `counter ${counterId} is ${state}: open it first`, { counterId, state });
    const open = this.s.openAtCounter.get(this.branch.id, counterId) as TicketRow | undefined;
    if (open) {
      throw conflict('counter_busy', `ticket ${open.number} is still open at counter ${counterId}: complete, park or transfer it, or mark it no-show first`, {
        number: open.number,
        counterId,
      });
    }
  }

  /**
   * Calls the next ticket for a counter under the branch's policy, or returns null when nobody
   * waits for its services. Selecting and claiming happen in one transaction on the hub's one
   * connection, and the claim re-checks `status = 'waiting'`: two tellers never get one ticket.
   */
  callNext(counterId: number, teller: Identity): TicketRow | null {
    this.checkCounter(counterId, teller);
    return this.db.transaction(() => {
      this.checkReadyToCall(counterId);
      const now = this.now();
      const date = businessDate(new Date(now), this.branch.rules.timeZone);
      const heads = (
        this.s.candidates.all({
          counter_id: counterId,
          max_weight: this.counters.maxWeight(counterId),
          branch_id: this.branch.id,
          business_date: date,
        }) as { id: string; ticket_class: TicketClass; queued_at: number; seq: number; weight: number }[]
      ).map<Candidate>((r) => ({ id: r.id, ticketClass: r.ticket_class, queuedAt: r.queued_at, seq: r.seq, counterWeight: r.weight }));
      const recentClasses = (this.s.recentClasses.all(this.branch.id, date, counterId) as { ticket_class: TicketClass }[]).map(
        (r) => r.ticket_class,
      );
      const chosen = pickNext(heads, this.branch.rules.queue.policy, { now, recentClasses });
      if (!chosen) return null;
      const row = this.s.callRow.get({ counter_id: counterId, now, staff: teller.subjectId, rowid: chosen.seq }) as TicketRow | undefined;
      if (!row) throw new HubError('internal', 'the chosen ticket was not waiting any more');
      this.journal.event(this.branch.id, 'ticket.called', { ticketId: row.id, number: row.number, counterId, calledAt: new Date(now).toISOString() });
      return row;
    })();
  }

  /** Calls one waiting ticket by id (a service this counter serves, or transferred to it). */
  callTicket(counterId: number, ticketId: string, teller: Identity): TicketRow {
    this.checkCounter(counterId, teller);
    return this.db.transaction(() => {
      this.checkReadyToCall(counterId);
      const now = this.now();
      const row = this.s.callById.get({
        id: ticketId,
        counter_id: counterId,
        now,
        staff: teller.subjectId,
        branch_id: this.branch.id,
        business_date: businessDate(new Date(now), this.branch.rules.timeZone),
      }) as TicketRow | undefined;
      if (!row) {
        const t = this.s.byId.get(ticketId) as TicketRow | undefined;
        if (!t || t.branch_id !== teller.branchId) throw notFound('ticket_not_found', 'ticket not found');
        if (t.status !== 'waiting') throw conflict('not_waiting', `ticket ${t.number} is ${t.status}, not waiting`, { number: t.number, status: t.status });
        throw conflict('not_for_counter', `ticket ${t.number} is not for a service counter ${counterId} serves`, { number: t.number, counterId });
      }
      this.journal.event(this.branch.id, 'ticket.called', { ticketId: row.id, number: row.number, counterId, calledAt: new Date(now).toISOString() });
      return row;
    })();
  }

  current(counterId: number, teller: Identity): TicketRow | null {
    this.checkCounter(counterId, teller);
    return this.openAt(counterId);
  }

  /** The ticket open (called, not parked) at a counter. */
  openAt(counterId: number): TicketRow | null {
    return (this.s.openAtCounter.get(this.branch.id, counterId) as TicketRow | undefined) ?? null;
  }

  /** Completes a called ticket (with an optional outcome code) or marks it no-show; only the counter that called it may. */
  end(ticketId: string, status: 'completed' | 'no_show', teller: Identity, outcome: string | null = null): TicketRow {
    return this.db.transaction(() => {
      const row = this.s.end.get({ status, now: this.now(), id: ticketId, counter_id: teller.counterId, outcome }) as TicketRow | undefined;
      if (!row) {
        const t = this.s.byId.get(ticketId) as TicketRow | undefined;
        if (!t || t.branch_id !== teller.branchId) throw notFound('ticket_not_found', 'ticket not found');
        if (t.parked_at !== null) throw conflict('ticket_parked', `ticket ${t.number} is parked: resume it first`, { number: t.number });
        throw conflict('not_called_here', `ticket ${t.number} is ${t.status}${t.counter_id ? ` at counter ${t.counter_id}` : ''}, not called at your counter`, {
          number: t.number,
          status: t.status,
        });
      }
      this.journal.event(this.branch.id, `ticket.${status}`, { ticketId: row.id, number: row.number, counterId: row.counter_id, ...(outcome ? { outcome } : {}) });
      this.visitEnded(row, row.ended_at ?? this.now());
      return row;
    })();
  }

  /**
   * What every path that ends a visit (complete, no-show, recall -> no-show) must do, in the same
   * transaction as the status change: the offers left unanswered get a no_response at once and the
   * decision is closed. The daily sweep only catches visits that lapsed without an end.
   */
  visitEnded(row: TicketRow, at: number): void {
    if (row.customer_id !== null) this.customers.closeDecision(row.id, at);
  }

  called(t: TicketRow): CalledTicket {
    const service = this.branch.serviceByCode.get(t.service_code)!;
    const base: CalledTicket = {
      id: t.id,
      number: t.number,
      serviceCode: t.service_code,
      serviceName: service.name,
      vip: t.vip === 1,
      route: t.route,
      ticketClass: t.ticket_class,
      counterId: t.counter_id!,
      status: t.status,
      issuedAt: new Date(t.issued_at).toISOString(),
      calledAt: new Date(t.called_at ?? t.issued_at).toISOString(),
      waitedSeconds: Math.round(((t.called_at ?? this.now()) - t.issued_at) / 1000),
      parked: t.parked_at !== null,
      recallCount: t.recall_count,
      ...(t.priority_reason ? { priorityReason: t.priority_reason } : {}),
      ...this.appointmentOf(t),
      ...(t.serving_at !== null ? { servingAt: new Date(t.serving_at).toISOString() } : {}),
    };
    if (t.customer_id === null) return base;
    const c = this.customers.get(t.customer_id);
    return {
      ...base,
      tier: c.tier,
      stars: c.stars,
      keyCustomer: c.key_customer === 1,
      customerName: maskName(c.name),
      identification: this.identificationOf(t)!,
    };
  }

  get(ticketId: string): TicketRow | null {
    return (this.s.byId.get(ticketId) as TicketRow | undefined) ?? null;
  }

  // ------------------------------------------------------------------ views

  /** The ticket behind a tracking token, or null. */
  byTrackToken(token: string): TicketRow | null {
    return (this.s.byTrack.get(token) as TicketRow | undefined) ?? null;
  }

  track(token: string): TrackResponse {
    const t = this.s.byTrack.get(token) as TicketRow | undefined;
    if (!t) throw notFound('ticket_not_found', 'ticket not found');
    const { position, estimate } = this.place(t);
    const counter = t.counter_id ? this.branch.counterById.get(t.counter_id) ?? null : null;
    return {
      number: t.number,
      status: t.status,
      serviceCode: t.service_code,
      serviceName: this.branch.serviceByCode.get(t.service_code)!.name,
      position,
      estimatedWaitMinutes: estimate,
      counterId: t.counter_id,
      counterName: counter?.name ?? null,
      branchName: this.branch.name,
      // An unknown estimate (no open counter serves the ticket) is near by position only.
      near: t.status === 'waiting' && isNear(position, estimate ?? Number.POSITIVE_INFINITY, this.branch.rules.queue.near),
    };
  }

  staffSnapshot(offset: number): QueueSnapshot {
    const now = this.now();
    const date = this.today();
    const { rows: waiting, shown } = this.waitingNow(offset, date, now);
    // One forecast for the whole snapshot (forecastOf asks whether it is current each time).
    const calls = this.forecast();
    const index = this.forecastCache?.index;
    const tickets: WaitingTicket[] = [];
    // Per service, in one pass: how many, the earliest issued, the longest forecast (until the last
    // one waiting now is called; null when none of them is served).
    const perService = new Map<string, { waiting: number; firstIssuedAt: number; longest: number | null }>();
    for (const w of waiting) {
      const i = index?.get(w.id);
      const estimate = forecastMinutes(i === undefined ? undefined : calls.at(i), now);
      const before = shown.get(w.id);
      if (before !== undefined && before.estimatedWaitMinutes === estimate) tickets.push(before);
      else {
        const t: WaitingTicket = { ...(before ?? this.waitingLine(w)), estimatedWaitMinutes: estimate };
        shown.set(w.id, t);
        tickets.push(t);
      }
      const s = perService.get(w.service_code);
      if (!s) perService.set(w.service_code, { waiting: 1, firstIssuedAt: w.issued_at, longest: estimate });
      else {
        s.waiting++;
        if (w.issued_at < s.firstIssuedAt) s.firstIssuedAt = w.issued_at;
        if (estimate !== null && (s.longest === null || estimate > s.longest)) s.longest = estimate;
      }
    }
    const services = this.branch.services.map((s) => {
      const mine = perService.get(s.code);
      return {
        code: s.code,
        name: s.name,
        waiting: mine?.waiting ?? 0,
        longestWaitSeconds: mine ? Math.round((now - mine.firstIssuedAt) / 1000) : 0,
        estimatedWaitMinutes: mine ? mine.longest : 0,
      };
    });
    return {
      audience: 'staff',
      offset,
      at: new Date(now).toISOString(),
      businessDate: date,
      services,
      waiting: tickets,
      recentCalls: (this.s.recentCalls.all(this.branch.id, date, 10) as TicketRow[]).map<RecentCall>((t) => ({
        ticketId: t.id,
        number: t.number,
        serviceCode: t.service_code,
        counterId: t.counter_id!,
        status: t.status,
        vip: t.vip === 1,
        calledAt: new Date(t.called_at!).toISOString(),
      })),
    };
  }

  /** A waiting ticket's staff line without its estimate. */
  private waitingLine(w: WaitingRow): Omit<WaitingTicket, 'estimatedWaitMinutes'> {
    return { ...this.waitingTicket(w), ...(w.target_counter_id !== null ? { targetCounterId: w.target_counter_id } : {}) };
  }

  private waitingCache: WaitingCache | null = null;

  /** Drops the cached waiting list (see invalidateForecast). */
  private invalidateWaiting(): void {
    this.waitingCache = null;
  }

  /**
   * Today's waiting tickets in line order with their staff lines. Read in full, then kept: the
   * same while the journal has not moved, and while only tickets were issued since (a card pushed
   * for each ticket of a rush), each new one is read by its id and put in its place in line;
   * anything else, a new day, other class weights, or WAITING_TTL_MS after the full read, and the
   * list is read again. Inside a transaction the list is read and not kept (a rollback would take
   * back what it saw).
   */
  private waitingNow(offset: number, date: string, now: number): Pick<WaitingCache, 'rows' | 'shown'> {
    const w = this.weightParams();
    const weights = `${w.w_vip}/${w.w_priority}/${w.w_normal}`;
    const c = this.waitingCache;
    const usable = c !== null && c.date === date && c.weights === weights && now >= c.loadedAt && now - c.loadedAt < WAITING_TTL_MS;
    if (usable && !this.db.inTransaction && (c.offset === offset || this.addIssuedWaiting(c, offset, date))) return c;
    const rows = this.s.waiting.all({ branch_id: this.branch.id, business_date: date, ...w }) as WaitingRow[];
    const fresh: WaitingCache = { offset, date, weights, loadedAt: now, rows, shown: new Map() };
    this.waitingCache = this.db.inTransaction ? null : fresh;
    return fresh;
  }

  /** Puts the tickets issued since the cached list in their places; false when anything else happened since. */
  private addIssuedWaiting(c: WaitingCache, offset: number, date: string): boolean {
    const ids = this.issuedBetween(c.offset, offset);
    if (!ids) return false;
    const added: WaitingRow[] = [];
    for (const id of ids) {
      const r = this.s.waitingOne.get(id) as (WaitingRow & { status: TicketStatus; business_date: string }) | undefined;
      if (!r) return false;
      if (r.status === 'waiting' && r.business_date === date) {
        const { status: _status, business_date: _date, ...row } = r;
        added.push(row);
      }
    }
    // The waiting statement's order: rank (highest first), then queued, then issued (rowid).
    const weights = this.branch.rules.queue.policy.classWeights;
    const rank = (t: WaitingRow) => (t.ticket_class === 'green' ? 1e9 : weights[t.ticket_class]);
    const before = (a: WaitingRow, b: WaitingRow) => rank(a) > rank(b) || (rank(a) === rank(b) && (a.queued_at < b.queued_at || (a.queued_at === b.queued_at && a.seq < b.seq)));
    for (const t of added) {
      // The first place whose ticket does not go before the new one (binary search: the list is in order).
      let lo = 0;
      let hi = c.rows.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (before(c.rows[mid]!, t)) lo = mid + 1;
        else hi = mid;
      }
      c.rows.splice(lo, 0, t);
    }
    c.offset = offset;
    return true;
  }

  /** A waiting ticket as staff see it (the snapshot's list, a transfer's answer), without its target counter and estimate. */
  waitingTicket(w: WaitingRow): Omit<WaitingTicket, 'targetCounterId' | 'estimatedWaitMinutes'> {
    return {
      id: w.id,
      number: w.number,
      serviceCode: w.service_code,
      vip: w.vip === 1,
      route: w.route,
      ticketClass: w.ticket_class,
      identified: w.customer_id !== null,
      issuedAt: new Date(w.issued_at).toISOString(),
      ...(w.priority_reason ? { priorityReason: w.priority_reason } : {}),
      ...this.appointmentOf(w),
      ...(w.customer_id !== null ? { identification: this.identificationOf(w)!.strength } : {}),
    };
  }

  publicSnapshot(offset: number): PublicQueueSnapshot {
    const date = this.today();
    const counts = new Map((this.s.waitingByService.all(this.branch.id, date) as { service_code: string; n: number }[]).map((r) => [r.service_code, r.n]));
    return {
      audience: 'public',
      offset,
      at: new Date(this.now()).toISOString(),
      recentCalls: (this.s.recentCalls.all(this.branch.id, date, 8) as TicketRow[]).map((t) => ({
        number: t.number,
        counterId: t.counter_id!,
        calledAt: new Date(t.called_at!).toISOString(),
      })),
      waitingByService: this.branch.services
        .filter((s) => !s.vipOnly)
        .map((s) => ({ code: s.code, waiting: counts.get(s.code) ?? 0 })),
    };
  }

  /** Every ticket of a business day (default today), in issue order: the measures read them. */
  ticketsOfDay(date: string = this.today()): TicketRow[] {
    return this.s.ofDay.all(this.branch.id, date) as TicketRow[];
  }

  /** Tickets of identified customers who are in the branch now (waiting or at a counter). */
  liveIdentified(): TicketRow[] {
    return this.s.live.all(this.branch.id, this.today()) as TicketRow[];
  }

  routingFor(ticketId: string): GreenChannelDecision | null {
    const r = this.s.routingOf.get(ticketId) as RoutingRow | undefined;
    return r ? toDecision(r) : null;
  }

  greenChannelToday(): GreenChannelDecision[] {
    return (this.s.routingToday.all(this.branch.id, this.today()) as RoutingRow[]).map(toDecision);
  }

  // ------------------------------------------------------------------ appointments

  private appointmentStmt: ReturnType<Db['prepare']> | null = null;

  /** Staff see "appointment 10:30" on a ticket issued at an appointment check-in (and whether it came late); so does its paper ticket. */
  appointmentOf(t: Pick<TicketRow, 'appointment_id'>): { appointment?: TicketAppointment } {
    if (t.appointment_id == null) return {};
    this.appointmentStmt ??= this.db.prepare('SELECT booked_at, status FROM appointment WHERE id = ?');
    const a = this.appointmentStmt.get(t.appointment_id) as { booked_at: number; status: string } | undefined;
    if (!a) return {};
    return {
      appointment: { bookedAt: new Date(a.booked_at).toISOString(), bookedTime: localTime(a.booked_at, this.branch.rules.timeZone), late: a.status === 'late' },
    };
  }
}

/** A waiting ticket as the queue forecast reads it (rowid = issue order). */
interface ForecastRow {
  id: string;
  service_code: string;
  ticket_class: TicketClass;
  queued_at: number;
  seq: number;
  target_counter_id: number | null;
}

function forecastTicket(r: ForecastRow): ForecastTicket {
  return { id: r.id, serviceCode: r.service_code, ticketClass: r.ticket_class, queuedAt: r.queued_at, seq: r.seq, targetCounterId: r.target_counter_id };
}

/** The cached forecast and the inputs it was made from (counters with their open visit, not yet a free time). */
interface ForecastCache {
  offset: number;
  date: string;
  /** When the inputs were last read in full. */
  loadedAt: number;
  calls: QueueForecast | null;
  waiting: ForecastTicket[];
  /** Ticket id -> its position in `waiting` (and so in `calls`). */
  index: Map<string, number>;
  counters: (Omit<ForecastCounter, 'freeAt'> & { busy: { calledAt: number; serviceMinutes: number } | null })[];
  serviceMinutes: Record<string, number>;
}

interface RoutingRow {
  id: number;
  ticket_id: string;
  number: string;
  rule: string;
  from_service_code: string;
  destination_service_code: string;
  destination_counter_id: number | null;
  decided_at: number;
  decided_by: string;
  reason: string | null;
}

function toDecision(r: RoutingRow): GreenChannelDecision {
  return {
    id: r.id,
    ticketId: r.ticket_id,
    number: r.number,
    rule: r.rule,
    fromServiceCode: r.from_service_code,
    destinationServiceCode: r.destination_service_code,
    destinationCounterId: r.destination_counter_id,
    decidedAt: new Date(r.decided_at).toISOString(),
    decidedBy: r.decided_by,
    ...(r.reason ? { reason: r.reason } : {}),
  };
}
