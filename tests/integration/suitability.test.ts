/**
 * Through a real hub: a customer whose risk assessment (风险测评) has expired is offered no
 * investment of risk 2 or more, and a customer with a loan classified below normal is offered
 * nothing above the branch's credit-warning risk level; the manager's card says why.
 */
import type { Db } from '../../src-main/hub/db/open';
import { openBranchData } from '../helpers/branch-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateTicketResponse, CustomerCard } from '../../src-main/domain/contracts';
import { requestId, startHarness, type Harness } from './hub-harness';

let h: Harness;
let kiosk: string;
let manager: string;
let products: Map<string, { category: string; risk_level: number }>;

const write = <T>(fn: (db: Db) => T): T => {
  const db = openBranchData(h.dataDir, { readonly: false });
  try {
    return fn(db);
  } finally {
    db.close();
  }
};

beforeAll(async () => {
  h = await startHarness();
  kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
  manager = (await h.login({ staffId: 'm01', pin: '1111' })).token;
  products = write((db) => new Map((db.prepare('SELECT code, category, risk_level FROM product').all() as { code: string; category: string; risk_level: number }[]).map((p) => [p.code, p])));
});
afterAll(async () => h.stop());

const visit = async (phone: string) => {
  const t = (await h.request<CreateTicketResponse>('POST', '/api/v1/tickets', { token: kiosk, body: { serviceCode: 'A', requestId: requestId(), identity: h.cardRead(phone) } })).body.ticket;
  const card = (await h.request<CustomerCard>('GET', `/api/v1/tickets/${t.id}/card`, { token: manager })).body;
  await h.request('POST', `/api/v1/track/${t.trackUrl.split('/t/')[1]}/cancel`);
  return card;
};

describe('suitability from the risk assessment and the credit state', () => {
  it('an expired risk assessment holds back every investment of risk 2 or more, and the card says so', async () => {
    const before = await visit('13800000001');
    expect(before.customer).toMatchObject({ riskAssessmentExpired: false, riskTolerance: 4 });
    expect(before.customer.riskAssessedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    write((db) => db.prepare("UPDATE customer SET risk_assessed_on = date('now', '-400 days') WHERE id = 1").run());
    const after = await visit('13800000001');
    expect(after.customer.riskAssessmentExpired).toBe(true);
    const risky = after.offers.filter((o) => {
      const p = products.get(o.productCode)!;
      return (p.category === 'wealth' || p.category === 'fund') && p.risk_level >= 2;
    });
    expect(risky).toEqual([]);
  });

  it('a loan below normal anywhere in the bank is a credit warning: nothing above risk 2 is offered', async () => {
    const phone = write((db) => {
      const row = db
        .prepare(`SELECT c.id, c.phone FROM customer_plain c JOIN card k ON k.customer_id = c.id WHERE c.marketing_consent = 1 AND c.id > 6 AND c.id NOT IN (SELECT customer_id FROM credit_status) LIMIT 1`)
        .get() as { id: number; phone: string };
      db.prepare("UPDATE customer SET risk_tolerance = 5, risk_assessed_on = date('now'), last_overdue_on = NULL WHERE id = ?").run(row.id);
      return row.phone;
    });
    const before = await visit(phone);
    expect(before.customer.creditWarning).toBe(false);
    // With tolerance 5 and a fresh assessment, something above risk 2 is worth offering...
    expect(before.offers.some((o) => products.get(o.productCode)!.risk_level > 2)).toBe(true);
    write((db) => {
      const c = db.prepare('SELECT id FROM customer_plain WHERE phone = ?').get(phone) as { id: number };
      const holding = db
        .prepare(
          `INSERT INTO holding (account_id, customer_id, product_code, amount_fen, branch_id, as_of, opened_on)
           VALUES ('test-loan', ?, 'LN-CONSUMER', 5000000, 'other-branch', date('now'), date('now', '-200 days'))`,
        )
        .run(c.id).lastInsertRowid;
      db.prepare(`INSERT INTO credit_status (holding_id, customer_id, product_code, classification, previous_classification, classified_on) VALUES (?, ?, 'LN-CONSUMER', 'special_mention', 'normal', date('now', '-200 days'))`).run(holding, c.id);
    });
    const after = await visit(phone);
    // ...until a loan elsewhere in the bank is classified special mention (关注).
    expect(after.customer.creditWarning).toBe(true);
    expect(after.offers.map((o) => products.get(o.productCode)!.risk_level).every((r) => r <= 2)).toBe(true);
  });
});
