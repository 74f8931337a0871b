/**
 * Calendar dates as `YYYY-MM-DD` (business dates, dates in a bank's files). Pure.
 */
import { z } from 'zod';

/** A real calendar date: the right shape and a day that exists (2026-02-30 is not one). */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const t = Date.parse(value + 'T00:00:00Z');
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === value;
}

/** A zod schema for a calendar date, naming the field in its message. */
export const calendarDate = (field: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${field} is YYYY-MM-DD`)
    .refine(isCalendarDate, { message: `${field} is not a date that exists` });
