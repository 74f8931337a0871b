/**
 * Queue measures through a real hub with a controlled clock: issue, call, complete and no-show
 * tickets, then check GET /api/v1/measures/today and its CSV.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallNextResponse, CreateTicketResponse } from '../../src-main/domain/contracts';
import type { MeasuresResponse } from '../../src-main/domain/measures';
import { requestId, startHarness, type Harness } from './hub-harness';

const MIN = 60_000;
// 10:00 in Shanghai: well inside one business day.
let clock = Date.UTC(2026, 10, 23, 2, 0, 0);
let h: Harness;
let kiosk: string;
let manager: string;
let admin: string;
const tellers: Record<number, string> = {};

async function take(serviceCode: string, extra: Record<string, unknown> = {}) {
  const res = await h.request<CreateTicketResponse>('POST', '/api/v1/tickets', { token: kiosk, body: { serviceCode, requestId: requestId(), ...extra } });
  if (res.status !== 201) throw new Error(`ticket failed ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.ticket;
}
async function callNext(counterId: number) {
  const res = await h.request<CallNextResponse>('POST', `/api/v1/counters/${counterId}/call-next`, { token: tellers[counterId] });
  if (res.status !== 200) throw new Error(`call failed ${res.status}`);
  return res.body.ticket;
}
const end = (id: string, counterId: number, how: 'complete' | 'no-show') =>
  h.request('POST', `/api/v1/tickets/${id}/${how}`, { token: tellers[counterId] });

beforeAll(async () => {
  h = await startHarness({ now: () => clock, customers: 50 });
  kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
  manager = (await h.login({ staffId: 'm01', pin: '1111' })).token;
  admin = (await h.login({ staffId: 'admin', pin: '9999' })).token;
  for (const c of [1, 2]) tellers[c] = (await h.login({ staffId: `t0${c}`, pin: '2222' })).token;

  const a1 = await take('A', { language: 'en' });
  const a2 = await take('A');
  clock += 2 * MIN;
  const p1 = await take('A', { priority: 'elderly' });
  clock += 3 * MIN; // a1, a2 waited 5 min, p1 3 min
  const first = await callNext(1); // the priority ticket
  expect(first.id).toBe(p1.id);
  const second = await callNext(2);
  expect(second.id).toBe(a1.id);
  clock += 4 * MIN;
  await end(p1.id, 1, 'complete'); // served 4 min
  await end(a1.id, 2, 'no-show');
  clock += 16 * MIN; // a2 has waited 25 min
  const third = await callNext(1);
  expect(third.id).toBe(a2.id);
  clock += 6 * MIN;
  await end(a2.id, 1, 'complete'); // served 6 min
  await take('B'); // waiting, just issued
});
afterAll(async () => h?.stop());

describe('GET /api/v1/measures/today', () => {
  it('is for managers and admins only', async () => {
    expect((await h.request('GET', '/api/v1/measures/today')).status).toBe(401);
    expect((await h.request('GET', '/api/v1/measures/today', { token: tellers[1] })).status).toBe(403);
    expect((await h.request('GET', '/api/v1/measures/today.csv', { token: kiosk })).status).toBe(403);
    expect((await h.request('GET', '/api/v1/measures/today', { token: admin })).status).toBe(200);
  });

  it('measures the day from the ticket table', async () => {
    const res = await h.request<MeasuresResponse>('GET', '/api/v1/measures/today', { token: manager });
    expect(res.status).toBe(200);
    const m = res.body;
    expect(m.businessDate).toBe('2026-11-23');
    expect(m.targetWaitMinutes).toBe(15);
    expect(m.issued).toBe(4);
    expect(m.waitingNow.find((w) => w.serviceCode === 'B')).toEqual({ serviceCode: 'B', waiting: 1, longestWaitSeconds: 0 });
    expect(m.waitingNow.find((w) => w.serviceCode === 'A')!.waiting).toBe(0);
    // waits: p1 3 min, a1 5 min, a2 25 min
    expect(m.wait).toEqual({ called: 3, averageSeconds: 660, longestSeconds: 1500 });
    const level = Object.fromEntries(m.serviceLevel.map((s) => [s.ticketClass, s]));
    expect(level.priority).toMatchObject({ counted: 1, withinTarget: 1, percent: 100 });
    expect(level.normal).toMatchObject({ counted: 2, withinTarget: 1, percent: 50 });
    expect(m.noShow).toEqual({ ended: 3, noShows: 1, percent: 33.3 });
    // Nobody pressed start: no walk is known and the service times (4 and 6 min) run from the call.
    expect(m.walkMeasured).toBe(false);
    expect(m.walk).toEqual({ measured: 0, averageSeconds: null, longestSeconds: null });
    expect(m.service).toEqual({ completed: 2, measured: 0, averageSeconds: null, averageFromCallSeconds: 300 });
    expect(m.tellers).toEqual([
      { teller: 't01', counterIds: [1], completed: 2, noShows: 0, averageServiceSeconds: 300 },
      { teller: 't02', counterIds: [2], completed: 0, noShows: 1, averageServiceSeconds: null },
    ]);
  });

  it('exports the per-ticket rows as CSV with a BOM', async () => {
    const res = await fetch(`${h.hub.url}/api/v1/measures/today.csv`, { headers: { authorization: `Bearer ${manager}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="measures-2026-11-23.csv"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1);
    const lines = text.trimEnd().split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]!.startsWith('number,service_code,service_name,class,status')).toBe(true);
    const a002 = lines.find((l) => l.startsWith('A002,'))!.split(',');
    expect(a002.slice(0, 7)).toEqual(['A002', 'A', '现金及存款', 'normal', 'completed', '1', 't01']);
    expect(a002[9]).toBe(''); // serving_at: start was not pressed
    expect(a002.slice(11)).toEqual(['1500', '', '360', '1860', 'no', '']);
    expect(lines.find((l) => l.startsWith('A001,'))).toContain(',no_show,2,t02,');
  });
});
