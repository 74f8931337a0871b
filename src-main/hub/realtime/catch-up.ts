/**
 * Catching up after a reconnect: a client sends the last event offset it saw and gets
 * the events it missed from event_log, filtered for its audience (displays: calls with number and
 * counter only; staff: queue events; managers: everything), or a fresh snapshot when it missed
 * more than MAX_REPLAY_EVENTS or its offset is not from this hub's log.
 */
import type { Db } from '../db/open';
import type { CatchUp, PublicQueueSnapshot, QueueSnapshot, ReplayedEvent, Role } from '../../domain/contracts';
import { MAX_REPLAY_EVENTS, eventFor, type EventAudience } from '../../domain/queue-events';

export function audienceOf(role: Role): EventAudience {
  if (role === 'manager') return 'managers';
  if (role === 'teller' || role === 'admin') return 'staff';
  return 'public';
}

export class CatchUpLog {
  private readonly since;
  private readonly latest;

  constructor(
    db: Db,
    private readonly branchId: string,
  ) {
    this.since = db.prepare(
      `SELECT offset, type, payload_json, at FROM event_log WHERE branch_id = ? AND offset > ? ORDER BY offset LIMIT ${MAX_REPLAY_EVENTS + 1}`,
    );
    this.latest = db.prepare('SELECT COALESCE(MAX(offset), 0) AS o FROM event_log WHERE branch_id = ?');
  }

  catchUp(offset: number, role: Role, snapshot: () => QueueSnapshot | PublicQueueSnapshot): CatchUp {
    const latestOffset = (this.latest.get(this.branchId) as { o: number }).o;
    const rows = offset > latestOffset ? null : (this.since.all(this.branchId, offset) as { offset: number; type: string; payload_json: string; at: number }[]);
    if (!rows || rows.length > MAX_REPLAY_EVENTS) return { kind: 'snapshot', latestOffset, snapshot: snapshot() };
    const audience = audienceOf(role);
    const events: ReplayedEvent[] = [];
    for (const r of rows) {
      const data = eventFor(r.type, JSON.parse(r.payload_json) as Record<string, unknown>, audience);
      if (data) events.push({ offset: r.offset, type: r.type, at: new Date(r.at).toISOString(), data });
    }
    return { kind: 'events', fromOffset: offset, latestOffset, events };
  }
}
