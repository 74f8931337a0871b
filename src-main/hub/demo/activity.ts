/**
 * Demo core-banking activity behind the card's reminders: demand-account movements of the last
 * 30 days (large inflows / outflows, transfers to other banks), the repayment state of loans and
 * credit cards (due dates, overdue, five-tier classification) and open product applications.
 *
 * Deterministic and independent of the customer generator: each customer's activity comes from
 * its own PRNG seeded with the customer id, so adding it changed no existing customer.
 */
import type { CreditState } from '../../domain/reminders';
import { addDays, Rng } from './random';

export interface ActivityHolding {
  holdingId: number;
  productCode: string;
  category: string;
  amount: number;
}

export interface DemoMovement {
  onDate: string;
  direction: 'in' | 'out';
  amount: number;
  otherBank: boolean;
}
/** The core-banking repayment state the card's reminders read, tied to the holding it belongs to. */
export interface DemoCreditStatus extends Omit<CreditState, 'dueFen'> {
  /** Index of the holding among the customer's (its account id in the feed). */
  holdingId: number;
  /** Yuan, as the generator makes it; the feed writes it with two decimals. */
  dueAmount: number;
}
export interface DemoActivity {
  movements: DemoMovement[];
  credit: DemoCreditStatus[];
  applications: { productCode: string; status: 'open'; appliedOn: string }[];
  resident: boolean;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
/** A movement amount: rounded to cents, never below one cent (the table requires amount > 0). */
const money = (x: number) => Math.max(0.01, round2(x));

/** Synthetic customers' activity. */
export function demoActivity(customerId: number, holdings: readonly ActivityHolding[], lastOverdueOn: string | null, today: string): DemoActivity {
  const r = new Rng((0x5eed_0a00 ^ Math.imul(customerId, 0x9e3779b1)) >>> 0);
  const out: DemoActivity = { movements: [], credit: [], applications: [], resident: r.chance(0.99) };
  const dd = holdings.find((h) => h.category === 'demand_deposit');
  if (dd && dd.amount > 0) {
    const shape = r.next();
    const balance = dd.amount;
    if (shape < 0.06) {
      // a large inflow a few days ago (salary bonus, maturity elsewhere, sale of a flat)
      out.movements.push({ onDate: addDays(today, -r.int(0, 5)), direction: 'in', amount: money(balance * (0.4 + r.next() * 0.5)), otherBank: r.chance(0.5) });
    } else if (shape < 0.11) {
      // a large outflow a few days ago
      out.movements.push({ onDate: addDays(today, -r.int(0, 5)), direction: 'out', amount: money(balance * (0.6 + r.next() * 1.2)), otherBank: r.chance(0.7) });
    } else if (shape < 0.15) {
      // money moving to other banks, week after week
      const n = r.int(3, 6);
      for (let i = 0; i < n; i++) {
        out.movements.push({ onDate: addDays(today, -r.int(0, 28)), direction: 'out', amount: money(Math.max(100, balance * 0.03 * (0.5 + r.next()))), otherBank: true });
      }
    }
    // everyday small movements that keep the balance steady
    const small = r.int(0, 4);
    for (let i = 0; i < small; i++) {
      const amount = money(Math.max(10, balance * 0.02 * r.next()));
      const day = addDays(today, -r.int(1, 29));
      out.movements.push({ onDate: day, direction: 'in', amount, otherBank: false });
      out.movements.push({ onDate: addDays(day, 1) > today ? day : addDays(day, 1), direction: 'out', amount, otherBank: false });
    }
  }
  const recentOverdue = lastOverdueOn !== null && lastOverdueOn >= addDays(today, -60);
  for (const h of holdings) {
    if (h.category !== 'loan' && h.category !== 'credit_card') continue;
    const isCard = h.category === 'credit_card';
    const overdue = recentOverdue && r.chance(0.6) ? r.int(1, 60) : 0;
    const downgrade = overdue > 30 || r.chance(0.01);
    out.credit.push({
      holdingId: h.holdingId,
      productCode: h.productCode,
      nextDueOn: addDays(today, r.int(0, isCard ? 25 : 30)),
      dueAmount: round2(isCard ? h.amount : Math.max(500, h.amount / (12 * (3 + r.int(0, 17))))),
      overdueDays: overdue,
      classification: downgrade ? (overdue > 30 ? 'substandard' : 'special_mention') : 'normal',
      previousClassification: downgrade ? 'normal' : null,
      classifiedOn: downgrade ? addDays(today, -r.int(1, 120)) : null,
    });
  }
  if (r.chance(0.02)) {
    const code = r.pick(['CC-STD', 'LN-CONSUMER', 'WM-R2', 'INS-HEALTH']);
    if (!holdings.some((h) => h.productCode === code)) out.applications.push({ productCode: code, status: 'open', appliedOn: addDays(today, -r.int(1, 14)) });
  }
  return out;
}

/** The fixed identities' activity: what the README promises a tester sees. */
export function fixedActivity(index: number, holdings: readonly ActivityHolding[], today: string): DemoActivity {
  const out: DemoActivity = { movements: [], credit: [], applications: [], resident: true };
  const loanOrCard = holdings.filter((h) => h.category === 'loan' || h.category === 'credit_card');
  switch (index) {
    case 1: // 王建国: platinum card statement due in 4 days
      for (const h of loanOrCard) {
        out.credit.push({ holdingId: h.holdingId, productCode: h.productCode, nextDueOn: addDays(today, 4), dueAmount: h.amount, overdueDays: 0, classification: 'normal', previousClassification: null, classifiedOn: null });
      }
      break;
    case 2: // 李秀英: four transfers to other banks this month (a retention moment)
      for (const [days, amount] of [[3, 50_000], [9, 40_000], [16, 30_000], [24, 20_000]] as const) {
        out.movements.push({ onDate: addDays(today, -days), direction: 'out', amount, otherBank: true });
      }
      out.movements.push({ onDate: addDays(today, -2), direction: 'in', amount: 140_000, otherBank: false });
      break;
    case 3: // 张伟: a year-end bonus arrived 2 days ago (large inflow)
      out.movements.push({ onDate: addDays(today, -2), direction: 'in', amount: 12_000, otherBank: false });
      out.applications.push({ productCode: 'CC-STD', status: 'open', appliedOn: addDays(today, -5) });
      break;
    case 6: // 孙志强: classification downgraded 60 days ago, next instalment due in 3 days
      for (const h of loanOrCard) {
        out.credit.push({
          holdingId: h.holdingId,
          productCode: h.productCode,
          nextDueOn: addDays(today, 3),
          dueAmount: 45_000,
          overdueDays: 0,
          classification: 'special_mention',
          previousClassification: 'normal',
          classifiedOn: addDays(today, -60),
        });
      }
      break;
    default:
      break;
  }
  return out;
}
