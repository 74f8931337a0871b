/**
 * Appointments through a real hub with a controlled clock: booking, the kiosk's check-in
 * by booking code (placed by booked time, early window, too early, late -> walk-in at the back),
 * idempotency, the wrong-code rate limit, cancelling, permissions, masking, audit, transfers "by
 * original arrival" and the paper ticket of an appointment, the sweep to `missed` and the demo
 * branch's appointments.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AppointmentListResponse,
  AppointmentResponse,
  CallNextResponse,
  CheckInErrorBody,
  ConfirmIdentityResponse,
  CheckInResponse,
  CreateTicketResponse,
  ErrorBody,
  PublicQueueSnapshot,
  QueueSnapshot,
  TrackResponse,
  TransferResponse,
} from '../../src-main/domain/contracts';
import { nextEvent, requestId, startHarness, type Harness } from './hub-harness';

/** 2026-11-23 at HH:MM(:SS) in Shanghai. */
const at = (hhmm: string) => Date.parse(`2026-11-23T${hhmm.length === 5 ? `${hhmm}:00` : hhmm}+08:00`);
const iso = (hhmm: string, date = '2026-11-23') => `${date}T${hhmm}:00+08:00`;

let clock = at('08:00');
let h: Harness;
let kiosk: string;
let kiosk2: string;
let manager: string;
let admin: string;
let display: string;
const tellers: Record<number, string> = {};

const post = <T>(path: string, token: string | undefined, body?: unknown) => h.request<T>('POST', path, { token, body });
const get = <T>(path: string, token: string | undefined) => h.request<T>('GET', path, { token });

async function book(serviceCode: string, bookedAt: string, extra: Record<string, unknown> = {}) {
  const res = await post<AppointmentResponse>('/api/v1/appointments', manager, { serviceCode, bookedAt, ...extra });
  if (res.status !== 201) throw new Error(`booking failed ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.appointment;
}
const checkIn = (code: string, rid = requestId(), token = kiosk) =>
  post<CheckInResponse & CheckInErrorBody>('/api/v1/appointments/check-in', token, { code, requestId: rid, language: 'en' });

async function walkIn(serviceCode: string) {
  const res = await post<CreateTicketResponse>('/api/v1/tickets', kiosk, { serviceCode, requestId: requestId() });
  if (res.status !== 201) throw new Error(`ticket failed ${res.status}`);
  return res.body.ticket;
}
async function waitingIds(serviceCode: string): Promise<string[]> {
  const q = await get<QueueSnapshot>('/api/v1/queue', manager);
  return q.body.waiting.filter((w) => w.serviceCode === serviceCode).map((w) => w.id);
}
async function serveAll(counterId: number): Promise<string[]> {
  const order: string[] = [];
  for (;;) {
    const r = await post<CallNextResponse>(`/api/v1/counters/${counterId}/call-next`, tellers[counterId]);
    if (r.status === 204) return order;
    order.push(r.body.ticket.id);
    await post(`/api/v1/tickets/${r.body.ticket.id}/complete`, tellers[counterId]);
  }
}
async function drain() {
  for (const c of [4, 1, 2, 3]) await serveAll(c);
}
const list = async (date?: string) => (await get<AppointmentListResponse>(`/api/v1/appointments${date ? `?date=${date}` : ''}`, manager)).body;

beforeAll(async () => {
  h = await startHarness({ now: () => clock, customers: 60 });
  // A second kiosk (same demo secret) to show the rate limit is per kiosk.
  const db = new Database(join(h.dataDir, 'branch.db'));
  db.prepare("INSERT INTO device (id, branch_id, kind, secret_hash, active) SELECT 'kiosk-02', branch_id, kind, secret_hash, 1 FROM device WHERE id = 'kiosk-01'").run();
  db.close();
  kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
  kiosk2 = (await h.login({ deviceId: 'kiosk-02', secret: 'demo' })).token;
  display = (await h.login({ deviceId: 'display-01', secret: 'demo' })).token;
  manager = (await h.login({ staffId: 'm01', pin: '1111' })).token;
  admin = (await h.login({ staffId: 'admin', pin: '9999' })).token;
  for (const c of [1, 2, 3, 4]) tellers[c] = (await h.login({ staffId: `t0${c}`, pin: '2222' })).token;
});
afterAll(async () => h?.stop());

describe('booking', () => {
  it('gives a six-digit code; staff see the day with the customer masked', async () => {
    const a = await book('C', iso('16:00'), { customer: { kind: 'phone', value: '138 0000 0003' }, note: 'card replacement', source: 'phone' });
    expect(a.code).toMatch(/^\d{6}$/);
    expect(a).toMatchObject({
      businessDate: '2026-11-23',
      bookedTime: '16:00',
      opensAt: new Date(at('15:30')).toISOString(),
      lateAfter: new Date(at('16:10')).toISOString(),
      serviceCode: 'C',
      status: 'booked',
      customer: { maskedName: '张*', maskedPhone: '138****0003' },
      ticket: null,
      source: 'phone',
      note: 'card replacement',
      createdBy: 'm01',
    });
    const teller = await get<AppointmentListResponse>('/api/v1/appointments', tellers[1]);
    expect(teller.status).toBe(200);
    expect(teller.body).toMatchObject({ date: '2026-11-23', timeZone: 'Asia/Shanghai', rules: { enabled: true, earlyMinutes: 30, lateMinutes: 10 } });
    expect(teller.body.appointments.map((x) => x.code)).toContain(a.code);
    // Never the full phone number or name.
    expect(JSON.stringify(teller.body)).not.toMatch(/13800000003|张伟/);
  });

  it('validates what is booked', async () => {
    const bad = async (body: Record<string, unknown>, status: number, message: RegExp) => {
      const r = await post<ErrorBody>('/api/v1/appointments', manager, { serviceCode: 'A', bookedAt: iso('17:00'), ...body });
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.body.error.message).toMatch(message);
    };
    await bad({ bookedAt: '2026-11-23T17:00:00' }, 400, /bookedAt/); // no time zone
    await bad({ bookedAt: 'tomorrow at five' }, 400, /bookedAt/);
    await bad({ bookedAt: iso('17:00', '2026-11-22') }, 400, /before today/);
    await bad({ bookedAt: iso('17:00', '2027-03-01') }, 400, /90 days/);
    await bad({ bookedAt: iso('07:40') }, 400, /late window/); // 07:50 is past already
    await bad({ serviceCode: 'V' }, 400, /green channel/);
    await bad({ serviceCode: 'Z' }, 404, /service Z/);
    await bad({ customer: { kind: 'phone', value: '1380000' } }, 400, /customer/);
    await bad({ customer: { kind: 'phone', value: '19999999999' } }, 404, /customer/);
    await bad({ note: 'x'.repeat(201) }, 400, /note/);
    await bad({ extra: 1 }, 400, /extra|Unrecognized/i);
    // A booking for a later day is fine (its business date is that day).
    const later = await book('A', iso('09:00', '2026-11-30'));
    expect(later.businessDate).toBe('2026-11-30');
  });

  it('is for managers and admins; staff read; the kiosk and display do not', async () => {
    const body = { serviceCode: 'A', bookedAt: iso('17:00') };
    expect((await post('/api/v1/appointments', kiosk, body)).status).toBe(403);
    expect((await post('/api/v1/appointments', tellers[1], body)).status).toBe(403);
    expect((await post('/api/v1/appointments', undefined, body)).status).toBe(401);
    expect((await post('/api/v1/appointments', admin, body)).status).toBe(201);
    expect((await get('/api/v1/appointments', display)).status).toBe(403);
    expect((await get('/api/v1/appointments', kiosk)).status).toBe(403);
    expect((await get('/api/v1/appointments?date=23-11-2026', manager)).status).toBe(400);
    const a = await book('A', iso('17:30'));
    expect((await post(`/api/v1/appointments/${a.id}/cancel`, tellers[1])).status).toBe(403);
    expect((await post(`/api/v1/appointments/${a.id}/cancel`, kiosk)).status).toBe(403);
    // Only a kiosk checks in.
    expect((await post('/api/v1/appointments/check-in', manager, { code: a.code, requestId: requestId() })).status).toBe(403);
  });
});

describe('check-in at the kiosk', () => {
  it('places the ticket by booked time: ahead of walk-ins who came after the booked time, behind those before', async () => {
    const a = await book('A', iso('09:30'), { customer: { kind: 'phone', value: '13800000003' } });
    clock = at('09:00');
    const w1 = await walkIn('A');
    clock = at('09:05'); // check-in opened at 09:00
    const r = await checkIn(a.code);
    expect(r.status).toBe(201);
    expect(r.body.outcome).toBe('on_time');
    expect(r.body.appointment).toMatchObject({ bookedTime: '09:30', serviceCode: 'A', status: 'checked_in', checkedInAt: new Date(at('09:05')).toISOString() });
    expect(r.body.ticket).toMatchObject({ serviceCode: 'A', identification: 'typed', identified: false, position: 2, peopleAhead: 1 });
    clock = at('09:20');
    const w2 = await walkIn('A'); // arrived before the booked time: ahead
    clock = at('09:40');
    const w3 = await walkIn('A'); // after the booked time: behind
    expect(await waitingIds('A')).toEqual([w1.id, w2.id, r.body.ticket.id, w3.id]);

    // Staff see "appointment 09:30"; the display and the phone page see nothing of it.
    const q = await get<QueueSnapshot>('/api/v1/queue', tellers[1]);
    expect(q.body.waiting.find((w) => w.id === r.body.ticket.id)?.appointment).toEqual({
      bookedAt: new Date(at('09:30')).toISOString(),
      bookedTime: '09:30',
      late: false,
    });
    expect(q.body.waiting.find((w) => w.id === w1.id)?.appointment).toBeUndefined();
    const ds = await h.socket(display);
    const pub = await new Promise<PublicQueueSnapshot>((resolve) =>
      ds.emit('queue:snapshot', (res) => resolve((res as { ok: true; data: PublicQueueSnapshot }).data)),
    );
    expect(JSON.stringify(pub)).not.toMatch(/appointment|09:30/);
    const track = await get<TrackResponse>(`/api/v1/track/${r.body.ticket.trackUrl.split('/t/')[1]}`, undefined);
    expect(track.body.position).toBe(3);
    expect(JSON.stringify(track.body)).not.toMatch(/appointment|booked/i);

    // The counter calls them in that order; the called ticket carries the appointment too.
    clock = at('09:45');
    const first = await post<CallNextResponse>('/api/v1/counters/1/call-next', tellers[1]);
    expect(first.body.ticket.id).toBe(w1.id);
    await post(`/api/v1/tickets/${w1.id}/complete`, tellers[1]);
    const second = await post<CallNextResponse>('/api/v1/counters/1/call-next', tellers[1]);
    expect(second.body.ticket.id).toBe(w2.id);
    await post(`/api/v1/tickets/${w2.id}/complete`, tellers[1]);
    const third = await post<CallNextResponse>('/api/v1/counters/1/call-next', tellers[1]);
    expect(third.body.ticket).toMatchObject({ id: r.body.ticket.id, appointment: { bookedTime: '09:30', late: false }, customerName: '张*' });
    await post(`/api/v1/tickets/${third.body.ticket.id}/complete`, tellers[1]);
    expect(await serveAll(1)).toEqual([w3.id]);

    const listed = (await list()).appointments.find((x) => x.id === a.id)!;
    expect(listed).toMatchObject({ status: 'checked_in', ticket: { id: r.body.ticket.id, status: 'completed' } });
  });

  it('opens exactly earlyMinutes before; earlier is refused with when check-in opens, and nothing is issued', async () => {
    await drain();
    const a = await book('B', iso('11:00'));
    clock = at('10:29:59');
    const early = await checkIn(a.code);
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({
      code: 'conflict',
      reason: 'too_early',
      opensAt: new Date(at('10:30')).toISOString(),
      opensTime: '10:30',
      bookedTime: '11:00',
    });
    expect(await waitingIds('B')).toEqual([]);
    expect((await list()).appointments.find((x) => x.id === a.id)?.status).toBe('booked');
    // The customer takes a walk-in ticket meanwhile; at 10:30 the booking checks in, queued at 11:00.
    const walk = await walkIn('B');
    clock = at('10:30');
    const ok = await checkIn(a.code);
    expect(ok.status).toBe(201);
    expect(ok.body.outcome).toBe('on_time');
    expect(await waitingIds('B')).toEqual([walk.id, ok.body.ticket.id]);
    // A too-early answer is no wrong code: the limiter did not count it (several in a row are fine).
    const b = await book('B', iso('15:00'));
    for (let i = 0; i < 6; i++) expect((await checkIn(b.code)).body.error.reason).toBe('too_early');
  });

  it('late: after the late window the customer joins as a walk-in at the back; the booking is marked late', async () => {
    await drain();
    const a = await book('A', iso('11:30'));
    clock = at('11:20');
    const before = await walkIn('A');
    clock = at('11:35');
    const w1 = await walkIn('A');
    clock = at('11:40'); // the last on-time minute
    expect((await list()).appointments.find((x) => x.id === a.id)?.status).toBe('booked');
    clock = at('11:40:30');
    // Not checked in by the end of the late window: missed (a late arrival may still check in).
    expect((await list()).appointments.find((x) => x.id === a.id)?.status).toBe('missed');
    clock = at('11:41');
    const r = await checkIn(a.code);
    expect(r.status).toBe(201);
    expect(r.body.outcome).toBe('late');
    expect(r.body.appointment.status).toBe('late');
    clock = at('11:45');
    const w2 = await walkIn('A');
    expect(await waitingIds('A')).toEqual([before.id, w1.id, r.body.ticket.id, w2.id]);
    const q = await get<QueueSnapshot>('/api/v1/queue', manager);
    expect(q.body.waiting.find((w) => w.id === r.body.ticket.id)?.appointment).toMatchObject({ bookedTime: '11:30', late: true });
    const listed = (await list()).appointments.find((x) => x.id === a.id)!;
    expect(listed).toMatchObject({ status: 'late', ticket: { id: r.body.ticket.id, number: r.body.ticket.number } });
  });

  it('is idempotent by requestId, and a second check-in of the same code returns the ticket issued before', async () => {
    await drain();
    const a = await book('C', iso('12:00'));
    clock = at('12:00');
    const rid = requestId();
    const first = await checkIn(a.code, rid);
    expect(first.status).toBe(201);
    const again = await checkIn(a.code, rid);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: 'on_time', ticket: { id: first.body.ticket.id, number: first.body.ticket.number } });
    const other = await checkIn(a.code);
    expect(other.status).toBe(200);
    expect(other.body).toMatchObject({ outcome: 'already_checked_in', ticket: { id: first.body.ticket.id } });
    expect(await waitingIds('C')).toEqual([first.body.ticket.id]);
    // A requestId used for a walk-in ticket is not an appointment's.
    const walkRid = requestId();
    await post('/api/v1/tickets', kiosk, { serviceCode: 'C', requestId: walkRid });
    const clash = await checkIn(a.code, walkRid);
    expect(clash.status).toBe(409);
    // A checked-in booking cannot be cancelled.
    const cancel = await post<ErrorBody>(`/api/v1/appointments/${a.id}/cancel`, manager);
    expect(cancel.status).toBe(409);
    expect(cancel.body.error.message).toMatch(/checked in/);
  });

  it("treats the appointment's customer like a typed identification: a locked card until staff check the person, then the green channel", async () => {
    await drain();
    const a = await book('A', iso('12:30'), { customer: { kind: 'card', value: '6225880000000019' } }); // #1, top tier
    const mgr = await h.socket(manager);
    const cardP = nextEvent(mgr, 'customer:card');
    clock = at('12:30');
    const r = await checkIn(a.code);
    expect(r.status).toBe(201);
    // A booking code is something the customer knows, like a typed number: a standard ticket, nothing said at the kiosk.
    expect(r.body.ticket).toMatchObject({ route: 'standard', serviceCode: 'A', requestedServiceCode: 'A', identification: 'typed', identified: false, vip: false });
    expect(JSON.stringify(r.body)).not.toMatch(/王|13800000001|6225880000000019|C\d+"/);
    const locked = await cardP;
    expect(locked).toMatchObject({ ticketId: r.body.ticket.id, locked: true, identification: { strength: 'typed' }, holdings: [], offers: [] });
    // The lobby manager checks the person's ID: the card unlocks and the green-channel rule routes them now.
    const unlocked = nextEvent(mgr, 'customer:card', 3000, (c) => c.ticketId === r.body.ticket.id && !c.locked);
    const routedP = nextEvent(mgr, 'green-channel:routed');
    const confirmed = await post<ConfirmIdentityResponse>(`/api/v1/tickets/${r.body.ticket.id}/identity/confirm`, manager, { check: 'id_document' });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ identification: { strength: 'confirmed', confirmedBy: 'm01', check: 'id_document' }, greenChannel: { rule: 'key_customer' } });
    expect((await routedP).ticketId).toBe(r.body.ticket.id);
    expect((await unlocked).holdings.length).toBeGreaterThan(0);
    const called = await post<CallNextResponse>('/api/v1/counters/4/call-next', tellers[4]);
    expect(called.body.ticket).toMatchObject({
      id: r.body.ticket.id,
      ticketClass: 'green',
      appointment: { bookedTime: '12:30', late: false },
      identification: { strength: 'confirmed' },
    });
    await post(`/api/v1/tickets/${r.body.ticket.id}/complete`, tellers[4]);
  });

  it('refuses unknown codes and codes of another day, and rate-limits wrong codes per kiosk', async () => {
    await drain();
    clock = at('13:00');
    const tomorrow = await book('A', iso('10:00', '2026-11-24'));
    const valid = await book('A', iso('13:15'));
    const notToday = await checkIn(tomorrow.code);
    expect(notToday.status).toBe(409);
    expect(notToday.body.error).toMatchObject({ reason: 'not_today', bookedFor: '2026-11-24' });
    const used = new Set([tomorrow.code, valid.code, ...(await list()).appointments.map((x) => x.code)]);
    const wrong = ['000000', '999999', '123456', '654321', '111111', '222222'].filter((c) => !used.has(c));
    for (const code of wrong.slice(0, 4)) {
      const r = await checkIn(code);
      expect(r.status).toBe(404);
      expect(r.body.error).toMatchObject({ code: 'not_found', reason: 'not_found' });
    }
    // Five wrong codes within ten minutes: this kiosk is refused, even a right code.
    const limited = await checkIn(valid.code);
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ code: 'rate_limited', reason: 'too_many_attempts', retryAfterSeconds: 600 });
    // Malformed codes are a 400 before anything else.
    const malformed = await checkIn('12345');
    expect(malformed.status).toBe(400);
    // Another kiosk is not affected.
    const other = await checkIn(valid.code, requestId(), kiosk2);
    expect(other.status).toBe(201);
    // After the window the first kiosk may try again.
    clock = at('13:10:01');
    expect((await checkIn(wrong[4]!)).status).toBe(404);
  });

  it('cancel: the booking is cancelled with a reason, audited; checking in is refused', async () => {
    await drain();
    clock = at('13:30');
    const a = await book('D', iso('14:00'), { customer: { kind: 'phone', value: '13800000006' } });
    const r = await post<AppointmentResponse>(`/api/v1/appointments/${a.id}/cancel`, manager, { reason: 'customer called' });
    expect(r.status).toBe(200);
    expect(r.body.appointment).toMatchObject({ status: 'cancelled', cancelledBy: 'm01', cancelReason: 'customer called' });
    expect((await post<ErrorBody>(`/api/v1/appointments/${a.id}/cancel`, manager)).status).toBe(409);
    expect((await post<ErrorBody>('/api/v1/appointments/999999/cancel', manager)).status).toBe(404);
    expect((await post<ErrorBody>(`/api/v1/appointments/${a.id}/cancel`, manager, { reason: 'x' })).status).toBe(400);
    clock = at('13:45');
    const c = await checkIn(a.code);
    expect(c.status).toBe(409);
    expect(c.body.error.reason).toBe('cancelled');

    const audit = await get<{ entries: { action: string; subject: string; actor: string; detail: Record<string, unknown> }[] }>(
      '/api/v1/audit?limit=500',
      admin,
    );
    const mine = audit.body.entries.filter((e) => e.subject === `appointment:${a.id}`);
    expect(mine.map((e) => e.action).sort()).toEqual(['appointment.cancel', 'appointment.create']);
    expect(mine.find((e) => e.action === 'appointment.create')?.detail).toMatchObject({ code: a.code, serviceCode: 'D', customer: expect.stringMatching(/^C\d+$/) });
    const checkIns = audit.body.entries.filter((e) => e.action === 'appointment.check_in');
    expect(checkIns.length).toBeGreaterThanOrEqual(5);
    expect(checkIns.every((e) => e.actor.startsWith('kiosk-'))).toBe(true);
  });

  it('a transfer "by original arrival" keeps an on-time appointment at its booked time, a late one at its arrival', async () => {
    await drain();
    clock = at('13:46');
    const onTime = await book('D', iso('13:50'));
    const late = await book('D', iso('13:47'));
    clock = at('13:52');
    const w1 = await walkIn('E');
    clock = at('13:55');
    const w2 = await walkIn('E');
    clock = at('13:58');
    const a = await checkIn(onTime.code); // within 13:50's late window: queued at 13:50, though issued at 13:58
    expect(a.body.outcome).toBe('on_time');
    const b = await checkIn(late.code); // 13:47's late window ended 13:57: a walk-in queued at 13:58
    expect(b.body.outcome).toBe('late');
    // Their paper tickets (in the kiosk's language, en) say the booked time, and the late one that it came late.
    const receipt = async (id: string) =>
      (await fetch(`${h.hub.url}/api/v1/tickets/${id}/receipt?format=text`, { headers: { authorization: `Bearer ${kiosk}` } })).text();
    expect(await receipt(a.body.ticket.id)).toMatch(/Appointment +13:50\n(?! +Late)/);
    expect(await receipt(b.body.ticket.id)).toMatch(/Appointment +13:47\n +Late: queued as a walk-in\n/);
    expect(await receipt(w1.id)).not.toMatch(/Appointment|预约/);
    clock = at('13:59');
    const w3 = await walkIn('E');
    // The manager sends both to line E, placed by original arrival.
    for (const id of [a.body.ticket.id, b.body.ticket.id]) {
      const r = await post<TransferResponse>(`/api/v1/tickets/${id}/transfer`, manager, { serviceCode: 'E', placement: 'original' });
      expect(r.status).toBe(200);
    }
    expect(await waitingIds('E')).toEqual([a.body.ticket.id, w1.id, w2.id, b.body.ticket.id, w3.id]);
    // A teller transferring the called appointment back to D "by original arrival" keeps 13:50 too.
    const w4 = await walkIn('D');
    const called = await post<CallNextResponse>('/api/v1/counters/3/call-next', tellers[3]);
    expect(called.body.ticket.id).toBe(a.body.ticket.id);
    const back = await post<TransferResponse>(`/api/v1/tickets/${a.body.ticket.id}/transfer`, tellers[3], { serviceCode: 'D', placement: 'original' });
    expect(back.status).toBe(200);
    expect(await waitingIds('D')).toEqual([a.body.ticket.id, w4.id]);
    // The transfer's answer is the ticket as the staff snapshot lists it: the appointment badge included.
    expect(back.body.ticket).toMatchObject({ id: a.body.ticket.id, position: 1, appointment: { bookedTime: '13:50', late: false } });
  });
});

describe('the day and the demo', () => {
  it('sweeps bookings past their late window to missed, and the demo branch has its four appointments, once', async () => {
    await drain();
    clock = at('14:00');
    const a = await book('E', iso('14:20'));
    clock = at('15:00');
    await h.restart({ now: () => clock }); // the sweep runs at start (and every minute)
    const db = new Database(join(h.dataDir, 'branch.db'), { readonly: true });
    expect(db.prepare('SELECT status FROM appointment WHERE id = ?').get(a.id)).toEqual({ status: 'missed' });
    const demo = db.prepare("SELECT code, status, customer_id IS NOT NULL AS known FROM appointment WHERE source = 'demo' AND business_date = '2026-11-23' ORDER BY code").all();
    db.close();
    // Re-timed at this start: 100001 on time (15:10), 100002 later (17:00), 100003 late (14:00, swept to missed).
    expect(demo).toEqual([
      { code: '100001', status: 'booked', known: 1 },
      { code: '100002', status: 'booked', known: 1 },
      { code: '100003', status: 'missed', known: 0 },
      { code: '100004', status: 'missed', known: 1 },
    ]);
    manager = (await h.login({ staffId: 'm01', pin: '1111' })).token;
    kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
    const byCode = new Map((await list()).appointments.map((x) => [x.code, x]));
    expect(byCode.get('100001')).toMatchObject({ bookedTime: '15:10', serviceCode: 'A', customer: { maskedPhone: '138****0003' } });
    expect(byCode.get('100002')).toMatchObject({ bookedTime: '17:00', serviceCode: 'E', customer: { maskedPhone: '138****0002' } });
    expect(byCode.get('100003')).toMatchObject({ bookedTime: '14:00', serviceCode: 'B', customer: null, status: 'missed' });
    expect((await checkIn('100002')).body.error).toMatchObject({ reason: 'too_early', opensTime: '16:30' });
    expect((await checkIn('100001')).body.outcome).toBe('on_time');
    expect((await checkIn('100003')).body.outcome).toBe('late');
    // Restarting again keeps one row per code; checked-in ones are left as they are.
    await h.restart({ now: () => clock });
    const again = new Database(join(h.dataDir, 'branch.db'), { readonly: true });
    expect(
      again.prepare("SELECT code, status FROM appointment WHERE source = 'demo' AND business_date = '2026-11-23' ORDER BY code").all(),
    ).toEqual([
      { code: '100001', status: 'checked_in' },
      { code: '100002', status: 'booked' },
      { code: '100003', status: 'late' },
      { code: '100004', status: 'missed' },
    ]);
    // The next business day gets its own.
    again.close();
    clock = Date.parse('2026-11-24T09:00:00+08:00');
    await h.restart({ now: () => clock });
    const next = new Database(join(h.dataDir, 'branch.db'), { readonly: true });
    expect(next.prepare("SELECT count(*) AS n FROM appointment WHERE source = 'demo' AND business_date = '2026-11-24'").get()).toEqual({ n: 4 });
    next.close();
  });
});
