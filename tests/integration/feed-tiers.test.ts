/**
 * A full feed's tiers are made from the sums the import adds up as the holdings go in; they must be
 * exactly what reading the snapshot back gives (computeTiers, the way a delta and a rules change
 * make them): assets, deposits and loans by category, key customers by deposits, loans and a recent
 * overdue, customers without holdings, and rejected holdings (a repeated account, an unknown
 * product) counted nowhere. Read in small batches, so that both threads seal identifiers: every
 * sealed copy opens to its own customer's identifier.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../../src-main/hub/db/open';
import { importFeed } from '../../src-main/hub/feed/import';
import { FeedWriter } from '../../src-main/customer-data/feed-writer';
import { computeTiers } from '../../src-main/hub/customers/tiers';
import { loadBranch } from '../../src-main/hub/branch';
import { setupFromText } from '../../src-main/hub/setup/branch-setup';
import { IdentifierKey } from '../../src-main/customer-data/identifier-key';
import { TEST_PRODUCTS, testCustomer, testCustomerRow } from '../helpers/test-feed';

const BRANCH = '350102001';
let dir: string;
let feed: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lobby-tiers-'));
  feed = mkdtempSync(join(tmpdir(), 'lobby-tiers-feed-'));
  const db = openDatabase(join(dir, 'branch.db'));
  setupFromText(db, readFileSync('resources/branch.example.yaml', 'utf8'), { actor: 'test', role: 'system' });
  db.close();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(feed, { recursive: true, force: true });
});

it('tiers made while importing equal tiers read back from the snapshot', async () => {
  const w = new FeedWriter(feed);
  for (const p of [...TEST_PRODUCTS, { product_code: 'CC-GOLD', category: 'credit_card', name_zh: '金卡', name_en: 'Gold card', risk_level: 1, is_credit: 'Y' }]) w.row('products.csv', p);
  const n = 60;
  for (let k = 1; k <= n; k++) {
    const c = testCustomer(k);
    // Customers 8 and 12 have loans over a million yuan and deposits under half a million: the
    // overdue date decides (8: recent, not a key customer; 12: long ago, a key customer).
    const overdue = k === 8 || k % 7 === 0 ? '2026-10-01' : k === 12 || k % 11 === 0 ? '2019-01-01' : null;
    w.row('customers.csv', { ...testCustomerRow(k, BRANCH), ...(overdue ? { last_overdue_on: overdue } : {}) });
    w.row('cards.csv', { card_number: c.card, cif: c.cif, kind: 'debit' });
    if (k % 10 === 0) continue; // no holdings at all
    w.row('holdings.csv', { cif: c.cif, product_code: 'DD-SAVE', account_id: `${c.cif}-1`, branch_id: BRANCH, amount: `${(k * 37_911) % 9_000_000}.${k % 100}`, opened_on: '2020-01-01' });
    if (k % 3 === 0) w.row('holdings.csv', { cif: c.cif, product_code: 'WM-R2', account_id: `${c.cif}-2`, branch_id: BRANCH, amount: `${k * 100_000}.00`, opened_on: '2021-01-01' });
    if (k % 4 === 0) w.row('holdings.csv', { cif: c.cif, product_code: 'LN-CAR', account_id: `${c.cif}-3`, branch_id: BRANCH, amount: `${k * 250_000}.00`, opened_on: '2022-01-01' });
    if (k % 5 === 0) w.row('holdings.csv', { cif: c.cif, product_code: 'CC-GOLD', account_id: `${c.cif}-4`, branch_id: BRANCH, amount: '3000.00', opened_on: '2022-01-01' });
    if (k % 9 === 0) w.row('holdings.csv', { cif: c.cif, product_code: 'TD-1Y', account_id: `${c.cif}-1`, branch_id: BRANCH, amount: '9000000.00', opened_on: '2022-01-01' }); // a repeated account: rejected
    if (k % 13 === 0) w.row('holdings.csv', { cif: c.cif, product_code: 'NO-SUCH', account_id: `${c.cif}-5`, branch_id: BRANCH, amount: '9000000.00', opened_on: '2022-01-01' }); // unknown product: rejected
  }
  w.finish({ feedId: 'tiers-1', asOf: '2026-12-03', mode: 'full', branchId: BRANCH });
  // Small batches: several wait for the writing thread at times, so both threads seal.
  const r = await importFeed({ dataDir: dir, feedDir: feed, by: 'test', today: '2026-12-04', maxRejectPercent: 10, batch: 7 });
  expect(r.status).toBe('done');
  if (r.status !== 'done') return;
  expect(r.rejected).toBe(6 + 4); // k = 9, 18, …, 54 repeat an account; k = 13, 26, 39, 52 name no product

  const snap = new Database(r.snapshot);
  const read = () => snap.prepare('SELECT id, cif, tier, stars, key_customer, aum_fen, tier_computed_on FROM customer ORDER BY id').all() as { cif: string; tier: string; key_customer: number }[];
  const made = read();
  expect(made).toHaveLength(n);
  expect(new Set(made.map((c) => c.tier)).size).toBeGreaterThan(2);
  const db = openDatabase(join(dir, 'branch.db'));
  const rules = loadBranch(db)!.rules.tiering;
  db.close();
  expect(rules.keyCustomer).toMatchObject({ depositOverWan: 50, loanOverWan: 100, noOverdueYears: 2 });
  const keyOf = (k: number) => made.find((c) => c.cif === testCustomer(k).cif)!.key_customer;
  expect([keyOf(8), keyOf(12), keyOf(16)]).toEqual([0, 1, 1]); // 16: by deposits

  // Whichever thread sealed them, each customer's sealed copies open to their own identifiers.
  const key = IdentifierKey.load(dir);
  for (let k = 1; k <= n; k++) {
    const c = testCustomer(k);
    const row = snap.prepare('SELECT phone_sealed, id_sealed, phone_lookup FROM customer WHERE cif = ?').get(c.cif) as { phone_sealed: Buffer; id_sealed: Buffer; phone_lookup: Buffer };
    expect([key.open(row.phone_sealed), key.open(row.id_sealed)]).toEqual([c.phone, c.residentId]);
    expect(row.phone_lookup.equals(key.lookup('phone', c.phone))).toBe(true);
    const card = snap.prepare('SELECT card_sealed, card_lookup FROM card JOIN customer ON customer.id = card.customer_id WHERE customer.cif = ?').get(c.cif) as { card_sealed: Buffer; card_lookup: Buffer };
    expect(key.open(card.card_sealed)).toBe(c.card);
    expect(card.card_lookup.equals(key.lookup('card', c.card))).toBe(true);
  }
  snap.exec("UPDATE customer SET tier = 'drop', stars = 1, key_customer = 0, aum_fen = 0, tier_computed_on = NULL");
  const again = await computeTiers(snap, rules, '2026-12-04');
  expect(read()).toEqual(made);
  expect(again).toEqual(r.tiers);
  snap.close();
});
