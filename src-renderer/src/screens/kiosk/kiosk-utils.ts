/** Small pure helpers of the kiosk screen: request ids, identity input rules, masking, formatting. */
import type { IdentityKind } from '@domain/identity';
import { maskCardNumber, maskIdNumber, maskPhone } from '@domain/masking';

/**
 * A fresh id for one ticket attempt. crypto.randomUUID exists only in secure contexts (https or
 * localhost); a kiosk that loads the hub over plain http on the branch LAN falls back to
 * crypto.getRandomValues, which is available everywhere.
 */
export function newRequestId(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const MAX_LENGTH: Record<IdentityKind, number> = { phone: 11, card: 19, idNumber: 18 };

/**
 * Keeps only what may be typed for the kind: digits, and for a resident ID an X as the 18th
 * character. Spaces and dashes (from readers or people) are dropped; the result is cut to length.
 */
export function sanitizeIdentityInput(kind: IdentityKind, raw: string): string {
  let out = '';
  for (const ch of raw.toUpperCase()) {
    if (out.length >= MAX_LENGTH[kind]) break;
    if (ch >= '0' && ch <= '9') out += ch;
    else if (ch === 'X' && kind === 'idNumber' && out.length === 17) out += ch;
  }
  return out;
}

/** Groups digits the way people read them: 138 0000 0001, 6222 0212 …, 110101 19900101 1234. */
export function groupIdentity(kind: IdentityKind, value: string): string {
  const sizes = kind === 'phone' ? [3, 4, 4] : kind === 'idNumber' ? [6, 8, 4] : [4, 4, 4, 4, 3];
  const parts: string[] = [];
  let i = 0;
  for (const size of sizes) {
    if (i >= value.length) break;
    parts.push(value.slice(i, i + size));
    i += size;
  }
  if (i < value.length) parts.push(value.slice(i));
  return parts.join(' ');
}

/** What the kiosk shows of an identity once it has been entered: never the full value. */
export function maskIdentity(kind: IdentityKind, value: string): string {
  switch (kind) {
    case 'phone':
      return maskPhone(value);
    case 'card':
      return maskCardNumber(value);
    case 'idNumber':
      return maskIdNumber(value);
  }
}

/** The track URL as an absolute address (the QR code is read by another device). */
export function absoluteUrl(url: string): string {
  try {
    return new URL(url, window.location.origin).toString();
  } catch {
    return url;
  }
}
