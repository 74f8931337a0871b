/**
 * Small, valid warehouse feeds for tests: customers with real-looking identifiers (GB 11643 resident
 * IDs, Luhn card numbers, mainland mobiles), their cards and holdings, written with the hub's own
 * FeedWriter. Not a spec itself.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { luhnCheckDigit, residentIdCheckChar } from '../../src-main/domain/identity';
import type { FeedFile } from '../../src-main/domain/feed';
import { FeedWriter } from '../../src-main/customer-data/feed-writer';

export interface TestCustomer {
  cif: string;
  name: string;
  phone: string;
  residentId: string;
  card: string;
}

/** Customer k (1-based) of a test feed: the same identifiers every time. */
export function testCustomer(k: number, prefix = '88'): TestCustomer {
  const body17 = `110101${1960 + (k % 40)}0${1 + (k % 9)}1${k % 10}${String(100 + (k % 900)).padStart(3, '0')}`.slice(0, 17);
  const cardBody = `621483${String(k).padStart(9, '0')}`;
  return {
    cif: `${prefix}${String(k).padStart(8, '0')}`,
    name: ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨磊'][k % 6]! + (k > 6 ? String.fromCharCode(0x4e00 + (k % 200)) : ''),
    phone: `139${String(k).padStart(8, '0')}`,
    residentId: body17 + residentIdCheckChar(body17),
    card: cardBody + luhnCheckDigit(cardBody),
  };
}

export const TEST_PRODUCTS = [
  { product_code: 'DD-SAVE', category: 'demand_deposit', name_zh: '活期储蓄', name_en: 'Savings', risk_level: 1, is_credit: 'N' },
  { product_code: 'TD-1Y', category: 'time_deposit', name_zh: '一年定期', name_en: '1-year deposit', risk_level: 1, is_credit: 'N' },
  { product_code: 'WM-R2', category: 'wealth', name_zh: '稳健理财', name_en: 'Steady wealth', risk_level: 2, is_credit: 'N', base_propensity: '0.1' },
  { product_code: 'LN-CAR', category: 'loan', name_zh: '汽车贷款', name_en: 'Car loan', risk_level: 1, is_credit: 'Y' },
];

/** The customers.csv row of test customer k, at home in `homeBranch`. */
export function testCustomerRow(k: number, homeBranch: string): Record<string, string | number> {
  const c = testCustomer(k);
  return {
    cif: c.cif,
    name: c.name,
    gender: k % 2 ? 'M' : 'F',
    birth_date: `${1960 + (k % 40)}-0${1 + (k % 9)}-1${k % 10}`,
    phone: c.phone,
    resident_id: c.residentId,
    marital_status: 'married',
    occupation: 'employee',
    risk_tolerance: 3,
    marketing_consent: 'Y',
    home_branch_id: homeBranch,
  };
}

/**
 * A full feed of `n` customers, each with a debit card, a savings account of `10,000 × k` yuan and
 * one time deposit (customer 1 is rich: top tier). `extra` adds rows after the generated ones.
 */
export function writeFullFeed(dir: string, opts: { feedId: string; asOf: string; n: number; branchId?: string; homeBranch?: string }): object {
  const w = new FeedWriter(dir);
  for (const p of TEST_PRODUCTS) w.row('products.csv', p);
  const home = opts.homeBranch ?? opts.branchId ?? '350102001';
  for (let k = 1; k <= opts.n; k++) {
    const c = testCustomer(k);
    w.row('customers.csv', { ...testCustomerRow(k, home), risk_assessed_on: opts.asOf });
    w.row('cards.csv', { card_number: c.card, cif: c.cif, kind: 'debit' });
    w.row('holdings.csv', { cif: c.cif, product_code: 'DD-SAVE', account_id: `${c.cif}-1`, branch_id: home, amount: k === 1 ? '6500000.50' : `${10000 * k}.00`, opened_on: '2020-01-01' });
    w.row('holdings.csv', { cif: c.cif, product_code: 'TD-1Y', account_id: `${c.cif}-2`, branch_id: home, amount: '50000.00', opened_on: '2025-06-01', maturity_on: '2027-06-01' });
  }
  return w.finish({ feedId: opts.feedId, asOf: opts.asOf, mode: 'full', ...(opts.branchId ? { branchId: opts.branchId } : {}) });
}

/** Rewrites a feed file and fixes the manifest's row count and sha256 for it (or not, `keepManifest`). */
export function rewriteFile(dir: string, file: FeedFile, text: string | Buffer, opts: { keepManifest?: boolean; rows?: number } = {}): void {
  const path = join(dir, file);
  writeFileSync(path, text);
  if (opts.keepManifest) return;
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: Record<string, { rows: number; sha256: string }> };
  const bytes = readFileSync(path);
  const lines = bytes.toString('latin1').split(/\r?\n/).filter((l) => l.length > 0).length;
  manifest.files[file] = { rows: opts.rows ?? lines - 1, sha256: createHash('sha256').update(bytes).digest('hex') };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
}

export function editManifest(dir: string, edit: (m: Record<string, unknown>) => void): void {
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  edit(m);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
}
