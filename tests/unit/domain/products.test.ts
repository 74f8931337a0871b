import { describe, expect, it } from 'vitest';
import { ageOn, catalogueToday, LIFE_STAGES, lifeStageOf, PRODUCT_CATEGORIES, type CustomerProfileFacts, type Product } from '@domain/products';

describe('ageOn', () => {
  it('whole years, the birthday itself counting', () => {
    expect(ageOn('1990-06-15', '2026-06-15')).toBe(36);
    expect(ageOn('1990-06-16', '2026-06-15')).toBe(35);
    expect(ageOn('1990-05-31', '2026-06-15')).toBe(36);
    expect(ageOn('1990-12-31', '2026-01-01')).toBe(35);
    expect(ageOn('2026-06-15', '2026-06-15')).toBe(0);
  });

  it('29 February birthdays turn a year older on 1 March in common years', () => {
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
    expect(ageOn('2008-02-29', '2028-02-29')).toBe(20);
  });
});

describe('lifeStageOf', () => {
  const today = '2026-06-15';
  const person = (p: Partial<CustomerProfileFacts>): CustomerProfileFacts => ({
    birthDate: '1990-01-01',
    maritalStatus: 'single',
    occupation: 'employee',
    ...p,
  });

  it('students are students, whatever their age or status', () => {
    expect(lifeStageOf(person({ occupation: 'student', birthDate: '2006-09-01' }), today)).toBe('student');
    expect(lifeStageOf(person({ occupation: 'student', birthDate: '1990-01-01', maritalStatus: 'married' }), today)).toBe('student');
  });

  it('retired, or 60 and over -> retiree', () => {
    expect(lifeStageOf(person({ occupation: 'retired', birthDate: '1970-01-01' }), today)).toBe('retiree');
    expect(lifeStageOf(person({ birthDate: '1966-06-15', maritalStatus: 'married' }), today)).toBe('retiree'); // 60 today
    expect(lifeStageOf(person({ birthDate: '1966-06-16', maritalStatus: 'married' }), today)).toBe('married'); // 59
  });

  it('married -> married', () => {
    expect(lifeStageOf(person({ maritalStatus: 'married', birthDate: '2000-01-01' }), today)).toBe('married');
  });

  it('single up to 30 -> graduate, over 30 -> adult', () => {
    expect(lifeStageOf(person({ birthDate: '2002-03-01' }), today)).toBe('graduate'); // 24
    expect(lifeStageOf(person({ birthDate: '1985-03-01', occupation: 'self_employed' }), today)).toBe('adult'); // 41
  });

  it('the 30 / 31 boundary', () => {
    expect(lifeStageOf(person({ birthDate: '1995-06-16' }), today)).toBe('graduate'); // 30
    expect(lifeStageOf(person({ birthDate: '1995-06-15' }), today)).toBe('adult'); // 31
    expect(lifeStageOf(person({ birthDate: '1980-01-01', maritalStatus: 'divorced' }), today)).toBe('adult');
    expect(lifeStageOf(person({ birthDate: '2001-01-01', maritalStatus: 'widowed' }), today)).toBe('graduate');
  });
});

describe('catalogue constants', () => {
  it('all categories and life stages are listed once', () => {
    expect(new Set(PRODUCT_CATEGORIES).size).toBe(PRODUCT_CATEGORIES.length);
    expect(PRODUCT_CATEGORIES).toHaveLength(8);
    expect([...LIFE_STAGES].sort()).toEqual(['adult', 'graduate', 'married', 'retiree', 'student']);
  });
});

describe("head office's levers and campaigns on the catalogue", () => {
  const base = (code: string, lever = 1): Product => ({
    code,
    category: 'wealth',
    name: { 'zh-CN': code, en: code },
    riskLevel: 2,
    isCredit: false,
    lifeStages: [],
    minAge: 18,
    maxAge: 120,
    basePropensity: 0.1,
    value: 1,
    lever,
    active: true,
  });
  const products = [base('FUND', 2), base('TD'), base('LOAN')];
  const spring = { id: 'spring', name: { 'zh-CN': '春季理财', en: 'Spring wealth' }, products: ['FUND', 'TD'], lever: 1.5, startsOn: '2026-12-01', endsOn: '2026-12-31' };
  const flash = { id: 'flash', name: { 'zh-CN': '限时', en: 'Flash' }, products: ['FUND'], lever: 3, startsOn: '2026-12-05', endsOn: '2026-12-05' };

  it('replaces a lever, holds a product, and multiplies the levers of the campaigns running that day', () => {
    const today = catalogueToday(products, [{ code: 'FUND', lever: 4 }, { code: 'LOAN', active: false }], [spring, flash], '2026-12-05');
    const by = Object.fromEntries(today.map((p) => [p.code, p]));
    expect(by.FUND!.lever).toBeCloseTo(4 * 1.5 * 3);
    expect(by.FUND!.campaign).toEqual({ id: 'flash', name: flash.name });
    expect(by.TD!.lever).toBeCloseTo(1.5);
    expect(by.TD!.campaign?.id).toBe('spring');
    expect(by.LOAN).toMatchObject({ active: false, lever: 1 });
    expect(by.LOAN!.campaign).toBeUndefined();
  });

  it('a campaign outside its dates does nothing; with nothing from head office the catalogue is the feed’s', () => {
    const before = catalogueToday(products, [], [spring], '2026-11-30');
    expect(before).toEqual(products);
    const plain = catalogueToday(products, [], [], '2026-12-05');
    expect(plain).toEqual(products);
    // Untouched products are the feed's own objects (nothing copied on the card's path).
    plain.forEach((p, i) => expect(p).toBe(products[i]));
  });
});
