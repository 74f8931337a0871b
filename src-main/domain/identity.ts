/**
 * Identity numbers a customer types or a reader sends at the kiosk: normalisation and
 * check-digit validation. Pure functions, shared by kiosk screens and hub.
 */
import { isBookingCode, normalizeBookingCode } from './appointments';

export type IdentityKind = 'phone' | 'card' | 'idNumber';

/** Strips the spaces and dashes people and card readers put into numbers. */
export function normalizeIdentityValue(kind: IdentityKind, raw: string): string {
  const compact = raw.replace(/[\s\-]/g, '');
  return kind === 'idNumber' ? compact.toUpperCase() : compact;
}

/** Mainland China mobile number: 11 digits starting 1[3-9]. */
export function isValidPhone(value: string): boolean {
  return /^1[3-9]\d{9}$/.test(value);
}

/** Luhn (mod 10) check used by bank card numbers (ISO/IEC 7812). */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Computes the Luhn check digit to append to a partial card number. */
export function luhnCheckDigit(partial: string): string {
  for (let d = 0; d <= 9; d++) {
    if (luhnValid(partial + d)) return String(d);
  }
  throw new Error('unreachable');
}

/** Bank card: 16-19 digits passing Luhn. */
export function isValidCardNumber(value: string): boolean {
  return /^\d{16,19}$/.test(value) && luhnValid(value);
}

const GB11643_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const GB11643_CHECK = '10X98765432';

/** GB 11643-1999 check character for the first 17 digits of a resident ID. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * GB11643_WEIGHTS[i]!;
  return GB11643_CHECK[sum % 11]!;
}

/** Birth date encoded in an 18-character resident ID (YYYY-MM-DD), or null when implausible. */
export function residentIdBirthDate(id: string, today: Date = new Date()): string | null {
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  if (y < 1900 || date.getTime() > today.getTime()) return null;
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

/** 18-character resident ID: 17 digits, GB 11643 check character, plausible birth date. */
export function isValidResidentId(value: string, today: Date = new Date()): boolean {
  if (!/^\d{17}[\dX]$/.test(value)) return false;
  if (residentIdCheckChar(value.slice(0, 17)) !== value[17]) return false;
  return residentIdBirthDate(value, today) !== null;
}

export function isValidIdentity(kind: IdentityKind, normalized: string): boolean {
  switch (kind) {
    case 'phone':
      return isValidPhone(normalized);
    case 'card':
      return isValidCardNumber(normalized);
    case 'idNumber':
      return isValidResidentId(normalized);
  }
}

/** What a reader or scanner can send: an identity, or the booking code of an appointment. */
export type ReadKind = IdentityKind | 'booking';

/**
 * What a card or ID reader (or a QR / barcode scanner) sent, when it does not say: a bank card
 * (Luhn), a resident ID (GB 11643) or a mobile number, tried in that order, or a six-digit booking
 * code (appointments: no identity has six characters); null when it is none of them.
 */
export function classifyIdentity(raw: string): { kind: ReadKind; value: string } | null {
  for (const kind of ['card', 'idNumber', 'phone'] as const) {
    const value = normalizeIdentityValue(kind, raw);
    if (isValidIdentity(kind, value)) return { kind, value };
  }
  const code = normalizeBookingCode(raw);
  if (isBookingCode(code)) return { kind: 'booking', value: code };
  return null;
}
