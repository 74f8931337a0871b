/**
 * Where the import reads its files: a worker thread running parseFeedFilePacked (feed-worker.ts), so that
 * reading, checking and sealing overlap with writing the snapshot on a machine with two cores; or,
 * where no worker can be started, the same function in this thread.
 */
import { Worker } from 'node:worker_threads';
import { workerEntry } from './worker-entry';
import type { IdentifierKey } from '../../customer-data/identifier-key';
import { CsvFileError } from '../../customer-data/csv-rows';
import { eachUnpacked, parseFeedFile, type PackedRows, type ParsedItem, type ParseOptions, type ParseSink } from '../../customer-data/feed-parse';

/**
 * The reading thread's heap: it holds a chunk of the file and a few batches of rows at a time, so a
 * small old generation is plenty and keeps the import's peak memory down. Its young generation is
 * not made small: every row makes a few short-lived objects, and with 16 MB the thread spent a
 * third of its time collecting them (the import of 200,000 customers took ~15% longer than with 32 MB).
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 32 };

type Message =
  | { type: 'header'; unknown: string[] }
  | { type: 'batch'; items: ParsedItem[] }
  | { type: 'batch'; packed: PackedRows }
  | { type: 'end'; n: number }
  | { type: 'error'; message: string; csv: boolean; file: string };

export class FeedParser {
  private constructor(
    private readonly key: IdentifierKey,
    private readonly worker: Worker | null,
  ) {}

  static start(key: IdentifierKey, opts: { inThread?: boolean } = {}): FeedParser {
    const script = opts.inThread ? null : workerEntry(__dirname, 'feed-worker');
    if (!script) return new FeedParser(key, null);
    try {
      const worker = new Worker(script.code, { eval: script.eval, workerData: { secret: key.secretForWorker() }, resourceLimits: WORKER_LIMITS });
      worker.unref();
      return new FeedParser(key, worker);
    } catch {
      return new FeedParser(key, null);
    }
  }

  /** Whether files are read in a worker thread. */
  get threaded(): boolean {
    return this.worker !== null;
  }

  parse(o: Omit<ParseOptions, 'key'>, sink: ParseSink<Iterable<ParsedItem>>): Promise<number> {
    const worker = this.worker;
    if (!worker) return parseFeedFile({ ...o, key: this.key }, sink);
    return new Promise<number>((resolve, reject) => {
      let failed = false;
      const fail = (err: Error) => {
        if (failed) return;
        failed = true;
        cleanup();
        reject(err);
      };
      const onMessage = (m: Message) => {
        if (failed) return;
        switch (m.type) {
          case 'header':
            try {
              sink.header(m.unknown);
            } catch (err) {
              fail(err as Error);
            }
            return;
          case 'batch':
            Promise.resolve()
              .then(() => sink.batch('packed' in m ? eachUnpacked(o.file, m.packed) : m.items.map(toBuffers)))
              .then(() => worker.postMessage({ type: 'ack' }))
              .catch((err: unknown) => fail(err as Error));
            return;
          case 'end':
            cleanup();
            resolve(m.n);
            return;
          case 'error':
            fail(m.csv ? new CsvFileError(m.file, m.message.replace(`${m.file}: `, '')) : new Error(m.message));
        }
      };
      const onError = (err: Error) => fail(err);
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage({ type: 'parse', opts: o });
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}

/** Sealed identifiers arrive as Uint8Array views: Buffers again, without copying. */
function toBuffers(item: ParsedItem): ParsedItem {
  if (!('row' in item) || !item.sealed) return item;
  const s = item.sealed as Record<string, unknown>;
  for (const k of Object.keys(s)) {
    const v = s[k];
    if (v instanceof Uint8Array && !Buffer.isBuffer(v)) s[k] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  }
  return item;
}
