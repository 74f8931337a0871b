/**
 * The hub's two append-only logs: the event log (every queue change, with an increasing offset
 * that clients can resume from) and the audit log (who saw or decided what, when, from where).
 */
import type { AuditAction, AuditEntry, Role } from '../domain/contracts';
import type { Db } from './db/open';

export interface AuditRecord {
  branchId: string;
  actor: string;
  role: Role | 'system';
  device?: string | null;
  action: AuditAction;
  subject: string;
  detail?: Record<string, unknown>;
}

export class Journal {
  private readonly insertEvent;
  private readonly insertAudit;
  private readonly lastOffset;

  constructor(
    readonly db: Db,
    private readonly now: () => number,
  ) {
    this.insertEvent = db.prepare('INSERT INTO event_log (branch_id, type, payload_json, at) VALUES (?, ?, ?, ?)');
    this.insertAudit = db.prepare(
      'INSERT INTO audit_log (at, branch_id, actor, role, device, action, subject, detail_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.lastOffset = db.prepare("SELECT COALESCE(MAX(offset), 0) AS o FROM event_log WHERE branch_id = ?");
  }

  /** Appends an event and returns its offset. Call inside the transaction that made the change. */
  event(branchId: string, type: string, payload: Record<string, unknown>): number {
    return Number(this.insertEvent.run(branchId, type, JSON.stringify(payload), this.now()).lastInsertRowid);
  }

  latestOffset(branchId: string): number {
    return (this.lastOffset.get(branchId) as { o: number }).o;
  }

  audit(r: AuditRecord): void {
    this.insertAudit.run(this.now(), r.branchId, r.actor, r.role, r.device ?? null, r.action, r.subject, JSON.stringify(r.detail ?? {}));
  }

  /** An audit row for what a signed-in person or device did (actor, role and device from the identity). */
  auditBy(branchId: string, who: { subjectId: string; role: Role; device?: string | null }, action: AuditAction, subject: string, detail: Record<string, unknown> = {}): void {
    this.audit({ branchId, actor: who.subjectId, role: who.role, device: who.device ?? null, action, subject, detail });
  }

  /** Several audit rows in one transaction (one disk sync). */
  auditAll(records: readonly AuditRecord[]): void {
    if (records.length === 0) return;
    this.db.transaction(() => records.forEach((r) => this.audit(r)))();
  }

  /**
   * The audit log newest first: `limit` entries before id `before`, optionally only between two
   * instants and only actions starting with `action` (e.g. "auth." or "customer_card.view").
   */
  listAudit(branchId: string, limit: number, before?: number, filter: AuditFilter = {}): AuditEntry[] {
    const rows = this.db
      .prepare(
        `SELECT id, at, actor, role, device, action, subject, detail_json FROM audit_log
         WHERE branch_id = @branch AND id < @before AND at >= @from AND at < @to AND action LIKE @action ESCAPE '\\'
         ORDER BY id DESC LIMIT @limit`,
      )
      .all({
        branch: branchId,
        before: before ?? Number.MAX_SAFE_INTEGER,
        from: filter.fromMs ?? 0,
        to: filter.toMs ?? Number.MAX_SAFE_INTEGER,
        action: `${(filter.action ?? '').replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
        limit,
      }) as AuditRow[];
    return rows.map(toEntry);
  }
}

export interface AuditFilter {
  fromMs?: number;
  toMs?: number;
  /** Actions starting with this. */
  action?: string;
}

interface AuditRow {
  id: number;
  at: number;
  actor: string;
  role: Role;
  device: string | null;
  action: AuditAction;
  subject: string;
  detail_json: string;
}

function toEntry(r: AuditRow): AuditEntry {
  return {
    id: r.id,
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    role: r.role,
    device: r.device,
    action: r.action,
    subject: r.subject,
    detail: JSON.parse(r.detail_json) as Record<string, unknown>,
  };
}
