import { describe, expect, it } from 'vitest';
import { daysBetween, nextBirthday, remindersFor, type ReminderInput } from '@domain/reminders';

const input = (over: Partial<ReminderInput>): ReminderInput => ({
  today: '2026-06-15',
  birthDate: '1980-01-01',
  holdings: [],
  birthdayWithinDays: 7,
  maturityWithinDays: 30,
  ...over,
});

describe('daysBetween', () => {
  it('counts calendar days', () => {
    expect(daysBetween('2026-06-15', '2026-06-15')).toBe(0);
    expect(daysBetween('2026-06-15', '2026-06-22')).toBe(7);
    expect(daysBetween('2026-06-15', '2026-06-14')).toBe(-1);
    expect(daysBetween('2026-12-31', '2027-01-01')).toBe(1);
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
    expect(daysBetween('2027-02-28', '2027-03-01')).toBe(1);
  });
});

describe('nextBirthday', () => {
  it('today when the birthday is today', () => {
    expect(nextBirthday('1980-06-15', '2026-06-15')).toBe('2026-06-15');
  });
  it('this year when still ahead, next year when passed', () => {
    expect(nextBirthday('1980-06-20', '2026-06-15')).toBe('2026-06-20');
    expect(nextBirthday('1980-06-14', '2026-06-15')).toBe('2027-06-14');
    expect(nextBirthday('1980-01-01', '2026-12-31')).toBe('2027-01-01');
  });
  it('29 February falls on 28 February in common years and stays 29 in leap years', () => {
    expect(nextBirthday('2000-02-29', '2026-02-01')).toBe('2026-02-28');
    expect(nextBirthday('2000-02-29', '2026-03-01')).toBe('2027-02-28');
    expect(nextBirthday('2000-02-29', '2028-02-01')).toBe('2028-02-29');
    expect(nextBirthday('2000-02-29', '2027-12-31')).toBe('2028-02-29');
  });
});

describe('remindersFor: birthday', () => {
  it('birthday today -> daysUntil 0', () => {
    expect(remindersFor(input({ birthDate: '1980-06-15' }))).toEqual([{ kind: 'birthday', date: '2026-06-15', daysUntil: 0 }]);
  });

  it('birthday in 7 days with a 7-day window is included, in 8 days is not', () => {
    expect(remindersFor(input({ birthDate: '1980-06-22' }))).toEqual([{ kind: 'birthday', date: '2026-06-22', daysUntil: 7 }]);
    expect(remindersFor(input({ birthDate: '1980-06-23' }))).toEqual([]);
  });

  it('a birthday just passed is not reminded (next one is a year away)', () => {
    expect(remindersFor(input({ birthDate: '1980-06-14' }))).toEqual([]);
  });

  it('window across the new year', () => {
    expect(remindersFor(input({ today: '2026-12-28', birthDate: '1990-01-02' }))).toEqual([
      { kind: 'birthday', date: '2027-01-02', daysUntil: 5 },
    ]);
  });

  it('29 February birthday in a common year is reminded on 28 February', () => {
    expect(remindersFor(input({ today: '2026-02-25', birthDate: '1996-02-29' }))).toEqual([
      { kind: 'birthday', date: '2026-02-28', daysUntil: 3 },
    ]);
    expect(remindersFor(input({ today: '2028-02-25', birthDate: '1996-02-29' }))).toEqual([
      { kind: 'birthday', date: '2028-02-29', daysUntil: 4 },
    ]);
  });

  it('a zero-day window reminds only on the day', () => {
    expect(remindersFor(input({ birthDate: '1980-06-15', birthdayWithinDays: 0 }))).toHaveLength(1);
    expect(remindersFor(input({ birthDate: '1980-06-16', birthdayWithinDays: 0 }))).toHaveLength(0);
  });
});

describe('remindersFor: maturity', () => {
  const holdings = [
    { productCode: 'TD-1Y', amountFen: 100_000, maturityOn: '2026-06-15' }, // today
    { productCode: 'WM-R2', amountFen: 50_000, maturityOn: '2026-07-15' }, // in 30 days
    { productCode: 'TD-3Y', amountFen: 80_000, maturityOn: '2026-07-16' }, // in 31 days
    { productCode: 'TD-3M', amountFen: 20_000, maturityOn: '2026-06-14' }, // yesterday
    { productCode: 'DD-SAVE', amountFen: 5_000, maturityOn: null }, // no maturity
  ];

  it('inside the window (today .. N days) with product and amount; past maturity and none excluded', () => {
    expect(remindersFor(input({ holdings }))).toEqual([
      { kind: 'maturity', date: '2026-06-15', daysUntil: 0, productCode: 'TD-1Y', amountFen: 100_000 },
      { kind: 'maturity', date: '2026-07-15', daysUntil: 30, productCode: 'WM-R2', amountFen: 50_000 },
    ]);
  });

  it('the window comes from the branch rules', () => {
    const r = remindersFor(input({ holdings, maturityWithinDays: 366 }));
    expect(r.map((x) => x.productCode)).toEqual(['TD-1Y', 'WM-R2', 'TD-3Y']);
    expect(remindersFor(input({ holdings, maturityWithinDays: 0 })).map((x) => x.productCode)).toEqual(['TD-1Y']);
  });

  it('everything sorted by days until, soonest first', () => {
    const r = remindersFor(
      input({
        birthDate: '1980-06-18',
        holdings: [
          { productCode: 'B', amountFen: 1, maturityOn: '2026-06-20' },
          { productCode: 'A', amountFen: 1, maturityOn: '2026-06-16' },
        ],
      }),
    );
    expect(r.map((x) => [x.kind, x.daysUntil])).toEqual([
      ['maturity', 1],
      ['birthday', 3],
      ['maturity', 5],
    ]);
  });

  it('nothing to remind -> empty list', () => {
    expect(remindersFor(input({}))).toEqual([]);
  });
});
