/**
 * Through a real hub: priority by law, the branch's queue policy, and the teller and
 * manager operations (call a ticket, recall -> no-show, transfer, park / resume, counter states,
 * manager green channel, outcome codes), each audited, journaled and pushed.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type {
  CallNextResponse,
  CountersResponse,
  CreateTicketResponse,
  ErrorBody,
  GreenChannelDecision,
  ParkedListResponse,
  QueueSnapshot,
  RecallResponse,
  TrackResponse,
  TransferResponse,
} from '../../src-main/domain/contracts';
import { collect, nextEvent, requestId, startHarness, type Harness } from './hub-harness';

let h: Harness;
let kiosk: string;
let manager: string;
let admin: string;
const tellers: Record<number, string> = {};

async function signIn() {
  kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
  manager = (await h.login({ staffId: 'm01', pin: '1111' })).token;
  admin = (await h.login({ staffId: 'admin', pin: '9999' })).token;
  for (const c of [1, 2, 3, 4]) tellers[c] = (await h.login({ staffId: `t0${c}`, pin: '2222' })).token;
}

async function take(serviceCode: string, extra: Record<string, unknown> = {}) {
  const res = await h.request<CreateTicketResponse>('POST', '/api/v1/tickets', { token: kiosk, body: { serviceCode, requestId: requestId(), ...extra } });
  if (res.status !== 201) throw new Error(`ticket failed ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.ticket;
}
const post = <T>(path: string, token: string, body?: unknown) => h.request<T>('POST', path, { token, body });
const callNext = (counterId: number) => post<CallNextResponse>(`/api/v1/counters/${counterId}/call-next`, tellers[counterId]!);
const complete = (id: string, counterId: number, body?: unknown) => post<CallNextResponse>(`/api/v1/tickets/${id}/complete`, tellers[counterId]!, body);

async function drain() {
  for (const c of [1, 2, 3, 4]) await post(`/api/v1/counters/${c}/open`, manager);
  const parked = await h.request<ParkedListResponse>('GET', '/api/v1/parked', { token: manager });
  for (const t of parked.body.tickets) {
    const cur = await h.request<CallNextResponse>('GET', `/api/v1/counters/${t.counterId}/current`, { token: tellers[t.counterId] });
    if (cur.status === 200) await complete(cur.body.ticket.id, t.counterId);
    await post(`/api/v1/tickets/${t.id}/resume`, tellers[t.counterId]!);
    await complete(t.id, t.counterId);
  }
  for (const c of [4, 1, 2, 3]) {
    for (;;) {
      const cur = await h.request<CallNextResponse>('GET', `/api/v1/counters/${c}/current`, { token: tellers[c] });
      if (cur.status === 200) await complete(cur.body.ticket.id, c);
      const next = await callNext(c);
      if (next.status === 204) break;
      await complete(next.body.ticket.id, c);
    }
  }
}

async function serveOrder(counterId: number): Promise<string[]> {
  const order: string[] = [];
  for (;;) {
    const r = await callNext(counterId);
    if (r.status === 204) return order;
    order.push(r.body.ticket.id);
    await complete(r.body.ticket.id, counterId);
  }
}

async function auditActions(subject: string): Promise<string[]> {
  const res = await h.request<{ entries: { action: string; subject: string }[] }>('GET', '/api/v1/audit?limit=500', { token: admin });
  return res.body.entries.filter((e) => e.subject === subject).map((e) => e.action);
}

function setPolicy(policy: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const db = new Database(join(h.dataDir, 'branch.db'));
  const row = db.prepare('SELECT id, rules_json FROM branch').get() as { id: string; rules_json: string };
  const rules = JSON.parse(row.rules_json) as { queue: Record<string, unknown> };
  rules.queue = { ...rules.queue, policy, ...extra };
  db.prepare('UPDATE branch SET rules_json = ? WHERE id = ?').run(JSON.stringify(rules), row.id);
  db.close();
}

beforeAll(async () => {
  h = await startHarness();
  await signIn();
});
afterAll(async () => h?.stop());
beforeEach(async () => drain());

describe('priority by law and the branch policy', () => {
  it('takes the priority reason at the kiosk and calls it before normal tickets (strict by default)', async () => {
    const n1 = await take('A');
    const p1 = await take('A', { priority: 'elderly' });
    const n2 = await take('A');
    const p2 = await take('A', { priority: 'pregnant' });
    expect(p1.position).toBe(1);
    expect(p2.position).toBe(2);
    expect(n1.position).toBe(1); // at issue time it was first
    const bad = await h.request<ErrorBody>('POST', '/api/v1/tickets', { token: kiosk, body: { serviceCode: 'A', requestId: requestId(), priority: 'tired' } });
    expect(bad.status).toBe(400);
    const snap = (await h.request<QueueSnapshot>('GET', '/api/v1/queue', { token: manager })).body;
    expect(snap.waiting.filter((w) => w.serviceCode === 'A').map((w) => w.id)).toEqual([p1.id, p2.id, n1.id, n2.id]);
    expect(snap.waiting.find((w) => w.id === p1.id)).toMatchObject({ ticketClass: 'priority', priorityReason: 'elderly' });
    const first = await callNext(1);
    expect(first.body.ticket).toMatchObject({ id: p1.id, ticketClass: 'priority', priorityReason: 'elderly', parked: false, recallCount: 0 });
    await complete(p1.id, 1);
    expect(await serveOrder(1)).toEqual([p2.id, n1.id, n2.id]);
  });

  it('follows queue.policy from the branch rules: interleave after N priority calls', async () => {
    setPolicy({ kind: 'interleave', interleaveEvery: 1 });
    await h.restart();
    await signIn();
    try {
      const n1 = await take('B');
      const n2 = await take('B');
      const p1 = await take('B', { priority: 'disabled' });
      const p2 = await take('B', { priority: 'elderly' });
      expect(await serveOrder(1)).toEqual([p1.id, n1.id, p2.id, n2.id]);
    } finally {
      setPolicy({ kind: 'strict' });
      await h.restart();
      await signIn();
    }
  });
});

describe('teller operations', () => {
  it('calls a specific ticket, only one this counter serves and only while it waits', async () => {
    const a1 = await take('A');
    const a2 = await take('A');
    const e1 = await take('E');
    const chosen = await post<CallNextResponse>(`/api/v1/counters/1/call/${a2.id}`, tellers[1]!);
    expect(chosen.status).toBe(200);
    expect(chosen.body.ticket).toMatchObject({ id: a2.id, counterId: 1, status: 'called' });
    await complete(a2.id, 1);
    const notServed = await post<ErrorBody>(`/api/v1/counters/1/call/${e1.id}`, tellers[1]!); // counter 1 serves A, B, C
    expect(notServed.status).toBe(409);
    expect((await post(`/api/v1/counters/1/call/${a2.id}`, tellers[1]!)).status).toBe(409);
    expect((await post(`/api/v1/counters/2/call/${a1.id}`, tellers[1]!)).status).toBe(403);
    expect((await post('/api/v1/counters/1/call/not-a-uuid', tellers[1]!)).status).toBe(400);
    expect((await post(`/api/v1/counters/1/call/${a1.id}`, manager)).status).toBe(403);
    expect(await auditActions(`ticket:${a2.id}`)).toContain('ticket.call');
  });

  it('recalls up to the branch limit, announcing each recall, then marks the customer no-show', async () => {
    const display = await h.socket((await h.login({ deviceId: 'display-01', secret: 'demo' })).token);
    const calls = collect(display, 'ticket:called');
    const t = await take('C');
    await callNext(1);
    const r1 = await post<RecallResponse>(`/api/v1/tickets/${t.id}/recall`, tellers[1]!);
    expect(r1.body).toMatchObject({ outcome: 'recalled', ticket: { recallCount: 1, status: 'called' } });
    const r2 = await post<RecallResponse>(`/api/v1/tickets/${t.id}/recall`, tellers[1]!);
    expect(r2.body).toMatchObject({ outcome: 'recalled', ticket: { recallCount: 2 } });
    const r3 = await post<RecallResponse>(`/api/v1/tickets/${t.id}/recall`, tellers[1]!);
    expect(r3.body).toMatchObject({ outcome: 'no_show', ticket: { status: 'no_show' } });
    expect((await post(`/api/v1/tickets/${t.id}/recall`, tellers[1]!)).status).toBe(409);
    await new Promise((r) => setTimeout(r, 200));
    expect(calls.seen.filter((c) => c.number === t.number)).toHaveLength(3); // the call and two recalls
    expect(await auditActions(`ticket:${t.id}`)).toEqual(expect.arrayContaining(['ticket.recall', 'ticket.no_show']));
  });

  it('transfers to another service placed first, to a counter placed last, and by original arrival', async () => {
    const d1 = await take('D');
    const d2 = await take('D');
    const a = await take('A');
    await callNext(1);
    const toD = await post<TransferResponse>(`/api/v1/tickets/${a.id}/transfer`, tellers[1]!, { serviceCode: 'D', placement: 'first' });
    expect(toD.status).toBe(200);
    expect(toD.body.ticket).toMatchObject({ id: a.id, number: a.number, serviceCode: 'D', position: 1, targetCounterId: null });
    expect((await h.request('GET', '/api/v1/counters/1/current', { token: tellers[1] })).status).toBe(204);
    expect(await serveOrder(2)).toEqual([a.id, d1.id, d2.id]);

    // To counter 3, placed last among what counter 3 would serve; only counter 3 calls it.
    const e1 = await take('E');
    const b = await take('B');
    await callNext(2);
    const toCounter = await post<TransferResponse>(`/api/v1/tickets/${b.id}/transfer`, tellers[2]!, { counterId: 3, placement: 'last' });
    expect(toCounter.body.ticket).toMatchObject({ serviceCode: 'B', targetCounterId: 3 });
    expect((await callNext(1)).status).toBe(204); // counter 1 serves B but the ticket was sent to counter 3
    expect(await serveOrder(3)).toEqual([e1.id, b.id]);

    // A manager transfers a waiting ticket by its original arrival.
    const c1 = await take('C');
    const c2 = await take('C');
    const early = await take('A');
    const late = await take('C');
    // Its place is its turn in the order of calls at every counter: the free counters call the two
    // older C tickets first, then one calls it.
    expect(early.position).toBe(3);
    const byArrival = await post<TransferResponse>(`/api/v1/tickets/${early.id}/transfer`, manager, { serviceCode: 'C', placement: 'original' });
    expect(byArrival.body.ticket.position).toBe(3);
    expect(await serveOrder(3)).toEqual([c1.id, c2.id, early.id, late.id]);

    const invalid = await post<ErrorBody>(`/api/v1/tickets/${early.id}/transfer`, manager, { placement: 'first' });
    expect(invalid.status).toBe(400);
    const x = await take('A');
    expect((await post(`/api/v1/tickets/${x.id}/transfer`, manager, { serviceCode: 'V' })).status).toBe(400);
    expect((await post(`/api/v1/tickets/${x.id}/transfer`, manager, { serviceCode: 'Q' })).status).toBe(404);
    expect((await post(`/api/v1/tickets/${x.id}/transfer`, manager, { counterId: 99 })).status).toBe(404);
    expect((await post(`/api/v1/tickets/${x.id}/transfer`, tellers[1]!, { serviceCode: 'B' })).status).toBe(409); // not at their counter
    expect(await auditActions(`ticket:${a.id}`)).toContain('ticket.transfer');
  });

  it('parks a customer, frees the counter, and resumes at any open counter', async () => {
    const t = await take('A');
    const other = await take('A');
    await callNext(1);
    const parked = await post<CallNextResponse>(`/api/v1/tickets/${t.id}/park`, tellers[1]!);
    expect(parked.body.ticket).toMatchObject({ id: t.id, parked: true, status: 'called' });
    expect((await h.request('GET', '/api/v1/counters/1/current', { token: tellers[1] })).status).toBe(204);
    expect((await complete(t.id, 1)).status).toBe(409); // resume first
    const list = await h.request<ParkedListResponse>('GET', '/api/v1/parked', { token: tellers[2] });
    expect(list.body.tickets.map((p) => p.id)).toEqual([t.id]);
    const next = await callNext(1);
    expect(next.body.ticket.id).toBe(other.id);
    expect((await post(`/api/v1/tickets/${t.id}/resume`, tellers[1]!)).status).toBe(409); // counter 1 is busy
    const resumed = await post<CallNextResponse>(`/api/v1/tickets/${t.id}/resume`, tellers[2]!);
    expect(resumed.body.ticket).toMatchObject({ id: t.id, parked: false, counterId: 2 });
    expect((await post(`/api/v1/tickets/${t.id}/resume`, tellers[3]!)).status).toBe(409); // not parked any more
    expect((await complete(t.id, 2)).status).toBe(200);
    expect(await auditActions(`ticket:${t.id}`)).toEqual(expect.arrayContaining(['ticket.park', 'ticket.resume', 'ticket.complete']));
  });

  it('completes with an outcome code, recorded and audited', async () => {
    const t = await take('B');
    await callNext(1);
    expect((await complete(t.id, 1, { outcome: 'Not A Code!' })).status).toBe(400);
    const done = await complete(t.id, 1, { outcome: 'referred_to_rm' });
    expect(done.status).toBe(200);
    const admin = await h.request<{ entries: { action: string; subject: string; detail: Record<string, unknown> }[] }>('GET', '/api/v1/audit?limit=50', {
      token: (await h.login({ staffId: 'admin', pin: '9999' })).token,
    });
    const entry = admin.body.entries.find((e) => e.subject === `ticket:${t.id}` && e.action === 'ticket.complete')!;
    expect(entry.detail).toMatchObject({ outcome: 'referred_to_rm' });
  });
});

describe('counter states', () => {
  it('pause with a reason refuses calls, estimates count open counters only, open serves again', async () => {
    for (let i = 0; i < 4; i++) await take('E'); // E is served by counters 3 and 4
    const a = await take('A'); // A by counters 1, 2 and 4
    const queue = async () => (await h.request<QueueSnapshot>('GET', '/api/v1/queue', { token: manager })).body;
    const eService = async () => (await queue()).services.find((s) => s.code === 'E')!;
    expect((await eService()).estimatedWaitMinutes).toEqual(expect.any(Number));
    const paused = await post<{ state: string; reason: string }>('/api/v1/counters/3/pause', tellers[3]!, { reason: 'break', note: '15 min' });
    expect(paused.body).toMatchObject({ counterId: 3, state: 'paused', reason: 'break', note: '15 min', changedBy: 't03' });
    // Counter 4 still serves E; with counter 4 paused too no open counter does: the estimate is unknown.
    expect((await eService()).estimatedWaitMinutes).toEqual(expect.any(Number));
    await post('/api/v1/counters/4/pause', tellers[4]!, { reason: 'break' });
    expect((await eService()).estimatedWaitMinutes).toBeNull();
    const eTickets = (await queue()).waiting.filter((w) => w.serviceCode === 'E');
    expect(eTickets).toHaveLength(4);
    for (const w of eTickets) expect(w.estimatedWaitMinutes).toBeNull();
    expect((await queue()).waiting.find((w) => w.id === a.id)!.estimatedWaitMinutes).toEqual(expect.any(Number));
    await post('/api/v1/counters/4/open', tellers[4]!);
    expect((await eService()).estimatedWaitMinutes).toEqual(expect.any(Number));
    const refused = await callNext(3);
    expect(refused.status).toBe(409);
    expect((refused.body as unknown as ErrorBody).error.message).toMatch(/paused/);
    expect((await post('/api/v1/counters/3/pause', tellers[3]!, { reason: 'nap' })).status).toBe(400);
    expect((await post('/api/v1/counters/3/pause', tellers[3]!)).status).toBe(400);
    expect((await post('/api/v1/counters/2/pause', tellers[3]!, { reason: 'break' })).status).toBe(403);
    const list = await h.request<CountersResponse>('GET', '/api/v1/counters', { token: tellers[1] });
    expect(list.body.counters.find((c) => c.counterId === 3)).toMatchObject({ state: 'paused', reason: 'break' });
    expect(list.body.counters.find((c) => c.counterId === 1)).toMatchObject({ state: 'open', reason: null });
    await post('/api/v1/counters/3/open', tellers[3]!);
    expect((await callNext(3)).status).toBe(200);
    // Close is refused while a ticket is open at the counter.
    expect((await post('/api/v1/counters/3/close', tellers[3]!)).status).toBe(409);
    const cur = await h.request<CallNextResponse>('GET', '/api/v1/counters/3/current', { token: tellers[3] });
    await complete(cur.body.ticket.id, 3);
    expect((await post('/api/v1/counters/3/close', manager)).body).toMatchObject({ state: 'closed', changedBy: 'm01' });
    expect((await callNext(3)).status).toBe(409);
    expect(await auditActions('counter:3')).toEqual(expect.arrayContaining(['counter.pause', 'counter.open', 'counter.close']));
  });
});

describe('manager: reassign services', () => {
  it("changes a counter's services and weights, used by the next call, the estimate and the branch info", async () => {
    const b = await take('B');
    const e = await take('E'); // counters 3 and 4 serve E
    const before = (await h.request<QueueSnapshot>('GET', '/api/v1/queue', { token: manager })).body.services.find((s) => s.code === 'E')!;
    expect((await post('/api/v1/counters/1/services', manager, { services: [{ code: 'E', weight: 5 }] })).status).toBe(404); // PUT only
    const put = (body: unknown, token = manager) => h.request<{ counterId: number; services: { code: string; weight: number }[] }>('PUT', '/api/v1/counters/1/services', { token, body });
    expect((await put({ services: [{ code: 'E', weight: 5 }] }, tellers[1]!)).status).toBe(403);
    expect((await put({ services: [] })).status).toBe(400);
    expect((await put({ services: [{ code: 'E', weight: 1 }, { code: 'E', weight: 2 }] })).status).toBe(400);
    expect((await put({ services: [{ code: 'Q', weight: 1 }] })).status).toBe(404);
    try {
      const res = await put({ services: [{ code: 'B', weight: 1 }, { code: 'E', weight: 5 }] });
      expect(res.body).toEqual({ counterId: 1, services: [{ code: 'E', weight: 5 }, { code: 'B', weight: 1 }] });
      const info = await h.request<{ counters: { id: number; serviceCodes: string[] }[] }>('GET', '/api/v1/branch', { token: manager });
      expect(info.body.counters.find((c) => c.id === 1)!.serviceCodes).toEqual(['E', 'B']);
      // E now weighs 5 at counter 1: called before the B ticket that arrived earlier.
      expect((await callNext(1)).body.ticket.id).toBe(e.id);
      await complete(e.id, 1);
      const after = (await h.request<QueueSnapshot>('GET', '/api/v1/queue', { token: manager })).body.services.find((s) => s.code === 'E')!;
      expect(after.waiting).toBe(before.waiting - 1);
      expect((await callNext(1)).body.ticket.id).toBe(b.id);
      await complete(b.id, 1);
      expect(await auditActions('counter:1')).toContain('counter.services');
    } finally {
      await put({ services: [{ code: 'A', weight: 1 }, { code: 'B', weight: 1 }, { code: 'C', weight: 1 }] });
    }
    const restored = await h.request<{ counters: { id: number; serviceCodes: string[] }[] }>('GET', '/api/v1/branch', { token: manager });
    expect(restored.body.counters.find((c) => c.id === 1)!.serviceCodes).toEqual(['A', 'B', 'C']);
  });
});

describe('manager: green channel with a reason', () => {
  it('moves an identified waiting customer into the green channel, records the decision and pushes it', async () => {
    const mgr = await h.socket(manager);
    const routedP = nextEvent(mgr, 'green-channel:routed');
    const guest = await take('A');
    const general = await take('C', { identity: { kind: 'phone', value: '13800000003' } });
    expect(general.route).toBe('standard');
    expect((await post<ErrorBody>(`/api/v1/tickets/${guest.id}/green-channel`, manager, { reason: 'looks important' })).status).toBe(409);
    expect((await post(`/api/v1/tickets/${general.id}/green-channel`, tellers[1]!, { reason: 'x-x' })).status).toBe(403);
    expect((await post(`/api/v1/tickets/${general.id}/green-channel`, manager, {})).status).toBe(400);
    const moved = await post<GreenChannelDecision>(`/api/v1/tickets/${general.id}/green-channel`, manager, { reason: 'elderly customer with a large deposit' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      ticketId: general.id,
      rule: 'manager',
      reason: 'elderly customer with a large deposit',
      decidedBy: 'm01',
      fromServiceCode: 'C',
      destinationServiceCode: 'V',
    });
    expect(await routedP).toMatchObject({ ticketId: general.id, decidedBy: 'm01' });
    expect((await post(`/api/v1/tickets/${general.id}/green-channel`, manager, { reason: 'again' })).status).toBe(409);
    const list = await h.request<{ decisions: GreenChannelDecision[] }>('GET', '/api/v1/green-channel', { token: manager });
    expect(list.body.decisions.find((d) => d.ticketId === general.id)).toMatchObject({ decidedBy: 'm01', rule: 'manager' });
    // Now first at the VIP counter, ahead of the earlier guest.
    const called = await callNext(4);
    expect(called.body.ticket).toMatchObject({ id: general.id, route: 'green_channel', ticketClass: 'green', serviceCode: 'V' });
    expect(await auditActions(`ticket:${general.id}`)).toContain('green_channel.route');
  });
});

describe('waiting-time estimate and the phone page notice', () => {
  it('forecasts each call from recent service times and the open counters; near at position <= 3 or estimate <= 5 minutes', async () => {
    // 10:00 in the branch: the test's quarter of an hour never crosses midnight, whenever it runs.
    let clock = Date.parse(`${new Date().toISOString().slice(0, 10)}T02:00:00Z`);
    const own = await startHarness({ now: () => clock });
    try {
      const k = (await own.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
      const m = (await own.login({ staffId: 'm01', pin: '1111' })).token;
      const t2 = (await own.login({ staffId: 't02', pin: '2222' })).token;
      const t3 = (await own.login({ staffId: 't03', pin: '2222' })).token;
      await own.login({ staffId: 't04', pin: '2222' }); // counter 4 is open while its teller is signed in
      const issue = async () =>
        (await own.request<CreateTicketResponse>('POST', '/api/v1/tickets', { token: k, body: { serviceCode: 'D', requestId: requestId() } })).body.ticket;
      const counter = (id: number, action: 'pause' | 'open') =>
        own.request('POST', `/api/v1/counters/${id}/${action}`, { token: m, body: action === 'pause' ? { reason: 'meeting' } : undefined });
      // Three D visits of 2, 4 and 30 minutes: the typical time is the median, 4 minutes.
      for (const minutes of [2, 4, 30]) {
        await issue();
        const c = await own.request<CallNextResponse>('POST', '/api/v1/counters/2/call-next', { token: t2 });
        clock += minutes * 60_000;
        await own.request('POST', `/api/v1/tickets/${c.body.ticket.id}/complete`, { token: t2 });
      }
      const waiting: CreateTicketResponse['ticket'][] = [];
      for (let i = 0; i < 7; i++) waiting.push(await issue());
      // D is served by counters 2, 3 and 4, all idle: they call three tickets now, three more after
      // one typical visit (4 minutes) and the seventh after two. The kiosk shows it at issue.
      expect(waiting.map((w) => w.estimatedWaitMinutes)).toEqual([0, 0, 0, 4, 4, 4, 8]);
      const track = async (t: { trackUrl: string }) => (await own.request<TrackResponse>('GET', `/api/v1/track/${t.trackUrl.split('/t/')[1]}`)).body;
      const estimates = async (from = 0) => (await Promise.all(waiting.slice(from).map(track))).map((t) => t.estimatedWaitMinutes);
      expect(await track(waiting[6]!)).toMatchObject({ position: 7, estimatedWaitMinutes: 8, near: false });
      expect(await track(waiting[5]!)).toMatchObject({ position: 6, estimatedWaitMinutes: 4, near: true }); // by minutes
      expect(await track(waiting[2]!)).toMatchObject({ position: 3, estimatedWaitMinutes: 0, near: true });
      // The manager's list: every waiting ticket's estimate; the service: until the last one waiting is called.
      const snap = (await own.request<QueueSnapshot>('GET', '/api/v1/queue', { token: m })).body;
      expect(waiting.map((w) => snap.waiting.find((x) => x.id === w.id)!.estimatedWaitMinutes)).toEqual([0, 0, 0, 4, 4, 4, 8]);
      expect(snap.services.find((s) => s.code === 'D')).toMatchObject({ waiting: 7, estimatedWaitMinutes: 8 });
      // Counter 3 pauses: counters 2 and 4 share the line.
      await counter(3, 'pause');
      expect(await estimates()).toEqual([0, 0, 4, 4, 8, 8, 12]);
      expect(await track(waiting[5]!)).toMatchObject({ position: 6, estimatedWaitMinutes: 8, near: false });
      // Counters 2 and 4 pause too: no open counter serves D, so the estimate is unknown and near goes by position only.
      await counter(2, 'pause');
      await counter(4, 'pause');
      expect(await track(waiting[2]!)).toMatchObject({ position: 3, estimatedWaitMinutes: null, near: true });
      expect(await track(waiting[6]!)).toMatchObject({ position: 7, estimatedWaitMinutes: null, near: false });
      expect((await own.request<QueueSnapshot>('GET', '/api/v1/queue', { token: m })).body.services.find((s) => s.code === 'D')).toMatchObject({
        waiting: 7,
        estimatedWaitMinutes: null,
      });
      for (const id of [2, 3, 4]) await counter(id, 'open');
      expect(await track(waiting[5]!)).toMatchObject({ estimatedWaitMinutes: 4, near: true });
      // Counters 3 and 2 call and are taken for a typical visit; counter 4 is idle and calls the next one at once.
      await own.request('POST', '/api/v1/counters/3/call-next', { token: t3 });
      await own.request('POST', '/api/v1/counters/2/call-next', { token: t2 });
      expect(await estimates(2)).toEqual([0, 4, 4, 4, 8]);
      // Two minutes on (no queue change): the visits at counters 2 and 3 end in two minutes.
      clock += 2 * 60_000;
      expect(await estimates(2)).toEqual([0, 2, 2, 4, 6]);
      expect(await track(waiting[6]!)).toMatchObject({ position: 5, estimatedWaitMinutes: 6, near: false });
      expect(await track(waiting[0]!)).toMatchObject({ status: 'called', estimatedWaitMinutes: 0, near: false });
      // Ten minutes on, the visits run longer than typical: they may end any moment.
      clock += 10 * 60_000;
      expect(await estimates(2)).toEqual([0, 0, 0, 4, 4]);
    } finally {
      await own.stop();
    }
  });
});
