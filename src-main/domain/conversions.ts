/**
 * Products opened in core banking (a conversion): the row of a core-banking export or of the
 * warehouse feed's `conversions.csv`, checked here (pure). The hub joins each one to the lobby visit
 * it follows within the attribution window, and the campaign report counts a visit as converted in
 * every arm alike when a product that was a candidate at the visit was opened afterwards.
 */
import { z } from 'zod';
import { calendarDate } from './dates';

/** A product opened this many days after a lobby visit is attributed to that visit. */
export const ATTRIBUTION_DAYS = 30;

export const CONVERSION_COLUMNS = { required: ['cif', 'product_code', 'opened_on'], optional: ['account_id'] } as const;

export const ConversionRowSchema = z.object({
  cif: z.string().regex(/^[0-9A-Za-z]{4,32}$/, 'cif is 4-32 letters or digits'),
  product_code: z.string().regex(/^[A-Z0-9_-]{2,32}$/, 'product_code is 2-32 capitals, digits, - or _'),
  opened_on: calendarDate('opened_on'),
  account_id: z.string().max(64, 'account_id is at most 64 characters').optional(),
});
export type ConversionRow = z.infer<typeof ConversionRowSchema>;
