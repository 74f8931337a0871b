/**
 * The walk-in path through a real hub: kiosk ticket -> green channel -> manager card -> teller call,
 * over HTTP and socket.io, with the privacy rules of each role.
 */
import { LATEST_SCHEMA_VERSION } from '../../src-main/hub/db/open';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CallNextResponse,
  CreateTicketResponse,
  CustomerCard,
  ErrorBody,
  GreenChannelDecision,
  PublicQueueSnapshot,
  QueueSnapshot,
  TrackResponse,
} from '../../src-main/domain/contracts';
import { collect, nextEvent, requestId, startHarness, type Harness } from './hub-harness';

let h: Harness;
let kiosk: string;
let manager: string;
const tellers: Record<number, string> = {};

async function take(serviceCode: string, identity?: { kind: 'phone' | 'card' | 'idNumber'; value: string; method?: 'keypad' | 'reader' }, rid = requestId()) {
  const res = await h.request<CreateTicketResponse>('POST', '/api/v1/tickets', {
    token: kiosk,
    body: { serviceCode, requestId: rid, ...(identity ? { identity } : {}) },
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`ticket failed ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.ticket;
}

async function callNext(counterId: number) {
  return h.request<CallNextResponse>('POST', `/api/v1/counters/${counterId}/call-next`, { token: tellers[counterId] });
}

async function drain() {
  // Serve everyone left so each test starts from an empty queue.
  for (const counterId of [4, 1, 2, 3]) {
    for (;;) {
      const cur = await h.request<CallNextResponse>('GET', `/api/v1/counters/${counterId}/current`, { token: tellers[counterId] });
      if (cur.status === 200) await h.request('POST', `/api/v1/tickets/${cur.body.ticket.id}/complete`, { token: tellers[counterId] });
      const next = await callNext(counterId);
      if (next.status === 204) break;
      await h.request('POST', `/api/v1/tickets/${next.body.ticket.id}/complete`, { token: tellers[counterId] });
    }
  }
}

beforeAll(async () => {
  h = await startHarness();
  kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
  manager = (await h.login({ staffId: 'm01', pin: '1111' })).token;
  for (const c of [1, 2, 3, 4]) tellers[c] = (await h.login({ staffId: `t0${c}`, pin: '2222' })).token;
});
afterAll(async () => h?.stop());

describe('contract basics', () => {
  it('answers /healthz (the same as /readyz)', async () => {
    const res = await h.request<{ status: string; schemaVersion: number; database: { writable: boolean } }>('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ready');
    expect(res.body.database.writable).toBe(true);
    expect(res.body.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
  });

  it('answers unknown routes and bad JSON with the error shape and no stack', async () => {
    const missing = await h.request<ErrorBody>('GET', '/api/v1/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const bad = await h.request<ErrorBody>('POST', '/api/v1/tickets', { token: kiosk, rawBody: '{"serviceCode":' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect(JSON.stringify(bad.body)).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('signs in staff and devices, refuses wrong PINs and rate-limits guessing', async () => {
    const t = await h.login({ staffId: 't01', pin: '2222' });
    expect(t).toMatchObject({ role: 'teller', counterId: 1, branchId: 'demo-001' });
    expect((await h.login({ deviceId: 'display-01', secret: 'demo' })).role).toBe('display');
    const wrong = await h.request<ErrorBody>('POST', '/api/v1/auth/login', { body: { staffId: 'admin', pin: '0000' } });
    expect(wrong.status).toBe(401);
    const malformed = await h.request<ErrorBody>('POST', '/api/v1/auth/login', { body: { staffId: 'm01', pin: 'abc' } });
    expect(malformed.status).toBe(400);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await h.request('POST', '/api/v1/auth/login', { body: { staffId: 'nobody', pin: '1234' } })).status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
  });

  it('checks the role behind every token', async () => {
    expect((await h.request('POST', '/api/v1/tickets', { body: { serviceCode: 'A', requestId: requestId() } })).status).toBe(401);
    const asTeller = await h.request<ErrorBody>('POST', '/api/v1/tickets', { token: tellers[1], body: { serviceCode: 'A', requestId: requestId() } });
    expect(asTeller.status).toBe(403);
    expect((await h.request('POST', '/api/v1/counters/1/call-next', { token: kiosk })).status).toBe(403);
    expect((await h.request('GET', '/api/v1/cards', { token: tellers[1] })).status).toBe(403);
    expect((await h.request('GET', '/api/v1/audit', { token: manager })).status).toBe(403);
    expect((await h.request('POST', '/api/v1/counters/2/call-next', { token: tellers[1] })).status).toBe(403);
  });
});

describe('kiosk tickets', () => {
  it('issues guest tickets with numbers, position, estimate and an opaque tracking URL', async () => {
    await drain();
    const a = await take('A');
    const b = await take('A');
    expect(a.number).toMatch(/^A\d{3}$/);
    expect(Number(b.number.slice(1))).toBe(Number(a.number.slice(1)) + 1);
    expect(a).toMatchObject({ serviceCode: 'A', vip: false, route: 'standard', identified: false, position: 1, peopleAhead: 0 });
    expect(b).toMatchObject({ position: 2, peopleAhead: 1 });
    // Counters 1, 2 and 4 serve A and are idle: the queue forecast has both called at once.
    expect(a.estimatedWaitMinutes).toBe(0);
    expect(b.estimatedWaitMinutes).toBe(0);
    expect(b.trackUrl).toMatch(/\/t\/[A-Za-z0-9_-]{16,}$/);
    expect(b.trackUrl).not.toContain(b.id);
  });

  it('returns the same ticket for the same requestId', async () => {
    const rid = requestId();
    const first = await h.request<CreateTicketResponse>('POST', '/api/v1/tickets', { token: kiosk, body: { serviceCode: 'B', requestId: rid } });
    const again = await h.request<CreateTicketResponse>('POST', '/api/v1/tickets', { token: kiosk, body: { serviceCode: 'B', requestId: rid } });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.ticket.id).toBe(first.body.ticket.id);
    expect(again.body.ticket.number).toBe(first.body.ticket.number);
  });

  it('rejects malformed identities and unknown services, and makes unknown people guests', async () => {
    const bad = [
      { kind: 'phone', value: '1380000000' },
      { kind: 'card', value: '6225880000000000' },
      { kind: 'idNumber', value: '110105194912310021' },
      { kind: 'email', value: 'x@y.z' },
    ];
    for (const identity of bad) {
      const res = await h.request<ErrorBody>('POST', '/api/v1/tickets', { token: kiosk, body: { serviceCode: 'A', identity, requestId: requestId() } });
      expect(res.status, JSON.stringify(identity)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await h.request('POST', '/api/v1/tickets', { token: kiosk, body: { serviceCode: 'Q', requestId: requestId() } })).status).toBe(404);
    expect((await h.request('POST', '/api/v1/tickets', { token: kiosk, body: { serviceCode: 'V', requestId: requestId() } })).status).toBe(400);
    const stranger = await take('A', { kind: 'phone', value: '139 1234-5678' });
    expect(stranger.identified).toBe(false);
  });
});

describe('green channel, customer card and teller', () => {
  it('routes a top-tier key customer to the VIP counter, records it and pushes a masked card to managers only', async () => {
    await drain();
    const mgr = await h.socket(manager);
    const display = await h.socket((await h.login({ deviceId: 'display-01', secret: 'demo' })).token);
    const displayCards = collect(display, 'customer:card');
    const displayQueue = nextEvent(display, 'queue:changed');
    const cardP = nextEvent(mgr, 'customer:card');
    const routedP = nextEvent(mgr, 'green-channel:routed');

    const ticket = await take('A', h.cardRead('13800000001'));
    expect(ticket).toMatchObject({ serviceCode: 'V', requestedServiceCode: 'A', vip: true, route: 'green_channel', identified: true });
    expect(ticket.number).toMatch(/^V\d{3}$/);

    const card = (await cardP) as CustomerCard;
    expect(card.ticketId).toBe(ticket.id);
    expect(card.customer.maskedPhone).toBe('138****0001');
    expect(card.customer.maskedIdNumber).toMatch(/^\d{3}\*+[\dX]{4}$/);
    expect(card.customer.maskedName).toContain('*');
    expect(card.customer).toMatchObject({ tier: 'top', stars: 5, keyCustomer: true, vip: true });
    expect(card.holdings.length).toBeGreaterThan(0);
    for (const g of card.holdings) for (const item of g.items) expect(item.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const kinds = card.reminders.map((r) => r.kind);
    expect(kinds).toContain('birthday');
    expect(card.reminders.find((r) => r.kind === 'birthday')!.daysUntil).toBe(0);
    expect(card.reminders.some((r) => r.kind === 'maturity' && r.daysUntil <= 7)).toBe(true);
    expect(card.offers.length).toBeGreaterThanOrEqual(3);
    expect(card.offers.map((o) => o.rank)).toEqual([1, 2, 3]);
    for (const o of card.offers) expect(o.reasons.length).toBeGreaterThan(0);
    expect(card.greenChannel).toMatchObject({ ticketId: ticket.id, destinationServiceCode: 'V', destinationCounterId: 4 });
    // Nothing in the card payload is an unmasked identifier.
    expect(JSON.stringify(card)).not.toContain('13800000001');

    const routed = (await routedP) as GreenChannelDecision;
    expect(routed).toMatchObject({ ticketId: ticket.id, rule: 'key_customer', fromServiceCode: 'A', destinationServiceCode: 'V' });
    const list = await h.request<{ decisions: GreenChannelDecision[] }>('GET', '/api/v1/green-channel', { token: manager });
    expect(list.body.decisions.some((d) => d.ticketId === ticket.id)).toBe(true);

    const pub = (await displayQueue) as PublicQueueSnapshot;
    expect(pub.audience).toBe('public');
    expect(JSON.stringify(pub)).not.toMatch(/holdings|maskedName|tier/);
    expect(displayCards.seen).toHaveLength(0);

    // The teller at the VIP counter calls the green-channel ticket first and sees VIP at once.
    const normal = await take('A');
    const called = await callNext(4);
    expect(called.status).toBe(200);
    expect(called.body.ticket).toMatchObject({ id: ticket.id, vip: true, route: 'green_channel', tier: 'top', counterId: 4 });
    expect(called.body.ticket.customerName).toContain('*');
    const withdrawn = nextEvent(mgr, 'customer:card:withdrawn');
    const done = await h.request<CallNextResponse>('POST', `/api/v1/tickets/${ticket.id}/complete`, { token: tellers[4] });
    expect(done.body.ticket.status).toBe('completed');
    expect(await withdrawn).toEqual({ ticketId: ticket.id, reason: 'completed' });
    // Purpose-bound: once the visit ended the card is gone.
    expect((await h.request('GET', `/api/v1/tickets/${ticket.id}/card`, { token: manager })).status).toBe(404);
    const next = await callNext(4);
    expect(next.body.ticket.id).toBe(normal.id);
    await h.request('POST', `/api/v1/tickets/${normal.id}/no-show`, { token: tellers[4] });
  });

  it('identifies by bank card and resident ID as well as phone', async () => {
    const { fixedIdentities } = await import('../../src-main/hub/demo/seed');
    const today = new Date().toISOString().slice(0, 10);
    const gold = fixedIdentities(today).find((f) => f.phone === '13800000002')!;
    const byCard = await take('E', { kind: 'card', value: gold.cardNumber.replace(/(\d{4})/g, '$1 '), method: 'reader' });
    expect(byCard).toMatchObject({ identification: 'read', identified: true, vip: true, route: 'green_channel' });
    const general = fixedIdentities(today).find((f) => f.phone === '13800000003')!;
    const byId = await take('C', { kind: 'idNumber', value: general.idNumber.toLowerCase(), method: 'reader' });
    expect(byId).toMatchObject({ identification: 'read', identified: true, vip: false, route: 'standard', serviceCode: 'C' });
    // The same card typed on the keypad: a standard ticket, and nothing says whose it is.
    const typed = await take('E', { kind: 'card', value: gold.cardNumber });
    expect(typed).toMatchObject({ identification: 'typed', identified: false, vip: false, route: 'standard', serviceCode: 'E' });
  });

  it('calls green channel first, then VIP, then first come first served', async () => {
    await drain();
    const g1 = await take('A');
    const g2 = await take('B');
    const vip = await take('A', h.cardRead('13800000002')); // gold -> green channel V
    const g3 = await take('A');
    const order: string[] = [];
    for (;;) {
      const r = await callNext(4);
      if (r.status === 204) break;
      order.push(r.body.ticket.id);
      await h.request('POST', `/api/v1/tickets/${r.body.ticket.id}/complete`, { token: tellers[4] });
    }
    expect(order).toEqual([vip.id, g1.id, g2.id, g3.id]);
  });

  it('keeps a counter to one open ticket and ends only tickets called at that counter', async () => {
    await drain();
    const t1 = await take('A');
    await take('A');
    const c1 = await callNext(1);
    expect(c1.body.ticket.id).toBe(t1.id);
    expect((await callNext(1)).status).toBe(409);
    const other = await h.request<ErrorBody>('POST', `/api/v1/tickets/${t1.id}/complete`, { token: tellers[2] });
    expect(other.status).toBe(409);
    const current = await h.request<CallNextResponse>('GET', '/api/v1/counters/1/current', { token: tellers[1] });
    expect(current.body.ticket.id).toBe(t1.id);
    expect((await h.request('POST', `/api/v1/tickets/${t1.id}/no-show`, { token: tellers[1] })).status).toBe(200);
    expect((await h.request('POST', `/api/v1/tickets/${t1.id}/complete`, { token: tellers[1] })).status).toBe(409);
    expect((await h.request('POST', '/api/v1/tickets/not-a-uuid/complete', { token: tellers[1] })).status).toBe(400);
    await drain();
    expect((await callNext(1)).status).toBe(204);
  });

  it('tracks a ticket on the phone page without personal data', async () => {
    await drain();
    const first = await take('D');
    const t = await take('D', h.cardRead('13800000003'));
    const token = t.trackUrl.split('/t/')[1]!;
    const before = await h.request<TrackResponse>('GET', `/api/v1/track/${token}`);
    expect(before.body).toMatchObject({ number: t.number, status: 'waiting', position: 2 });
    expect(Object.keys(before.body).sort()).toEqual(
      ['branchName', 'counterId', 'counterName', 'estimatedWaitMinutes', 'near', 'number', 'position', 'serviceCode', 'serviceName', 'status'].sort(),
    );
    const c = await callNext(2);
    expect(c.body.ticket.id).toBe(first.id);
    const after = await h.request<TrackResponse>('GET', `/api/v1/track/${token}`);
    expect(after.body.position).toBe(1);
    expect((await h.request('GET', '/api/v1/track/AAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    await drain();
  });

  it('stores the manager outcome per suggestion and audits card views', async () => {
    const t = await take('A', h.cardRead('13800000004')); // student
    const card = (await h.request<CustomerCard>('GET', `/api/v1/tickets/${t.id}/card`, { token: manager })).body;
    expect(card.customer.lifeStage).toBe('student');
    expect(card.offers.length).toBeGreaterThanOrEqual(3);
    const offer = card.offers[0]!;
    const res = await h.request('POST', `/api/v1/tickets/${t.id}/offers/${offer.productCode}/outcome`, { token: manager, body: { outcome: 'accepted' } });
    expect(res.status).toBe(200);
    const declined = await h.request('POST', `/api/v1/tickets/${t.id}/offers/${card.offers[1]!.productCode}/outcome`, { token: manager, body: { outcome: 'declined' } });
    expect(declined.status).toBe(200);
    expect((await h.request('POST', `/api/v1/tickets/${t.id}/offers/NOT_OFFERED/outcome`, { token: manager, body: { outcome: 'later' } })).status).toBe(404);
    expect((await h.request('POST', `/api/v1/tickets/${t.id}/offers/${offer.productCode}/outcome`, { token: manager, body: { outcome: 'maybe' } })).status).toBe(400);
    const again = (await h.request<CustomerCard>('GET', `/api/v1/tickets/${t.id}/card`, { token: manager })).body;
    expect(again.offers[0]!.outcome).toBe('accepted');
    expect(again.offers[1]!.outcome).toBe('declined');

    const admin = (await h.login({ staffId: 'admin', pin: '9999' })).token;
    const audit = await h.request<{ entries: { action: string; actor: string; subject: string }[] }>('GET', '/api/v1/audit?limit=200', { token: admin });
    const views = audit.body.entries.filter((e) => e.action === 'customer_card.view' && e.subject === `ticket:${t.id}`);
    expect(views.length).toBeGreaterThanOrEqual(2);
    expect(views.every((v) => v.actor === 'm01')).toBe(true);
    expect(audit.body.entries.some((e) => e.action === 'offer.outcome' && e.subject === `ticket:${t.id}`)).toBe(true);
    expect(audit.body.entries.some((e) => e.action === 'green_channel.route')).toBe(true);
    await drain();
  });

  it('gives an opted-out customer service information only and never offers credit to an overdue borrower', async () => {
    const out = await take('A', h.cardRead('13800000005'));
    const card = (await h.request<CustomerCard>('GET', `/api/v1/tickets/${out.id}/card`, { token: manager })).body;
    expect(card.serviceOnly).toBe(true);
    expect(card.offers).toEqual([]);
    const overdue = await take('D', h.cardRead('13800000006'));
    expect(overdue.route).toBe('standard');
    const c6 = (await h.request<CustomerCard>('GET', `/api/v1/tickets/${overdue.id}/card`, { token: manager })).body;
    expect(c6.customer.keyCustomer).toBe(false);
    for (const o of c6.offers) expect(['loan', 'credit_card']).not.toContain(o.category);
    await drain();
  });

  it('lets managers and tellers, not kiosks, receive staff queue snapshots; refuses sockets without a token', async () => {
    const teller = await h.socket(tellers[1]!);
    const snap = await new Promise<QueueSnapshot>((resolve, reject) =>
      teller.emit('queue:snapshot', (r) => (r.ok ? resolve(r.data as QueueSnapshot) : reject(new Error(r.error.message)))),
    );
    expect(snap.audience).toBe('staff');
    expect(snap.services.map((s) => s.code)).toContain('V');
    const denied = await new Promise<{ ok: boolean; code?: string }>((resolve) =>
      teller.emit('cards:list', (r) => resolve(r.ok ? { ok: true } : { ok: false, code: r.error.code })),
    );
    expect(denied).toEqual({ ok: false, code: 'forbidden' });
    await expect(h.socket(null)).rejects.toThrow(/unauthenticated/);
    await expect(h.socket('forged-token')).rejects.toThrow(/unauthenticated/);
    const kioskSocket = await h.socket(kiosk);
    const cards = collect(kioskSocket, 'customer:card');
    const mgr = await h.socket(manager);
    const cardP = nextEvent(mgr, 'customer:card');
    await take('A', h.cardRead('13800000003'));
    await cardP;
    expect(cards.seen).toHaveLength(0);
    await drain();
  });
});

describe('durability', () => {
  it('keeps tickets and numbering across a restart', async () => {
    const before = await take('C');
    await h.restart();
    kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
    for (const c of [1, 2, 3, 4]) tellers[c] = (await h.login({ staffId: `t0${c}`, pin: '2222' })).token;
    manager = (await h.login({ staffId: 'm01', pin: '1111' })).token;
    const after = await take('C');
    expect(Number(after.number.slice(1))).toBe(Number(before.number.slice(1)) + 1);
    const snap = await h.request<QueueSnapshot>('GET', '/api/v1/queue', { token: manager });
    expect(snap.body.waiting.map((w) => w.id)).toContain(before.id);
  });

  it('starts numbering again on a new business day', async () => {
    const day1 = Date.parse('2031-03-01T15:00:00Z'); // 23:00 in Shanghai
    let clock = day1;
    await h.restart({ now: () => clock });
    kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
    expect((await take('E')).number).toBe('E001');
    expect((await take('E')).number).toBe('E002');
    clock = Date.parse('2031-03-01T16:05:00Z'); // 00:05 the next day in Shanghai
    expect((await take('E')).number).toBe('E001');
    expect((await take('E')).number).toBe('E002');
  });
});
