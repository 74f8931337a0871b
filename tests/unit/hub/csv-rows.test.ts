/**
 * Reading a bank's CSV file: line numbers a person can find in an editor (records with quoted
 * line breaks, empty lines, a byte-order mark, CRLF), the header's columns in any order, and each
 * bad record's reject with file, line, column and reason.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkRecord, CsvFileError, readCsvText, readHeader, streamCsv } from '../../../src-main/hub/feed/csv-rows';

const lines = async (text: string) => {
  const out: { record: string[]; line: number }[] = [];
  let header: string[] = [];
  await streamCsv(Readable.from([Buffer.from(text)]), (h) => (header = h), (record, line) => void out.push({ record, line }));
  return { header, out };
};

describe('streamCsv counts lines as an editor shows them', () => {
  it('one record a line, CRLF or LF, with a byte-order mark', async () => {
    for (const eol of ['\r\n', '\n']) {
      const r = await lines(`\uFEFFa,b${eol}1,2${eol}3,4${eol}`);
      expect(r.header).toEqual(['a', 'b']);
      expect(r.out).toEqual([
        { record: ['1', '2'], line: 2 },
        { record: ['3', '4'], line: 3 },
      ]);
    }
  });

  it('a quoted field with line breaks moves the next record down; empty lines are skipped but counted', async () => {
    const r = await lines('a,b\n"x\ny\nz",1\n\n2,3\n"p\r\nq",4\n');
    expect(r.out.map((x) => [x.record[1], x.line])).toEqual([
      ['1', 4],
      ['3', 6],
      ['4', 8],
    ]);
  });

  it('refuses an empty file', async () => {
    await expect(lines('')).rejects.toThrow(/empty/);
  });
});

describe('the header and the records', () => {
  const schema = z.object({ id: z.string().regex(/^\d+$/, 'id is digits'), name: z.string().optional() });
  it('finds columns by name in any order and refuses a missing one', () => {
    const h = readHeader('x.csv', [' Name ', 'ID', 'extra'], { required: ['id'], optional: ['name'] });
    expect([...h.index]).toEqual([
      ['name', 0],
      ['id', 1],
    ]);
    expect(h.unknown).toEqual(['extra']);
    expect(() => readHeader('x.csv', ['name'], { required: ['id'] })).toThrow(CsvFileError);
    expect(checkRecord('x.csv', 7, ['Ann', 'a1', 'z'], h, 3, schema)).toEqual({ reject: { file: 'x.csv', line: 7, column: 'id', reason: 'id is digits' } });
    expect(checkRecord('x.csv', 8, ['Ann', '12'], h, 3, schema)).toEqual({ reject: { file: 'x.csv', line: 8, column: null, reason: 'expected 3 fields, found 2' } });
    expect(checkRecord('x.csv', 9, ['', '12', ''], h, 3, schema)).toEqual({ row: { id: '12' } });
  });

  it('an upload read whole names the line of each reject', () => {
    const r = readCsvText('up.csv', 'id,name\n1,a\nx,b\n', { required: ['id'], optional: ['name'] }, schema);
    expect(r.rows.map((x) => x.line)).toEqual([2]);
    expect(r.rejects).toEqual([{ file: 'up.csv', line: 3, column: 'id', reason: 'id is digits' }]);
  });
});
