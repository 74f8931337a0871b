/**
 * The hub's side of the customer snapshots (snapshot.ts): attaches the live one at start, follows
 * the pointer when an import switches it (a lifecycle job), removes the file it let go of, and
 * makes tiers again whenever the snapshot was tiered under other rules than the branch's now.
 */
import { join } from 'node:path';
import type { Db } from '../db/open';
import type { TieringRules } from '../../domain/tiering';
import { attachSnapshot, createEmptySnapshot, detachSnapshot, getMeta, liveSnapshot, removeSnapshotFile, snapshotsDir, switchSnapshot, SNAPSHOT_SCHEMA } from './snapshot';
import { computeTiers, tieringHash } from './tiers';
import { carryVisitors, visitorsToKeep } from './visitors';

export interface SnapshotInfo {
  file: string;
  feedId: string;
  asOf: string | null;
}

export class CustomerSnapshots {
  private attached: string | null = null;
  private busy = false;
  private readonly listeners = new Set<(s: SnapshotInfo) => void>();

  constructor(
    private readonly db: Db,
    private readonly dataDir: string,
    private readonly branchId: string,
    private readonly rules: () => { tiering: TieringRules },
    private readonly today: () => string,
    /** Lets other work run between batches of a long job (the hub's Lifecycle.tick). */
    private readonly tick: () => Promise<void> = () => Promise.resolve(),
    private readonly log: { info(o: object, m: string): void; warn(o: object, m: string): void } = { info: () => {}, warn: () => {} },
  ) {}

  /** Attaches the live snapshot; a branch that has none yet (no feed loaded) gets an empty one. */
  open(): SnapshotInfo {
    let live = liveSnapshot(this.db, this.branchId);
    if (!live) {
      const path = createEmptySnapshot(this.dataDir);
      switchSnapshot(this.db, this.branchId, { file: path, feedId: 'none', asOf: null });
      live = liveSnapshot(this.db, this.branchId)!;
    }
    attachSnapshot(this.db, join(snapshotsDir(this.dataDir), live.file));
    this.attached = live.file;
    return { file: live.file, feedId: live.feedId, asOf: live.asOf };
  }

  /** The snapshot being served. */
  current(): SnapshotInfo | null {
    const live = liveSnapshot(this.db, this.branchId);
    return live && this.attached ? { file: this.attached, feedId: live.feedId, asOf: live.asOf } : null;
  }

  /** Called when the lobby starts reading another snapshot (caches of customer data must go). */
  onSwitched(fn: (s: SnapshotInfo) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Follows the pointer: when an import switched it, attach the new file, tell the listeners, and
   * remove the old one. Then tiers, if the snapshot's were made under other rules.
   */
  async follow(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const live = liveSnapshot(this.db, this.branchId);
      if (live && live.file !== this.attached) {
        const old = this.attached;
        detachSnapshot(this.db);
        attachSnapshot(this.db, join(snapshotsDir(this.dataDir), live.file));
        this.attached = live.file;
        if (old) {
          try {
            this.carryWalkIns(join(snapshotsDir(this.dataDir), old));
          } catch (err) {
            this.log.warn({ err: (err as Error).message }, 'walk-in customers of other branches could not be kept across the switch');
          }
        }
        this.log.info({ snapshot: live.file, feedId: live.feedId }, 'customer snapshot switched');
        for (const fn of this.listeners) fn({ file: live.file, feedId: live.feedId, asOf: live.asOf });
        if (old) removeSnapshotFile(join(snapshotsDir(this.dataDir), old));
      }
      await this.tierIfStale();
    } finally {
      this.busy = false;
    }
  }

  /** Walk-ins of other branches stored in the old snapshot after the import copied them: into the new one too. */
  private carryWalkIns(oldFile: string): void {
    try {
      this.db.prepare('ATTACH DATABASE ? AS previous').run(oldFile);
    } catch {
      return; // the old file is gone already: nothing to carry
    }
    try {
      const n = carryVisitors(this.db, SNAPSHOT_SCHEMA, 'previous', visitorsToKeep(this.db, this.today()));
      if (n) this.log.info({ visitors: n }, 'walk-in customers of other branches kept across the switch');
    } finally {
      this.db.exec('DETACH DATABASE previous');
    }
  }

  /** Tiers every customer again when the snapshot's tiers were made under other rules (in batches, letting requests run). */
  async tierIfStale(): Promise<boolean> {
    const rules = this.rules().tiering;
    if (getMeta(this.db, 'tiering', SNAPSHOT_SCHEMA) === tieringHash(rules)) return false;
    const counts = await computeTiers(this.db, rules, this.today(), {
      schema: SNAPSHOT_SCHEMA,
      between: this.tick,
    });
    this.log.info({ customers: counts.customers, tiers: counts.tiers }, 'customers tiered under the branch rules');
    for (const fn of this.listeners) fn(this.current()!);
    return true;
  }

  close(): void {
    try {
      detachSnapshot(this.db);
    } catch {
      /* the database is closing anyway */
    }
    this.attached = null;
  }
}
