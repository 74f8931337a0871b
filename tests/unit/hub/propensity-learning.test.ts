/**
 * Propensity is learned from what was actually pitched: an offer left unanswered when the visit
 * ends (beyond the visit's pitch allowance, or simply not raised) is neither success nor failure;
 * an answer moves the estimate, shrunk towards the product's prior. The offer weights come from
 * the branch rules.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CreateTicketRequestSchema } from '../../../src-main/domain/contracts';
import type { Branch } from '../../../src-main/hub/branch';
import type { Db } from '../../../src-main/hub/db/open';
import { openDemoDatabase, type DemoDatabase } from '../../../src-main/hub/demo/demo-database';
import { Journal } from '../../../src-main/hub/journal';
import { TicketStore } from '../../../src-main/hub/queue/ticket-store';
import { CustomerDirectory, type CustomerRow } from '../../../src-main/hub/visits/customer-directory';

let dir: string;
let demo: DemoDatabase;
let db: Db;
let branch: Branch;
let customers: CustomerDirectory;
let tickets: TicketStore;
const clock = Date.parse('2026-03-02T02:00:00Z');
const kiosk = { role: 'kiosk' as const, subjectId: 'kiosk-01', branchId: 'demo-001', counterId: null };
const teller = { role: 'teller' as const, subjectId: 't01', branchId: 'demo-001', counterId: 1 };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lobby-propensity-'));
  demo = await openDemoDatabase(dir, { today: '2026-03-02', customers: 40 });
  db = demo.db;
  branch = demo.branch;
  customers = new CustomerDirectory(db, branch, demo.key);
  tickets = new TicketStore(db, branch, customers, new Journal(db, () => clock), () => clock, () => 'http://x');
  tickets.counters.set(1, 'open', null, null, 't01', clock); // the teller at counter 1 is there
});
afterEach(() => {
  demo.close();
  rmSync(dir, { recursive: true, force: true });
});

// The student persona (13800000004) is customer 4.
const student = () => db.prepare('SELECT * FROM customer WHERE id = 4').get() as CustomerRow;
const card = () => demo.key.open((db.prepare("SELECT card_sealed FROM card WHERE customer_id = 4 ORDER BY kind = 'debit' DESC LIMIT 1").get() as { card_sealed: Buffer }).card_sealed);
const propensities = () =>
  new Map(customers.pipeline(student(), 'A', '2026-03-02', clock, 'probe').decision.trace.filter((e) => e.factors).map((e) => [e.code, e.factors!.propensity]));
let n = 0;
const visit = () =>
  tickets.issue(CreateTicketRequestSchema.parse({ serviceCode: 'A', requestId: `pl-${(n++).toString(36).padStart(6, '0')}`, identity: { kind: 'card', value: card(), method: 'reader' } }), kiosk).row;

describe('propensity learning', () => {
  it('an offer nobody answered is neither success nor failure', () => {
    const before = propensities();
    const unanswered = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const row = visit();
      const offered = db.prepare('SELECT offers_json FROM offer_decision WHERE ticket_id = ?').get(row.id) as { offers_json: string };
      for (const o of JSON.parse(offered.offers_json) as { productCode: string }[]) unanswered.add(o.productCode);
      tickets.callNext(1, teller);
      tickets.end(row.id, 'completed', teller); // every offer gets a no_response
    }
    expect(unanswered.size).toBeGreaterThan(0);
    expect((db.prepare("SELECT COUNT(*) AS n FROM offer_outcome WHERE outcome = 'no_response'").get() as { n: number }).n).toBeGreaterThan(0);
    const fresh = new CustomerDirectory(db, branch, demo.key); // learned counts read from the database
    const after = new Map(fresh.pipeline(student(), 'A', '2026-03-02', clock, 'probe').decision.trace.filter((e) => e.factors).map((e) => [e.code, e.factors!.propensity]));
    for (const code of unanswered) expect(after.get(code), code).toBe(before.get(code));
  });

  it('a decline moves the estimate down from the prior, an acceptance up, and both persist', () => {
    const before = propensities();
    const row = visit();
    const offered = customers.card({ ...row, customer_id: row.customer_id!, identification: tickets.identificationOf(row)! }, '2026-03-02', null, clock).offers;
    const [first, second] = offered;
    customers.recordOutcome(row.id, first!.productCode, 'declined', undefined, 'm01', clock);
    customers.recordOutcome(row.id, second!.productCode, 'accepted', undefined, 'm01', clock);
    const after = propensities();
    expect(after.get(first!.productCode) ?? 0).toBeLessThan(before.get(first!.productCode)!);
    expect(after.get(second!.productCode)!).toBeGreaterThan(before.get(second!.productCode)!);
    const fresh = new CustomerDirectory(db, branch, demo.key);
    const again = new Map(fresh.pipeline(student(), 'A', '2026-03-02', clock, 'probe').decision.offers.map((o) => [o.productCode, o.factors.propensity]));
    expect(again.get(second!.productCode)).toBeCloseTo(after.get(second!.productCode)!);
  });

  it('a prior strength of zero does not make every score zero', () => {
    branch.rules.marketing.propensityPriorStrength = 0;
    const fresh = new CustomerDirectory(db, branch, demo.key);
    const offers = fresh.pipeline(student(), 'A', '2026-03-02', clock, 'probe').decision.offers;
    expect(offers.length).toBeGreaterThan(0);
    for (const o of offers) expect(o.score).toBeGreaterThan(0);
  });
});

describe('offer weights from the branch rules', () => {
  it('the tier-privilege reason and its threshold are rules, not constants', () => {
    const top = db.prepare("SELECT * FROM customer WHERE id = 1").get() as CustomerRow;
    const reasons = () => customers.pipeline(top, 'E', '2026-03-02', clock, 'probe').decision.offers.flatMap((o) => o.reasons.map((r) => r.code));
    expect(reasons()).toContain('tier_privilege');
    branch.rules.offers.tierPrivilege = { tiers: ['top'], minValue: 100 };
    expect(reasons()).not.toContain('tier_privilege');
  });
});
