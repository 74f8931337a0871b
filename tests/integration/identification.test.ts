/**
 * A typed number is not a customer, through a real hub: the strength of an identification
 * (typed / read / confirmed) decides the green channel, the manager's card, the teller's view and
 * the pre-filled form; the kiosk never learns whose a typed number is; attempts are limited per
 * kiosk and per identifier, audited, and a burst alerts the lobby manager.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_IDENTIFICATION_RULES } from '../../src-main/domain/identification';
import type {
  AuditEntry,
  CallNextResponse,
  ConfirmIdentityResponse,
  CreateTicketResponse,
  CustomerCard,
  ErrorBody,
  IssuedTicket,
  KioskFormInfo,
  LobbyAlert,
  QueueSnapshot,
} from '../../src-main/domain/contracts';
import { collect, nextEvent, requestId, startHarness, type Harness } from './hub-harness';

let h: Harness;
let kiosk: string;
let manager: string;
let admin: string;
const tellers: Record<number, string> = {};

const ticket = (identity?: object, token = kiosk) =>
  h.request<CreateTicketResponse & ErrorBody>('POST', '/api/v1/tickets', { token, body: { serviceCode: 'A', requestId: requestId(), ...(identity ? { identity } : {}) } });
const card = async (id: string) => (await h.request<CustomerCard>('GET', `/api/v1/tickets/${id}/card`, { token: manager })).body;
const audit = async () => (await h.request<{ entries: AuditEntry[] }>('GET', '/api/v1/audit?limit=500', { token: admin })).body.entries;

async function drain() {
  for (const counterId of [4, 1, 2, 3]) {
    for (;;) {
      const r = await h.request<CallNextResponse>('POST', `/api/v1/counters/${counterId}/call-next`, { token: tellers[counterId] });
      if (r.status !== 200) break;
      await h.request('POST', `/api/v1/tickets/${r.body.ticket.id}/complete`, { token: tellers[counterId] });
    }
  }
}

beforeAll(async () => {
  h = await startHarness();
  // A real branch's limits (the demo branch allows more tries, for people trying the personas).
  const db = new Database(join(h.dataDir, 'branch.db'));
  const { rules_json } = db.prepare('SELECT rules_json FROM branch').get() as { rules_json: string };
  db.prepare('UPDATE branch SET rules_json = ?').run(JSON.stringify({ ...JSON.parse(rules_json), identification: DEFAULT_IDENTIFICATION_RULES }));
  db.close();
  await h.restart();
  kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
  manager = (await h.login({ staffId: 'm01', pin: '1111' })).token;
  admin = (await h.login({ staffId: 'admin', pin: '9999' })).token;
  for (const c of [1, 2, 3, 4]) tellers[c] = (await h.login({ staffId: `t0${c}`, pin: '2222' })).token;
});
afterAll(async () => h.stop());

describe('a typed number', () => {
  it('gives a standard ticket and tells the kiosk nothing about whose number it is', async () => {
    const vip = await ticket({ kind: 'phone', value: '13800000001' }); // top tier, key customer
    const stranger = await ticket({ kind: 'phone', value: '13912345678' }); // nobody's
    expect(vip.status).toBe(201);
    // The two answers are alike but for the ticket itself: no tier, no VIP, no green channel, no "identified".
    const shape = (t: IssuedTicket) => ({ ...t, id: 'x', number: 'x', trackUrl: 'x', issuedAt: 'x', position: 0, peopleAhead: 0, estimatedWaitMinutes: 0 });
    expect(shape(vip.body.ticket)).toEqual(shape(stranger.body.ticket));
    expect(vip.body.ticket).toMatchObject({ identification: 'typed', identified: false, vip: false, route: 'standard', serviceCode: 'A' });
    expect(JSON.stringify(vip.body)).not.toMatch(/tier|top|green|王/);
    // Nor does its form: nothing is pre-filled from a typed number.
    const form = await h.request<KioskFormInfo>('GET', `/api/v1/tickets/${vip.body.ticket.id}/form/prefill`, { token: kiosk });
    expect(form.body.prefilled).toEqual({});
    await drain();
  });

  it('gives the manager a locked card: no holdings, AUM, reminders or offers until someone checks the person', async () => {
    const mgr = await h.socket(manager);
    const pushed = nextEvent(mgr, 'customer:card');
    const t = (await ticket({ kind: 'phone', value: '13800000002' })).body.ticket; // gold
    const c = await pushed;
    expect(c).toMatchObject({ ticketId: t.id, locked: true, identification: { strength: 'typed', confirmedAt: null, confirmedBy: null } });
    expect(c).toMatchObject({ holdings: [], reminders: [], offers: [], actions: [] });
    expect(c.customer).toMatchObject({ aumFen: null, productCount: null, maskedCardNumbers: [], tier: 'gold' });
    // No answer can be recorded for offers nobody saw.
    const code = (await h.request<CustomerCard>('GET', `/api/v1/tickets/${t.id}/card`, { token: manager })).body.offers[0]?.productCode ?? 'WM-R2';
    const refused = await h.request<ErrorBody>('POST', `/api/v1/tickets/${t.id}/offers/${code}/outcome`, { token: manager, body: { outcome: 'accepted' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.reason).toBe('identity_unconfirmed');
    // The staff queue shows the ticket as unconfirmed.
    const q = (await h.request<QueueSnapshot>('GET', '/api/v1/queue', { token: manager })).body;
    expect(q.waiting.find((w) => w.id === t.id)).toMatchObject({ identification: 'typed', vip: false, ticketClass: 'normal' });

    // The manager checks the ID: audited, the card unlocks, and a gold customer goes into the green channel.
    const unlocked = nextEvent(mgr, 'customer:card', 3000, (x) => x.ticketId === t.id && !x.locked);
    const routed = nextEvent(mgr, 'green-channel:routed');
    const res = await h.request<ConfirmIdentityResponse>('POST', `/api/v1/tickets/${t.id}/identity/confirm`, { token: manager, body: { check: 'id_document' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ identification: { strength: 'confirmed', confirmedBy: 'm01', check: 'id_document' }, greenChannel: { rule: 'tier_gold' } });
    expect((await routed).ticketId).toBe(t.id);
    const full = await unlocked;
    expect(full.holdings.length).toBeGreaterThan(0);
    expect(full.customer.aumFen).toBeGreaterThan(0);
    expect(full.offers.length).toBeGreaterThan(0);
    // Confirming again changes nothing; a bad check is a 400.
    const again = await h.request<ConfirmIdentityResponse>('POST', `/api/v1/tickets/${t.id}/identity/confirm`, { token: manager, body: { check: 'bank_card' } });
    expect(again.body.identification.check).toBe('id_document');
    expect((await h.request('POST', `/api/v1/tickets/${t.id}/identity/confirm`, { token: manager, body: { check: 'looks_honest' } })).status).toBe(400);
    // The teller at the VIP counter sees the confirmed identity.
    const called = await h.request<CallNextResponse>('POST', '/api/v1/counters/4/call-next', { token: tellers[4] });
    expect(called.body.ticket).toMatchObject({ id: t.id, ticketClass: 'green', identification: { strength: 'confirmed' } });
    const entries = await audit();
    expect(entries.find((e) => e.action === 'identity.confirm' && e.subject === `ticket:${t.id}`)).toMatchObject({ actor: 'm01', detail: { check: 'id_document', before: 'typed' } });
    await drain();
  });

  it('a teller confirms only the customer called at their counter; a guest has nothing to confirm', async () => {
    const t = (await ticket({ kind: 'phone', value: '13800000003' })).body.ticket;
    const early = await h.request<ErrorBody>('POST', `/api/v1/tickets/${t.id}/identity/confirm`, { token: tellers[1], body: { check: 'id_document' } });
    expect(early.body.error.reason).toBe('not_called_here');
    const called = await h.request<CallNextResponse>('POST', '/api/v1/counters/1/call-next', { token: tellers[1] });
    expect(called.body.ticket).toMatchObject({ id: t.id, identification: { strength: 'typed' } });
    const ok = await h.request<ConfirmIdentityResponse>('POST', `/api/v1/tickets/${t.id}/identity/confirm`, { token: tellers[1], body: { check: 'bank_card' } });
    expect(ok.body).toMatchObject({ identification: { strength: 'confirmed', confirmedBy: 't01' }, greenChannel: null });
    const guest = (await ticket()).body.ticket;
    const none = await h.request<ErrorBody>('POST', `/api/v1/tickets/${guest.id}/identity/confirm`, { token: manager, body: { check: 'id_document' } });
    expect(none.body.error.reason).toBe('guest_ticket');
    expect((await h.request('POST', `/api/v1/tickets/${guest.id}/identity/confirm`, { token: kiosk, body: { check: 'id_document' } })).status).toBe(403);
    await drain();
  });
});

describe('a card read by the kiosk reader', () => {
  it('is trusted at once: green channel, full card, pre-filled form; a phone number is never "read"', async () => {
    const read = await ticket(h.cardRead('13800000001'));
    expect(read.body.ticket).toMatchObject({ identification: 'read', identified: true, route: 'green_channel', serviceCode: 'V' });
    const c = await card(read.body.ticket.id);
    expect(c).toMatchObject({ locked: false, identification: { strength: 'read' } });
    expect(c.holdings.length).toBeGreaterThan(0);
    const phoneByReader = await ticket({ kind: 'phone', value: '13800000001', method: 'reader' });
    expect(phoneByReader.body.ticket).toMatchObject({ identification: 'typed', identified: false, route: 'standard' });
    await drain();
  });
});

describe('identification attempts', () => {
  it('are limited per identifier and per kiosk, audited, and a burst alerts the lobby manager once', async () => {
    const other = (await h.login({ deviceId: 'kiosk-02', secret: 'demo' }).catch(() => null))?.token;
    const mgr = await h.socket(manager);
    const alerts = collect(mgr, 'lobby:alert');
    // The same number: three tries within ten minutes, then refused (at any kiosk).
    for (let i = 0; i < 3; i++) expect((await ticket({ kind: 'phone', value: '13700000000' })).status).toBe(201);
    const fourth = await ticket({ kind: 'phone', value: '13700000000' });
    expect(fourth.status).toBe(429);
    expect(fourth.body.error).toMatchObject({ code: 'rate_limited', reason: 'too_many_identifications', scope: 'identifier' });
    expect(fourth.body.error.retryAfterSeconds).toBeGreaterThan(0);
    if (other) expect((await ticket({ kind: 'phone', value: '13700000000' }, other)).status).toBe(429);
    // A guest ticket is always possible.
    expect((await ticket()).status).toBe(201);
    // Many different numbers from one kiosk: the manager is alerted at 15, the kiosk refused after 30.
    let refused: ErrorBody | null = null;
    for (let i = 0; i < 40 && !refused; i++) {
      const r = await ticket({ kind: 'phone', value: `1360000${String(i).padStart(4, '0')}` });
      if (r.status === 429) refused = r.body;
    }
    expect(refused?.error).toMatchObject({ reason: 'too_many_identifications', scope: 'kiosk' });
    await new Promise((r) => setTimeout(r, 100));
    const burst = alerts.seen.filter((a: LobbyAlert) => a.kind === 'identification_burst' && a.deviceId === 'kiosk-01');
    expect(burst).toHaveLength(1);
    expect(burst[0]).toMatchObject({ attempts: 15, windowMinutes: 10 });
    const entries = await audit();
    expect(entries.filter((e) => e.action === 'identity.attempt').length).toBeGreaterThanOrEqual(25);
    const refusals = entries.filter((e) => e.action === 'identity.refused');
    expect(refusals.length).toBeGreaterThanOrEqual(2);
    // The audit log never holds the number itself.
    expect(JSON.stringify(entries)).not.toContain('13700000000');
    await drain();
  });
});
