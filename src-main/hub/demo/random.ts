/**
 * Deterministic randomness for the demo data: a seeded PRNG (mulberry32) and a keyed
 * bijection (Feistel network with cycle walking) that turns a running index into a unique,
 * random-looking number inside a range, so phone and card numbers are unique without
 * remembering the ones already handed out (the generator stays streaming).
 */

/** mulberry32: small, fast 32-bit PRNG; same seed, same sequence. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** Picks by relative weight; `weights` has the same length as `items`. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i]!;
      if (r < 0) return items[i]!;
    }
    return items[items.length - 1]!;
  }
  /** Picks from a precomputed weighted table (binary search; for long, fixed lists). */
  fromTable<T>(table: WeightedTable<T>): T {
    const r = this.next() * table.total;
    const cum = table.cumulative;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return table.items[lo]!;
  }
}

export interface WeightedTable<T> {
  items: readonly T[];
  cumulative: Float64Array;
  total: number;
}

export function weightedTable<T>(items: readonly T[], weights: readonly number[]): WeightedTable<T> {
  const cumulative = new Float64Array(items.length);
  let total = 0;
  weights.forEach((w, i) => {
    total += w;
    cumulative[i] = total;
  });
  return { items, cumulative, total };
}

function mix32(x: number, key: number, round: number): number {
  let h = Math.imul(x ^ key, 0x85ebca6b) ^ Math.imul(round + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A keyed permutation of [0, size): `permute(i)` for distinct i < size gives distinct results
 * < size. Balanced Feistel over 2 x halfBits bits (4 rounds), cycle-walking back into range.
 */
export function makePermutation(size: number, key: number): (index: number) => number {
  let halfBits = 1;
  while (2 ** (2 * halfBits) < size) halfBits++;
  if (halfBits > 26) throw new Error('permutation domain too large');
  const half = 2 ** halfBits;
  const mask = half - 1;
  const feistel = (x: number): number => {
    let left = Math.floor(x / half);
    let right = x % half;
    for (let round = 0; round < 4; round++) {
      const next = (left ^ (mix32(right, key, round) & mask)) >>> 0;
      left = right;
      right = next;
    }
    return left * half + right;
  };
  return (index: number): number => {
    if (!(index >= 0 && index < size && Number.isInteger(index))) throw new RangeError(`index ${index} outside [0, ${size})`);
    let x = index;
    do x = feistel(x);
    while (x >= size);
    return x;
  };
}

// ---------------------------------------------------------------- dates as day numbers

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 for an ISO date (YYYY-MM-DD). */
export function dayNumber(iso: string): number {
  return Math.round(Date.parse(iso + 'T00:00:00Z') / DAY_MS);
}

const ISO_CACHE_FROM = dayNumber('1900-01-01');
const ISO_CACHE_TO = dayNumber('2200-01-01');
const isoCache: string[] = new Array<string>(ISO_CACHE_TO - ISO_CACHE_FROM).fill('');

/** ISO date of a day number (memoised: the generator formats the same few thousand days over and over). */
export function isoDate(day: number): string {
  if (day < ISO_CACHE_FROM || day >= ISO_CACHE_TO) return new Date(day * DAY_MS).toISOString().slice(0, 10);
  const i = day - ISO_CACHE_FROM;
  return isoCache[i] || (isoCache[i] = new Date(day * DAY_MS).toISOString().slice(0, 10));
}

export function addDays(iso: string, days: number): string {
  return isoDate(dayNumber(iso) + days);
}

/** Adds calendar months, clamping the day to the end of the month (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, lastDay));
  return first.toISOString().slice(0, 10);
}
