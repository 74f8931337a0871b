/**
 * The branch's customer data from head office: its slice of the bank's warehouse feed, loaded like
 * any feed. Every minute (while the link is up) the branch asks for the slice it should run
 * (`GET /api/v1/link/customer-feed?running=<live feedId>`); a new one is downloaded file by file
 * into `<data-dir>/feeds/incoming/<feedId>/` (mode 0700; each file's sha256 checked as it arrives),
 * imported with every check of `hub.js import-feed` (in its own process from the command line), and
 * the downloaded files are removed whatever the outcome: the identifiers in them are kept only
 * hashed and sealed in the snapshot. A slice loaded or refused here once is not fetched again (a
 * refused one is in the Data feeds tab with its reason); a broken download is tried again later.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FeedManifestSchema, type FeedFile, type FeedManifest } from '../../domain/feed';
import type { Db } from '../db/open';

/** How often the branch asks for a new slice. */
export const SLICE_CHECK_MS = 60_000;
const REQUEST_TIMEOUT_MS = 15_000;
/** A whole file may take long on a slow WAN. */
const FILE_TIMEOUT_MS = 15 * 60_000;

export interface SliceImportResult {
  status: 'done' | 'duplicate' | 'refused';
  reason?: string;
}

export interface CustomerSliceOptions {
  url: string;
  credential: string;
  now: () => number;
  /** Imports a downloaded feed directory into this branch (the command's checks, its own process from the command line). */
  runImport: (feedDir: string) => Promise<SliceImportResult>;
  onProblem?: (message: string) => void;
  onLoaded?: (feedId: string, result: SliceImportResult) => void;
  fetchImpl?: typeof fetch;
  checkEveryMs?: number;
}

export class CustomerSliceFollower {
  private inFlight = false;
  private nextAt = 0;
  private lastError: string | null = null;
  private readonly s;

  constructor(
    db: Db,
    private readonly dataDir: string,
    private readonly branchId: string,
    private readonly options: CustomerSliceOptions,
  ) {
    // Files of a download or import a stopped hub left behind hold identifiers in clear: gone at start.
    rmSync(join(dataDir, 'feeds', 'incoming'), { recursive: true, force: true });
    this.s = {
      live: db.prepare('SELECT feed_id FROM feed_state WHERE branch_id = ?').pluck(),
      tried: db.prepare("SELECT status FROM feed_run WHERE feed_id = ? AND status IN ('done', 'duplicate', 'refused') ORDER BY id DESC LIMIT 1").pluck(),
    };
  }

  async tick(): Promise<void> {
    if (this.inFlight || this.options.now() < this.nextAt) return;
    this.inFlight = true;
    try {
      await this.round();
      this.lastError = null;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (message !== this.lastError) this.options.onProblem?.(`customer data from head office: ${message} (tried again later; the lobby goes on with the data it has)`);
      this.lastError = message;
    } finally {
      this.nextAt = this.options.now() + (this.options.checkEveryMs ?? SLICE_CHECK_MS);
      this.inFlight = false;
    }
  }

  private async round(): Promise<void> {
    const running = (this.s.live.get(this.branchId) as string | undefined) ?? '';
    const res = await this.get(`/api/v1/link/customer-feed?running=${encodeURIComponent(running)}`, REQUEST_TIMEOUT_MS);
    if (res.status === 204) return;
    if (res.status !== 200) throw new Error(`HTTP ${res.status}${await errorMessage(res)}`);
    const parsed = FeedManifestSchema.safeParse(await res.json());
    if (!parsed.success) throw new Error(`the manifest head office sent does not check: ${parsed.error.issues[0]?.message}`);
    const m = parsed.data;
    if (m.branchId !== this.branchId) {
      throw new Error(`head office knows this hub as branch ${m.branchId ?? '(none)'} but its data directory is branch ${this.branchId}: the credential belongs to another branch`);
    }
    // Loaded or refused here before: not again (a refused slice is refused again, the same way).
    if (this.s.tried.get(m.feedId)) return;
    const dir = join(this.dataDir, 'feeds', 'incoming', m.feedId);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      for (const file of Object.keys(m.files) as FeedFile[]) await this.download(m, file, dir);
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2), { mode: 0o600 });
      const result = await this.options.runImport(dir);
      this.options.onLoaded?.(m.feedId, result);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** One file to disk, hashed as it arrives; refused (and tried again later) when it is not what the manifest says. */
  private async download(m: FeedManifest, file: FeedFile, dir: string): Promise<void> {
    const res = await this.get(`/api/v1/link/customer-feed/${encodeURIComponent(m.feedId)}/${file}`, FILE_TIMEOUT_MS);
    if (res.status !== 200 || !res.body) {
      throw new Error(`${file}: HTTP ${res.status}${await errorMessage(res)}`);
    }
    const out = createWriteStream(join(dir, file), { mode: 0o600 });
    const hash = createHash('sha256');
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        if (!out.write(chunk)) await once(out, 'drain');
      }
    } finally {
      out.end();
      await once(out, 'close');
    }
    const got = hash.digest('hex');
    if (got !== m.files[file]!.sha256) throw new Error(`${file}: the download's sha256 is not the manifest's (a newer feed at head office, or a broken transfer)`);
  }

  private get(path: string, timeoutMs: number): Promise<Response> {
    return (this.options.fetchImpl ?? fetch)(`${this.options.url.replace(/\/+$/, '')}${path}`, {
      headers: { authorization: `Bearer ${this.options.credential}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
  }
}

async function errorMessage(res: Response): Promise<string> {
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return body?.error?.message ? `: ${body.error.message}` : '';
}
