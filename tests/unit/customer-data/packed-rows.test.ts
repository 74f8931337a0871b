/**
 * The big files' rows cross from the import's reading thread to its writing thread as one string:
 * what goes in comes out (numbers, flags, lookup hashes, absent values), rejects in their place; a
 * value holding a separator keeps the batch as it is; other files are not packed.
 */
import { describe, expect, it } from 'vitest';
import { packRows, unpackRows, type ParsedItem } from '../../../src-main/customer-data/feed-parse';

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
});
