/**
 * Appointments: the booking code a customer types or scans at the kiosk, the branch's
 * check-in windows and the check-in decision. Pure functions, shared by hub and screens.
 *
 * A booking for 10:30 with the default windows (30 minutes early, 10 minutes late):
 * - before 10:00            too early: check-in opens at 10:00 (a walk-in ticket is still possible);
 * - 10:00 through 10:40     on time: the ticket is queued at 10:30, i.e. placed by booked time in
 *                           its line (ahead of anyone who walked in after 10:30, behind anyone before);
 * - after 10:40             late: the customer joins as an ordinary walk-in, queued at arrival, and
 *                           the appointment is marked late. Not checked in by then: missed.
 */
import { z } from 'zod';

/** Booking codes are six digits: never 11 (phone), 16-19 (card) or 18 (resident ID). */
export const BOOKING_CODE_LENGTH = 6;
const BOOKING_CODE = /^\d{6}$/;

export const AppointmentRulesSchema = z.object({
  /** Appointments can be booked and checked in at this branch. */
  enabled: z.boolean().default(true),
  /** Check-in opens this many minutes before the booked time. */
  earlyMinutes: z.number().int().min(0).max(240).default(30),
  /** Check-in stays "on time" this many minutes after the booked time; later arrivals are walk-ins. */
  lateMinutes: z.number().int().min(0).max(240).default(10),
});
export type AppointmentRules = z.infer<typeof AppointmentRulesSchema>;
export const DEFAULT_APPOINTMENT_RULES: AppointmentRules = { enabled: true, earlyMinutes: 30, lateMinutes: 10 };

/** Stored states. `missed`: not checked in by the end of the late window (swept by the hub). */
export const AppointmentStatusSchema = z.enum(['booked', 'checked_in', 'late', 'cancelled', 'missed']);
export type AppointmentStatus = z.infer<typeof AppointmentStatusSchema>;

/** Strips the spaces and dashes people and scanners put into a code ("123 456", "123-456"). */
export function normalizeBookingCode(raw: string): string {
  return raw.replace(/[\s-]/g, '');
}

export function isBookingCode(value: string): boolean {
  return BOOKING_CODE.test(value);
}

/** A six-digit code from a random integer in [0, 1e6) (leading zeros kept). */
export function formatBookingCode(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n >= 1_000_000) throw new RangeError(`booking code number out of range: ${n}`);
  return String(n).padStart(BOOKING_CODE_LENGTH, '0');
}

const MINUTE = 60_000;

/** When check-in opens and until when it is on time, for a booking at `bookedAt` (epoch ms). */
export function checkInWindow(bookedAt: number, rules: Pick<AppointmentRules, 'earlyMinutes' | 'lateMinutes'>): { opensAt: number; lateAfter: number } {
  return { opensAt: bookedAt - rules.earlyMinutes * MINUTE, lateAfter: bookedAt + rules.lateMinutes * MINUTE };
}

export type CheckInDecision =
  /** Before the early window: nothing is issued; check-in opens at `opensAt`. */
  | { kind: 'too_early'; opensAt: number }
  /** Within the window: queued at the booked time. */
  | { kind: 'on_time'; queuedAt: number }
  /** After the late window: an ordinary walk-in, queued now; `minutesLate` after the booked time. */
  | { kind: 'late'; queuedAt: number; minutesLate: number };

/**
 * The check-in decision at `now` for a booking at `bookedAt`. Both window edges are on time:
 * exactly `earlyMinutes` before and exactly `lateMinutes` after the booked time.
 */
export function checkInDecision(bookedAt: number, now: number, rules: Pick<AppointmentRules, 'earlyMinutes' | 'lateMinutes'>): CheckInDecision {
  const { opensAt, lateAfter } = checkInWindow(bookedAt, rules);
  if (now < opensAt) return { kind: 'too_early', opensAt };
  if (now <= lateAfter) return { kind: 'on_time', queuedAt: bookedAt };
  return { kind: 'late', queuedAt: now, minutesLate: Math.floor((now - bookedAt) / MINUTE) };
}

/**
 * The status staff see at `now`: a booking still `booked` after its late window is `missed`
 * (the hub also sweeps it so; a customer who comes later still checks in, as a walk-in).
 */
export function effectiveStatus(
  status: AppointmentStatus,
  bookedAt: number,
  now: number,
  rules: Pick<AppointmentRules, 'lateMinutes'>,
): AppointmentStatus {
  if (status === 'booked' && now > bookedAt + rules.lateMinutes * MINUTE) return 'missed';
  return status;
}

/** Whether a stored status still allows a check-in (today): booked, or missed (then as a late walk-in). */
export function canCheckIn(status: AppointmentStatus): boolean {
  return status === 'booked' || status === 'missed';
}

// ---------------------------------------------------------------- branch-local clock times

/** Every field of a timestamp, year to second, two-digit and on a 24-hour clock (also the staff screens' date-time format). */
export const DATE_TIME_FIELDS = {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
} as const satisfies Intl.DateTimeFormatOptions;

const partsFormats = new Map<string, Intl.DateTimeFormat>();
function zonedParts(at: number, timeZone: string) {
  let f = partsFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, ...DATE_TIME_FIELDS });
    partsFormats.set(timeZone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(new Date(at))) p[part.type] = part.value;
  return { y: Number(p.year), mo: Number(p.month), d: Number(p.day), h: Number(p.hour), mi: Number(p.minute), s: Number(p.second) };
}

/** Wall-clock time HH:MM of an instant in the branch's time zone ("10:30"). */
export function localTime(at: number, timeZone: string): string {
  const p = zonedParts(at, timeZone);
  return `${String(p.h).padStart(2, '0')}:${String(p.mi).padStart(2, '0')}`;
}

/**
 * The instant of a wall-clock time (`date` YYYY-MM-DD, `time` HH:MM) in a time zone. For a time
 * that a daylight-saving change skips, the result is shifted by the change (as browsers do).
 */
export function zonedInstant(date: string, time: string, timeZone: string): number {
  const dm = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const tm = /^(\d{2}):(\d{2})$/.exec(time);
  if (!dm || !tm) throw new RangeError(`expected YYYY-MM-DD and HH:MM, got ${date} ${time}`);
  const wanted = Date.UTC(Number(dm[1]), Number(dm[2]) - 1, Number(dm[3]), Number(tm[1]), Number(tm[2]));
  // Guess with the offset at the wanted time read as UTC, then correct once with the offset there.
  let at = wanted;
  for (let i = 0; i < 2; i++) {
    const p = zonedParts(at, timeZone);
    const shownAsUtc = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s);
    at = at + (wanted - shownAsUtc);
  }
  return at;
}

/** First instant of a business date in the branch's time zone. */
export function startOfBusinessDate(date: string, timeZone: string): number {
  return zonedInstant(date, '00:00', timeZone);
}
