import { describe, expect, it } from 'vitest';
import { campaignReport, difference, pooledCampaignReport, wilson, type ReportOfferRow, type ReportOptions, type ReportVisitRow } from '@domain/campaign-report';

describe('confidence intervals', () => {
  it('Wilson interval: known values', () => {
    const r = wilson(10, 100);
    expect(r.rate).toBe(0.1);
    expect(r.low).toBeCloseTo(0.0552, 3);
    expect(r.high).toBeCloseTo(0.1744, 3);
    expect(wilson(0, 0)).toMatchObject({ rate: 0, low: 0, high: 0 });
    expect(wilson(0, 10).low).toBe(0);
  });
  it('Newcombe difference: contains the point estimate, excludes 0 only when clearly different', () => {
    const d = difference({ k: 56, n: 70 }, { k: 48, n: 80 });
    expect(d.rate).toBeCloseTo(0.2);
    expect(d.low).toBeCloseTo(0.0524, 2);
    expect(d.high).toBeCloseTo(0.3339, 2);
    const same = difference({ k: 5, n: 50 }, { k: 5, n: 50 });
    expect(same.low).toBeLessThan(0);
    expect(same.high).toBeGreaterThan(0);
  });
});

const OPTIONS: ReportOptions = { maxOffers: 2, minVisitsPerArm: 1, conversionsAsOf: '2026-12-31', conversionsNeededUpTo: '2026-12-30' };
const scored = (...list: [string, number, number][]) => list.map(([productCode, score, propensity]) => ({ productCode, score, propensity }));
const v = (decisionId: number, customerId: number, controlGroup: ReportVisitRow['controlGroup'], candidates: [string, number, number][], opened: string[] = []): ReportVisitRow => ({
  decisionId,
  customerId,
  controlGroup,
  candidates: candidates.map((c) => c[0]),
  scored: scored(...candidates),
  opened,
});
const o = (decisionId: number, customerId: number, productCode: string, rank: number, final: ReportOfferRow['final'], staffId: string | null, controlGroup: ReportOfferRow['controlGroup'] = 'treatment', countsTowardCap = true): ReportOfferRow => ({
  decisionId, customerId, productCode, rank, final, staffId, controlGroup, countsTowardCap,
});

describe('campaignReport: conversion measured alike in every arm', () => {
  // WM-R2 ranks first by score, FD-BOND first by propensity alone.
  const cands: [string, number, number][] = [
    ['WM-R2', 0.9, 0.1],
    ['TD-1Y', 0.5, 0.2],
    ['FD-BOND', 0.3, 0.4],
  ];
  const visits: ReportVisitRow[] = [
    v(1, 1, 'treatment', cands, ['WM-R2']), // accepted and opened
    v(2, 1, 'treatment', cands), // accepted, never opened: intent only
    v(3, 2, 'treatment', cands, ['FD-BOND']), // opened a candidate not pitched first
    v(4, 3, 'holdout', cands, ['TD-1Y']), // no pitch, yet opened: converts too
    v(5, 4, 'holdout', cands, ['XX-OTHER']), // opened something that was no candidate: does not convert
    v(6, 5, 'random', cands, ['TD-1Y']),
  ];
  const offers = [
    o(1, 1, 'WM-R2', 1, 'accepted', 'm01'),
    o(1, 1, 'TD-1Y', 2, 'declined', 'm01'),
    o(2, 1, 'WM-R2', 1, 'accepted', 'm02'),
    o(2, 1, 'TD-1Y', 2, 'no_response', null),
    o(3, 2, 'WM-R2', 1, 'shown', null),
    o(3, 2, 'TD-1Y', 2, 'shown', null),
    o(6, 5, 'TD-1Y', 1, 'later', 'm01', 'random'),
  ];
  const r = campaignReport(visits, offers, OPTIONS);

  it('a visit converts only when a candidate product was opened, whatever the arm; accepted is intent beside it', () => {
    expect(r.visits).toEqual({ treatment: 3, holdout: 2, random: 1 });
    expect(r.conversion.treatment).toMatchObject({ k: 2, n: 3 });
    expect(r.conversion.holdout).toMatchObject({ k: 1, n: 2 });
    expect(r.conversion.random).toMatchObject({ k: 1, n: 1 });
    // Two treated visits had an accepted offer, but only one of them opened it: accepted is not conversion.
    expect(r.accepted.treatment).toMatchObject({ k: 2, n: 3 });
    expect(r.uplift.difference.rate).toBeCloseTo(2 / 3 - 1 / 2);
    expect(r.uplift.difference.low).toBeLessThan(r.uplift.difference.rate);
  });

  it('ranking quality: the top offer opened, treated vs random arm', () => {
    expect(r.ranking.ranked).toMatchObject({ k: 1, n: 3 }); // visit 1's WM-R2
    expect(r.ranking.random).toMatchObject({ k: 1, n: 1 });
  });

  it('offline replay: the opened product among the top offers of the ranking vs a propensity-only ranking', () => {
    // Converted treated visits: 1 (WM-R2) and 3 (FD-BOND). Top 2 by score: WM-R2, TD-1Y; by propensity: FD-BOND, TD-1Y.
    expect(r.replay.ranked).toMatchObject({ k: 1, n: 2 });
    expect(r.replay.propensityOnly).toMatchObject({ k: 1, n: 2 });
  });

  it('per product and per manager: answers, accepted and opened; an unanswered offer belongs to no manager', () => {
    expect(r.byProduct.find((x) => x.key === 'WM-R2')).toEqual({
      key: 'WM-R2',
      shown: 3,
      accepted: 2,
      declined: 0,
      later: 0,
      noResponse: 0,
      acceptRate: 2 / 3,
      opened: 1,
      openRate: 1 / 3,
    });
    expect(r.byManager.map((x) => x.key).sort()).toEqual(['m01', 'm02']);
    expect(r.byManager.find((x) => x.key === 'm01')).toMatchObject({ shown: 3, accepted: 1, declined: 1, later: 1 });
  });

  it('the contact load counts pitches that count towards the caps', () => {
    expect(r.contactLoad).toEqual({ customers: 5, histogram: [{ pitches: 0, customers: 3 }, { pitches: 1, customers: 1 }, { pitches: 3, customers: 1 }], max: 3, mean: 0.8 });
  });
});

describe('campaignReport: caveats', () => {
  const one = [v(1, 1, 'treatment', [['A1', 1, 1]])];
  it('says when an arm has too few visits', () => {
    expect(campaignReport(one, [], { ...OPTIONS, minVisitsPerArm: 30 }).caveats).toContain('few_visits');
  });
  it('says when no conversion data was imported, or it ends before the window of the last visits', () => {
    const o = { ...OPTIONS, minVisitsPerArm: 0 };
    expect(campaignReport(one, [], { ...o, conversionsAsOf: null }).caveats).toEqual(['no_conversion_data']);
    expect(campaignReport(one, [], { ...o, conversionsAsOf: '2026-12-01' }).caveats).toEqual(['conversion_data_incomplete']);
    expect(campaignReport(one, [], o).caveats).toEqual([]);
  });
});

describe('the report pooled over branches', () => {
  const v = (decisionId: number, controlGroup: 'treatment' | 'holdout' | 'random', candidates: string[], opened: string[]) => ({
    decisionId,
    customerId: decisionId,
    controlGroup,
    candidates,
    scored: candidates.map((productCode, i) => ({ productCode, score: 10 - i, propensity: 0.1 })),
    opened,
  });
  const o = (decisionId: number, controlGroup: 'treatment' | 'holdout' | 'random', productCode: string, rank: number, final: 'accepted' | 'declined' | 'shown' = 'shown') => ({
    decisionId,
    customerId: decisionId,
    controlGroup,
    productCode,
    rank,
    final,
    staffId: null,
    countsTowardCap: true,
  });
  // Branch X: treated visits 1-4 (FUND candidate in all, opened in 1 and 2), holdout 5-6 (opened in 5).
  // Branch Y: random visit 7 (offered FUND, opened) and treated visit 8 (LOAN only, not opened).
  const visits = [
    v(1, 'treatment', ['FUND', 'LOAN'], ['FUND']),
    v(2, 'treatment', ['FUND'], ['FUND']),
    v(3, 'treatment', ['FUND'], []),
    v(4, 'treatment', ['FUND'], ['LOAN']),
    v(5, 'holdout', ['FUND'], ['FUND']),
    v(6, 'holdout', ['FUND'], []),
    v(7, 'random', ['FUND'], ['FUND']),
    v(8, 'treatment', ['LOAN'], []),
  ];
  const offers = [o(1, 'treatment', 'FUND', 1, 'accepted'), o(1, 'treatment', 'LOAN', 2), o(2, 'treatment', 'FUND', 1), o(3, 'treatment', 'FUND', 1, 'declined'), o(4, 'treatment', 'FUND', 1), o(7, 'random', 'FUND', 1), o(8, 'treatment', 'LOAN', 1)];
  const where = new Map(visits.map((x) => [x.decisionId, { branchId: x.decisionId <= 6 ? 'X' : 'Y', tier: x.decisionId % 2 ? 'gold' : 'general' }]));
  const r = pooledCampaignReport(visits, offers, where, { maxOffers: 2, minVisitsPerArm: 1, conversionsAsOf: '2027-01-31', conversionsNeededUpTo: '2027-01-31' });

  it('measures each product on the visits where it was a candidate: uplift against the holdout, ranking against the random arm', () => {
    const fund = r.products.find((p) => p.productCode === 'FUND')!;
    expect(fund.visits).toEqual({ treatment: 4, holdout: 2, random: 1 });
    expect(fund.uplift.treatment).toMatchObject({ k: 2, n: 4 });
    expect(fund.uplift.holdout).toMatchObject({ k: 1, n: 2 });
    expect(fund.uplift.difference.rate).toBeCloseTo(0, 10);
    expect(fund.uplift.difference.low).toBeLessThan(0);
    expect(fund.uplift.difference.high).toBeGreaterThan(0);
    expect(fund.ranking.ranked).toMatchObject({ k: 2, n: 4 });
    expect(fund.ranking.random).toMatchObject({ k: 1, n: 1 });
    const loan = r.products.find((p) => p.productCode === 'LOAN')!;
    // Visit 4 opened a LOAN that was not a candidate there: it does not count for LOAN.
    expect(loan.visits).toEqual({ treatment: 2, holdout: 0, random: 0 });
    expect(loan.uplift.treatment).toMatchObject({ k: 0, n: 2 });
    expect(loan.caveats).toContain('few_visits');
  });

  it('counts conversion of the offers shown by product, branch and tier, the holdout apart', () => {
    expect(r.overall.visits).toEqual({ treatment: 5, holdout: 2, random: 1 });
    expect(r.conversion.byBranch).toEqual([
      expect.objectContaining({ key: 'X', shown: 5, accepted: 1, declined: 1, opened: 2 }),
      expect.objectContaining({ key: 'Y', shown: 2, opened: 1 }),
    ]);
    expect(r.conversion.byProduct.find((x) => x.key === 'FUND')).toMatchObject({ shown: 5, opened: 3, openRate: 0.6 });
    expect(r.conversion.byTier.find((x) => x.key === 'gold')).toMatchObject({ shown: 4, opened: 2 });
  });
});
