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
 * A batch of checked rows of the big files (customers, cards, holdings) as one string (fields split
 * by U+001F, rows by U+001E) and their lines: what crosses from the reading thread to the writing
 * one. A structured clone of a million small row objects costs the writing thread more than reading
 * them back out of one string. Lookup hashes travel as base64; a batch with either separator in a
 * value (free text could hold one) is sent as it is instead.
 */
export interface PackedRows {
  text: string;
  lines: Int32Array;
  /** Rejected records, by their place in the batch. */
  rejects: { at: number; reject: FileRowReject }[];
}

type Kind = 's' | 'n' | 'b' | 'x';
/** Each packed file's values in order: a row's column, or (after @) an identifier made beside it. */
const PACKED: Partial<Record<FeedFile, readonly (readonly [string, Kind])[]>> = {
  'holdings.csv': [['cif', 's'], ['product_code', 's'], ['account_id', 's'], ['branch_id', 's'], ['amount', 'n'], ['opened_on', 's'], ['maturity_on', 's']],
  'cards.csv': [['card_number', 's'], ['cif', 's'], ['kind', 's'], ['@cardLookup', 'x'], ['@cardMasked', 's']],
  'customers.csv': [
    ['cif', 's'], ['name', 's'], ['gender', 's'], ['birth_date', 's'], ['phone', 's'], ['resident_id', 's'], ['marital_status', 's'],
    ['occupation', 's'], ['risk_tolerance', 'n'], ['marketing_consent', 'b'], ['home_branch_id', 's'], ['relationship_manager', 's'],
    ['risk_assessed_on', 's'], ['last_overdue_on', 's'], ['resident', 'b'], ['control_group_exempt', 'b'],
    ['@phoneLookup', 'x'], ['@phoneMasked', 's'], ['@idLookup', 'x'], ['@idMasked', 's'],
  ],
};

const FS = '\u001f';
const RS = '\u001e';
const SEPARATOR = /[\u001e\u001f]/;

function encode(v: unknown, kind: Kind): string | null {
  if (v === undefined || v === null) return '';
  switch (kind) {
    case 'b':
      return v ? 't' : 'f';
    case 'n':
      return String(v);
    case 'x':
      return Buffer.from(v as Uint8Array).toString('base64');
    default: {
      const s = v as string;
      return SEPARATOR.test(s) ? null : s;
    }
  }
}

/** The batch packed, or null when the file is not packed or a value holds a separator. */
export function packRows(file: FeedFile, items: readonly ParsedItem[]): PackedRows | null {
  const fields = PACKED[file];
  if (!fields) return null;
  const lines = new Int32Array(items.length);
  const rejects: PackedRows['rejects'] = [];
  const parts: string[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    lines[i] = it.line;
    if ('reject' in it) {
      rejects.push({ at: i, reject: it.reject });
      parts[i] = '';
      continue;
    }
    const sealed = (it.sealed ?? {}) as Record<string, unknown>;
    let line = '';
    for (let f = 0; f < fields.length; f++) {
      const [name, kind] = fields[f]!;
      const e = encode(name.charCodeAt(0) === 64 ? sealed[name.slice(1)] : it.row[name], kind);
      if (e === null) return null;
      line += f ? FS + e : e;
    }
    parts[i] = line;
  }
  return { text: parts.join(RS), lines, rejects };
}

const num = (v: string | undefined) => (v ? Number(v) : undefined);
const flag = (v: string | undefined) => (v ? v === 't' : undefined);
const str = (v: string | undefined) => (v ? v : undefined);
const bytes = (v: string | undefined) => (v ? Buffer.from(v, 'base64') : undefined);

/** Each file's row made back from its values, as an object literal (one shape for every row: fast to make). */
const UNPACK: Partial<Record<FeedFile, (f: string[]) => { row: Record<string, unknown>; sealed?: SealedIdentifiers }>> = {
  'holdings.csv': (f) => {
    const row: Record<string, unknown> = { cif: f[0], product_code: f[1], account_id: f[2], branch_id: f[3], amount: Number(f[4]), opened_on: f[5] };
    if (f[6]) row.maturity_on = f[6];
    return { row };
  },
  'cards.csv': (f) => ({
    row: { card_number: f[0], cif: f[1], kind: f[2] },
    sealed: { cardLookup: bytes(f[3]), cardMasked: str(f[4]) },
  }),
  'customers.csv': (f) => ({
    // Absent values stay as undefined keys (deleting them would make every row a slow dictionary object).
    row: {
      cif: f[0],
      name: f[1],
      gender: f[2],
      birth_date: f[3],
      phone: f[4],
      resident_id: f[5],
      marital_status: f[6],
      occupation: f[7],
      risk_tolerance: num(f[8]),
      marketing_consent: flag(f[9]),
      home_branch_id: f[10],
      relationship_manager: str(f[11]),
      risk_assessed_on: str(f[12]),
      last_overdue_on: str(f[13]),
      resident: flag(f[14]),
      control_group_exempt: flag(f[15]),
    },
    sealed: { phoneLookup: bytes(f[16]), phoneMasked: str(f[17]), idLookup: bytes(f[18]), idMasked: str(f[19]) },
  }),
};

export function unpackRows(file: FeedFile, p: PackedRows): ParsedItem[] {
  const make = UNPACK[file]!;
  if (p.lines.length === 0) return [];
  const rows = p.text.split(RS);
  const rejected = p.rejects.length ? new Map(p.rejects.map((r) => [r.at, r.reject])) : null;
  const out: ParsedItem[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const line = p.lines[i]!;
    const reject = rejected?.get(i);
    if (reject) {
      out[i] = { line, reject };
      continue;
    }
    const { row, sealed } = make(rows[i]!.split(FS));
    out[i] = sealed ? { line, row, sealed } : { line, row };
  }
  return out;
}
