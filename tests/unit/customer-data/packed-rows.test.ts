/**
 * The big files' rows cross from the import's reading thread to its writing thread as one string
 * and a byte array: what goes in comes out (numbers, flags, lookup hashes and sealed copies, absent
 * values), rejects in their place; a value holding a separator sends the batch as rows, those packed
 * before it included; other files are not packed.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packRows, parseFeedFilePacked, unpackRows, type PackedRows, type ParsedItem } from '../../../src-main/customer-data/feed-parse';
import { FeedWriter } from '../../../src-main/customer-data/feed-writer';
import { IdentifierKey } from '../../../src-main/customer-data/identifier-key';
import { testCustomer, testCustomerRow } from '../../helpers/test-feed';

describe('packed rows', () => {
  it('holdings come back as they went: lines, numbers as numbers, rejects in their place', () => {
    const items: ParsedItem[] = [
      { line: 2, row: { cif: '8800000001', product_code: 'DD-SAVE', account_id: 'A-1', branch_id: '350102001', amount: 650000050, opened_on: '2020-01-01' } },
      { line: 3, reject: { file: 'holdings.csv', line: 3, column: 'amount', reason: 'amount is an amount in yuan with at most two decimals, e.g. 120000.00' } },
      { line: 5, row: { cif: '8800000002', product_code: 'TD-1Y', account_id: 'A.2_x', branch_id: '350102001', amount: 0, opened_on: '2025-06-01', maturity_on: '2027-06-01' } },
    ];
    const packed = packRows('holdings.csv', items)!;
    expect(packed.lines).toBeInstanceOf(Int32Array);
    expect(unpackRows('holdings.csv', structuredClone(packed))).toEqual(items);
    expect(unpackRows('holdings.csv', packRows('holdings.csv', [])!)).toEqual([]);
  });

  it('customers and cards keep their flags, free text and the lookup hashes made beside them', () => {
    const customer: ParsedItem = {
      line: 7,
      row: { cif: 'C1', name: '欧阳, "小明" O’Neil', gender: 'F', birth_date: '1961-02-11', phone: '13900000001', resident_id: '110101196102111014', marital_status: 'married', occupation: 'employee', risk_tolerance: 3, marketing_consent: false, home_branch_id: '350102001', resident: true },
      sealed: { phoneLookup: Buffer.alloc(32, 7), phoneMasked: '139****0001', idLookup: Buffer.alloc(32, 9), idMasked: '110***********1014' },
    };
    expect(unpackRows('customers.csv', structuredClone(packRows('customers.csv', [customer])!))).toEqual([customer]);
    const card: ParsedItem = { line: 2, row: { card_number: '6214830000000018', cif: 'C1', kind: 'debit' }, sealed: { cardLookup: Buffer.alloc(32, 1), cardMasked: '6214 **** **** 0018' } };
    expect(unpackRows('cards.csv', packRows('cards.csv', [card])!)).toEqual([card]);
  });

  it('a value holding a separator, and a file that is not packed, are sent as they are', () => {
    const odd: ParsedItem = { line: 2, row: { cif: 'C1', name: 'a\u001eb', gender: 'M', birth_date: '1961-02-11', phone: '1', resident_id: '1', marital_status: 'single', occupation: 'other', risk_tolerance: 1, marketing_consent: true, home_branch_id: 'B' } };
    expect(packRows('customers.csv', [odd])).toBeNull();
    expect(packRows('products.csv', [{ line: 2, row: { product_code: 'X' } }])).toBeNull();
  });

  it('sealed copies travel as bytes beside the hashes, rows with and without them mixed', () => {
    const card = (k: number, sealed: boolean): ParsedItem => ({
      line: k + 1,
      row: { card_number: `62148300000000${k}`, cif: `C${k}`, kind: 'credit' },
      sealed: { cardLookup: Buffer.alloc(32, k), ...(sealed ? { cardSealed: Buffer.alloc(28 + k, 100 + k) } : {}), cardMasked: `6214 **** **** 000${k}` },
    });
    const items = [card(1, true), card(2, false), { line: 4, reject: { file: 'cards.csv' as const, line: 4, column: 'kind', reason: 'kind is debit or credit' } }, card(4, true)];
    const packed = packRows('cards.csv', items)!;
    expect(packed.bytes.length).toBe(32 * 3 + 29 + 32);
    const back = unpackRows('cards.csv', structuredClone(packed));
    expect(back).toEqual(items);
    expect(Buffer.isBuffer((back[0] as { sealed?: { cardSealed?: Buffer } }).sealed?.cardSealed)).toBe(true);
  });

  it('a separator in a later row sends the whole batch as rows, the rows packed before it too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lobby-packed-'));
    try {
      const w = new FeedWriter(dir);
      for (const [k, name] of [[1, '王芳'], [2, '李娜'], [3, 'a\u001fb'], [4, '刘洋']] as const) w.row('customers.csv', { ...testCustomerRow(k, 'B1'), name });
      w.finish({ feedId: 'p', asOf: '2026-12-03', mode: 'full' });
      const batches: (PackedRows | ParsedItem[])[] = [];
      const n = await parseFeedFilePacked({ path: join(dir, 'customers.csv'), file: 'customers.csv', encoding: 'utf-8', batch: 3, key: IdentifierKey.forTests() }, { header: () => undefined, batch: (b) => void batches.push(b) });
      expect(n).toBe(4);
      // The first batch (rows 1-3) as rows; the next one packed again.
      expect(Array.isArray(batches[0])).toBe(true);
      expect((batches[0] as ParsedItem[]).map((i) => ('row' in i ? [i.line, i.row.name] : null))).toEqual([[2, '王芳'], [3, '李娜'], [4, 'a\u001fb']]);
      const key = IdentifierKey.forTests();
      for (const i of batches[0] as ParsedItem[]) {
        if (!('row' in i)) throw new Error('a reject');
        expect(Buffer.from(i.sealed!.phoneLookup!).equals(key.lookup('phone', i.row.phone as string))).toBe(true);
        expect(Buffer.from(i.sealed!.idLookup!).equals(key.lookup('idNumber', i.row.resident_id as string))).toBe(true);
      }
      expect(Array.isArray(batches[1])).toBe(false);
      expect(unpackRows('customers.csv', batches[1] as PackedRows).map((i) => ('row' in i ? i.row.name : null))).toEqual(['刘洋']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sealed in the reading thread when asked: each row’s bytes open to its own phone, ID and card', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lobby-packed-'));
    try {
      const w = new FeedWriter(dir);
      for (let k = 1; k <= 5; k++) {
        w.row('customers.csv', testCustomerRow(k, 'B1'));
        w.row('cards.csv', { card_number: testCustomer(k).card, cif: testCustomer(k).cif, kind: 'debit' });
      }
      w.finish({ feedId: 'p', asOf: '2026-12-03', mode: 'full' });
      const key = IdentifierKey.forTests();
      let asked = 0;
      // Sealed for every other row: rows with and without sealed copies in one batch.
      const sealCopies = () => asked++ % 2 === 0;
      const read = async (file: 'customers.csv' | 'cards.csv') => {
        const out: ParsedItem[] = [];
        await parseFeedFilePacked({ path: join(dir, file), file, encoding: 'utf-8', batch: 3, key, sealCopies }, { header: () => undefined, batch: (b) => void out.push(...(Array.isArray(b) ? b : unpackRows(file, b))) });
        return out.map((i) => ('row' in i ? i : null)!);
      };
      const customers = await read('customers.csv');
      expect(customers.map((c) => c.row.cif)).toEqual([1, 2, 3, 4, 5].map((k) => testCustomer(k).cif));
      customers.forEach((c, i) => {
        const t = testCustomer(i + 1);
        if (i % 2 === 0) expect([key.open(c.sealed!.phoneSealed!), key.open(c.sealed!.idSealed!)]).toEqual([t.phone, t.residentId]);
        else expect([c.sealed!.phoneSealed, c.sealed!.idSealed]).toEqual([undefined, undefined]);
        expect(Buffer.from(c.sealed!.idLookup!).equals(key.lookup('idNumber', t.residentId))).toBe(true);
      });
      const cards = await read('cards.csv');
      cards.forEach((c, i) => {
        const t = testCustomer(i + 1);
        if (c.sealed!.cardSealed) expect(key.open(c.sealed!.cardSealed)).toBe(t.card);
        expect(Buffer.from(c.sealed!.cardLookup!).equals(key.lookup('card', t.card))).toBe(true);
      });
      expect(cards.filter((c) => c.sealed!.cardSealed).length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

