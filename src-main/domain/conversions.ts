/**
 * Conversion import from core banking: a CSV file of products opened (`cif,product_code,opened_on`),
 * parsed and validated here (pure), then joined by the hub to the lobby visit it follows (the
 * customer's latest card within the attribution window before the opening).
 */
import { z } from 'zod';

export const ConversionRowSchema = z.strictObject({
  cif: z.string().regex(/^[0-9A-Za-z]{4,32}$/, 'cif is 4-32 letters or digits'),
  productCode: z.string().regex(/^[A-Z0-9_-]{2,32}$/, 'product_code is 2-32 capitals, digits, - or _'),
  openedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'opened_on is YYYY-MM-DD'),
});
export type ConversionRow = z.infer<typeof ConversionRowSchema>;

export interface ParsedConversions {
  rows: (ConversionRow & { line: number })[];
  errors: { line: number; message: string }[];
}

const HEADER = ['cif', 'product_code', 'opened_on'];

export function parseConversionsCsv(text: string): ParsedConversions {
  const out: ParsedConversions = { rows: [], errors: [] };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const head = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  if (head.join(',') !== HEADER.join(',')) {
    out.errors.push({ line: 1, message: `the first line must be the header ${HEADER.join(',')}` });
    return out;
  }
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (!raw) continue;
    const [cif, productCode, openedOn, ...rest] = raw.split(',').map((x) => x.trim());
    if (rest.length > 0) {
      out.errors.push({ line: i + 1, message: 'expected 3 columns' });
      continue;
    }
    const r = ConversionRowSchema.safeParse({ cif, productCode, openedOn });
    if (!r.success) out.errors.push({ line: i + 1, message: r.error.issues.map((x) => x.message).join('; ') });
    else if (Number.isNaN(Date.parse(r.data.openedOn + 'T00:00:00Z'))) out.errors.push({ line: i + 1, message: 'opened_on is not a date' });
    else out.rows.push({ ...r.data, line: i + 1 });
  }
  return out;
}
