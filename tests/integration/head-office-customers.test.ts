/**
 * Each branch's slice of the bank's customer data, from head office's PostgreSQL down to a running
 * branch hub: the slice holds the branch's own customers and those holding an account there (with
 * only the holdings it may see), streams out with identifiers opened only on the way, is imported
 * with every check of a feed, and leaves no downloaded file behind.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentifierKey } from '../../src-main/customer-data/identifier-key';
import { FeedWriter } from '../../src-main/customer-data/feed-writer';
import { BranchSlices, sliceFeedId } from '../../src-main/head-office/branch-slice';
import { importCustomerFeed } from '../../src-main/head-office/customer-feed';
import { createPool, migrate, type Pool } from '../../src-main/head-office/db';
import { HeadOffice } from '../../src-main/head-office/head-office';
import { startHeadOfficeServer, type RunningHeadOffice } from '../../src-main/head-office/server';
import { createHub, type Hub } from '../../src-main/hub/create-hub';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import type { AuditEntry, CreateTicketResponse, CustomerCard, LobbyAlert } from '../../src-main/domain/contracts';
import { io, type Socket } from 'socket.io-client';
import { createServer, type AddressInfo } from 'node:net';
import { importFeed } from '../../src-main/hub/feed/import';
import { writeFullFeed } from '../helpers/test-feed';
import { TEST_PRODUCTS, testCustomer, testCustomerRow } from '../helpers/test-feed';

let pgdb: TestDatabase;
let pool: Pool;
let server: RunningHeadOffice;
let credential: string;
let ho: HeadOffice;
const key = IdentifierKey.forTests('head-office-customers');
const dirs: string[] = [];
const tmp = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  dirs.push(d);
  return d;
};

const HERE = 'demo-001';
const THERE = '350102099';

/** Customers 1-20 at home here, 21-40 at home elsewhere; 21 also holds an account here. */
function writeBankFeed(dir: string, feedId: string): void {
  const w = new FeedWriter(dir);
  for (const p of TEST_PRODUCTS) w.row('products.csv', p);
  for (let k = 1; k <= 40; k++) {
    const c = testCustomer(k);
    const home = k <= 20 ? HERE : THERE;
    w.row('customers.csv', { ...testCustomerRow(k, home), name: k === 3 ? '欧阳, "小明"' : testCustomerRow(k, home).name });
    w.row('cards.csv', { card_number: c.card, cif: c.cif, kind: 'debit' });
    w.row('holdings.csv', { cif: c.cif, product_code: 'DD-SAVE', account_id: `${c.cif}-1`, branch_id: home, amount: `${1000 * k}.05`, opened_on: '2020-01-01' });
    if (k === 21) w.row('holdings.csv', { cif: c.cif, product_code: 'TD-1Y', account_id: `${c.cif}-2`, branch_id: HERE, amount: '50000.00', opened_on: '2025-06-01', maturity_on: '2027-06-01' });
  }
  w.row('movements.csv', { cif: testCustomer(2).cif, on_date: '2026-11-30', direction: 'out', amount: '300000.00', other_bank: 'Y' });
  w.row('movements.csv', { cif: testCustomer(30).cif, on_date: '2026-11-30', direction: 'out', amount: '1.00', other_bank: 'N' });
  w.finish({ feedId, asOf: '2026-12-03', mode: 'full' });
}

beforeAll(async () => {
  pgdb = await createTestDatabase('lobby_ho_cust');
  pool = createPool(pgdb.url);
  await migrate(pool);
  ho = new HeadOffice(pool);
  server = await startHeadOfficeServer(ho, { port: 0, host: '127.0.0.1', logLevel: 'silent', slices: new BranchSlices(pool, key) });
  credential = (await ho.addBranch(HERE, { 'zh-CN': '演示', en: 'Demo' })).credential;
  const feed = tmp('ho-bank-feed-');
  writeBankFeed(feed, 'acrm-20261203');
  const r = await importCustomerFeed(pool, { feedDir: feed, key, by: 'test', rejectsDir: feed });
  expect(r.status).toBe('done');
}, 60_000);

afterAll(async () => {
  await server?.close();
  await pool?.end();
  await pgdb?.drop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const link = (path: string, cred = credential) => fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${cred}` } });

describe("a branch's slice of the customer data", () => {
  it('is offered as a feed manifest until the branch runs it, and each file streams in the manifest’s bytes', async () => {
    const res = await link('/api/v1/link/customer-feed');
    expect(res.status).toBe(200);
    const m = (await res.json()) as { feedId: string; branchId: string; mode: string; files: Record<string, { rows: number; sha256: string }> };
    expect(m).toMatchObject({ feedId: sliceFeedId('acrm-20261203', HERE), branchId: HERE, mode: 'full' });
    expect(m.files['customers.csv']!.rows).toBe(21);
    expect(m.files['holdings.csv']!.rows).toBe(21);
    expect(m.files['movements.csv']!.rows).toBe(1);
    expect(Object.keys(m.files)).not.toContain('credit.csv');
    const customers = await link(`/api/v1/link/customer-feed/${m.feedId}/customers.csv`);
    expect(customers.headers.get('content-type')).toMatch(/text\/csv/);
    const text = await customers.text();
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(text).digest('hex')).toBe(m.files['customers.csv']!.sha256);
    expect(text).toContain(testCustomer(1).phone);
    expect(text).toContain('"欧阳, ""小明"""');
    expect(text).not.toContain(testCustomer(22).cif);
    expect((await link(`/api/v1/link/customer-feed?running=${m.feedId}`)).status).toBe(204);
    expect((await link(`/api/v1/link/customer-feed/other.bx/customers.csv`)).status).toBe(409);
    expect((await link(`/api/v1/link/customer-feed/${m.feedId}/secrets.csv`)).status).toBe(404);
    expect((await link('/api/v1/link/customer-feed', 'AAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB')).status).toBe(401);
  });

  it('reaches a running branch hub: its customers and the holdings it may see, imported with every check, nothing left on disk', async () => {
    const dataDir = tmp('lobby-slice-');
    let hub: Hub | null = null;
    try {
      hub = await createHub({ port: 0, host: '127.0.0.1', dataDir, demoCustomers: 5, logLevel: 'silent', headOfficeUrl: server.url, headOfficeCredential: credential, customerFeedCheckMs: 200 });
      const db = new Database(join(dataDir, 'branch.db'), { readonly: true });
      const want = sliceFeedId('acrm-20261203', HERE);
      const end = Date.now() + 30_000;
      let live: { feed_id: string; live_file: string } | undefined;
      for (;;) {
        live = db.prepare('SELECT feed_id, live_file FROM feed_state').get() as typeof live;
        if (live?.feed_id === want) break;
        if (Date.now() > end) throw new Error(`the slice did not arrive (live: ${live?.feed_id})`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const run = db.prepare('SELECT status, started_by, rejected FROM feed_run WHERE feed_id = ?').get(want);
      expect(run).toEqual({ status: 'done', started_by: 'head-office', rejected: 0 });
      db.close();
      const snap = new Database(join(dataDir, 'snapshots', live.live_file), { readonly: true });
      expect(snap.prepare('SELECT count(*) FROM customer').pluck().get()).toBe(21);
      const visitor = testCustomer(21).cif;
      const theirs = snap.prepare('SELECT h.account_id FROM holding h JOIN customer c ON c.id = h.customer_id WHERE c.cif = ? ORDER BY 1').pluck().all(visitor);
      expect(theirs).toEqual([`${visitor}-2`]);
      const own = snap.prepare("SELECT h.amount_fen FROM holding h JOIN customer c ON c.id = h.customer_id WHERE c.cif = ? AND h.account_id LIKE '%-1'").pluck().get(testCustomer(4).cif);
      expect(own).toBe(400_005);
      snap.close();
      expect(existsSync(join(dataDir, 'feeds', 'incoming')) ? readdirSync(join(dataDir, 'feeds', 'incoming')) : []).toEqual([]);
    } finally {
      await hub?.close();
    }
  });

  it('serves a walk-in customer of another branch: looked up at head office, identified, carded and audited at both', async () => {
    const dataDir = tmp('lobby-walkin-');
    const hub = await createHub({ port: 0, host: '127.0.0.1', dataDir, demoCustomers: 5, logLevel: 'silent', headOfficeUrl: server.url, headOfficeCredential: credential, customerFeedCheckMs: 3_600_000 });
    try {
      // The branch takes its slice at start; the walk-ins below come after it.
      const end = Date.now() + 30_000;
      for (;;) {
        const d = new Database(join(dataDir, 'branch.db'), { readonly: true });
        const running = d.prepare("SELECT count(*) FROM feed_run WHERE status = 'running'").pluck().get() as number;
        const live = d.prepare('SELECT feed_id FROM feed_state').pluck().get() as string;
        d.close();
        if (running === 0 && live === sliceFeedId('acrm-20261203', HERE)) break;
        if (Date.now() > end) throw new Error('the slice did not arrive');
        await new Promise((r) => setTimeout(r, 100));
      }
      const kiosk = await login(hub, { deviceId: 'kiosk-01', secret: 'demo' });
      const manager = await login(hub, { staffId: 'm01', pin: '1111' });
      const admin = await login(hub, { staffId: 'admin', pin: '9999' });
      const elsewhere = testCustomer(30);
      const issued = await post<CreateTicketResponse>(hub, '/api/v1/tickets', kiosk, { serviceCode: 'A', requestId: 'walk-in-1', identity: { kind: 'phone', value: elsewhere.phone } });
      expect(issued.status).toBe(201);
      const card = await get<CustomerCard>(hub, `/api/v1/tickets/${issued.body.ticket.id}/card`, manager);
      expect(card.status).toBe(200);
      expect(JSON.stringify(card.body)).toContain(elsewhere.phone.slice(0, 3));
      expect(JSON.stringify(card.body)).not.toContain(elsewhere.phone);
      const lookups = (await get<{ entries: AuditEntry[] }>(hub, '/api/v1/audit?action=customer.lookup', admin)).body.entries;
      expect(lookups).toHaveLength(1);
      expect(lookups[0]!.detail).toMatchObject({ kind: 'phone', outcome: 'found' });
      expect(JSON.stringify(lookups)).not.toContain(elsewhere.phone);
      const atHeadOffice = await pool.query("SELECT kind, found, cif FROM ho_customer_lookup WHERE branch_id = $1", [HERE]);
      expect(atHeadOffice.rows).toEqual([{ kind: 'phone', found: true, cif: elsewhere.cif }]);
      // Kept for the visit under a negative id, with the holdings the catalogue knows and a tier (in the
      // snapshot the hub serves: it follows the slice's switch within seconds, carrying walk-ins along).
      const visitorIn = () => {
        const db = new Database(join(dataDir, 'branch.db'), { readonly: true });
        const live = db.prepare('SELECT live_file FROM feed_state').pluck().get() as string;
        db.close();
        const snap = new Database(join(dataDir, 'snapshots', live), { readonly: true });
        const row = snap.prepare('SELECT id, home_branch_id, aum_fen, tier_computed_on FROM customer WHERE cif = ?').get(elsewhere.cif) as
          | { id: number; home_branch_id: string; aum_fen: number; tier_computed_on: string | null }
          | undefined;
        snap.close();
        return row;
      };
      const until = Date.now() + 10_000;
      let kept = visitorIn();
      while (!kept && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 100));
        kept = visitorIn();
      }
      if (!kept) throw new Error('the walk-in is not in the live snapshot');
      expect(kept.id).toBeLessThan(0);
      expect(kept.home_branch_id).toBe(THERE);
      expect(kept.tier_computed_on).not.toBeNull();
      // The same customer again is found here, without asking head office.
      const again = await post<CreateTicketResponse>(hub, '/api/v1/tickets', kiosk, { serviceCode: 'A', requestId: 'walk-in-2', identity: { kind: 'phone', value: elsewhere.phone } });
      expect(again.status).toBe(201);
      expect(Number((await pool.query('SELECT count(*) AS n FROM ho_customer_lookup')).rows[0].n)).toBe(1);
      // Looked up by phone, no card number came down; by card, only that card.
      const cardsOf = (cif: string) => {
        const d = new Database(join(dataDir, 'branch.db'), { readonly: true });
        const f = d.prepare('SELECT live_file FROM feed_state').pluck().get() as string;
        d.close();
        const sn = new Database(join(dataDir, 'snapshots', f), { readonly: true });
        const n = sn.prepare('SELECT count(*) FROM card k JOIN customer c ON c.id = k.customer_id WHERE c.cif = ?').pluck().get(cif) as number;
        const id = sn.prepare('SELECT id FROM customer WHERE cif = ?').pluck().get(cif) as number | undefined;
        sn.close();
        return { cards: n, id };
      };
      expect(cardsOf(elsewhere.cif).cards).toBe(0);
      const byCard = testCustomer(32);
      const read = await post<CreateTicketResponse>(hub, '/api/v1/tickets', kiosk, { serviceCode: 'A', requestId: 'walk-in-card', identity: { kind: 'card', value: byCard.card, method: 'reader' } });
      expect(read.status).toBe(201);
      expect(cardsOf(byCard.cif)).toMatchObject({ cards: 1 });
      expect(cardsOf(byCard.cif).id).toBeLessThan(kept.id);
      // A full feed loaded meanwhile (the branch's own, or a slice) keeps today's walk-ins, under the same ids.
      const feed = tmp('lobby-walkin-feed-');
      writeFullFeed(feed, { feedId: 'branch-own-1', asOf: '2026-12-04', n: 3, branchId: HERE });
      const own = await importFeed({ dataDir, feedDir: feed, by: 'test', inThread: true });
      expect(own.status, JSON.stringify(own)).toBe('done');
      await new Promise((r) => setTimeout(r, 2_500));
      expect(cardsOf(elsewhere.cif).id).toBe(kept.id);
      expect(cardsOf(byCard.cif)).toMatchObject({ cards: 1 });
      // Tiered there as before (from their holdings: the feed's own customers from the sums it kept).
      if (own.status !== 'done') throw new Error('not done');
      expect(own.tiers.customers).toBe(3 + 2);
      const carried = new Database(own.snapshot, { readonly: true });
      const tiered = carried.prepare('SELECT aum_fen, tier_computed_on FROM customer WHERE cif = ?').get(elsewhere.cif) as { aum_fen: number; tier_computed_on: string | null };
      carried.close();
      expect(tiered.aum_fen).toBe(kept.aum_fen);
      expect(kept.aum_fen).toBeGreaterThan(0);
      expect(tiered.tier_computed_on).not.toBeNull();
      const afterImport = await post<CreateTicketResponse>(hub, '/api/v1/tickets', kiosk, { serviceCode: 'A', requestId: 'walk-in-after', identity: { kind: 'phone', value: elsewhere.phone } });
      expect(afterImport.status).toBe(201);
      expect((await get(hub, `/api/v1/tickets/${afterImport.body.ticket.id}/card`, manager)).status).toBe(200);
      expect(Number((await pool.query('SELECT count(*) AS n FROM ho_customer_lookup')).rows[0].n)).toBe(2);
      // Somebody head office does not know either: an unidentified walk-in, no alert.
      const nobody = await post<CreateTicketResponse>(hub, '/api/v1/tickets', kiosk, { serviceCode: 'A', requestId: 'walk-in-3', identity: { kind: 'phone', value: '13912345678' } });
      expect(nobody.status).toBe(201);
      expect((await pool.query('SELECT found FROM ho_customer_lookup ORDER BY id DESC LIMIT 1')).rows[0].found).toBe(false);
    } finally {
      await hub.close();
    }
  });

  it('with head office out of reach, issues the ticket unidentified at once and tells the lobby managers', async () => {
    const dataDir = tmp('lobby-wan-down-');
    // Head office's address takes the connection and never answers (a WAN that drops everything).
    const sockets: import('node:net').Socket[] = [];
    const silent = createServer((sock) => void sockets.push(sock));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const hub = await createHub({ port: 0, host: '127.0.0.1', dataDir, demoCustomers: 5, logLevel: 'silent', headOfficeUrl: silentUrl, headOfficeCredential: credential, customerLookupTimeoutMs: 800 });
    try {
      const kiosk = await login(hub, { deviceId: 'kiosk-01', secret: 'demo' });
      const manager = await login(hub, { staffId: 'm01', pin: '1111' });
      const socket: Socket = io(hub.url, { path: '/socket.io', auth: { token: manager }, transports: ['websocket'], reconnection: false, forceNew: true });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const alerts: LobbyAlert[] = [];
      socket.on('lobby:alert', (a: LobbyAlert) => alerts.push(a));
      const started = Date.now();
      // The kiosk retries while the first try waits on head office: one lookup, one ticket, one alert.
      const body = { serviceCode: 'A', requestId: 'wan-down-1', identity: { kind: 'phone', value: testCustomer(31).phone } };
      const [issued, retried] = await Promise.all([post<CreateTicketResponse>(hub, '/api/v1/tickets', kiosk, body), post<CreateTicketResponse>(hub, '/api/v1/tickets', kiosk, body)]);
      expect(issued.status, JSON.stringify(issued.body)).toBe(201);
      expect(retried.status).toBe(200);
      expect(retried.body.ticket.id).toBe(issued.body.ticket.id);
      // Issued once the lookup gave up (0.8 s here, 2 s by default), not when the WAN came back.
      expect(Date.now() - started).toBeGreaterThanOrEqual(700);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(issued.body.ticket).toMatchObject({ identification: 'typed', identified: false });
      const noCard = await get<{ error: { reason: string } }>(hub, `/api/v1/tickets/${issued.body.ticket.id}/card`, manager);
      expect(noCard.status).toBe(404);
      expect(noCard.body.error.reason).toBe('customer_card_not_found');
      const end = Date.now() + 5_000;
      while (!alerts.length && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      expect(alerts).toEqual([expect.objectContaining({ kind: 'customer_lookup_unreachable', deviceId: 'kiosk-01', ticketNumber: issued.body.ticket.number })]);
      const admin = await login(hub, { staffId: 'admin', pin: '9999' });
      const audit = (await get<{ entries: AuditEntry[] }>(hub, '/api/v1/audit?action=customer.lookup', admin)).body.entries;
      expect(audit.map((e) => e.detail)).toEqual([expect.objectContaining({ kind: 'phone', outcome: 'unreachable' })]);
      const attempts = (await get<{ entries: AuditEntry[] }>(hub, '/api/v1/audit?action=identity.attempt', admin)).body.entries;
      expect(attempts).toHaveLength(1);
      socket.disconnect();
    } finally {
      await hub.close();
      for (const sock of sockets) sock.destroy();
      silent.close();
    }
  });
  it("leaves out of a branch's contacts those of customers it knows to be another branch's", async () => {
    const other = (await ho.addBranch(THERE, { 'zh-CN': '别处', en: 'Elsewhere' })).credential;
    const state = { branchName: { 'zh-CN': '别处', en: 'Elsewhere' }, timeZone: 'Asia/Shanghai', businessDate: '2026-12-04', waitingNow: 0, bundleVersion: null };
    const contact = (offset: number, k: number) => ({
      offset,
      type: 'contact.declined',
      at: Date.parse('2026-12-04T02:00:00Z') + offset,
      data: { cif: testCustomer(k).cif, productCode: 'WM-R2', outcome: 'declined', countsTowardCap: 1, decisionId: offset },
    });
    // 1: at home here; 21: holds an account here; 30: the walk-in looked up above; 35: another branch's;
    // 9999: a customer head office does not know (sent: it cannot tell whose).
    const shipped = await fetch(`${server.url}/api/v1/link/journal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${other}` },
      body: JSON.stringify({ stream: 'contacts', after: 0, entries: [contact(1, 1), contact(2, 35), contact(3, 21), contact(4, 30), contact(5, 35), contact(6, 9999)], state }),
    });
    expect(shipped.status).toBe(200);
    // Unfiltered for a hub that does not go on from `through` (an older one).
    const all6 = (await (await link('/api/v1/link/contacts?after=0')).json()) as { contacts: unknown[] };
    expect(all6.contacts).toHaveLength(6);
    const res = await link('/api/v1/link/contacts?after=0&filtered=1');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { contacts: { cif: string; id: number }[]; through: number; more: boolean };
    expect(body.contacts.map((c) => c.cif)).toEqual([testCustomer(1).cif, testCustomer(21).cif, testCustomer(30).cif, testCustomer(9999).cif]);
    expect(body.more).toBe(false);
    const all = await pool.query('SELECT max(id) AS m FROM ho_contact');
    expect(body.through).toBe(Number(all.rows[0].m));
    // Asked again from there: nothing new.
    const again = (await (await link(`/api/v1/link/contacts?after=${body.through}&filtered=1`)).json()) as { contacts: unknown[] };
    expect(again.contacts).toEqual([]);
  });
  it('after a delta that carries only customers, the slice still has every kind of row head office holds', async () => {
    const feed = tmp('ho-delta-');
    const w = new FeedWriter(feed);
    w.row('customers.csv', { ...testCustomerRow(2, HERE), name: '新名字' });
    w.finish({ feedId: 'acrm-20261204-delta', asOf: '2026-12-04', mode: 'delta' });
    expect((await importCustomerFeed(pool, { feedDir: feed, key, by: 'test', rejectsDir: feed })).status).toBe('done');
    const m = (await (await link('/api/v1/link/customer-feed')).json()) as { feedId: string; files: Record<string, { rows: number }> };
    expect(m.feedId).toBe(sliceFeedId('acrm-20261204-delta', HERE));
    expect(m.files['movements.csv']!.rows).toBe(1);
    expect(m.files['customers.csv']!.rows).toBe(21);
    const text = await (await link(`/api/v1/link/customer-feed/${m.feedId}/customers.csv`)).text();
    expect(text).toContain('新名字');
  });
});

async function login(hub: Hub, who: object): Promise<string> {
  const res = await fetch(`${hub.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

async function post<T>(hub: Hub, path: string, token: string, body: object): Promise<{ status: number; body: T }> {
  const res = await fetch(`${hub.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as T };
}

async function get<T>(hub: Hub, path: string, token: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${hub.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as T };
}
