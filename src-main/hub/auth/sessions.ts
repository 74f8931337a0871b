/**
 * Sign-in for staff (staff id + PIN) and devices (device id + secret), and the bearer tokens
 * that follow. Tokens are random; only their SHA-256 digest is stored.
 */
import type { AuditAction, LoginRequest, LoginResponse, Role } from '../../domain/contracts';
import type { Db } from '../db/open';
import { HubError, forbidden, invalid, unauthenticated } from '../errors';
import { hashSecret, newToken, tokenDigest, verifySecret } from './secrets';
import { pinProblem, pinRefusal } from '../../domain/pin-policy';
import type { AuditRecord, Journal } from '../journal';
import { SignInGuard, type Reservation } from './sign-in-guard';

/** The network address in an audit address (`device-id@ip` or `ip`): the part a client cannot choose. */
function networkAddress(address: string | null): string {
  if (!address) return 'local';
  const at = address.lastIndexOf('@');
  return at >= 0 ? address.slice(at + 1) : address;
}

export interface Identity {
  role: Role;
  /** Staff id or device id. */
  subjectId: string;
  branchId: string;
  counterId: number | null;
  /** The device a request came from (set per request by the HTTP layer, for the audit log). */
  device?: string | null;
  /** The session this identity came from (the token's digest), to end it. */
  sessionId?: string;
  /** When the session expires (epoch ms). */
  expiresAt?: number;
  /** Signed in with a PIN an administrator set: may only change it (and sign out). */
  pinChangeOnly?: boolean;
}

const STAFF_SESSION_MS = 12 * 3600_000;
const DEVICE_SESSION_MS = 30 * 24 * 3600_000;
/** A cached session is re-read from the database after this long (a session revoked from the command line ends then). */
const CACHE_RECHECK_MS = 30_000;

export class Sessions {
  private readonly guard: SignInGuard;
  private readonly cache = new Map<string, { identity: Identity; expiresAt: number; checkedAt: number }>();
  private readonly endedListeners = new Set<(sessionIds: readonly string[]) => void>();

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    /** Where sign-ins, sign-outs and failures are written (the branch's audit log); none on the command line. */
    private readonly audit: { journal: Journal; branchId: string } | null = null,
  ) {
    this.guard = new SignInGuard(now);
  }

  private record(actor: string, role: AuditRecord['role'], address: string | null, action: AuditAction, detail: Record<string, unknown>): void {
    if (!this.audit) return;
    this.audit.journal.audit({ branchId: this.audit.branchId, actor: actor.slice(0, 64), role, device: address, action, subject: `${detail.kind ?? 'staff'}:${actor.slice(0, 64)}`, detail });
  }

  /** Signs a member of staff or a device in; every attempt, failed or not, is in the audit log with the address it came from. */
  async login(req: LoginRequest, from: { address: string | null } = { address: null }): Promise<LoginResponse> {
    const kind = 'staffId' in req ? 'staff' : 'device';
    const id = 'staffId' in req ? req.staffId : req.deviceId;
    const key = `${kind}:${id}`;
    let reservation: Reservation;
    try {
      reservation = this.guard.reserve(key, networkAddress(from.address));
    } catch (err) {
      this.record(id, 'system', from.address, 'auth.sign_in_refused', { kind, reason: err instanceof HubError ? err.reason : 'too_many_sign_ins' });
      throw err;
    }
    let identity: Awaited<ReturnType<Sessions['staffIdentity']>>;
    try {
      identity = 'staffId' in req ? await this.staffIdentity(req) : await this.deviceIdentity(req);
    } catch (err) {
      this.guard.cancel(reservation); // refused for another reason (no counter ...): neither right nor wrong
      throw err;
    }
    if (!identity) {
      const outcome = this.guard.failed(reservation);
      this.record(id, 'system', from.address, 'auth.sign_in_failed', { kind });
      for (const l of outcome.locked) this.record(id, 'system', from.address, 'auth.locked', { kind, scope: l.scope, seconds: l.seconds });
      throw unauthenticated('wrong_credentials', 'wrong id or secret');
    }
    this.guard.succeeded(reservation);
    this.record(identity.subjectId, identity.role, from.address, 'auth.sign_in', { kind, ...(identity.counterId !== null ? { counterId: identity.counterId } : {}) });
    const token = newToken();
    const created = this.now();
    const expires = created + (identity.role === 'kiosk' || identity.role === 'display' ? DEVICE_SESSION_MS : STAFF_SESSION_MS);
    this.db
      .prepare(
        `INSERT INTO session (token_hash, role, subject_id, branch_id, counter_id, created_at, expires_at, pin_change_only)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        tokenDigest(token),
        identity.role,
        identity.subjectId,
        identity.branchId,
        identity.counterId,
        new Date(created).toISOString(),
        new Date(expires).toISOString(),
        identity.mustChangePin ? 1 : 0,
      );
    return {
      token,
      role: identity.role,
      branchId: identity.branchId,
      displayName: identity.displayName,
      subjectId: identity.subjectId,
      counterId: identity.counterId,
      expiresAt: new Date(expires).toISOString(),
      mustChangePin: identity.mustChangePin,
    };
  }

  /**
   * Changes the signed-in person's PIN: the current one checked (failures count like sign-ins),
   * the new one by the PIN rules and different from the current one. A session that had to change
   * its PIN becomes a normal one. Audited.
   */
  async changePin(who: Identity, currentPin: string, newPin: string, from: { address: string | null } = { address: null }): Promise<void> {
    const reservation = this.guard.reserve(`staff:${who.subjectId}`, networkAddress(from.address));
    const row = this.db.prepare('SELECT pin_hash FROM staff WHERE id = ? AND active = 1').get(who.subjectId) as { pin_hash: string } | undefined;
    if (!row || !(await verifySecret(currentPin, row.pin_hash))) {
      const outcome = this.guard.failed(reservation);
      this.record(who.subjectId, who.role, from.address, 'auth.sign_in_failed', { kind: 'staff', during: 'pin_change' });
      for (const l of outcome.locked) this.record(who.subjectId, 'system', from.address, 'auth.locked', { kind: 'staff', scope: l.scope, seconds: l.seconds });
      throw forbidden('wrong_pin', 'the current PIN is not right');
    }
    this.guard.succeeded(reservation);
    const refusal = pinRefusal(newPin, currentPin);
    if (refusal) throw invalid(refusal, `newPin: ${pinProblem(newPin) ?? 'the new PIN is the same as the current one'}`);
    const hash = hashSecret(newPin);
    this.db.transaction(() => {
      this.db.prepare('UPDATE staff SET pin_hash = ?, must_change_pin = 0, pin_changed_at = ? WHERE id = ?').run(hash, this.now(), who.subjectId);
      if (who.sessionId) this.db.prepare('UPDATE session SET pin_change_only = 0 WHERE token_hash = ?').run(who.sessionId);
      this.record(who.subjectId, who.role, from.address, 'auth.pin_changed', { kind: 'staff' });
    })();
    if (who.sessionId) this.cache.delete(who.sessionId);
  }

  /** A manager or administrator unlocks a staff id held after failed sign-ins (audited). */
  unlock(staffId: string, by: Identity): { unlocked: boolean } {
    const exists = this.db.prepare('SELECT 1 FROM staff WHERE id = ?').get(staffId);
    if (!exists) throw new HubError('not_found', `no staff member ${staffId}`, { reason: 'staff_not_found', params: { staffId } });
    const unlocked = this.guard.unlock(`staff:${staffId}`);
    if (this.audit) this.audit.journal.auditBy(this.audit.branchId, by, 'auth.unlocked', `staff:${staffId}`, { wasLocked: unlocked });
    return { unlocked };
  }

  /** Whether a staff id is held after failed sign-ins now. */
  isLocked(staffId: string): boolean {
    return this.guard.isLocked(`staff:${staffId}`);
  }

  /** The signed-in session as a sign-in answers it, without the token (after a PIN change). */
  describe(who: Identity): Omit<LoginResponse, 'token'> {
    const name = (this.db.prepare('SELECT name FROM staff WHERE id = ?').pluck().get(who.subjectId) as string | undefined) ?? who.subjectId;
    return {
      role: who.role,
      branchId: who.branchId,
      displayName: name,
      subjectId: who.subjectId,
      counterId: who.counterId,
      expiresAt: new Date(who.expiresAt ?? this.now()).toISOString(),
      mustChangePin: false,
    };
  }

  logout(token: string): void {
    this.endSession(tokenDigest(token));
  }

  /** Ends the session an identity was verified from (audited as a sign-out). */
  logoutSession(who: Identity): void {
    if (!who.sessionId) return;
    this.endSession(who.sessionId);
    this.record(who.subjectId, who.role, who.device ?? null, 'auth.sign_out', { kind: who.role === 'kiosk' || who.role === 'display' ? 'device' : 'staff' });
  }

  private endSession(digest: string): void {
    this.cache.delete(digest);
    this.db.prepare('DELETE FROM session WHERE token_hash = ?').run(digest);
    this.tellEnded([digest]);
  }

  /** Ends every session of a kiosk or display (retired or re-keyed); returns how many. */
  revokeDevice(deviceId: string): number {
    return this.revokeSubject(deviceId, ['kiosk', 'display']);
  }

  /** Ends every session of a member of staff (disabled, PIN reset, unlocked by an admin); returns how many. */
  revokeStaff(staffId: string): number {
    return this.revokeSubject(staffId, ['manager', 'teller', 'admin']);
  }

  private revokeSubject(subjectId: string, roles: readonly Role[]): number {
    const list = roles.map((r) => `'${r}'`).join(', ');
    const rows = this.db.prepare(`SELECT token_hash FROM session WHERE subject_id = ? AND role IN (${list})`).all(subjectId) as { token_hash: string }[];
    for (const [digest, hit] of this.cache) {
      if (hit.identity.subjectId === subjectId && roles.includes(hit.identity.role)) this.cache.delete(digest);
    }
    const n = this.db.prepare(`DELETE FROM session WHERE subject_id = ? AND role IN (${list})`).run(subjectId).changes;
    this.tellEnded(rows.map((r) => r.token_hash));
    return n;
  }

  /**
   * Listens for sessions that end before their time (sign-out, revocation): the socket server
   * closes their connections at once. Expiry is each connection's own timer.
   */
  onEnded(listener: (sessionIds: readonly string[]) => void): { dispose(): void } {
    this.endedListeners.add(listener);
    return { dispose: () => void this.endedListeners.delete(listener) };
  }

  private tellEnded(ids: readonly string[]): void {
    if (ids.length === 0) return;
    for (const l of this.endedListeners) l(ids);
  }

  /** The identity behind a bearer token, or null when unknown or expired. */
  verify(token: string | undefined | null): Identity | null {
    if (!token || token.length > 200) return null;
    const digest = tokenDigest(token);
    const now = this.now();
    const hit = this.cache.get(digest);
    if (hit) {
      if (hit.expiresAt <= now) {
        this.cache.delete(digest);
        return null;
      }
      // Re-read the row now and then, so a session revoked by another process (the hub CLI) ends.
      if (hit.checkedAt + CACHE_RECHECK_MS > now) return hit.identity;
      this.cache.delete(digest);
    }
    const row = this.db
      .prepare('SELECT role, subject_id, branch_id, counter_id, expires_at, pin_change_only FROM session WHERE token_hash = ?')
      .get(digest) as { role: Role; subject_id: string; branch_id: string; counter_id: number | null; expires_at: string; pin_change_only: number } | undefined;
    if (!row) return null;
    const expiresAt = Date.parse(row.expires_at);
    if (expiresAt <= now) return null;
    const identity: Identity = {
      role: row.role,
      subjectId: row.subject_id,
      branchId: row.branch_id,
      counterId: row.counter_id,
      sessionId: digest,
      expiresAt,
      ...(row.pin_change_only === 1 ? { pinChangeOnly: true } : {}),
    };
    this.cache.set(digest, { identity, expiresAt, checkedAt: now });
    return identity;
  }

  /** Resolves a request's bearer token and checks its role (and that its PIN need not be changed first). */
  require(authorization: string | undefined, roles: readonly Role[], duringPinChange = false): Identity {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const identity = this.verify(m?.[1]);
    if (!identity) throw unauthenticated();
    if (!roles.includes(identity.role)) throw forbidden('role_not_allowed', `this needs the role ${roles.join(' or ')}`, { roles: roles.join(',') });
    if (identity.pinChangeOnly && !duringPinChange) throw forbidden('pin_change_required', 'change your PIN first (POST /api/v1/auth/change-pin)');
    return identity;
  }

  private async staffIdentity(req: Extract<LoginRequest, { staffId: string }>) {
    const row = this.db
      .prepare('SELECT id, branch_id, name, role, pin_hash, counter_id, must_change_pin FROM staff WHERE id = ? AND active = 1')
      .get(req.staffId) as
      | { id: string; branch_id: string; name: string; role: 'manager' | 'teller' | 'admin'; pin_hash: string; counter_id: number | null; must_change_pin: number }
      | undefined;
    // Verify against a dummy hash for unknown ids so timing does not reveal which ids exist.
    const ok = await verifySecret(req.pin, row?.pin_hash ?? DUMMY_HASH);
    if (!row || !ok) return null;
    let counterId: number | null = null;
    if (row.role === 'teller') {
      counterId = req.counterId ?? row.counter_id;
      if (counterId === null) throw invalid('counter_required', 'counterId: a teller signs in at a counter');
      const counter = this.db.prepare('SELECT id FROM counter WHERE id = ? AND branch_id = ?').get(counterId, row.branch_id);
      if (!counter) throw invalid('unknown_counter', `counterId: no counter ${counterId} in this branch`, { counterId });
    }
    return { role: row.role as Role, subjectId: row.id, branchId: row.branch_id, counterId, displayName: row.name, mustChangePin: row.must_change_pin === 1 };
  }

  private async deviceIdentity(req: Extract<LoginRequest, { deviceId: string }>) {
    const row = this.db
      .prepare('SELECT id, branch_id, kind, secret_hash FROM device WHERE id = ? AND active = 1')
      .get(req.deviceId) as { id: string; branch_id: string; kind: 'kiosk' | 'display'; secret_hash: string } | undefined;
    const ok = await verifySecret(req.secret, row?.secret_hash ?? DUMMY_HASH);
    if (!row || !ok) return null;
    return { role: row.kind as Role, subjectId: row.id, branchId: row.branch_id, counterId: null, displayName: row.id, mustChangePin: false };
  }
}

// scrypt hash of a random string nobody knows; used only to spend the same time on unknown ids.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$7m2wq0v3cXU3o5m5o1mX0m7mE2b3oWc0Zc5n0b9f0xQ';
