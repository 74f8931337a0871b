/**
 * Head office on a real PostgreSQL (and Redis for two processes): migrations once however many
 * start; the branch link idempotent (the same batch twice, a gap refused, an overlap stored once);
 * a branch hub ships its journal and the board shows it; a WAN cut while the branch issues and calls
 * (the branch never notices; afterwards head office has every event exactly once); head office
 * killed with SIGKILL mid-backlog; two head-office processes sharing events through Redis.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BranchBoardRow, BranchesResponse, JournalBatch } from '../../src-main/domain/head-office';
import { createHub, type Hub } from '../../src-main/hub/create-hub';
import { openDatabase } from '../../src-main/hub/db/open';
import { restoreBackup, takeBackup } from '../../src-main/hub/operations/backups';
import { createPool, migrate, type Pool } from '../../src-main/head-office/db';
import { HeadOffice } from '../../src-main/head-office/head-office';
import { HEAD_OFFICE_MIGRATIONS } from '../../src-main/head-office/migrations';
import { startHeadOfficeServer, type RunningHeadOffice } from '../../src-main/head-office/server';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { openBranchData } from '../helpers/branch-data';
import type { CustomerCard } from '../../src-main/domain/contracts';
import type { PooledCampaignReport } from '../../src-main/domain/head-office';
import { addDaysIso } from '../../src-main/domain/reminders';
import { IdentifierKey } from '../../src-main/customer-data/identifier-key';
import { FeedWriter } from '../../src-main/customer-data/feed-writer';
import { importCustomerFeed } from '../../src-main/head-office/customer-feed';
import { TEST_PRODUCTS, testCustomer, testCustomerRow } from '../helpers/test-feed';

const ROOT = resolve(__dirname, '../..');
const REDIS_URL = process.env.LOBBY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let pgdb: TestDatabase;
let pool: Pool;
let ho: HeadOffice;
let server: RunningHeadOffice;
let adminToken: string;
const dirs: string[] = [];

beforeAll(async () => {
  pgdb = await createTestDatabase('lobby_ho');
  pool = createPool(pgdb.url);
  await Promise.all([migrate(pool), migrate(createPool(pgdb.url))]);
  ho = new HeadOffice(pool);
  server = await startHeadOfficeServer(ho, { port: 0, host: '127.0.0.1', logLevel: 'silent' });
  await ho.addStaff('hq01', 'admin', '482193');
  adminToken = (await ho.login('hq01', '482193')).token;
}, 60_000);

afterAll(async () => {
  await server?.close();
  await pool?.end();
  await pgdb?.drop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const state = { branchName: { 'zh-CN': '测试网点', en: 'Test branch' }, timeZone: 'Asia/Shanghai', businessDate: '2026-12-04', waitingNow: 3, bundleVersion: null };

async function ship(url: string, credential: string, batch: JournalBatch) {
  const res = await fetch(`${url}/api/v1/link/journal`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` }, body: JSON.stringify(batch) });
  return { status: res.status, body: (await res.json()) as { acknowledged?: number; stored?: number; error?: { reason: string; acknowledged: number } } };
}

async function board(url = server.url): Promise<BranchBoardRow[]> {
  const res = await fetch(`${url}/api/v1/branches`, { headers: { authorization: `Bearer ${adminToken}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as BranchesResponse).branches;
}

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A branch hub on its own data directory, shipping to `url`. */
async function branchHub(url: string, credential: string, now?: () => number): Promise<Hub & { dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lobby-branch-'));
  dirs.push(dataDir);
  const hub = await createHub({ port: 0, host: '127.0.0.1', dataDir, demoCustomers: 30, logLevel: 'silent', headOfficeUrl: url, headOfficeCredential: credential }, now ? { now } : {});
  return Object.assign(hub, { dataDir });
}

function hubOffsets(dataDir: string): number[] {
  const db = new Database(join(dataDir, 'branch.db'), { readonly: true });
  const rows = db.prepare('SELECT offset FROM event_log ORDER BY offset').pluck().all() as number[];
  db.close();
  return rows;
}

async function headOfficeOffsets(branchId: string): Promise<number[]> {
  return (await pool.query<{ o: string }>("SELECT branch_offset AS o FROM ho_journal WHERE branch_id = $1 AND stream = 'events' ORDER BY branch_offset", [branchId])).rows.map((r) => Number(r.o));
}

async function tickets(hub: Hub, n: number, tag: string): Promise<number[]> {
  const login = await fetch(`${hub.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deviceId: 'kiosk-01', secret: 'demo' }) });
  const { token } = (await login.json()) as { token: string };
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${hub.url}/api/v1/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ serviceCode: 'ABCE'[i % 4], requestId: `${tag}-${i.toString().padStart(6, '0')}` }),
    });
    statuses.push(r.status);
  }
  return statuses;
}

describe('the branch link', () => {
  it('stores a batch once, refuses a gap with what it holds, stores only the new part of an overlap', async () => {
    const { credential } = await ho.addBranch('350100901', { 'zh-CN': '甲', en: 'A' });
    const entries = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ offset: from + i, type: 'ticket.issued', at: Date.parse('2026-12-04T02:00:00Z') + i, data: { n: from + i } }));
    const first = await ship(server.url, credential, { stream: 'events', after: 0, entries: entries(1, 10), state });
    expect(first).toEqual({ status: 200, body: { stream: 'events', acknowledged: 10, stored: 10 } });
    const again = await ship(server.url, credential, { stream: 'events', after: 0, entries: entries(1, 10), state });
    expect(again.body).toEqual({ stream: 'events', acknowledged: 10, stored: 0 });
    const gap = await ship(server.url, credential, { stream: 'events', after: 15, entries: entries(16, 20), state });
    expect(gap.status).toBe(409);
    expect(gap.body.error).toMatchObject({ reason: 'journal_gap', acknowledged: 10 });
    const overlap = await ship(server.url, credential, { stream: 'events', after: 5, entries: entries(6, 14), state });
    expect(overlap.body).toEqual({ stream: 'events', acknowledged: 14, stored: 4 });
    expect(await headOfficeOffsets('350100901')).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    const row = (await board()).find((b) => b.id === '350100901')!;
    expect(row).toMatchObject({ connected: true, acknowledgedOffset: 14, waitingNow: 3, issuedToday: 14, name: { 'zh-CN': '测试网点', en: 'Test branch' } });
    // An older hub says nothing of them: shown as not known.
    expect(row).toMatchObject({ longestWaitSeconds: null, serviceLevel: null, countersOpen: null, outboxLag: null });
    await ship(server.url, credential, { stream: 'events', after: 14, entries: [], state: { ...state, longestWaitSeconds: 420, serviceLevel: 0.8, countersOpen: 3, outboxLag: 5 } });
    expect((await board()).find((b) => b.id === '350100901')).toMatchObject({ longestWaitSeconds: 420, serviceLevel: 0.8, countersOpen: 3, outboxLag: 5 });
  });

  it('refuses an unknown credential, a malformed batch, and a head-office screen without a session', async () => {
    const res = await ship(server.url, 'AAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB', { stream: 'events', after: 0, entries: [], state });
    expect(res.status).toBe(401);
    const { credential } = await ho.addBranch('350100902');
    const bad = await fetch(`${server.url}/api/v1/link/journal`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` }, body: JSON.stringify({ stream: 'events', after: 0, entries: [{ offset: 2, type: 'x', at: 1, data: {} }, { offset: 1, type: 'x', at: 1, data: {} }], state }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^entries: /);
    expect((await fetch(`${server.url}/api/v1/branches`)).status).toBe(401);
  });
});

describe('a branch hub shipping to head office', () => {
  it('ships every event once; the board shows its tickets; a WAN cut is not noticed at the branch', async () => {
    const { credential } = await ho.addBranch('350100903');
    const hub = await branchHub(server.url, credential);
    try {
      expect(await tickets(hub, 30, 'before')).toEqual(Array(30).fill(201));
      const branchId = (new Database(join(hub.dataDir, 'branch.db'), { readonly: true }).prepare('SELECT id FROM branch').pluck().get() as string);
      await waitFor('the first 30 tickets at head office', async () => (await headOfficeOffsets('350100903')).length === hubOffsets(hub.dataDir).length);
      const row = (await board()).find((b) => b.id === '350100903')!;
      expect(row.issuedToday).toBe(30);
      expect(row.waitingNow).toBe(30);
      // The lobby's other figures as the branch said them: nobody called yet, the demo's counters open.
      expect(row.serviceLevel).toBeNull();
      expect(row.longestWaitSeconds).toBeGreaterThanOrEqual(0);
      expect(row.countersOpen).toBeGreaterThanOrEqual(0);
      expect(row.outboxLag).toBeGreaterThanOrEqual(0);
      expect(branchId).toBeTruthy();

      // The WAN goes down: head office unreachable (its server closed). The branch goes on.
      const port = new URL(server.url).port;
      await server.close();
      expect(await tickets(hub, 40, 'during')).toEqual(Array(40).fill(201));
      const ready = await fetch(`${hub.url}/readyz`);
      expect(ready.status).toBe(200);
      // Back: head office on the same address; the outbox resumes from what it holds.
      server = await startHeadOfficeServer(ho, { port: Number(port), host: '127.0.0.1', logLevel: 'silent' });
      await waitFor(
        'the backlog at head office',
        async () => (await headOfficeOffsets('350100903')).join() === hubOffsets(hub.dataDir).join(),
        60_000,
      );
      const after = (await board()).find((b) => b.id === '350100903')!;
      expect(after).toMatchObject({ connected: true, issuedToday: 70, acknowledgedOffset: hubOffsets(hub.dataDir).at(-1) });
      const audit = await pool.query("SELECT count(*) AS n FROM ho_journal WHERE branch_id = '350100903' AND stream = 'audit'");
      expect(Number(audit.rows[0].n)).toBeGreaterThan(0);
    } finally {
      await hub.close();
    }
  }, 120_000);

  it('head office killed with SIGKILL mid-backlog: restarted, it holds every event exactly once', async () => {
    const { credential } = await ho.addBranch('350100904');
    // The branch builds a backlog while no head office answers.
    const hubUrlPort = 18000 + (process.pid % 1000);
    const hoUrl = `http://127.0.0.1:${hubUrlPort}`;
    const hub = await branchHub(hoUrl, credential);
    const startChild = (): ChildProcess =>
      spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src-main/head-office/cli.ts'), 'serve'], {
        cwd: ROOT,
        env: { ...process.env, HEAD_OFFICE_PG_URL: pgdb.url, HEAD_OFFICE_PORT: String(hubUrlPort), HEAD_OFFICE_HOST: '127.0.0.1', HEAD_OFFICE_LOG_LEVEL: 'silent' },
        stdio: 'ignore',
      });
    try {
      expect(await tickets(hub, 600, 'backlog')).toEqual(Array(600).fill(201));
      let child = startChild();
      // Killed as soon as the first batches arrive, then started again.
      await waitFor('the first batch', async () => (await headOfficeOffsets('350100904')).length > 0, 60_000);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const partial = (await headOfficeOffsets('350100904')).length;
      expect(partial).toBeGreaterThan(0);
      child = startChild();
      try {
        await waitFor('the whole backlog', async () => (await headOfficeOffsets('350100904')).join() === hubOffsets(hub.dataDir).join(), 90_000);
      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      const dup = await pool.query("SELECT count(*) - count(DISTINCT (stream, branch_offset)) AS d FROM ho_journal WHERE branch_id = '350100904'");
      expect(Number(dup.rows[0].d)).toBe(0);
    } finally {
      await hub.close();
    }
  }, 180_000);
});

describe('two head-office processes behind one address', () => {
  it('an event from a branch at one reaches a board socket at the other, through Redis', async () => {
    const a = await startHeadOfficeServer(new HeadOffice(pool), { port: 0, host: '127.0.0.1', logLevel: 'silent', redisUrl: REDIS_URL });
    const b = await startHeadOfficeServer(new HeadOffice(pool), { port: 0, host: '127.0.0.1', logLevel: 'silent', redisUrl: REDIS_URL });
    try {
      const { credential } = await ho.addBranch('350100905');
      const socket = io(b.url, { path: '/socket.io', auth: { token: adminToken }, transports: ['websocket'], forceNew: true, reconnection: false });
      await new Promise<void>((res, rej) => (socket.once('connect', () => res()), socket.once('connect_error', rej)));
      // The adapter's stream reader is polling; give it a moment to start.
      await new Promise((r) => setTimeout(r, 300));
      const seen = new Promise<BranchBoardRow>((res) => socket.on('branch:changed', (row: BranchBoardRow) => row.id === '350100905' && res(row)));
      const sent = await ship(a.url, credential, { stream: 'events', after: 0, entries: [{ offset: 1, type: 'ticket.issued', at: Date.now(), data: {} }], state });
      expect(sent.status).toBe(200);
      expect(await seen).toMatchObject({ id: '350100905', acknowledgedOffset: 1, connected: true });
      socket.disconnect();
    } finally {
      await a.close();
      await b.close();
    }
  }, 30_000);
});

describe('the pooled campaign report', () => {
  it("a visit decided at a branch reaches head office once it is over, with its answers; core banking's conversions from head office's feed count it as opened", async () => {
    const a = await branchHub(server.url, (await ho.addBranch('350100920', { 'zh-CN': '乙', en: 'B' })).credential);
    const signIn = async (body: object) =>
      ((await (await fetch(`${a.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { token: string }).token;
    const post = (path: string, token: string, body?: object) =>
      fetch(`${a.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body ?? {}) });
    try {
      const kiosk = await signIn({ deviceId: 'kiosk-01', secret: 'demo' });
      const manager = await signIn({ staffId: 'm01', pin: '1111' });
      const data = openBranchData(a.dataDir);
      const who = data.prepare("SELECT c.cif, k.card_number FROM card_plain k JOIN customer_plain c ON c.id = k.customer_id WHERE c.phone NOT IN ('13800000004', '13800000006') AND c.tier IN ('top', 'gold') ORDER BY c.id, k.kind = 'debit' DESC LIMIT 1").get() as { cif: string; card_number: string };
      data.close();
      const t = await post('/api/v1/tickets', kiosk, { serviceCode: 'A', requestId: `pooled-${Date.now().toString(36)}`, identity: { kind: 'card', value: who.card_number, method: 'reader' } });
      expect(t.status).toBe(201);
      const ticket = ((await t.json()) as { ticket: { id: string } }).ticket;
      const card = (await (await fetch(`${a.url}/api/v1/tickets/${ticket.id}/card`, { headers: { authorization: `Bearer ${manager}` } })).json()) as CustomerCard;
      const accepted = card.offers[0]!.productCode;
      expect((await post(`/api/v1/tickets/${ticket.id}/offers/${accepted}/outcome`, manager, { outcome: 'accepted' })).status).toBe(200);
      // The visit ends at a counter: the decision closes and goes up.
      let done = false;
      for (const counterId of [4, 1, 2, 3]) {
        const teller = await signIn({ staffId: `t0${counterId}`, pin: '2222' });
        for (;;) {
          const r = await post(`/api/v1/counters/${counterId}/call-next`, teller);
          if (r.status !== 200) break;
          const called = (await r.json()) as { ticket: { id: string } } | null;
          if (!called) break;
          await post(`/api/v1/tickets/${called.ticket.id}/complete`, teller);
          if (called.ticket.id === ticket.id) done = true;
        }
      }
      expect(done).toBe(true);
      const shipped = await waitFor('the decided visit at head office', async () =>
        (await pool.query("SELECT data FROM ho_journal WHERE branch_id = '350100920' AND stream = 'decisions'")).rows[0]?.data as Record<string, unknown> | undefined,
      );
      expect(shipped).toMatchObject({ cif: who.cif, ticketId: ticket.id, exposed: true });
      expect(JSON.stringify(shipped)).not.toContain(who.card_number);
      // Core banking says the customer opened the product a day later (head office's customer feed).
      const today = (shipped as { businessDate: string }).businessDate;
      const feedDir = mkdtempSync(join(tmpdir(), 'ho-conv-'));
      dirs.push(feedDir);
      const w = new FeedWriter(feedDir);
      for (const p of TEST_PRODUCTS) w.row('products.csv', p);
      const c = testCustomer(1);
      w.row('customers.csv', { ...testCustomerRow(1, '350100920'), cif: who.cif });
      w.row('cards.csv', { card_number: c.card, cif: who.cif, kind: 'debit' });
      w.row('holdings.csv', { cif: who.cif, product_code: 'DD-SAVE', account_id: 'ACC-1', branch_id: '350100920', amount: '100.00', opened_on: '2020-01-01' });
      w.row('conversions.csv', { cif: who.cif, product_code: accepted, opened_on: today });
      // (A customer no other test here shares: head office now knows them as branch 350100920's.)
      w.finish({ feedId: `acrm-pooled-${Date.now()}`, asOf: addDaysIso(today, 40), mode: 'full' });
      expect((await importCustomerFeed(pool, { feedDir, key: IdentifierKey.forTests('pooled'), by: 'test', rejectsDir: feedDir })).status).toBe('done');
      const res = await fetch(`${server.url}/api/v1/campaign?from=${today}&to=${today}`, { headers: { authorization: `Bearer ${adminToken}` } });
      expect(res.status).toBe(200);
      const report = (await res.json()) as PooledCampaignReport;
      expect(report.overall.visits.treatment + report.overall.visits.random).toBe(1);
      expect(report.conversion.byBranch).toEqual([expect.objectContaining({ key: '350100920', accepted: 1, opened: 1 })]);
      expect(report.conversion.byProduct.find((r) => r.key === accepted)).toMatchObject({ shown: 1, accepted: 1, opened: 1, openRate: 1 });
      expect(report.conversion.byTier).toHaveLength(1);
      expect(report.products.map((p) => p.productCode)).toContain(accepted);
      expect(report.conversionsAsOf).toBe(addDaysIso(today, 40));
      expect(report.overall.caveats).toContain('few_visits');
      expect((await fetch(`${server.url}/api/v1/campaign?from=${today}&to=2000-01-01`, { headers: { authorization: `Bearer ${adminToken}` } })).status).toBe(400);
      expect((await fetch(`${server.url}/api/v1/campaign`)).status).toBe(401);
    } finally {
      await a.close();
    }
  }, 60_000);
});

describe('the command line', () => {
  it('migrate, add-staff, add-branch (the credential alone on the last line), serve refusing an unmigrated database', async () => {
    const db = await createTestDatabase('lobby_ho_cli');
    const run = (...args: string[]) =>
      new Promise<{ code: number | null; out: string; err: string }>((res) => {
        const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src-main/head-office/cli.ts'), ...args], {
          cwd: ROOT,
          env: { ...process.env, HEAD_OFFICE_PG_URL: db.url, HEAD_OFFICE_PORT: '0', HEAD_OFFICE_LOG_LEVEL: 'silent' },
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('exit', (code) => res({ code, out, err }));
      });
    try {
      const refused = await run('serve');
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(/needs migrations 1.*migrate/);
      expect(await run('migrate')).toMatchObject({ code: 0, out: `applied migrations ${HEAD_OFFICE_MIGRATIONS.map((m) => m.version).join(', ')}\n` });
      expect(await run('migrate')).toMatchObject({ code: 0, out: 'the database is up to date\n' });
      expect((await run('add-staff', 'hq02', '--role=analyst', '--pin=739251')).code).toBe(0);
      expect((await run('add-staff', 'hq03', '--role=boss', '--pin=739251')).code).toBe(2);
      const added = await run('add-branch', '350100999', '--name-en=Gulou');
      expect(added.code).toBe(0);
      const lines = added.out.trimEnd().split('\n');
      expect(lines.at(-1)).toMatch(/^[A-Za-z0-9_-]{12}\.[A-Za-z0-9_-]{32}$/);
      expect((await run('add-branch', '350100999')).code).toBe(1);
      expect((await run('dance')).code).toBe(2);
    } finally {
      await db.drop();
    }
  }, 60_000);
});

describe('bundles', () => {
  it('a bundle published to a branch is applied there in one step; a bundle the branch cannot run is refused with the reason and the last good one stays', async () => {
    const { credential } = await ho.addBranch('350100906');
    const hub = await branchHub(server.url, credential);
    const rulesAt = () => {
      const db = new Database(join(hub.dataDir, 'branch.db'), { readonly: true });
      const r = JSON.parse(db.prepare('SELECT rules_json FROM branch').pluck().get() as string) as { ticketNumberWidth: number; greenChannel: { destinationServiceCode: string } };
      db.close();
      return r;
    };
    const publish = async (body: unknown) =>
      fetch(`${server.url}/api/v1/bundles`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` }, body: JSON.stringify(body) });
    try {
      // Checked at head office first: a bundle that is not valid rules is not published.
      const invalid = await publish({ content: { rules: { ticketNumberWidth: 9 } }, branches: ['350100906'] });
      expect(invalid.status).toBe(400);
      expect(((await invalid.json()) as { error: { message: string } }).error.message).toMatch(/rules\.ticketNumberWidth/);
      const tz = await publish({ content: { rules: { timeZone: 'Europe/Paris' } }, branches: 'all' });
      expect(tz.status).toBe(400);

      const good = await publish({ content: { rules: { ticketNumberWidth: 4 } }, branches: ['350100906'], note: 'four-digit numbers' });
      expect(good.status).toBe(201);
      const { version } = (await good.json()) as { version: number };
      const applied = await waitFor('the bundle applied at the branch', async () => (await board()).find((b) => b.id === '350100906' && b.bundleVersion === version));
      expect(applied.bundleRefused).toBeNull();
      expect(rulesAt().ticketNumberWidth).toBe(4);
      const audit = new Database(join(hub.dataDir, 'branch.db'), { readonly: true });
      const entry = audit.prepare("SELECT actor, detail_json FROM audit_log WHERE action = 'branch.setup' AND actor = 'head-office'").get() as { actor: string; detail_json: string };
      audit.close();
      expect(JSON.parse(entry.detail_json)).toMatchObject({ bundleVersion: version, changes: ['ticketNumberWidth 3 → 4'] });

      // Valid rules in general, but this branch has no service Z: refused there, with the reason.
      const bad = await publish({ content: { rules: { greenChannel: { destinationServiceCode: 'Z' } } }, branches: ['350100906'] });
      const badVersion = ((await bad.json()) as { version: number }).version;
      const refused = await waitFor('the refusal reported', async () => (await board()).find((b) => b.id === '350100906' && b.bundleRefused?.version === badVersion));
      expect(refused.bundleRefused!.reason).toMatch(/no service "Z"/);
      expect(refused.bundleVersion).toBe(version);
      expect(rulesAt().greenChannel.destinationServiceCode).not.toBe('Z');
      const list = (await (await fetch(`${server.url}/api/v1/bundles`, { headers: { authorization: `Bearer ${adminToken}` } })).json()) as { bundles: { version: number; running: string[]; refused: { branchId: string }[] }[] };
      expect(list.bundles.find((b) => b.version === version)!.running).toContain('350100906');
      expect(list.bundles.find((b) => b.version === badVersion)!.refused.map((r) => r.branchId)).toEqual(['350100906']);
      // The branch runs on; the bundle is not offered again.
      expect(await tickets(hub, 3, 'after-bundles')).toEqual([201, 201, 201]);
      const offered = await fetch(`${server.url}/api/v1/link/bundle?running=${version}`, { headers: { authorization: `Bearer ${credential}` } });
      expect(offered.status).toBe(204);
    } finally {
      await hub.close();
    }
  }, 60_000);
});

describe('product levers and campaigns in bundles', () => {
  it('a campaign published from head office pushes its products on the cards of that day and the card names it; a held product is not offered; checked at head office first', async () => {
    const hub = await branchHub(server.url, (await ho.addBranch('350100941')).credential);
    const publish = async (body: unknown) =>
      fetch(`${server.url}/api/v1/bundles`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` }, body: JSON.stringify(body) });
    const signIn = async (body: object) =>
      ((await (await fetch(`${hub.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { token: string }).token;
    try {
      const kiosk = await signIn({ deviceId: 'kiosk-01', secret: 'demo' });
      const manager = await signIn({ staffId: 'm01', pin: '1111' });
      const data = openBranchData(hub.dataDir);
      const cardOf = (phone: string) => data.prepare("SELECT k.card_number FROM card_plain k JOIN customer_plain c ON c.id = k.customer_id WHERE c.phone = ? ORDER BY k.kind = 'debit' DESC LIMIT 1").pluck().get(phone) as string;
      const visit = async (phone: string, tag: string) => {
        const t = await fetch(`${hub.url}/api/v1/tickets`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${kiosk}` },
          body: JSON.stringify({ serviceCode: 'A', requestId: `lever-${tag}-${Date.now().toString(36)}`, identity: { kind: 'card', value: cardOf(phone), method: 'reader' } }),
        });
        expect(t.status).toBe(201);
        const id = ((await t.json()) as { ticket: { id: string } }).ticket.id;
        return (await (await fetch(`${hub.url}/api/v1/tickets/${id}/card`, { headers: { authorization: `Bearer ${manager}` } })).json()) as CustomerCard;
      };
      const before = await visit('13800000004', 'before');
      expect(before.offers.length).toBeGreaterThan(1);
      const [first, second] = before.offers;
      const businessDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
      // Checked at head office: a campaign that ends before it starts is not published.
      const wrong = await publish({ content: { campaigns: [{ id: 'x', name: { 'zh-CN': '错', en: 'Wrong' }, products: ['A'], lever: 2, startsOn: '2026-12-31', endsOn: '2026-12-01' }] }, branches: ['350100941'] });
      expect(wrong.status).toBe(400);
      const good = await publish({
        content: {
          products: [{ code: first!.productCode, active: false }],
          campaigns: [{ id: 'winter', name: { 'zh-CN': '冬季理财节', en: 'Winter wealth days' }, products: [second!.productCode], lever: 10, startsOn: businessDay, endsOn: addDaysIso(businessDay, 30) }],
        },
        branches: ['350100941'],
      });
      expect(good.status).toBe(201);
      const { version } = (await good.json()) as { version: number };
      await waitFor('the bundle applied', async () => (await board()).find((b) => b.id === '350100941' && b.bundleVersion === version));
      const after = await visit('13800000006', 'after');
      const codes = after.offers.map((o) => o.productCode);
      expect(codes).not.toContain(first!.productCode);
      if (codes.includes(second!.productCode)) {
        const pushed = after.offers.find((o) => o.productCode === second!.productCode)!;
        expect(pushed.rank).toBe(1);
        expect(pushed.reasons).toContainEqual({ code: 'campaign', params: { id: 'winter', nameZh: '冬季理财节', nameEn: 'Winter wealth days' } });
      }
      const again = await visit('13800000004', 'again');
      expect(again.offers.map((o) => o.productCode)).not.toContain(first!.productCode);
      expect(again.offers[0]).toMatchObject({ productCode: second!.productCode, rank: 1 });
      expect(again.offers[0]!.reasons.map((r) => r.code)).toContain('campaign');
      const audit = new Database(join(hub.dataDir, 'branch.db'), { readonly: true });
      const entry = audit.prepare("SELECT detail_json FROM audit_log WHERE action = 'branch.setup' AND actor = 'head-office' ORDER BY id DESC LIMIT 1").pluck().get() as string;
      audit.close();
      expect(JSON.parse(entry).changes.join(' ')).toMatch(new RegExp(`product levers from head office: ${first!.productCode} held.*campaigns from head office: winter`));
      data.close();
    } finally {
      await hub.close();
    }
  }, 60_000);
});

describe('display notices in bundles', () => {
  it("one bundle puts head office's notices on the displays of several branches; they replace the ones before, cannot be edited at the branch, and a branch without room refuses them", async () => {
    const hubs = await Promise.all(['350100931', '350100932'].map(async (id) => branchHub(server.url, (await ho.addBranch(id)).credential)));
    const publish = async (body: unknown) =>
      fetch(`${server.url}/api/v1/bundles`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` }, body: JSON.stringify(body) });
    const signIn = async (hub: Hub, body: object) =>
      ((await (await fetch(`${hub.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { token: string }).token;
    const notice = (zh: string, en: string) => ({ text: { 'zh-CN': zh, en }, startsAt: null, endsAt: null });
    try {
      // Checked at head office like a branch's own: nothing that looks like a phone number.
      const leaky = await publish({ content: { notices: [notice('请致电 13800138000', 'Call 13800138000')] }, branches: 'all' });
      expect(leaky.status).toBe(400);

      const first = await publish({ content: { notices: [notice('年终理财节', 'Year-end wealth week'), notice('元旦营业时间调整', 'New Year opening hours')] }, branches: ['350100931', '350100932'] });
      expect(first.status).toBe(201);
      const v1 = ((await first.json()) as { version: number }).version;
      for (const hub of hubs) {
        const display = await signIn(hub, { deviceId: 'display-01', secret: 'demo' });
        const shown = await waitFor('the notices on the display', async () => {
          const r = (await (await fetch(`${hub.url}/api/v1/notices`, { headers: { authorization: `Bearer ${display}` } })).json()) as { notices: { text: { en: string } }[] };
          return r.notices.some((n) => n.text.en === 'Year-end wealth week') ? r.notices : undefined;
        });
        // After the branch's own (the demo's three), in the bundle's order.
        expect(shown.map((n) => n.text.en).slice(-2)).toEqual(['Year-end wealth week', 'New Year opening hours']);
      }
      const [a] = hubs;
      const manager = await signIn(a!, { staffId: 'm01', pin: '1111' });
      const all = async () =>
        ((await (await fetch(`${a!.url}/api/v1/notices/all`, { headers: { authorization: `Bearer ${manager}` } })).json()) as { notices: { id: string; source: string; text: { en: string } }[] }).notices;
      const published = (await all()).filter((n) => n.source === 'head_office');
      expect(published.map((n) => n.text.en)).toEqual(['Year-end wealth week', 'New Year opening hours']);
      const edit = await fetch(`${a!.url}/api/v1/notices/${published[0]!.id}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${manager}` },
        body: JSON.stringify(notice('改', 'Changed')),
      });
      expect(edit.status).toBe(409);
      expect(((await edit.json()) as { error: { reason: string } }).error.reason).toBe('head_office_notice');
      expect((await fetch(`${a!.url}/api/v1/notices/${published[0]!.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${manager}` } })).status).toBe(409);

      // The next bundle's notices replace them; the branch's own stay.
      const second = await publish({ content: { notices: [notice('春节营业安排', 'Spring Festival hours')] }, branches: ['350100931'] });
      const v2 = ((await second.json()) as { version: number }).version;
      await waitFor('the second bundle applied', async () => (await board()).find((b) => b.id === '350100931' && b.bundleVersion === v2));
      expect((await all()).filter((n) => n.source === 'head_office').map((n) => n.text.en)).toEqual(['Spring Festival hours']);
      expect((await all()).filter((n) => n.source === 'branch')).toHaveLength(3);
      const audit = new Database(join(a!.dataDir, 'branch.db'), { readonly: true });
      const entry = audit.prepare("SELECT detail_json FROM audit_log WHERE action = 'branch.setup' AND actor = 'head-office' ORDER BY id DESC LIMIT 1").pluck().get() as string;
      audit.close();
      expect(JSON.parse(entry)).toMatchObject({ bundleVersion: v2, changes: ['notices from head office: 1'], notices: [{ text: { en: 'Spring Festival hours' } }] });

      // A branch whose own notices leave no room refuses the bundle, and keeps what it ran.
      for (let i = 0; i < 16; i++) {
        const r = await fetch(`${a!.url}/api/v1/notices`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${manager}` }, body: JSON.stringify(notice(`网点公告${i}`, `Branch notice ${i}`)) });
        expect(r.status, `notice ${i}`).toBe(201);
      }
      const third = await publish({ content: { notices: [notice('一', 'One'), notice('二', 'Two')] }, branches: ['350100931'] });
      const v3 = ((await third.json()) as { version: number }).version;
      const refused = await waitFor('the refusal reported', async () => (await board()).find((b) => b.id === '350100931' && b.bundleRefused?.version === v3));
      expect(refused.bundleRefused!.reason).toMatch(/19 notices of its own; with the bundle.s 2 it would have more than 20/);
      expect((await all()).filter((n) => n.source === 'head_office').map((n) => n.text.en)).toEqual(['Spring Festival hours']);
      expect(v1).toBeLessThan(v2);
    } finally {
      for (const hub of hubs) await hub.close();
    }
  }, 90_000);
});

describe('the bank-wide contact policy', () => {
  it('a customer who declined a product at one branch is not pitched it at another; the card says the count is bank-wide, and when head office is out of reach', async () => {
    const a = await branchHub(server.url, (await ho.addBranch('350100907')).credential);
    let skew = 0;
    const b = await branchHub(server.url, (await ho.addBranch('350100908')).credential, () => Date.now() + skew);
    const signIn = async (hub: Hub, body: object) =>
      ((await (await fetch(`${hub.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { token: string }).token;
    const card = async (hub: Hub, dataDir: string, phone: string) => {
      const kiosk = await signIn(hub, { deviceId: 'kiosk-01', secret: 'demo' });
      const manager = await signIn(hub, { staffId: 'm01', pin: '1111' });
      const data = openBranchData(dataDir);
      const cardNumber = data.prepare("SELECT k.card_number FROM card_plain k JOIN customer_plain c ON c.id = k.customer_id WHERE c.phone = ? ORDER BY k.kind = 'debit' DESC LIMIT 1").pluck().get(phone) as string;
      data.close();
      const t = await fetch(`${hub.url}/api/v1/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${kiosk}` },
        body: JSON.stringify({ serviceCode: 'E', requestId: `bw-${new URL(hub.url).port}-${Date.now().toString(36)}`, identity: { kind: 'card', value: cardNumber, method: 'reader' } }),
      });
      expect(t.status).toBe(201);
      const ticket = ((await t.json()) as { ticket: { id: string } }).ticket;
      const c = (await (await fetch(`${hub.url}/api/v1/tickets/${ticket.id}/card`, { headers: { authorization: `Bearer ${manager}` } })).json()) as CustomerCard;
      return { ticket, card: c, manager };
    };
    try {
      const atA = await card(a, a.dataDir, '13800000004');
      const declined = atA.card.offers[0]!.productCode;
      const answer = await fetch(`${a.url}/api/v1/tickets/${atA.ticket.id}/offers/${declined}/outcome`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${atA.manager}` },
        body: JSON.stringify({ outcome: 'declined' }),
      });
      expect(answer.status).toBe(200);
      // Branch B hears of it through head office (contacts up from A, down to B).
      await waitFor('the decline at branch B', async () => {
        const db = new Database(join(b.dataDir, 'branch.db'), { readonly: true });
        const n = db.prepare("SELECT count(*) FROM remote_contact WHERE outcome = 'declined' AND product_code = ?").pluck().get(declined) as number;
        db.close();
        return n > 0;
      });
      const atB = await card(b, b.dataDir, '13800000004');
      expect(atB.card.offers.map((o) => o.productCode)).not.toContain(declined);
      expect(atB.card.contact.pitchesInWindow).toBeGreaterThanOrEqual(1);
      expect(atB.card.contact.bankWide).toMatchObject({ stale: false });
      // A's own card still holds its own decline (nothing doubled).
      const again = (await (await fetch(`${a.url}/api/v1/tickets/${atA.ticket.id}/card`, { headers: { authorization: `Bearer ${atA.manager}` } })).json()) as CustomerCard;
      expect(again.contact.pitchesUsed).toBe(1);
      // The WAN goes down for two minutes: branch B goes on with what it last knew, and says so.
      const port = new URL(server.url).port;
      await server.close();
      skew = 120_000;
      const later = (await (await fetch(`${b.url}/api/v1/tickets/${atB.ticket.id}/card`, { headers: { authorization: `Bearer ${atB.manager}` } })).json()) as CustomerCard;
      expect(later.contact.bankWide).toMatchObject({ stale: true });
      expect(later.offers.map((o) => o.productCode)).not.toContain(declined);
      server = await startHeadOfficeServer(ho, { port: Number(port), host: '127.0.0.1', logLevel: 'silent' });
    } finally {
      await a.close();
      await b.close();
    }
  }, 60_000);
});

describe('the bank-wide dashboard', () => {
  it('waits, service level, no-shows and green-channel use by branch, arrivals by hour, pitches by product', async () => {
    const { credential } = await ho.addBranch('350100909', { 'zh-CN': '仓山支行', en: 'Cangshan' });
    const at = (hhmm: string) => Date.parse(`2026-11-20T${hhmm}:00+08:00`);
    const st = { ...state, businessDate: '2026-11-20' };
    const ev = (offset: number, type: string, time: string, data: Record<string, unknown>) => ({ offset, type, at: at(time), data });
    expect(
      (
        await ship(server.url, credential, {
          stream: 'events',
          after: 0,
          entries: [
            ev(1, 'ticket.issued', '09:00', { ticketId: 'a' }),
            ev(2, 'ticket.issued', '09:30', { ticketId: 'b' }),
            ev(3, 'ticket.issued', '10:05', { ticketId: 'c' }),
            ev(4, 'ticket.called', '09:10', { ticketId: 'a' }),
            ev(5, 'ticket.called', '09:55', { ticketId: 'b' }),
            ev(6, 'ticket.called', '10:06', { ticketId: 'b' }), // a recall: the first call counts
            ev(7, 'ticket.no_show', '10:07', { ticketId: 'b' }),
          ],
          state: st,
        })
      ).status,
    ).toBe(200);
    await ship(server.url, credential, { stream: 'audit', after: 0, entries: [ev(1, 'green_channel.route', '09:01', { subject: 'ticket:a' })], state: st });
    await ship(server.url, credential, {
      stream: 'contacts',
      after: 0,
      entries: [
        ev(1, 'contact.declined', '09:20', { cif: 'C1', productCode: 'FUND01', outcome: 'declined', countsTowardCap: 1, decisionId: 7 }),
        ev(2, 'contact.accepted', '09:21', { cif: 'C1', productCode: 'TD03', outcome: 'accepted', countsTowardCap: 1, decisionId: 7 }),
        ev(3, 'contact.accepted', '10:21', { cif: 'C2', productCode: 'TD03', outcome: 'accepted', countsTowardCap: 1, decisionId: 8 }),
      ],
      state: st,
    });
    const res = await fetch(`${server.url}/api/v1/dashboard?date=2026-11-20&target=15`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(res.status).toBe(200);
    const d = (await res.json()) as import('../../src-main/domain/head-office').DashboardResponse;
    expect(d.branches.find((b) => b.id === '350100909')).toEqual({
      id: '350100909',
      name: { 'zh-CN': '测试网点', en: 'Test branch' },
      issued: 3,
      called: 2,
      waitMean: 17.5,
      waitP90: 23.5,
      serviceLevel: 0.5,
      noShows: 1,
      greenChannel: 1,
    });
    expect(d.hours).toEqual([
      { hour: 9, issued: 2, waitMean: 17.5 },
      { hour: 10, issued: 1, waitMean: null },
    ]);
    expect(d.products).toEqual([
      { productCode: 'TD03', pitched: 2, accepted: 2 },
      { productCode: 'FUND01', pitched: 1, accepted: 0 },
    ]);
    expect((await fetch(`${server.url}/api/v1/dashboard?date=20-11-2026`, { headers: { authorization: `Bearer ${adminToken}` } })).status).toBe(400);
  });
});

describe('a branch restored from a backup', () => {
  it('with `restore`: head office keeps what it got since the backup and takes every new entry, once', async () => {
    const { credential } = await ho.addBranch('350100911');
    const first = await branchHub(server.url, credential);
    const dataDir = first.dataDir;
    expect(await tickets(first, 3, 'backed-up')).toEqual(Array(3).fill(201));
    await waitFor('shipped', async () => (await headOfficeOffsets('350100911')).length === hubOffsets(dataDir).length);
    await first.close();
    const db = openDatabase(join(dataDir, 'branch.db'));
    const backup = await takeBackup(db, dataDir, 'command');
    db.close();
    // The days after the backup: shipped to head office, then lost here.
    const second = await createHub({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', headOfficeUrl: server.url, headOfficeCredential: credential });
    expect(await tickets(second, 3, 'lost-here')).toEqual(Array(3).fill(201));
    await waitFor('shipped', async () => (await headOfficeOffsets('350100911')).length === hubOffsets(dataDir).length);
    await second.close();
    const held = await headOfficeOffsets('350100911');
    restoreBackup(dataDir, backup.dir);

    const again = await createHub({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', headOfficeUrl: server.url, headOfficeCredential: credential });
    try {
      expect(await tickets(again, 2, 'after-restore')).toEqual([201, 201]);
      const mine = hubOffsets(dataDir);
      await waitFor('the new entries at head office', async () => (await headOfficeOffsets('350100911')).includes(mine.at(-1)!));
      const atHeadOffice = await headOfficeOffsets('350100911');
      // Everything it held is still there, and every entry written since the restore came, once.
      for (const o of held) expect(atHeadOffice).toContain(o);
      for (const o of mine) expect(atHeadOffice).toContain(o);
      expect(new Set(atHeadOffice).size).toBe(atHeadOffice.length);
      const issued = await pool.query<{ r: string }>(
        "SELECT data->>'ticketId' AS r FROM ho_journal WHERE branch_id = $1 AND stream = 'events' AND type = 'ticket.issued'",
        ['350100911'],
      );
      expect(issued.rows).toHaveLength(3 + 3 + 2);
    } finally {
      await again.close();
    }
  }, 60_000);

  it('put back by hand (not with `restore`): shipping stops and says why rather than lose new entries', async () => {
    const { credential } = await ho.addBranch('350100910');
    const first = await branchHub(server.url, credential);
    const dataDir = first.dataDir;
    expect(await tickets(first, 6, 'before-restore')).toEqual(Array(6).fill(201));
    await waitFor('shipped', async () => (await headOfficeOffsets('350100910')).length === hubOffsets(dataDir).length);
    const held = (await headOfficeOffsets('350100910')).at(-1)!;
    await first.close();
    // What a restore of an older backup does to the event log: the last entries gone, their offsets free again.
    const db = new Database(join(dataDir, 'branch.db'));
    db.prepare('DELETE FROM event_log WHERE offset > 3').run();
    db.prepare("UPDATE sqlite_sequence SET seq = 3 WHERE name = 'event_log'").run();
    db.prepare("UPDATE head_office_link SET acknowledged = 3 WHERE stream = 'events'").run();
    db.close();
    const again = await createHub({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', headOfficeUrl: server.url, headOfficeCredential: credential });
    try {
      expect(await tickets(again, 1, 'after-restore')).toEqual([201]);
      await new Promise((r) => setTimeout(r, 2500));
      const link = new Database(join(dataDir, 'branch.db'), { readonly: true });
      const acked = link.prepare("SELECT acknowledged FROM head_office_link WHERE stream = 'events'").pluck().get() as number;
      link.close();
      // Not moved up to what head office holds (which would have skipped the new entries).
      expect(acked).toBeLessThan(held);
      const metrics = await (await fetch(`${again.url}/metrics`, { headers: { authorization: `Bearer ${(await (await fetch(`${again.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ staffId: 'admin', pin: '9999' }) })).json() as { token: string }).token}` } })).text();
      expect(Number(/lobby_head_office_outbox_lag\{stream="events"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
    } finally {
      await again.close();
    }
  }, 60_000);
});

describe('head-office sign-in', () => {
  const reasonOf = (p: Promise<unknown>) => p.then(() => 'signed in', (e: { reason?: string }) => e.reason ?? String(e));

  it('five wrong PINs are five across every head-office process, however they arrive; the window passes', async () => {
    const otherPool = createPool(pgdb.url);
    try {
      const other = new HeadOffice(otherPool); // a second process behind the same address
      await ho.addStaff('hq09', 'analyst', '593817');
      for (let i = 0; i < 3; i++) expect(await reasonOf(ho.login('hq09', '000000'))).toBe('wrong_credentials');
      for (let i = 0; i < 2; i++) expect(await reasonOf(other.login('hq09', '000000'))).toBe('wrong_credentials');
      // The sixth try is refused before its PIN is checked, even the right one, at either process.
      expect(await reasonOf(ho.login('hq09', '593817'))).toBe('too_many_sign_ins');
      expect(await reasonOf(other.login('hq09', '593817'))).toBe('too_many_sign_ins');

      // Twenty wrong PINs at once, split over both processes: at most five are checked.
      await ho.addStaff('hq10', 'analyst', '720461');
      const reasons = await Promise.all(Array.from({ length: 20 }, (_, i) => reasonOf((i % 2 ? ho : other).login('hq10', '111111'))));
      expect(reasons.filter((r) => r === 'wrong_credentials').length).toBeLessThanOrEqual(5);
      expect(reasons.filter((r) => r === 'too_many_sign_ins').length).toBeGreaterThanOrEqual(15);
      expect(reasons.every((r) => r === 'wrong_credentials' || r === 'too_many_sign_ins')).toBe(true);

      // Five minutes later the window has passed: the right PIN signs in and the count starts again.
      const later = new HeadOffice(otherPool, () => Date.now() + 5 * 60_000 + 1000);
      expect(await reasonOf(later.login('hq09', '593817'))).toBe('signed in');
      expect((await pool.query("SELECT failures FROM ho_sign_in WHERE staff_id = 'hq09'")).rows[0]).toEqual({ failures: 0 });
    } finally {
      await otherPool.end();
    }
  });
});

describe('where head office listens', () => {
  it('anywhere over HTTPS or when told; otherwise loopback only, with a warning', async () => {
    const { headOfficeListenAddress } = await import('../../src-main/head-office/server');
    expect(headOfficeListenAddress({ host: '0.0.0.0' })).toEqual({ host: '127.0.0.1', warning: expect.stringMatching(/HEAD_OFFICE_TLS_CERT/) });
    expect(headOfficeListenAddress({ host: '0.0.0.0', https: { cert: Buffer.from(''), key: Buffer.from('') } })).toEqual({ host: '0.0.0.0', warning: null });
    expect(headOfficeListenAddress({ host: '0.0.0.0', insecure: true }).warning).toMatch(/unencrypted/);
  });
});
