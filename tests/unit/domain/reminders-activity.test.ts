import { describe, expect, it } from 'vitest';
import { balanceChangePercent, remindersFor, type CreditState, type ReminderInput } from '@domain/reminders';
import { BranchRulesSchema, DEFAULT_BRANCH_RULES } from '@domain/branch-config';

const TODAY = '2026-06-15';
const input = (over: Partial<ReminderInput>): ReminderInput => ({
  today: TODAY,
  birthDate: '1980-01-01',
  holdings: [],
  ...DEFAULT_BRANCH_RULES.reminders,
  ...over,
});
const kinds = (i: ReminderInput) => remindersFor(i).map((r) => r.kind);
const credit = (o: Partial<CreditState>): CreditState => ({
  productCode: 'LN-CAR',
  nextDueOn: null,
  dueFen: 3000,
  overdueDays: 0,
  classification: 'normal',
  previousClassification: null,
  classifiedOn: null,
  ...o,
});

describe('maturity windows by kind (ahead only)', () => {
  const holdings = [
    { productCode: 'TD-1Y', amountFen: 1, maturityOn: '2026-07-25', maturityKind: 'deposit' as const }, // 40 days
    { productCode: 'WM-R3', amountFen: 1, maturityOn: '2026-07-25', maturityKind: 'wealth' as const }, // 40 days
    { productCode: 'WM-R2', amountFen: 1, maturityOn: '2026-08-15', maturityKind: 'wealth' as const }, // 61 days
  ];
  it('deposits within 30 days, wealth within 60 days', () => {
    expect(remindersFor(input({ holdings })).map((r) => r.productCode)).toEqual(['WM-R3']);
    expect(remindersFor(input({ holdings, wealthMaturityWithinDays: 61 })).map((r) => r.productCode)).toEqual(['WM-R3', 'WM-R2']);
    expect(remindersFor(input({ holdings, maturityWithinDays: 40 })).map((r) => r.productCode).sort()).toEqual(['TD-1Y', 'WM-R3']);
  });
});

describe('large inflow / outflow against the 30-day average', () => {
  it('rebuilds the average backwards from today and the movements', () => {
    // steady 10,000 for 30 days, then +5,000 today: average 10,000, now 15,000 -> +50%
    expect(balanceChangePercent(15_000, [{ on: TODAY, direction: 'in', amountFen: 5_000, otherBank: false }], TODAY, 30)).toBeCloseTo(50);
    // no movements: no change
    expect(balanceChangePercent(10_000, [], TODAY, 30)).toBe(0);
    // nothing to compare with
    expect(balanceChangePercent(0, [], TODAY, 30)).toBeNull();
  });

  it('±30% by default, threshold from the rules, exactly at the threshold counts', () => {
    const inflow = [{ on: '2026-06-14', direction: 'in' as const, amountFen: 3_000, otherBank: false }];
    // 29 days at 10,000 and 1 day at 13,000 before today: average 10,100; 13,000 is +28.7%
    expect(kinds(input({ balanceFen: 13_000, movements: inflow }))).toEqual([]);
    expect(kinds(input({ balanceFen: 13_000, movements: inflow, largeFlowPercent: 25 }))).toEqual(['large_inflow']);
    const today = [{ on: TODAY, direction: 'in' as const, amountFen: 3_000, otherBank: false }];
    expect(remindersFor(input({ balanceFen: 13_000, movements: today }))).toEqual([
      { kind: 'large_inflow', date: TODAY, daysUntil: 0, percent: 30, amountFen: 13_000 },
    ]);
    const out = [{ on: '2026-06-13', direction: 'out' as const, amountFen: 8_000, otherBank: false }];
    expect(kinds(input({ balanceFen: 2_000, movements: out }))).toEqual(['large_outflow']);
  });

  it('movements older than the window do not count', () => {
    const old = [{ on: '2026-04-01', direction: 'in' as const, amountFen: 9_000, otherBank: false }];
    expect(kinds(input({ balanceFen: 10_000, movements: old }))).toEqual([]);
  });
});

describe('frequent transfers to other banks (looking back)', () => {
  const t = (on: string, otherBank = true, direction: 'in' | 'out' = 'out') => ({ on, direction, amountFen: 100, otherBank });
  it('at least 3 outgoing transfers to other banks within 30 days', () => {
    const m = [t('2026-06-14'), t('2026-06-01'), t('2026-05-20')];
    expect(remindersFor(input({ movements: m })).find((r) => r.kind === 'other_bank_transfers')).toEqual({
      kind: 'other_bank_transfers', date: '2026-06-14', daysUntil: -1, count: 3,
    });
    expect(kinds(input({ movements: m.slice(0, 2) }))).toEqual([]);
    // own-bank, incoming and older ones do not count
    expect(kinds(input({ movements: [t('2026-06-14', false), t('2026-06-13', true, 'in'), t('2026-05-01'), t('2026-06-10'), t('2026-06-09')] }))).toEqual([]);
    expect(kinds(input({ movements: m, otherBankTransfersMin: 4 }))).toEqual([]);
  });
});

describe('credit: repayment due (ahead), overdue (now), downgrade (looking back)', () => {
  it('repayment due within 7 days, not after, not in the past', () => {
    expect(remindersFor(input({ credit: [credit({ nextDueOn: '2026-06-22' })] }))).toEqual([
      { kind: 'repayment_due', date: '2026-06-22', daysUntil: 7, productCode: 'LN-CAR', amountFen: 3000 },
    ]);
    expect(kinds(input({ credit: [credit({ nextDueOn: '2026-06-23' })] }))).toEqual([]);
    expect(kinds(input({ credit: [credit({ nextDueOn: '2026-06-14' })] }))).toEqual([]);
  });

  it('an overdue replaces the due reminder', () => {
    expect(remindersFor(input({ credit: [credit({ nextDueOn: '2026-06-16', overdueDays: 12 })] }))).toEqual([
      { kind: 'overdue', date: '2026-06-03', daysUntil: -12, productCode: 'LN-CAR', amountFen: 3000, overdueDays: 12 },
    ]);
  });

  it('a downgrade within 90 days is reminded; an upgrade or an old downgrade is not', () => {
    const down = credit({ classification: 'substandard', previousClassification: 'normal', classifiedOn: '2026-04-01' });
    expect(remindersFor(input({ credit: [down] }))).toEqual([
      { kind: 'classification_downgrade', date: '2026-04-01', daysUntil: -75, productCode: 'LN-CAR', from: 'normal', to: 'substandard' },
    ]);
    expect(kinds(input({ credit: [down], downgradeWithinDays: 60 }))).toEqual([]);
    expect(kinds(input({ credit: [credit({ classification: 'normal', previousClassification: 'special_mention', classifiedOn: '2026-06-01' })] }))).toEqual([]);
  });
});

describe('thresholds are branch configuration', () => {
  it('old stored rules without the new windows get the defaults', () => {
    const stored = structuredClone(DEFAULT_BRANCH_RULES) as Record<string, unknown>;
    stored.reminders = { birthdayWithinDays: 5, maturityWithinDays: 20 };
    delete stored.marketing;
    delete stored.retentionDays;
    const r = BranchRulesSchema.parse(stored);
    expect(r.reminders).toEqual({ ...DEFAULT_BRANCH_RULES.reminders, birthdayWithinDays: 5, maturityWithinDays: 20 });
    expect(r.marketing).toEqual(DEFAULT_BRANCH_RULES.marketing);
    expect(r.retentionDays).toBe(180);
  });
  it('rejects nonsense', () => {
    const bad = structuredClone(DEFAULT_BRANCH_RULES);
    bad.reminders.largeFlowPercent = -5;
    expect(BranchRulesSchema.safeParse(bad).success).toBe(false);
  });
});
