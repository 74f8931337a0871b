/**
 * Offer ranking for the lobby manager's customer card: a pipeline of small stages
 * (candidates -> eligibility -> applicability -> suitability -> arbitration), each a pure function,
 * every drop-out recorded with its stage so a decision can be explained afterwards.
 */
import type { LifeStage, Product, ProductCategory } from './products';

export type OfferStage = 'candidate' | 'eligibility' | 'applicability' | 'suitability' | 'contact_policy' | 'arbitration';

export type ReasonCode =
  | 'life_stage_match'
  | 'visit_context'
  | 'category_not_held'
  | 'maturity_reinvest'
  | 'tier_privilege'
  | 'campaign'
  | 'random_arm';

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
  /** Residency: non-residents get only products open to them (none of the credit products). */
  resident?: boolean;
  /** Products the customer has applied for and that are still being processed. */
  openApplicationCodes?: ReadonlySet<string>;
  /**
   * A credit warning is open (an overdue, a loan classification downgrade): while it is, products of
   * a risk level above `creditWarningMaxRisk` are held back (branch rules `offers.creditWarningMaxRisk`).
   */
  creditWarning?: boolean;
  creditWarningMaxRisk?: number;
  /** The risk assessment (风险测评) is missing or older than the branch allows: no investment of risk 2 or more. */
  riskAssessmentExpired?: boolean;
}

export interface OfferContext {
  /** Service the customer chose at the kiosk. */
  serviceCode: string;
  contextWeights: Record<string, Record<string, number>>;
  lifeStageBoost: number;
  maxOffers: number;
  /** Prior boost of a reinvestment offer (something the customer holds is maturing); default 1.5. */
  reinvestBoost?: number;
  /** The "tier privilege" reason: tiers and the least product value it applies to; default top and gold, 1.5. */
  tierPrivilege?: { tiers: readonly string[]; minValue: number };
  /**
   * Learned propensity: given the product and its prior P0 (base x life-stage / reinvestment boosts),
   * the estimate to rank with (see propensity.ts). Omitted: the prior itself.
   */
  propensity?: (productCode: string, prior: number) => number;
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

export type Check = (p: Product, c: OfferCustomer) => string | null;

/** Hard rules: marketing consent, age, residency. */
export const eligibility: Check = (p, c) => {
  if (!c.marketingConsent) return 'no_marketing_consent';
  if (c.age < p.minAge || c.age > p.maxAge) return 'age';
  if (c.resident === false && p.isCredit) return 'residency';
  return null;
};

/** Would it make sense: not held, not already applied for, made for this life stage. */
export const applicability: Check = (p, c) => {
  if (c.heldProductCodes.has(p.code)) return 'already_held';
  if (c.openApplicationCodes?.has(p.code)) return 'open_application';
  if (p.lifeStages.length > 0 && !p.lifeStages.includes(c.lifeStage)) return 'life_stage';
  return null;
};

/**
 * A risk assessment (风险测评) is valid for `validDays` days from the day it was taken; none at all
 * counts as expired. Dates are business dates (YYYY-MM-DD) in the branch's time zone.
 */
export function riskAssessmentExpired(assessedOn: string | null | undefined, today: string, validDays: number): boolean {
  if (!assessedOn) return true;
  const ms = Date.parse(`${today}T00:00:00Z`) - Date.parse(`${assessedOn}T00:00:00Z`);
  return !(ms / 86_400_000 < validDays);
}

const INVESTMENT: ReadonlySet<ProductCategory> = new Set(['wealth', 'fund']);

/**
 * Is it right for them (适当性): an investment needs a valid risk assessment; risk within tolerance;
 * no credit while overdue; no risky product while a credit warning is open.
 */
export const suitability: Check = (p, c) => {
  if (c.riskAssessmentExpired && INVESTMENT.has(p.category) && p.riskLevel >= 2) return 'risk_assessment_expired';
  if (p.riskLevel > c.riskTolerance) return 'risk_above_tolerance';
  if (p.isCredit && c.hasOverdue) return 'credit_while_overdue';
  if (c.creditWarning && p.riskLevel > (c.creditWarningMaxRisk ?? 5)) return 'credit_warning';
  return null;
};

export const STAGES: readonly [OfferStage, Check][] = [
  ['eligibility', eligibility],
  ['applicability', applicability],
  ['suitability', suitability],
];

/** The first stage and rule a product fails at, or null when it passes every hard stage. */
export function firstFailure(p: Product, c: OfferCustomer): { stage: OfferStage; rule: string } | null {
  if (!p.active) return { stage: 'candidate', rule: 'inactive' };
  for (const [stage, check] of STAGES) {
    const rule = check(p, c);
    if (rule) return { stage, rule };
  }
  return null;
}

/** Scores a product that passed the hard stages: priority = propensity x context x value x lever, with reasons. */
export function scoreOffer(p: Product, customer: OfferCustomer, ctx: OfferContext): Omit<RankedOffer, 'rank'> {
  const reasons: OfferReason[] = [];
  const lifeStageMatch = p.lifeStages.includes(customer.lifeStage);
  if (lifeStageMatch) reasons.push({ code: 'life_stage_match', params: { stage: customer.lifeStage } });
  const context = ctx.contextWeights[ctx.serviceCode]?.[p.category] ?? 1;
  if (context > 1) reasons.push({ code: 'visit_context', params: { serviceCode: ctx.serviceCode } });
  if (!customer.heldCategories.has(p.category)) reasons.push({ code: 'category_not_held', params: { category: p.category } });
  const reinvest =
    customer.maturingProductCodes.length > 0 && (p.category === 'wealth' || p.category === 'time_deposit' || p.category === 'fund');
  if (reinvest) reasons.push({ code: 'maturity_reinvest', params: { count: customer.maturingProductCodes.length } });
  const privilege = ctx.tierPrivilege ?? { tiers: ['top', 'gold'], minValue: 1.5 };
  if (privilege.tiers.includes(customer.tier) && p.value >= privilege.minValue) {
    reasons.push({ code: 'tier_privilege', params: { tier: customer.tier } });
  }
  if (p.campaign) reasons.push({ code: 'campaign', params: { id: p.campaign.id, nameZh: p.campaign.name['zh-CN'], nameEn: p.campaign.name.en } });
  const prior = p.basePropensity * (lifeStageMatch ? ctx.lifeStageBoost : 1) * (reinvest ? (ctx.reinvestBoost ?? 1.5) : 1);
  const propensity = ctx.propensity ? ctx.propensity(p.code, prior) : prior;
  const factors = { propensity, context, value: p.value, lever: p.lever };
  const score = propensity * context * p.value * p.lever;
  return { productCode: p.code, category: p.category, score, factors, reasons };
}

/** Arbitration: highest priority first (ties by code), top N kept, the rest dropped with `below_top_n`. */
export function arbitrate(
  scored: readonly Omit<RankedOffer, 'rank'>[],
  maxOffers: number,
): { offers: RankedOffer[]; dropped: DroppedOffer[] } {
  const sorted = [...scored].sort((a, b) => b.score - a.score || a.productCode.localeCompare(b.productCode));
  const offers = sorted.slice(0, maxOffers).map((o, i) => ({ ...o, rank: i + 1 }));
  const dropped = sorted.slice(maxOffers).map<DroppedOffer>((o) => ({ productCode: o.productCode, stage: 'arbitration', rule: 'below_top_n' }));
  return { offers, dropped };
}
