/**
 * Bundles from head office, applied at the branch: the branch is the authority on what it runs.
 * A bundle is checked here (its shape, and the branch's own rules with the bundle laid over them,
 * including a green-channel destination this branch has, and room for its display notices beside
 * the branch's own) and applied in one transaction (the rules, head office's notices replaced, the
 * set-up's revision so a running hub follows, head office's product levers and campaigns, the
 * version run, an audit entry with every change); a bundle that does not check is refused with the
 * reason and the branch keeps running the last good one.
 */
import { BranchRulesSchema, type BranchRules } from '../../domain/branch-config';
import { BundleContentSchema, rulesWithBundle, type OfferedBundle } from '../../domain/head-office';
import type { Db } from '../db/open';
import type { Journal } from '../journal';
import type { NoticeValues } from '../notices/notices';
import { diffRules } from '../setup/branch-setup';

export type BundleOutcome = { applied: true; changes: string[] } | { applied: false; reason: string };

/** Where a bundle's display notices go (the hub's Notices). */
export interface PublishedNotices {
  checkPublished(count: number): string | null;
  replacePublished(values: readonly NoticeValues[], at: number): void;
  published(): void;
}

export class BundleApplier {
  private readonly s;

  constructor(
    private readonly db: Db,
    private readonly branchId: string,
    private readonly journal: Journal,
    private readonly now: () => number,
    /** The branch's notices (a getter: built after the link). */
    private readonly notices: () => PublishedNotices | null = () => null,
  ) {
    this.s = {
      running: db.prepare('SELECT MAX(version) FROM head_office_bundle').pluck(),
      rules: db.prepare('SELECT rules_json FROM branch WHERE id = ?').pluck(),
      service: db.prepare('SELECT 1 FROM service WHERE branch_id = ? AND code = ? AND active = 1'),
      counter: db.prepare('SELECT 1 FROM counter WHERE branch_id = ? AND id = ? AND active = 1'),
      setRules: db.prepare('UPDATE branch SET rules_json = ?, revision = revision + 1 WHERE id = ?'),
      record: db.prepare('INSERT INTO head_office_bundle (version, applied_at, content_json) VALUES (?, ?, ?)'),
      clearLevers: db.prepare('DELETE FROM head_office_product_lever'),
      putLever: db.prepare('INSERT INTO head_office_product_lever (code, lever, active) VALUES (?, ?, ?)'),
      clearCampaigns: db.prepare('DELETE FROM head_office_campaign'),
      putCampaign: db.prepare('INSERT INTO head_office_campaign (id, content_json) VALUES (?, ?)'),
    };
  }

  /** The version of the newest bundle applied here (null: none yet). */
  running(): number | null {
    return (this.s.running.get() as number | null) ?? null;
  }

  apply(offered: OfferedBundle): BundleOutcome {
    const content = BundleContentSchema.safeParse(offered.content);
    if (!content.success) return { applied: false, reason: content.error.issues.map((i) => `${i.path.join('.') || '(bundle)'}: ${i.message}`).join('; ') };
    const current = BranchRulesSchema.parse(JSON.parse(this.s.rules.get(this.branchId) as string)) as BranchRules;
    const merged = rulesWithBundle(current, content.data);
    if (!merged.success) return { applied: false, reason: merged.error.issues.map((i) => `rules.${i.path.join('.')}: ${i.message}`).join('; ') };
    const gc = merged.data.greenChannel;
    if (gc.enabled && !this.s.service.get(this.branchId, gc.destinationServiceCode)) {
      return { applied: false, reason: `rules.greenChannel.destinationServiceCode: this branch has no service "${gc.destinationServiceCode}"` };
    }
    if (gc.enabled && gc.destinationCounterId !== null && !this.s.counter.get(this.branchId, gc.destinationCounterId)) {
      return { applied: false, reason: `rules.greenChannel.destinationCounterId: this branch has no counter ${gc.destinationCounterId}` };
    }
    const notices = content.data.notices;
    const board = notices ? this.notices() : null;
    if (notices) {
      if (!board) return { applied: false, reason: 'notices: this branch cannot show notices' };
      const problem = board.checkPublished(notices.length);
      if (problem) return { applied: false, reason: problem };
    }
    const changes = diffRules(current, merged.data);
    if (notices) changes.push(`notices from head office: ${notices.length}`);
    const { products, campaigns } = content.data;
    if (products) changes.push(`product levers from head office: ${products.map((p) => `${p.code}${p.lever !== undefined ? ` lever ${p.lever}` : ''}${p.active === false ? ' held' : ''}`).join(', ') || 'none'}`);
    if (campaigns) changes.push(`campaigns from head office: ${campaigns.map((c) => `${c.id} (${c.startsOn}..${c.endsOn}, x${c.lever}: ${c.products.join(' ')})`).join(', ') || 'none'}`);
    const at = this.now();
    this.db.transaction(() => {
      if (notices) board!.replacePublished(notices, at);
      if (products) {
        this.s.clearLevers.run();
        for (const p of products) this.s.putLever.run(p.code, p.lever ?? null, p.active === undefined ? null : p.active ? 1 : 0);
      }
      if (campaigns) {
        this.s.clearCampaigns.run();
        for (const c of campaigns) this.s.putCampaign.run(c.id, JSON.stringify(c));
      }
      this.s.setRules.run(JSON.stringify(merged.data), this.branchId);
      this.s.record.run(offered.version, at, JSON.stringify(content.data));
      this.journal.audit({
        branchId: this.branchId,
        actor: 'head-office',
        role: 'system',
        action: 'branch.setup',
        subject: `branch:${this.branchId}`,
        detail: { source: 'head office bundle', bundleVersion: offered.version, changes, ...(notices ? { notices } : {}) },
      });
    })();
    if (notices) board!.published();
    return { applied: true, changes };
  }
}
