/**
 * Reading a bank's CSV file: line numbers a person can find in an editor (records with quoted
 * line breaks, empty lines, a byte-order mark, CRLF), the header's columns in any order, and each
 * bad record's reject with file, line, column and reason.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkRecord, CsvFileError, readCsvText, readHeader, streamCsv } from '../../../src-main/customer-data/csv-rows';

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

  it('refuses a file whose quoted field is never closed, or has text after its closing quote, naming the line', async () => {
    await expect(lines('a,b\n1,2\n"3,4\n5,6\n')).rejects.toThrow(/line 3: Quoted field unterminated/);
    await expect(lines('a,b\n1,2\n"3"x,4\n')).rejects.toThrow(/line 3: .*malformed/);
    expect(() => readCsvText('up.csv', 'id\n"1\n', { required: ['id'] }, z.object({ id: z.string() }))).toThrow(/up.csv: not a CSV file: line 2/);
  });

  it('a character whose bytes are split between two reads of a file arrives whole', async () => {
    const bytes = Buffer.from('name,n\n张伟,1\n');
    const split = 9; // inside 张 (bytes 7-9)
    const source = new Readable({ read() {} });
    source.push(bytes.subarray(0, split));
    source.push(bytes.subarray(split));
    source.push(null);
    const out: string[][] = [];
    await streamCsv(source, () => {}, (record) => void out.push(record));
    expect(out).toEqual([['张伟', '1']]);
  });

  it('reads no further into a large file while its records are handled', async () => {
    let pulled = 0;
    const chunks = 400;
    const source = new Readable({
      read() {
        pulled++;
        this.push(pulled > chunks ? null : `${pulled === 1 ? 'a\n' : ''}${Array.from({ length: 2000 }, () => 'x').join('\n')}\n`);
      },
    });
    let pulledWhileBlocked = -1;
    let first = true;
    const n = await streamCsv(source, () => {}, async () => {
      if (!first) return;
      first = false;
      await new Promise((r) => setTimeout(r, 100));
      pulledWhileBlocked = pulled;
    });
    expect(n).toBe(chunks * 2000);
    // A chunk or two read ahead (the stream's buffer), not the whole file.
    expect(pulledWhileBlocked).toBeLessThan(10);
  });

  it('holds the reading back while a record is handled (a returned promise)', async () => {
    const text = `a\n${Array.from({ length: 50_000 }, (_, i) => i).join('\n')}\n`;
    const seen: number[] = [];
    let inFlight = 0;
    const n = await streamCsv(Readable.from([text]), () => {}, async (record) => {
      inFlight++;
      expect(inFlight).toBe(1);
      if (Number(record[0]) % 10_000 === 0) await new Promise((r) => setTimeout(r, 5));
      seen.push(Number(record[0]));
      inFlight--;
    });
    expect(n).toBe(50_000);
    expect(seen).toEqual(Array.from({ length: 50_000 }, (_, i) => i));
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
