import { describe, expect, it } from 'vitest';
import { parseConversionsCsv } from '@domain/conversions';

describe('parseConversionsCsv', () => {
  it('reads rows after the header, with a BOM, CRLF and blank lines', () => {
    const r = parseConversionsCsv('\uFEFFcif,product_code,opened_on\r\n310000000001,WM-R2,2026-11-25\r\n\r\n310000000002, TD-1Y ,2026-11-30\n');
    expect(r.errors).toEqual([]);
    expect(r.rows).toEqual([
      { cif: '310000000001', productCode: 'WM-R2', openedOn: '2026-11-25', line: 2 },
      { cif: '310000000002', productCode: 'TD-1Y', openedOn: '2026-11-30', line: 4 },
    ]);
  });
  it('reports bad rows by line and keeps the good ones', () => {
    const r = parseConversionsCsv('cif,product_code,opened_on\n31x!,WM-R2,2026-11-25\n310000000001,wm,2026-11-25\n310000000001,WM-R2,25/11/2026\n310000000001,WM-R2,2026-11-25,extra\n310000000001,WM-R2,2026-11-25');
    expect(r.rows.map((x) => x.line)).toEqual([6]);
    expect(r.errors.map((e) => e.line)).toEqual([2, 3, 4, 5]);
  });
  it('needs the header', () => {
    expect(parseConversionsCsv('310000000001,WM-R2,2026-11-25').errors).toEqual([
      { line: 1, message: 'the first line must be the header cif,product_code,opened_on' },
    ]);
  });
});
