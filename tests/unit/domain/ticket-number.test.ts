import { describe, expect, it } from 'vitest';
import { businessDate, formatTicketNumber, maxSequence, nextSequence } from '@domain/ticket-number';

describe('formatTicketNumber', () => {
  it('prefix + zero-padded sequence', () => {
    expect(formatTicketNumber('A', 1, 3)).toBe('A001');
    expect(formatTicketNumber('A', 42, 3)).toBe('A042');
    expect(formatTicketNumber('V', 999, 3)).toBe('V999');
    expect(formatTicketNumber('B', 7, 4)).toBe('B0007');
    expect(formatTicketNumber('C', 5, 2)).toBe('C05');
  });
});

describe('sequence wrap', () => {
  it('max sequence fits the width', () => {
    expect(maxSequence(2)).toBe(99);
    expect(maxSequence(3)).toBe(999);
    expect(maxSequence(4)).toBe(9999);
  });

  it('counts up and wraps after 999 back to 1 (never 0)', () => {
    expect(nextSequence(0, 3)).toBe(1);
    expect(nextSequence(1, 3)).toBe(2);
    expect(nextSequence(998, 3)).toBe(999);
    expect(nextSequence(999, 3)).toBe(1);
    expect(nextSequence(99, 2)).toBe(1);
    expect(nextSequence(999, 4)).toBe(1000);
  });

  it('a day of tickets around the wrap', () => {
    let seq = 996;
    const numbers: string[] = [];
    for (let i = 0; i < 5; i++) {
      seq = nextSequence(seq, 3);
      numbers.push(formatTicketNumber('A', seq, 3));
    }
    expect(numbers).toEqual(['A997', 'A998', 'A999', 'A001', 'A002']);
  });

  it('every number of a full cycle has the same width', () => {
    let seq = 0;
    for (let i = 0; i < 1500; i++) {
      seq = nextSequence(seq, 3);
      expect(seq).toBeGreaterThanOrEqual(1);
      expect(seq).toBeLessThanOrEqual(999);
      expect(formatTicketNumber('A', seq, 3)).toMatch(/^A\d{3}$/);
    }
  });
});

describe('businessDate', () => {
  it('is the date in the branch time zone, not in UTC', () => {
    // 16:30 UTC is 00:30 the next day in Shanghai (UTC+8)
    expect(businessDate(new Date('2026-11-22T16:30:00Z'), 'Asia/Shanghai')).toBe('2026-11-23');
    expect(businessDate(new Date('2026-11-22T16:30:00Z'), 'UTC')).toBe('2026-11-22');
  });

  it('changes exactly at local midnight', () => {
    expect(businessDate(new Date('2026-11-22T15:59:59.999Z'), 'Asia/Shanghai')).toBe('2026-11-22');
    expect(businessDate(new Date('2026-11-22T16:00:00.000Z'), 'Asia/Shanghai')).toBe('2026-11-23');
  });

  it('crosses the year boundary in the branch time zone', () => {
    expect(businessDate(new Date('2026-12-31T16:00:00Z'), 'Asia/Shanghai')).toBe('2027-01-01');
    expect(businessDate(new Date('2026-12-31T15:59:59Z'), 'Asia/Shanghai')).toBe('2026-12-31');
  });

  it('works west of UTC, with half-hour offsets and across DST', () => {
    expect(businessDate(new Date('2026-11-23T03:00:00Z'), 'America/New_York')).toBe('2026-11-22');
    expect(businessDate(new Date('2026-11-22T18:29:59Z'), 'Asia/Kolkata')).toBe('2026-11-22');
    expect(businessDate(new Date('2026-11-22T18:30:00Z'), 'Asia/Kolkata')).toBe('2026-11-23');
    // New York on summer time (UTC-4): 03:59Z on 9 March is still 8 March
    expect(businessDate(new Date('2026-03-09T03:59:00Z'), 'America/New_York')).toBe('2026-03-08');
    expect(businessDate(new Date('2026-03-09T04:00:00Z'), 'America/New_York')).toBe('2026-03-09');
  });

  it('is YYYY-MM-DD with zero padding', () => {
    expect(businessDate(new Date('2026-01-05T02:00:00Z'), 'Asia/Shanghai')).toBe('2026-01-05');
  });

  it('throws on an unknown time zone', () => {
    expect(() => businessDate(new Date(), 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});
