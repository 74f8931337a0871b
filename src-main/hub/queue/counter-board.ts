/**
 * Counter states: open, paused (with a reason) or closed. A counter is open when a teller is
 * signed in at it (or a manager opened it); with nobody there it is closed, so the kiosk and the
 * phone page never promise "you're next" at an empty counter. Call-next is refused at a counter
 * that is not open; the waiting-time forecast counts open counters only.
 */
import type { Branch } from '../branch';
import type { Db } from '../db/open';
import type { CounterState, CounterStatus, PauseReason } from '../../domain/contracts';

interface StateRow {
  counter_id: number;
  state: CounterState;
  reason: PauseReason | null;
  note: string | null;
  changed_at: number;
  changed_by: string;
  by_sign_in: number;
}

export class CounterBoard {
  private readonly s;

  constructor(
    db: Db,
    private readonly branch: Branch,
    private readonly now: () => number,
  ) {
    this.s = {
      get: db.prepare('SELECT * FROM counter_state WHERE counter_id = ?'),
      all: db.prepare('SELECT * FROM counter_state WHERE branch_id = ?'),
      set: db.prepare(
        `INSERT INTO counter_state (counter_id, branch_id, state, reason, note, changed_at, changed_by, by_sign_in)
         VALUES (@counter_id, @branch_id, @state, @reason, @note, @changed_at, @changed_by, @by_sign_in)
         ON CONFLICT (counter_id) DO UPDATE SET state = excluded.state, reason = excluded.reason, note = excluded.note,
           changed_at = excluded.changed_at, changed_by = excluded.changed_by, by_sign_in = excluded.by_sign_in`,
      ),
      maxWeight: db.prepare('SELECT MAX(weight) AS w FROM counter_service WHERE counter_id = ?'),
      profiles: db.prepare(
        'SELECT counter_id, service_code AS code, weight FROM counter_service WHERE branch_id = ? ORDER BY counter_id, weight DESC, service_code',
      ),
      // Tellers signed in now, by counter.
      tellers: db.prepare(
        `SELECT DISTINCT s.counter_id, s.subject_id AS id, st.name FROM session s JOIN staff st ON st.id = s.subject_id
         WHERE s.branch_id = ? AND s.role = 'teller' AND s.counter_id IS NOT NULL AND s.expires_at > ?
         ORDER BY s.counter_id, s.subject_id`,
      ),
      tellersAt: db.prepare(
        `SELECT COUNT(*) AS n FROM session WHERE branch_id = ? AND role = 'teller' AND counter_id = ? AND expires_at > ?`,
      ),
    };
  }

  private nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** Tellers signed in at a counter now. */
  tellersAt(counterId: number): number {
    return (this.s.tellersAt.get(this.branch.id, counterId, this.nowIso()) as { n: number }).n;
  }

  /** The stored state, or, for a counter nobody has opened, paused or closed yet: open while a teller is signed in at it. */
  state(counterId: number): CounterState {
    const row = this.s.get.get(counterId) as StateRow | undefined;
    if (row) return row.state;
    return this.tellersAt(counterId) > 0 ? 'open' : 'closed';
  }

  /** The state written for the counter, or null when nobody has opened, paused or closed it yet. */
  storedState(counterId: number): CounterState | null {
    return (this.s.get.get(counterId) as StateRow | undefined)?.state ?? null;
  }

  /** Whether the counter's state was set by a teller signing in (it closes again when they leave). */
  openedBySignIn(counterId: number): boolean {
    const row = this.s.get.get(counterId) as StateRow | undefined;
    return row ? row.by_sign_in === 1 : true;
  }

  /** Writes a state change; call inside the transaction that journals it. */
  set(counterId: number, state: CounterState, reason: PauseReason | null, note: string | null, by: string, at: number, bySignIn = false): void {
    this.s.set.run({ counter_id: counterId, branch_id: this.branch.id, state, reason, note, changed_at: at, changed_by: by, by_sign_in: bySignIn ? 1 : 0 });
  }

  /** Every counter of the branch with its state, its profile (services and weights) and who is signed in at it. */
  list(currentNumber: (counterId: number) => string | null): CounterStatus[] {
    const rows = new Map((this.s.all.all(this.branch.id) as StateRow[]).map((r) => [r.counter_id, r]));
    const profiles = this.s.profiles.all(this.branch.id) as { counter_id: number; code: string; weight: number }[];
    const signedIn = this.s.tellers.all(this.branch.id, this.nowIso()) as { counter_id: number; id: string; name: string }[];
    return this.branch.counters.map((c) => {
      const r = rows.get(c.id);
      const tellers = signedIn.filter((t) => t.counter_id === c.id).map((t) => ({ id: t.id, name: t.name }));
      return {
        counterId: c.id,
        state: r?.state ?? (tellers.length ? 'open' : 'closed'),
        reason: r?.reason ?? null,
        note: r?.note ?? null,
        changedAt: r ? new Date(r.changed_at).toISOString() : null,
        changedBy: r?.changed_by ?? null,
        bySignIn: r ? r.by_sign_in === 1 : true,
        tellers,
        currentNumber: currentNumber(c.id),
        services: profiles.filter((p) => p.counter_id === c.id).map((p) => ({ code: p.code, weight: p.weight })),
      };
    });
  }

  /** The heaviest service weight of a counter: tickets transferred to the counter itself get it. */
  maxWeight(counterId: number): number {
    return (this.s.maxWeight.get(counterId) as { w: number | null }).w ?? 1;
  }
}
