/**
 * Branch notices for the lobby display's marquee: the input schema (both languages,
 * length limits, optional schedule with the end after the start), the refusal of anything that
 * looks like a customer's phone, bank card or resident ID number, and the time rules (which
 * notices are showing now, when that changes next). Pure: shared by hub, admin screen and display.
 */
import { z } from 'zod';
import { isValidCardNumber, isValidPhone, isValidResidentId } from './identity';

/** Longest notice text per language (characters). A marquee line, not an article. */
export const NOTICE_MAX_CHARS = { 'zh-CN': 120, en: 240 } as const;
/** Notices a branch may have (not removed, any schedule) at one time. */
export const MAX_NOTICES = 20;

export type PersonalDataKind = 'phone' | 'card' | 'idNumber';

/** Full-width digits (０-９) and letters as typed by Chinese input methods, folded to ASCII. */
function foldWidth(text: string): string {
  return text.replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/**
 * What in a notice looks like a customer's identifier, or null. Checked on every run of digits,
 * both as written and with the spaces, dashes and dots people put into numbers taken out:
 * - a mobile number (11 digits 1[3-9]…, also after +86 / 86);
 * - a resident ID (17 digits and a check digit or X, valid by GB 11643, or any 15/18-character run);
 * - a bank card (16-19 digits passing Luhn), and any unbroken run of 15 or more digits.
 * Landlines (0…), hotlines (95588, 400-…) and dates are allowed.
 */
export function findPersonalData(text: string): PersonalDataKind | null {
  const t = foldWidth(text);
  // Unbroken runs: long ones are card- or ID-like whatever their check digit.
  for (const m of t.matchAll(/\d+[Xx]?/g)) {
    const run = m[0].toUpperCase();
    const digits = run.replace(/X$/, '');
    if (run.endsWith('X') && digits.length === 17) return 'idNumber';
    if (digits.length >= 15) return digits.length === 15 || digits.length === 18 ? 'idNumber' : 'card';
    const kind = classifyRun(digits);
    if (kind) return kind;
  }
  // Runs with single separators between the groups ("138 0000 0001", "6225-8800-…").
  for (const m of t.matchAll(/\+?\d(?:[ \-.\u00A0]?\d)*(?:[ \-.\u00A0]?[Xx])?/g)) {
    const compact = m[0].replace(/[^\dXx]/g, '').toUpperCase();
    const kind = classifyRun(compact);
    if (kind) return kind;
  }
  return null;
}

function classifyRun(compact: string): PersonalDataKind | null {
  const digits = compact.replace(/X$/, '');
  if (compact.length === 18 && isValidResidentId(compact)) return 'idNumber';
  if (digits === compact && isValidCardNumber(digits)) return 'card';
  if (isValidPhone(digits)) return 'phone';
  if (/^86/.test(digits) && isValidPhone(digits.slice(2))) return 'phone';
  if (/^0086/.test(digits) && isValidPhone(digits.slice(4))) return 'phone';
  return null;
}

/** Control characters and line breaks: a notice is one line of plain text. */
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

function noticeLine(max: number) {
  return z
    .string()
    .trim()
    .min(1, 'required')
    .max(max, `at most ${max} characters`)
    .refine((s) => !CONTROL.test(s), { message: 'one line of plain text (no line breaks or control characters)' })
    .superRefine((s, ctx) => {
      const kind = findPersonalData(s);
      if (kind) ctx.addIssue({ code: 'custom', message: `no personal data: this looks like a ${PERSONAL_DATA_WORDS[kind]}`, params: { personalData: kind } });
    });
}

const PERSONAL_DATA_WORDS: Record<PersonalDataKind, string> = {
  phone: 'phone number',
  card: 'bank card number',
  idNumber: 'resident ID number',
};

export const NoticeTextSchema = z.strictObject({
  'zh-CN': noticeLine(NOTICE_MAX_CHARS['zh-CN']),
  en: noticeLine(NOTICE_MAX_CHARS.en),
});

const WhenSchema = z.iso.datetime({ offset: true, message: 'an ISO 8601 time, e.g. 2026-11-22T09:00:00+08:00' }).nullable().default(null);

/** `POST /api/v1/notices` and `PUT /api/v1/notices/{id}`: both languages, optional schedule. */
export const NoticeInputSchema = z
  .strictObject({
    text: NoticeTextSchema,
    /** Shown from (null: at once). */
    startsAt: WhenSchema,
    /** Shown until (null: until removed). */
    endsAt: WhenSchema,
  })
  .refine((v) => v.startsAt === null || v.endsAt === null || Date.parse(v.endsAt) > Date.parse(v.startsAt), {
    message: 'the end must be after the start',
    path: ['endsAt'],
  });
export type NoticeInput = z.input<typeof NoticeInputSchema>;

/** `PUT /api/v1/notices/order`: every current notice's id once, in the new order. */
export const NoticeOrderSchema = z.strictObject({
  ids: z
    .array(z.string().uuid())
    .min(1)
    .max(MAX_NOTICES)
    .refine((ids) => new Set(ids).size === ids.length, { message: 'each notice once' }),
});

export const NoticeIdParamSchema = z.string().uuid();

/** What the display and every signed-in screen receive: the text and the schedule only. */
export interface PublicNotice {
  id: string;
  text: { 'zh-CN': string; en: string };
  startsAt: string | null;
  endsAt: string | null;
}

export type NoticeState = 'active' | 'scheduled' | 'expired';

/** The admin's view of a notice. */
export interface BranchNotice extends PublicNotice {
  /** `branch`: the branch's own; `head_office`: published in a bundle (changed only by the next one). */
  source: NoticeSource;
  order: number;
  state: NoticeState;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export type NoticeSource = 'branch' | 'head_office';

/** `GET /api/v1/notices` and the socket event `notices:changed`: the notices showing now, in order. */
export interface ActiveNotices {
  /** Hub time the list was made (a screen keeps the newest list it got). */
  at: string;
  notices: PublicNotice[];
}

/** Whether a notice with this schedule shows at `now` (epoch ms): start inclusive, end exclusive. */
export function noticeState(n: { startsAt: string | null; endsAt: string | null }, now: number): NoticeState {
  if (n.endsAt !== null && Date.parse(n.endsAt) <= now) return 'expired';
  if (n.startsAt !== null && Date.parse(n.startsAt) > now) return 'scheduled';
  return 'active';
}

/** The notices showing at `now`, order kept. */
export function activeNotices<T extends { startsAt: string | null; endsAt: string | null }>(notices: readonly T[], now: number): T[] {
  return notices.filter((n) => noticeState(n, now) === 'active');
}

/** The next time after `now` at which a notice starts or ends (when the active list changes), or null. */
export function nextNoticeChange(notices: readonly { startsAt: string | null; endsAt: string | null }[], now: number): number | null {
  let next: number | null = null;
  for (const n of notices) {
    for (const at of [n.startsAt, n.endsAt]) {
      if (at === null) continue;
      const ms = Date.parse(at);
      if (ms > now && (next === null || ms < next)) next = ms;
    }
  }
  return next;
}
