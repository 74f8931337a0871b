/**
 * Branch notices for the lobby display's marquee (docs/API.md "Branch notices"). Managers and
 * admins add, edit, reorder and remove them (each change audited, before and after); every
 * signed-in screen may read the ones showing now. Whenever the list showing changes — an edit, or a
 * notice's start or end time passing (a timer, from the hub's scheduler, set for the next one) —
 * every connected screen is told (`notices:changed`).
 * Texts are checked by the domain schema (domain/notices.ts): both languages, length limits, and
 * nothing that looks like a phone, bank card or resident ID number.
 */
import { randomUUID } from 'node:crypto';
import type { AuditAction } from '../../domain/contracts';
import type { Db } from '../db/open';
import type { Identity } from '../auth/sessions';
import type { Journal } from '../journal';
import { conflict, HubError, notFound } from '../errors';
import type { Announcer } from '../broadcast';
import type { Scheduled, Scheduler } from '../lifecycle';
import {
  MAX_NOTICES,
  activeNotices,
  nextNoticeChange,
  noticeState,
  type ActiveNotices,
  type BranchNotice,
  type NoticeSource,
  type PublicNotice,
} from '../../domain/notices';

interface NoticeRow {
  id: string;
  text_zh: string;
  text_en: string;
  starts_at: number | null;
  ends_at: number | null;
  sort_order: number;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string;
  source: NoticeSource;
}

/** A notice as validated by NoticeInputSchema (its output). */
export interface NoticeValues {
  text: { 'zh-CN': string; en: string };
  startsAt: string | null;
  endsAt: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
/** A boundary further away than this is re-checked after this long. */
const MAX_TIMER_MS = 6 * 3600_000;

export class Notices {
  private timer: Scheduled | null = null;
  private readonly s;

  constructor(
    private readonly db: Db,
    private readonly branchId: string,
    private readonly journal: Journal,
    private readonly now: () => number,
    private readonly announcer: Announcer,
    private readonly scheduler: Scheduler,
  ) {
    this.s = {
      live: db.prepare('SELECT * FROM branch_notice WHERE branch_id = ? AND removed_at IS NULL ORDER BY sort_order, created_at, id'),
      get: db.prepare('SELECT * FROM branch_notice WHERE id = ? AND branch_id = ? AND removed_at IS NULL'),
      insert: db.prepare(
        `INSERT INTO branch_notice (id, branch_id, text_zh, text_en, starts_at, ends_at, sort_order, created_at, created_by, updated_at, updated_by)
         VALUES (@id, @branch_id, @text_zh, @text_en, @starts_at, @ends_at,
           (SELECT COALESCE(MAX(sort_order), 0) + 1 FROM branch_notice WHERE branch_id = @branch_id AND removed_at IS NULL),
           @at, @by, @at, @by)`,
      ),
      update: db.prepare(
        `UPDATE branch_notice SET text_zh = @text_zh, text_en = @text_en, starts_at = @starts_at, ends_at = @ends_at,
           updated_at = @at, updated_by = @by WHERE id = @id AND removed_at IS NULL`,
      ),
      remove: db.prepare('UPDATE branch_notice SET removed_at = ?, removed_by = ?, updated_at = ?, updated_by = ? WHERE id = ? AND removed_at IS NULL'),
      order: db.prepare('UPDATE branch_notice SET sort_order = ? WHERE id = ?'),
      insertPublished: db.prepare(
        `INSERT INTO branch_notice (id, branch_id, text_zh, text_en, starts_at, ends_at, sort_order, created_at, created_by, updated_at, updated_by, source)
         VALUES (@id, @branch_id, @text_zh, @text_en, @starts_at, @ends_at, @sort_order, @at, @by, @at, @by, 'head_office')`,
      ),
      removePublished: db.prepare(
        "UPDATE branch_notice SET removed_at = ?, removed_by = ?, updated_at = ?, updated_by = ? WHERE branch_id = ? AND source = 'head_office' AND removed_at IS NULL",
      ),
    };
  }

  private rows(): NoticeRow[] {
    return this.s.live.all(this.branchId) as NoticeRow[];
  }

  private view(r: NoticeRow, now: number): BranchNotice {
    const pub = this.publicOf(r);
    return {
      ...pub,
      source: r.source,
      order: r.sort_order,
      state: noticeState(pub, now),
      createdAt: new Date(r.created_at).toISOString(),
      createdBy: r.created_by,
      updatedAt: new Date(r.updated_at).toISOString(),
      updatedBy: r.updated_by,
    };
  }

  private publicOf(r: NoticeRow): PublicNotice {
    return { id: r.id, text: { 'zh-CN': r.text_zh, en: r.text_en }, startsAt: iso(r.starts_at), endsAt: iso(r.ends_at) };
  }

  /** Every notice not removed, in order, with its state now (managers, admins). */
  list(): { at: string; notices: BranchNotice[] } {
    const now = this.now();
    return { at: new Date(now).toISOString(), notices: this.rows().map((r) => this.view(r, now)) };
  }

  /** The notices showing now, in order (any signed-in screen). */
  active(): ActiveNotices {
    const now = this.now();
    return { at: new Date(now).toISOString(), notices: activeNotices(this.rows().map((r) => this.publicOf(r)), now) };
  }

  create(input: NoticeValues, who: Identity): BranchNotice {
    const at = this.now();
    this.checkEnd(input, at);
    const id = randomUUID();
    this.db.transaction(() => {
      // Head office's count too: the display shows them all, and an order lists them all.
      if (this.rows().length >= MAX_NOTICES) throw conflict('too_many_notices', `a branch has at most ${MAX_NOTICES} notices: remove one first`, { max: MAX_NOTICES });
      this.s.insert.run({ id, branch_id: this.branchId, ...this.columns(input), at, by: who.subjectId });
      this.audit(who, 'notice.create', id, { after: input });
    })();
    this.changed();
    return this.view(this.s.get.get(id, this.branchId) as NoticeRow, at);
  }

  update(id: string, input: NoticeValues, who: Identity): BranchNotice {
    const at = this.now();
    this.checkEnd(input, at);
    this.db.transaction(() => {
      const before = this.ownNotice(id);
      this.s.update.run({ id, ...this.columns(input), at, by: who.subjectId });
      const { text, startsAt, endsAt } = this.publicOf(before);
      this.audit(who, 'notice.update', id, { before: { text, startsAt, endsAt }, after: input });
    })();
    this.changed();
    return this.view(this.s.get.get(id, this.branchId) as NoticeRow, at);
  }

  remove(id: string, who: Identity): void {
    const at = this.now();
    this.db.transaction(() => {
      const before = this.ownNotice(id);
      this.s.remove.run(at, who.subjectId, at, who.subjectId, id);
      const { text, startsAt, endsAt } = this.publicOf(before);
      this.audit(who, 'notice.remove', id, { before: { text, startsAt, endsAt } });
    })();
    this.changed();
  }

  /** New order: exactly the ids of the current notices, each once. */
  reorder(ids: readonly string[], who: Identity): BranchNotice[] {
    this.db.transaction(() => {
      const current = this.rows().map((r) => r.id);
      const wanted = new Set(ids);
      if (ids.length !== current.length || current.some((id) => !wanted.has(id))) {
        throw conflict('notice_order_mismatch', 'the order must list every current notice once (reload the list and try again)');
      }
      ids.forEach((id, i) => this.s.order.run(i + 1, id));
      this.audit(who, 'notice.reorder', 'notices', { before: current, after: ids });
    })();
    this.changed();
    return this.list().notices;
  }

  /** A notice of the branch's own, to edit or remove; one head office published changes only with its next bundle. */
  private ownNotice(id: string): NoticeRow {
    const row = this.s.get.get(id, this.branchId) as NoticeRow | undefined;
    if (!row) throw notFound('notice_not_found', 'notice not found');
    if (row.source === 'head_office') {
      throw conflict('head_office_notice', 'this notice was published by head office: it changes with head office\'s next bundle', { id });
    }
    return row;
  }

  /**
   * Why a bundle's notices cannot run here (null: they can): with the branch's own, at most
   * MAX_NOTICES in all.
   */
  checkPublished(count: number): string | null {
    const own = this.rows().filter((r) => r.source === 'branch').length;
    return own + count > MAX_NOTICES
      ? `notices: this branch has ${own} notices of its own; with the bundle's ${count} it would have more than ${MAX_NOTICES}`
      : null;
  }

  /**
   * Replaces head office's notices with a bundle's (after the branch's own, in the bundle's order).
   * Call inside the bundle's transaction, then `published()` once it committed.
   */
  replacePublished(values: readonly NoticeValues[], at: number): void {
    this.s.removePublished.run(at, 'head-office', at, 'head-office', this.branchId);
    const last = this.rows().reduce((m, r) => Math.max(m, r.sort_order), 0);
    values.forEach((v, i) => this.s.insertPublished.run({ id: randomUUID(), branch_id: this.branchId, ...this.columns(v), sort_order: last + i + 1, at, by: 'head-office' }));
  }

  /** Head office's notices changed (a bundle committed): the screens are told. */
  published(): void {
    this.changed();
  }

  /** Arms the timer for the next start or end time; called again after every change. */
  schedule(): void {
    this.timer?.cancel();
    this.timer = null;
    const now = this.now();
    const next = nextNoticeChange(this.rows().map((r) => this.publicOf(r)), now);
    if (next === null) return;
    // A few ms late so the boundary has passed by the clock the list is computed with.
    this.timer = this.scheduler.after(Math.min(next - now + 5, MAX_TIMER_MS), () => this.changed());
  }

  /** The list showing may have changed: tell the screens, re-arm the timer. Never throws. */
  private changed(): void {
    this.announcer.tell((b) => b.noticesChanged(this.active()));
    // Re-armed whatever became of telling the screens.
    this.announcer.tell(() => this.schedule());
  }

  /** A notice ending before now would never show: refused rather than stored silently. */
  private checkEnd(input: NoticeValues, now: number): void {
    if (input.endsAt !== null && Date.parse(input.endsAt) <= now) {
      throw new HubError('validation_failed', 'endsAt: the end is already past', {
        reason: 'notice_end_past',
        details: [{ path: 'endsAt', message: 'the end is already past' }],
      });
    }
  }

  private columns(input: NoticeValues) {
    return {
      text_zh: input.text['zh-CN'],
      text_en: input.text.en,
      starts_at: input.startsAt === null ? null : Date.parse(input.startsAt),
      ends_at: input.endsAt === null ? null : Date.parse(input.endsAt),
    };
  }

  private audit(who: Identity, action: AuditAction, id: string, detail: Record<string, unknown>): void {
    this.journal.auditBy(this.branchId, who, action, id === 'notices' ? 'notices' : `notice:${id}`, detail);
  }
}

/** The demo branch's notices (created with the demo data only). */
export const DEMO_NOTICES: readonly NoticeValues[] = [
  {
    text: { 'zh-CN': '欢迎光临本网点！取号后请留意屏幕和语音叫号', en: 'Welcome! After taking a ticket, please watch this screen and listen for your number' },
    startsAt: null,
    endsAt: null,
  },
  {
    text: { 'zh-CN': '营业时间以网点门口公告为准，节假日营业时间另行通知', en: 'Opening hours are posted at the branch entrance; holiday hours are announced separately' },
    startsAt: null,
    endsAt: null,
  },
  {
    text: { 'zh-CN': '请妥善保管银行卡和密码，任何人索要验证码都是诈骗', en: 'Keep your card and PIN safe: anyone asking for your verification code is a fraudster' },
    startsAt: null,
    endsAt: null,
  },
];

/** Adds the demo notices to a freshly seeded demo branch (by `system`). */
export function seedDemoNotices(db: Db, branchId: string, at: number): void {
  const insert = db.prepare(
    `INSERT INTO branch_notice (id, branch_id, text_zh, text_en, starts_at, ends_at, sort_order, created_at, created_by, updated_at, updated_by)
     VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, 'system', ?, 'system')`,
  );
  db.transaction(() => DEMO_NOTICES.forEach((n, i) => insert.run(randomUUID(), branchId, n.text['zh-CN'], n.text.en, i + 1, at, at)))();
}
