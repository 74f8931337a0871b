import { describe, expect, it } from 'vitest';
import { activeSuppressions, applyContactPolicy, mayPitch, pitchesInWindow, type ContactEvent, type ContactPolicyRules } from '@domain/contact-policy';

const DAY = 86_400_000;
const T0 = Date.parse('2026-06-01T02:00:00Z');
const RULES: ContactPolicyRules = {
  caps: { perVisit: 2, perWindow: 8, windowDays: 30 },
  suppression: { declinedDays: 90, unansweredCount: 3, unansweredDays: 30 },
};
let nextDecision = 1;
const ev = (productCode: string, response: ContactEvent['response'], at: number, o: Partial<ContactEvent> = {}): ContactEvent => ({
  productCode,
  response,
  at,
  countsTowardCap: true,
  decisionId: nextDecision++,
  ...o,
});

describe('suppression after outcomes, expiring on its own (injected clock)', () => {
  it('declined -> paused 90 days, then offered again', () => {
    const h = [ev('WM-R2', 'declined', T0)];
    expect(activeSuppressions(h, T0 + 1, RULES.suppression)).toEqual([{ productCode: 'WM-R2', rule: 'declined', until: T0 + 90 * DAY }]);
    expect(activeSuppressions(h, T0 + 90 * DAY - 1, RULES.suppression)).toHaveLength(1);
    expect(activeSuppressions(h, T0 + 90 * DAY, RULES.suppression)).toEqual([]);
    const at89 = applyContactPolicy({ candidates: ['WM-R2', 'TD-1Y'], history: h, now: T0 + 89 * DAY, rules: RULES });
    expect(at89.allowed).toEqual(['TD-1Y']);
    expect(at89.dropped).toEqual([{ productCode: 'WM-R2', rule: 'suppressed_declined', until: T0 + 90 * DAY }]);
    expect(applyContactPolicy({ candidates: ['WM-R2'], history: h, now: T0 + 91 * DAY, rules: RULES }).allowed).toEqual(['WM-R2']);
  });

  it('pitched 3 times without an answer (later / no response) -> paused 30 days from the third', () => {
    const h = [ev('CC-STD', 'later', T0), ev('CC-STD', 'no_response', T0 + 5 * DAY), ev('CC-STD', 'later', T0 + 10 * DAY)];
    expect(activeSuppressions(h.slice(0, 2), T0 + 11 * DAY, RULES.suppression)).toEqual([]);
    expect(activeSuppressions(h, T0 + 11 * DAY, RULES.suppression)).toEqual([{ productCode: 'CC-STD', rule: 'unanswered', until: T0 + 40 * DAY }]);
    expect(activeSuppressions(h, T0 + 40 * DAY, RULES.suppression)).toEqual([]);
  });

  it('an answer resets the unanswered count; shown alone is not a pitch', () => {
    const h = [ev('CC-STD', 'later', T0), ev('CC-STD', 'later', T0 + DAY), ev('CC-STD', 'accepted', T0 + 2 * DAY), ev('CC-STD', 'later', T0 + 3 * DAY), ev('CC-STD', 'shown', T0 + 4 * DAY)];
    expect(activeSuppressions(h, T0 + 5 * DAY, RULES.suppression)).toEqual([]);
  });

  it('the pause lengths are configuration', () => {
    const h = [ev('WM-R2', 'declined', T0)];
    expect(activeSuppressions(h, T0 + 8 * DAY, { ...RULES.suppression, declinedDays: 7 })).toEqual([]);
  });
});

describe('caps across all products', () => {
  it('counts pitches in the window only; maturity follow-ups and shown / no response do not count', () => {
    const h = [
      ev('A', 'accepted', T0 - 31 * DAY), // outside
      ev('B', 'declined', T0 - 29 * DAY),
      ev('C', 'later', T0 - DAY),
      ev('D', 'accepted', T0 - DAY, { countsTowardCap: false }),
      ev('E', 'shown', T0 - DAY),
      ev('F', 'no_response', T0 - DAY),
    ];
    expect(pitchesInWindow(h, T0, 30)).toBe(2);
    // the same product answered twice in one visit (later, then accepted) is one pitch
    expect(pitchesInWindow([ev('A', 'later', T0 - 2, { decisionId: 99 }), ev('A', 'accepted', T0 - 1, { decisionId: 99 })], T0, 30)).toBe(1);
  });

  it('allowance = min(per visit, per window - used); at the window cap nothing is offered', () => {
    const seven = Array.from({ length: 7 }, (_, i) => ev(`P${i}`, 'accepted', T0 - (i + 1) * DAY));
    expect(applyContactPolicy({ candidates: ['X'], history: [], now: T0, rules: RULES }).pitchAllowance).toBe(2);
    expect(applyContactPolicy({ candidates: ['X'], history: seven, now: T0, rules: RULES }).pitchAllowance).toBe(1);
    const eight = [...seven, ev('P8', 'declined', T0 - 10 * DAY)];
    const capped = applyContactPolicy({ candidates: ['X', 'Y'], history: eight, now: T0, rules: RULES });
    expect(capped).toMatchObject({ allowed: [], pitchAllowance: 0, pitchesInWindow: 8 });
    expect(capped.dropped.map((d) => d.rule)).toEqual(['cap_window', 'cap_window']);
    // 30 days later the oldest pitches left the window
    expect(applyContactPolicy({ candidates: ['X'], history: eight, now: T0 + 25 * DAY, rules: RULES }).allowed).toEqual(['X']);
  });

  it('per visit: a new product beyond the allowance is refused; answering again and maturity follow-ups are not', () => {
    const visit = [ev('A', 'shown', T0), ev('B', 'shown', T0), ev('C', 'shown', T0), ev('A', 'later', T0 + 1), ev('B', 'declined', T0 + 2)];
    expect(mayPitch(visit.slice(0, 4), 'B', true, 2)).toBe(true);
    expect(mayPitch(visit, 'C', true, 2)).toBe(false);
    expect(mayPitch(visit, 'A', true, 2)).toBe(true); // later -> accepted
    expect(mayPitch(visit, 'C', false, 2)).toBe(true); // maturity follow-up
    expect(mayPitch([], 'A', true, 0)).toBe(false);
  });
});
