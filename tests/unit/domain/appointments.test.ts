import { describe, expect, it } from 'vitest';
import {
  AppointmentRulesSchema,
  DEFAULT_APPOINTMENT_RULES,
  canCheckIn,
  checkInDecision,
  checkInWindow,
  effectiveStatus,
  formatBookingCode,
  isBookingCode,
  localTime,
  normalizeBookingCode,
  startOfBusinessDate,
  zonedInstant,
} from '@domain/appointments';
import { classifyIdentity } from '@domain/identity';
import { BranchRulesSchema, DEFAULT_BRANCH_RULES } from '@domain/branch-config';
import { businessDate } from '@domain/ticket-number';

const MIN = 60_000;
const RULES = { earlyMinutes: 30, lateMinutes: 10 };
/** 10:30 in Shanghai on 2026-11-22. */
const BOOKED = Date.parse('2026-11-22T10:30:00+08:00');

describe('booking codes', () => {
  it('are six digits; spaces and dashes from people and scanners are dropped', () => {
    expect(normalizeBookingCode(' 123-456 ')).toBe('123456');
    expect(isBookingCode('123456')).toBe(true);
    expect(isBookingCode('012345')).toBe(true);
    for (const bad of ['12345', '1234567', '12345a', '', '１２３４５６']) expect(isBookingCode(bad), bad).toBe(false);
    expect(formatBookingCode(42)).toBe('000042');
    expect(formatBookingCode(999_999)).toBe('999999');
    expect(() => formatBookingCode(1_000_000)).toThrow(RangeError);
    expect(() => formatBookingCode(-1)).toThrow(RangeError);
    expect(() => formatBookingCode(1.5)).toThrow(RangeError);
  });

  it('are told apart from phone (11), card (16-19) and resident ID (18) by the reader classifier', () => {
    expect(classifyIdentity('100001')).toEqual({ kind: 'booking', value: '100001' });
    expect(classifyIdentity('100-001')).toEqual({ kind: 'booking', value: '100001' });
    expect(classifyIdentity('13800000001')).toEqual({ kind: 'phone', value: '13800000001' });
    expect(classifyIdentity('6225880000000019')).toEqual({ kind: 'card', value: '6225880000000019' });
    // Neither an identity nor a code.
    expect(classifyIdentity('12345')).toBeNull();
    expect(classifyIdentity('1234567')).toBeNull();
  });
});

describe('the check-in decision', () => {
  it('is too early before the early window, and says when check-in opens', () => {
    expect(checkInDecision(BOOKED, BOOKED - 2 * 3600_000, RULES)).toEqual({ kind: 'too_early', opensAt: BOOKED - 30 * MIN });
    // One millisecond before the window opens.
    expect(checkInDecision(BOOKED, BOOKED - 30 * MIN - 1, RULES)).toEqual({ kind: 'too_early', opensAt: BOOKED - 30 * MIN });
  });

  it('is on time from the window opening through the end of the late window, queued at the booked time', () => {
    for (const now of [BOOKED - 30 * MIN, BOOKED - 1, BOOKED, BOOKED + 10 * MIN]) {
      expect(checkInDecision(BOOKED, now, RULES), String((now - BOOKED) / MIN)).toEqual({ kind: 'on_time', queuedAt: BOOKED });
    }
  });

  it('is late after the late window: an ordinary walk-in queued now', () => {
    const now = BOOKED + 10 * MIN + 1;
    expect(checkInDecision(BOOKED, now, RULES)).toEqual({ kind: 'late', queuedAt: now, minutesLate: 10 });
    expect(checkInDecision(BOOKED, BOOKED + 95 * MIN, RULES)).toEqual({ kind: 'late', queuedAt: BOOKED + 95 * MIN, minutesLate: 95 });
  });

  it('follows the branch windows, zero included', () => {
    const none = { earlyMinutes: 0, lateMinutes: 0 };
    expect(checkInDecision(BOOKED, BOOKED - 1, none).kind).toBe('too_early');
    expect(checkInDecision(BOOKED, BOOKED, none)).toEqual({ kind: 'on_time', queuedAt: BOOKED });
    expect(checkInDecision(BOOKED, BOOKED + 1, none).kind).toBe('late');
    const wide = { earlyMinutes: 60, lateMinutes: 20 };
    expect(checkInDecision(BOOKED, BOOKED - 45 * MIN, wide).kind).toBe('on_time');
    expect(checkInDecision(BOOKED, BOOKED + 15 * MIN, wide).kind).toBe('on_time');
    expect(checkInWindow(BOOKED, wide)).toEqual({ opensAt: BOOKED - 60 * MIN, lateAfter: BOOKED + 20 * MIN });
  });
});

describe('missed appointments', () => {
  it('a booking still booked after its late window is missed; other states stay', () => {
    expect(effectiveStatus('booked', BOOKED, BOOKED + 10 * MIN, RULES)).toBe('booked');
    expect(effectiveStatus('booked', BOOKED, BOOKED + 10 * MIN + 1, RULES)).toBe('missed');
    expect(effectiveStatus('checked_in', BOOKED, BOOKED + 3600_000, RULES)).toBe('checked_in');
    expect(effectiveStatus('cancelled', BOOKED, BOOKED + 3600_000, RULES)).toBe('cancelled');
    expect(effectiveStatus('late', BOOKED, BOOKED + 3600_000, RULES)).toBe('late');
  });

  it('a missed booking may still check in (as a late walk-in); cancelled or done ones may not', () => {
    expect(canCheckIn('booked')).toBe(true);
    expect(canCheckIn('missed')).toBe(true);
    expect(canCheckIn('cancelled')).toBe(false);
    expect(canCheckIn('checked_in')).toBe(false);
    expect(canCheckIn('late')).toBe(false);
  });
});

describe('branch rules', () => {
  it('default to 30 minutes early, 10 late, enabled; older stored rules without them still load', () => {
    expect(DEFAULT_APPOINTMENT_RULES).toEqual({ enabled: true, earlyMinutes: 30, lateMinutes: 10 });
    expect(DEFAULT_BRANCH_RULES.appointments).toEqual(DEFAULT_APPOINTMENT_RULES);
    const { appointments: _drop, ...older } = DEFAULT_BRANCH_RULES;
    expect(BranchRulesSchema.parse(older).appointments).toEqual(DEFAULT_APPOINTMENT_RULES);
    expect(AppointmentRulesSchema.parse({ lateMinutes: 5 })).toEqual({ enabled: true, earlyMinutes: 30, lateMinutes: 5 });
    expect(AppointmentRulesSchema.safeParse({ earlyMinutes: -1 }).success).toBe(false);
    expect(AppointmentRulesSchema.safeParse({ lateMinutes: 1.5 }).success).toBe(false);
  });
});

describe('branch-local clock times', () => {
  it('formats and reads wall-clock times in the branch time zone', () => {
    expect(localTime(BOOKED, 'Asia/Shanghai')).toBe('10:30');
    expect(localTime(BOOKED, 'UTC')).toBe('02:30');
    expect(zonedInstant('2026-11-22', '10:30', 'Asia/Shanghai')).toBe(BOOKED);
    expect(startOfBusinessDate('2026-11-22', 'Asia/Shanghai')).toBe(Date.parse('2026-11-22T00:00:00+08:00'));
    expect(businessDate(new Date(startOfBusinessDate('2026-11-22', 'Asia/Shanghai')), 'Asia/Shanghai')).toBe('2026-11-22');
    expect(businessDate(new Date(startOfBusinessDate('2026-11-22', 'Asia/Shanghai') - 1), 'Asia/Shanghai')).toBe('2026-11-21');
    // A zone with daylight saving, on both sides of the change.
    expect(zonedInstant('2026-07-01', '09:00', 'Europe/Berlin')).toBe(Date.parse('2026-07-01T09:00:00+02:00'));
    expect(zonedInstant('2026-01-15', '09:00', 'Europe/Berlin')).toBe(Date.parse('2026-01-15T09:00:00+01:00'));
    expect(() => zonedInstant('2026-1-5', '9:00', 'UTC')).toThrow(RangeError);
  });
});
