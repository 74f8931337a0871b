/**
 * The staff queue snapshot as a change against the one sent before (`queue:delta`): a lobby with a
 * few hundred waiting is a snapshot of tens of kilobytes, sent to every staff screen on every
 * change; a ticket issued is one line of it. Pure: the hub builds a delta with `diffQueue`, each
 * screen applies it with `applyQueueDelta` and gets exactly the snapshot the hub built, or null
 * when it does not hold the delta's base (then it asks for the whole snapshot).
 *
 * The waiting list keeps its order as tickets come and go: a ticket's class, queued time and issue
 * order only change when the ticket itself changes. So a delta names the tickets gone or changed
 * (`removed`), and puts every new or changed ticket at its index in the new list (`put`, by index);
 * the tickets not named keep their relative order. A change that reorders untouched tickets
 * cannot be said this way: then there is no delta and the whole snapshot goes.
 */
import type { QueueSnapshot, QueueSnapshotDelta, ServiceQueue, WaitingTicket } from './contracts';

/**
 * The delta from `prev` to `next`, or null when the whole snapshot should go instead: another
 * business day, untouched tickets reordered, or a change touching most of the list (a delta would
 * be as big).
 */
export function diffQueue(prev: QueueSnapshot, next: QueueSnapshot): QueueSnapshotDelta | null {
  if (prev.businessDate !== next.businessDate) return null;
  // The same services in the same order under the same names (a delta carries numbers only).
  if (prev.services.length !== next.services.length) return null;
  for (let i = 0; i < next.services.length; i++) {
    const a = prev.services[i]!;
    const b = next.services[i]!;
    if (a.code !== b.code || a.name['zh-CN'] !== b.name['zh-CN'] || a.name.en !== b.name.en) return null;
  }
  const before = new Map<string, WaitingTicket>();
  for (const t of prev.waiting) before.set(t.id, t);
  const kept = new Set<string>();
  const put: QueueSnapshotDelta['put'] = [];
  next.waiting.forEach((t, index) => {
    const was = before.get(t.id);
    if (was !== undefined && sameTicket(was, t)) kept.add(t.id);
    else put.push({ index, ticket: t });
  });
  // The tickets kept must be in the same order in both lists.
  const keptBefore = prev.waiting.filter((t) => kept.has(t.id));
  const keptAfter = next.waiting.filter((t) => kept.has(t.id));
  for (let i = 0; i < keptAfter.length; i++) if (keptBefore[i]!.id !== keptAfter[i]!.id) return null;
  const removed = prev.waiting.filter((t) => !kept.has(t.id)).map((t) => t.id);
  if (removed.length + put.length > Math.max(8, next.waiting.length / 2)) return null;
  return {
    audience: 'staff',
    kind: 'delta',
    base: { offset: prev.offset, at: prev.at },
    offset: next.offset,
    at: next.at,
    businessDate: next.businessDate,
    // Only the services whose numbers changed, without their names (checked equal above).
    services: next.services.filter((x, i) => !sameNumbers(x, prev.services[i]!)).map(({ name: _name, ...numbers }) => numbers),
    ...(JSON.stringify(prev.recentCalls) === JSON.stringify(next.recentCalls) ? {} : { recentCalls: next.recentCalls }),
    removed,
    put,
  };
}

function sameNumbers(a: ServiceQueue, b: ServiceQueue): boolean {
  return a.waiting === b.waiting && a.longestWaitSeconds === b.longestWaitSeconds && a.estimatedWaitMinutes === b.estimatedWaitMinutes;
}

/** The same line on a staff screen: every field equal (the appointment, an object, compared whole). */
function sameTicket(a: WaitingTicket, b: WaitingTicket): boolean {
  if (a === b) return true;
  const keys = Object.keys(a) as (keyof WaitingTicket)[];
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) {
    const x = a[k];
    const y = b[k];
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null || JSON.stringify(x) !== JSON.stringify(y)) return false;
  }
  return true;
}

/** The snapshot `delta` leads to from `snap`; null when `snap` is not the delta's base. */
export function applyQueueDelta(snap: QueueSnapshot, delta: QueueSnapshotDelta): QueueSnapshot | null {
  if (snap.offset !== delta.base.offset || snap.at !== delta.base.at) return null;
  const gone = new Set(delta.removed);
  const waiting: WaitingTicket[] = snap.waiting.filter((t) => !gone.has(t.id));
  for (const { index, ticket } of [...delta.put].sort((a, b) => a.index - b.index)) {
    if (index > waiting.length) return null;
    waiting.splice(index, 0, ticket);
  }
  const changed = new Map(delta.services.map((x) => [x.code, x]));
  if (changed.size && !snap.services.some((x) => changed.has(x.code))) return null;
  return {
    audience: 'staff',
    offset: delta.offset,
    at: delta.at,
    businessDate: delta.businessDate,
    services: snap.services.map((x) => {
      const numbers = changed.get(x.code);
      return numbers ? { ...x, ...numbers } : x;
    }),
    waiting,
    recentCalls: delta.recentCalls ?? snap.recentCalls,
  };
}
