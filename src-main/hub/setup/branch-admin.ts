/**
 * The admin screen's Staff, Branch and Data feeds tabs: staff added, changed, disabled and given
 * a new initial PIN; the branch's set-up (services, counters, rules) edited as its branch file
 * with the same checks, diff and audit as `hub.js setup`; the imports of the warehouse feed, live
 * and past. Every change is in the audit log with before and after.
 */
import { stringify } from 'yaml';
import type {
  AddStaffRequest,
  BranchSetupCheckResponse,
  BranchSetupResponse,
  FeedsResponse,
  StaffInfo,
  StaffPinResponse,
  UpdateStaffRequest,
} from '../../domain/contracts';
import type { FeedRunInfo } from '../../domain/feed';
import { DEFAULT_BRANCH_RULES } from '../../domain/branch-config';
import type { Db } from '../db/open';
import { branchRevision, type Branch } from '../branch';
import type { Identity, Sessions } from '../auth/sessions';
import { hashSecret } from '../auth/secrets';
import type { Journal } from '../journal';
import { conflict, invalid, notFound } from '../errors';
import { liveSnapshot } from '../customers/snapshot';
import { randomPin } from '../pins';
import { applySetup, planSetup, readBranchFile } from './branch-setup';

interface StaffRow {
  id: string;
  name: string;
  role: 'manager' | 'teller' | 'admin';
  counter_id: number | null;
  active: number;
  must_change_pin: number;
  pin_changed_at: number | null;
  sessions: number;
}

export class BranchAdmin {
  constructor(
    private readonly db: Db,
    private readonly branch: Branch,
    private readonly sessions: Sessions,
    private readonly journal: Journal,
    private readonly now: () => number,
    /** The set-up changed: read the branch again, tier under new rules, tell the screens. */
    private readonly onSetupChanged: () => Promise<void>,
  ) {}

  // ------------------------------------------------------------ staff

  private row(id: string): StaffRow | undefined {
    return this.db
      .prepare(
        `SELECT s.id, s.name, s.role, s.counter_id, s.active, s.must_change_pin, s.pin_changed_at,
           (SELECT count(*) FROM session x WHERE x.subject_id = s.id AND x.role = s.role AND x.expires_at > ?) AS sessions
         FROM staff s WHERE s.id = ? AND s.branch_id = ?`,
      )
      .get(new Date(this.now()).toISOString(), id, this.branch.id) as StaffRow | undefined;
  }

  private static info(r: StaffRow): StaffInfo {
    return {
      id: r.id,
      name: r.name,
      role: r.role,
      counterId: r.counter_id,
      active: r.active === 1,
      mustChangePin: r.must_change_pin === 1,
      pinChangedAt: r.pin_changed_at === null ? null : new Date(r.pin_changed_at).toISOString(),
      signedIn: r.sessions > 0,
    };
  }

  staffList(): StaffInfo[] {
    const ids = this.db.prepare('SELECT id FROM staff WHERE branch_id = ? ORDER BY active DESC, role, id').pluck().all(this.branch.id) as string[];
    return ids.map((id) => ({ ...BranchAdmin.info(this.row(id)!), locked: this.sessions.isLocked(id) }));
  }

  private checkCounter(role: string, counterId: number | null | undefined): void {
    if (counterId == null) return;
    if (role !== 'teller') throw invalid('not_a_teller', 'counterId: only a teller has a usual counter');
    if (!this.branch.counterById.has(counterId)) throw notFound('counter_not_found', `counterId: no counter ${counterId}`, { counterId });
  }

  addStaff(req: AddStaffRequest, who: Identity): StaffPinResponse {
    if (this.db.prepare('SELECT 1 FROM staff WHERE id = ?').get(req.id)) throw conflict('staff_exists', `staff id ${req.id} is taken`, { staffId: req.id });
    this.checkCounter(req.role, req.counterId);
    const pin = randomPin();
    const hash = hashSecret(pin);
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO staff (id, branch_id, name, role, pin_hash, counter_id, active, must_change_pin) VALUES (?, ?, ?, ?, ?, ?, 1, 1)')
        .run(req.id, this.branch.id, req.name, req.role, hash, req.counterId ?? null);
      this.journal.auditBy(this.branch.id, who, 'staff.add', `staff:${req.id}`, { after: { name: req.name, role: req.role, counterId: req.counterId ?? null } });
    })();
    return { staff: BranchAdmin.info(this.row(req.id)!), pin };
  }

  updateStaff(id: string, req: UpdateStaffRequest, who: Identity): StaffInfo {
    const before = this.row(id);
    if (!before) throw notFound('staff_not_found', `no staff member ${id}`, { staffId: id });
    const role = req.role ?? before.role;
    const counterId = req.counterId !== undefined ? req.counterId : role === 'teller' ? before.counter_id : null;
    this.checkCounter(role, counterId);
    const active = req.active ?? before.active === 1;
    if ((!active || role !== 'admin') && before.role === 'admin' && before.active === 1) {
      if (id === who.subjectId) throw conflict('own_account', 'you cannot disable yourself or take away your own admin role');
      const admins = this.db.prepare("SELECT count(*) FROM staff WHERE branch_id = ? AND role = 'admin' AND active = 1").pluck().get(this.branch.id) as number;
      if (admins <= 1) throw conflict('last_admin', 'the branch needs at least one active admin');
    }
    const after = { name: req.name ?? before.name, role, counterId, active };
    this.db.transaction(() => {
      this.db.prepare('UPDATE staff SET name = ?, role = ?, counter_id = ?, active = ? WHERE id = ?').run(after.name, role, counterId, active ? 1 : 0, id);
      this.journal.auditBy(this.branch.id, who, active ? 'staff.update' : 'staff.disable', `staff:${id}`, {
        before: { name: before.name, role: before.role, counterId: before.counter_id, active: before.active === 1 },
        after,
      });
    })();
    // Disabled, or a new role: their sessions end now (a session carries the role it was opened with).
    if (!active || role !== before.role) this.sessions.revokeStaff(id);
    return BranchAdmin.info(this.row(id)!);
  }

  resetPin(id: string, who: Identity): StaffPinResponse {
    const before = this.row(id);
    if (!before) throw notFound('staff_not_found', `no staff member ${id}`, { staffId: id });
    const pin = randomPin();
    const hash = hashSecret(pin);
    this.db.transaction(() => {
      this.db.prepare('UPDATE staff SET pin_hash = ?, must_change_pin = 1 WHERE id = ?').run(hash, id);
      this.journal.auditBy(this.branch.id, who, 'staff.reset_pin', `staff:${id}`, {});
    })();
    this.sessions.revokeStaff(id);
    return { staff: BranchAdmin.info(this.row(id)!), pin };
  }

  // ------------------------------------------------------------ the set-up as a branch file

  setupText(): BranchSetupResponse {
    const b = this.branch;
    const links = (id: number) =>
      this.db.prepare('SELECT service_code AS code, weight FROM counter_service WHERE counter_id = ? ORDER BY weight DESC, service_code').all(id) as { code: string; weight: number }[];
    const doc = {
      branch: { id: b.id, name: b.name, timeZone: b.rules.timeZone, defaultLanguage: b.rules.defaultLanguage },
      services: b.services.map((s) => ({ code: s.code, prefix: s.prefix, name: s.name, vipOnly: s.vipOnly })),
      counters: b.counters.map((c) => ({ id: c.id, name: c.name, vip: c.vip, services: links(c.id) })),
      rules: changedRules(b.rules, DEFAULT_BRANCH_RULES),
    };
    const head = '# The branch set-up (docs/SETUP.md): services, counters and the rules that differ from the defaults.\n# Staff and devices have their own tabs.\n';
    return { yaml: head + stringify(doc, { lineWidth: 120 }), revision: branchRevision(this.db, b.id) };
  }

  checkSetup(yaml: string): BranchSetupCheckResponse {
    return this.plan(yaml, false, null);
  }

  async applySetup(yaml: string, revision: number | undefined, who: Identity): Promise<BranchSetupCheckResponse> {
    const current = branchRevision(this.db, this.branch.id);
    if (revision !== undefined && revision !== current) {
      throw conflict('setup_changed', 'the set-up was changed meanwhile (by someone else or the command line): reload it and apply your change again');
    }
    const r = this.plan(yaml, true, who);
    if (r.applied) await this.onSetupChanged();
    return { ...r, revision: branchRevision(this.db, this.branch.id) };
  }

  private plan(yaml: string, apply: boolean, who: Identity | null): BranchSetupCheckResponse {
    const revision = branchRevision(this.db, this.branch.id);
    const read = readBranchFile(yaml, { people: false });
    if (!read.ok) return { ok: false, issues: read.issues, changes: [], refusals: [], applied: false, revision };
    if (read.file.branch.id !== this.branch.id) {
      return { ok: false, issues: [{ path: 'branch.id', line: null, message: `this hub runs branch ${this.branch.id}` }], changes: [], refusals: [], applied: false, revision };
    }
    const plan = planSetup(this.db, read.file, read.rules, { people: false });
    const ok = plan.refusals.length === 0;
    const applied = apply && ok && plan.changes.length > 0;
    if (applied) applySetup(this.db, plan, { actor: who!.subjectId, role: 'admin', device: who!.device ?? null }, this.now());
    return { ok, issues: [], changes: plan.changes, refusals: plan.refusals, applied, revision };
  }

  // ------------------------------------------------------------ feeds

  feeds(): FeedsResponse {
    const live = liveSnapshot(this.db, this.branch.id);
    const rows = this.db
      .prepare('SELECT * FROM feed_run WHERE branch_id = ? ORDER BY id DESC LIMIT 50')
      .all(this.branch.id) as FeedRunRow[];
    const runs = rows.map(feedRunInfo);
    const customers = (() => {
      try {
        return this.db.prepare('SELECT count(*) FROM customer').pluck().get() as number;
      } catch {
        return 0;
      }
    })();
    return {
      live: live ? { feedId: live.feedId, asOf: live.asOf, switchedAt: new Date(live.switchedAt).toISOString(), customers } : null,
      running: runs.find((r) => r.status === 'running') ?? null,
      history: runs.filter((r) => r.status !== 'running'),
    };
  }
}

interface FeedRunRow {
  id: number;
  feed_id: string;
  as_of: string | null;
  mode: 'full' | 'delta' | null;
  status: FeedRunInfo['status'];
  started_at: number;
  finished_at: number | null;
  started_by: string;
  progress_json: string;
  counts_json: string;
  rows_read: number;
  rejected: number;
  rejects_file: string | null;
  reason: string | null;
}

function feedRunInfo(r: FeedRunRow): FeedRunInfo {
  const progress = JSON.parse(r.progress_json) as Partial<NonNullable<FeedRunInfo['progress']>>;
  return {
    id: r.id,
    feedId: r.feed_id,
    asOf: r.as_of,
    mode: r.mode,
    status: r.status,
    startedAt: new Date(r.started_at).toISOString(),
    finishedAt: r.finished_at === null ? null : new Date(r.finished_at).toISOString(),
    startedBy: r.started_by,
    progress: r.status === 'running' ? { file: progress.file ?? null, rows: progress.rows ?? 0, totalRows: progress.totalRows ?? 0, percent: progress.percent ?? 0 } : null,
    counts: JSON.parse(r.counts_json) as Record<string, number>,
    rowsRead: r.rows_read,
    rejected: r.rejected,
    rejectsFile: r.rejects_file,
    reason: r.reason,
    durationMs: r.finished_at === null ? null : r.finished_at - r.started_at,
  };
}

/** The parts of `rules` that differ from `base` (what a branch file needs to say). */
function changedRules(rules: unknown, base: unknown): unknown {
  if (typeof rules === 'object' && rules !== null && !Array.isArray(rules) && typeof base === 'object' && base !== null && !Array.isArray(base)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rules)) {
      if (k === 'timeZone' || k === 'defaultLanguage') continue;
      const d = changedRules(v, (base as Record<string, unknown>)[k]);
      if (d !== undefined) out[k] = d;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return JSON.stringify(rules) === JSON.stringify(base) ? undefined : rules;
}
