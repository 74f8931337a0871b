/**
 * The campaign report, computed from the decision and response records (pure):
 * per product and per manager shown / accepted / conversion, uplift against the holdout with a
 * 95% confidence interval (Wilson for each rate, Newcombe for the difference), ranking quality
 * against the random arm, and the contact load per customer (so over-marketing is visible).
 */
import type { ControlGroup } from './control-groups';
import type { Response } from './contact-policy';

export interface ReportOfferRow {
  decisionId: number;
  customerId: number;
  controlGroup: ControlGroup;
  productCode: string;
  rank: number;
  /** Final response of this offer: shown when nothing was recorded yet. */
  final: Response;
  /** Staff who recorded the final answer, or null. */
  staffId: string | null;
  countsTowardCap: boolean;
}
export interface ReportVisitRow {
  decisionId: number;
  customerId: number;
  controlGroup: ControlGroup;
}

/** A rate with its 95% confidence interval. */
export interface Rate {
  rate: number;
  low: number;
  high: number;
}
/** Responses tallied per product or per manager. */
export interface Row {
  key: string;
  shown: number;
  accepted: number;
  declined: number;
  later: number;
  noResponse: number;
  /** accepted / shown */
  conversion: number;
}

const Z = 1.959964;

/** Wilson score interval of k successes in n trials. */
export function wilson(k: number, n: number): Rate {
  if (n <= 0) return { rate: 0, low: 0, high: 0 };
  const p = k / n;
  const z2 = Z * Z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Difference p1 - p2 with Newcombe's hybrid score interval (method 10). */
export function difference(a: { k: number; n: number }, b: { k: number; n: number }): Rate {
  const r1 = wilson(a.k, a.n);
  const r2 = wilson(b.k, b.n);
  const d = r1.rate - r2.rate;
  return {
    rate: d,
    low: d - Math.sqrt((r1.rate - r1.low) ** 2 + (r2.high - r2.rate) ** 2),
    high: d + Math.sqrt((r1.high - r1.rate) ** 2 + (r2.rate - r2.low) ** 2),
  };
}

function tally(rows: readonly ReportOfferRow[], keyOf: (r: ReportOfferRow) => string): Row[] {
  const m = new Map<string, Row>();
  for (const r of rows) {
    const key = keyOf(r);
    const t = m.get(key) ?? { key, shown: 0, accepted: 0, declined: 0, later: 0, noResponse: 0, conversion: 0 };
    t.shown++;
    if (r.final === 'accepted') t.accepted++;
    else if (r.final === 'declined') t.declined++;
    else if (r.final === 'later') t.later++;
    else if (r.final === 'no_response') t.noResponse++;
    m.set(key, t);
  }
  const out = [...m.values()];
  for (const t of out) t.conversion = t.shown ? t.accepted / t.shown : 0;
  return out.sort((a, b) => b.shown - a.shown || a.key.localeCompare(b.key));
}

export interface CampaignReportData {
  visits: { treatment: number; holdout: number; random: number };
  byProduct: Row[];
  byManager: Row[];
  /** Share of visits converted (an accepted offer or an imported conversion): treated vs holdout, difference with a 95% CI. */
  uplift: { treatment: Rate; holdout: Rate; difference: Rate };
  /** Ranking quality: acceptance of the top-ranked offer vs the random arm's offer. */
  ranking: { ranked: Rate; random: Rate };
  /** Pitches per customer in the period: histogram (pitches -> customers) and the maximum. */
  contactLoad: { customers: number; histogram: { pitches: number; customers: number }[]; max: number; mean: number };
}

/**
 * `confirmed`: visits (decision ids) followed by a conversion from the core-banking import; a visit
 * converts when an offer was accepted or a conversion was confirmed (the only way a holdout visit can).
 */
export function campaignReport(
  visits: readonly ReportVisitRow[],
  offers: readonly ReportOfferRow[],
  confirmed: ReadonlySet<number> = new Set(),
): CampaignReportData {
  const count = { treatment: 0, holdout: 0, random: 0 };
  for (const v of visits) count[v.controlGroup]++;
  const converted = new Set([...offers.filter((o) => o.final === 'accepted').map((o) => o.decisionId), ...confirmed]);
  const arm = (g: ControlGroup) => {
    const vs = visits.filter((v) => v.controlGroup === g);
    return { k: vs.filter((v) => converted.has(v.decisionId)).length, n: vs.length };
  };
  const treated = arm('treatment');
  const holdout = arm('holdout');
  const rankedTop = offers.filter((o) => o.controlGroup === 'treatment' && o.rank === 1);
  const randomOffers = offers.filter((o) => o.controlGroup === 'random');

  const pitches = new Map<number, number>();
  for (const v of visits) if (!pitches.has(v.customerId)) pitches.set(v.customerId, 0);
  for (const o of offers) {
    if (o.countsTowardCap && (o.final === 'accepted' || o.final === 'declined' || o.final === 'later')) {
      pitches.set(o.customerId, (pitches.get(o.customerId) ?? 0) + 1);
    }
  }
  const hist = new Map<number, number>();
  let max = 0;
  let sum = 0;
  for (const n of pitches.values()) {
    hist.set(n, (hist.get(n) ?? 0) + 1);
    if (n > max) max = n;
    sum += n;
  }
  return {
    visits: count,
    byProduct: tally(offers, (o) => o.productCode),
    byManager: tally(offers, (o) => o.staffId ?? '-'),
    uplift: { treatment: wilson(treated.k, treated.n), holdout: wilson(holdout.k, holdout.n), difference: difference(treated, holdout) },
    ranking: {
      ranked: wilson(rankedTop.filter((o) => o.final === 'accepted').length, rankedTop.length),
      random: wilson(randomOffers.filter((o) => o.final === 'accepted').length, randomOffers.length),
    },
    contactLoad: {
      customers: pitches.size,
      histogram: [...hist.entries()].map(([p, c]) => ({ pitches: p, customers: c })).sort((a, b) => a.pitches - b.pitches),
      max,
      mean: pitches.size ? sum / pitches.size : 0,
    },
  };
}
