import { describe, expect, it } from 'vitest';
import { actionCandidates, decideNextBestAction, type NbaInput, type StageTimings } from '@domain/next-best-action';
import { applicability, eligibility, riskAssessmentExpired, suitability, type OfferCustomer } from '@domain/offers';
import type { Product, ProductCategory } from '@domain/products';
import type { ContactEvent } from '@domain/contact-policy';
import type { Reminder } from '@domain/reminders';

const product = (code: string, category: ProductCategory, o: Partial<Product> = {}): Product => ({
  code, category, name: { 'zh-CN': code, en: code }, riskLevel: 1, isCredit: category === 'loan' || category === 'credit_card',
  lifeStages: [], minAge: 18, maxAge: 120, basePropensity: 0.1, value: 1, lever: 1, active: true, ...o,
});
const PRODUCTS = [
  product('TD-1Y', 'time_deposit', { basePropensity: 0.12 }),
  product('WM-R2', 'wealth', { riskLevel: 2, value: 1.3 }),
  product('FD-BOND', 'fund', { riskLevel: 2, value: 1.2 }),
  product('CC-STD', 'credit_card', { basePropensity: 0.12, value: 0.9 }),
  product('LN-CAR', 'loan', { lifeStages: ['graduate'] }),
  product('INS-HEALTH', 'insurance', { value: 1.4, basePropensity: 0.06 }),
];
const customer = (o: Partial<OfferCustomer> = {}): OfferCustomer => ({
  age: 40, lifeStage: 'adult', riskTolerance: 3, marketingConsent: true, hasOverdue: false, tier: 'general',
  heldProductCodes: new Set(), heldCategories: new Set(), maturingProductCodes: [], resident: true, openApplicationCodes: new Set(), ...o,
});
const NOW = Date.parse('2026-06-15T03:00:00Z');
const input = (o: Partial<NbaInput> = {}): NbaInput => ({
  products: PRODUCTS,
  customer: customer(),
  ctx: { serviceCode: 'A', contextWeights: { A: { wealth: 1.5 } }, lifeStageBoost: 2, maxOffers: 3 },
  reminders: [],
  history: [],
  now: NOW,
  policy: { caps: { perVisit: 2, perWindow: 8, windowDays: 30 }, suppression: { declinedDays: 90, unansweredCount: 3, unansweredDays: 30 } },
  controlGroup: 'treatment',
  randomKey: 'ticket-1',
  ...o,
});
const offered = (d: ReturnType<typeof decideNextBestAction>) => d.offers.map((o) => o.productCode);

describe('each hard stage alone', () => {
  it('eligibility: consent, age, residency', () => {
    expect(eligibility(PRODUCTS[0]!, customer({ marketingConsent: false }))).toBe('no_marketing_consent');
    expect(eligibility(PRODUCTS[0]!, customer({ age: 17 }))).toBe('age');
    expect(eligibility(PRODUCTS[3]!, customer({ resident: false }))).toBe('residency');
    expect(eligibility(PRODUCTS[0]!, customer({ resident: false }))).toBeNull();
  });
  it('applicability: held, open application, life stage', () => {
    expect(applicability(PRODUCTS[0]!, customer({ heldProductCodes: new Set(['TD-1Y']) }))).toBe('already_held');
    expect(applicability(PRODUCTS[3]!, customer({ openApplicationCodes: new Set(['CC-STD']) }))).toBe('open_application');
    expect(applicability(PRODUCTS[4]!, customer())).toBe('life_stage');
    expect(applicability(PRODUCTS[4]!, customer({ lifeStage: 'graduate' }))).toBeNull();
  });
  it('suitability: risk within tolerance, no credit when overdue', () => {
    expect(suitability(PRODUCTS[1]!, customer({ riskTolerance: 1 }))).toBe('risk_above_tolerance');
    expect(suitability(PRODUCTS[3]!, customer({ hasOverdue: true }))).toBe('credit_while_overdue');
  });
  it('suitability: an investment of risk 2 or more needs a valid risk assessment; deposits and insurance do not', () => {
    const expired = customer({ riskAssessmentExpired: true });
    expect(suitability(PRODUCTS[1]!, expired)).toBe('risk_assessment_expired');
    expect(suitability(PRODUCTS[2]!, expired)).toBe('risk_assessment_expired');
    expect(suitability(product('WM-R1', 'wealth', { riskLevel: 1 }), expired)).toBeNull();
    expect(suitability(PRODUCTS[0]!, expired)).toBeNull();
    expect(suitability(PRODUCTS[5]!, expired)).toBeNull();
    expect(suitability(PRODUCTS[1]!, customer({ riskAssessmentExpired: false }))).toBeNull();
  });
  it('suitability: while a credit warning is open, nothing above the allowed risk level', () => {
    const risky = product('FD-EQ', 'fund', { riskLevel: 4 });
    expect(suitability(risky, customer({ riskTolerance: 5, creditWarning: true, creditWarningMaxRisk: 2 }))).toBe('credit_warning');
    expect(suitability(PRODUCTS[1]!, customer({ creditWarning: true, creditWarningMaxRisk: 2 }))).toBeNull();
    expect(suitability(risky, customer({ riskTolerance: 5, creditWarning: false, creditWarningMaxRisk: 2 }))).toBeNull();
  });
  it('a risk assessment is valid for the days the branch allows, counted in business dates', () => {
    expect(riskAssessmentExpired(null, '2026-06-15', 365)).toBe(true);
    expect(riskAssessmentExpired('2025-06-16', '2026-06-15', 365)).toBe(false);
    expect(riskAssessmentExpired('2025-06-15', '2026-06-15', 365)).toBe(true);
    expect(riskAssessmentExpired('2026-06-15', '2026-06-15', 1)).toBe(false);
  });
});

describe('the whole pipeline', () => {
  it('ranks by propensity × context × value × lever and records every candidate with its stage and score', () => {
    const d = decideNextBestAction(input());
    expect(offered(d)).toEqual(['WM-R2', 'FD-BOND', 'TD-1Y']);
    expect(d.offers[0]!.score).toBeCloseTo(0.1 * 1.5 * 1.3);
    const byCode = new Map(d.trace.map((t) => [t.code, t]));
    expect(byCode.get('LN-CAR')).toMatchObject({ stage: 'applicability', rule: 'life_stage' });
    expect(byCode.get('WM-R2')).toMatchObject({ stage: 'offered', rule: null });
    expect(byCode.get('INS-HEALTH')).toMatchObject({ stage: 'arbitration', rule: 'below_top_n' });
    expect(byCode.get('INS-HEALTH')!.score).toBeGreaterThan(0);
    expect(d.trace.filter((t) => t.kind === 'product')).toHaveLength(PRODUCTS.length);
    expect(d).toMatchObject({ controlGroup: 'treatment', pitchAllowance: 2, pitchesInWindow: 0, serviceOnly: false });
  });

  it('learned propensity changes the order', () => {
    const d = decideNextBestAction(input({ ctx: { ...input().ctx, propensity: (code, p0) => (code === 'INS-HEALTH' ? 0.9 : p0) } }));
    expect(offered(d)[0]).toBe('INS-HEALTH');
  });

  it('contact policy: a declined product is paused, a full window cap leaves no offers', () => {
    const declined: ContactEvent[] = [{ productCode: 'WM-R2', response: 'declined', at: NOW - 10 * 86_400_000, countsTowardCap: true, decisionId: 1 }];
    const d = decideNextBestAction(input({ history: declined }));
    expect(offered(d)).not.toContain('WM-R2');
    expect(d.dropped).toContainEqual({ productCode: 'WM-R2', stage: 'contact_policy', rule: 'suppressed_declined' });
    const eight = Array.from({ length: 8 }, (_, i) => ({ productCode: `P${i}`, response: 'accepted' as const, at: NOW - (i + 1) * 86_400_000, countsTowardCap: true, decisionId: i }));
    const capped = decideNextBestAction(input({ history: eight }));
    expect(capped.offers).toEqual([]);
    expect(capped.pitchAllowance).toBe(0);
  });

  it('opted out: service information only — greetings and service actions, no offers', () => {
    const reminders: Reminder[] = [
      { kind: 'birthday', date: '2026-06-15', daysUntil: 0 },
      { kind: 'maturity', date: '2026-06-20', daysUntil: 5, productCode: 'TD-1Y', amountFen: 1 },
    ];
    const d = decideNextBestAction(input({ customer: customer({ marketingConsent: false }), reminders }));
    expect(d.serviceOnly).toBe(true);
    expect(d.offers).toEqual([]);
    expect(d.actions.map((a) => a.code)).toEqual(['birthday_greeting', 'maturity_followup']);
  });

  it('holdout: no pitch, but greetings and mandatory notices stay', () => {
    const reminders: Reminder[] = [
      { kind: 'birthday', date: '2026-06-15', daysUntil: 0 },
      { kind: 'overdue', date: '2026-06-01', daysUntil: -14, productCode: 'LN-CAR', overdueDays: 14 },
    ];
    const d = decideNextBestAction(input({ controlGroup: 'holdout', reminders }));
    expect(d.offers).toEqual([]);
    expect(d.controlGroup).toBe('holdout');
    expect(d.actions.map((a) => [a.code, a.mandatory])).toEqual([['overdue_notice', true], ['birthday_greeting', false]]);
    expect(d.dropped.filter((x) => x.rule === 'control_holdout').length).toBeGreaterThan(0);
  });

  it('random arm: exactly one eligible offer, chosen by the ticket, and says so', () => {
    const picks = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const d = decideNextBestAction(input({ controlGroup: 'random', randomKey: `ticket-${i}` }));
      expect(d.offers).toHaveLength(1);
      expect(d.offers[0]!.reasons[0]!.code).toBe('random_arm');
      picks.add(d.offers[0]!.productCode);
    }
    expect(picks.size).toBeGreaterThan(2);
    expect(picks.has('LN-CAR')).toBe(false); // never an ineligible one
  });

  it('maturity follow-up offers (reinvestment) do not count towards caps', () => {
    const d = decideNextBestAction(input({ customer: customer({ maturingProductCodes: ['TD-3Y'] }) }));
    const reinvest = d.offers.filter((o) => o.reasons.some((r) => r.code === 'maturity_reinvest'));
    expect(reinvest.length).toBeGreaterThan(0);
    for (const o of reinvest) expect(o.countsTowardCap).toBe(false);
    const plain = decideNextBestAction(input());
    for (const o of plain.offers) expect(o.countsTowardCap).toBe(true);
  });

  it('action candidates: one per code and product, notices first', () => {
    const a = actionCandidates([
      { kind: 'large_outflow', date: 'x', daysUntil: 0 },
      { kind: 'other_bank_transfers', date: 'x', daysUntil: -1, count: 3 },
      { kind: 'repayment_due', date: 'x', daysUntil: 2, productCode: 'CC-STD' },
      { kind: 'overdue', date: 'x', daysUntil: -3, productCode: 'LN-CAR' },
    ]);
    expect(a.map((x) => x.code)).toEqual(['overdue_notice', 'retention_check', 'repayment_reminder']);
  });

  it('measures the cost per stage when given a clock', () => {
    const timings: StageTimings = { candidates: 0, hard_rules: 0, contact_policy: 0, arbitration: 0, control_group: 0 };
    let t = 0;
    decideNextBestAction(input(), () => (t += 1), timings);
    expect(Object.values(timings).every((v) => v === 1)).toBe(true);
  });
});
