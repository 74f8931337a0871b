/**
 * The priority engine: which waiting ticket a counter calls next, under the branch's policy
 * (docs/QUEUE.md has worked examples). Pure: the hub passes the candidates and the counter's
 * recent calls, and writes the choice in the same transaction.
 *
 * - Green channel pre-empts everything.
 * - Every other ticket has a weight: its class weight (normal / priority by law / vip) plus the
 *   weight this counter gives its service (the counter profile, counter_service.weight).
 * - strict: highest weight first. aging: the weight grows by `agingPerMinute` for every minute
 *   waited, so nobody starves. interleave: strict, but after `interleaveEvery` priority or VIP
 *   calls in a row at a counter, the next call is the best normal ticket (when one waits).
 * - First come first served within equal weight (queued time, then issue order).
 */
import { z } from 'zod';
import type { TicketClass } from './queue';

export const QueuePolicyKindSchema = z.enum(['strict', 'aging', 'interleave']);
export type QueuePolicyKind = z.infer<typeof QueuePolicyKindSchema>;

export const QueuePolicySchema = z.object({
  kind: QueuePolicyKindSchema.default('strict'),
  /** Base weight of each non-green class; green always pre-empts. */
  classWeights: z
    .object({
      normal: z.number().min(0).max(1000),
      priority: z.number().min(0).max(1000),
      vip: z.number().min(0).max(1000),
    })
    .default({ normal: 0, priority: 10, vip: 20 }),
  /** aging: weight added per minute waited. */
  agingPerMinute: z.number().min(0).max(100).default(1),
  /** interleave: after this many priority / VIP calls in a row, one normal call. */
  interleaveEvery: z.number().int().min(1).max(50).default(3),
});
export type QueuePolicy = z.infer<typeof QueuePolicySchema>;

export const DEFAULT_QUEUE_POLICY: QueuePolicy = {
  kind: 'strict',
  classWeights: { normal: 0, priority: 10, vip: 20 },
  agingPerMinute: 1,
  interleaveEvery: 3,
};

export interface Candidate {
  id: string;
  ticketClass: TicketClass;
  /** Epoch ms the ticket joined this queue (issue time, or as placed by a transfer). */
  queuedAt: number;
  /** Issue order, breaks ties within the same millisecond. */
  seq: number;
  /** Weight this counter gives the ticket's service (counter profile). */
  counterWeight: number;
}

/** The weight a candidate has at `now`; Infinity for the green channel. */
export function effectiveWeight(c: Candidate, policy: QueuePolicy, now: number): number {
  return ticketWeight(c.ticketClass, c.counterWeight, c.queuedAt, policy, now);
}

/** `effectiveWeight` from its parts (for callers that keep them apart, such as the forecast). */
export function ticketWeight(ticketClass: TicketClass, counterWeight: number, queuedAt: number, policy: QueuePolicy, now: number): number {
  if (ticketClass === 'green') return Number.POSITIVE_INFINITY;
  const base = policy.classWeights[ticketClass] + counterWeight;
  if (policy.kind !== 'aging') return base;
  return base + (policy.agingPerMinute * Math.max(0, now - queuedAt)) / 60_000;
}

/** Comparator: negative when `a` is called before `b` at `now`. */
export function comparePolicy(a: Candidate, b: Candidate, policy: QueuePolicy, now: number): number {
  const wa = effectiveWeight(a, policy, now);
  const wb = effectiveWeight(b, policy, now);
  if (wa !== wb) return wa > wb ? -1 : 1;
  return a.queuedAt - b.queuedAt || a.seq - b.seq;
}

/** The candidates in the order the counter would call them now (ignoring interleave). */
export function orderByPolicy<C extends Candidate>(candidates: readonly C[], policy: QueuePolicy, now: number): C[] {
  return [...candidates].sort((a, b) => comparePolicy(a, b, policy, now));
}

/** Priority / VIP calls in a row at the counter, most recent first; green calls do not count. */
export function priorityStreak(recentClasses: readonly TicketClass[]): number {
  let streak = 0;
  for (const c of recentClasses) {
    if (c === 'green') continue;
    if (c === 'normal') break;
    streak++;
  }
  return streak;
}

/**
 * The interleave rule, on what it needs: the candidate first under the policy and the best normal
 * candidate (null when none waits), with the counter's priority streak. Returns the one to call.
 */
export function applyInterleave<C extends { ticketClass: TicketClass }>(first: C, bestNormal: C | null, policy: QueuePolicy, streak: number): C {
  if (policy.kind !== 'interleave' || first.ticketClass === 'green' || first.ticketClass === 'normal') return first;
  if (streak < policy.interleaveEvery) return first;
  return bestNormal ?? first;
}

/**
 * The ticket a counter calls next, or null when nobody waits.
 * `recentClasses`: classes of this counter's latest calls today, most recent first.
 */
export function pickNext<C extends Candidate>(
  candidates: readonly C[],
  policy: QueuePolicy,
  ctx: { now: number; recentClasses: readonly TicketClass[] },
): C | null {
  if (candidates.length === 0) return null;
  const ordered = orderByPolicy(candidates, policy, ctx.now);
  return applyInterleave(ordered[0]!, ordered.find((c) => c.ticketClass === 'normal') ?? null, policy, priorityStreak(ctx.recentClasses));
}

// ---------------------------------------------------------------- transfers

export const PlacementSchema = z.enum(['first', 'last', 'original']);
export type Placement = z.infer<typeof PlacementSchema>;

/**
 * When a ticket first joined the queue, i.e. its place "by original arrival": the issue time of a
 * walk-in (a late appointment is one), the booked time of an appointment checked in on time (the
 * check-in queued it there, earlier or later than it was issued).
 */
export function originalArrival(ticket: { issuedAt: number; onTimeBookedAt: number | null }): number {
  return ticket.onTimeBookedAt ?? ticket.issuedAt;
}

/**
 * The queued time a transferred ticket gets in its new queue: `first` before everyone waiting
 * there, `last` now, `original` its original arrival (`arrivedAt`, from originalArrival).
 */
export function placedAt(placement: Placement, ctx: { now: number; arrivedAt: number; earliestWaiting: number | null }): number {
  if (placement === 'last') return ctx.now;
  if (placement === 'original') return ctx.arrivedAt;
  const earliest = ctx.earliestWaiting ?? ctx.now;
  return Math.min(earliest - 1, ctx.arrivedAt);
}

// ---------------------------------------------------------------- recall

/** After `maxRecalls` recalls, a further recall marks the customer as a no-show. */
export function recallOutcome(recallsSoFar: number, maxRecalls: number): 'recall' | 'no_show' {
  return recallsSoFar >= maxRecalls ? 'no_show' : 'recall';
}

// ---------------------------------------------------------------- estimate and notice

/** Minutes per customer from recent service times: the median (robust to one very long visit). */
export function typicalServiceMinutes(recentMs: readonly number[], fallbackMinutes: number, minSamples = 3): number {
  const usable = recentMs.filter((ms) => Number.isFinite(ms) && ms > 0);
  if (usable.length < minSamples) return fallbackMinutes;
  const sorted = [...usable].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return median / 60_000;
}

export const NearNoticeSchema = z.object({
  /** "Your turn is near" when the place in line is at most this… */
  position: z.number().int().min(1).max(50).default(3),
  /** …or the estimated wait at most this many minutes. */
  minutes: z.number().int().min(0).max(120).default(5),
});
export type NearNotice = z.infer<typeof NearNoticeSchema>;

/** True while the ticket waits and its turn is near (position <= N or estimate <= M minutes). */
export function isNear(position: number, estimatedWaitMinutes: number, notice: NearNotice): boolean {
  if (position < 1) return false;
  return position <= notice.position || estimatedWaitMinutes <= notice.minutes;
}
