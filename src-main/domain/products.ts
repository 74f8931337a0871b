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
