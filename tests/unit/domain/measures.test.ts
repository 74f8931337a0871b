import { describe, expect, it } from 'vitest';
import { csvField, dayMeasures, measureTicket, measuresCsv, toCsv, type MeasureTicket } from '../../../src-main/domain/measures';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 22, 1, 0, 0);
const t = (over: Partial<MeasureTicket>): MeasureTicket => ({
  number: 'A001',
  serviceCode: 'A',
  ticketClass: 'normal',
  vip: false,
  status: 'waiting',
  issuedAt: T0,
  calledAt: null,
  servingAt: null,
  endedAt: null,
  counterId: null,
  calledBy: null,
  outcome: null,
  ...over,
});

describe('per ticket measures', () => {
  it('without a start: wait = issued -> called, walk unknown, service = called -> ended (walk included), total = issued -> ended', () => {
    const m = measureTicket(t({ status: 'completed', calledAt: T0 + 10 * MIN, endedAt: T0 + 16 * MIN, counterId: 1, calledBy: 't01' }), 15, T0 + 60 * MIN);
    expect(m).toMatchObject({ waitSeconds: 600, serviceSeconds: 360, serviceFrom: 'call', totalSeconds: 960, walkSeconds: null, withinTarget: true });
  });
  it('with a start: walk = called -> serving, service = serving -> ended; wait + walk + service = total', () => {
    // issued 0:00, called 10:00, at the counter 11:30, done 16:00
    const m = measureTicket(
      t({ status: 'completed', calledAt: T0 + 10 * MIN, servingAt: T0 + 11.5 * MIN, endedAt: T0 + 16 * MIN, counterId: 1, calledBy: 't01' }),
      15,
      T0 + 60 * MIN,
    );
    expect(m).toMatchObject({ waitSeconds: 600, walkSeconds: 90, serviceSeconds: 270, serviceFrom: 'serving', totalSeconds: 960 });
    expect(m.waitSeconds! + m.walkSeconds! + m.serviceSeconds!).toBe(m.totalSeconds);
  });
  it('a customer being served now has a walk but no service time yet; a start before the call is ignored', () => {
    const now = measureTicket(t({ status: 'called', calledAt: T0 + 2 * MIN, servingAt: T0 + 2 * MIN + 45_000 }), 15, T0 + 5 * MIN);
    expect(now).toMatchObject({ walkSeconds: 45, serviceSeconds: null, serviceFrom: null, totalSeconds: null });
    const odd = measureTicket(t({ status: 'completed', calledAt: T0 + 2 * MIN, servingAt: T0 + MIN, endedAt: T0 + 4 * MIN }), 15, T0 + 5 * MIN);
    expect(odd).toMatchObject({ walkSeconds: null, serviceSeconds: 120, serviceFrom: 'call' });
  });
  it('a waiting ticket past the target already misses it; within the target it is not counted yet', () => {
    expect(measureTicket(t({}), 15, T0 + 16 * MIN).withinTarget).toBe(false);
    expect(measureTicket(t({}), 15, T0 + 14 * MIN).withinTarget).toBeNull();
    expect(measureTicket(t({ status: 'called', calledAt: T0 + 15 * MIN }), 15, T0 + 20 * MIN).withinTarget).toBe(true);
    expect(measureTicket(t({ status: 'called', calledAt: T0 + 15 * MIN + 1000 }), 15, T0 + 20 * MIN).withinTarget).toBe(false);
  });
});

describe('the day', () => {
  const now = T0 + 60 * MIN;
  const tickets: MeasureTicket[] = [
    // started 1 min after the call: walk 60 s, service 4 min
    t({ number: 'A001', status: 'completed', calledAt: T0 + 5 * MIN, servingAt: T0 + 6 * MIN, endedAt: T0 + 10 * MIN, counterId: 1, calledBy: 't01' }),
    // no start: walk unknown, service 4 min from the call
    t({ number: 'A002', status: 'completed', calledAt: T0 + 25 * MIN, endedAt: T0 + 29 * MIN, counterId: 1, calledBy: 't01' }),
    t({ number: 'A003', ticketClass: 'priority', status: 'no_show', calledAt: T0 + 2 * MIN, endedAt: T0 + 4 * MIN, counterId: 2, calledBy: 't02' }),
    // being served: walk 3 min
    t({ number: 'B001', serviceCode: 'B', ticketClass: 'vip', vip: true, status: 'called', calledAt: T0 + 1 * MIN, servingAt: T0 + 4 * MIN, counterId: 4, calledBy: 't04' }),
    t({ number: 'A004', issuedAt: T0 + 50 * MIN }), // waiting 10 minutes
    t({ number: 'B002', serviceCode: 'B', issuedAt: T0 + 30 * MIN }), // waiting 30 minutes: misses the target
  ];
  const d = dayMeasures(tickets, { now, targetWaitMinutes: 15, serviceCodes: ['A', 'B', 'C'] });

  it('waiting now per service, with the longest current wait', () => {
    expect(d.waitingNow).toEqual([
      { serviceCode: 'A', waiting: 1, longestWaitSeconds: 600 },
      { serviceCode: 'B', waiting: 1, longestWaitSeconds: 1800 },
      { serviceCode: 'C', waiting: 0, longestWaitSeconds: 0 },
    ]);
    expect(d.issued).toBe(6);
  });
  it('average and longest wait of the called tickets', () => {
    // waits 5, 25, 2, 1 minutes
    expect(d.wait).toEqual({ called: 4, averageSeconds: Math.round(((5 + 25 + 2 + 1) * 60) / 4), longestSeconds: 1500 });
  });
  it('average and longest walk over the tickets with a start only', () => {
    // A001 60 s, B001 180 s; A002 (no start) is not a zero walk
    expect(d.walk).toEqual({ measured: 2, averageSeconds: 120, longestSeconds: 180 });
    expect(d.walkMeasured).toBe(true);
  });
  it('service excluding walk over completed visits with a start; from the call over all completed', () => {
    // excluding walk: A001 only (10 - 6 = 4 min); from the call: A001 5 min, A002 4 min
    expect(d.service).toEqual({ completed: 2, measured: 1, averageSeconds: 240, averageFromCallSeconds: 270 });
  });
  it('service level per class and overall', () => {
    const by = Object.fromEntries(d.serviceLevel.map((s) => [s.ticketClass, s]));
    expect(by.normal).toEqual({ ticketClass: 'normal', counted: 3, withinTarget: 1, percent: 33.3 });
    expect(by.priority).toEqual({ ticketClass: 'priority', counted: 1, withinTarget: 1, percent: 100 });
    expect(by.vip).toEqual({ ticketClass: 'vip', counted: 1, withinTarget: 1, percent: 100 });
    expect(by.green).toEqual({ ticketClass: 'green', counted: 0, withinTarget: 0, percent: null });
    expect(by.all).toEqual({ ticketClass: 'all', counted: 5, withinTarget: 3, percent: 60 });
  });
  it('no-show rate over ended visits and per-teller throughput', () => {
    expect(d.noShow).toEqual({ ended: 3, noShows: 1, percent: 33.3 });
    expect(d.tellers).toEqual([
      { teller: 't01', counterIds: [1], completed: 2, noShows: 0, averageServiceSeconds: 270 },
      { teller: 't02', counterIds: [2], completed: 0, noShows: 1, averageServiceSeconds: null },
    ]);
  });
  it('the VIP row counts every VIP customer, the green channel included; cancelled tickets are counted apart', () => {
    const green = [
      t({ number: 'V001', serviceCode: 'V', ticketClass: 'green', vip: true, status: 'completed', calledAt: T0 + 2 * MIN, endedAt: T0 + 9 * MIN, calledBy: 't04' }),
      t({ number: 'V002', serviceCode: 'V', ticketClass: 'green', vip: true, status: 'completed', calledAt: T0 + 20 * MIN, endedAt: T0 + 29 * MIN, calledBy: 't04' }),
      t({ number: 'A009', status: 'cancelled', endedAt: T0 + 3 * MIN }),
    ];
    const m = dayMeasures(green, { now, targetWaitMinutes: 15, serviceCodes: ['A', 'V'] });
    const row = (c: string) => m.serviceLevel.find((s) => s.ticketClass === c);
    expect(row('vip')).toEqual({ ticketClass: 'vip', counted: 2, withinTarget: 1, percent: 50 });
    expect(row('green')).toEqual({ ticketClass: 'green', counted: 2, withinTarget: 1, percent: 50 });
    expect(m.cancelled).toBe(1);
    expect(m.noShow).toEqual({ ended: 2, noShows: 0, percent: 0 });
  });
  it('arrivals and waits by hour of the day, in the branch time zone', () => {
    // T0 is 09:00 in Shanghai; tickets at 09:00, 09:30 (called after 5 and 25 min) and one at 11:10.
    const day = [
      t({ number: 'A1', status: 'completed', calledAt: T0 + 5 * MIN, endedAt: T0 + 9 * MIN }),
      t({ number: 'A2', issuedAt: T0 + 30 * MIN, status: 'completed', calledAt: T0 + 55 * MIN, endedAt: T0 + 60 * MIN }),
      t({ number: 'A3', issuedAt: T0 + 130 * MIN }),
    ];
    const m = dayMeasures(day, { now: T0 + 140 * MIN, targetWaitMinutes: 15, serviceCodes: ['A'], timeZone: 'Asia/Shanghai' });
    expect(m.byHour).toEqual([
      { hour: 9, arrivals: 2, called: 2, averageWaitSeconds: 900, longestWaitSeconds: 1500 },
      { hour: 10, arrivals: 0, called: 0, averageWaitSeconds: null, longestWaitSeconds: null },
      { hour: 11, arrivals: 1, called: 0, averageWaitSeconds: null, longestWaitSeconds: null },
    ]);
  });
  it('an empty day has no averages', () => {
    const e = dayMeasures([], { now, targetWaitMinutes: 15, serviceCodes: ['A'] });
    expect(e.wait).toEqual({ called: 0, averageSeconds: null, longestSeconds: null });
    expect(e.noShow.percent).toBeNull();
    expect(e.tellers).toEqual([]);
    expect(e.walk).toEqual({ measured: 0, averageSeconds: null, longestSeconds: null });
    expect(e.service).toEqual({ completed: 0, measured: 0, averageSeconds: null, averageFromCallSeconds: null });
    expect(e.walkMeasured).toBe(false);
  });
});

describe('CSV', () => {
  it('quotes fields with quotes, commas and newlines; doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('cr\rx')).toBe('"cr\rx"');
    expect(csvField(null)).toBe('');
    expect(csvField(0)).toBe('0');
  });
  it('starts with a UTF-8 BOM and ends rows with CRLF', () => {
    expect(toCsv([['a', 'b'], ['1', '2']])).toBe('\uFEFFa,b\r\n1,2\r\n');
  });
  it('one row per ticket with the service name', () => {
    const rows = [measureTicket(t({ status: 'completed', calledAt: T0 + MIN, endedAt: T0 + 3 * MIN, counterId: 1, calledBy: 't01', outcome: 'done' }), 15, T0)];
    const csv = measuresCsv(rows, () => '现金, "存款"');
    const lines = csv.slice(1).split('\r\n');
    expect(lines[0]).toBe(
      'number,service_code,service_name,class,status,counter,teller,issued_at,called_at,serving_at,ended_at,wait_s,walk_s,service_s,total_s,within_target,outcome',
    );
    expect(lines[1]).toBe(
      `A001,A,"现金, ""存款""",normal,completed,1,t01,${new Date(T0).toISOString()},${new Date(T0 + MIN).toISOString()},,${new Date(T0 + 3 * MIN).toISOString()},60,,120,180,yes,done`,
    );
  });
  it('a started visit fills serving_at, walk_s and a service_s without the walk', () => {
    const started = measureTicket(
      t({ number: 'A002', status: 'completed', calledAt: T0 + MIN, servingAt: T0 + MIN + 40_000, endedAt: T0 + 5 * MIN, counterId: 2, calledBy: 't02' }),
      15,
      T0,
    );
    const line = measuresCsv([started], () => 'A').slice(1).split('\r\n')[1]!.split(',');
    expect(line.slice(8, 16)).toEqual([
      new Date(T0 + MIN).toISOString(),
      new Date(T0 + MIN + 40_000).toISOString(),
      new Date(T0 + 5 * MIN).toISOString(),
      '60', // wait
      '40', // walk
      '200', // service: 4 min - 40 s
      '300', // total
      'yes',
    ]);
  });
});
