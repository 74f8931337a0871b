/**
 * Walk to counter: the teller's start-serving action through a real hub with a
 * controlled clock — who may press it, its errors, idempotence, how it combines with recall,
 * park / resume and transfer, what each audience receives when catching up, and the walk and
 * service times it gives the measures (JSON and CSV).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallNextResponse, CatchUp, CreateTicketResponse, ErrorBody, QueueSnapshot, RecallResponse } from '../../src-main/domain/contracts';
import type { MeasuresResponse } from '../../src-main/domain/measures';
import { requestId, startHarness, type Harness, type TestSocket } from './hub-harness';

const SEC = 1000;
const MIN = 60 * SEC;
// 10:00 in Shanghai: well inside one business day.
let clock = Date.UTC(2026, 10, 23, 2, 0, 0);
let h: Harness;
let kiosk: string;
let manager: string;
let admin: string;
let display: string;
const tellers: Record<number, string> = {};

beforeAll(async () => {
  h = await startHarness({ now: () => clock, customers: 50 });
  kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
  manager = (await h.login({ staffId: 'm01', pin: '1111' })).token;
  admin = (await h.login({ staffId: 'admin', pin: '9999' })).token;
  display = (await h.login({ deviceId: 'display-01', secret: 'demo' })).token;
  for (const c of [1, 2, 3]) tellers[c] = (await h.login({ staffId: `t0${c}`, pin: '2222' })).token;
});
afterAll(async () => h?.stop());

async function take(serviceCode = 'A') {
  const res = await h.request<CreateTicketResponse>('POST', '/api/v1/tickets', { token: kiosk, body: { serviceCode, requestId: requestId() } });
  if (res.status !== 201) throw new Error(`ticket failed ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.ticket;
}
const post = <T>(path: string, token: string | undefined, body?: unknown) => h.request<T>('POST', path, { token, body });
async function callNext(counterId: number) {
  const res = await post<CallNextResponse>(`/api/v1/counters/${counterId}/call-next`, tellers[counterId]);
  if (res.status !== 200) throw new Error(`call failed ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.ticket;
}
const start = (id: string, token: string | undefined) => post<CallNextResponse & ErrorBody>(`/api/v1/tickets/${id}/start`, token);
const complete = (id: string, counterId: number) => post<CallNextResponse>(`/api/v1/tickets/${id}/complete`, tellers[counterId]);
const current = (counterId: number) => h.request<CallNextResponse>('GET', `/api/v1/counters/${counterId}/current`, { token: tellers[counterId] });
const offset = async () => (await h.request<QueueSnapshot>('GET', '/api/v1/queue', { token: manager })).body.offset;
async function auditOf(ticketId: string) {
  const res = await h.request<{ entries: { action: string; subject: string; detail: Record<string, unknown> }[] }>('GET', '/api/v1/audit?limit=500', {
    token: admin,
  });
  return res.body.entries.filter((e) => e.subject === `ticket:${ticketId}`);
}
function catchUp(token: string, from: number): Promise<CatchUp> {
  return h.socket(token).then(
    (s: TestSocket) =>
      new Promise((resolve, reject) => {
        s.emit('events:since', from, (ack) => (ack.ok ? resolve(ack.data) : reject(new Error(ack.error.message))));
      }),
  );
}

/** Nobody waits and no counter has a ticket open. */
async function clear() {
  for (const c of [1, 2, 3]) {
    for (;;) {
      const cur = await current(c);
      if (cur.status === 200) await complete(cur.body.ticket.id, c);
      const next = await post<CallNextResponse>(`/api/v1/counters/${c}/call-next`, tellers[c]);
      if (next.status === 204) break;
      await complete(next.body.ticket.id, c);
    }
  }
}

describe('POST /api/v1/tickets/{id}/start', () => {
  it('marks the customer at the counter: servingAt, the walk journaled and audited, the current ticket shows it', async () => {
    await clear();
    const t = await take();
    clock += 4 * MIN;
    const called = await callNext(1);
    expect(called.id).toBe(t.id);
    expect(called.servingAt).toBeUndefined();
    const from = await offset();
    clock += 50 * SEC; // the customer walks over
    const res = await start(t.id, tellers[1]);
    expect(res.status).toBe(200);
    expect(res.body.ticket).toMatchObject({ id: t.id, status: 'called', counterId: 1, servingAt: new Date(clock).toISOString() });
    // The wait is unchanged: it ended at the call.
    expect(res.body.ticket.waitedSeconds).toBe(240);
    expect((await current(1)).body.ticket.servingAt).toBe(new Date(clock).toISOString());

    const audit = await auditOf(t.id);
    expect(audit.filter((a) => a.action === 'ticket.start')).toEqual([
      expect.objectContaining({ action: 'ticket.start', detail: expect.objectContaining({ number: t.number, counterId: 1, walkSeconds: 50 }) }),
    ]);

    // Staff catch up with the event; displays do not get it at all.
    const staff = await catchUp(tellers[2]!, from);
    expect(staff.kind).toBe('events');
    if (staff.kind === 'events') {
      expect(staff.events.map((e) => e.type)).toEqual(['ticket.serving']);
      expect(staff.events[0]!.data).toEqual({ ticketId: t.id, number: t.number, counterId: 1, servingAt: new Date(clock).toISOString(), walkSeconds: 50 });
    }
    const pub = await catchUp(display, from);
    expect(pub.kind === 'events' ? pub.events : null).toEqual([]);
    await complete(t.id, 1);
  });

  it('is idempotent: a second press answers the same start and journals nothing', async () => {
    const t = await take();
    await callNext(1);
    clock += 30 * SEC;
    const first = await start(t.id, tellers[1]);
    const startedAt = first.body.ticket.servingAt;
    const after = await offset();
    clock += 2 * MIN;
    const again = await start(t.id, tellers[1]);
    expect(again.status).toBe(200);
    expect(again.body.ticket.servingAt).toBe(startedAt);
    expect(await offset()).toBe(after);
    expect((await auditOf(t.id)).filter((a) => a.action === 'ticket.start')).toHaveLength(1);
    await complete(t.id, 1);
  });

  it('is for the teller at the counter that called the ticket, with clear errors otherwise', async () => {
    const t = await take();
    // Not called yet.
    const waiting = await start(t.id, tellers[1]);
    expect(waiting.status).toBe(409);
    expect(waiting.body.error.message).toMatch(new RegExp(`${t.number} is waiting, not called`));
    await callNext(1);
    // Roles: no token, kiosk, display, manager.
    expect((await start(t.id, undefined)).status).toBe(401);
    expect((await start(t.id, kiosk)).status).toBe(403);
    expect((await start(t.id, display)).status).toBe(403);
    expect((await start(t.id, manager)).status).toBe(403);
    // Another counter's teller.
    const other = await start(t.id, tellers[2]);
    expect(other.status).toBe(409);
    expect(other.body.error.message).toMatch(/called at counter 1, not at your counter 2/);
    // Bad and unknown ids.
    const bad = await start('not-a-ticket', tellers[1]);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect((await start('00000000-0000-4000-8000-000000000000', tellers[1])).status).toBe(404);
    // Parked: resume first.
    expect((await post(`/api/v1/tickets/${t.id}/park`, tellers[1])).status).toBe(200);
    const parked = await start(t.id, tellers[1]);
    expect(parked.status).toBe(409);
    expect(parked.body.error.message).toMatch(/parked: resume it first/);
    expect((await post(`/api/v1/tickets/${t.id}/resume`, tellers[1])).status).toBe(200);
    expect((await start(t.id, tellers[1])).status).toBe(200);
    // Ended.
    await complete(t.id, 1);
    const ended = await start(t.id, tellers[1]);
    expect(ended.status).toBe(409);
    expect(ended.body.error.message).toMatch(/is completed, not called/);
    // Nothing leaked: no stack traces.
    expect(JSON.stringify(ended.body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('a recall keeps the call time and counts in the walk; after the start a recall is refused', async () => {
    const t = await take();
    clock += MIN;
    const called = await callNext(1);
    const calledAt = called.calledAt;
    clock += 40 * SEC;
    const recalled = await post<RecallResponse>(`/api/v1/tickets/${t.id}/recall`, tellers[1]);
    expect(recalled.body.outcome).toBe('recalled');
    expect(recalled.body.ticket.calledAt).toBe(calledAt);
    expect(recalled.body.ticket.waitedSeconds).toBe(60);
    clock += 20 * SEC;
    const started = await start(t.id, tellers[1]);
    expect(started.status).toBe(200);
    const audit = await auditOf(t.id);
    expect(audit.find((a) => a.action === 'ticket.start')!.detail.walkSeconds).toBe(60);
    const refused = await post<ErrorBody>(`/api/v1/tickets/${t.id}/recall`, tellers[1]);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/already being served/);
    // Still served at the counter, recall count unchanged.
    expect((await current(1)).body.ticket).toMatchObject({ id: t.id, recallCount: 1, servingAt: started.body.ticket.servingAt });
    await complete(t.id, 1);
  });

  it('park and resume keep the start; a transfer clears it so the next counter measures a new walk', async () => {
    const t = await take('A');
    await callNext(1);
    clock += 10 * SEC;
    const s1 = (await start(t.id, tellers[1])).body.ticket.servingAt;
    expect((await post<CallNextResponse>(`/api/v1/tickets/${t.id}/park`, tellers[1])).body.ticket.servingAt).toBe(s1);
    clock += MIN;
    expect((await post<CallNextResponse>(`/api/v1/tickets/${t.id}/resume`, tellers[2])).body.ticket).toMatchObject({ counterId: 2, servingAt: s1 });
    const moved = await post(`/api/v1/tickets/${t.id}/transfer`, tellers[2], { counterId: 3, placement: 'first' });
    expect(moved.status).toBe(200);
    clock += MIN;
    const again = await callNext(3);
    expect(again.id).toBe(t.id);
    expect(again.servingAt).toBeUndefined();
    clock += 25 * SEC;
    const s2 = await start(t.id, tellers[3]);
    expect(s2.body.ticket.servingAt).toBe(new Date(clock).toISOString());
    expect((await auditOf(t.id)).filter((a) => a.action === 'ticket.start').map((a) => a.detail.walkSeconds)).toEqual([25, 10]);
    await complete(t.id, 3);
  });
});

describe('walk and service in the measures', () => {
  it('walk = call -> start, service = start -> end; without a start the walk is unknown and service runs from the call', async () => {
    await clear();
    const before = (await h.request<MeasuresResponse>('GET', '/api/v1/measures/today', { token: manager })).body;

    // X: issued, waits 2 min, walks 90 s, served 5 min.
    const x = await take('B');
    clock += 2 * MIN;
    expect((await callNext(1)).id).toBe(x.id);
    clock += 90 * SEC;
    await start(x.id, tellers[1]);
    clock += 5 * MIN;
    await complete(x.id, 1);
    // Y: issued, waits 1 min, completed 3 min after the call without pressing start.
    const y = await take('B');
    clock += MIN;
    expect((await callNext(1)).id).toBe(y.id);
    clock += 3 * MIN;
    await complete(y.id, 1);
    // Z: walks 30 s and is being served now.
    const z = await take('B');
    expect((await callNext(2)).id).toBe(z.id);
    clock += 30 * SEC;
    await start(z.id, tellers[2]);

    const m = (await h.request<MeasuresResponse>('GET', '/api/v1/measures/today', { token: manager })).body;
    expect(m.walkMeasured).toBe(true);
    // Each earlier test's walks are in `before`; the new ones are 90 s (X) and 30 s (Z).
    expect(m.walk.measured).toBe(before.walk.measured + 2);
    expect(m.walk.longestSeconds).toBe(Math.max(before.walk.longestSeconds ?? 0, 90));
    const walkSum = (before.walk.averageSeconds ?? 0) * before.walk.measured + 90 + 30;
    expect(m.walk.averageSeconds).toBe(Math.round(walkSum / m.walk.measured));
    expect(m.service.completed).toBe(before.service.completed + 2);
    expect(m.service.measured).toBe(before.service.measured + 1); // X only: Y had no start

    const csv = await fetch(`${h.hub.url}/api/v1/measures/today.csv`, { headers: { authorization: `Bearer ${manager}` } });
    const lines = (await csv.text()).replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    const header = lines[0]!.split(',');
    expect(header.slice(8, 15)).toEqual(['called_at', 'serving_at', 'ended_at', 'wait_s', 'walk_s', 'service_s', 'total_s']);
    const row = (n: string) => {
      const cells = lines.find((l) => l.startsWith(`${n},`))!.split(',');
      return Object.fromEntries(header.map((k, i) => [k, cells[i]]));
    };
    expect(row(x.number)).toMatchObject({ status: 'completed', wait_s: '120', walk_s: '90', service_s: '300', total_s: '510' });
    expect(row(x.number).serving_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(row(y.number)).toMatchObject({ status: 'completed', serving_at: '', wait_s: '60', walk_s: '', service_s: '180', total_s: '240' });
    expect(row(z.number)).toMatchObject({ status: 'called', wait_s: '0', walk_s: '30', service_s: '', total_s: '' });
    await complete(z.id, 2);
  });

  it('averages hand-computed on a fresh day', async () => {
    // The next business day starts empty (staff sessions last 12 hours: sign in again).
    clock += 24 * 60 * MIN;
    manager = (await h.login({ staffId: 'm01', pin: '1111' })).token;
    for (const c of [1, 2]) tellers[c] = (await h.login({ staffId: `t0${c}`, pin: '2222' })).token;
    const a = await take('A');
    const b = await take('A');
    clock += 3 * MIN;
    expect((await callNext(1)).id).toBe(a.id);
    expect((await callNext(2)).id).toBe(b.id);
    clock += 40 * SEC;
    await start(a.id, tellers[1]); // walk 40 s
    clock += 80 * SEC;
    await start(b.id, tellers[2]); // walk 120 s
    clock += 4 * MIN;
    await complete(a.id, 1); // service 5 min 20 s from the start (320 s); 6 min from the call
    clock += 2 * MIN;
    await complete(b.id, 2); // service 6 min from the start (360 s); 8 min from the call
    const c = await take('A');
    clock += MIN;
    expect((await callNext(1)).id).toBe(c.id);
    clock += 2 * MIN;
    await complete(c.id, 1); // no start: walk unknown, 2 min from the call

    const m = (await h.request<MeasuresResponse>('GET', '/api/v1/measures/today', { token: manager })).body;
    expect(m.wait).toEqual({ called: 3, averageSeconds: 140, longestSeconds: 180 }); // (180 + 180 + 60) / 3
    expect(m.walk).toEqual({ measured: 2, averageSeconds: 80, longestSeconds: 120 });
    expect(m.service).toEqual({ completed: 3, measured: 2, averageSeconds: 340, averageFromCallSeconds: 320 }); // (320 + 360) / 2 and (360 + 480 + 120) / 3
    expect(m.tellers.find((x) => x.teller === 't01')).toMatchObject({ completed: 2, averageServiceSeconds: 240 }); // (360 + 120) / 2
  });
});
