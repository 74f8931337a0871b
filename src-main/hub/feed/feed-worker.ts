/**
 * The worker thread of the feed import: reads and checks one feed file at a time with
 * parseFeedFile and posts its batches to the importing thread, one batch ahead of the one being
 * written (it waits for an acknowledgement before posting the next). Built as its own entry
 * (out/main/feed-worker.js).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { IdentifierKey } from '../../customer-data/identifier-key';
import { CsvFileError } from '../../customer-data/csv-rows';
import { packRows, parseFeedFile, type ParseOptions } from '../../customer-data/feed-parse';

const port = parentPort!;
const key = IdentifierKey.fromSecret(Buffer.from(workerData.secret as Uint8Array));
let inFlight = false;
let waiting: (() => void) | null = null;

port.on('message', (m: { type: 'parse'; opts: Omit<ParseOptions, 'key'> } | { type: 'ack' }) => {
  if (m.type === 'ack') {
    inFlight = false;
    const w = waiting;
    waiting = null;
    w?.();
    return;
  }
  parseFeedFile(
    { ...m.opts, key },
    {
      header: (unknown) => port.postMessage({ type: 'header', unknown }),
      batch: async (items) => {
        if (inFlight) await new Promise<void>((resolve) => (waiting = resolve));
        inFlight = true;
        // The big files' rows cross as one string and a transferred array of lines.
        const packed = packRows(m.opts.file, items);
        if (packed) port.postMessage({ type: 'batch', packed }, [packed.lines.buffer as ArrayBuffer]);
        else port.postMessage({ type: 'batch', items });
      },
    },
  )
    .then(async (n) => {
      if (inFlight) await new Promise<void>((resolve) => (waiting = resolve));
      port.postMessage({ type: 'end', n });
    })
    .catch((err: unknown) => port.postMessage({ type: 'error', message: (err as Error).message, csv: err instanceof CsvFileError, file: m.opts.file }));
});
