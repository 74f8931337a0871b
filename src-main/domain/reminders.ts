/** Reminders the lobby manager sees on a customer card, computed from data and the branch's windows. */

export type ReminderKind = 'birthday' | 'maturity';

export interface Reminder {
  kind: ReminderKind;
  /** Date the reminder is about, YYYY-MM-DD. */
  date: string;
  /** Days from today (0 = today). */
  daysUntil: number;
  productCode?: string;
  amount?: number;
}

export interface ReminderInput {
  today: string;
  birthDate: string;
  holdings: readonly { productCode: string; amount: number; maturityOn: string | null }[];
  birthdayWithinDays: number;
  maturityWithinDays: number;
}

const DAY_MS = 86_400_000;

export function daysBetween(fromIso: string, toIso: string): number {
  return Math.round((Date.parse(toIso + 'T00:00:00Z') - Date.parse(fromIso + 'T00:00:00Z')) / DAY_MS);
}

/** Next occurrence of a birthday on or after today (29 Feb falls on 28 Feb in common years). */
export function nextBirthday(birthDate: string, today: string): string {
  const [, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const ty = Number(today.slice(0, 4));
  for (const year of [ty, ty + 1]) {
    const d = new Date(Date.UTC(year, bm - 1, bd));
    if (d.getUTCMonth() !== bm - 1) d.setUTCDate(0);
    const iso = d.toISOString().slice(0, 10);
    if (iso >= today) return iso;
  }
  throw new Error('unreachable');
}

export function remindersFor(input: ReminderInput): Reminder[] {
  const out: Reminder[] = [];
  const birthday = nextBirthday(input.birthDate, input.today);
  const untilBirthday = daysBetween(input.today, birthday);
  if (untilBirthday <= input.birthdayWithinDays) {
    out.push({ kind: 'birthday', date: birthday, daysUntil: untilBirthday });
  }
  for (const h of input.holdings) {
    if (!h.maturityOn) continue;
    const days = daysBetween(input.today, h.maturityOn);
    if (days >= 0 && days <= input.maturityWithinDays) {
      out.push({ kind: 'maturity', date: h.maturityOn, daysUntil: days, productCode: h.productCode, amount: h.amount });
    }
  }
  return out.sort((a, b) => a.daysUntil - b.daysUntil);
}
