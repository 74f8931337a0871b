/**
 * The hard stages (eligibility, applicability, suitability) and arbitration of the offer pipeline,
 * through the real decision (domain/next-best-action.ts) for a customer in the treatment arm with
 * no contact history.
 */
import { describe, expect, it } from 'vitest';
import type { OfferContext, OfferCustomer, OfferStage } from '@domain/offers';
import { decideNextBestAction } from '@domain/next-best-action';
import { DEFAULT_BRANCH_RULES } from '@domain/branch-config';
import type { LifeStage, Product, ProductCategory } from '@domain/products';

const rankOffers = (products: readonly Product[], c: OfferCustomer, ctx: OfferContext) =>
  decideNextBestAction({
    products,
    customer: c,
    ctx,
    reminders: [],
    history: [],
    now: Date.parse('2026-11-22T02:00:00Z'),
    policy: DEFAULT_BRANCH_RULES.marketing,
    controlGroup: 'treatment',
    randomKey: 'ticket',
  });

function product(
  code: string,
  category: ProductCategory,
  o: Partial<Omit<Product, 'code' | 'category'>> = {},
): Product {
  return {
    code,
    category,
    name: { 'zh-CN': code, en: code },
    riskLevel: 1,
    isCredit: category === 'loan' || category === 'credit_card',
    lifeStages: [],
    minAge: 18,
    maxAge: 120,
    basePropensity: 0.1,
    value: 1,
    lever: 1,
    active: true,
    ...o,
  };
}

/** A small catalogue in the shape of a real one (student, graduate, married and retiree needs). */
const CATALOGUE: Product[] = [
  product('DD-SAVE', 'demand_deposit', { basePropensity: 0.05, value: 0.6, minAge: 16 }),
  product('TD-1Y', 'time_deposit', { basePropensity: 0.12, value: 1.0 }),
  product('WM-R2', 'wealth', { riskLevel: 2, basePropensity: 0.1, value: 1.3 }),
  product('WM-R4', 'wealth', { riskLevel: 4, lifeStages: ['graduate', 'married', 'adult'], minAge: 22, maxAge: 65, basePropensity: 0.04, value: 1.8 }),
  product('FD-EQUITY', 'fund', { riskLevel: 4, basePropensity: 0.05, value: 1.6 }),
  product('INS-PROPERTY', 'insurance', { lifeStages: ['married'], basePropensity: 0.08, value: 0.9 }),
  product('LN-EDU', 'loan', { lifeStages: ['student'], maxAge: 35, basePropensity: 0.06, value: 0.8 }),
  product('LN-CAR', 'loan', { lifeStages: ['graduate'], minAge: 22, basePropensity: 0.05, value: 1.2 }),
  product('LN-MORTGAGE', 'loan', { lifeStages: ['married'], minAge: 22, maxAge: 65, basePropensity: 0.04, value: 2.0 }),
  product('LN-CONSUMER', 'loan', { minAge: 22, maxAge: 60, basePropensity: 0.05, value: 1.1 }),
  product('CC-STD', 'credit_card', { maxAge: 65, basePropensity: 0.12, value: 0.9 }),
  product('DC-YOUTH', 'debit_card', { lifeStages: ['student', 'graduate'], minAge: 16, maxAge: 30, basePropensity: 0.2, value: 0.6 }),
  product('OLD-PLAN', 'wealth', { active: false }),
];

function customer(o: Partial<OfferCustomer> = {}): OfferCustomer {
  return {
    age: 40,
    lifeStage: 'adult',
    riskTolerance: 5,
    marketingConsent: true,
    hasOverdue: false,
    tier: 'general',
    heldProductCodes: new Set(),
    heldCategories: new Set(),
    maturingProductCodes: [],
    ...o,
  };
}

const CTX: OfferContext = {
  serviceCode: 'A',
  contextWeights: { A: { time_deposit: 1.4, wealth: 1.5 }, D: { loan: 1.6, insurance: 1.3 } },
  lifeStageBoost: 2,
  maxOffers: 3,
};

const offered = (decision: ReturnType<typeof rankOffers>) => decision.offers.map((o) => o.productCode);

/** Every product ends up exactly once: offered, or dropped at a named stage. */
function expectAccountedFor(decision: ReturnType<typeof rankOffers>, products: readonly Product[]) {
  const codes = [...decision.offers.map((o) => o.productCode), ...decision.dropped.map((d) => d.productCode)];
  expect(codes.sort()).toEqual(products.map((p) => p.code).sort());
  const stages: OfferStage[] = ['candidate', 'eligibility', 'applicability', 'suitability', 'arbitration'];
  for (const d of decision.dropped) {
    expect(stages).toContain(d.stage);
    expect(d.rule).toMatch(/^[a-z_]+$/);
  }
}

describe('marketing consent withdrawn', () => {
  const decision = rankOffers(CATALOGUE, customer({ marketingConsent: false }), CTX);

  it('service information only, no offers', () => {
    expect(decision.serviceOnly).toBe(true);
    expect(decision.offers).toEqual([]);
  });

  it('every active product is dropped at eligibility for missing consent', () => {
    for (const p of CATALOGUE.filter((x) => x.active)) {
      expect(decision.dropped).toContainEqual({ productCode: p.code, stage: 'eligibility', rule: 'no_marketing_consent' });
    }
    expectAccountedFor(decision, CATALOGUE);
  });

  it('consent given -> not service-only', () => {
    expect(rankOffers(CATALOGUE, customer(), CTX).serviceOnly).toBe(false);
  });
});

describe('candidates and eligibility', () => {
  it('inactive products drop out first, at candidate', () => {
    const d = rankOffers(CATALOGUE, customer(), CTX);
    expect(d.dropped).toContainEqual({ productCode: 'OLD-PLAN', stage: 'candidate', rule: 'inactive' });
  });

  it('age outside the product range drops at eligibility', () => {
    const young = rankOffers(CATALOGUE, customer({ age: 20, lifeStage: 'student' }), CTX);
    expect(young.dropped).toContainEqual({ productCode: 'LN-CONSUMER', stage: 'eligibility', rule: 'age' });
    const old = rankOffers(CATALOGUE, customer({ age: 70, lifeStage: 'retiree' }), CTX);
    expect(old.dropped).toContainEqual({ productCode: 'CC-STD', stage: 'eligibility', rule: 'age' });
    // the bounds themselves are inside
    const edge = rankOffers([product('X', 'wealth', { minAge: 18, maxAge: 65 })], customer({ age: 65 }), CTX);
    expect(offered(edge)).toEqual(['X']);
  });
});

describe('life stage (student)', () => {
  const student = customer({ age: 20, lifeStage: 'student', riskTolerance: 2 });

  it('a student is offered the education loan, never the mortgage', () => {
    const d = rankOffers(CATALOGUE, student, { ...CTX, serviceCode: 'D', maxOffers: 10 });
    expect(offered(d)).toContain('LN-EDU');
    expect(offered(d)).not.toContain('LN-MORTGAGE');
    expect(d.dropped).toContainEqual({ productCode: 'LN-MORTGAGE', stage: 'eligibility', rule: 'age' });
  });

  it('even when old enough, the mortgage is for married customers (applicability)', () => {
    const d = rankOffers(CATALOGUE, { ...student, age: 23 }, { ...CTX, serviceCode: 'D', maxOffers: 10 });
    expect(d.dropped).toContainEqual({ productCode: 'LN-MORTGAGE', stage: 'applicability', rule: 'life_stage' });
    expect(offered(d)).toContain('LN-EDU');
  });

  it('the education loan ranks above a generic mortgage thanks to the life-stage match', () => {
    const generic = CATALOGUE.map((p) => (p.code === 'LN-MORTGAGE' ? { ...p, lifeStages: [] as LifeStage[], minAge: 18 } : p));
    const d = rankOffers(generic, student, { ...CTX, serviceCode: 'D', maxOffers: 10 });
    const rank = (code: string) => d.offers.find((o) => o.productCode === code)!.rank;
    expect(rank('LN-EDU')).toBeLessThan(rank('LN-MORTGAGE'));
    const edu = d.offers.find((o) => o.productCode === 'LN-EDU')!;
    expect(edu.reasons).toContainEqual({ code: 'life_stage_match', params: { stage: 'student' } });
    expect(edu.factors.propensity).toBeCloseTo(0.06 * 2);
  });

  it('married customers get the mortgage and property insurance', () => {
    const d = rankOffers(CATALOGUE, customer({ age: 32, lifeStage: 'married' }), { ...CTX, serviceCode: 'D', maxOffers: 10 });
    expect(offered(d)).toEqual(expect.arrayContaining(['LN-MORTGAGE', 'INS-PROPERTY']));
    expect(offered(d)).not.toContain('LN-EDU');
  });
});

describe('suitability', () => {
  it('an overdue customer never gets a credit product', () => {
    for (const lifeStage of ['student', 'graduate', 'married', 'adult', 'retiree'] as const) {
      for (const serviceCode of ['A', 'D']) {
        const d = rankOffers(
          CATALOGUE,
          customer({ age: 30, lifeStage, hasOverdue: true, riskTolerance: 5, tier: 'gold' }),
          { ...CTX, serviceCode, maxOffers: 10 },
        );
        const credit = CATALOGUE.filter((p) => p.isCredit).map((p) => p.code);
        for (const code of credit) expect(offered(d)).not.toContain(code);
        expectAccountedFor(d, CATALOGUE);
      }
    }
  });

  it('the credit drop is recorded at suitability', () => {
    const d = rankOffers(CATALOGUE, customer({ hasOverdue: true }), { ...CTX, maxOffers: 10 });
    expect(d.dropped).toContainEqual({ productCode: 'CC-STD', stage: 'suitability', rule: 'credit_while_overdue' });
    expect(d.dropped).toContainEqual({ productCode: 'LN-CONSUMER', stage: 'suitability', rule: 'credit_while_overdue' });
    // non-credit products are still offered
    expect(offered(d)).toContain('TD-1Y');
  });

  it('products above the risk tolerance are dropped at suitability', () => {
    const d = rankOffers(CATALOGUE, customer({ riskTolerance: 2 }), { ...CTX, maxOffers: 10 });
    expect(d.dropped).toContainEqual({ productCode: 'WM-R4', stage: 'suitability', rule: 'risk_above_tolerance' });
    expect(d.dropped).toContainEqual({ productCode: 'FD-EQUITY', stage: 'suitability', rule: 'risk_above_tolerance' });
    // at the tolerance is fine
    expect(offered(d)).toContain('WM-R2');
    for (const o of d.offers) expect(CATALOGUE.find((p) => p.code === o.productCode)!.riskLevel).toBeLessThanOrEqual(2);
  });

  it('a conservative customer gets only R1', () => {
    const d = rankOffers(CATALOGUE, customer({ riskTolerance: 1 }), { ...CTX, maxOffers: 10 });
    expect(d.dropped).toContainEqual({ productCode: 'WM-R2', stage: 'suitability', rule: 'risk_above_tolerance' });
  });
});

describe('applicability', () => {
  it('products already held are dropped at applicability', () => {
    const d = rankOffers(
      CATALOGUE,
      customer({ heldProductCodes: new Set(['TD-1Y', 'WM-R2']), heldCategories: new Set(['time_deposit', 'wealth']) }),
      { ...CTX, maxOffers: 10 },
    );
    expect(d.dropped).toContainEqual({ productCode: 'TD-1Y', stage: 'applicability', rule: 'already_held' });
    expect(d.dropped).toContainEqual({ productCode: 'WM-R2', stage: 'applicability', rule: 'already_held' });
    expect(offered(d)).not.toContain('TD-1Y');
    expect(offered(d)).not.toContain('WM-R2');
  });

  it('each product drops at the first stage that fails (held beats risk)', () => {
    const d = rankOffers(
      [product('WM-R4', 'wealth', { riskLevel: 4 })],
      customer({ riskTolerance: 1, heldProductCodes: new Set(['WM-R4']) }),
      CTX,
    );
    expect(d.dropped).toEqual([{ productCode: 'WM-R4', stage: 'applicability', rule: 'already_held' }]);
  });
});

describe('arbitration and ranking', () => {
  const adult = customer({ age: 40, lifeStage: 'adult' });

  it('respects maxOffers and drops the rest at arbitration', () => {
    for (const maxOffers of [1, 2, 3, 5]) {
      const d = rankOffers(CATALOGUE, adult, { ...CTX, maxOffers });
      expect(d.offers).toHaveLength(maxOffers);
      expect(d.offers.map((o) => o.rank)).toEqual(Array.from({ length: maxOffers }, (_, i) => i + 1));
      expectAccountedFor(d, CATALOGUE);
    }
    const all = rankOffers(CATALOGUE, adult, { ...CTX, maxOffers: 10 });
    const three = rankOffers(CATALOGUE, adult, { ...CTX, maxOffers: 3 });
    const belowTopN = three.dropped.filter((x) => x.stage === 'arbitration');
    expect(belowTopN).toHaveLength(all.offers.length - 3);
    for (const x of belowTopN) expect(x.rule).toBe('below_top_n');
    expect(offered(three)).toEqual(offered(all).slice(0, 3));
  });

  it('fewer candidates than maxOffers -> all of them, nothing at arbitration', () => {
    const d = rankOffers([product('TD-1Y', 'time_deposit')], adult, { ...CTX, maxOffers: 3 });
    expect(offered(d)).toEqual(['TD-1Y']);
    expect(d.dropped).toEqual([]);
  });

  it('orders by score, highest first; score = propensity x context x value x lever', () => {
    const d = rankOffers(CATALOGUE, adult, { ...CTX, maxOffers: 10 });
    const scores = d.offers.map((o) => o.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const o of d.offers) {
      const f = o.factors;
      expect(o.score).toBeCloseTo(f.propensity * f.context * f.value * f.lever, 12);
    }
  });

  it('known scores: visit context and lever move a product up', () => {
    const products = [
      product('TD', 'time_deposit', { basePropensity: 0.1, value: 1 }), // 0.1 x 1.4 = 0.14
      product('CC', 'credit_card', { basePropensity: 0.12, value: 1 }), // 0.12
      product('FD', 'fund', { basePropensity: 0.1, value: 1, lever: 1.3 }), // 0.13
    ];
    const d = rankOffers(products, adult, { ...CTX, serviceCode: 'A' });
    expect(offered(d)).toEqual(['TD', 'FD', 'CC']);
    expect(d.offers[0]!.score).toBeCloseTo(0.14);
    expect(d.offers[0]!.factors.context).toBe(1.4);
    expect(d.offers[0]!.reasons).toContainEqual({ code: 'visit_context', params: { serviceCode: 'A' } });
    // without the visit context, the credit card is ahead of the time deposit
    const e = rankOffers(products, adult, { ...CTX, serviceCode: 'B' });
    expect(offered(e)).toEqual(['FD', 'CC', 'TD']);
  });

  it('ties are broken by product code, so the order is stable', () => {
    const products = [product('B', 'fund'), product('C', 'fund'), product('A', 'fund')];
    expect(offered(rankOffers(products, adult, CTX))).toEqual(['A', 'B', 'C']);
  });

  it('a maturing product boosts reinvestment products and says why', () => {
    const products = [product('WM', 'wealth', { basePropensity: 0.1 }), product('DC', 'debit_card', { basePropensity: 0.12 })];
    const d = rankOffers(products, customer({ maturingProductCodes: ['TD-1Y'] }), { ...CTX, serviceCode: 'Z' });
    expect(offered(d)).toEqual(['WM', 'DC']);
    const wm = d.offers[0]!;
    expect(wm.factors.propensity).toBeCloseTo(0.15);
    expect(wm.reasons).toContainEqual({ code: 'maturity_reinvest', params: { count: 1 } });
  });

  it('reasons: category not held, tier privilege for top / gold on high-value products', () => {
    const products = [product('WM-HI', 'wealth', { value: 1.8 }), product('WM-LO', 'wealth', { value: 1.0 })];
    const gold = rankOffers(products, customer({ tier: 'gold', heldCategories: new Set(['time_deposit']) }), CTX);
    const hi = gold.offers.find((o) => o.productCode === 'WM-HI')!;
    const lo = gold.offers.find((o) => o.productCode === 'WM-LO')!;
    expect(hi.reasons).toContainEqual({ code: 'category_not_held', params: { category: 'wealth' } });
    expect(hi.reasons).toContainEqual({ code: 'tier_privilege', params: { tier: 'gold' } });
    expect(lo.reasons.map((r) => r.code)).not.toContain('tier_privilege');
    const general = rankOffers(products, customer({ tier: 'general', heldCategories: new Set(['wealth']) }), CTX);
    for (const o of general.offers) {
      expect(o.reasons.map((r) => r.code)).not.toContain('tier_privilege');
      expect(o.reasons.map((r) => r.code)).not.toContain('category_not_held');
    }
  });

  it('every offer carries its category, factors and at least an explanation list', () => {
    const d = rankOffers(CATALOGUE, adult, { ...CTX, maxOffers: 10 });
    for (const o of d.offers) {
      expect(CATALOGUE.find((p) => p.code === o.productCode)!.category).toBe(o.category);
      expect(Array.isArray(o.reasons)).toBe(true);
      expect(o.score).toBeGreaterThan(0);
    }
  });

  it('each dropped product has a stage, in every scenario', () => {
    const scenarios: OfferCustomer[] = [
      adult,
      customer({ marketingConsent: false }),
      customer({ age: 19, lifeStage: 'student', riskTolerance: 1, hasOverdue: true }),
      customer({ age: 70, lifeStage: 'retiree', heldProductCodes: new Set(['TD-1Y', 'DD-SAVE']) }),
    ];
    for (const c of scenarios) {
      for (const maxOffers of [1, 3, 10]) expectAccountedFor(rankOffers(CATALOGUE, c, { ...CTX, maxOffers }), CATALOGUE);
    }
  });
});
