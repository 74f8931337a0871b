/**
 * Ticket classes and routes, and the simple waiting-time formula the simulation scores the queue
 * forecast against. The order of calls is the branch's policy (queue-policy.ts).
 */

export type TicketClass = 'green' | 'vip' | 'priority' | 'normal';
export type TicketRoute = 'standard' | 'green_channel';
/** `cancelled`: the customer gave up their place (the phone page). */
export type TicketStatus = 'waiting' | 'called' | 'completed' | 'no_show' | 'cancelled';

/** Priority by law, chosen at the kiosk. */
export type PriorityReason = 'elderly' | 'disabled' | 'pregnant';

export function classFor(route: TicketRoute, vip: boolean, priority: PriorityReason | null = null): TicketClass {
  if (route === 'green_channel') return 'green';
  if (vip) return 'vip';
  return priority ? 'priority' : 'normal';
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
