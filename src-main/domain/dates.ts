/**
 * Calendar dates as `YYYY-MM-DD` (business dates, dates in a bank's files). Pure.
 */
import { z } from 'zod';

/** A real calendar date: the right shape and a day that exists (2026-02-30 is not one). */
export function isCalendarDate(value: string): boolean {
  if (value.length !== 10 || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  // Arithmetic, not Date objects: a feed checks millions of these.
  const y = Number(value.slice(0, 4));
  const m = Number(value.slice(5, 7));
  const d = Number(value.slice(8, 10));
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31);
}

/** A zod schema for a calendar date, naming the field in its message. */
export const calendarDate = (field: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${field} is YYYY-MM-DD`)
    .refine(isCalendarDate, { message: `${field} is not a date that exists` });
