/**
 * Eight tellers at eight counters serving the same services call concurrently over
 * HTTP while the kiosk issues 1,000 tickets: no ticket is called twice and none is skipped.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallNextResponse, CreateTicketResponse } from '../../src-main/domain/contracts';
import { requestId, startHarness, type Harness } from './hub-harness';

const TICKETS = 1000;
const SERVICES = ['A', 'B', 'C', 'D', 'E'];
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ customers: 50 });
  // Four more counters (5-8); all eight serve every walk-in service.
  const db = new Database(join(h.dataDir, 'branch.db'));
  const branchId = (db.prepare('SELECT id FROM branch').get() as { id: string }).id;
  db.transaction(() => {
    for (const id of [5, 6, 7, 8]) db.prepare('INSERT INTO counter (id, branch_id, name_zh, name_en, vip) VALUES (?, ?, ?, ?, 0)').run(id, branchId, `${id}号窗口`, `Counter ${id}`);
    for (const id of [1, 2, 3, 4, 5, 6, 7, 8])
      for (const s of SERVICES) db.prepare('INSERT OR IGNORE INTO counter_service (counter_id, branch_id, service_code, weight) VALUES (?, ?, ?, 1)').run(id, branchId, s);
  })();
  db.close();
  await h.restart();
}, 60_000);
afterAll(async () => h?.stop());

describe('8 tellers calling concurrently over 1,000 tickets', () => {
  it('calls every ticket exactly once', async () => {
    const kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
    const tellers: { counterId: number; token: string }[] = [];
    for (let counterId = 1; counterId <= 8; counterId++) {
      const staffId = `t0${((counterId - 1) % 4) + 1}`;
      tellers.push({ counterId, token: (await h.login({ staffId, pin: '2222', counterId })).token });
    }

    const issued: string[] = [];
    let issuing = true;
    const issue = (async () => {
      const workers = Array.from({ length: 10 }, async (_, w) => {
        for (let i = w; i < TICKETS; i += 10) {
          const res = await h.request<CreateTicketResponse>('POST', '/api/v1/tickets', {
            token: kiosk,
            body: { serviceCode: SERVICES[i % SERVICES.length], requestId: requestId(), ...(i % 7 === 0 ? { priority: 'elderly' } : {}) },
          });
          expect(res.status).toBe(201);
          issued.push(res.body.ticket.id);
        }
      });
      await Promise.all(workers);
      issuing = false;
    })();

    const calledBy = new Map<string, number[]>();
    const teller = async ({ counterId, token }: { counterId: number; token: string }) => {
      for (;;) {
        const wasIssuing = issuing;
        const res = await h.request<CallNextResponse>('POST', `/api/v1/counters/${counterId}/call-next`, { token });
        if (res.status === 204) {
          if (!wasIssuing) return;
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        expect(res.status).toBe(200);
        const id = res.body.ticket.id;
        calledBy.set(id, [...(calledBy.get(id) ?? []), counterId]);
        const done = await h.request('POST', `/api/v1/tickets/${id}/complete`, { token });
        expect(done.status).toBe(200);
      }
    };
    await Promise.all([issue, ...tellers.map(teller)]);

    expect(issued).toHaveLength(TICKETS);
    expect(new Set(issued).size).toBe(TICKETS);
    const twice = [...calledBy].filter(([, counters]) => counters.length > 1);
    expect(twice).toEqual([]);
    expect(calledBy.size).toBe(TICKETS);
    expect([...calledBy.keys()].sort()).toEqual([...issued].sort());
    // Every counter took part.
    const perCounter = new Map<number, number>();
    for (const [, [c]] of calledBy) perCounter.set(c!, (perCounter.get(c!) ?? 0) + 1);
    expect(perCounter.size).toBe(8);

    // The database agrees: all completed, one call event per ticket, numbers unique per service.
    const db = new Database(join(h.dataDir, 'branch.db'), { readonly: true });
    const statuses = db.prepare('SELECT status, COUNT(*) AS n FROM ticket GROUP BY status').all();
    expect(statuses).toEqual([{ status: 'completed', n: TICKETS }]);
    const calls = db.prepare("SELECT payload_json FROM event_log WHERE type = 'ticket.called'").all() as { payload_json: string }[];
    const callIds = calls.map((c) => (JSON.parse(c.payload_json) as { ticketId: string }).ticketId);
    expect(callIds).toHaveLength(TICKETS);
    expect(new Set(callIds).size).toBe(TICKETS);
    const dupNumbers = db.prepare('SELECT number, COUNT(*) AS n FROM ticket GROUP BY business_date, number HAVING n > 1').all();
    expect(dupNumbers).toEqual([]);
    db.close();
  }, 120_000);
});
