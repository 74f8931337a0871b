/**
 * Writes a warehouse feed directory (domain/feed.ts): one CSV file per kind of row with its header,
 * then `manifest.json` with each file's row count and sha256. The demo branch is built by writing
 * its synthetic customers this way and importing them like a bank's feed; tests and the bench
 * write their feeds with it too.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { FEED_COLUMNS, type FeedFile } from '../domain/feed';
import { csvField } from '../domain/measures';

type Cell = string | number | boolean | null | undefined;

interface OpenFile {
  fd: number;
  hash: Hash;
  columns: readonly string[];
  rows: number;
  buffer: string[];
  size: number;
}

const FLUSH_AT = 1 << 20;

export class FeedWriter {
  private readonly files = new Map<FeedFile, OpenFile>();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /**
   * Appends a row. The file is created on first use with a header of the given columns (default:
   * the file's required then optional columns); a row is an object of column → value.
   */
  row(file: FeedFile, values: Record<string, Cell>, columns?: readonly string[]): void {
    let f = this.files.get(file);
    if (!f) {
      const cols = columns ?? [...FEED_COLUMNS[file].required, ...FEED_COLUMNS[file].optional];
      f = { fd: openSync(join(this.dir, file), 'w'), hash: createHash('sha256'), columns: cols, rows: 0, buffer: [], size: 0 };
      this.files.set(file, f);
      this.push(f, cols.join(','));
    }
    this.push(f, f.columns.map((c) => csvField(values[c] === true ? 'Y' : values[c] === false ? 'N' : values[c])).join(','));
    f.rows++;
  }

  /** Ensures a file exists (with its header) even when it gets no rows. */
  touch(file: FeedFile, columns?: readonly string[]): void {
    if (this.files.has(file)) return;
    const cols = columns ?? [...FEED_COLUMNS[file].required, ...FEED_COLUMNS[file].optional];
    const f: OpenFile = { fd: openSync(join(this.dir, file), 'w'), hash: createHash('sha256'), columns: cols, rows: 0, buffer: [], size: 0 };
    this.files.set(file, f);
    this.push(f, cols.join(','));
  }

  private push(f: OpenFile, line: string): void {
    f.buffer.push(line);
    f.size += line.length + 2;
    if (f.size >= FLUSH_AT) this.flush(f);
  }

  private flush(f: OpenFile): void {
    if (f.buffer.length === 0) return;
    const chunk = Buffer.from(f.buffer.join('\r\n') + '\r\n', 'utf8');
    writeSync(f.fd, chunk);
    f.hash.update(chunk);
    f.buffer = [];
    f.size = 0;
  }

  /** Closes every file and writes the manifest; returns it. */
  finish(manifest: { feedId: string; asOf: string; mode: 'full' | 'delta'; branchId?: string }): object {
    const files: Record<string, { rows: number; sha256: string }> = {};
    for (const [name, f] of this.files) {
      this.flush(f);
      closeSync(f.fd);
      files[name] = { rows: f.rows, sha256: f.hash.digest('hex') };
    }
    const out = { ...manifest, files };
    writeFileSync(join(this.dir, 'manifest.json'), JSON.stringify(out, null, 2) + '\n');
    return out;
  }
}

/** sha256 and data-row count of a CSV file already written (a test editing a feed by hand). */
export function describeFile(path: string): { rows: number; sha256: string } {
  const bytes = readFileSync(path);
  const lines = bytes.toString('utf8').split(/\r?\n/).filter((l) => l.length > 0);
  return { rows: Math.max(0, lines.length - 1), sha256: createHash('sha256').update(bytes).digest('hex') };
}
