/**
 * Counter states: open, paused (with a reason) or closed. A counter without a row is open.
 * Call-next is refused at a counter that is not open; waiting-time estimates count open counters only.
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
}

export class CounterBoard {
  private readonly s;

  constructor(
    db: Db,
    private readonly branch: Branch,
  ) {
    this.s = {
      get: db.prepare('SELECT * FROM counter_state WHERE counter_id = ?'),
      all: db.prepare('SELECT * FROM counter_state WHERE branch_id = ?'),
      set: db.prepare(
        `INSERT INTO counter_state (counter_id, branch_id, state, reason, note, changed_at, changed_by)
         VALUES (@counter_id, @branch_id, @state, @reason, @note, @changed_at, @changed_by)
         ON CONFLICT (counter_id) DO UPDATE SET state = excluded.state, reason = excluded.reason, note = excluded.note,
           changed_at = excluded.changed_at, changed_by = excluded.changed_by`,
      ),
      maxWeight: db.prepare('SELECT MAX(weight) AS w FROM counter_service WHERE counter_id = ?'),
      profiles: db.prepare(
        'SELECT counter_id, service_code AS code, weight FROM counter_service WHERE branch_id = ? ORDER BY counter_id, weight DESC, service_code',
      ),
    };
  }

  state(counterId: number): CounterState {
    return ((this.s.get.get(counterId) as StateRow | undefined)?.state ?? 'open') as CounterState;
  }

  /** Writes a state change; call inside the transaction that journals it. */
  set(counterId: number, state: CounterState, reason: PauseReason | null, note: string | null, by: string, at: number): void {
    this.s.set.run({ counter_id: counterId, branch_id: this.branch.id, state, reason, note, changed_at: at, changed_by: by });
  }

  /** Every counter of the branch with its state and its profile (services and weights). */
  list(currentNumber: (counterId: number) => string | null): CounterStatus[] {
    const rows = new Map((this.s.all.all(this.branch.id) as StateRow[]).map((r) => [r.counter_id, r]));
    const profiles = this.s.profiles.all(this.branch.id) as { counter_id: number; code: string; weight: number }[];
    return this.branch.counters.map((c) => {
      const r = rows.get(c.id);
      return {
        counterId: c.id,
        state: r?.state ?? 'open',
        reason: r?.reason ?? null,
        note: r?.note ?? null,
        changedAt: r ? new Date(r.changed_at).toISOString() : null,
        changedBy: r?.changed_by ?? null,
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
