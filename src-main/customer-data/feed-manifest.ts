/**
 * A feed directory's manifest and its files, checked before a row is read — alike at a branch
 * (hub/feed/import.ts) and at head office (head-office/customer-feed.ts): the manifest against
 * its schema (domain/feed.ts), every listed file present with the manifest's sha256, and a full
 * feed carrying the files it needs.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FEED_FILES, FeedManifestSchema, FULL_FEED_REQUIRED, type FeedFile, type FeedManifest } from '../domain/feed';

/** A feed that cannot be loaded as it is; nothing was switched. */
export class FeedRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedRefused';
  }
}

export function readManifest(feedDir: string): FeedManifest {
  const path = join(feedDir, 'manifest.json');
  if (!existsSync(path)) throw new FeedRefused(`${path} is missing`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new FeedRefused(`manifest.json is not JSON: ${(err as Error).message}`);
  }
  const parsed = FeedManifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new FeedRefused(`manifest.json: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/**
 * The manifest's files in the order they load (the catalogue and the customers before what refers
 * to them), each checked to exist with its sha256; and the rows they say they hold.
 */
export async function checkFeedFiles(feedDir: string, m: FeedManifest): Promise<{ files: FeedFile[]; totalRows: number }> {
  const files = FEED_FILES.filter((f) => m.files[f]);
  if (files.length === 0) throw new FeedRefused('the manifest lists no files');
  if (m.mode === 'full') {
    const missing = FULL_FEED_REQUIRED.filter((f) => !m.files[f]);
    if (missing.length) throw new FeedRefused(`a full feed needs ${missing.join(', ')} (missing from the manifest)`);
  }
  let totalRows = 0;
  for (const f of files) {
    const p = join(feedDir, f);
    if (!existsSync(p)) throw new FeedRefused(`${f} is listed in the manifest but not in ${feedDir}`);
    const hash = await sha256Of(p);
    if (hash !== m.files[f]!.sha256.toLowerCase()) throw new FeedRefused(`${f}: sha256 ${hash} does not match the manifest (${m.files[f]!.sha256})`);
    totalRows += m.files[f]!.rows;
  }
  return { files, totalRows };
}

export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Refuses a feed with more than `limitPercent` of its rows rejected, naming the files and the
 * rejects file. `counts`: rows read and rejected per file.
 */
export function checkRejectLimit(
  files: readonly FeedFile[],
  counts: ReadonlyMap<FeedFile, { rows: number; rejected: number }>,
  rejected: number,
  limitPercent: number,
  rejectsFile: string | null,
): void {
  const total = files.reduce((n, f) => n + (counts.get(f)?.rows ?? 0), 0);
  if (total > 0 && (rejected / total) * 100 > limitPercent) {
    const worst = [...counts].filter(([, c]) => c.rejected > 0).map(([f, c]) => `${f} ${c.rejected} of ${c.rows}`);
    throw new FeedRefused(`${rejected} of ${total} rows rejected (${((rejected / total) * 100).toFixed(2)}%, more than ${limitPercent}%): ${worst.join(', ')}; see ${rejectsFile}`);
  }
}
