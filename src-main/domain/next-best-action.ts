/**
 * The lobby's next-best-action decision for one visit, composed of the pure stages:
 *   candidates (products, service actions, greetings) -> eligibility -> applicability -> suitability
 *   -> contact policy -> arbitration -> control group.
 * Every candidate ends in the trace with the stage it dropped at (or `offered`) and its score, so a
 * card can always be explained afterwards.
 */
import type { Product } from './products';
import type { Reminder } from './reminders';
import { arbitrate, firstFailure, scoreOffer, type DroppedOffer, type OfferContext, type OfferCustomer, type RankedOffer } from './offers';
import { applyContactPolicy, type ContactEvent, type ContactPolicyRules } from './contact-policy';
import { pickIndex, type ControlGroup } from './control-groups';

export type ActionKind = 'greeting' | 'service' | 'notice';
export type ActionCode =
  | 'birthday_greeting'
  | 'maturity_followup'
  | 'repayment_reminder'
  | 'overdue_notice'
  | 'credit_review'
  | 'funds_arrival'
  | 'retention_check';

/** A non-product item on the card: never a pitch, never capped. */
export interface CardAction {
  kind: ActionKind;
  code: ActionCode;
  /** Mandatory notices bypass consent, caps and control groups. */
  mandatory: boolean;
  reminderKind: Reminder['kind'];
  productCode?: string;
}

const ACTION_OF: Record<Reminder['kind'], { kind: ActionKind; code: ActionCode; mandatory: boolean }> = {
  birthday: { kind: 'greeting', code: 'birthday_greeting', mandatory: false },
  maturity: { kind: 'service', code: 'maturity_followup', mandatory: false },
  repayment_due: { kind: 'service', code: 'repayment_reminder', mandatory: false },
  overdue: { kind: 'notice', code: 'overdue_notice', mandatory: true },
  classification_downgrade: { kind: 'service', code: 'credit_review', mandatory: false },
  large_inflow: { kind: 'service', code: 'funds_arrival', mandatory: false },
  large_outflow: { kind: 'service', code: 'retention_check', mandatory: false },
  other_bank_transfers: { kind: 'service', code: 'retention_check', mandatory: false },
};

/** Candidates besides products: greetings and service actions from the reminders (one per code and product). */
export function actionCandidates(reminders: readonly Reminder[]): CardAction[] {
  const seen = new Set<string>();
  const out: CardAction[] = [];
  for (const r of reminders) {
    const a = ACTION_OF[r.kind];
    const key = `${a.code}|${r.productCode ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...a, reminderKind: r.kind, ...(r.productCode ? { productCode: r.productCode } : {}) });
  }
  // mandatory notices first, then greetings, then service actions
  const order: Record<ActionKind, number> = { notice: 0, greeting: 1, service: 2 };
  return out.sort((x, y) => order[x.kind] - order[y.kind]);
}

export interface NbaOffer extends RankedOffer {
  /** False for maturity follow-ups (reinvestment): they do not count towards contact caps. */
  countsTowardCap: boolean;
}

export interface TraceEntry {
  code: string;
  kind: 'product' | ActionKind;
  /** Stage it dropped at, or 'offered' / 'shown' (actions). */
  stage: DroppedOffer['stage'] | 'offered' | 'shown';
  rule: string | null;
  score?: number;
  factors?: RankedOffer['factors'];
  /** Suppression end (epoch ms) for products paused by the contact policy. */
  until?: number;
}

export interface NbaInput {
  products: readonly Product[];
  customer: OfferCustomer;
  ctx: OfferContext;
  reminders: readonly Reminder[];
  history: readonly ContactEvent[];
  now: number;
  policy: ContactPolicyRules;
  controlGroup: ControlGroup;
  /** Key for the random arm's pick (the ticket id). */
  randomKey: string;
}

export interface NbaDecision {
  offers: NbaOffer[];
  actions: CardAction[];
  dropped: DroppedOffer[];
  trace: TraceEntry[];
  serviceOnly: boolean;
  controlGroup: ControlGroup;
  pitchAllowance: number;
  pitchesInWindow: number;
}

/** Timings per stage (ms), filled when a clock is given (bench). */
export type StageTimings = Record<'candidates' | 'hard_rules' | 'contact_policy' | 'arbitration' | 'control_group', number>;

export function decideNextBestAction(input: NbaInput, clock?: () => number, timings?: StageTimings): NbaDecision {
  const tick = clock ?? (() => 0);
  let t = tick();
  const lap = (stage: keyof StageTimings) => {
    if (!timings) return;
    const n = tick();
    timings[stage] += n - t;
    t = n;
  };

  const { customer, ctx } = input;
  const actions = actionCandidates(input.reminders);
  lap('candidates');

  const dropped: DroppedOffer[] = [];
  const trace: TraceEntry[] = [];
  const passed: Product[] = [];
  for (const p of input.products) {
    const failed = firstFailure(p, customer);
    if (failed) {
      dropped.push({ productCode: p.code, ...failed });
      trace.push({ code: p.code, kind: 'product', stage: failed.stage, rule: failed.rule });
    } else passed.push(p);
  }
  lap('hard_rules');

  const policy = applyContactPolicy({ candidates: passed.map((p) => p.code), history: input.history, now: input.now, rules: input.policy });
  const allowed = new Set(policy.allowed);
  for (const d of policy.dropped) {
    dropped.push({ productCode: d.productCode, stage: 'contact_policy', rule: d.rule });
    trace.push({ code: d.productCode, kind: 'product', stage: 'contact_policy', rule: d.rule, ...(d.until ? { until: d.until } : {}) });
  }
  lap('contact_policy');

  const scored = passed.filter((p) => allowed.has(p.code)).map((p) => scoreOffer(p, customer, ctx));
  const top = arbitrate(scored, ctx.maxOffers);
  lap('arbitration');

  let offers: RankedOffer[] = top.offers;
  let lost: DroppedOffer[] = top.dropped;
  if (input.controlGroup === 'holdout') {
    offers = [];
    lost = scored.map((o) => ({ productCode: o.productCode, stage: 'arbitration', rule: 'control_holdout' }));
  } else if (input.controlGroup === 'random' && scored.length > 0) {
    const sorted = [...scored].sort((a, b) => a.productCode.localeCompare(b.productCode));
    const pick = sorted[pickIndex(input.randomKey, sorted.length)]!;
    offers = [{ ...pick, rank: 1, reasons: [{ code: 'random_arm', params: {} }, ...pick.reasons] }];
    lost = sorted.filter((o) => o !== pick).map((o) => ({ productCode: o.productCode, stage: 'arbitration', rule: 'control_random' }));
  }
  const byCode = new Map(scored.map((o) => [o.productCode, o]));
  for (const d of lost) {
    dropped.push(d);
    const o = byCode.get(d.productCode)!;
    trace.push({ code: d.productCode, kind: 'product', stage: 'arbitration', rule: d.rule, score: o.score, factors: o.factors });
  }
  for (const o of offers) trace.push({ code: o.productCode, kind: 'product', stage: 'offered', rule: null, score: o.score, factors: o.factors });
  for (const a of actions) trace.push({ code: a.productCode ? `${a.code}:${a.productCode}` : a.code, kind: a.kind, stage: 'shown', rule: null });
  const nbaOffers: NbaOffer[] = offers.map((o) => ({ ...o, countsTowardCap: !o.reasons.some((r) => r.code === 'maturity_reinvest') }));
  lap('control_group');

  return {
    offers: customer.marketingConsent ? nbaOffers : [],
    actions,
    dropped,
    trace,
    serviceOnly: !customer.marketingConsent,
    controlGroup: input.controlGroup,
    pitchAllowance: policy.pitchAllowance,
    pitchesInWindow: policy.pitchesInWindow,
  };
}
