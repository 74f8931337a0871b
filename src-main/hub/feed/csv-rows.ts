/**
 * Rows of a bank's CSV file, read with csv-parse (RFC 4180: quoted fields, commas and line breaks
 * inside quotes, a byte-order mark) and checked with a zod schema: columns are found by their header
 * name in any order, a missing required column refuses the file, an unknown column is one warning,
 * and a bad row is rejected with its file, line, column and reason — never guessed, never silently
 * cut. Used for the conversions upload and, streaming, for the warehouse feed.
 */
import { parse as parseSync } from 'csv-parse/sync';
import { parse, type Parser } from 'csv-parse';
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import type { FileRowReject } from '../../domain/contracts';

/** A rejected row: its file, the 1-based line where it ends (the header is line 1), the column at fault (null: the whole row) and why. */
export type RowReject = FileRowReject;

export interface CsvColumns {
  required: readonly string[];
  optional?: readonly string[];
}

export class CsvFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'CsvFileError';
  }
}

export interface CsvHeader {
  /** Column index of each known column name. */
  index: Map<string, number>;
  /** Names in the header that the file type does not know (ignored, one warning each). */
  unknown: string[];
}

/** Reads the header row: every required column must be there; names are trimmed and lower-cased. */
export function readHeader(file: string, header: readonly string[], columns: CsvColumns): CsvHeader {
  const known = new Set([...columns.required, ...(columns.optional ?? [])]);
  const index = new Map<string, number>();
  const unknown: string[] = [];
  header.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    if (index.has(name)) throw new CsvFileError(file, `column ${name} appears twice in the header`);
    if (known.has(name)) index.set(name, i);
    else if (name) unknown.push(name);
  });
  const missing = columns.required.filter((c) => !index.has(c));
  if (missing.length) throw new CsvFileError(file, `missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (header: ${header.join(',')})`);
  return { index, unknown };
}

/** Checks one record against the schema: the parsed row, or its reject (column and reason). */
export function checkRecord<S extends z.ZodType>(
  file: string,
  line: number,
  record: readonly string[],
  header: CsvHeader,
  headerLength: number,
  schema: S,
): { row: z.output<S> } | { reject: RowReject } {
  if (record.length !== headerLength) {
    return { reject: { file, line, column: null, reason: `expected ${headerLength} fields, found ${record.length}` } };
  }
  const values: Record<string, string> = {};
  for (const [name, i] of header.index) {
    const v = record[i]!.trim();
    if (v !== '') values[name] = v;
  }
  const r = schema.safeParse(values);
  if (r.success) return { row: r.data };
  const issue = r.error.issues[0]!;
  const column = issue.path.length ? String(issue.path[0]) : null;
  const reason = issue.code === 'invalid_type' && values[column ?? ''] === undefined ? 'missing value' : issue.message;
  return { reject: { file, line, column, reason } };
}

export interface CsvRead<T> {
  rows: { line: number; row: T }[];
  rejects: RowReject[];
  warnings: string[];
}

/** Reads a whole CSV text (an upload). */
export function readCsvText<S extends z.ZodType>(file: string, text: string, columns: CsvColumns, schema: S): CsvRead<z.output<S>> {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseSync(text, { bom: true, skip_empty_lines: true, relax_column_count: true, info: true }) as never;
  } catch (err) {
    throw new CsvFileError(file, `not a CSV file: ${(err as Error).message}`);
  }
  const first = records[0];
  if (!first) throw new CsvFileError(file, 'the file is empty (a header row is required)');
  const header = readHeader(file, first.record, columns);
  const out: CsvRead<z.output<S>> = { rows: [], rejects: [], warnings: header.unknown.map((c) => `${file}: unknown column ${c} ignored`) };
  for (const { record, info } of records.slice(1)) {
    const checked = checkRecord(file, info.lines, record, header, first.record.length, schema);
    if ('row' in checked) out.rows.push({ line: info.lines, row: checked.row });
    else out.rejects.push(checked.reject);
  }
  return out;
}

/**
 * Streams a CSV file record by record: `onHeader` once, then `onRecord` for every data record with
 * its line. For files far larger than memory (the warehouse feed).
 *
 * Line numbers are counted here rather than asked of csv-parse (its per-record `info` costs more
 * than the parsing itself on a file of millions of rows): each record ends one line further, plus
 * the line breaks inside its quoted fields; empty lines are read as records and skipped, so they
 * are counted too.
 */
export async function streamCsv(
  source: Readable,
  onHeader: (header: string[]) => void,
  onRecord: (record: string[], line: number) => void | Promise<void>,
): Promise<number> {
  const parser: Parser = source.pipe(parse({ bom: true, skip_empty_lines: false, relax_column_count: true }));
  let first = true;
  let n = 0;
  let line = 0;
  for await (const record of parser as AsyncIterable<string[]>) {
    line++;
    for (const field of record) {
      if (field.indexOf('\n') === -1) continue;
      for (let i = field.indexOf('\n'); i !== -1; i = field.indexOf('\n', i + 1)) line++;
    }
    if (record.length === 1 && record[0] === '') continue; // an empty line
    if (first) {
      first = false;
      onHeader(record);
      continue;
    }
    n++;
    const done = onRecord(record, line);
    if (done) await done;
  }
  if (first) throw new Error('the file is empty (a header row is required)');
  return n;
}
