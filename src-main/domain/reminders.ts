/**
 * Reminders the lobby manager sees on a customer card, computed from data and the branch's windows.
 * Every window has a direction: birthdays, maturities and repayments look AHEAD from today; large
 * inflows / outflows, transfers to other banks and classification downgrades look BACK; an overdue
 * is a state of today.
 */

export type ReminderKind =
  | 'birthday'
  | 'maturity'
  | 'large_inflow'
  | 'large_outflow'
  | 'other_bank_transfers'
  | 'repayment_due'
  | 'overdue'
  | 'classification_downgrade';

export interface Reminder {
  kind: ReminderKind;
  /** Date the reminder is about, YYYY-MM-DD. */
  date: string;
  /** Days from today (0 = today, negative = in the past). */
  daysUntil: number;
  productCode?: string;
  /** Integer fen: the holding maturing, the amount due or overdue, the balance after a large flow. */
  amountFen?: number;
  /** large_inflow / large_outflow: change of the balance against the window's average, in percent. */
  percent?: number;
  /** other_bank_transfers: how many within the window. */
  count?: number;
  /** classification_downgrade: from and to (five-tier loan classification). */
  from?: LoanClass;
  to?: LoanClass;
  /** overdue: days overdue. */
  overdueDays?: number;
}

/** Five-tier loan classification (五级分类), best first. */
export type LoanClass = 'normal' | 'special_mention' | 'substandard' | 'doubtful' | 'loss';
export const LOAN_CLASSES: readonly LoanClass[] = ['normal', 'special_mention', 'substandard', 'doubtful', 'loss'];

export type MaturityKind = 'deposit' | 'wealth';

export interface ReminderHolding {
  productCode: string;
  amountFen: number;
  maturityOn: string | null;
  /** Which maturity window applies; deposit when omitted. */
  maturityKind?: MaturityKind;
}

/** A loan or credit card's repayment state (from core banking). */
export interface CreditState {
  productCode: string;
  nextDueOn: string | null;
  dueFen: number;
  overdueDays: number;
  classification: LoanClass;
  previousClassification: LoanClass | null;
  /** When the current classification was set, YYYY-MM-DD. */
  classifiedOn: string | null;
}

/** One account movement (demand account), YYYY-MM-DD; amount > 0, integer fen. */
export interface AccountMovement {
  on: string;
  direction: 'in' | 'out';
  amountFen: number;
  /** Transfer to or from another bank. */
  otherBank: boolean;
}

export interface ReminderWindows {
  birthdayWithinDays: number;
  maturityWithinDays: number;
  wealthMaturityWithinDays?: number;
  repaymentDueWithinDays?: number;
  largeFlowPercent?: number;
  flowAverageDays?: number;
  otherBankTransfersMin?: number;
  otherBankTransfersDays?: number;
  downgradeWithinDays?: number;
}

export interface ReminderInput extends ReminderWindows {
  today: string;
  birthDate: string;
  holdings: readonly ReminderHolding[];
  credit?: readonly CreditState[];
  /** Demand-account balance today (end of day, integer fen) and the movements that led to it. */
  balanceFen?: number;
  movements?: readonly AccountMovement[];
}

const DAY_MS = 86_400_000;

export function daysBetween(fromIso: string, toIso: string): number {
  return Math.round((Date.parse(toIso + 'T00:00:00Z') - Date.parse(fromIso + 'T00:00:00Z')) / DAY_MS);
}

export function addDaysIso(iso: string, days: number): string {
  return new Date(Date.parse(iso + 'T00:00:00Z') + days * DAY_MS).toISOString().slice(0, 10);
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

/**
 * Balance today against the average end-of-day balance of the `days` days before today, rebuilt
 * backwards from today's balance and the movements. Returns the change in percent (null when the
 * average is not positive: nothing to compare with).
 */
export function balanceChangePercent(balanceFen: number, movements: readonly AccountMovement[], today: string, days: number): number | null {
  // Net flow per day offset (1 = yesterday ... days).
  const net = new Float64Array(days + 1);
  for (const m of movements) {
    const back = daysBetween(m.on, today);
    if (back < 0 || back > days) continue;
    net[back]! += m.direction === 'in' ? m.amountFen : -m.amountFen;
  }
  // End of day `k` days ago = balance - net flows of the days after it (k-1 .. 0).
  let eod = balanceFen;
  let sum = 0;
  for (let k = 1; k <= days; k++) {
    eod -= net[k - 1]!;
    sum += eod;
  }
  const avg = sum / days;
  if (!(avg > 0)) return null;
  return ((balanceFen - avg) / avg) * 100;
}

export function remindersFor(input: ReminderInput): Reminder[] {
  const out: Reminder[] = [];
  const today = input.today;
  const birthday = nextBirthday(input.birthDate, today);
  const untilBirthday = daysBetween(today, birthday);
  if (untilBirthday <= input.birthdayWithinDays) {
    out.push({ kind: 'birthday', date: birthday, daysUntil: untilBirthday });
  }
  for (const h of input.holdings) {
    if (!h.maturityOn) continue;
    const days = daysBetween(today, h.maturityOn);
    const window = h.maturityKind === 'wealth' ? (input.wealthMaturityWithinDays ?? input.maturityWithinDays) : input.maturityWithinDays;
    if (days >= 0 && days <= window) {
      out.push({ kind: 'maturity', date: h.maturityOn, daysUntil: days, productCode: h.productCode, amountFen: h.amountFen });
    }
  }
  for (const c of input.credit ?? []) {
    if (c.overdueDays > 0) {
      out.push({ kind: 'overdue', date: addDaysIso(today, -c.overdueDays), daysUntil: -c.overdueDays, productCode: c.productCode, amountFen: c.dueFen, overdueDays: c.overdueDays });
    } else if (c.nextDueOn) {
      const days = daysBetween(today, c.nextDueOn);
      if (days >= 0 && days <= (input.repaymentDueWithinDays ?? 7)) {
        out.push({ kind: 'repayment_due', date: c.nextDueOn, daysUntil: days, productCode: c.productCode, amountFen: c.dueFen });
      }
    }
    if (c.previousClassification && c.classifiedOn) {
      const worse = LOAN_CLASSES.indexOf(c.classification) > LOAN_CLASSES.indexOf(c.previousClassification);
      const ago = daysBetween(c.classifiedOn, today);
      if (worse && ago >= 0 && ago <= (input.downgradeWithinDays ?? 90)) {
        out.push({ kind: 'classification_downgrade', date: c.classifiedOn, daysUntil: -ago, productCode: c.productCode, from: c.previousClassification, to: c.classification });
      }
    }
  }
  if (input.balanceFen !== undefined && input.movements) {
    const pct = balanceChangePercent(input.balanceFen, input.movements, today, input.flowAverageDays ?? 30);
    const threshold = input.largeFlowPercent ?? 30;
    if (pct !== null && Math.abs(pct) >= threshold) {
      out.push({ kind: pct > 0 ? 'large_inflow' : 'large_outflow', date: today, daysUntil: 0, percent: Math.round(pct), amountFen: input.balanceFen });
    }
  }
  if (input.movements) {
    const windowDays = input.otherBankTransfersDays ?? 30;
    let n = 0;
    let last = '';
    for (const m of input.movements) {
      const back = daysBetween(m.on, today);
      if (m.otherBank && m.direction === 'out' && back >= 0 && back < windowDays) {
        n++;
        if (m.on > last) last = m.on;
      }
    }
    if (n >= (input.otherBankTransfersMin ?? 3)) {
      out.push({ kind: 'other_bank_transfers', date: last, daysUntil: daysBetween(today, last), count: n });
    }
  }
  return out.sort((a, b) => a.daysUntil - b.daysUntil || a.kind.localeCompare(b.kind));
}
