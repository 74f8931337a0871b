/**
 * Who may try a PIN or device secret now. Failures are counted per id *at an address* (five wrong
 * in a window lock that pair, for a time that doubles with each lock), per address across all ids
 * (one PIN tried against every staff id is slowed the same way), and per id across all addresses
 * (many addresses against one id). So a stranger on the network cannot lock the teller at her own
 * counter out: only their pair and their address are held.
 *
 * The check and the count are one step: a try reserves its place before the (asynchronous) secret
 * check, so however many arrive at once, no more are checked than the limit allows. A manager or
 * administrator can unlock an id. Kept in memory: a restart forgets the counts (and the locks).
 */
import { HubError } from '../errors';

export const SIGN_IN_LIMITS = {
  /** Wrong tries of one id from one address before that pair is locked. */
  perPair: 5,
  /** Wrong tries from one address (any ids) before the address is held. */
  perAddress: 10,
  /** Wrong tries of one id (any addresses) before the id is locked everywhere. */
  perId: 20,
  /** Failures older than this are forgotten. */
  windowMs: 5 * 60_000,
  /** The first lock; each further lock of the same pair, address or id doubles it. */
  firstLockMs: 60_000,
  maxLockMs: 60 * 60_000,
  /** A pair, address or id without failures this long starts again at the first lock. */
  forgetLocksAfterMs: 24 * 3600_000,
} as const;

interface Counter {
  failures: number[];
  inFlight: number;
  lockedUntil: number;
  locks: number;
  lastFailure: number;
}

export type Scope = 'pair' | 'address' | 'id';

export interface Reservation {
  readonly id: string;
  readonly address: string;
  done: boolean;
}

/** What a failure did: the locks it started (for the audit log). */
export interface FailureOutcome {
  locked: { scope: Scope; seconds: number }[];
}

export class SignInGuard {
  private readonly pairs = new Map<string, Counter>();
  private readonly addresses = new Map<string, Counter>();
  private readonly ids = new Map<string, Counter>();

  constructor(private readonly now: () => number) {}

  /**
   * Reserves one try of `id` from `address`, or refuses with 429 and when to retry. Call
   * `succeeded` or `failed` with the reservation once the secret is checked.
   */
  reserve(id: string, address: string): Reservation {
    const now = this.now();
    const checks: [Scope, Map<string, Counter>, string, number][] = [
      ['id', this.ids, id, SIGN_IN_LIMITS.perId],
      ['address', this.addresses, address, SIGN_IN_LIMITS.perAddress],
      ['pair', this.pairs, `${id}\u0000${address}`, SIGN_IN_LIMITS.perPair],
    ];
    for (const [scope, map, key, limit] of checks) {
      const c = this.counter(map, key, now);
      const waitMs = c.lockedUntil - now;
      if (waitMs > 0) throw refusal(scope, waitMs);
      // Tries being checked right now count as failures until they are known not to be.
      if (c.failures.length + c.inFlight >= limit) throw refusal(scope, SIGN_IN_LIMITS.firstLockMs);
    }
    for (const [, map, key] of checks) map.get(key)!.inFlight++;
    return { id, address, done: false };
  }

  succeeded(r: Reservation): void {
    if (r.done) return;
    r.done = true;
    this.release(r);
    // The right secret from this address: its pair starts again.
    this.pairs.delete(`${r.id}\u0000${r.address}`);
  }

  /** The try ended without a verdict on the secret (refused for another reason): nothing counted. */
  cancel(r: Reservation): void {
    if (r.done) return;
    r.done = true;
    this.release(r);
  }

  failed(r: Reservation): FailureOutcome {
    if (r.done) return { locked: [] };
    r.done = true;
    this.release(r);
    const now = this.now();
    const locked: FailureOutcome['locked'] = [];
    const counts: [Scope, Map<string, Counter>, string, number][] = [
      ['pair', this.pairs, `${r.id}\u0000${r.address}`, SIGN_IN_LIMITS.perPair],
      ['address', this.addresses, r.address, SIGN_IN_LIMITS.perAddress],
      ['id', this.ids, r.id, SIGN_IN_LIMITS.perId],
    ];
    for (const [scope, map, key, limit] of counts) {
      const c = this.counter(map, key, now);
      c.failures.push(now);
      c.lastFailure = now;
      if (c.failures.length >= limit) {
        const ms = Math.min(SIGN_IN_LIMITS.maxLockMs, SIGN_IN_LIMITS.firstLockMs * 2 ** c.locks);
        c.locks++;
        c.lockedUntil = now + ms;
        c.failures = [];
        locked.push({ scope, seconds: Math.round(ms / 1000) });
      }
    }
    return { locked };
  }

  /** A manager or administrator unlocks an id: its own lock and every pair of it. True when anything was held. */
  unlock(id: string): boolean {
    let any = this.ids.delete(id);
    for (const key of [...this.pairs.keys()]) {
      if (key.startsWith(`${id}\u0000`)) any = this.pairs.delete(key) || any;
    }
    return any;
  }

  /** Whether an id is locked anywhere now (the admin's staff list). */
  isLocked(id: string): boolean {
    const now = this.now();
    if ((this.ids.get(id)?.lockedUntil ?? 0) > now) return true;
    for (const [key, c] of this.pairs) if (key.startsWith(`${id}\u0000`) && c.lockedUntil > now) return true;
    return false;
  }

  private release(r: Reservation): void {
    for (const [map, key] of [
      [this.ids, r.id],
      [this.addresses, r.address],
      [this.pairs, `${r.id}\u0000${r.address}`],
    ] as const) {
      const c = map.get(key);
      if (c && c.inFlight > 0) c.inFlight--;
    }
  }

  private counter(map: Map<string, Counter>, key: string, now: number): Counter {
    let c = map.get(key);
    if (!c) {
      if (map.size >= PRUNE_AT) prune(map, now);
      c = { failures: [], inFlight: 0, lockedUntil: 0, locks: 0, lastFailure: 0 };
      map.set(key, c);
      return c;
    }
    c.failures = c.failures.filter((t) => now - t < SIGN_IN_LIMITS.windowMs);
    if (c.locks > 0 && c.lockedUntil <= now && now - c.lastFailure > SIGN_IN_LIMITS.forgetLocksAfterMs) c.locks = 0;
    return c;
  }
}

/** Above this many entries, those with nothing left to remember are dropped. */
const PRUNE_AT = 10_000;

function prune(map: Map<string, Counter>, now: number): void {
  for (const [key, c] of map) {
    const recent = c.failures.some((t) => now - t < SIGN_IN_LIMITS.windowMs);
    if (!recent && c.inFlight === 0 && c.lockedUntil <= now && (c.locks === 0 || now - c.lastFailure > SIGN_IN_LIMITS.forgetLocksAfterMs)) map.delete(key);
  }
}

function refusal(scope: Scope, waitMs: number): HubError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  const what =
    scope === 'pair'
      ? 'too many failed sign-ins for this id from this device'
      : scope === 'address'
        ? 'too many failed sign-ins from this device'
        : 'too many failed sign-ins for this id; a manager or administrator can unlock it';
  return new HubError('rate_limited', `${what}; try again in ${seconds} s`, {
    reason: scope === 'pair' ? 'too_many_sign_ins' : scope === 'address' ? 'address_throttled' : 'account_locked',
    params: { retryAfterSeconds: seconds },
  });
}
