/**
 * Queue measures of one business day, computed from the ticket rows (docs/QUEUE.md "Measures"):
 * per ticket wait (issued -> called), walk (called -> serving started), service (serving started
 * -> ended, or called -> ended when the teller never pressed start) and total (issued -> ended);
 * and for the day: waiting now per service, average and longest wait, average walk, average
 * service excluding the walk, service level per class (share of customers called within the
 * target wait; the VIP row counts every VIP customer, green channel or not), no-show rate, tickets
 * the customers gave up, per-teller throughput, and arrivals and waits by hour of the day (what a
 * manager plans staffing from).
 *
 * Without a start the walk is unknown (null), not zero: it is left out of the walk average, and
 * that ticket's service time runs from the call (walk included), so it is left out of the
 * "service excluding walk" average too (it still counts in `averageFromCallSeconds`).
 *
 * Pure: the hub passes the rows and the clock.
 */
import type { TicketClass, TicketStatus } from './queue';

export const TICKET_CLASSES: readonly TicketClass[] = ['green', 'vip', 'priority', 'normal'];

/** What the measures need from a ticket row (epoch ms). */
export interface MeasureTicket {
  number: string;
  serviceCode: string;
  ticketClass: TicketClass;
  /** A VIP customer (served in the green channel or in the VIP class). */
  vip: boolean;
  status: TicketStatus;
  issuedAt: number;
  calledAt: number | null;
  /** The teller pressed "start serving" (the customer reached the counter); null = not pressed. */
  servingAt: number | null;
  endedAt: number | null;
  counterId: number | null;
  /** Staff id of the teller who called it. */
  calledBy: string | null;
  outcome: string | null;
}

export interface TicketMeasure extends MeasureTicket {
  waitSeconds: number | null;
  /** Called -> serving started; null when start was not pressed (unknown) or not yet. */
  walkSeconds: number | null;
  /** Serving started -> ended; called -> ended when start was not pressed (see `serviceFrom`). */
  serviceSeconds: number | null;
  /** Where `serviceSeconds` starts: 'serving' (walk excluded) or 'call' (walk included); null without a service time. */
  serviceFrom: 'serving' | 'call' | null;
  totalSeconds: number | null;
  /** Called within the target wait; null while it waits and is still within it. */
  withinTarget: boolean | null;
}

export interface ServiceLevel {
  /** A ticket class, or `all`; `vip` counts every VIP customer (green channel included). */
  ticketClass: TicketClass | 'all';
  /** Tickets counted: called ones, plus waiting ones already past the target. */
  counted: number;
  withinTarget: number;
  /** 0..100, null when nothing was counted. */
  percent: number | null;
}

export interface TellerThroughput {
  teller: string;
  counterIds: number[];
  completed: number;
  noShows: number;
  /** Called -> ended over the completed visits (the counter's time per customer, walk included). */
  averageServiceSeconds: number | null;
}

export interface DayMeasures {
  targetWaitMinutes: number;
  /** At least one ticket today has a start (so walk times exist). */
  walkMeasured: boolean;
  issued: number;
  waitingNow: { serviceCode: string; waiting: number; longestWaitSeconds: number }[];
  wait: { called: number; averageSeconds: number | null; longestSeconds: number | null };
  /** Called -> serving started, over the tickets whose start was pressed (`measured`). */
  walk: { measured: number; averageSeconds: number | null; longestSeconds: number | null };
  /**
   * Completed visits: `averageSeconds` is serving started -> ended (walk excluded) over the
   * `measured` ones that had a start; `averageFromCallSeconds` is called -> ended over all
   * `completed` (the counter's time per customer, walk included).
   */
  service: { completed: number; measured: number; averageSeconds: number | null; averageFromCallSeconds: number | null };
  serviceLevel: ServiceLevel[];
  noShow: { ended: number; noShows: number; percent: number | null };
  /** Tickets the customer gave up (the phone page's "I no longer need this ticket"). */
  cancelled: number;
  tellers: TellerThroughput[];
  /** Hour by hour (branch time), from the first to the last hour with a ticket: arrivals, calls and waits. */
  byHour: HourMeasure[];
}

export interface HourMeasure {
  /** 0..23 in the branch's time zone. */
  hour: number;
  /** Tickets issued in this hour. */
  arrivals: number;
  /** Of those, called so far. */
  called: number;
  /** Wait of the tickets issued in this hour that were called. */
  averageWaitSeconds: number | null;
  longestWaitSeconds: number | null;
}

const hourFormats = new Map<string, Intl.DateTimeFormat>();
/** The hour of the day (0..23) of an instant in a time zone. */
export function hourIn(at: number, timeZone: string): number {
  let f = hourFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' });
    hourFormats.set(timeZone, f);
  }
  return Number(f.format(new Date(at))) % 24;
}

const seconds = (ms: number) => Math.round(ms / 1000);
const average = (xs: readonly number[]) => (xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : null);
const pct = (part: number, whole: number) => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : null);

export function measureTicket(t: MeasureTicket, targetWaitMinutes: number, now: number): TicketMeasure {
  const targetMs = targetWaitMinutes * 60_000;
  const waitMs = t.calledAt !== null ? t.calledAt - t.issuedAt : null;
  let withinTarget: boolean | null;
  if (waitMs !== null) withinTarget = waitMs <= targetMs;
  else if (t.status === 'waiting' && now - t.issuedAt > targetMs) withinTarget = false;
  else withinTarget = null;
  // Defensive: a start without a call, or before it, is ignored (the hub never records one).
  const servingAt = t.calledAt !== null && t.servingAt !== null && t.servingAt >= t.calledAt ? t.servingAt : null;
  const serviceStart = servingAt ?? t.calledAt;
  const hasService = serviceStart !== null && t.endedAt !== null;
  return {
    ...t,
    waitSeconds: waitMs === null ? null : seconds(waitMs),
    walkSeconds: servingAt !== null ? seconds(servingAt - t.calledAt!) : null,
    serviceSeconds: hasService ? seconds(t.endedAt! - serviceStart) : null,
    serviceFrom: hasService ? (servingAt !== null ? 'serving' : 'call') : null,
    totalSeconds: t.endedAt !== null ? seconds(t.endedAt - t.issuedAt) : null,
    withinTarget,
  };
}

/** The day's measures; `serviceCodes` orders the waiting-now list (every service appears). */
export function dayMeasures(
  tickets: readonly MeasureTicket[],
  opts: { now: number; targetWaitMinutes: number; serviceCodes: readonly string[]; timeZone?: string },
): DayMeasures {
  const measured = tickets.map((t) => measureTicket(t, opts.targetWaitMinutes, opts.now));

  const waitingNow = opts.serviceCodes.map((code) => {
    const mine = measured.filter((m) => m.status === 'waiting' && m.serviceCode === code);
    return {
      serviceCode: code,
      waiting: mine.length,
      longestWaitSeconds: mine.length ? seconds(opts.now - Math.min(...mine.map((m) => m.issuedAt))) : 0,
    };
  });

  const waits = measured.flatMap((m) => (m.waitSeconds === null ? [] : [m.waitSeconds]));
  const wait = {
    called: waits.length,
    averageSeconds: waits.length ? Math.round(waits.reduce((a, b) => a + b, 0) / waits.length) : null,
    longestSeconds: waits.length ? Math.max(...waits) : null,
  };

  const walks = measured.flatMap((m) => (m.walkSeconds === null ? [] : [m.walkSeconds]));
  const walk = { measured: walks.length, averageSeconds: average(walks), longestSeconds: walks.length ? Math.max(...walks) : null };

  const completed = measured.filter((m) => m.status === 'completed');
  const served = completed.flatMap((m) => (m.serviceFrom === 'serving' ? [m.serviceSeconds!] : []));
  const fromCall = completed.flatMap((m) => (m.calledAt !== null && m.endedAt !== null ? [seconds(m.endedAt - m.calledAt)] : []));
  const service = { completed: completed.length, measured: served.length, averageSeconds: average(served), averageFromCallSeconds: average(fromCall) };

  const level = (ticketClass: TicketClass | 'all'): ServiceLevel => {
    const counts = (m: TicketMeasure) => ticketClass === 'all' || (ticketClass === 'vip' ? m.vip : m.ticketClass === ticketClass);
    const mine = measured.filter((m) => m.withinTarget !== null && counts(m));
    const within = mine.filter((m) => m.withinTarget).length;
    return { ticketClass, counted: mine.length, withinTarget: within, percent: pct(within, mine.length) };
  };

  const ended = measured.filter((m) => m.status === 'completed' || m.status === 'no_show');
  const noShows = ended.filter((m) => m.status === 'no_show').length;

  const byTeller = new Map<string, TicketMeasure[]>();
  for (const m of ended) {
    if (m.calledBy === null) continue;
    const list = byTeller.get(m.calledBy) ?? [];
    list.push(m);
    byTeller.set(m.calledBy, list);
  }
  const tellers = [...byTeller.entries()]
    .map<TellerThroughput>(([teller, list]) => {
      const done = list.filter((m) => m.status === 'completed');
      // Called -> ended (walk included), so tellers compare fairly whether or not they press start.
      const service = done.flatMap((m) => (m.calledAt !== null && m.endedAt !== null ? [seconds(m.endedAt - m.calledAt)] : []));
      return {
        teller,
        counterIds: [...new Set(list.flatMap((m) => (m.counterId === null ? [] : [m.counterId])))].sort((a, b) => a - b),
        completed: done.length,
        noShows: list.length - done.length,
        averageServiceSeconds: service.length ? Math.round(service.reduce((a, b) => a + b, 0) / service.length) : null,
      };
    })
    .sort((a, b) => b.completed - a.completed || a.teller.localeCompare(b.teller));

  const tz = opts.timeZone ?? 'Asia/Shanghai';
  const hours = new Map<number, TicketMeasure[]>();
  for (const m of measured) {
    const h = hourIn(m.issuedAt, tz);
    hours.set(h, [...(hours.get(h) ?? []), m]);
  }
  const byHour: HourMeasure[] = [];
  if (hours.size) {
    const first = Math.min(...hours.keys());
    const last = Math.max(...hours.keys());
    for (let h = first; h <= last; h++) {
      const list = hours.get(h) ?? [];
      const w = list.flatMap((m) => (m.waitSeconds === null ? [] : [m.waitSeconds]));
      byHour.push({ hour: h, arrivals: list.length, called: w.length, averageWaitSeconds: average(w), longestWaitSeconds: w.length ? Math.max(...w) : null });
    }
  }

  return {
    targetWaitMinutes: opts.targetWaitMinutes,
    walkMeasured: walks.length > 0,
    issued: measured.length,
    waitingNow,
    wait,
    walk,
    service,
    serviceLevel: [...TICKET_CLASSES.map(level), level('all')],
    noShow: { ended: ended.length, noShows, percent: pct(noShows, ended.length) },
    cancelled: measured.filter((m) => m.status === 'cancelled').length,
    tellers,
    byHour,
  };
}

// ---------------------------------------------------------------- CSV

/** One CSV field (RFC 4180): quoted when it holds a quote, comma, CR or LF; quotes doubled. */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text with CRLF line ends and a UTF-8 byte-order mark (so Excel reads Chinese correctly). */
export function toCsv(rows: readonly (readonly (string | number | boolean | null | undefined)[])[]): string {
  return '\uFEFF' + rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export const MEASURE_CSV_HEADER = [
  'number',
  'service_code',
  'service_name',
  'class',
  'status',
  'counter',
  'teller',
  'issued_at',
  'called_at',
  'serving_at',
  'ended_at',
  'wait_s',
  'walk_s',
  'service_s',
  'total_s',
  'within_target',
  'outcome',
] as const;

/** The per-ticket CSV; `serviceName` names a service code, times are ISO 8601 (UTC). */
export function measuresCsv(rows: readonly TicketMeasure[], serviceName: (code: string) => string): string {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return toCsv([
    MEASURE_CSV_HEADER,
    ...rows.map((m) => [
      m.number,
      m.serviceCode,
      serviceName(m.serviceCode),
      m.ticketClass,
      m.status,
      m.counterId,
      m.calledBy,
      iso(m.issuedAt),
      iso(m.calledAt),
      iso(m.walkSeconds === null ? null : m.servingAt),
      iso(m.endedAt),
      m.waitSeconds,
      m.walkSeconds,
      m.serviceSeconds,
      m.totalSeconds,
      m.withinTarget === null ? null : m.withinTarget ? 'yes' : 'no',
      m.outcome,
    ]),
  ]);
}

/** GET /api/v1/measures/today. */
export interface MeasuresResponse extends DayMeasures {
  businessDate: string;
  /** When the measures were taken (ISO 8601). */
  at: string;
  /** Staff names by id, for the tellers' rows. */
  staffNames: Record<string, string>;
}
