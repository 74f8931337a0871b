/**
 * The manager's counters board and ticket actions through a real hub: the board's
 * source (GET /api/v1/counters with each counter's profile and weights, refreshed on queue:changed),
 * and every refusal the manager screen words in plain language (ops.ts opsErrorMsg) matched
 * against the hub's real answers (their reasons and values), so a changed reason cannot silently fall back.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallNextResponse, CounterStatus, CountersResponse, CreateTicketResponse, ErrorBody, QueueSnapshot } from '../../src-main/domain/contracts';
import { opsErrorMsg } from '../../src-renderer/src/screens/manager/ops';
import { ApiError } from '../../src-renderer/src/lib/api';
import { nextEvent, requestId, startHarness, type Harness } from './hub-harness';

let h: Harness;
let kiosk: string;
let manager: string;
let teller2: string;

beforeAll(async () => {
  h = await startHarness();
  kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
  manager = (await h.login({ staffId: 'm01', pin: '1111' })).token;
  teller2 = (await h.login({ staffId: 't02', pin: '2222' })).token;
});
afterAll(async () => h?.stop());

async function take(serviceCode: string, extra: Record<string, unknown> = {}) {
  const res = await h.request<CreateTicketResponse>('POST', '/api/v1/tickets', { token: kiosk, body: { serviceCode, requestId: requestId(), ...extra } });
  if (res.status !== 201) throw new Error(`ticket failed ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.ticket;
}
const counters = async () => (await h.request<CountersResponse>('GET', '/api/v1/counters', { token: manager })).body.counters;
const one = async (id: number) => (await counters()).find((c) => c.counterId === id)!;

/** The screen's wording for a refused request: its i18n key and values. */
async function refusal(method: string, path: string, body?: unknown, token = manager) {
  const res = await h.request<ErrorBody>(method, path, { token, body });
  expect(res.status).toBeGreaterThanOrEqual(400);
  const { code, message, reason, details: _details, ...params } = res.body.error;
  return opsErrorMsg(new ApiError(res.status, code, message, reason ?? null, params));
}

describe('the counters board', () => {
  it("lists every counter with its state, the number it serves and its profile (services with weights)", async () => {
    const list = await counters();
    expect(list.map((c) => c.counterId)).toEqual([1, 2, 3, 4]);
    expect(list.find((c) => c.counterId === 1)!.services).toEqual([
      { code: 'A', weight: 1 },
      { code: 'B', weight: 1 },
      { code: 'C', weight: 1 },
    ]);
    // The VIP counter serves the green channel first: heaviest first.
    expect(list.find((c) => c.counterId === 4)!.services[0]).toEqual({ code: 'V', weight: 10 });
  });

  it('shows a reassigned profile, and every change pushes a new snapshot the board refreshes on', async () => {
    const mgr = await h.socket(manager);
    const pushed = nextEvent(mgr, 'queue:changed', 3000, (s) => s.audience === 'staff');
    const put = await h.request('PUT', '/api/v1/counters/1/services', { token: manager, body: { services: [{ code: 'A', weight: 2 }, { code: 'E', weight: 7 }] } });
    expect(put.status).toBe(200);
    const snap = (await pushed) as QueueSnapshot;
    expect(snap.offset).toBeGreaterThan(0);
    expect((await one(1)).services).toEqual([
      { code: 'E', weight: 7 },
      { code: 'A', weight: 2 },
    ]);
    // The next change comes whole or as a delta from this snapshot (queue:delta); either carries the new offset.
    const again = Promise.any([
      nextEvent(mgr, 'queue:changed', 3000, (s) => s.audience === 'staff' && s.offset > snap.offset),
      nextEvent(mgr, 'queue:delta', 3000, (d) => d.offset > snap.offset && d.base.offset === snap.offset),
    ]);
    await h.request('POST', '/api/v1/counters/3/pause', { token: manager, body: { reason: 'training', note: 'new system' } });
    expect((await again).offset).toBeGreaterThan(snap.offset);
    expect(await one(3)).toMatchObject<Partial<CounterStatus>>({ state: 'paused', reason: 'training', note: 'new system', changedBy: 'm01' });
    await h.request('POST', '/api/v1/counters/3/open', { token: manager, body: {} });
    await h.request('PUT', '/api/v1/counters/1/services', { token: manager, body: { services: [{ code: 'A', weight: 1 }, { code: 'B', weight: 1 }, { code: 'C', weight: 1 }] } });
    expect((await one(1)).services.map((s) => s.code)).toEqual(['A', 'B', 'C']);
  });
});

describe('refusals in plain words (the reasons the screen recognises)', () => {
  it('closing or pausing a counter with a ticket open names the ticket', async () => {
    const ticket = await take('D');
    const called = await h.request<CallNextResponse>('POST', '/api/v1/counters/2/call-next', { token: teller2 });
    expect(called.body.ticket.id).toBe(ticket.id);
    expect(await refusal('POST', '/api/v1/counters/2/close', {})).toEqual({ key: 'manager:ops.errors.counterBusy', values: { number: ticket.number, counter: '2' } });
    expect((await refusal('POST', '/api/v1/counters/2/pause', { reason: 'break' })).key).toBe('manager:ops.errors.counterBusy');
    expect((await one(2)).currentNumber).toBe(ticket.number);
    // A manager transfers waiting tickets only.
    const m = await refusal('POST', `/api/v1/tickets/${ticket.id}/transfer`, { serviceCode: 'A', placement: 'first' });
    expect(m.key).toBe('manager:ops.errors.notWaiting');
    expect(m.values).toMatchObject({ number: ticket.number, status: { key: 'common:status.called' } });
    await h.request('POST', `/api/v1/tickets/${ticket.id}/complete`, { token: teller2 });
  });

  it('transfer: a VIP-only service, an unknown ticket, service or counter', async () => {
    const ticket = await take('A');
    expect((await refusal('POST', `/api/v1/tickets/${ticket.id}/transfer`, { serviceCode: 'V', placement: 'first' })).key).toBe('manager:ops.errors.vipOnly');
    expect((await refusal('POST', `/api/v1/tickets/${randomUUID()}/transfer`, { serviceCode: 'B', placement: 'first' })).key).toBe('manager:ops.errors.ticketGone');
    expect(await refusal('POST', `/api/v1/tickets/${ticket.id}/transfer`, { serviceCode: 'Q', placement: 'first' })).toEqual({ key: 'manager:ops.errors.serviceGone', values: { code: 'Q' } });
    expect(await refusal('POST', `/api/v1/tickets/${ticket.id}/transfer`, { counterId: 9, placement: 'first' })).toEqual({ key: 'manager:ops.errors.counterGone', values: { counter: '9' } });
    expect(await refusal('POST', '/api/v1/counters/9/pause', { reason: 'break' })).toEqual({ key: 'manager:ops.errors.counterGone', values: { counter: '9' } });
    // A teller may not move anyone into the green channel.
    expect((await refusal('POST', `/api/v1/tickets/${ticket.id}/green-channel`, { reason: 'because' }, teller2)).key).toBe('manager:ops.errors.forbidden');
    // Transferred to counter 3 only, placed first: the snapshot says so.
    const moved = await h.request<{ ticket: { targetCounterId: number | null; position: number } }>('POST', `/api/v1/tickets/${ticket.id}/transfer`, {
      token: manager,
      body: { counterId: 3, placement: 'first' },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.ticket).toMatchObject({ targetCounterId: 3, position: 1 });
    const snap = (await h.request<QueueSnapshot>('GET', '/api/v1/queue', { token: manager })).body;
    expect(snap.waiting.find((w) => w.id === ticket.id)).toMatchObject({ targetCounterId: 3, serviceCode: 'A' });
  });

  it('green channel: a guest ticket, then one already routed', async () => {
    const guest = await take('A');
    expect(await refusal('POST', `/api/v1/tickets/${guest.id}/green-channel`, { reason: 'looks important' })).toEqual({
      key: 'manager:ops.errors.guest',
      values: { number: guest.number },
    });
    const known = await take('C', { identity: { kind: 'phone', value: '13800000003' } });
    expect((await h.request('POST', `/api/v1/tickets/${known.id}/green-channel`, { token: manager, body: { reason: 'elderly customer' } })).status).toBe(200);
    expect(await refusal('POST', `/api/v1/tickets/${known.id}/green-channel`, { reason: 'again please' })).toEqual({
      key: 'manager:ops.errors.alreadyGreen',
      values: { number: known.number },
    });
  });
});
