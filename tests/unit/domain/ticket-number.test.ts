import { describe, expect, it } from 'vitest';
import { businessDate, formatTicketNumber, maxSequence } from '@domain/ticket-number';

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
