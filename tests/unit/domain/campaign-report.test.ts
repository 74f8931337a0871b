import { describe, expect, it } from 'vitest';
import { campaignReport, difference, wilson, type ReportOfferRow, type ReportVisitRow } from '@domain/campaign-report';

describe('confidence intervals', () => {
  it('Wilson interval: known values', () => {
    const r = wilson(10, 100);
    expect(r.rate).toBe(0.1);
    expect(r.low).toBeCloseTo(0.0552, 3);
    expect(r.high).toBeCloseTo(0.1744, 3);
    expect(wilson(0, 0)).toEqual({ rate: 0, low: 0, high: 0 });
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

describe('campaignReport', () => {
  const visits: ReportVisitRow[] = [
    { decisionId: 1, customerId: 1, controlGroup: 'treatment' },
    { decisionId: 2, customerId: 1, controlGroup: 'treatment' },
    { decisionId: 3, customerId: 2, controlGroup: 'treatment' },
    { decisionId: 4, customerId: 3, controlGroup: 'holdout' },
    { decisionId: 5, customerId: 4, controlGroup: 'random' },
  ];
  const o = (decisionId: number, customerId: number, productCode: string, rank: number, final: ReportOfferRow['final'], staffId: string | null, controlGroup: ReportOfferRow['controlGroup'] = 'treatment', countsTowardCap = true): ReportOfferRow => ({
    decisionId, customerId, productCode, rank, final, staffId, controlGroup, countsTowardCap,
  });
  const offers = [
    o(1, 1, 'WM-R2', 1, 'accepted', 'm01'),
    o(1, 1, 'TD-1Y', 2, 'declined', 'm01'),
    o(1, 1, 'FD-BOND', 3, 'no_response', null),
    o(2, 1, 'FD-BOND', 1, 'later', 'm02'),
    o(2, 1, 'TD-3Y', 2, 'accepted', 'm02', 'treatment', false),
    o(3, 2, 'WM-R2', 1, 'shown', null),
    o(5, 4, 'CC-STD', 1, 'declined', 'm01', 'random'),
  ];
  const r = campaignReport(visits, offers);

  it('counts per product and per manager with conversion = accepted / shown', () => {
    expect(r.byProduct.find((x) => x.key === 'WM-R2')).toEqual({ key: 'WM-R2', shown: 2, accepted: 1, declined: 0, later: 0, noResponse: 0, conversion: 0.5 });
    expect(r.byProduct.find((x) => x.key === 'FD-BOND')).toMatchObject({ shown: 2, later: 1, noResponse: 1, conversion: 0 });
    expect(r.byManager.find((x) => x.key === 'm01')).toMatchObject({ shown: 3, accepted: 1, declined: 2 });
    expect(r.visits).toEqual({ treatment: 3, holdout: 1, random: 1 });
  });

  it('uplift: share of visits converted, treated vs holdout, with an interval', () => {
    expect(r.uplift.treatment.rate).toBeCloseTo(2 / 3);
    expect(r.uplift.holdout.rate).toBe(0);
    expect(r.uplift.difference.rate).toBeCloseTo(2 / 3);
    expect(r.uplift.difference.low).toBeLessThan(r.uplift.difference.rate);
    expect(r.uplift.difference.high).toBeGreaterThan(r.uplift.difference.rate);
  });

  it('an imported conversion converts a visit, including a holdout one', () => {
    const withImport = campaignReport(visits, offers, new Set([4, 3]));
    expect(withImport.uplift.holdout.rate).toBe(1);
    expect(withImport.uplift.treatment.rate).toBe(1);
  });

  it('ranking quality: rank-1 offers vs the random arm', () => {
    expect(r.ranking.ranked.rate).toBeCloseTo(1 / 3);
    expect(r.ranking.random.rate).toBe(0);
  });

  it('contact load per customer: pitches that count, histogram and maximum', () => {
    // customer 1: accepted + declined + later = 3 (the maturity follow-up does not count); 2: 0; 3: 0; 4: 1
    expect(r.contactLoad).toEqual({ customers: 4, histogram: [{ pitches: 0, customers: 2 }, { pitches: 1, customers: 1 }, { pitches: 3, customers: 1 }], max: 3, mean: 1 });
  });
});
