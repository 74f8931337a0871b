/**
 * Kiosks and lobby displays of the branch (docs/INSTALL.md "Pair the kiosks and displays", docs/API.md "Devices"):
 * branch IT pairs each kiosk and lobby display with the hub. Pairing creates the device with a
 * generated secret (24 random bytes, base64url) that is returned ONCE and stored only as a scrypt
 * hash; re-keying replaces the secret (the old one and every session signed in with it stop
 * working; a retired device is brought back); retiring stops the device signing in and ends its
 * sessions. Used by the admin HTTP routes and by the hub CLI on the data directory. Every change is
 * audited, never with the secret.
 */
import type { AuditAction, DeviceInfo, PairDeviceRequest } from '../../domain/contracts';
import type { Db } from '../db/open';
import type { Sessions } from '../auth/sessions';
import type { AuditRecord, Journal } from '../journal';
import { hashSecret, newToken } from '../auth/secrets';
import { conflict, notFound } from '../errors';
import { SILENT, type Announcer } from '../broadcast';

/** Who made a change: a signed-in admin, or branch IT at the hub machine's CLI. */
export interface DeviceActor {
  actor: string;
  role: AuditRecord['role'];
  device?: string | null;
}

interface DeviceRow {
  id: string;
  kind: 'kiosk' | 'display';
  location: string | null;
  active: number;
  last_sign_in: string | null;
  sessions: number;
}

const SECRET_BYTES = 24;

export class Devices {
  private readonly s;

  constructor(
    private readonly db: Db,
    private readonly branchId: string,
    private readonly sessions: Sessions,
    private readonly journal: Journal,
    private readonly now: () => number,
    /** Tells the screens a device's sessions ended (its open sockets are closed); nobody on the command line. */
    private readonly announcer: Pick<Announcer, 'tell'> = { tell: (fn) => fn(SILENT) },
  ) {
    const select = `SELECT d.id, d.kind, d.location, d.active,
        (SELECT MAX(s.created_at) FROM session s WHERE s.subject_id = d.id AND s.role = d.kind AND s.expires_at > @now) AS last_sign_in,
        (SELECT COUNT(*) FROM session s WHERE s.subject_id = d.id AND s.role = d.kind AND s.expires_at > @now) AS sessions
      FROM device d WHERE d.branch_id = @branch`;
    this.s = {
      list: db.prepare(`${select} ORDER BY d.kind, d.id`),
      get: db.prepare(`${select} AND d.id = @id`),
      anyBranch: db.prepare('SELECT branch_id FROM device WHERE id = ?'),
      insert: db.prepare('INSERT INTO device (id, branch_id, kind, secret_hash, active, location) VALUES (?, ?, ?, ?, 1, ?)'),
      rekey: db.prepare('UPDATE device SET secret_hash = ?, active = 1 WHERE id = ? AND branch_id = ?'),
      retire: db.prepare('UPDATE device SET active = 0 WHERE id = ? AND branch_id = ?'),
    };
  }

  list(): DeviceInfo[] {
    return (this.s.list.all({ branch: this.branchId, now: this.nowIso() }) as DeviceRow[]).map(toInfo);
  }

  get(id: string): DeviceInfo {
    const row = this.s.get.get({ branch: this.branchId, now: this.nowIso(), id }) as DeviceRow | undefined;
    if (!row) throw notFound('device_not_found', `device ${id} not found`, { deviceId: id });
    return toInfo(row);
  }

  /** Creates a device; the secret in the answer is never shown again. */
  pair(req: PairDeviceRequest, who: DeviceActor): { device: DeviceInfo; secret: string } {
    const secret = newToken(SECRET_BYTES);
    const hash = hashSecret(secret); // scrypt: outside the transaction
    this.db.transaction(() => {
      if (this.s.anyBranch.get(req.id)) throw conflict('device_exists', `device ${req.id} already exists; re-key it to give it a new secret`, { deviceId: req.id });
      this.s.insert.run(req.id, this.branchId, req.kind, hash, req.location ?? null);
      this.audit(who, 'device.pair', req.id, { kind: req.kind, ...(req.location ? { location: req.location } : {}) });
    })();
    return { device: this.get(req.id), secret };
  }

  /** A new secret for a device (also a retired one, which becomes active again); its sessions end. */
  rekey(id: string, who: DeviceActor): { device: DeviceInfo; secret: string } {
    const secret = newToken(SECRET_BYTES);
    const hash = hashSecret(secret);
    let revoked = 0;
    this.db.transaction(() => {
      const before = this.get(id);
      this.s.rekey.run(hash, id, this.branchId);
      revoked = this.sessions.revokeDevice(id);
      this.audit(who, 'device.rekey', id, { kind: before.kind, reactivated: !before.active, sessionsRevoked: revoked });
    })();
    if (revoked > 0) this.announcer.tell((b) => b.deviceRevoked(id));
    return { device: this.get(id), secret };
  }

  /** The device may no longer sign in; every session it has ends now. */
  retire(id: string, who: DeviceActor): { device: DeviceInfo; revoked: number } {
    let revoked = 0;
    this.db.transaction(() => {
      const before = this.get(id);
      this.s.retire.run(id, this.branchId);
      revoked = this.sessions.revokeDevice(id);
      this.audit(who, 'device.retire', id, { kind: before.kind, wasActive: before.active, sessionsRevoked: revoked });
    })();
    this.announcer.tell((b) => b.deviceRevoked(id));
    return { device: this.get(id), revoked };
  }

  private audit(who: DeviceActor, action: AuditAction, subject: string, detail: Record<string, unknown>): void {
    this.journal.audit({ branchId: this.branchId, actor: who.actor, role: who.role, device: who.device ?? null, action, subject, detail });
  }

  private nowIso(): string {
    return new Date(this.now()).toISOString();
  }
}

function toInfo(r: DeviceRow): DeviceInfo {
  return { id: r.id, kind: r.kind, location: r.location, active: r.active === 1, lastSignInAt: r.last_sign_in, sessions: r.sessions };
}
