/**
 * Rows of a bank's CSV file, read with Papa Parse (RFC 4180: quoted fields, commas and line breaks
 * inside quotes, doubled quotes) and checked with a zod schema: columns are found by their header
 * name in any order, a missing required column refuses the file, an unknown column is one warning,
 * and a bad row is rejected with its file, line, column and reason — never guessed, never silently
 * cut. A quoted field that is never closed, or text after a closing quote, refuses the file with
 * its line. Used for the conversions upload and, streaming, for the warehouse feed (Papa Parse reads
 * a feed's millions of rows several times faster than the parser used before it).
 */
import Papa from 'papaparse';
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import type { FileRowReject } from '../domain/contracts';

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

/**
 * Line numbers as an editor shows them, counted over the records in order: each record ends one
 * line further, plus the line breaks inside its quoted fields; an empty line is a record of one
 * empty field (skipped by the callers, but counted).
 */
class LineCounter {
  line = 0;

  /** The line the next record ends on. */
  next(record: readonly string[]): number {
    this.line++;
    for (const field of record) {
      for (let i = field.indexOf('\n'); i !== -1; i = field.indexOf('\n', i + 1)) this.line++;
    }
    return this.line;
  }
}

const isEmptyLine = (record: readonly string[]) => record.length === 1 && record[0] === '';
const withoutBom = (record: string[]) => {
  if (record[0]?.charCodeAt(0) === 0xfeff) record[0] = record[0].slice(1);
  return record;
};

/** A quoting error of Papa Parse that makes the file unreadable (not a row to reject: where it ends is unknown). */
function quoteError(errors: readonly Papa.ParseError[], row: number): Papa.ParseError | undefined {
  for (const e of errors) if (e.type === 'Quotes' && e.row === row) return e;
  return undefined;
}

/** Reads a whole CSV text (an upload). */
export function readCsvText<S extends z.ZodType>(file: string, text: string, columns: CsvColumns, schema: S): CsvRead<z.output<S>> {
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: false });
  const lines = new LineCounter();
  let header: CsvHeader | null = null;
  let width = 0;
  let out: CsvRead<z.output<S>> | null = null;
  parsed.data.forEach((record, row) => {
    const starts = lines.line + 1;
    const line = lines.next(record);
    const bad = quoteError(parsed.errors, row);
    if (bad) throw new CsvFileError(file, `not a CSV file: line ${starts}: ${bad.message}`);
    if (isEmptyLine(record)) return;
    if (!header) {
      header = readHeader(file, withoutBom(record), columns);
      width = record.length;
      out = { rows: [], rejects: [], warnings: header.unknown.map((c) => `${file}: unknown column ${c} ignored`) };
      return;
    }
    const checked = checkRecord(file, line, record, header, width, schema);
    if ('row' in checked) out!.rows.push({ line, row: checked.row });
    else out!.rejects.push(checked.reject);
  });
  if (!out) throw new CsvFileError(file, 'the file is empty (a header row is required)');
  return out;
}

/**
 * Streams a CSV file record by record: `onHeader` once, then `onRecord` for every data record with
 * the line it ends on. For files far larger than memory (the warehouse feed): Papa Parse hands over
 * the records of each chunk it read (about a megabyte), and is paused while they are handled, so a
 * slow `onRecord` (a returned promise) holds the reading back.
 */
export function streamCsv(
  source: Readable,
  onHeader: (header: string[]) => void,
  onRecord: (record: string[], line: number) => void | Promise<void>,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const lines = new LineCounter();
    let first = true;
    let n = 0;
    let failed = false;
    let ended = false;
    let busy = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      reject(err);
    };
    const finish = () => {
      if (failed) return;
      if (first) fail(new Error('the file is empty (a header row is required)'));
      else resolve(n);
    };
    const records = async (data: string[][], errors: readonly Papa.ParseError[]) => {
      for (let row = 0; row < data.length; row++) {
        const record = data[row]!;
        const starts = lines.line + 1;
        const line = lines.next(record);
        // Named by the line the broken record starts on (an unclosed quote runs to the end of the file).
        const bad = quoteError(errors, row);
        if (bad) throw new Error(`line ${starts}: ${bad.message}`);
        if (isEmptyLine(record)) continue;
        if (first) {
          first = false;
          onHeader(withoutBom(record));
          continue;
        }
        n++;
        const done = onRecord(record, line);
        if (done) await done;
      }
    };
    source.on('error', fail);
    // Text, decoded across chunk boundaries (a character's bytes may be split between two reads).
    if (!source.readableObjectMode && !source.readableEncoding) source.setEncoding('utf8');
    Papa.parse<string[], Papa.LocalFile>(source, {
      skipEmptyLines: false,
      chunk: (results, parser) => {
        if (failed) return;
        busy = true;
        // Papa Parse's pause stops its parsing, not the file: the source is paused too, or it would
        // keep reading the whole file into Papa Parse's queue while these records are handled.
        parser.pause();
        source.pause();
        records(results.data, results.errors).then(
          () => {
            busy = false;
            if (failed) return;
            if (ended) finish();
            else {
              parser.resume();
              source.resume();
            }
          },
          (err: unknown) => {
            parser.abort();
            fail(err);
          },
        );
      },
      complete: () => {
        ended = true;
        if (!busy) finish();
      },
      error: (err: Error) => fail(err),
    });
  });
}
