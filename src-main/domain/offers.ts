/**
 * Offer ranking for the lobby manager's customer card: a pipeline of small stages
 * (candidates -> eligibility -> applicability -> suitability -> arbitration), each a pure function,
 * every drop-out recorded with its stage so a decision can be explained afterwards.
 */
import type { LifeStage, Product, ProductCategory } from './products';

export type OfferStage = 'candidate' | 'eligibility' | 'applicability' | 'suitability' | 'arbitration';

export type ReasonCode =
  | 'life_stage_match'
  | 'visit_context'
  | 'category_not_held'
  | 'maturity_reinvest'
  | 'tier_privilege';

export interface OfferReason {
  code: ReasonCode;
  params: Record<string, string | number>;
}

export interface OfferCustomer {
  age: number;
  lifeStage: LifeStage;
  /** Risk tolerance from the suitability (适当性) assessment, 1..5. */
  riskTolerance: number;
  marketingConsent: boolean;
  /** Anything overdue now or within the key-customer window. */
  hasOverdue: boolean;
  tier: 'top' | 'gold' | 'general' | 'drop';
  heldProductCodes: ReadonlySet<string>;
  heldCategories: ReadonlySet<ProductCategory>;
  /** Products maturing soon (a reinvestment moment). */
  maturingProductCodes: readonly string[];
}

export interface OfferContext {
  /** Service the customer chose at the kiosk. */
  serviceCode: string;
  contextWeights: Record<string, Record<string, number>>;
  lifeStageBoost: number;
  maxOffers: number;
}

export interface RankedOffer {
  productCode: string;
  category: ProductCategory;
  rank: number;
  score: number;
  factors: { propensity: number; context: number; value: number; lever: number };
  reasons: OfferReason[];
}

export interface DroppedOffer {
  productCode: string;
  stage: OfferStage;
  rule: string;
}

export interface OfferDecision {
  offers: RankedOffer[];
  dropped: DroppedOffer[];
  /** True when marketing consent is withdrawn: service information only. */
  serviceOnly: boolean;
}

type Check = (p: Product, c: OfferCustomer) => string | null;

const eligibility: Check = (p, c) => {
  if (!c.marketingConsent) return 'no_marketing_consent';
  if (c.age < p.minAge || c.age > p.maxAge) return 'age';
  return null;
};

const applicability: Check = (p, c) => {
  if (c.heldProductCodes.has(p.code)) return 'already_held';
  if (p.lifeStages.length > 0 && !p.lifeStages.includes(c.lifeStage)) return 'life_stage';
  return null;
};

const suitability: Check = (p, c) => {
  if (p.riskLevel > c.riskTolerance) return 'risk_above_tolerance';
  if (p.isCredit && c.hasOverdue) return 'credit_while_overdue';
  return null;
};

const STAGES: [OfferStage, Check][] = [
  ['eligibility', eligibility],
  ['applicability', applicability],
  ['suitability', suitability],
];

export function rankOffers(products: readonly Product[], customer: OfferCustomer, ctx: OfferContext): OfferDecision {
  const dropped: DroppedOffer[] = [];
  const scored: Omit<RankedOffer, 'rank'>[] = [];
  for (const p of products) {
    if (!p.active) {
      dropped.push({ productCode: p.code, stage: 'candidate', rule: 'inactive' });
      continue;
    }
    let failed = false;
    for (const [stage, check] of STAGES) {
      const rule = check(p, customer);
      if (rule) {
        dropped.push({ productCode: p.code, stage, rule });
        failed = true;
        break;
      }
    }
    if (failed) continue;

    const reasons: OfferReason[] = [];
    const lifeStageMatch = p.lifeStages.includes(customer.lifeStage);
    if (lifeStageMatch) reasons.push({ code: 'life_stage_match', params: { stage: customer.lifeStage } });
    const context = ctx.contextWeights[ctx.serviceCode]?.[p.category] ?? 1;
    if (context > 1) reasons.push({ code: 'visit_context', params: { serviceCode: ctx.serviceCode } });
    if (!customer.heldCategories.has(p.category)) reasons.push({ code: 'category_not_held', params: { category: p.category } });
    const reinvest =
      customer.maturingProductCodes.length > 0 && (p.category === 'wealth' || p.category === 'time_deposit' || p.category === 'fund');
    if (reinvest) reasons.push({ code: 'maturity_reinvest', params: { count: customer.maturingProductCodes.length } });
    if ((customer.tier === 'top' || customer.tier === 'gold') && p.value >= 1.5) {
      reasons.push({ code: 'tier_privilege', params: { tier: customer.tier } });
    }

    const propensity = p.basePropensity * (lifeStageMatch ? ctx.lifeStageBoost : 1) * (reinvest ? 1.5 : 1);
    const factors = { propensity, context, value: p.value, lever: p.lever };
    const score = propensity * context * p.value * p.lever;
    scored.push({ productCode: p.code, category: p.category, score, factors, reasons });
  }
  scored.sort((a, b) => b.score - a.score || a.productCode.localeCompare(b.productCode));
  const offers = scored.slice(0, ctx.maxOffers).map((o, i) => ({ ...o, rank: i + 1 }));
  for (const o of scored.slice(ctx.maxOffers)) dropped.push({ productCode: o.productCode, stage: 'arbitration', rule: 'below_top_n' });
  return { offers, dropped, serviceOnly: !customer.marketingConsent };
}
