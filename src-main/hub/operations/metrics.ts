/**
 * The hub's Prometheus metrics (prom-client). Nothing on the hot path of a ticket does more than
 * increment a number: the queue's counters and histograms are read from the event log at scrape
 * time (every event since the previous scrape, joined to its ticket), the gauges from the tables
 * and the socket server. Labels are bounded: service codes, ticket classes, roles, route patterns,
 * error codes, device kinds. docs/OPERATIONS.md lists every metric.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from '../db/open';
import { businessDate } from '../../domain/ticket-number';

export interface MetricsSources {
  db: Db;
  branchId: string;
  timeZone(): string;
  now(): number;
  /** Open socket.io connections by role (phone pages as "phone"). */
  socketsByRole(): Record<string, number>;
  /** Devices online / offline by kind, and printers by status. */
  fleet(): { online: Record<string, number>; offline: Record<string, number>; printers: Record<string, number> };
  /** The outbox to head office (null: no head office configured). */
  outbox(): { lag: Record<string, number>; lastOkAt: string | null } | null;
}

const WAIT_BUCKETS = [60, 300, 600, 900, 1200, 1800, 3600];
const SERVICE_BUCKETS = [60, 180, 300, 600, 1200, 2400];
const PUSH_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface EventRow {
  offset: number;
  type: string;
  service_code: string | null;
  ticket_class: string | null;
  issued_at: number | null;
  called_at: number | null;
  ended_at: number | null;
}

export class HubMetrics {
  readonly registry = new Registry();
  private lastOffset: number;
  private readonly issued: Counter<'service' | 'class'>;
  private readonly called: Counter<'service' | 'class'>;
  private readonly noShow: Counter<'service' | 'class'>;
  private readonly waits: Histogram<'service'>;
  private readonly serviceTimes: Histogram<'service'>;
  private readonly cardPush: Histogram;
  private readonly http: Histogram<'method' | 'route' | 'status'>;
  private readonly errors: Counter<'code'>;
  private readonly alerts: Counter<'kind'>;
  private readonly eventsSince;
  private readonly waiting;
  private readonly importRunning;

  constructor(private readonly s: MetricsSources) {
    const r = this.registry;
    collectDefaultMetrics({ register: r });
    this.lastOffset = (s.db.prepare('SELECT COALESCE(MAX(offset), 0) FROM event_log WHERE branch_id = ?').pluck().get(s.branchId) as number) ?? 0;
    this.eventsSince = s.db.prepare(
      `SELECT e.offset, e.type, t.service_code, t.ticket_class, t.issued_at, t.called_at, t.ended_at
         FROM event_log e LEFT JOIN ticket t ON t.id = json_extract(e.payload_json, '$.ticketId')
        WHERE e.branch_id = ? AND e.offset > ? AND e.type IN ('ticket.issued', 'ticket.called', 'ticket.no_show', 'ticket.completed')
        ORDER BY e.offset`,
    );
    this.waiting = s.db.prepare(
      `SELECT service_code, count(*) AS n, MIN(issued_at) AS oldest FROM ticket
        WHERE branch_id = ? AND business_date = ? AND status = 'waiting' GROUP BY service_code`,
    );
    this.importRunning = s.db.prepare(`SELECT feed_id, rows_read, rejected, progress_json FROM feed_run WHERE branch_id = ? AND status = 'running' ORDER BY id DESC LIMIT 1`);

    const labels = ['service', 'class'] as const;
    this.issued = new Counter({ name: 'lobby_tickets_issued_total', help: 'Tickets issued, by service and ticket class', labelNames: labels, registers: [r] });
    this.called = new Counter({ name: 'lobby_tickets_called_total', help: 'Tickets called to a counter (first call and calls after a transfer), by service and class', labelNames: labels, registers: [r] });
    this.noShow = new Counter({ name: 'lobby_tickets_no_show_total', help: 'Tickets that did not come when called, by service and class', labelNames: labels, registers: [r] });
    this.waits = new Histogram({ name: 'lobby_ticket_wait_seconds', help: 'From issue to call', labelNames: ['service'], buckets: WAIT_BUCKETS, registers: [r] });
    this.serviceTimes = new Histogram({ name: 'lobby_service_seconds', help: 'From call to the end of service', labelNames: ['service'], buckets: SERVICE_BUCKETS, registers: [r] });
    this.cardPush = new Histogram({ name: 'lobby_card_push_seconds', help: 'From the ticket issued to its customer card sent to the managers', buckets: PUSH_BUCKETS, registers: [r] });
    this.http = new Histogram({ name: 'lobby_http_request_duration_seconds', help: 'HTTP answers by route pattern and status', labelNames: ['method', 'route', 'status'], buckets: HTTP_BUCKETS, registers: [r] });
    this.errors = new Counter({ name: 'lobby_http_errors_total', help: 'Refusals and errors answered, by error code', labelNames: ['code'], registers: [r] });
    this.alerts = new Counter({ name: 'lobby_device_alerts_total', help: 'Fleet alerts raised to the lobby managers (printer out of paper, device silent)', labelNames: ['kind'], registers: [r] });

    const self = this;
    new Gauge({
      name: 'lobby_waiting_now',
      help: 'Tickets waiting now, by service',
      labelNames: ['service'],
      registers: [r],
      collect() {
        this.reset();
        for (const w of self.waitingNow()) this.set({ service: w.service_code }, w.n);
      },
    });
    new Gauge({
      name: 'lobby_longest_wait_seconds',
      help: 'How long the longest-waiting ticket has waited, by service',
      labelNames: ['service'],
      registers: [r],
      collect() {
        this.reset();
        const now = s.now();
        for (const w of self.waitingNow()) this.set({ service: w.service_code }, Math.max(0, Math.round((now - w.oldest) / 1000)));
      },
    });
    new Gauge({
      name: 'lobby_socket_connections',
      help: 'Live socket.io connections by role',
      labelNames: ['role'],
      registers: [r],
      collect() {
        this.reset();
        for (const [role, n] of Object.entries(s.socketsByRole())) this.set({ role }, n);
      },
    });
    new Gauge({
      name: 'lobby_feed_import_rows',
      help: 'Rows read by the warehouse feed import running now (0 when none runs)',
      registers: [r],
      collect() {
        const run = self.importRunning.get(s.branchId) as { rows_read: number } | undefined;
        this.set(run?.rows_read ?? 0);
      },
    });
    new Gauge({
      name: 'lobby_feed_import_running',
      help: '1 while a warehouse feed import runs',
      registers: [r],
      collect() {
        this.set(self.importRunning.get(s.branchId) ? 1 : 0);
      },
    });
    new Gauge({
      name: 'lobby_devices',
      help: 'Paired kiosks and displays by kind and state (online / offline)',
      labelNames: ['kind', 'state'],
      registers: [r],
      collect() {
        this.reset();
        const f = s.fleet();
        for (const [kind, n] of Object.entries(f.online)) this.set({ kind, state: 'online' }, n);
        for (const [kind, n] of Object.entries(f.offline)) this.set({ kind, state: 'offline' }, n);
      },
    });
    new Gauge({
      name: 'lobby_head_office_outbox_lag',
      help: 'Journal entries head office has not acknowledged yet, by stream (absent without a head office)',
      labelNames: ['stream'],
      registers: [r],
      collect() {
        this.reset();
        const o = s.outbox();
        if (o) for (const [stream, n] of Object.entries(o.lag)) this.set({ stream }, n);
      },
    });
    new Gauge({
      name: 'lobby_printers',
      help: 'Kiosk printers by the status their kiosk reported',
      labelNames: ['status'],
      registers: [r],
      collect() {
        this.reset();
        for (const [status, n] of Object.entries(s.fleet().printers)) this.set({ status }, n);
      },
    });
  }

  private waitingNow(): { service_code: string; n: number; oldest: number }[] {
    const date = businessDate(new Date(this.s.now()), this.s.timeZone());
    return this.waiting.all(this.s.branchId, date) as { service_code: string; n: number; oldest: number }[];
  }

  /** Folds every queue event since the last scrape into the counters and histograms. */
  private readEvents(): void {
    const rows = this.eventsSince.all(this.s.branchId, this.lastOffset) as EventRow[];
    for (const e of rows) {
      this.lastOffset = e.offset;
      if (!e.service_code) continue;
      const l = { service: e.service_code, class: e.ticket_class ?? 'normal' };
      if (e.type === 'ticket.issued') this.issued.inc(l);
      else if (e.type === 'ticket.called') {
        this.called.inc(l);
        if (e.called_at !== null && e.issued_at !== null) this.waits.observe({ service: e.service_code }, Math.max(0, (e.called_at - e.issued_at) / 1000));
      } else if (e.type === 'ticket.no_show') this.noShow.inc(l);
      else if (e.type === 'ticket.completed' && e.ended_at !== null && e.called_at !== null) {
        this.serviceTimes.observe({ service: e.service_code }, Math.max(0, (e.ended_at - e.called_at) / 1000));
      }
    }
  }

  /** A customer card reached the managers. */
  cardPushed(issuedAt: string): void {
    const ms = this.s.now() - Date.parse(issuedAt);
    if (Number.isFinite(ms)) this.cardPush.observe(Math.max(0, ms) / 1000);
  }

  httpAnswered(method: string, route: string, status: number, seconds: number): void {
    this.http.observe({ method, route, status: String(status) }, seconds);
  }

  refused(code: string): void {
    this.errors.inc({ code });
  }

  deviceAlert(kind: string): void {
    this.alerts.inc({ kind });
  }

  async text(): Promise<string> {
    this.readEvents();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
