import { describe, expect, it } from 'vitest';
import {
  isValidCardNumber,
  isValidIdentity,
  isValidPhone,
  isValidResidentId,
  luhnCheckDigit,
  luhnValid,
  normalizeIdentityValue,
  residentIdBirthDate,
  residentIdCheckChar,
} from '@domain/identity';

/** GB 11643 written out from the standard independently: Wi = 2^(i-1) mod 11, a1 = (12 - S mod 11) mod 11. */
function referenceCheckChar(first17: string): string {
  let s = 0;
  for (let k = 0; k < 17; k++) {
    const i = 18 - k; // position counted from the right, the check character being position 1
    s += Number(first17[k]) * (2 ** (i - 1) % 11);
  }
  const a1 = (12 - (s % 11)) % 11;
  return a1 === 10 ? 'X' : String(a1);
}

const TODAY = new Date('2026-06-15T04:00:00Z');

describe('normalizeIdentityValue', () => {
  it('strips spaces and dashes people and readers put in', () => {
    expect(normalizeIdentityValue('phone', '138 0000-0001')).toBe('13800000001');
    expect(normalizeIdentityValue('card', '6222 0212 3456 7890 128')).toBe('6222021234567890128');
    expect(normalizeIdentityValue('card', ' 4111-1111-1111-1111\t')).toBe('4111111111111111');
  });

  it('upper-cases the X check character of a resident ID only', () => {
    expect(normalizeIdentityValue('idNumber', '110105 19491231 002x')).toBe('11010519491231002X');
    expect(normalizeIdentityValue('phone', 'abc')).toBe('abc');
  });
});

describe('isValidPhone (mainland mobile)', () => {
  it.each(['13800000001', '13912345678', '15012345678', '18612345678', '19912345678', '17012345678'])('accepts %s', (p) => {
    expect(isValidPhone(p)).toBe(true);
  });

  it.each([
    ['second digit 2', '12345678901'],
    ['second digit 0', '10012345678'],
    ['10 digits', '1380000000'],
    ['12 digits', '138000000012'],
    ['country code', '+8613800000001'],
    ['landline', '02162345678'],
    ['spaces not normalised', '138 0000 0001'],
    ['letters', '1380000000a'],
    ['empty', ''],
  ])('rejects %s', (_name, p) => {
    expect(isValidPhone(p)).toBe(false);
  });
});

describe('Luhn', () => {
  it.each(['79927398713', '4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '0'])(
    'valid: %s',
    (n) => {
      expect(luhnValid(n)).toBe(true);
    },
  );

  it.each(['79927398710', '79927398714', '4111111111111112', '4111111111111121', '1234567812345678'])('invalid: %s', (n) => {
    expect(luhnValid(n)).toBe(false);
  });

  it('rejects non-digits and empty input', () => {
    expect(luhnValid('')).toBe(false);
    expect(luhnValid('4111 1111 1111 1111')).toBe(false);
    expect(luhnValid('411111111111111a')).toBe(false);
    expect(luhnValid('-4111111111111111')).toBe(false);
  });

  it('detects every single-digit typo of a valid number', () => {
    const valid = '4111111111111111';
    for (let i = 0; i < valid.length; i++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === valid[i]) continue;
        const typo = valid.slice(0, i) + d + valid.slice(i + 1);
        expect(luhnValid(typo), typo).toBe(false);
      }
    }
  });

  it('computes the check digit', () => {
    expect(luhnCheckDigit('7992739871')).toBe('3');
    expect(luhnCheckDigit('411111111111111')).toBe('1');
    expect(luhnCheckDigit('622202123456789012')).toBe('8');
    for (const partial of ['62220212345678901', '621700000000000', '955880000000000000', '1']) {
      expect(luhnValid(partial + luhnCheckDigit(partial))).toBe(true);
    }
  });
});

describe('isValidCardNumber', () => {
  it('accepts 16-19 digit numbers passing Luhn', () => {
    expect(isValidCardNumber('4111111111111111')).toBe(true); // 16
    const p17 = '62170000000000001';
    expect(isValidCardNumber(p17.slice(0, 16) + luhnCheckDigit(p17.slice(0, 16)))).toBe(true); // 17
    expect(isValidCardNumber('6222021234567890128')).toBe(true); // 19
  });

  it('rejects a failed check digit', () => {
    expect(isValidCardNumber('6222021234567890123')).toBe(false);
    expect(isValidCardNumber('4111111111111112')).toBe(false);
  });

  it('rejects lengths outside 16-19 even when Luhn passes', () => {
    expect(luhnValid('378282246310005')).toBe(true);
    expect(isValidCardNumber('378282246310005')).toBe(false); // 15
    const p19 = '6222021234567890128';
    const twenty = p19 + '0';
    expect(isValidCardNumber(twenty.slice(0, 19) + luhnCheckDigit(twenty.slice(0, 19)))).toBe(false); // 20
    expect(isValidCardNumber('79927398713')).toBe(false);
  });

  it('rejects separators (normalise first)', () => {
    expect(isValidCardNumber('4111-1111-1111-1111')).toBe(false);
    expect(isValidCardNumber(normalizeIdentityValue('card', '4111-1111-1111-1111'))).toBe(true);
  });
});

describe('GB 11643 resident ID', () => {
  it('check characters of the examples in the standard', () => {
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(residentIdCheckChar('44052418800101001')).toBe('4');
    expect(isValidResidentId('11010519491231002X', TODAY)).toBe(true);
    // the second example is born in 1880: right check character, but no living customer
    expect(isValidResidentId('440524188001010014', TODAY)).toBe(false);
  });

  it('agrees with the formula of the standard for every check character 0-9 and X', () => {
    const seen = new Set<string>();
    for (let seq = 0; seq < 200; seq++) {
      const first17 = `31010419850612${String(seq).padStart(3, '0')}`;
      const c = residentIdCheckChar(first17);
      expect(c).toBe(referenceCheckChar(first17));
      expect(isValidResidentId(first17 + c, TODAY)).toBe(true);
      seen.add(c);
    }
    expect([...seen].sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X']);
  });

  it('rejects a wrong check character', () => {
    expect(isValidResidentId('110105194912310021', TODAY)).toBe(false);
    expect(isValidResidentId('440524188001010015', TODAY)).toBe(false);
  });

  it('rejects a lower-case x (normalise first)', () => {
    expect(isValidResidentId('11010519491231002x', TODAY)).toBe(false);
    expect(isValidResidentId(normalizeIdentityValue('idNumber', '11010519491231002x'), TODAY)).toBe(true);
  });

  it('rejects wrong shapes', () => {
    expect(isValidResidentId('110105491231002', TODAY)).toBe(false); // old 15-digit form
    expect(isValidResidentId('11010519491231002', TODAY)).toBe(false);
    expect(isValidResidentId('11010519491231002X0', TODAY)).toBe(false);
    expect(isValidResidentId('1101051949123100XX', TODAY)).toBe(false);
    expect(isValidResidentId('', TODAY)).toBe(false);
  });

  /** A well-formed ID for a birth date, with a correct check character, so only the date can fail. */
  const idBornOn = (yyyymmdd: string) => {
    const first17 = `310104${yyyymmdd}123`;
    return first17 + residentIdCheckChar(first17);
  };

  it('reads the birth date', () => {
    expect(residentIdBirthDate('11010519491231002X', TODAY)).toBe('1949-12-31');
    expect(residentIdBirthDate(idBornOn('20000229'), TODAY)).toBe('2000-02-29');
    expect(residentIdBirthDate(idBornOn('19000101'), TODAY)).toBe('1900-01-01');
  });

  it.each([
    ['30 February', '19900230'],
    ['31 April', '19900431'],
    ['29 February of a common year', '19990229'],
    ['29 February 1900 (not a leap year)', '19000229'],
    ['month 13', '19901301'],
    ['month 00', '19900001'],
    ['day 00', '19900100'],
    ['day 32', '19900132'],
    ['before 1900', '18991231'],
    ['in the future', '20260616'],
  ])('rejects an impossible birth date: %s', (_name, date) => {
    const id = idBornOn(date);
    expect(residentIdBirthDate(id, TODAY)).toBeNull();
    expect(isValidResidentId(id, TODAY)).toBe(false);
  });

  it('accepts someone born today', () => {
    const id = idBornOn('20260615');
    expect(isValidResidentId(id, new Date('2026-06-15T12:00:00Z'))).toBe(true);
  });
});

describe('isValidIdentity', () => {
  it('dispatches on the kind', () => {
    expect(isValidIdentity('phone', '13800000001')).toBe(true);
    expect(isValidIdentity('phone', '4111111111111111')).toBe(false);
    expect(isValidIdentity('card', '4111111111111111')).toBe(true);
    expect(isValidIdentity('card', '13800000001')).toBe(false);
    expect(isValidIdentity('idNumber', '11010519491231002X')).toBe(true);
    expect(isValidIdentity('idNumber', '110105194912310021')).toBe(false);
  });
});
