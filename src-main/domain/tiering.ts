/**
 * Customer value tiers (top / gold / general / drop), stars 1-5 and the key-customer rule
 * (deposits > N ten-thousand CNY, or loans > N with no overdue in the last N years; N set per bank).
 * Thresholds are branch configuration (see branch-config.ts), never constants here.
 */
import type { ProductCategory } from './products';

export type Tier = 'top' | 'gold' | 'general' | 'drop';
export const TIERS: readonly Tier[] = ['top', 'gold', 'general', 'drop'];

export interface TieringRules {
  /** Minimum AUM (CNY) for each tier; below `general` a customer is `drop`. */
  tierMinAum: { top: number; gold: number; general: number };
  /** Minimum AUM (CNY) for 2, 3, 4 and 5 stars; below the first, 1 star. Ascending. */
  starMinAum: [number, number, number, number];
  keyCustomer: {
    /** Deposits strictly above this many ten-thousand CNY make a key customer. */
    depositOverWan: number;
    /** Loans strictly above this many ten-thousand CNY make a key customer ... */
    loanOverWan: number;
    /** ... provided nothing was overdue within this many years. */
    noOverdueYears: number;
  };
}

/** Categories counted as assets under management (AUM). Loans and credit cards are not. */
export const ASSET_CATEGORIES: readonly ProductCategory[] = [
  'demand_deposit',
  'time_deposit',
  'wealth',
  'fund',
  'insurance',
];
export const DEPOSIT_CATEGORIES: readonly ProductCategory[] = ['demand_deposit', 'time_deposit'];

export interface HoldingAmount {
  category: ProductCategory;
  amount: number;
}

export interface CustomerTotals {
  aum: number;
  deposits: number;
  loans: number;
}

export function totalsOf(holdings: readonly HoldingAmount[]): CustomerTotals {
  let aum = 0;
  let deposits = 0;
  let loans = 0;
  for (const h of holdings) {
    if (ASSET_CATEGORIES.includes(h.category)) aum += h.amount;
    if (DEPOSIT_CATEGORIES.includes(h.category)) deposits += h.amount;
    if (h.category === 'loan') loans += h.amount;
  }
  return { aum, deposits, loans };
}

export function tierFor(aum: number, rules: TieringRules): Tier {
  if (aum >= rules.tierMinAum.top) return 'top';
  if (aum >= rules.tierMinAum.gold) return 'gold';
  if (aum >= rules.tierMinAum.general) return 'general';
  return 'drop';
}

export function starsFor(aum: number, rules: TieringRules): 1 | 2 | 3 | 4 | 5 {
  let stars: 1 | 2 | 3 | 4 | 5 = 1;
  rules.starMinAum.forEach((min, i) => {
    if (aum >= min) stars = (i + 2) as 2 | 3 | 4 | 5;
  });
  return stars;
}

export interface KeyCustomerFacts {
  deposits: number;
  loans: number;
  /** Last date (YYYY-MM-DD) anything was overdue, or null. */
  lastOverdueOn: string | null;
  /** Today, YYYY-MM-DD in the branch time zone. */
  today: string;
}

export type KeyCustomerReason = 'deposits' | 'loans' | null;

/** Which arm of the key-customer rule matched, or null. */
export function keyCustomerReason(f: KeyCustomerFacts, rules: TieringRules): KeyCustomerReason {
  const k = rules.keyCustomer;
  if (f.deposits > k.depositOverWan * 10_000) return 'deposits';
  if (f.loans > k.loanOverWan * 10_000) {
    if (f.lastOverdueOn === null) return 'loans';
    const cutoff = shiftYears(f.today, -k.noOverdueYears);
    if (f.lastOverdueOn < cutoff) return 'loans';
  }
  return null;
}

/** VIP is what the teller must see at once: top or gold tier, or a key customer. */
export function isVip(tier: Tier, keyCustomer: boolean): boolean {
  return keyCustomer || tier === 'top' || tier === 'gold';
}

/** Adds whole years to an ISO date (YYYY-MM-DD), clamping 29 Feb. */
export function shiftYears(isoDate: string, years: number): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y + years, m - 1, d));
  if (date.getUTCMonth() !== m - 1) date.setUTCDate(0);
  return date.toISOString().slice(0, 10);
}
