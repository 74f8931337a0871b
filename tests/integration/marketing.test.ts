/**
 * Through a real hub: complete customer cards (branch role, reminders from activity data,
 * actions), the contact policy (per-visit cap, suppression after a decline), no_response at the
 * end of a visit, control groups, reveal with a reason, the campaign report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallNextResponse, CampaignReport, CreateTicketResponse, CustomerCard, ErrorBody, ImportConversionsResponse, RevealResponse } from '../../src-main/domain/contracts';
import { controlGroupOf } from '../../src-main/domain/control-groups';
import { DEFAULT_BRANCH_RULES } from '../../src-main/domain/branch-config';
import { businessDate } from '../../src-main/domain/ticket-number';
import { openBranchData } from '../helpers/branch-data';
import { requestId, startHarness, type Harness } from './hub-harness';

let h: Harness;
let kiosk: string;
let manager: string;
let admin: string;
const tellers: Record<number, string> = {};

async function take(serviceCode: string, phone: string) {
  const res = await h.request<CreateTicketResponse>('POST', '/api/v1/tickets', {
    token: kiosk,
    body: { serviceCode, requestId: requestId(), identity: h.cardRead(phone) },
  });
  expect(res.status).toBe(201);
  return res.body.ticket;
}
const cardOf = async (ticketId: string) => (await h.request<CustomerCard>('GET', `/api/v1/tickets/${ticketId}/card`, { token: manager })).body;
const outcome = (ticketId: string, code: string, o: string) =>
  h.request<ErrorBody>('POST', `/api/v1/tickets/${ticketId}/offers/${code}/outcome`, { token: manager, body: { outcome: o } });

/** Serves everyone waiting so each test starts from an empty queue. */
async function drain() {
  for (const counterId of [4, 1, 2, 3]) {
    for (;;) {
      const cur = await h.request<CallNextResponse>('GET', `/api/v1/counters/${counterId}/current`, { token: tellers[counterId] });
      if (cur.status === 200) await h.request('POST', `/api/v1/tickets/${cur.body.ticket.id}/complete`, { token: tellers[counterId] });
      const next = await h.request<CallNextResponse>('POST', `/api/v1/counters/${counterId}/call-next`, { token: tellers[counterId] });
      if (next.status === 204) break;
      await h.request('POST', `/api/v1/tickets/${next.body.ticket.id}/complete`, { token: tellers[counterId] });
    }
  }
}
const db = () => openBranchData(h.dataDir);

beforeAll(async () => {
  h = await startHarness();
  kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
  manager = (await h.login({ staffId: 'm01', pin: '1111' })).token;
  admin = (await h.login({ staffId: 'admin', pin: '9999' })).token;
  for (const c of [1, 2, 3, 4]) tellers[c] = (await h.login({ staffId: `t0${c}`, pin: '2222' })).token;
});
afterAll(async () => h?.stop());

describe('customer card completeness', () => {
  it('#1: primary branch, manager, product count, life stage, reminders and actions computed from data', async () => {
    const t = await take('A', '13800000001');
    const card = await cardOf(t.id);
    expect(card.customer).toMatchObject({ branchRole: 'primary', homeBranch: 'demo-001', relationshipManager: '陈思远', productCount: 8, lifeStage: 'married', resident: true });
    expect(card.holdingsScope).toBe('all');
    const kinds = card.reminders.map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['birthday', 'maturity', 'repayment_due']));
    expect(card.reminders.find((r) => r.kind === 'repayment_due')).toMatchObject({ productCode: 'CC-PLAT', daysUntil: 4 });
    expect(card.actions.map((a) => a.code)).toEqual(expect.arrayContaining(['birthday_greeting', 'maturity_followup', 'repayment_reminder']));
    expect(card.controlGroup).toBe('treatment'); // demo personas are exempt from control groups
    expect(card.contact).toEqual({ pitchAllowance: 2, pitchesUsed: 0, pitchesInWindow: 0 });
    expect(card.offers.length).toBe(3);
    for (const o of card.offers) expect(typeof o.countsTowardCap).toBe('boolean');
    await drain();
  });

  it('#2 transfers to other banks, #3 a large inflow and an open application, #6 a downgrade and a due instalment', async () => {
    const c2 = await cardOf((await take('A', '13800000002')).id);
    expect(c2.reminders.find((r) => r.kind === 'other_bank_transfers')).toMatchObject({ count: 4 });
    expect(c2.actions.map((a) => a.code)).toContain('retention_check');
    const c3 = await cardOf((await take('A', '13800000003')).id);
    expect(c3.reminders.find((r) => r.kind === 'large_inflow')!.percent).toBeGreaterThanOrEqual(30);
    expect(c3.offers.map((o) => o.productCode)).not.toContain('CC-STD');
    const d = db();
    const trace = JSON.parse((d.prepare('SELECT trace_json FROM offer_decision WHERE ticket_id = ?').get(c3.ticketId) as { trace_json: string }).trace_json) as {
      code: string;
      stage: string;
      rule: string | null;
    }[];
    d.close();
    expect(trace).toContainEqual({ code: 'CC-STD', kind: 'product', stage: 'applicability', rule: 'open_application' });
    expect(trace.filter((x) => x.stage === 'offered')).toHaveLength(c3.offers.length);
    const c6 = await cardOf((await take('D', '13800000006')).id);
    expect(c6.reminders.find((r) => r.kind === 'classification_downgrade')).toMatchObject({ from: 'normal', to: 'special_mention', daysUntil: -60 });
    expect(c6.reminders.find((r) => r.kind === 'repayment_due')).toMatchObject({ daysUntil: 3 });
    await drain();
  });
});

describe('primary / secondary branch (主办 / 协办)', () => {
  type Held = { customer_id: number; phone: string; product_code: string; amount_fen: number; category: string; branch_id: string };
  const holdingsBy = (where: string) => {
    const d = db();
    const rows = d
      .prepare(
        `SELECT h.customer_id, c.phone, h.product_code, h.amount_fen, p.category, h.branch_id FROM holding h
         JOIN customer_plain c ON c.id = h.customer_id JOIN product p ON p.code = h.product_code
         WHERE h.customer_id = (SELECT customer_id FROM holding h2 JOIN customer c2 ON c2.id = h2.customer_id WHERE ${where} ORDER BY h2.customer_id LIMIT 1)`,
      )
      .all() as Held[];
    d.close();
    return rows;
  };
  const shown = (card: CustomerCard) => card.holdings.flatMap((g) => g.items.map((i) => `${i.productCode}:${i.amountFen}`)).sort();

  it('a secondary branch sees only what is held at it: holdings, product count, AUM, reminders and offers', async () => {
    // A visitor whose home is another branch, holding some products here and some at home.
    const all = holdingsBy(
      `c2.home_branch_id <> 'demo-001' AND h2.branch_id = 'demo-001'
       AND EXISTS (SELECT 1 FROM holding h3 WHERE h3.customer_id = h2.customer_id AND h3.branch_id = c2.home_branch_id)`,
    );
    const here = all.filter((h) => h.branch_id === 'demo-001');
    expect(here.length).toBeGreaterThan(0);
    expect(here.length).toBeLessThan(all.length);
    const card = await cardOf((await take('A', all[0]!.phone)).id);
    expect(card.customer.branchRole).toBe('secondary');
    expect(card.holdingsScope).toBe('this_branch');
    expect(shown(card)).toEqual(here.map((h) => `${h.product_code}:${h.amount_fen}`).sort());
    expect(card.customer.productCount).toBe(here.length);
    const assets = ['demand_deposit', 'time_deposit', 'wealth', 'fund', 'insurance'];
    expect(card.customer.aumFen).toBe(here.filter((h) => assets.includes(h.category)).reduce((s, h) => s + h.amount_fen, 0));
    const hereCodes = new Set(here.map((h) => h.product_code));
    for (const r of card.reminders) if (r.productCode) expect(hereCodes.has(r.productCode)).toBe(true);
    for (const r of card.reminders) expect(['large_inflow', 'large_outflow', 'other_bank_transfers']).not.toContain(r.kind);
    // The decision saw the same: "already held" only for products held here.
    const d = db();
    const trace = JSON.parse((d.prepare('SELECT trace_json FROM offer_decision WHERE ticket_id = ?').get(card.ticketId) as { trace_json: string }).trace_json) as {
      code: string;
      rule: string | null;
    }[];
    d.close();
    for (const x of trace.filter((t) => t.rule === 'already_held')) expect(hereCodes.has(x.code)).toBe(true);
    await drain();
  });

  it('the primary branch sees everything, products held at other branches included', async () => {
    const all = holdingsBy(`c2.home_branch_id = 'demo-001' AND h2.branch_id <> 'demo-001'`);
    expect(all.some((h) => h.branch_id !== 'demo-001')).toBe(true);
    const card = await cardOf((await take('A', all[0]!.phone)).id);
    expect(card.customer.branchRole).toBe('primary');
    expect(card.holdingsScope).toBe('all');
    expect(shown(card)).toEqual(all.map((h) => `${h.product_code}:${h.amount_fen}`).sort());
    expect(card.customer.productCount).toBe(all.length);
    await drain();
  });
});

describe('contact policy, outcomes and no response', () => {
  it('allows 2 pitches per visit, refuses a third product, and gives unanswered offers a no_response when the visit ends', async () => {
    const t = await take('E', '13800000004'); // student
    const card = await cardOf(t.id);
    expect(card.offers.length).toBe(3);
    const [a, b, c] = card.offers.map((o) => o.productCode);
    expect((await outcome(t.id, a!, 'later')).status).toBe(200);
    expect((await outcome(t.id, b!, 'declined')).status).toBe(200);
    const third = await outcome(t.id, c!, 'accepted');
    expect(third.status).toBe(409);
    expect(third.body.error.message).toMatch(/contact cap/);
    expect((await outcome(t.id, a!, 'accepted')).status).toBe(200); // answering again is fine
    const again = await cardOf(t.id);
    expect(again.contact.pitchesUsed).toBe(2);
    expect(again.offers.map((o) => o.outcome)).toEqual(['accepted', 'declined', null]);
    await drain(); // the visit ends
    const d = db();
    const rows = d
      .prepare('SELECT product_code, outcome FROM offer_outcome WHERE decision_id = ? ORDER BY id')
      .all(card.decisionId) as { product_code: string; outcome: string }[];
    d.close();
    expect(rows.filter((r) => r.outcome === 'shown').map((r) => r.product_code)).toEqual([a, b, c]);
    expect(rows.filter((r) => r.outcome === 'no_response').map((r) => r.product_code)).toEqual([c]);

    // Next visit: the declined product is paused (90 days), the rest may come back.
    const t2 = await take('E', '13800000004');
    const next = await cardOf(t2.id);
    expect(next.offers.map((o) => o.productCode)).not.toContain(b);
    expect(next.contact.pitchesInWindow).toBe(2);
    await drain();
  });

  it('gives unanswered offers a no_response at once when recalls run out (recall -> no-show), not at the daily sweep', async () => {
    await drain();
    const t = await take('B', '13800000002');
    const card = await cardOf(t.id);
    expect(card.offers.length).toBeGreaterThanOrEqual(2);
    const [first, ...rest] = card.offers.map((o) => o.productCode);
    expect((await outcome(t.id, first!, 'later')).status).toBe(200);
    // Counter 4 serves every service, the VIP line included (this gold customer may be routed there).
    const called = await h.request<CallNextResponse>('POST', '/api/v1/counters/4/call-next', { token: tellers[4] });
    expect(called.body.ticket.id).toBe(t.id);
    const recall = () => h.request<{ outcome: string }>('POST', `/api/v1/tickets/${t.id}/recall`, { token: tellers[4] });
    expect((await recall()).body.outcome).toBe('recalled');
    expect((await recall()).body.outcome).toBe('recalled');
    expect((await recall()).body.outcome).toBe('no_show');
    const d = db();
    const rows = d
      .prepare("SELECT product_code, staff_id FROM offer_outcome WHERE decision_id = ? AND outcome = 'no_response' ORDER BY id")
      .all(card.decisionId) as { product_code: string; staff_id: string }[];
    const closed = d.prepare('SELECT closed_at FROM offer_decision WHERE id = ?').get(card.decisionId) as { closed_at: number | null };
    d.close();
    expect(rows.map((r) => r.product_code)).toEqual(rest); // the answered offer keeps its 'later'
    expect(rows.every((r) => r.staff_id === 'system')).toBe(true);
    expect(closed.closed_at).not.toBeNull();
    expect((await h.request('GET', `/api/v1/tickets/${t.id}/card`, { token: manager })).status).toBe(404);
  });

  it('the holdout gets no pitch and the random arm one offer (hash of customer + month)', async () => {
    const today = businessDate(new Date(), DEFAULT_BRANCH_RULES.timeZone);
    const d = db();
    const people = d.prepare('SELECT id, phone FROM customer_plain WHERE control_exempt = 0 AND marketing_consent = 1 ORDER BY id').all() as { id: number; phone: string }[];
    d.close();
    const rules = DEFAULT_BRANCH_RULES.marketing.controlGroups;
    const holdout = people.find((p) => controlGroupOf(`C${p.id}`, today, rules) === 'holdout');
    const random = people.find((p) => controlGroupOf(`C${p.id}`, today, rules) === 'random');
    expect(holdout && random).toBeTruthy();
    const hc = await cardOf((await take('A', holdout!.phone)).id);
    expect(hc.controlGroup).toBe('holdout');
    expect(hc.offers).toEqual([]);
    const rc = await cardOf((await take('A', random!.phone)).id);
    expect(rc.controlGroup).toBe('random');
    expect(rc.offers.length).toBeLessThanOrEqual(1);
    if (rc.offers.length) expect(rc.offers[0]!.reasons[0]!.code).toBe('random_arm');
    await drain();
  });
});

describe('reveal with a reason', () => {
  it('reveals to a manager for a live ticket, audits who, why and from which device, never the value', async () => {
    const t = await take('A', '13800000003');
    const res = await fetch(`${h.hub.url}/api/v1/tickets/${t.id}/reveal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${manager}`, 'x-device-id': 'tablet-07' },
      body: JSON.stringify({ field: 'phone', reason: 'identity_verification' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as RevealResponse;
    expect(body).toMatchObject({ ticketId: t.id, field: 'phone', values: ['13800000003'] });
    const bad = await h.request<ErrorBody>('POST', `/api/v1/tickets/${t.id}/reveal`, { token: manager, body: { field: 'phone', reason: 'other' } });
    expect(bad.status).toBe(400);
    expect((await h.request('POST', `/api/v1/tickets/${t.id}/reveal`, { token: manager, body: { field: 'phone' } })).status).toBe(400);
    expect((await h.request('POST', `/api/v1/tickets/${t.id}/reveal`, { token: tellers[1], body: { field: 'phone', reason: 'customer_request' } })).status).toBe(403);
    const cards = await h.request<RevealResponse>('POST', `/api/v1/tickets/${t.id}/reveal`, { token: manager, body: { field: 'card', reason: 'other', note: 'card swallowed by ATM' } });
    expect(cards.body.values).toEqual(['6225880000000035']);

    const audit = await h.request<{ entries: { action: string; subject: string; device: string | null; detail: Record<string, unknown> }[] }>('GET', '/api/v1/audit?limit=50', { token: admin });
    const reveals = audit.body.entries.filter((e) => e.action === 'customer.reveal' && e.subject === `ticket:${t.id}`);
    expect(reveals).toHaveLength(2);
    expect(reveals[1]!.device).toMatch(/^tablet-07@/);
    expect(reveals[1]!.detail).toMatchObject({ field: 'phone', reason: 'identity_verification', customer: expect.stringMatching(/^C\d+$/) });
    expect(JSON.stringify(reveals)).not.toContain('13800000003');
    expect(JSON.stringify(reveals)).not.toContain('6225880000000035');
    const views = audit.body.entries.filter((e) => e.action === 'customer_card.view');
    expect(views.some((v) => v.device !== null)).toBe(true);

    await drain();
    expect((await h.request('POST', `/api/v1/tickets/${t.id}/reveal`, { token: manager, body: { field: 'phone', reason: 'customer_request' } })).status).toBe(404);
  });
});

describe('conversion import', () => {
  it('joins products opened after a visit to it and measures every arm alike: the holdout converts through core banking too', async () => {
    const today = businessDate(new Date(), DEFAULT_BRANCH_RULES.timeZone);
    const d = db();
    const holdoutVisit = d
      .prepare("SELECT c.cif, o.trace_json FROM offer_decision o JOIN customer c ON c.id = o.customer_id WHERE o.control_group = 'holdout' LIMIT 1")
      .get() as { cif: string; trace_json: string };
    d.close();
    // A product that was a candidate at that visit (the holdout was offered nothing, but could have been).
    const candidate = (JSON.parse(holdoutVisit.trace_json) as { code: string; kind: string; stage: string }[]).find(
      (e) => e.kind === 'product' && e.stage === 'arbitration',
    )!.code;
    const csv = [
      'opened_on,cif,product_code,branch_note', // any column order; an unknown column is one warning
      `${today},${holdoutVisit.cif},${candidate},x`,
      '2026-11-25,999999999999,WM-R2,x',
      'bad line',
      `2026-02-30,${holdoutVisit.cif},WM-R2,x`,
      `2999-01-01,${holdoutVisit.cif},WM-R2,x`,
      `"${today}","${holdoutVisit.cif}","${candidate}","quoted, with a comma"`,
    ].join('\r\n');
    const res = await h.request<ImportConversionsResponse>('POST', '/api/v1/marketing/conversions', { token: admin, body: { csv } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ asOf: today, rows: 6, imported: 1, matched: 1, skipped: 1 });
    expect(res.body.warnings).toEqual(['conversions.csv: unknown column branch_note ignored']);
    expect(res.body.rejected.map((e) => [e.line, e.column])).toEqual([
      [3, 'cif'],
      [4, null],
      [5, 'opened_on'],
      [6, 'opened_on'],
    ]);
    expect(res.body.rejected[2]!.reason).toMatch(/not a date that exists/);
    const again = await h.request<ImportConversionsResponse>('POST', '/api/v1/marketing/conversions', { token: admin, body: { csv } });
    expect(again.body).toMatchObject({ imported: 0, skipped: 2 });
    expect((await h.request('POST', '/api/v1/marketing/conversions', { token: manager, body: { csv } })).status).toBe(403);
    expect((await h.request('POST', '/api/v1/marketing/conversions', { token: admin, body: { file: csv } })).status).toBe(400);
    const noHeader = await h.request<ErrorBody>('POST', '/api/v1/marketing/conversions', { token: admin, body: { csv: `${holdoutVisit.cif},WM-R2,${today}` } });
    expect(noHeader.status).toBe(400);
    expect(noHeader.body.error).toMatchObject({ reason: 'invalid_file' });
    expect(noHeader.body.error.message).toMatch(/missing required column/);
    // Larger than a small upload once allowed (60 KB): still read whole.
    const big = ['cif,product_code,opened_on', ...Array.from({ length: 4000 }, () => `999999999999,WM-R2,${today}`)].join('\n');
    const bigRes = await h.request<ImportConversionsResponse>('POST', '/api/v1/marketing/conversions', { token: admin, body: { csv: big } });
    expect(bigRes.status).toBe(200);
    expect(bigRes.body.rows).toBe(4000);
    const r = await h.request<CampaignReport>('GET', '/api/v1/marketing/report', { token: admin });
    expect(r.body.conversion.holdout.k).toBeGreaterThanOrEqual(1);
    expect(r.body.uplift.holdout.rate).toBeGreaterThan(0);
    expect(r.body.conversionsAsOf).toBe(today);
    // The data does not yet cover the 30 days after today's visits: the report says so.
    expect(r.body.caveats).toContain('conversion_data_incomplete');
  });
});

describe('campaign report', () => {
  it('reports per product and manager, uplift with an interval and the contact load, to admin and manager only', async () => {
    const r = await h.request<CampaignReport>('GET', '/api/v1/marketing/report', { token: admin });
    expect(r.status).toBe(200);
    expect(r.body.visits.treatment).toBeGreaterThan(0);
    expect(r.body.visits.holdout).toBeGreaterThanOrEqual(1);
    const total = r.body.byProduct.reduce((s, x) => s + x.shown, 0);
    expect(total).toBeGreaterThan(0);
    expect(r.body.byProduct.reduce((s, x) => s + x.noResponse, 0)).toBeGreaterThan(0);
    expect(r.body.byManager.find((m) => m.key === 'm01')!.accepted).toBeGreaterThanOrEqual(1);
    expect(r.body.uplift.difference.low).toBeLessThanOrEqual(r.body.uplift.difference.rate);
    expect(r.body.contactLoad.max).toBeGreaterThanOrEqual(2);
    // Rows carry names: products in both languages, managers by name; no row for "nobody answered".
    expect(r.body.byManager.map((m) => m.key)).not.toContain('-');
    expect(r.body.managerNames.m01).toBeTruthy();
    for (const p of r.body.byProduct) expect(r.body.productNames[p.key]).toMatchObject({ 'zh-CN': expect.any(String), en: expect.any(String) });
    expect(r.body.replay.ranked.n).toBe(r.body.replay.propensityOnly.n);
    expect(r.body.contactLoad.histogram.reduce((s, x) => s + x.customers, 0)).toBe(r.body.contactLoad.customers);
    expect((await h.request('GET', '/api/v1/marketing/report', { token: manager })).status).toBe(200);
    expect((await h.request('GET', '/api/v1/marketing/report', { token: tellers[1] })).status).toBe(403);
    expect((await h.request('GET', '/api/v1/marketing/report?from=2026-13-01', { token: admin })).status).toBe(400);
    expect((await h.request('GET', '/api/v1/marketing/report?from=2026-11-02&to=2026-11-01', { token: admin })).status).toBe(400);
  });
});
