/**
 * The campaign report, computed from the decision and response records and the products opened in
 * core banking (pure). Conversion is measured the same way in every arm: a visit converts when, within
 * the attribution window after it, the customer opened a product that was a candidate at the visit
 * (it passed eligibility, applicability, suitability and the contact policy: what any arm could have
 * offered). "Accepted" is the manager's record of intent, reported beside it, never as conversion.
 *
 * - uplift: conversion of the treated arm against the holdout, with a 95% interval (Wilson for each
 *   rate, Newcombe for the difference);
 * - ranking quality: the treated arm's top offer opened, against the random arm's offer opened;
 * - offline replay: of the treated visits that converted, how often the opened product was among
 *   the top offers of the real ranking, and how often among the top of a propensity-only ranking of
 *   the same candidates (as Pega's Impact Analyzer compares against propensity alone);
 * - per product and per manager: shown, answers, accepted and opened;
 * - the contact load per customer, so over-marketing stays visible;
 * - caveats whenever an arm has too few visits or the conversion data does not cover the window.
 */
import type { ControlGroup } from './control-groups';
import type { Response } from './contact-policy';
import type { TraceEntry } from './next-best-action';

/**
 * A visit's candidates with their score and learned propensity: what passed every hard stage and
 * the contact policy (offered, or dropped only by arbitration): what any arm could have offered.
 */
export function scoredCandidates(trace: readonly TraceEntry[]): { productCode: string; score: number; propensity: number }[] {
  return trace
    .filter((e) => e.kind === 'product' && (e.stage === 'offered' || e.stage === 'arbitration') && e.score !== undefined)
    .map((e) => ({ productCode: e.code, score: e.score!, propensity: e.factors?.propensity ?? 0 }));
}

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
  /** Products that were candidates at the visit (passed every hard stage and the contact policy). */
  candidates: readonly string[];
  /** The candidates with their score and learned propensity, for the propensity-only replay. */
  scored: readonly { productCode: string; score: number; propensity: number }[];
  /** Products opened in core banking within the attribution window after the visit. */
  opened: readonly string[];
}

/** A rate with its 95% confidence interval. */
export interface Rate {
  rate: number;
  low: number;
  high: number;
  /** Successes and trials behind it. */
  k: number;
  n: number;
}

/** Responses tallied per product or per manager. */
export interface Row {
  key: string;
  shown: number;
  accepted: number;
  declined: number;
  later: number;
  noResponse: number;
  /** accepted / shown: intent recorded by the manager. */
  acceptRate: number;
  /** Offers of this product (or by this manager) whose product was opened within the window. */
  opened: number;
  /** opened / shown: confirmed by core banking. */
  openRate: number;
}

export type ReportCaveat =
  /** An arm has fewer visits than `minVisitsPerArm`: its rate says little. */
  | 'few_visits'
  /** No core-banking conversions were imported: nothing converts in any arm yet. */
  | 'no_conversion_data'
  /** The conversions imported end before the attribution window of the period's last visits. */
  | 'conversion_data_incomplete';

export interface ReportOptions {
  /** Top offers per card (the branch's `offers.maxOffers`), for the replay. */
  maxOffers: number;
  /** Below this many visits an arm gets the `few_visits` caveat. */
  minVisitsPerArm: number;
  /** The latest date the imported conversion data covers (null: none imported). */
  conversionsAsOf: string | null;
  /** The date the data must reach for every visit of the period to have its full window. */
  conversionsNeededUpTo: string;
}

export interface CampaignReportData {
  visits: { treatment: number; holdout: number; random: number };
  /** Share of visits converted (a candidate product opened within the window), per arm. */
  conversion: { treatment: Rate; holdout: Rate; random: Rate };
  /** Share of visits with an offer the manager recorded as accepted (intent; none in the holdout). */
  accepted: { treatment: Rate; random: Rate };
  /** Treated vs holdout conversion, the difference with a 95% CI. */
  uplift: { treatment: Rate; holdout: Rate; difference: Rate };
  /** Ranking quality: the treated arm's top offer opened vs the random arm's offer opened. */
  ranking: { ranked: Rate; random: Rate };
  /** Of the treated visits that converted: the opened product among the top offers of each ranking. */
  replay: { ranked: Rate; propensityOnly: Rate };
  byProduct: Row[];
  byManager: Row[];
  /** Pitches per customer in the period: histogram (pitches -> customers) and the maximum. */
  contactLoad: { customers: number; histogram: { pitches: number; customers: number }[]; max: number; mean: number };
  caveats: ReportCaveat[];
}

const Z = 1.959964;

/** Wilson score interval of k successes in n trials. */
export function wilson(k: number, n: number): Rate {
  if (n <= 0) return { rate: 0, low: 0, high: 0, k: 0, n: 0 };
  const p = k / n;
  const z2 = Z * Z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half), k, n };
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
    k: a.k - b.k,
    n: a.n + b.n,
  };
}

function tally(rows: readonly ReportOfferRow[], keyOf: (r: ReportOfferRow) => string | null, openedIn: (r: ReportOfferRow) => boolean): Row[] {
  const m = new Map<string, Row>();
  for (const r of rows) {
    const key = keyOf(r);
    if (key === null) continue;
    const t = m.get(key) ?? { key, shown: 0, accepted: 0, declined: 0, later: 0, noResponse: 0, acceptRate: 0, opened: 0, openRate: 0 };
    t.shown++;
    if (r.final === 'accepted') t.accepted++;
    else if (r.final === 'declined') t.declined++;
    else if (r.final === 'later') t.later++;
    else if (r.final === 'no_response') t.noResponse++;
    if (openedIn(r)) t.opened++;
    m.set(key, t);
  }
  const out = [...m.values()];
  for (const t of out) {
    t.acceptRate = t.shown ? t.accepted / t.shown : 0;
    t.openRate = t.shown ? t.opened / t.shown : 0;
  }
  return out.sort((a, b) => b.shown - a.shown || a.key.localeCompare(b.key));
}

/** The top `n` product codes by a key, ties by code (as arbitration breaks them). */
function topBy(scored: ReportVisitRow['scored'], n: number, key: (s: ReportVisitRow['scored'][number]) => number): Set<string> {
  return new Set(
    [...scored]
      .sort((a, b) => key(b) - key(a) || a.productCode.localeCompare(b.productCode))
      .slice(0, n)
      .map((s) => s.productCode),
  );
}

export function campaignReport(visits: readonly ReportVisitRow[], offers: readonly ReportOfferRow[], options: ReportOptions): CampaignReportData {
  const count = { treatment: 0, holdout: 0, random: 0 };
  for (const v of visits) count[v.controlGroup]++;
  const byDecision = new Map(visits.map((v) => [v.decisionId, v]));
  const converted = (v: ReportVisitRow) => v.opened.some((p) => v.candidates.includes(p));
  const arm = (g: ControlGroup) => {
    const vs = visits.filter((v) => v.controlGroup === g);
    return { k: vs.filter(converted).length, n: vs.length };
  };
  const treated = arm('treatment');
  const holdout = arm('holdout');
  const random = arm('random');
  const acceptedVisits = new Set(offers.filter((o) => o.final === 'accepted').map((o) => o.decisionId));
  const acceptedIn = (g: ControlGroup) => {
    const vs = visits.filter((v) => v.controlGroup === g);
    return wilson(vs.filter((v) => acceptedVisits.has(v.decisionId)).length, vs.length);
  };
  const openedIn = (o: ReportOfferRow) => byDecision.get(o.decisionId)?.opened.includes(o.productCode) ?? false;

  const rankedTop = offers.filter((o) => o.controlGroup === 'treatment' && o.rank === 1);
  const randomOffers = offers.filter((o) => o.controlGroup === 'random');

  // Offline replay over the treated visits that converted.
  let replayN = 0;
  let rankedHits = 0;
  let propensityHits = 0;
  for (const v of visits) {
    if (v.controlGroup !== 'treatment' || !converted(v) || v.scored.length === 0) continue;
    replayN++;
    const opened = v.opened.filter((p) => v.candidates.includes(p));
    const ranked = topBy(v.scored, options.maxOffers, (s) => s.score);
    const byPropensity = topBy(v.scored, options.maxOffers, (s) => s.propensity);
    if (opened.some((p) => ranked.has(p))) rankedHits++;
    if (opened.some((p) => byPropensity.has(p))) propensityHits++;
  }

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

  const caveats: ReportCaveat[] = [];
  if (count.treatment < options.minVisitsPerArm || count.holdout < options.minVisitsPerArm || count.random < options.minVisitsPerArm) caveats.push('few_visits');
  if (options.conversionsAsOf === null) caveats.push('no_conversion_data');
  else if (options.conversionsAsOf < options.conversionsNeededUpTo) caveats.push('conversion_data_incomplete');

  return {
    visits: count,
    conversion: { treatment: wilson(treated.k, treated.n), holdout: wilson(holdout.k, holdout.n), random: wilson(random.k, random.n) },
    accepted: { treatment: acceptedIn('treatment'), random: acceptedIn('random') },
    uplift: { treatment: wilson(treated.k, treated.n), holdout: wilson(holdout.k, holdout.n), difference: difference(treated, holdout) },
    ranking: {
      ranked: wilson(rankedTop.filter(openedIn).length, rankedTop.length),
      random: wilson(randomOffers.filter(openedIn).length, randomOffers.length),
    },
    replay: { ranked: wilson(rankedHits, replayN), propensityOnly: wilson(propensityHits, replayN) },
    byProduct: tally(offers, (o) => o.productCode, openedIn),
    // Only answers a manager recorded: an offer nobody answered belongs to no manager.
    byManager: tally(offers, (o) => o.staffId, openedIn),
    contactLoad: {
      customers: pitches.size,
      histogram: [...hist.entries()].map(([p, c]) => ({ pitches: p, customers: c })).sort((a, b) => a.pitches - b.pitches),
      max,
      mean: pitches.size ? sum / pitches.size : 0,
    },
    caveats,
  };
}

// ---------------------------------------------------------------- pooled over branches (head office)

/** Where a visit of the pooled report was decided, and the customer's tier then. */
export interface PooledVisitInfo {
  branchId: string;
  tier: string;
}

export interface PooledProductRow {
  productCode: string;
  /** Visits where the product was a candidate, per arm. */
  visits: { treatment: number; holdout: number; random: number };
  /** Of those visits, the product opened within the window: treated against the holdout, with the difference's 95% CI. */
  uplift: { treatment: Rate; holdout: Rate; difference: Rate };
  /** The product as the treated arm's top offer, opened; against the product offered in the random arm, opened. */
  ranking: { ranked: Rate; random: Rate };
  caveats: ReportCaveat[];
}

export interface PooledCampaignReportData {
  /** Every product together (as one branch's report, pooled over every branch). */
  overall: CampaignReportData;
  /** Per product: uplift against the holdout and ranking quality against the random arm. */
  products: PooledProductRow[];
  /** Offers shown in the lobby (treated and random arms) and their products opened, by product, branch and tier. */
  conversion: { byProduct: Row[]; byBranch: Row[]; byTier: Row[] };
}

/**
 * The campaign report pooled over many branches' visits: the same measures as a branch's, with far
 * more visits behind them, and each product's uplift and ranking quality on its own (a product's
 * visits are those where it was a candidate; converted: that product opened).
 */
export function pooledCampaignReport(
  visits: readonly ReportVisitRow[],
  offers: readonly ReportOfferRow[],
  where: ReadonlyMap<number, PooledVisitInfo>,
  options: ReportOptions,
): PooledCampaignReportData {
  const overall = campaignReport(visits, offers, options);
  const codes = new Set<string>();
  for (const v of visits) for (const c of v.candidates) codes.add(c);
  const products: PooledProductRow[] = [...codes].sort().map((code) => {
    const vs = visits
      .filter((v) => v.candidates.includes(code))
      .map((v) => ({ ...v, candidates: [code], scored: v.scored.filter((s) => s.productCode === code), opened: v.opened.filter((p) => p === code) }));
    const ids = new Set(vs.map((v) => v.decisionId));
    const os = offers.filter((o) => o.productCode === code && ids.has(o.decisionId));
    const r = campaignReport(vs, os, options);
    return { productCode: code, visits: r.visits, uplift: r.uplift, ranking: r.ranking, caveats: r.caveats };
  });
  const byDecision = new Map(visits.map((v) => [v.decisionId, v]));
  const openedIn = (o: ReportOfferRow) => byDecision.get(o.decisionId)?.opened.includes(o.productCode) ?? false;
  const shown = offers.filter((o) => o.controlGroup !== 'holdout');
  return {
    overall,
    products,
    conversion: {
      byProduct: tally(shown, (o) => o.productCode, openedIn),
      byBranch: tally(shown, (o) => where.get(o.decisionId)?.branchId ?? null, openedIn),
      byTier: tally(shown, (o) => where.get(o.decisionId)?.tier ?? null, openedIn),
    },
  };
}
