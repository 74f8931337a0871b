/**
 * Group commit for the kiosk's busiest write, issuing tickets. Requests that arrive together (in the
 * same turn of the event loop) are written in one transaction, each in its own savepoint (the use
 * case's own transaction, nested), and committed with one sync of the write-ahead log instead of one
 * each. Nothing is answered before its commit: every caller's promise settles only after the
 * transaction that holds its write has committed, or fails with it.
 *
 * While requests come in together, a group gathers for a millisecond (see RUSH_WAIT_MS) before it is
 * written, as databases delay a commit a little to share its sync (PostgreSQL's commit_delay).
 *
 * One request's failure (a validation error, a constraint) rolls back only its own savepoint; the
 * others commit. When SQLite abandons the whole transaction (a full disk, an I/O error), the group
 * stops there and every request of it fails with that error: none of them was acknowledged, and a
 * kiosk's retry with the same requestId is answered with the ticket if it was written after all.
 *
 * What the requests tell the screens is held back until the commit (Announcer.holding), and so is
 * what a refused identification attempt writes (its audit row, the managers' alert): a group that
 * SQLite abandons takes those with it, while the attempt still counts against the kiosk's limit.
 *
 * Closing (`close`), what waits is written, and a request that still comes is written at once.
 */
import type { Db } from '../db/open';
import type { Announcer } from '../broadcast';
import { currentRequestId, outsideRequest, withRequest } from '../request-context';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** More than this many waiting are written at once without waiting for the next turn. */
const MAX_GROUP = 64;
/**
 * How long a group gathers while tickets come in together (several kiosks, a rush): one sync for
 * more of them, for at most this much on each answer. Alone, a request waits for nothing.
 */
const RUSH_WAIT_MS = 1;

export class CommitGroup {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly db: Db,
    private readonly announcer: Announcer,
    /**
     * Runs a function on the next turn of the event loop (the lifecycle's `soon`), or after `ms`
     * (the lifecycle's `after`).
     */
    private readonly schedule: { soon: (fn: () => void) => void; after: (ms: number, fn: () => void) => void },
  ) {}

  /** Requests in the last group: more than one means a rush, and the next group waits a little for more. */
  private lastGroup = 0;
  private closed = false;

  /**
   * Runs `work` (synchronous, writing through the same database) in the next group and resolves
   * with its result once that group committed. `work` runs as part of the caller's request (its
   * request id stays on its log lines).
   */
  run<T>(work: () => T): Promise<T> {
    // Closing: no later turn will come, so the work is written now, as a group of one.
    if (this.closed) return new Promise<T>((resolve) => resolve(this.announcer.holding(() => this.db.transaction(work)())));
    return new Promise<T>((resolve, reject) => {
      const requestId = currentRequestId();
      const bound = requestId === undefined ? work : () => withRequest(requestId, work);
      this.pending.push({ work: bound, resolve: resolve as (v: unknown) => void, reject });
      if (this.pending.length >= MAX_GROUP) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        const go = () => {
          this.scheduled = false;
          this.flush();
        };
        // Alone, a request is written on the next turn; in a rush, the group gathers for RUSH_WAIT_MS.
        if (this.lastGroup > 1) this.schedule.after(RUSH_WAIT_MS, go);
        else this.schedule.soon(go);
      }
    });
  }

  /** Writes what waits, and from now on writes each request at once (the hub is closing). */
  close(): void {
    this.closed = true;
    this.flush();
  }

  /** Writes and commits everything waiting now. */
  flush(): void {
    // The group's work runs as part of each request (see run); the group itself belongs to none.
    outsideRequest(() => this.flushGroup());
  }

  private flushGroup(): void {
    const group = this.pending;
    if (group.length === 0) return;
    this.pending = [];
    this.lastGroup = group.length;
    const outcomes: Outcome[] = [];
    try {
      this.announcer.holding(() =>
        this.db.transaction(() => {
          for (const p of group) {
            try {
              outcomes.push({ ok: true, value: p.work() });
            } catch (error) {
              // SQLite gave up the whole transaction: nothing of this group can be committed.
              if (!this.db.inTransaction) throw error;
              outcomes.push({ ok: false, error });
            }
          }
        })(),
      );
    } catch (error) {
      for (const p of group) p.reject(error);
      return;
    }
    group.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
  }
}
