/**
 * Money is integer fen (分, 1/100 CNY): stored, summed and compared as whole numbers, never as
 * floating-point yuan. Yuan appear only where people read or write them: a feed's "120000.00", a
 * rule's threshold in the branch file, an amount on a screen.
 */

/** Largest amount the lobby handles: 10^13 fen (100 billion yuan), well inside exact doubles. */
export const MAX_FEN = 10_000_000_000_000;

/**
 * A decimal yuan text ("120000", "120000.5", "120000.00", "-35.10", "1,234.56") as exact fen, or
 * null when it is not one: more than two decimals, an exponent, letters, or out of range. No
 * floating point is involved: the digits are read as digits.
 */
export function parseYuan(text: string): number | null {
  const t = text.trim().replace(/,/g, '');
  const m = /^(-)?(\d{1,13})(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) return null;
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  if (fen > MAX_FEN) return null;
  return m[1] ? -fen : fen;
}

/** A threshold written in yuan (branch rules) as fen. */
export function yuanToFen(yuan: number): number {
  return Math.round(yuan * 100);
}

/** Fen as a plain decimal yuan text with two decimals ("120000.00"), exact. */
export function fenToYuanText(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
