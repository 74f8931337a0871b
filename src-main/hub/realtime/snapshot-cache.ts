/**
 * Queue snapshots (staff and public) built once per journal offset: any number of screens asking
 * (a reconnect storm, a display asking in a loop) costs one build per change. A snapshot is also
 * rebuilt when it is older than MAX_AGE_MS, because its waiting-time estimates age with the clock.
 */
import type { PublicQueueSnapshot, QueueSnapshot } from '../../domain/contracts';

export const SNAPSHOT_MAX_AGE_MS = 5_000;

interface Entry<T> {
  offset: number;
  at: number;
  value: T;
}

export class SnapshotCache {
  private staffEntry: Entry<QueueSnapshot> | null = null;
  private publicEntry: Entry<PublicQueueSnapshot> | null = null;

  constructor(
    private readonly offset: () => number,
    private readonly now: () => number,
    private readonly build: { staff(offset: number): QueueSnapshot; public(offset: number): PublicQueueSnapshot },
  ) {}

  staff(): QueueSnapshot {
    this.staffEntry = this.fresh(this.staffEntry, (o) => this.build.staff(o));
    return this.staffEntry.value;
  }

  public(): PublicQueueSnapshot {
    this.publicEntry = this.fresh(this.publicEntry, (o) => this.build.public(o));
    return this.publicEntry.value;
  }

  private fresh<T>(entry: Entry<T> | null, make: (offset: number) => T): Entry<T> {
    const offset = this.offset();
    const now = this.now();
    if (entry && entry.offset === offset && now - entry.at < SNAPSHOT_MAX_AGE_MS && now >= entry.at) return entry;
    return { offset, at: now, value: make(offset) };
  }
}
