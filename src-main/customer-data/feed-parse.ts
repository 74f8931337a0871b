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
 * Identifiers as the snapshot keeps them, made beside the parsing: the lookup hashes and masks, and
 * the sealed copies when asked (`sealCopies`; what is missing, the writing side makes).
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

export interface ParseSink<B = ParsedItem[]> {
  header(unknownColumns: string[]): void;
  /** A batch of checked records; the next batch is read while this one is written. */
  batch(items: B): Promise<void> | void;
}

export interface ParseOptions {
  path: string;
  file: FeedFile;
  encoding: string;
  batch: number;
  key: IdentifierKey;
  /**
   * Also make the sealed copies of the identifiers here, not only their lookup hashes and masks;
   * asked row by row when a function (the branch's reading thread seals while its writing thread
   * has batches waiting, and leaves the sealing to it while it waits: the two share the work).
   */
  sealCopies?: boolean | (() => boolean);
  /**
   * Bytes read at a time (default 1 MB). Papa Parse hands over each read's records together and
   * they live until the last of them is checked: the branch's reading thread, its heap bounded,
   * reads 64 KB at a time (with 1 MB reads those records outlived its young generation and it spent
   * a third of its time collecting; a holdings file: ~35% more CPU). Head office's import, in a
   * process of its own, peaked at 1.07 GB instead of 0.66 GB with 64 KB reads (a million customers,
   * the same time): it keeps the default.
   */
  readBytes?: number;
}

/** Collects a file's checked rows into the batches handed on. */
interface Batcher<B> {
  add(item: ParsedItem): void;
  readonly length: number;
  take(): B;
}

class ItemBatcher implements Batcher<ParsedItem[]> {
  private items: ParsedItem[] = [];
  add(item: ParsedItem): void {
    this.items.push(item);
  }
  get length(): number {
    return this.items.length;
  }
  take(): ParsedItem[] {
    const out = this.items;
    this.items = [];
    return out;
  }
}

/** Reads one feed file to the end; the number of data records. Throws CsvFileError for a bad header or a file that is not CSV. */
export function parseFeedFile(o: ParseOptions, sink: ParseSink): Promise<number> {
  return readFeedFile(o, new ItemBatcher(), sink);
}

/**
 * The same, with the big files' batches packed as they are read (PackedRows): what the branch's
 * reading thread hands to its writing thread. Other files' batches are rows as they are.
 */
export function parseFeedFilePacked(o: ParseOptions, sink: ParseSink<PackedRows | ParsedItem[]>): Promise<number> {
  const fields = PACKED[o.file];
  return fields ? readFeedFile<PackedRows | ParsedItem[]>(o, new PackBatcher(o.file, fields), sink) : readFeedFile<PackedRows | ParsedItem[]>(o, new ItemBatcher(), sink);
}

async function readFeedFile<B>(o: ParseOptions, batcher: Batcher<B>, sink: ParseSink<B>): Promise<number> {
  const raw = createReadStream(o.path, { highWaterMark: o.readBytes ?? 1 << 20 });
  const source: Readable = o.encoding === 'gb18030' || o.encoding === 'gbk' ? (raw.pipe(iconv.decodeStream('gb18030')) as unknown as Readable) : raw;
  const schema = SCHEMAS[o.file];
  let header: ReturnType<typeof readHeader> | null = null;
  let width = 0;
  const copies = o.sealCopies;
  const seal = sealerFor(o.file, o.key, typeof copies === 'function' ? copies : () => copies === true);
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
          batcher.add(seal ? { line, row, sealed: seal(row) } : { line, row });
        } else batcher.add({ line, reject: checked.reject });
        if (batcher.length < o.batch) return;
        return sink.batch(batcher.take());
      },
    );
    if (batcher.length) await sink.batch(batcher.take());
    return n;
  } catch (err) {
    if (err instanceof CsvFileError) throw err;
    throw new CsvFileError(o.file, (err as Error).message);
  }
}

function sealerFor(file: FeedFile, key: IdentifierKey, copies: () => boolean): ((row: Record<string, unknown>) => SealedIdentifiers) | null {
  if (file === 'customers.csv') {
    return (r) => {
      const phone = r.phone as string;
      const id = r.resident_id as string;
      const s: SealedIdentifiers = { phoneLookup: key.lookup('phone', phone), phoneMasked: maskPhone(phone), idLookup: key.lookup('idNumber', id), idMasked: maskIdNumber(id) };
      if (copies()) {
        s.phoneSealed = key.seal(phone);
        s.idSealed = key.seal(id);
      }
      return s;
    };
  }
  if (file === 'cards.csv') {
    return (r) => {
      const card = r.card_number as string;
      const s: SealedIdentifiers = { cardLookup: key.lookup('card', card), cardMasked: maskCardNumber(card) };
      if (copies()) s.cardSealed = key.seal(card);
      return s;
    };
  }
  return null;
}

/**
 * A batch of checked rows of the big files (customers, cards, holdings) as one string (fields split
 * by U+001F, rows by U+001E), their lines, and the identifiers' hashes and sealed copies one after
 * another in a byte array (the string holds each one's length): what crosses from the reading thread
 * to the writing one, the arrays transferred, not copied. A structured clone of a million small row
 * objects costs the writing thread more than reading them back out of one string. Each row is
 * packed as soon as it is checked, so the reading thread's young objects die young. A batch with
 * either separator in a value (free text could hold one) is sent as rows instead.
 */
export interface PackedRows {
  text: string;
  lines: Int32Array;
  bytes: Uint8Array;
  /** Rejected records, by their place in the batch. */
  rejects: { at: number; reject: FileRowReject }[];
}

type Kind = 's' | 'n' | 'b' | 'x';
/** Each packed file's values in order: a row's column, or (after @) an identifier made beside it. */
const PACKED: Partial<Record<FeedFile, readonly (readonly [string, Kind])[]>> = {
  'holdings.csv': [['cif', 's'], ['product_code', 's'], ['account_id', 's'], ['branch_id', 's'], ['amount', 'n'], ['opened_on', 's'], ['maturity_on', 's']],
  'cards.csv': [['card_number', 's'], ['cif', 's'], ['kind', 's'], ['@cardLookup', 'x'], ['@cardSealed', 'x'], ['@cardMasked', 's']],
  'customers.csv': [
    ['cif', 's'], ['name', 's'], ['gender', 's'], ['birth_date', 's'], ['phone', 's'], ['resident_id', 's'], ['marital_status', 's'],
    ['occupation', 's'], ['risk_tolerance', 'n'], ['marketing_consent', 'b'], ['home_branch_id', 's'], ['relationship_manager', 's'],
    ['risk_assessed_on', 's'], ['last_overdue_on', 's'], ['resident', 'b'], ['control_group_exempt', 'b'],
    ['@phoneLookup', 'x'], ['@phoneSealed', 'x'], ['@phoneMasked', 's'], ['@idLookup', 'x'], ['@idSealed', 'x'], ['@idMasked', 's'],
  ],
};

const FS = '\u001f';
const RS = '\u001e';
const SEPARATOR = /[\u001e\u001f]/;

/** Packs rows one at a time (falls back to keeping them as rows when a value holds a separator). */
class PackBatcher implements Batcher<PackedRows | ParsedItem[]> {
  private readonly fields: readonly { key: string; sealed: boolean; kind: Kind }[];
  private rows: string[] = [];
  private readonly parts: string[];
  private lines: Int32Array = new Int32Array(1024);
  private bytes = new Uint8Array(1 << 16);
  private at = 0;
  private rejects: PackedRows['rejects'] = [];
  /** The batch as rows, once one of its values could not be packed. */
  private items: ParsedItem[] | null = null;

  constructor(
    private readonly file: FeedFile,
    fields: readonly (readonly [string, Kind])[],
  ) {
    this.fields = fields.map(([name, kind]) => (name.startsWith('@') ? { key: name.slice(1), sealed: true, kind } : { key: name, sealed: false, kind }));
    this.parts = new Array<string>(fields.length).fill('');
  }

  get length(): number {
    return this.items ? this.items.length : this.rows.length;
  }

  add(item: ParsedItem): void {
    if (this.items) {
      this.items.push(item);
      return;
    }
    const i = this.rows.length;
    if (i === this.lines.length) this.lines = grow(this.lines, i * 2);
    this.lines[i] = item.line;
    if ('reject' in item) {
      this.rejects.push({ at: i, reject: item.reject });
      this.rows.push('');
      return;
    }
    const row = item.row;
    const sealed = (item.sealed ?? {}) as Record<string, unknown>;
    const start = this.at;
    // Joined once per row: one flat string, not a chain of pieces of the file's text kept alive.
    const parts = this.parts;
    for (let f = 0; f < this.fields.length; f++) {
      const { key, sealed: made, kind } = this.fields[f]!;
      const v = made ? sealed[key] : row[key];
      let e: string;
      if (v === undefined || v === null) e = '';
      else if (kind === 's') {
        e = v as string;
        if (SEPARATOR.test(e)) {
          this.at = start;
          this.unpackSoFar(item);
          return;
        }
      } else if (kind === 'n') e = String(v);
      else if (kind === 'b') e = v ? 't' : 'f';
      else e = String(this.put(v as Uint8Array));
      parts[f] = e;
    }
    this.rows.push(parts.join(FS));
  }

  /** Appends bytes to the batch's byte array; their length. */
  private put(b: Uint8Array): number {
    if (this.at + b.length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.at + b.length));
      grown.set(this.bytes.subarray(0, this.at));
      this.bytes = grown;
    }
    this.bytes.set(b, this.at);
    this.at += b.length;
    return b.length;
  }

  /** A value could not be packed: the batch so far, and from now on, as rows. */
  private unpackSoFar(item: ParsedItem): void {
    const n = this.rows.length;
    this.items = n ? unpackRows(this.file, this.take() as PackedRows) : [];
    this.items.push(item);
  }

  take(): PackedRows | ParsedItem[] {
    if (this.items) {
      const items = this.items;
      this.items = null;
      return items;
    }
    const n = this.rows.length;
    const out: PackedRows = { text: this.rows.join(RS), lines: this.lines.slice(0, n), bytes: this.bytes.slice(0, this.at), rejects: this.rejects };
    this.rows = [];
    this.rejects = [];
    this.at = 0;
    return out;
  }
}

function grow(a: Int32Array, size: number): Int32Array {
  const g = new Int32Array(size);
  g.set(a);
  return g;
}

/** A batch of rows packed (tests; the reading thread packs row by row), or null when the file is not packed or a value holds a separator. */
export function packRows(file: FeedFile, items: readonly ParsedItem[]): PackedRows | null {
  const fields = PACKED[file];
  if (!fields) return null;
  const b = new PackBatcher(file, fields);
  for (const it of items) b.add(it);
  const out = b.take();
  return Array.isArray(out) ? null : out;
}

const num = (v: string | undefined) => (v ? Number(v) : undefined);
const flag = (v: string | undefined) => (v ? v === 't' : undefined);
const str = (v: string | undefined) => (v ? v : undefined);

/** The identifiers' bytes of one batch, read in order: views, not copies. */
class ByteReader {
  private at = 0;
  constructor(private readonly bytes: Uint8Array) {}
  next(len: string | undefined): Buffer | undefined {
    if (!len) return undefined;
    const n = Number(len);
    const b = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.at, n);
    this.at += n;
    return b;
  }
}

/** Each file's row made back from its values, as an object literal (one shape for every row: fast to make). */
const UNPACK: Partial<Record<FeedFile, (f: string[], b: ByteReader) => { row: Record<string, unknown>; sealed?: SealedIdentifiers }>> = {
  'holdings.csv': (f) => {
    const row: Record<string, unknown> = { cif: f[0], product_code: f[1], account_id: f[2], branch_id: f[3], amount: Number(f[4]), opened_on: f[5] };
    if (f[6]) row.maturity_on = f[6];
    return { row };
  },
  'cards.csv': (f, b) => ({
    row: { card_number: f[0], cif: f[1], kind: f[2] },
    sealed: { cardLookup: b.next(f[3]), cardSealed: b.next(f[4]), cardMasked: str(f[5]) },
  }),
  'customers.csv': (f, b) => ({
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
    sealed: { phoneLookup: b.next(f[16]), phoneSealed: b.next(f[17]), phoneMasked: str(f[18]), idLookup: b.next(f[19]), idSealed: b.next(f[20]), idMasked: str(f[21]) },
  }),
};

export function unpackRows(file: FeedFile, p: PackedRows): ParsedItem[] {
  return [...eachUnpacked(file, p)];
}

/**
 * The rows of a packed batch one at a time, each made when it is asked for: handled one by one,
 * a batch's rows die young instead of all living until its last one is written.
 */
export function* eachUnpacked(file: FeedFile, p: PackedRows): IterableIterator<ParsedItem> {
  const make = UNPACK[file]!;
  if (p.lines.length === 0) return;
  const rows = p.text.split(RS);
  const bytes = new ByteReader(p.bytes);
  const rejected = p.rejects.length ? new Map(p.rejects.map((r) => [r.at, r.reject])) : null;
  for (let i = 0; i < rows.length; i++) {
    const line = p.lines[i]!;
    const reject = rejected?.get(i);
    if (reject) {
      yield { line, reject };
      continue;
    }
    const { row, sealed } = make(rows[i]!.split(FS), bytes);
    yield sealed ? { line, row, sealed } : { line, row };
  }
}
