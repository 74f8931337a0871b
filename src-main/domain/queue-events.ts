/**
 * Who may see which journaled event when a client catches up after a reconnect. A whitelist:
 * displays (public) get calls with the number and counter only; staff get queue events;
 * managers get everything. An event type not listed here is for managers only.
 */

export type EventAudience = 'public' | 'staff' | 'managers';

export const EVENT_AUDIENCE: Readonly<Record<string, EventAudience>> = {
  'ticket.called': 'public',
  'ticket.recalled': 'public',
  'ticket.serving': 'staff',
  'ticket.issued': 'staff',
  'ticket.completed': 'staff',
  'ticket.no_show': 'staff',
  'ticket.transferred': 'staff',
  'ticket.parked': 'staff',
  'ticket.resumed': 'public',
  'counter.state': 'staff',
  'counter.services': 'staff',
  'ticket.green_channel': 'managers',
};

/** Fields of a public event that a display may receive. */
const PUBLIC_FIELDS = ['number', 'counterId', 'calledAt'] as const;

const RANK: Record<EventAudience, number> = { public: 0, staff: 1, managers: 2 };

/** The payload `audience` may receive for this event, or null when it may not see it. */
export function eventFor(
  type: string,
  payload: Record<string, unknown>,
  audience: EventAudience,
): Record<string, unknown> | null {
  const needed = EVENT_AUDIENCE[type] ?? 'managers';
  if (RANK[audience] < RANK[needed]) return null;
  if (audience !== 'public') return payload;
  const out: Record<string, unknown> = {};
  for (const k of PUBLIC_FIELDS) if (k in payload) out[k] = payload[k];
  return out;
}

/** Catching up: replay the missed events when there are at most this many, else send a snapshot. */
export const MAX_REPLAY_EVENTS = 500;
