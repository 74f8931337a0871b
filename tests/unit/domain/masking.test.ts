import { describe, expect, it } from 'vitest';
import { maskCardNumber, maskIdNumber, maskName, maskPhone } from '@domain/masking';

/** Digits of `value` still readable in `masked`. */
const visibleCount = (masked: string) => masked.replace(/\*/g, '').length;

describe('maskPhone', () => {
  it('keeps 3 + **** + 4 of a mobile number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('19900000001')).toBe('199****0001');
  });

  it('keeps the same shape for longer values (country code)', () => {
    expect(maskPhone('8613812345678')).toBe('861****5678');
  });

  it('shows only the last 4 digits of a landline-length value', () => {
    expect(maskPhone('62345678')).toBe('****5678');
    expect(maskPhone('0216234567')).toBe('******4567');
  });

  it('masks short values entirely', () => {
    expect(maskPhone('1234567')).toBe('*******');
    expect(maskPhone('12345')).toBe('*****');
    expect(maskPhone('')).toBe('');
  });

  it('always hides at least 4 digits and never shows the full number', () => {
    for (let len = 1; len <= 15; len++) {
      const phone = '1234567890123456'.slice(0, len);
      const masked = maskPhone(phone);
      expect(masked).not.toBe(phone);
      expect(visibleCount(masked), phone).toBeLessThanOrEqual(Math.max(0, len - 4));
    }
  });
});

describe('maskCardNumber', () => {
  it('keeps the first 6 and the last 4 digits', () => {
    expect(maskCardNumber('6222021234567890123')).toBe('622202*********0123');
    expect(maskCardNumber('4111111111111111')).toBe('411111******1111');
    expect(maskCardNumber('62170000000000001')).toBe('621700*******0001');
  });

  it('keeps the length', () => {
    for (const card of ['4111111111111111', '62170000000000001', '621700000000000012', '6222021234567890123']) {
      expect(maskCardNumber(card)).toHaveLength(card.length);
    }
  });

  it('masks values of 10 characters or fewer entirely', () => {
    expect(maskCardNumber('1234567890')).toBe('**********');
    expect(maskCardNumber('123')).toBe('***');
    expect(maskCardNumber('')).toBe('');
  });
});

describe('maskIdNumber', () => {
  it('keeps the first 3 and last 4 characters of a resident ID', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('110***********002X');
    expect(maskIdNumber('310104198506120011')).toBe('310***********0011');
  });

  it('hides the birth date', () => {
    expect(maskIdNumber('11010519491231002X')).not.toContain('1949');
    expect(maskIdNumber('11010519491231002X')).not.toContain('1231');
  });

  it('handles the old 15-digit form and short values', () => {
    expect(maskIdNumber('110105491231002')).toBe('110********1002');
    expect(maskIdNumber('1234567')).toBe('*******');
    expect(maskIdNumber('')).toBe('');
  });
});

describe('maskName', () => {
  it.each([
    ['张三', '张*'],
    ['张三丰', '张**'],
    ['王小明', '王**'],
    ['欧阳修', '欧阳*'],
    ['欧阳娜娜', '欧阳**'],
    ['司马相如', '司马**'],
    ['诸葛亮', '诸葛*'],
    ['上官婉儿', '上官**'],
  ])('Chinese name %s -> %s (family name kept)', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  it('keeps only one character of a single-character-surname name however long', () => {
    expect(maskName('王小明明')).toBe('王***');
  });

  it('a two-character name that is only a compound surname still hides a character', () => {
    expect(maskName('欧阳')).toBe('欧*');
  });

  it('masks a one-character name entirely', () => {
    expect(maskName('张')).toBe('*');
  });

  it('handles names with the middle dot (minority names)', () => {
    const masked = maskName('阿依古丽·买买提');
    expect(masked.startsWith('阿')).toBe(true);
    expect(masked).not.toContain('买');
    expect(Array.from(masked)).toHaveLength(8);
  });

  it('keeps the initial of each part of a Latin name', () => {
    expect(maskName('John Smith')).toBe('J*** S****');
    expect(maskName('  Mary   Ann  Lee ')).toBe('M*** A** L**');
    expect(maskName('J')).toBe('J*');
  });

  it('trims and returns empty for blank names', () => {
    expect(maskName('  张三  ')).toBe('张*');
    expect(maskName('')).toBe('');
    expect(maskName('   ')).toBe('');
  });
});
