/**
 * Head office's customer data: the warehouse feed loaded through COPY into a real PostgreSQL
 * (same files, columns and row checks as a branch), rejects named by file and line, a refused
 * feed leaving the live data as it was, and a second feed replacing the first whole.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentifierKey } from '../../src-main/customer-data/identifier-key';
import { createPool, migrate, type Pool } from '../../src-main/head-office/db';
import { importCustomerFeed } from '../../src-main/head-office/customer-feed';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { rewriteFile, testCustomer, testCustomerRow, writeFullFeed } from '../helpers/test-feed';
import { FeedWriter } from '../../src-main/customer-data/feed-writer';

let pgdb: TestDatabase;
let pool: Pool;
let dir: string;
const key = IdentifierKey.forTests('head-office');

beforeAll(async () => {
  pgdb = await createTestDatabase('lobby_ho_feed');
  pool = createPool(pgdb.url);
  await migrate(pool);
  dir = mkdtempSync(join(tmpdir(), 'ho-feed-'));
});

afterAll(async () => {
  await pool?.end();
  await pgdb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const count = async (table: string) => Number((await pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

describe('head office imports the warehouse feed', () => {
  it('copies a full feed in: identifiers hashed, sealed and masked, money in fen; the same feed again is a no-op', async () => {
    const feed = join(dir, 'f1');
    writeFullFeed(feed, { feedId: 'acrm-1', asOf: '2026-12-03', n: 50, homeBranch: '350102001' });
    const r = await importCustomerFeed(pool, { feedDir: feed, key, by: 'test', rejectsDir: dir });
    expect(r.status).toBe('done');
    if (r.status !== 'done') return;
    expect(r.counts).toMatchObject({ 'customers.csv': 50, 'cards.csv': 50, 'holdings.csv': 100, 'products.csv': 4 });
    expect(r.rejected).toBe(0);
    expect(await count('ho_customer')).toBe(50);

    const c1 = testCustomer(1);
    const row = (await pool.query('SELECT * FROM ho_customer WHERE cif = $1', [c1.cif])).rows[0];
    expect(row.phone_masked).not.toContain(c1.phone.slice(3, 7));
    expect(Buffer.from(row.phone_lookup).equals(key.lookup('phone', c1.phone))).toBe(true);
    expect(key.open(row.phone_sealed)).toBe(c1.phone);
    expect(key.open(row.id_sealed)).toBe(c1.residentId);
    // Nothing in the tables holds the numbers themselves (every column, the sealed ones as hex).
    const all = async (table: string) => JSON.stringify((await pool.query(`SELECT * FROM ${table}`)).rows, (_k, v) => (v && v.type === 'Buffer' ? Buffer.from(v.data).toString('hex') : v));
    const text = (await all('ho_customer')) + (await all('ho_card'));
    for (const k of [1, 2, 3]) {
      const c = testCustomer(k);
      for (const n of [c.phone, c.residentId, c.card]) expect(text).not.toContain(n);
    }
    const card = (await pool.query('SELECT * FROM ho_card WHERE cif = $1', [c1.cif])).rows[0];
    expect(key.open(card.card_sealed)).toBe(c1.card);
    const h = (await pool.query("SELECT amount_fen FROM ho_holding WHERE account_id = $1", [`${c1.cif}-1`])).rows[0];
    expect(Number(h.amount_fen)).toBe(650000050);

    const again = await importCustomerFeed(pool, { feedDir: feed, key, by: 'test', rejectsDir: dir });
    expect(again).toMatchObject({ status: 'duplicate', feedId: 'acrm-1' });
  });

  it('rejects bad rows with file, line, column and reason; duplicates and dangling references are found in SQL', async () => {
    const feed = join(dir, 'f2');
    writeFullFeed(feed, { feedId: 'acrm-2', asOf: '2026-12-04', n: 300, homeBranch: '350102002' });
    const holdings = readFileSync(join(feed, 'holdings.csv'), 'utf8').trimEnd().split('\r\n');
    // line 2: a bad amount; a repeated account; a holding of an unknown customer and of an unknown product.
    holdings[1] = holdings[1]!.replace(/,\d+(\.\d+)?,2020-01-01/, ',12.345,2020-01-01');
    holdings.push(holdings[3]!, 'C9999999,DD-SAVE,ACC-X,350102002,1.00,2020-01-01,', `${testCustomer(7).cif},NOPE,ACC-Y,350102002,1.00,2020-01-01,`);
    rewriteFile(feed, 'holdings.csv', holdings.join('\r\n') + '\r\n');
    const r = await importCustomerFeed(pool, { feedDir: feed, key, by: 'test', rejectsDir: dir, maxRejectPercent: 5 });
    expect(r.status).toBe('done');
    if (r.status !== 'done') return;
    expect(r.rejected).toBe(4);
    expect(r.counts['holdings.csv']).toBe(603 - 4);
    const rejects = readFileSync(r.rejectsFile!, 'utf8');
    const n = holdings.length;
    expect(rejects).toContain('holdings.csv,2,amount,');
    expect(rejects).toContain(`holdings.csv,${n - 2},account_id,account_id ${holdings[3]!.split(',')[2]} appears more than once`);
    expect(rejects).toContain(`holdings.csv,${n - 1},cif,no customer with cif C9999999`);
    expect(rejects).toContain(`holdings.csv,${n},product_code,no product NOPE`);
    // The second feed replaced the first whole.
    expect(await count('ho_customer')).toBe(300);
    expect(Number((await pool.query("SELECT count(*) AS n FROM ho_customer WHERE home_branch_id = '350102001'")).rows[0].n)).toBe(0);
    const stored = await pool.query("SELECT file, line, col, reason FROM ho_feed_reject WHERE feed_id = 'acrm-2' ORDER BY line");
    expect(stored.rows.map((x) => x.line).map(Number)).toEqual([2, n - 2, n - 1, n]);
  });

  it('refuses a feed over the reject limit or with a wrong row count, and leaves the live data as it was', async () => {
    const feed = join(dir, 'f3');
    writeFullFeed(feed, { feedId: 'acrm-3', asOf: '2026-12-05', n: 20, homeBranch: '350102003' });
    const customers = readFileSync(join(feed, 'customers.csv'), 'utf8').trimEnd().split('\r\n');
    customers[1] = customers[1]!.replace(',M,', ',X,');
    rewriteFile(feed, 'customers.csv', customers.join('\r\n') + '\r\n');
    const r = await importCustomerFeed(pool, { feedDir: feed, key, by: 'test', rejectsDir: dir });
    expect(r.status).toBe('refused');
    if (r.status !== 'refused') return;
    expect(r.reason).toMatch(/rows rejected .* more than 1%/);
    expect(await count('ho_customer')).toBe(300);
    expect((await pool.query("SELECT status FROM ho_feed WHERE feed_id = 'acrm-3'")).rows[0].status).toBe('refused');
    expect((await pool.query("SELECT to_regclass('ho_customer_next') AS t")).rows[0].t).toBeNull();

    const feed4 = join(dir, 'f4');
    writeFullFeed(feed4, { feedId: 'acrm-4', asOf: '2026-12-05', n: 5 });
    rewriteFile(feed4, 'cards.csv', readFileSync(join(feed4, 'cards.csv')), { rows: 9 });
    const r4 = await importCustomerFeed(pool, { feedDir: feed4, key, by: 'test', rejectsDir: dir });
    expect(r4).toMatchObject({ status: 'refused', reason: 'cards.csv has 5 rows, the manifest says 9' });
    expect(await count('ho_customer')).toBe(300);
  });

  it('keeps text with backslashes, tabs, quotes and line breaks as written (COPY escaping)', async () => {
    const feed = join(dir, 'f7');
    writeFullFeed(feed, { feedId: 'acrm-7', asOf: '2026-12-06', n: 3 });
    const odd = 'Zhang\\Wei\t"Jr"\nthe 2nd';
    const customers = readFileSync(join(feed, 'customers.csv'), 'utf8').trimEnd().split('\r\n');
    const cols = customers[1]!.split(',');
    cols[1] = `"${odd.replace(/"/g, '""')}"`;
    customers[1] = cols.join(',');
    rewriteFile(feed, 'customers.csv', customers.join('\r\n') + '\r\n', { rows: 3 });
    const r = await importCustomerFeed(pool, { feedDir: feed, key, by: 'test', rejectsDir: dir });
    expect(r).toMatchObject({ status: 'done', rejected: 0 });
    expect((await pool.query('SELECT name FROM ho_customer WHERE cif = $1', [testCustomer(1).cif])).rows[0].name).toBe(odd);
  });

  it('refuses another key than the one the data was loaded under', async () => {
    const feed = join(dir, 'f5');
    writeFullFeed(feed, { feedId: 'acrm-5', asOf: '2026-12-05', n: 3 });
    const r = await importCustomerFeed(pool, { feedDir: feed, key: IdentifierKey.forTests('another'), by: 'test', rejectsDir: dir });
    expect(r).toMatchObject({ status: 'refused' });
    expect(r.status === 'refused' && r.reason).toMatch(/HEAD_OFFICE_DATA_KEY is not the key/);
  });

  it('applies a delta: rows upserted by their key, deletions applied, a deletion of nothing rejected with its line', async () => {
    const before = Number((await pool.query('SELECT count(*) AS n FROM ho_customer')).rows[0].n);
    const feed = join(dir, 'f8');
    const c1 = testCustomer(1);
    const c2 = testCustomer(2);
    const c9 = testCustomer(9001);
    const w = new FeedWriter(feed);
    w.row('customers.csv', { ...testCustomerRow(1, '350102777'), name: '改名' });
    w.row('customers.csv', testCustomerRow(9001, '350102777'));
    w.row('cards.csv', { card_number: c9.card, cif: c9.cif, kind: 'credit' });
    w.row('holdings.csv', { cif: c9.cif, product_code: 'TD-1Y', account_id: 'NEW-1', branch_id: '350102777', amount: '88.80', opened_on: '2026-12-01' });
    w.row('holdings.csv', { cif: c1.cif, product_code: 'DD-SAVE', account_id: `${c1.cif}-1`, branch_id: '350102777', amount: '1.00', opened_on: '2020-01-01' });
    w.row('deletions.csv', { entity: 'customer', key: c2.cif });
    w.row('deletions.csv', { entity: 'holding', key: 'NO-SUCH-ACCOUNT' });
    w.row('deletions.csv', { entity: 'product', key: 'DD-SAVE' });
    w.finish({ feedId: 'acrm-delta-1', asOf: '2026-12-07', mode: 'delta' });
    const r = await importCustomerFeed(pool, { feedDir: feed, key, by: 'test', rejectsDir: dir, maxRejectPercent: 50 });
    expect(r).toMatchObject({ status: 'done', rejected: 2 });
    const rejects = readFileSync((r as { rejectsFile: string }).rejectsFile, 'utf8');
    expect(rejects).toContain('deletions.csv,3,key,no holding NO-SUCH-ACCOUNT to delete');
    expect(rejects).toContain('deletions.csv,4,key,product DD-SAVE still has holdings');
    expect(Number((await pool.query('SELECT count(*) AS n FROM ho_customer')).rows[0].n)).toBe(before); // one added, one deleted
    expect((await pool.query('SELECT name FROM ho_customer WHERE cif = $1', [c1.cif])).rows[0].name).toBe('改名');
    expect(Number((await pool.query('SELECT amount_fen FROM ho_holding WHERE account_id = $1', [`${c1.cif}-1`])).rows[0].amount_fen)).toBe(100);
    expect(Number((await pool.query('SELECT amount_fen FROM ho_holding WHERE account_id = $1', ['NEW-1'])).rows[0].amount_fen)).toBe(8880);
    const card = (await pool.query('SELECT cif, kind FROM ho_card WHERE card_lookup = $1', [key.lookup('card', c9.card)])).rows[0];
    expect(card).toEqual({ cif: c9.cif, kind: 'credit' });
    for (const table of ['ho_customer', 'ho_card', 'ho_holding']) expect(Number((await pool.query(`SELECT count(*) AS n FROM ${table} WHERE cif = $1`, [c2.cif])).rows[0].n)).toBe(0);
    expect((await pool.query("SELECT to_regclass('ho_customer_delta') AS t")).rows[0].t).toBeNull();
    // A full feed with deletions is refused.
    const full = join(dir, 'f9');
    writeFullFeed(full, { feedId: 'acrm-9', asOf: '2026-12-08', n: 2 });
    const w9 = new FeedWriter(join(dir, 'f9-del'));
    w9.row('deletions.csv', { entity: 'customer', key: c1.cif });
    w9.finish({ feedId: 'x', asOf: '2026-12-08', mode: 'delta' });
    rewriteFile(full, 'deletions.csv', readFileSync(join(dir, 'f9-del', 'deletions.csv')));
    expect(await importCustomerFeed(pool, { feedDir: full, key, by: 'test', rejectsDir: dir })).toMatchObject({ status: 'refused', reason: expect.stringMatching(/deletions.csv belongs to a delta feed/) });
  });
});
