/**
 * Staff screens through a real hub: after the first whole snapshot, a ticket issued reaches them as
 * a `queue:delta` of one line, and the snapshot it gives is the hub's own. Tickets issued together
 * are committed together, one refused request among them changing nothing for the others.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateTicketResponse, ErrorBody, QueueSnapshot, QueueSnapshotDelta } from '../../src-main/domain/contracts';
import { applyQueueDelta } from '../../src-main/domain/queue-delta';
import { openBranchData } from '../helpers/branch-data';
import { nextEvent, requestId, startHarness, type Harness, type TestSocket } from './hub-harness';

let h: Harness;
let kiosk: string;
let manager: string;

beforeAll(async () => {
  h = await startHarness();
  kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
  manager = (await h.login({ staffId: 'm01', pin: '1111' })).token;
});
afterAll(async () => h?.stop());

const take = (serviceCode: string, id = requestId()) =>
  h.request<CreateTicketResponse | ErrorBody>('POST', '/api/v1/tickets', { token: kiosk, body: { serviceCode, requestId: id } });

const current = (s: TestSocket) =>
  new Promise<QueueSnapshot>((resolve, reject) =>
    s.emit('queue:snapshot', (res) =>
      res.ok && res.data.audience === 'staff' ? resolve(res.data) : reject(new Error(res.ok ? 'not a staff snapshot' : res.error.message)),
    ),
  );

describe('staff snapshots as deltas', () => {
  it('a ticket issued is a delta of one line that gives exactly the snapshot the hub holds', async () => {
    const mgr = await h.socket(manager, { queueDelta: true });
    const first = nextEvent(mgr, 'queue:changed', 3000, (s) => s.audience === 'staff');
    expect((await take('A')).status).toBe(201);
    let held = (await first) as QueueSnapshot;
    for (let i = 0; i < 3; i++) {
      // Throttled to one snapshot per 100 ms: each ticket here gets its own.
      await new Promise((r) => setTimeout(r, 150));
      const delta = nextEvent(mgr, 'queue:delta', 3000);
      const res = await take('B');
      expect(res.status).toBe(201);
      const d = (await delta) as QueueSnapshotDelta;
      expect(d.base).toEqual({ offset: held.offset, at: held.at });
      expect(d.removed).toEqual([]);
      expect(d.put.map((p) => p.ticket.id)).toEqual([(res.body as CreateTicketResponse).ticket.id]);
      held = applyQueueDelta(held, d)!;
      expect(held).toEqual(await current(mgr));
    }
  });
});

describe('a screen that does not take deltas', () => {
  it('(a tab left open across an upgrade) keeps getting whole snapshots, and its cards alone', async () => {
    const old = await h.socket(manager);
    const fresh = await h.socket(manager, { queueDelta: true });
    await new Promise((r) => setTimeout(r, 150));
    let deltas = 0;
    old.on('queue:delta', () => deltas++);
    const whole = nextEvent(old, 'queue:changed', 3000, (s) => s.audience === 'staff');
    const card = new Promise<number>((resolve) => old.once('customer:card', (...args: unknown[]) => resolve(args.length)));
    const freshCard = new Promise<boolean>((resolve) => fresh.once('customer:card', (_c, queue) => resolve(queue !== undefined)));
    const res = await h.request<CreateTicketResponse>('POST', '/api/v1/tickets', { token: kiosk, body: { serviceCode: 'A', requestId: requestId(), identity: h.cardRead('13800000004') } });
    expect(res.status).toBe(201);
    const snap = (await whole) as QueueSnapshot;
    expect(snap.waiting.some((w) => w.id === res.body.ticket.id)).toBe(true);
    expect(await card).toBe(1);
    expect(await freshCard).toBe(true);
    expect(deltas).toBe(0);
  });
});

describe('tickets issued together', () => {
  it('are each answered after their commit, with distinct numbers; a refused one among them changes nothing for the rest', async () => {
    const ids = Array.from({ length: 24 }, () => requestId());
    const answers = await Promise.all([...ids.map((id) => take('C', id)), take('Z'), take('C', ids[0])]);
    const issued = answers.slice(0, 24);
    for (const a of issued) expect(a.status).toBe(201);
    expect(answers[24]!.status).toBe(404);
    // The same requestId again in the same group: the same ticket, not a second one.
    expect([200, 201]).toContain(answers[25]!.status);
    expect((answers[25]!.body as CreateTicketResponse).ticket.id).toBe((answers[0]!.body as CreateTicketResponse).ticket.id);
    const numbers = issued.map((a) => (a.body as CreateTicketResponse).ticket.number);
    expect(new Set(numbers).size).toBe(24);
    // Every answered ticket is in the database (it was committed before it was answered).
    const db = openBranchData(h.dataDir);
    try {
      const rows = db.prepare(`SELECT request_id FROM ticket WHERE request_id IN (${ids.map(() => '?').join(',')})`).all(...ids);
      expect(rows).toHaveLength(24);
    } finally {
      db.close();
    }
    // Places in line are 1..n among the C tickets, in issue order (no counter serves C yet or all do alike).
    const positions = issued.map((a) => (a.body as CreateTicketResponse).ticket.position);
    expect(new Set(positions).size).toBe(24);
  });
});

describe('a card pushed with its ticket', () => {
  it('is in the audit log as seen by each manager before it arrives, and carries the queue change of its ticket', async () => {
    const mgr1 = await h.socket(manager, { queueDelta: true });
    await h.socket(manager, { queueDelta: true }); // the same manager on a second screen of the same tablet
    const got = new Promise<{ viewsWhenArrived: number; delta: QueueSnapshotDelta | undefined; ticketId: string }>((resolve) =>
      mgr1.once('customer:card', (card, queue) => {
        const db = openBranchData(h.dataDir);
        try {
          const n = db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'customer_card.view' AND subject = ?").get(`ticket:${card.ticketId}`) as { n: number };
          resolve({ viewsWhenArrived: n.n, delta: queue, ticketId: card.ticketId });
        } finally {
          db.close();
        }
      }),
    );
    const res = await h.request<CreateTicketResponse>('POST', '/api/v1/tickets', { token: kiosk, body: { serviceCode: 'A', requestId: requestId(), identity: h.cardRead('13800000003') } });
    expect(res.status).toBe(201);
    const { viewsWhenArrived, delta, ticketId } = await got;
    expect(ticketId).toBe(res.body.ticket.id);
    // One view: one person at one place, on two screens.
    expect(viewsWhenArrived).toBe(1);
    const admin = (await h.login({ staffId: 'admin', pin: '9999' })).token;
    const audit = await h.request<{ entries: { action: string; actor: string; subject: string; detail: Record<string, unknown> }[] }>('GET', '/api/v1/audit?action=customer_card.view', { token: admin });
    const views = audit.body.entries.filter((e) => e.subject === `ticket:${ticketId}`);
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({ actor: 'm01', detail: { via: 'push', number: res.body.ticket.number } });
    expect(views[0]!.detail.screens).toBeGreaterThanOrEqual(2); // these two, and any other of m01's sockets still open here
    // The queue change of the ticket came with the card: its line is in it.
    expect(delta?.put.some((p) => p.ticket.id === ticketId) ?? true).toBe(true);
  });
});
