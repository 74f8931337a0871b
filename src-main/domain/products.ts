/** Product categories and catalogue shape, shared by hub, offer ranking and screens. */

export type ProductCategory =
  | 'demand_deposit'
  | 'time_deposit'
  | 'wealth'
  | 'fund'
  | 'insurance'
  | 'loan'
  | 'credit_card'
  | 'debit_card';

export const PRODUCT_CATEGORIES: readonly ProductCategory[] = [
  'demand_deposit',
  'time_deposit',
  'wealth',
  'fund',
  'insurance',
  'loan',
  'credit_card',
  'debit_card',
];

export type LifeStage = 'student' | 'graduate' | 'married' | 'retiree' | 'adult';
export const LIFE_STAGES: readonly LifeStage[] = ['student', 'graduate', 'married', 'retiree', 'adult'];

export interface Product {
  code: string;
  category: ProductCategory;
  name: { 'zh-CN': string; en: string };
  /** Product risk level R1 (lowest) .. R5; a customer may be offered only up to their tolerance. */
  riskLevel: 1 | 2 | 3 | 4 | 5;
  /** Extends credit (loans, credit cards): never offered to a customer with an overdue. */
  isCredit: boolean;
  /** Life stages this product is made for; empty = any. */
  lifeStages: LifeStage[];
  minAge: number;
  maxAge: number;
  /** Prior propensity P0 (0..1) before our own outcomes are known. */
  basePropensity: number;
  /** Relative value to the bank (1 = average). */
  value: number;
  /** Business lever set by the branch to push or hold a product (1 = neutral). */
  lever: number;
  active: boolean;
  /** A head-office campaign pushing the product today (its lever is in `lever`); the card says so. */
  campaign?: { id: string; name: { 'zh-CN': string; en: string } };
}

/** Head office's lever for a product (bundles): it replaces the feed's lever, and may hold the product (active false). */
export interface ProductLever {
  code: string;
  lever?: number;
  active?: boolean;
}

/** A head-office campaign (bundles): its products' levers multiplied by `lever` from `startsOn` to `endsOn` (both included, branch dates). */
export interface Campaign {
  id: string;
  name: { 'zh-CN': string; en: string };
  products: string[];
  lever: number;
  startsOn: string;
  endsOn: string;
}

/**
 * The catalogue as the lobby ranks it today: the feed's products with head office's levers laid
 * over them, and each product's lever multiplied by every campaign running today that pushes it
 * (the strongest campaign is the one the card names).
 */
export function catalogueToday(products: readonly Product[], levers: readonly ProductLever[], campaigns: readonly Campaign[], today: string): Product[] {
  const byCode = new Map(levers.map((l) => [l.code, l]));
  const running = campaigns.filter((c) => c.startsOn <= today && today <= c.endsOn);
  return products.map((p) => {
    const o = byCode.get(p.code);
    const mine = running.filter((c) => c.products.includes(p.code)).sort((a, b) => b.lever - a.lever || a.id.localeCompare(b.id));
    if (!o && !mine.length) return p;
    const lever = mine.reduce((l, c) => l * c.lever, o?.lever ?? p.lever);
    return {
      ...p,
      lever,
      active: o?.active ?? p.active,
      ...(mine[0] ? { campaign: { id: mine[0].id, name: mine[0].name } } : {}),
    };
  });
}

export interface CustomerProfileFacts {
  birthDate: string; // YYYY-MM-DD
  maritalStatus: 'single' | 'married' | 'divorced' | 'widowed';
  occupation: 'student' | 'employee' | 'self_employed' | 'retired' | 'civil_servant' | 'other';
}

/** Whole years between an ISO birth date and an ISO today. */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  let age = ty - by;
  if (tm < bm || (tm === bm && td < bd)) age--;
  return age;
}

/** Life stage from occupation, age and marital status (student, graduate, married, retiree, adult: each has its typical product needs). */
export function lifeStageOf(p: CustomerProfileFacts, today: string): LifeStage {
  const age = ageOn(p.birthDate, today);
  if (p.occupation === 'student') return 'student';
  if (p.occupation === 'retired' || age >= 60) return 'retiree';
  if (p.maritalStatus === 'married') return 'married';
  if (age <= 30) return 'graduate';
  return 'adult';
}
