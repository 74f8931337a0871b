/**
 * One feed file read and checked: streamed through Papa Parse (GB18030 decoded with iconv-lite when
 * the manifest says so), its header checked for the required columns, every record checked with
 * its zod schema (domain/feed.ts) and, for customers and cards, its identifiers already hashed
 * and masked with the identifier key. Handed on in batches of rows with their line, or rejects.
 *
 * The branch's import runs this in a worker thread (hub/feed/feed-worker.ts) so that reading,
 * checking and sealing one batch overlaps with writing the previous one; head office's import
 * (head-office/customer-feed.ts) runs it beside its COPY into PostgreSQL. Either way it is this
 * one function, so a feed is checked alike at both.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import type { z } from 'zod';
import type { FileRowReject } from '../domain/contracts';
import {
  ApplicationRowSchema,
  CardRowSchema,
  ConversionRowSchema,
  CreditRowSchema,
  CustomerRowSchema,
  DeletionRowSchema,
  FEED_COLUMNS,
  HoldingRowSchema,
  MovementRowSchema,
  ProductRowSchema,
  type FeedFile,
} from '../domain/feed';
import { maskCardNumber, maskIdNumber, maskPhone } from '../domain/masking';
import type { IdentifierKey } from './identifier-key';
import { checkRecord, CsvFileError, readHeader, streamCsv } from './csv-rows';

export const SCHEMAS: Record<FeedFile, z.ZodType> = {
  'products.csv': ProductRowSchema,
  'customers.csv': CustomerRowSchema,
  'cards.csv': CardRowSchema,
  'holdings.csv': HoldingRowSchema,
  'credit.csv': CreditRowSchema,
  'movements.csv': MovementRowSchema,
  'applications.csv': ApplicationRowSchema,
  'conversions.csv': ConversionRowSchema,
  'deletions.csv': DeletionRowSchema,
};

/**
 * Identifiers as the snapshot keeps them, made beside the parsing: the lookup hashes and masks (the
 * writing thread seals the copies, so that the two threads share the work of a customer file).
 */
export interface SealedIdentifiers {
  phoneLookup?: Uint8Array;
  phoneSealed?: Uint8Array;
  phoneMasked?: string;
  idLookup?: Uint8Array;
  idSealed?: Uint8Array;
  idMasked?: string;
  cardLookup?: Uint8Array;
  cardSealed?: Uint8Array;
  cardMasked?: string;
}

export type ParsedItem = { line: number; row: Record<string, unknown>; sealed?: SealedIdentifiers } | { line: number; reject: FileRowReject };

export interface ParseSink {
  header(unknownColumns: string[]): void;
  /** A batch of checked records; the next batch is read while this one is written. */
  batch(items: ParsedItem[]): Promise<void> | void;
}

export interface ParseOptions {
  path: string;
  file: FeedFile;
  encoding: string;
  batch: number;
  key: IdentifierKey;
}

/** Reads one feed file to the end; the number of data records. Throws CsvFileError for a bad header or a file that is not CSV. */
export async function parseFeedFile(o: ParseOptions, sink: ParseSink): Promise<number> {
  const raw = createReadStream(o.path, { highWaterMark: 1 << 20 });
  const source: Readable = o.encoding === 'gb18030' || o.encoding === 'gbk' ? (raw.pipe(iconv.decodeStream('gb18030')) as unknown as Readable) : raw;
  const schema = SCHEMAS[o.file];
  let header: ReturnType<typeof readHeader> | null = null;
  let width = 0;
  let items: ParsedItem[] = [];
  const seal = sealerFor(o.file, o.key);
  try {
    const n = await streamCsv(
      source,
      (h) => {
        header = readHeader(o.file, h, FEED_COLUMNS[o.file]);
        width = h.length;
        sink.header(header.unknown);
      },
      (record, line) => {
        const checked = checkRecord(o.file, line, record, header!, width, schema);
        if ('row' in checked) {
          const row = checked.row as Record<string, unknown>;
          items.push(seal ? { line, row, sealed: seal(row) } : { line, row });
        } else items.push({ line, reject: checked.reject });
        if (items.length < o.batch) return;
        const full = items;
        items = [];
        return sink.batch(full);
      },
    );
    if (items.length) await sink.batch(items);
    return n;
  } catch (err) {
    if (err instanceof CsvFileError) throw err;
    throw new CsvFileError(o.file, (err as Error).message);
  }
}

function sealerFor(file: FeedFile, key: IdentifierKey): ((row: Record<string, unknown>) => SealedIdentifiers) | null {
  if (file === 'customers.csv') {
    return (r) => {
      const phone = r.phone as string;
      const id = r.resident_id as string;
      return { phoneLookup: key.lookup('phone', phone), phoneMasked: maskPhone(phone), idLookup: key.lookup('idNumber', id), idMasked: maskIdNumber(id) };
    };
  }
  if (file === 'cards.csv') {
    return (r) => {
      const card = r.card_number as string;
      return { cardLookup: key.lookup('card', card), cardMasked: maskCardNumber(card) };
    };
  }
  return null;
}

/**
 * A batch of checked holdings as one string (fields split by U+001F, rows by U+001E; every value
 * is a checked code, date or whole number, none can hold either) and their lines: what crosses
 * from the reading thread to the writing one. A structured clone of a million small row objects
 * costs the writing thread more than reading them back out of one string.
 */
export interface PackedHoldings {
  text: string;
  lines: Int32Array;
  /** Rejected records, by their place in the batch. */
  rejects: { at: number; reject: FileRowReject }[];
}

const FS = '\u001f';
const RS = '\u001e';

export function packHoldings(items: readonly ParsedItem[]): PackedHoldings {
  const lines = new Int32Array(items.length);
  const rejects: PackedHoldings['rejects'] = [];
  const parts: string[] = [];
  items.forEach((it, i) => {
    lines[i] = it.line;
    if ('reject' in it) {
      rejects.push({ at: i, reject: it.reject });
      parts.push('');
      return;
    }
    const r = it.row;
    parts.push(`${r.cif}${FS}${r.product_code}${FS}${r.account_id}${FS}${r.branch_id}${FS}${r.amount}${FS}${r.opened_on}${FS}${r.maturity_on ?? ''}`);
  });
  return { text: parts.join(RS), lines, rejects };
}

export function unpackHoldings(p: PackedHoldings): ParsedItem[] {
  if (p.lines.length === 0) return [];
  const rows = p.text.split(RS);
  const rejected = new Map(p.rejects.map((r) => [r.at, r.reject]));
  const out: ParsedItem[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const line = p.lines[i]!;
    const reject = rejected.get(i);
    if (reject) {
      out[i] = { line, reject };
      continue;
    }
    const f = rows[i]!.split(FS);
    const row: Record<string, unknown> = { cif: f[0], product_code: f[1], account_id: f[2], branch_id: f[3], amount: Number(f[4]), opened_on: f[5] };
    if (f[6]) row.maturity_on = f[6];
    out[i] = { line, row };
  }
  return out;
}
