/**
 * Customer value tiers (top / gold / general / drop), stars 1-5 and the key-customer rule
 * (deposits > N ten-thousand CNY, or loans > N with no overdue in the last N years; N set per bank).
 * Thresholds are branch configuration (see branch-config.ts), never constants here.
 */
import type { ProductCategory } from './products';
import { yuanToFen } from './money';

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
  /** Integer fen. */
  amountFen: number;
}

/** Sums in integer fen. */
export interface CustomerTotals {
  aumFen: number;
  depositsFen: number;
  loansFen: number;
}

export function totalsOf(holdings: readonly HoldingAmount[]): CustomerTotals {
  let aumFen = 0;
  let depositsFen = 0;
  let loansFen = 0;
  for (const h of holdings) {
    if (ASSET_CATEGORIES.includes(h.category)) aumFen += h.amountFen;
    if (DEPOSIT_CATEGORIES.includes(h.category)) depositsFen += h.amountFen;
    if (h.category === 'loan') loansFen += h.amountFen;
  }
  return { aumFen, depositsFen, loansFen };
}

/** The tier of an AUM in fen (the rules' thresholds are yuan). */
export function tierFor(aumFen: number, rules: TieringRules): Tier {
  if (aumFen >= yuanToFen(rules.tierMinAum.top)) return 'top';
  if (aumFen >= yuanToFen(rules.tierMinAum.gold)) return 'gold';
  if (aumFen >= yuanToFen(rules.tierMinAum.general)) return 'general';
  return 'drop';
}

export function starsFor(aumFen: number, rules: TieringRules): 1 | 2 | 3 | 4 | 5 {
  let stars: 1 | 2 | 3 | 4 | 5 = 1;
  rules.starMinAum.forEach((min, i) => {
    if (aumFen >= yuanToFen(min)) stars = (i + 2) as 2 | 3 | 4 | 5;
  });
  return stars;
}

export interface KeyCustomerFacts {
  /** Integer fen. */
  depositsFen: number;
  /** Integer fen. */
  loansFen: number;
  /** Last date (YYYY-MM-DD) anything was overdue, or null. */
  lastOverdueOn: string | null;
  /** Today, YYYY-MM-DD in the branch time zone. */
  today: string;
}

export type KeyCustomerReason = 'deposits' | 'loans' | null;

/** Which arm of the key-customer rule matched, or null. */
export function keyCustomerReason(f: KeyCustomerFacts, rules: TieringRules): KeyCustomerReason {
  const k = rules.keyCustomer;
  if (f.depositsFen > yuanToFen(k.depositOverWan * 10_000)) return 'deposits';
  if (f.loansFen > yuanToFen(k.loanOverWan * 10_000)) {
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
