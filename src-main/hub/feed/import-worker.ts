/**
 * `hub.js import-feed` loads the feed in this worker thread (feed/import-in-worker.ts): its heap is
 * bounded (IMPORT_HEAP_MB) by the thread's resource limits, and it ends with the process whatever
 * ends it. Built as its own entry (out/main/import-worker.js).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { importFeed, type ImportOptions } from './import';

const port = parentPort!;
const opts = workerData as Omit<ImportOptions, 'onProgress' | 'onFile' | 'db' | 'now'>;
importFeed({
  ...opts,
  onProgress: (p) => port.postMessage({ type: 'progress', p }),
  onFile: (f) => port.postMessage({ type: 'file', f }),
}).then(
  (result) => port.postMessage({ type: 'done', result }),
  (err: unknown) => port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
);
