/**
 * A WAN cut of 60 seconds while a branch issues and calls 500 tickets: the branch never notices
 * (every ticket issued and every call answered, at lobby speed), and once head office is reachable
 * again it holds every event of the branch exactly once, in order. Real PostgreSQL, a real hub.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, migrate, type Pool } from '../../src-main/head-office/db';
import { HeadOffice } from '../../src-main/head-office/head-office';
import { startHeadOfficeServer, type RunningHeadOffice } from '../../src-main/head-office/server';
import { createHub, type Hub } from '../../src-main/hub/create-hub';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';

const CUT_MS = 60_000;
const TICKETS = 500;

let pgdb: TestDatabase;
let pool: Pool;
let ho: HeadOffice;
let server: RunningHeadOffice;
let dataDir: string;

beforeAll(async () => {
  pgdb = await createTestDatabase('lobby_ho_wan');
  pool = createPool(pgdb.url);
  await migrate(pool);
  ho = new HeadOffice(pool);
  server = await startHeadOfficeServer(ho, { port: 0, host: '127.0.0.1', logLevel: 'silent' });
  dataDir = mkdtempSync(join(tmpdir(), 'lobby-wan-'));
}, 60_000);

afterAll(async () => {
  await server?.close();
  await pool?.end();
  await pgdb?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const pct = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor((a.length * p) / 100))]!;

describe('a WAN cut of 60 seconds', () => {
  it('the branch issues and calls 500 tickets without noticing; afterwards head office has every event exactly once', async () => {
    const { credential } = await ho.addBranch('350100990');
    const hub: Hub = await createHub({ port: 0, host: '127.0.0.1', dataDir, demoCustomers: 30, logLevel: 'silent', headOfficeUrl: server.url, headOfficeCredential: credential });
    const post = async (path: string, token: string, body?: object) => {
      const t0 = performance.now();
      const r = await fetch(`${hub.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body ?? {}) });
      return { status: r.status, body: (await r.json()) as { ticket?: { id: string } } | null, ms: performance.now() - t0 };
    };
    const login = async (body: object) => ((await (await fetch(`${hub.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { token: string }).token;
    const offsetsAtBranch = () => {
      const db = new Database(join(dataDir, 'branch.db'), { readonly: true });
      const rows = db.prepare('SELECT offset FROM event_log ORDER BY offset').pluck().all() as number[];
      db.close();
      return rows;
    };
    const offsetsAtHeadOffice = async () =>
      (await pool.query<{ o: string }>("SELECT branch_offset AS o FROM ho_journal WHERE branch_id = '350100990' AND stream = 'events' ORDER BY branch_offset")).rows.map((r) => Number(r.o));
    try {
      const kiosk = await login({ deviceId: 'kiosk-01', secret: 'demo' });
      const tellers = await Promise.all([1, 2, 3, 4].map((c) => login({ staffId: `t0${c}`, pin: '2222' })));
      // Connected first.
      const first = await post('/api/v1/tickets', kiosk, { serviceCode: 'A', requestId: 'wan-cut-first' });
      expect(first.status).toBe(201);
      const port = Number(new URL(server.url).port);
      const until = async (what: string, fn: () => Promise<boolean>, ms: number) => {
        const end = Date.now() + ms;
        while (!(await fn())) {
          if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      };
      await until('the first ticket at head office', async () => (await offsetsAtHeadOffice()).length === offsetsAtBranch().length, 20_000);

      // The WAN goes down for 60 seconds: head office unreachable.
      await server.close();
      const cutAt = Date.now();
      const issueMs: number[] = [];
      const callMs: number[] = [];
      const statuses: number[] = [];
      for (let i = 0; i < TICKETS; i++) {
        const t = await post('/api/v1/tickets', kiosk, { serviceCode: 'ABCE'[i % 4], requestId: `wan-cut-${String(i).padStart(6, '0')}` });
        statuses.push(t.status);
        issueMs.push(t.ms);
        // A teller calls and completes one ticket for every one issued (the queue stays short).
        const teller = tellers[i % 4]!;
        const called = await post(`/api/v1/counters/${(i % 4) + 1}/call-next`, teller);
        callMs.push(called.ms);
        if (called.status === 200 && called.body?.ticket) await post(`/api/v1/tickets/${called.body.ticket.id}/complete`, teller);
        // Spread over the cut.
        const due = cutAt + ((i + 1) * CUT_MS) / TICKETS;
        if (Date.now() < due) await new Promise((r) => setTimeout(r, due - Date.now()));
      }
      expect(statuses).toEqual(Array(TICKETS).fill(201));
      // The lobby's speed is its own: no request waits on the WAN.
      expect(pct(issueMs, 99)).toBeLessThan(250);
      expect(pct(callMs, 99)).toBeLessThan(250);
      expect((await fetch(`${hub.url}/readyz`)).status).toBe(200);
      expect(Date.now() - cutAt).toBeGreaterThanOrEqual(CUT_MS - 1_000);

      // Back: head office on the same address; the outbox resumes from what it holds (its back-off is at most 60 s).
      server = await startHeadOfficeServer(ho, { port, host: '127.0.0.1', logLevel: 'silent' });
      await until('the backlog at head office', async () => (await offsetsAtHeadOffice()).join() === offsetsAtBranch().join(), 90_000);
      const held = await offsetsAtHeadOffice();
      expect(new Set(held).size).toBe(held.length);
      expect(held.length).toBeGreaterThan(TICKETS * 3);
      const issued = await pool.query("SELECT count(*) AS n FROM ho_journal WHERE branch_id = '350100990' AND stream = 'events' AND type = 'ticket.issued'");
      expect(Number(issued.rows[0].n)).toBe(TICKETS + 1);
    } finally {
      await hub.close();
    }
  }, 240_000);
});
