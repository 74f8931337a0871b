/**
 * Contact policy across all products (the over-marketing brake): caps per customer per period and
 * suppression after outcomes. A "pitch" is a product offer the lobby manager actually raised with
 * the customer (an outcome accepted / declined / later recorded); an offer merely shown on the
 * tablet and left unanswered at the end of the visit is a "no response". Greetings and maturity
 * reminders do not count towards caps; mandatory notices bypass the policy altogether.
 */

export type Response = 'shown' | 'accepted' | 'declined' | 'later' | 'no_response';
export const PITCH_RESPONSES: readonly Response[] = ['accepted', 'declined', 'later'];

export interface ContactEvent {
  productCode: string;
  response: Response;
  /** Epoch ms. */
  at: number;
  /** False for maturity follow-ups (reinvestment of a maturing product): they never count towards caps. */
  countsTowardCap: boolean;
  /** The visit (decision) it belongs to. */
  decisionId: number;
}

export interface ContactPolicyRules {
  caps: { perVisit: number; perWindow: number; windowDays: number };
  suppression: { declinedDays: number; unansweredCount: number; unansweredDays: number };
}

export interface Suppression {
  productCode: string;
  rule: 'declined' | 'unanswered';
  /** Epoch ms when the pause ends. */
  until: number;
}

const DAY = 86_400_000;

/** Pitches that count towards caps within the window ending now (a product answered twice in one visit is one pitch). */
export function pitchesInWindow(history: readonly ContactEvent[], now: number, windowDays: number): number {
  const from = now - windowDays * DAY;
  const pitched = new Set<string>();
  for (const e of history) {
    if (e.countsTowardCap && PITCH_RESPONSES.includes(e.response) && e.at > from && e.at <= now) pitched.add(`${e.decisionId}|${e.productCode}`);
  }
  return pitched.size;
}

/**
 * Products paused now: declined -> paused `declinedDays` from the (last) decline; pitched
 * `unansweredCount` times without an answer (later / no response, no accept or decline since the
 * last answer) -> paused `unansweredDays` from the last of them. Pauses end on their own.
 */
export function activeSuppressions(history: readonly ContactEvent[], now: number, rules: ContactPolicyRules['suppression']): Suppression[] {
  const byProduct = new Map<string, ContactEvent[]>();
  for (const e of history) {
    const list = byProduct.get(e.productCode) ?? [];
    list.push(e);
    byProduct.set(e.productCode, list);
  }
  const out: Suppression[] = [];
  for (const [productCode, events] of byProduct) {
    events.sort((a, b) => a.at - b.at);
    let until = 0;
    let rule: Suppression['rule'] = 'declined';
    let unanswered = 0;
    let lastUnanswered = 0;
    for (const e of events) {
      if (e.at > now) continue;
      if (e.response === 'declined') {
        const u = e.at + rules.declinedDays * DAY;
        if (u > until) {
          until = u;
          rule = 'declined';
        }
        unanswered = 0;
      } else if (e.response === 'accepted') {
        unanswered = 0;
      } else if (e.response === 'later' || e.response === 'no_response') {
        unanswered++;
        lastUnanswered = e.at;
        if (unanswered >= rules.unansweredCount) {
          const u = lastUnanswered + rules.unansweredDays * DAY;
          if (u > until) {
            until = u;
            rule = 'unanswered';
          }
          unanswered = 0;
        }
      }
    }
    if (until > now) out.push({ productCode, rule, until });
  }
  return out.sort((a, b) => a.productCode.localeCompare(b.productCode));
}

export interface PolicyInput {
  /** Candidate product codes that passed eligibility / applicability / suitability. */
  candidates: readonly string[];
  history: readonly ContactEvent[];
  now: number;
  rules: ContactPolicyRules;
}

export interface PolicyResult {
  allowed: string[];
  dropped: { productCode: string; rule: 'suppressed_declined' | 'suppressed_unanswered' | 'cap_window'; until?: number }[];
  /** Pitches this visit may still carry: min(perVisit, perWindow - pitches in the window), at least 0. */
  pitchAllowance: number;
  pitchesInWindow: number;
}

/** Applies suppressions and the window cap to the candidates (pure). */
export function applyContactPolicy(input: PolicyInput): PolicyResult {
  const { caps, suppression } = input.rules;
  const paused = new Map(activeSuppressions(input.history, input.now, suppression).map((s) => [s.productCode, s]));
  const used = pitchesInWindow(input.history, input.now, caps.windowDays);
  const allowance = Math.max(0, Math.min(caps.perVisit, caps.perWindow - used));
  const allowed: string[] = [];
  const dropped: PolicyResult['dropped'] = [];
  for (const code of input.candidates) {
    const s = paused.get(code);
    if (s) dropped.push({ productCode: code, rule: s.rule === 'declined' ? 'suppressed_declined' : 'suppressed_unanswered', until: s.until });
    else if (allowance === 0) dropped.push({ productCode: code, rule: 'cap_window' });
    else allowed.push(code);
  }
  return { allowed, dropped, pitchAllowance: allowance, pitchesInWindow: used };
}

/**
 * May the manager record one more pitch of `productCode` in this visit? Answers of an already
 * pitched product (changing later -> accepted) are always allowed; a new product only while the
 * visit's pitches counting towards the cap are below the allowance.
 */
export function mayPitch(
  visitEvents: readonly ContactEvent[],
  productCode: string,
  countsTowardCap: boolean,
  allowance: number,
): boolean {
  if (!countsTowardCap) return true;
  const pitched = new Set(visitEvents.filter((e) => e.countsTowardCap && PITCH_RESPONSES.includes(e.response)).map((e) => e.productCode));
  if (pitched.has(productCode)) return true;
  return pitched.size < allowance;
}
