/**
 * Retention purge of visit-linked data: tickets, offer decisions and responses,
 * green-channel routings and anything else that references a ticket go after the branch's
 * retention period; the audit log stays. (The daily run is a job of the hub's Lifecycle: tests/unit/hub/lifecycle.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CreateTicketRequestSchema } from '../../../src-main/domain/contracts';
import type { Branch } from '../../../src-main/hub/branch';
import type { Db } from '../../../src-main/hub/db/open';
import { openDemoDatabase, type DemoDatabase } from '../../../src-main/hub/demo/demo-database';
import { CustomerDirectory } from '../../../src-main/hub/visits/customer-directory';
import { TicketStore } from '../../../src-main/hub/queue/ticket-store';
import { Journal } from '../../../src-main/hub/journal';
import { Visits } from '../../../src-main/hub/visits/visits';

const DAY = 86_400_000;
let dir: string;
let demo: DemoDatabase;
let db: Db;
let clock: number;
let branch: Branch;
let desk: TicketStore;
let customers: CustomerDirectory;
let journal: Journal;
let marketing: Visits;
const kiosk = { role: 'kiosk' as const, subjectId: 'kiosk-01', branchId: 'demo-001', counterId: null };
const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lobby-retention-'));
  clock = Date.parse('2026-01-10T02:00:00Z');
  demo = await openDemoDatabase(dir, { today: '2026-01-10', customers: 20 });
  db = demo.db;
  branch = demo.branch;
  journal = new Journal(db, () => clock);
  customers = new CustomerDirectory(db, branch, demo.key);
  desk = new TicketStore(db, branch, customers, journal, () => clock, () => 'http://x');
  marketing = new Visits(db, branch, desk, customers, journal, () => clock);
});
afterEach(() => {
  demo.close();
  rmSync(dir, { recursive: true, force: true });
});

const cardOf = (phone: string) =>
  demo.key.open(
    (db.prepare("SELECT k.card_sealed FROM card k JOIN customer c ON c.id = k.customer_id WHERE c.phone_lookup = ? ORDER BY k.kind = 'debit' DESC LIMIT 1").get(demo.key.lookup('phone', phone)) as { card_sealed: Buffer }).card_sealed,
  );
const issue = (phone?: string) =>
  desk.issue(
    CreateTicketRequestSchema.parse({
      serviceCode: 'A',
      requestId: `r-${Math.random().toString(36).slice(2, 12)}`,
      // The customer's card read at the kiosk (a trusted identification: green channel, full card).
      ...(phone ? { identity: { kind: 'card', value: cardOf(phone), method: 'reader' } } : {}),
    }),
    kiosk,
  ).row;

describe('retention purge', () => {
  it('deletes visit-linked data older than retentionDays (180) and keeps newer visits and the audit log', () => {
    const old1 = issue('13800000001'); // green channel + decision
    const old2 = issue('13800000004');
    issue();
    const offer = (JSON.parse((db.prepare('SELECT offers_json FROM offer_decision WHERE ticket_id = ?').get(old2.id) as { offers_json: string }).offers_json) as { productCode: string }[])[0]!;
    customers.recordOutcome(old2.id, offer.productCode, 'declined', undefined, 'm01', clock);
    journal.audit({ branchId: branch.id, actor: 'm01', role: 'manager', action: 'customer_card.view', subject: `ticket:${old1.id}` });
    const decision2 = (db.prepare('SELECT id FROM offer_decision WHERE ticket_id = ?').get(old2.id) as { id: number }).id;
    db.prepare("INSERT INTO conversion (customer_id, product_code, opened_on, decision_id, imported_at, imported_by) VALUES (4, 'WM-R2', '2026-01-20', ?, 1, 'admin')").run(decision2);
    const auditBefore = count('audit_log');

    clock += 100 * DAY;
    const recent = issue('13800000003');
    expect(marketing.purge().deleted.ticket).toBe(0); // nothing is old enough yet

    clock += 81 * DAY; // the first day is now 181 days ago
    const r = marketing.purge();
    expect(r.cutoff).toBe('2026-01-11');
    expect(r.deleted).toMatchObject({ ticket: 3, offer_decision: 2, green_channel_routing: 1 });
    expect(r.deleted.offer_outcome).toBeGreaterThanOrEqual(4); // shown x3 + declined
    expect(db.prepare('SELECT id FROM ticket').all()).toEqual([{ id: recent.id }]);
    expect(count('offer_decision')).toBe(1);
    // imported conversions are core-banking facts: kept, unlinked from the purged visit
    expect(db.prepare('SELECT customer_id, decision_id FROM conversion').all()).toEqual([{ customer_id: 4, decision_id: null }]);
    expect(count('audit_log')).toBe(auditBefore + 1);
    expect(db.prepare("SELECT action, actor FROM audit_log ORDER BY id DESC LIMIT 1").get()).toEqual({ action: 'retention.purge', actor: 'system' });
    expect(marketing.purge().deleted.ticket).toBe(0); // idempotent
  });

  it('the period is branch configuration', () => {
    issue('13800000002');
    clock += 31 * DAY;
    expect(marketing.purge().deleted.ticket).toBe(0);
    const short = { ...branch, rules: { ...branch.rules, retentionDays: 30 } };
    const m = new Visits(db, short, desk, customers, journal, () => clock);
    expect(m.purge().deleted.ticket).toBe(1);
  });

  it('closes decisions of visits that lapsed: unanswered offers get a no_response once', () => {
    const t = issue('13800000004');
    const shown = count('offer_outcome');
    clock += DAY; // the ticket was never served and its day is over
    expect(marketing.closeEndedVisits()).toBe(shown);
    expect((db.prepare("SELECT count(*) AS n FROM offer_outcome WHERE outcome = 'no_response'").get() as { n: number }).n).toBe(shown);
    expect(marketing.closeEndedVisits()).toBe(0);
    expect(db.prepare('SELECT closed_at FROM offer_decision WHERE ticket_id = ?').get(t.id)).toEqual({ closed_at: clock });
  });
});
