/** Small pure helpers of the kiosk screen: request ids, identity input rules, masking, formatting. */
import type { PrinterStatus } from '@domain/contracts';
import type { IdentityKind } from '@domain/identity';
import { maskCardNumber, maskIdNumber, maskPhone } from '@domain/masking';
import { hubBase } from '../../lib/hub';

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

/**
 * The track URL as an absolute address (the QR code is read by another device): relative to the
 * hub, which is the page's origin in a browser and window.branchLobbyShell.hubUrl in the kiosk
 * shell (the page's own app://kiosk origin means nothing to a phone).
 */
export function absoluteUrl(url: string, base: string = hubBase() || window.location.origin): string {
  try {
    return new URL(url, base).toString();
  } catch {
    return url;
  }
}

/** i18n key of the line under the ticket about the paper ticket (null = still printing). */
export function printNoticeKey(status: PrinterStatus | null): string {
  switch (status) {
    case null:
      return 'kiosk:print.printing';
    case 'ok':
    case 'paper_low':
    case 'unknown':
      return 'kiosk:print.printed';
    case 'paper_out':
      return 'kiosk:print.paperOut';
    case 'offline':
      return 'kiosk:print.offline';
    case 'none':
      return 'kiosk:print.noPrinter';
  }
}

/** Whether this browser can read text aloud (Web Speech API). */
export function canSpeak(): boolean {
  return typeof window !== 'undefined' && 'speechSynthesis' in window && typeof SpeechSynthesisUtterance !== 'undefined';
}

/** Reads the ticket aloud in the customer's language; does nothing where speech is unavailable. */
export function speakTicket(text: string, lang: string): void {
  if (!canSpeak()) return;
  window.speechSynthesis.cancel();
  const u = new SpeechSynthesisUtterance(text);
  u.lang = lang;
  u.rate = 0.9;
  window.speechSynthesis.speak(u);
}

/** The kiosk's local date as YYYY-MM-DD (the branch's business date; the hub checks again). */
export function localDate(d: Date = new Date()): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export const DEFAULT_IDLE_SECONDS = 60;
export const DEFAULT_IDLE_WARNING_SECONDS = 20;

/**
 * Idle timing from the page address (`?idle=90&idleWarning=30`, seconds; the kiosk shell sets them
 * from the branch config file), within sane bounds; 60 s + 20 s otherwise.
 */
export function idleSettings(search: string): { idleMs: number; warningSeconds: number } {
  const q = new URLSearchParams(search);
  const num = (name: string, def: number, min: number, max: number) => {
    const raw = q.get(name);
    const n = raw === null || raw === '' ? NaN : Number(raw);
    return Number.isInteger(n) && n >= min && n <= max ? n : def;
  };
  return { idleMs: num('idle', DEFAULT_IDLE_SECONDS, 3, 600) * 1000, warningSeconds: num('idleWarning', DEFAULT_IDLE_WARNING_SECONDS, 3, 120) };
}

/**
 * A date typed on the keypad: up to eight digits shown as YYYY-MM-DD, the dashes put in as the
 * digits come (anything else a reader or keyboard sends is dropped).
 */
export function formatDateDigits(raw: string): string {
  const d = raw.replace(/\D/g, '').slice(0, 8);
  if (d.length <= 4) return d;
  if (d.length <= 6) return `${d.slice(0, 4)}-${d.slice(4)}`;
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`;
}
