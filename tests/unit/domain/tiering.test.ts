import { describe, expect, it } from 'vitest';
import {
  ASSET_CATEGORIES,
  DEPOSIT_CATEGORIES,
  isVip,
  keyCustomerReason,
  shiftYears,
  starsFor,
  tierFor,
  TIERS,
  totalsOf,
  type KeyCustomerFacts,
  type TieringRules,
} from '@domain/tiering';
import { DEFAULT_BRANCH_RULES } from '@domain/branch-config';

/** Yuan as fen (money is integer fen; the rules' thresholds are yuan). */
const fen = (yuan: number) => Math.round(yuan * 100);

const RULES: TieringRules = {
  tierMinAum: { top: 6_000_000, gold: 500_000, general: 1_000 },
  starMinAum: [50_000, 200_000, 1_000_000, 6_000_000],
  keyCustomer: { depositOverWan: 50, loanOverWan: 100, noOverdueYears: 2 },
};

describe('tierFor', () => {
  it.each([
    [100_000_000, 'top'],
    [6_000_000, 'top'],
    [5_999_999.99, 'gold'],
    [500_000, 'gold'],
    [499_999.99, 'general'],
    [1_000, 'general'],
    [999.99, 'drop'],
    [0, 'drop'],
    [-5_000, 'drop'],
  ] as const)('AUM %d -> %s', (aum, tier) => {
    expect(tierFor(fen(aum), RULES)).toBe(tier);
  });

  it('compares integer fen with thresholds in yuan: one fen below is the tier below', () => {
    expect(tierFor(600_000_000, RULES)).toBe('top');
    expect(tierFor(599_999_999, RULES)).toBe('gold');
  });

  it('follows the branch configuration, not constants', () => {
    const strict = { ...RULES, tierMinAum: { top: 10_000_000, gold: 1_000_000, general: 0 } };
    expect(tierFor(fen(6_000_000), strict)).toBe('gold');
    expect(tierFor(0, strict)).toBe('general');
  });

  it('lists the four tiers best first', () => {
    expect(TIERS).toEqual(['top', 'gold', 'general', 'drop']);
  });
});

describe('starsFor', () => {
  it.each([
    [0, 1],
    [49_999.99, 1],
    [50_000, 2],
    [199_999, 2],
    [200_000, 3],
    [999_999, 3],
    [1_000_000, 4],
    [5_999_999, 4],
    [6_000_000, 5],
    [1e9, 5],
    [-1, 1],
  ] as const)('AUM %d -> %d stars', (aum, stars) => {
    expect(starsFor(fen(aum), RULES)).toBe(stars);
  });
});

describe('totalsOf', () => {
  it('counts deposits, wealth, funds and insurance as AUM; loans apart; cards not at all', () => {
    const t = totalsOf([
      { category: 'demand_deposit', amountFen: 10_000 },
      { category: 'time_deposit', amountFen: 200_000 },
      { category: 'wealth', amountFen: 300_000 },
      { category: 'fund', amountFen: 50_000 },
      { category: 'insurance', amountFen: 20_000 },
      { category: 'loan', amountFen: 1_500_000 },
      { category: 'loan', amountFen: 100_000 },
      { category: 'credit_card', amountFen: 30_000 },
      { category: 'debit_card', amountFen: 999 },
    ]);
    expect(t).toEqual({ aumFen: 580_000, depositsFen: 210_000, loansFen: 1_600_000 });
  });

  it('is zero for no holdings', () => {
    expect(totalsOf([])).toEqual({ aumFen: 0, depositsFen: 0, loansFen: 0 });
  });

  it('category lists', () => {
    expect([...DEPOSIT_CATEGORIES].sort()).toEqual(['demand_deposit', 'time_deposit']);
    for (const c of DEPOSIT_CATEGORIES) expect(ASSET_CATEGORIES).toContain(c);
    expect(ASSET_CATEGORIES).not.toContain('loan');
    expect(ASSET_CATEGORIES).not.toContain('credit_card');
  });
});

describe('keyCustomerReason', () => {
  const today = '2026-06-15';
  const facts = (f: Partial<KeyCustomerFacts>): KeyCustomerFacts => ({
    depositsFen: 0,
    loansFen: 0,
    lastOverdueOn: null,
    today,
    ...f,
  });

  describe('deposit arm: deposits > N ten-thousand CNY', () => {
    it('one fen above N is enough', () => {
      expect(keyCustomerReason(facts({ depositsFen: 50_000_001 }), RULES)).toBe('deposits');
      expect(keyCustomerReason(facts({ depositsFen: 50_000_000 }), RULES)).toBeNull();
    });

    it('matches strictly above N', () => {
      expect(keyCustomerReason(facts({ depositsFen: fen(500_001) }), RULES)).toBe('deposits');
      expect(keyCustomerReason(facts({ depositsFen: fen(500_000) }), RULES)).toBeNull();
      expect(keyCustomerReason(facts({ depositsFen: fen(499_999) }), RULES)).toBeNull();
    });

    it('is not affected by an overdue', () => {
      expect(keyCustomerReason(facts({ depositsFen: fen(600_000), lastOverdueOn: '2026-06-01' }), RULES)).toBe('deposits');
    });

    it('wins when both arms match', () => {
      expect(keyCustomerReason(facts({ depositsFen: fen(600_000), loansFen: fen(2_000_000) }), RULES)).toBe('deposits');
    });
  });

  describe('loan arm: loans > N with no overdue in the last N years', () => {
    it('matches strictly above N with a clean record', () => {
      expect(keyCustomerReason(facts({ loansFen: fen(1_000_001) }), RULES)).toBe('loans');
      expect(keyCustomerReason(facts({ loansFen: fen(1_000_000) }), RULES)).toBeNull();
    });

    it('an overdue inside the window disqualifies', () => {
      expect(keyCustomerReason(facts({ loansFen: fen(2_000_000), lastOverdueOn: '2026-06-14' }), RULES)).toBeNull();
      expect(keyCustomerReason(facts({ loansFen: fen(2_000_000), lastOverdueOn: '2025-01-01' }), RULES)).toBeNull();
      // exactly N years ago still counts as within the last N years
      expect(keyCustomerReason(facts({ loansFen: fen(2_000_000), lastOverdueOn: '2024-06-15' }), RULES)).toBeNull();
    });

    it('an overdue outside the window does not', () => {
      expect(keyCustomerReason(facts({ loansFen: fen(2_000_000), lastOverdueOn: '2024-06-14' }), RULES)).toBe('loans');
      expect(keyCustomerReason(facts({ loansFen: fen(2_000_000), lastOverdueOn: '2019-03-01' }), RULES)).toBe('loans');
    });

    it('the window length comes from the rules', () => {
      const fiveYears = { ...RULES, keyCustomer: { ...RULES.keyCustomer, noOverdueYears: 5 } };
      expect(keyCustomerReason(facts({ loansFen: fen(2_000_000), lastOverdueOn: '2022-01-01' }), fiveYears)).toBeNull();
      expect(keyCustomerReason(facts({ loansFen: fen(2_000_000), lastOverdueOn: '2021-06-14' }), fiveYears)).toBe('loans');
    });

    it('small loans never qualify whatever the record', () => {
      expect(keyCustomerReason(facts({ loansFen: fen(900_000) }), RULES)).toBeNull();
    });
  });

  it('nothing -> null', () => {
    expect(keyCustomerReason(facts({}), RULES)).toBeNull();
  });

  it('works with the default branch rules', () => {
    expect(keyCustomerReason(facts({ depositsFen: fen(500_001) }), DEFAULT_BRANCH_RULES.tiering)).toBe('deposits');
    expect(keyCustomerReason(facts({ loansFen: fen(1_000_001) }), DEFAULT_BRANCH_RULES.tiering)).toBe('loans');
  });
});

describe('isVip', () => {
  it('top, gold or key customer', () => {
    expect(isVip('top', false)).toBe(true);
    expect(isVip('gold', false)).toBe(true);
    expect(isVip('general', false)).toBe(false);
    expect(isVip('drop', false)).toBe(false);
    expect(isVip('general', true)).toBe(true);
    expect(isVip('drop', true)).toBe(true);
  });
});

describe('shiftYears', () => {
  it('moves whole years', () => {
    expect(shiftYears('2026-06-15', -2)).toBe('2024-06-15');
    expect(shiftYears('2026-06-15', 3)).toBe('2029-06-15');
    expect(shiftYears('2026-06-15', 0)).toBe('2026-06-15');
  });

  it('clamps 29 February to 28 February in a common year', () => {
    expect(shiftYears('2024-02-29', -2)).toBe('2022-02-28');
    expect(shiftYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(shiftYears('2024-02-29', 4)).toBe('2028-02-29');
  });
});
