/**
 * Holdings cross from the import's reading thread to its writing thread as one string: what goes in
 * comes out, rejects in their place, an absent maturity absent.
 */
import { describe, expect, it } from 'vitest';
import { packHoldings, unpackHoldings, type ParsedItem } from '../../../src-main/customer-data/feed-parse';

describe('packed holdings', () => {
  it('come back as they went: rows with their lines, numbers as numbers, rejects in their place', () => {
    const items: ParsedItem[] = [
      { line: 2, row: { cif: '8800000001', product_code: 'DD-SAVE', account_id: 'A-1', branch_id: '350102001', amount: 650000050, opened_on: '2020-01-01' } },
      { line: 3, reject: { file: 'holdings.csv', line: 3, column: 'amount', reason: 'amount is an amount in yuan with at most two decimals, e.g. 120000.00' } },
      { line: 5, row: { cif: '8800000002', product_code: 'TD-1Y', account_id: 'A.2_x', branch_id: '350102001', amount: 0, opened_on: '2025-06-01', maturity_on: '2027-06-01' } },
    ];
    const packed = packHoldings(items);
    expect(packed.lines).toBeInstanceOf(Int32Array);
    expect(unpackHoldings(structuredClone(packed))).toEqual(items);
  });

  it('an empty batch stays empty', () => {
    expect(unpackHoldings(packHoldings([]))).toEqual([]);
  });
});
