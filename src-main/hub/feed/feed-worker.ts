/**
 * The worker thread of the feed import: reads and checks one feed file at a time with
 * parseFeedFilePacked and posts its batches to the importing thread, at most AHEAD of them not yet
 * acknowledged (the one being written and those waiting for it). The identifiers' sealed copies are
 * made by whichever thread has time: here while a batch waits behind the one being written, there
 * otherwise. Built as its own entry (out/main/feed-worker.js).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { IdentifierKey } from '../../customer-data/identifier-key';
import { CsvFileError } from '../../customer-data/csv-rows';
import { parseFeedFilePacked, type ParseOptions } from '../../customer-data/feed-parse';

const port = parentPort!;
const key = IdentifierKey.fromSecret(Buffer.from(workerData.secret as Uint8Array));
/** Batches posted and not yet acknowledged, at most AHEAD: enough to ride out either thread's pauses (a collection, a slow page). */
const AHEAD = 3;
let inFlight = 0;
let waiting: (() => void) | null = null;
/** The file being read: a batch of an earlier one that failed is never posted late. */
let reading = 0;
const room = async (most: number) => {
  while (inFlight > most) await new Promise<void>((resolve) => (waiting = resolve));
};

port.on('message', (m: { type: 'parse'; opts: Omit<ParseOptions, 'key'> } | { type: 'ack' }) => {
  if (m.type === 'ack') {
    inFlight--;
    const w = waiting;
    waiting = null;
    w?.();
    return;
  }
  const file = ++reading;
  inFlight = 0;
  waiting = null;
  parseFeedFilePacked(
    // The writing thread seals what this one does not: this one seals while a batch waits behind the one being written.
    { ...m.opts, key, sealCopies: () => inFlight >= 2 },
    {
      header: (unknown) => port.postMessage({ type: 'header', unknown }),
      batch: async (b) => {
        await room(AHEAD - 1);
        if (file !== reading) throw new Error('another file is being read');
        inFlight++;
        // The big files' rows cross as one string and transferred arrays (their lines, the identifiers' bytes).
        if (Array.isArray(b)) port.postMessage({ type: 'batch', items: b });
        else port.postMessage({ type: 'batch', packed: b }, [b.lines.buffer as ArrayBuffer, b.bytes.buffer as ArrayBuffer]);
      },
    },
  )
    .then(async (n) => {
      await room(0);
      port.postMessage({ type: 'end', n });
    })
    .catch((err: unknown) => port.postMessage({ type: 'error', message: (err as Error).message, csv: err instanceof CsvFileError, file: m.opts.file }));
});
