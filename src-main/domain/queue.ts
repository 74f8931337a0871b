/**
 * Queue order and waiting-time estimate. Green channel first, then by ticket class,
 * first come first served within a class.
 */

export type TicketClass = 'green' | 'vip' | 'priority' | 'normal';
export type TicketRoute = 'standard' | 'green_channel';
export type TicketStatus = 'waiting' | 'called' | 'completed' | 'no_show';

/** Higher is served first. */
export const CLASS_RANK: Record<TicketClass, number> = { green: 3, vip: 2, priority: 1, normal: 0 };

/** Priority by law, chosen at the kiosk. */
export type PriorityReason = 'elderly' | 'disabled' | 'pregnant';

export function classFor(route: TicketRoute, vip: boolean, priority: PriorityReason | null = null): TicketClass {
  if (route === 'green_channel') return 'green';
  if (vip) return 'vip';
  return priority ? 'priority' : 'normal';
}

export interface Queued {
  ticketClass: TicketClass;
  /** Epoch ms the ticket was issued. */
  issuedAt: number;
  /** Tie-breaker for tickets issued in the same millisecond: issue order. */
  seq: number;
}

/** Sort comparator: negative when `a` is served before `b`. */
export function compareQueued(a: Queued, b: Queued): number {
  return (
    CLASS_RANK[b.ticketClass] - CLASS_RANK[a.ticketClass] || a.issuedAt - b.issuedAt || a.seq - b.seq
  );
}

/**
 * Estimated minutes until a ticket is called: the customers ahead of it, shared among the
 * open counters that serve its service, each taking the average service time.
 * Superseded in the hub by the queue forecast (queue-forecast.ts); kept as the baseline the
 * simulation (`npm run simulate`) scores it against.
 */
export function estimateWaitMinutes(peopleAhead: number, avgServiceMinutes: number, openCounters: number): number {
  if (peopleAhead <= 0) return 0;
  const counters = Math.max(openCounters, 1);
  return Math.ceil((peopleAhead * avgServiceMinutes) / counters);
}
