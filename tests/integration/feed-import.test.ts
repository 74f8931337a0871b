/**
 * The warehouse feed into a real branch set up from resources/branch.example.yaml, with the hub
 * running on the same data directory: a full feed switches the lobby to the bank's customers
 * within seconds; the same feed twice is a no-op; a delta upserts, deletes and may make a phone
 * shared (the kiosk then picks nobody); GB18030 files read right; every refusal (sha256, row
 * count, missing column, missing file, too many rejects) changes nothing the lobby sees and says
 * why; a rejects file names file, line, column and reason; no identifier is readable in any file
 * of the data directory.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, CreateTicketResponse, CustomerCard } from '../../src-main/domain/contracts';
import { createHub, type Hub } from '../../src-main/hub/create-hub';
import { openDatabase } from '../../src-main/hub/db/open';
import { importFeed } from '../../src-main/hub/feed/import';
import { FeedWriter } from '../../src-main/customer-data/feed-writer';
import { liveSnapshot } from '../../src-main/hub/customers/snapshot';
import { setupFromText } from '../../src-main/hub/setup/branch-setup';
import { editManifest, rewriteFile, testCustomer, writeFullFeed } from '../helpers/test-feed';

const BRANCH = '350102001';
const AS_OF = '2026-12-03';
let dir: string;
let feeds: string;
let hub: Hub;
let kiosk: string;
let manager: string;
let admin: string;

async function api<T>(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(hub.url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Signs in; a person on an initial PIN chooses their own first (the branch file's PINs are initial). */
async function signIn(who: Record<string, unknown>, newPin?: string): Promise<string> {
  const r = await api<{ token: string; mustChangePin: boolean }>('POST', '/api/v1/auth/login', undefined, who);
  expect(r.status).toBe(200);
  if (r.body.mustChangePin) {
    const c = await api('POST', '/api/v1/auth/change-pin', r.body.token, { currentPin: who.pin, newPin });
    expect(c.status).toBe(200);
  }
  return r.body.token;
}

const live = () => {
  const db = openDatabase(join(dir, 'branch.db'));
  try {
    return liveSnapshot(db, BRANCH);
  } finally {
    db.close();
  }
};
/** Waits until the hub serves the feed (it follows the pointer every two seconds). */
async function served(feedId: string) {
  for (let i = 0; i < 50; i++) {
    const r = await api<{ live: { feedId: string } | null }>('GET', '/api/v1/feeds', admin);
    if (r.body.live?.feedId === feedId) {
      await new Promise((res) => setTimeout(res, 2_200)); // one more follow: the hub has attached it
      return;
    }
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`the hub does not serve ${feedId}`);
}

let n = 0;
const ticket = (identity?: object) =>
  api<CreateTicketResponse>('POST', '/api/v1/tickets', kiosk, { serviceCode: 'A', requestId: `feed-${Date.now()}-${n++}`, ...(identity ? { identity } : {}) });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lobby-feed-'));
  feeds = mkdtempSync(join(tmpdir(), 'lobby-feeds-'));
  const db = openDatabase(join(dir, 'branch.db'));
  const r = setupFromText(db, readFileSync('resources/branch.example.yaml', 'utf8'), { actor: 'test', role: 'system' });
  expect('plan' in r && r.plan.created).toBe(true);
  db.close();
  hub = await createHub({ port: 0, host: '127.0.0.1', dataDir: dir, demo: false, logLevel: 'silent' });
  kiosk = await signIn({ deviceId: 'kiosk-01', secret: 'gulou-kiosk-7Hq2Lm9x' });
  manager = await signIn({ staffId: 'm01', pin: '480215' }, '906173');
  admin = await signIn({ staffId: 'it01', pin: '815372' }, '620948');
});
afterAll(async () => {
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(feeds, { recursive: true, force: true });
});

describe('a full feed', () => {
  it('switches the lobby to the bank’s customers: tiers computed, the card shows their holdings in fen', async () => {
    const fd = join(feeds, 'full-1');
    writeFullFeed(fd, { feedId: 'acrm-20261203', asOf: AS_OF, n: 40, branchId: BRANCH });
    const before = await ticket({ kind: 'card', value: testCustomer(1).card, method: 'reader' });
    expect(before.body.ticket.identified).toBe(false); // nobody yet: an empty snapshot
    const r = await importFeed({ dataDir: dir, feedDir: fd, by: 'test' });
    expect(r).toMatchObject({ status: 'done', feedId: 'acrm-20261203', mode: 'full', rejected: 0, counts: { 'customers.csv': 40, 'cards.csv': 40, 'holdings.csv': 80 } });
    if (r.status !== 'done') return;
    expect(r.tiers.tiers.top).toBe(1);
    await served('acrm-20261203');
    const t = await ticket({ kind: 'card', value: testCustomer(1).card, method: 'reader' });
    expect(t.body.ticket).toMatchObject({ identified: true, route: 'green_channel' });
    const card = (await api<CustomerCard>('GET', `/api/v1/tickets/${t.body.ticket.id}/card`, manager)).body;
    expect(card.customer.tier).toBe('top');
    expect(card.customer.aumFen).toBe(650_000_050 + 5_000_000);
    expect(card.customer.maskedPhone).toBe('139****0001');
    expect(card.holdings.flatMap((g) => g.items.map((i) => i.amountFen)).sort((a, b) => a - b)).toEqual([5_000_000, 650_000_050]);
  });

  it('the same feedId again is a no-op that says so', async () => {
    const r = await importFeed({ dataDir: dir, feedDir: join(feeds, 'full-1'), by: 'test' });
    expect(r.status).toBe('duplicate');
    if (r.status === 'duplicate') expect(r.reason).toMatch(/loaded already/);
    expect(live()!.feedId).toBe('acrm-20261203');
  });
});

describe('a delta feed', () => {
  it('upserts and deletes; a phone two customers share identifies nobody', async () => {
    const fd = join(feeds, 'delta-1');
    const w = new FeedWriter(fd);
    const two = testCustomer(2);
    // Customer 2 now shares customer 3's phone (a family); customer 4 leaves the bank; a holding changes.
    w.row('customers.csv', {
      cif: two.cif,
      name: '王芳芳',
      gender: 'F',
      birth_date: '1962-03-12',
      phone: testCustomer(3).phone,
      resident_id: two.residentId,
      marital_status: 'married',
      occupation: 'retired',
      risk_tolerance: 2,
      marketing_consent: 'N',
      home_branch_id: BRANCH,
    });
    w.row('holdings.csv', { cif: two.cif, product_code: 'DD-SAVE', account_id: `${two.cif}-1`, branch_id: BRANCH, amount: '777.77', opened_on: '2020-01-01' });
    w.row('deletions.csv', { entity: 'customer', key: testCustomer(4).cif });
    w.finish({ feedId: 'acrm-20261204-delta', asOf: '2026-12-04', mode: 'delta' });
    const r = await importFeed({ dataDir: dir, feedDir: fd, by: 'test' });
    expect(r).toMatchObject({ status: 'done', mode: 'delta', counts: { 'customers.csv': 1, 'holdings.csv': 1, 'deletions.csv': 1 } });
    await served('acrm-20261204-delta');

    const shared = await ticket({ kind: 'phone', value: testCustomer(3).phone });
    expect(shared.body.ticket.identified).toBe(false);
    const audit = (await api<{ entries: AuditEntry[] }>('GET', '/api/v1/audit?action=identity.&limit=50', admin)).body.entries;
    expect(audit.find((e) => e.subject === `ticket:${shared.body.ticket.id}`)?.detail).toMatchObject({ matched: false, shared: true });
    // Customer 2 by card: the new name (masked), the new amount, ids kept.
    const t2 = await ticket({ kind: 'card', value: two.card, method: 'reader' });
    const c2 = (await api<CustomerCard>('GET', `/api/v1/tickets/${t2.body.ticket.id}/card`, manager)).body;
    expect(c2.customer.maskedName).toBe('王**');
    expect(c2.customer.ref).toBe('C2');
    expect(c2.holdings.flatMap((g) => g.items).find((i) => i.productCode === 'DD-SAVE')?.amountFen).toBe(77_777);
    // Customer 4 is gone: their card identifies nobody.
    expect((await ticket({ kind: 'card', value: testCustomer(4).card, method: 'reader' })).body.ticket.identified).toBe(false);
  });

  it('reads a GB18030 feed when the manifest says so', async () => {
    const fd = join(feeds, 'delta-gbk');
    const w = new FeedWriter(fd);
    const five = testCustomer(5);
    w.row('customers.csv', {
      cif: five.cif,
      name: '欧阳娜娜',
      gender: 'F',
      birth_date: '1965-06-15',
      phone: five.phone,
      resident_id: five.residentId,
      marital_status: 'single',
      occupation: 'self_employed',
      risk_tolerance: 4,
      marketing_consent: 'Y',
      home_branch_id: BRANCH,
    });
    w.finish({ feedId: 'acrm-gbk', asOf: '2026-12-04', mode: 'delta' });
    rewriteFile(fd, 'customers.csv', iconv.encode(readFileSync(join(fd, 'customers.csv'), 'utf8'), 'gb18030'));
    editManifest(fd, (m) => (m.encoding = 'gb18030'));
    const r = await importFeed({ dataDir: dir, feedDir: fd, by: 'test' });
    expect(r.status).toBe('done');
    await served('acrm-gbk');
    const t = await ticket({ kind: 'card', value: five.card, method: 'reader' });
    const card = (await api<CustomerCard>('GET', `/api/v1/tickets/${t.body.ticket.id}/card`, manager)).body;
    expect(card.customer.maskedName).toBe('欧阳**');
  });
});

describe('refusals change nothing the lobby sees', () => {
  const fresh = (name: string) => {
    const fd = join(feeds, name);
    writeFullFeed(fd, { feedId: name, asOf: AS_OF, n: 30, branchId: BRANCH });
    return fd;
  };
  const refused = async (fd: string, pattern: RegExp, maxRejectPercent?: number) => {
    const before = live();
    const r = await importFeed({ dataDir: dir, feedDir: fd, by: 'test', ...(maxRejectPercent !== undefined ? { maxRejectPercent } : {}) });
    expect(r.status).toBe('refused');
    if (r.status === 'refused') expect(r.reason).toMatch(pattern);
    expect(live()).toEqual(before);
    return r;
  };

  it('a file whose sha256 does not match the manifest', async () => {
    const fd = fresh('bad-sha');
    rewriteFile(fd, 'cards.csv', readFileSync(join(fd, 'cards.csv'), 'utf8').replace(/\r\n$/, '\r\n\r\n'), { keepManifest: true });
    await refused(fd, /cards\.csv: sha256 .* does not match/);
  });

  it('a row count that does not match', async () => {
    const fd = fresh('bad-rows');
    rewriteFile(fd, 'cards.csv', readFileSync(join(fd, 'cards.csv')), { rows: 31 });
    await refused(fd, /cards\.csv has 30 rows, the manifest says 31/);
  });

  it('a missing required column, and a full feed without holdings', async () => {
    const fd = fresh('bad-column');
    rewriteFile(fd, 'customers.csv', readFileSync(join(fd, 'customers.csv'), 'utf8').replace('risk_tolerance,', 'risk,'));
    await refused(fd, /customers\.csv: missing required column risk_tolerance/);
    const fd2 = fresh('no-holdings');
    editManifest(fd2, (m) => delete (m.files as Record<string, unknown>)['holdings.csv']);
    await refused(fd2, /a full feed needs holdings\.csv/);
  });

  it('too many rejected rows: refused whole, the rejects file says where and why', async () => {
    const fd = fresh('bad-rows-many');
    const text = readFileSync(join(fd, 'holdings.csv'), 'utf8').split('\r\n');
    text[3] = text[3]!.replace(/,2020-01-01/, ',2020-13-01'); // line 4: a date that does not exist
    text[5] = text[5]!.replace(testCustomer(3).cif, '8899999999'); // line 6: a holding of nobody
    text[8] = text[8]!.replace('50000.00', '50000.001'); // line 9: three decimals
    rewriteFile(fd, 'holdings.csv', text.join('\r\n'));
    const r = await refused(fd, /3 of \d+ rows rejected .* more than 1%/);
    const rejects = readFileSync(r.status === 'refused' ? r.rejectsFile! : '', 'utf8');
    expect(rejects).toContain('file,line,column,reason');
    expect(rejects).toContain('holdings.csv,4,opened_on,opened_on is a date YYYY-MM-DD');
    expect(rejects).toContain('holdings.csv,6,cif,no customer with cif 8899999999');
    expect(rejects, rejects).toMatch(/holdings\.csv,9,amount,"amount is an amount in yuan with at most two decimals/);
    // Under a looser threshold the same feed loads, without the three rows.
    const ok = await importFeed({ dataDir: dir, feedDir: fd, by: 'test', maxRejectPercent: 5 });
    expect(ok).toMatchObject({ status: 'done', rejected: 3, counts: { 'holdings.csv': 57 } });
    await served('bad-rows-many');
  });

  it('lists every run in the Data feeds tab', async () => {
    const f = (await api<{ history: { feedId: string; status: string; reason: string | null }[] }>('GET', '/api/v1/feeds', admin)).body;
    const status = (id: string) => f.history.find((h) => h.feedId === id)?.status;
    expect(status('bad-sha')).toBe('refused');
    expect(f.history.filter((h) => h.feedId === 'acrm-20261203').map((h) => h.status)).toEqual(['duplicate', 'done']);
    expect(f.history.find((h) => h.feedId === 'bad-rows')?.reason).toMatch(/manifest says 31/);
  });
});

describe('customer data at rest', () => {
  it('no phone, card or resident ID of the feed is readable in any file of the data directory', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d, { withFileTypes: true })) {
        if (f.isDirectory()) walk(join(d, f.name));
        else files.push(join(d, f.name));
      }
    };
    walk(dir);
    expect(files.some((f) => f.endsWith('.db'))).toBe(true);
    const secrets = [1, 2, 3, 5, 10, 20, 30].map((k) => testCustomer(k)).flatMap((c) => [c.phone, c.residentId, c.card]);
    for (const f of files) {
      if (!existsSync(f)) continue;
      const bytes = readFileSync(f).toString('latin1');
      for (const s of secrets) expect(bytes.includes(s), `${s} readable in ${f}`).toBe(false);
    }
  });
});
