/**
 * The campaign report pooled over every branch (domain/campaign-report.ts): the visits each branch
 * decided (its `decisions` stream, once a visit is over), the answers recorded (the contacts
 * stream), and the products opened in core banking (`conversions.csv` of head office's customer
 * feed), measured alike in every arm: a visit converts when a product that was a candidate at the
 * visit was opened within the attribution window after it. Visits whose card stayed locked (nobody
 * saw the offers) are left out of every arm, as at a branch.
 */
import { ATTRIBUTION_DAYS } from '../domain/conversions';
import { pooledCampaignReport, type PooledVisitInfo, type ReportOfferRow, type ReportVisitRow } from '../domain/campaign-report';
import type { Response } from '../domain/contact-policy';
import { DecisionRecordSchema, type PooledCampaignReport } from '../domain/head-office';
import { addDaysIso } from '../domain/reminders';
import type { Pool } from './db';

/** Below this many visits an arm's rate says little (as at a branch). */
const MIN_VISITS_PER_ARM = 30;

export async function pooledReport(pool: Pool, from: string, to: string): Promise<PooledCampaignReport> {
  const rows = (
    await pool.query<{ branch_id: string; data: unknown }>(
      "SELECT branch_id, data FROM ho_journal WHERE stream = 'decisions' AND business_date BETWEEN $1 AND $2 ORDER BY branch_id, branch_offset",
      [from, to],
    )
  ).rows;
  const decided = rows.flatMap((r) => {
    const d = DecisionRecordSchema.safeParse(r.data);
    return d.success ? [{ branchId: r.branch_id, ...d.data }] : [];
  });
  const exposed = decided.filter((d) => d.exposed);
  const visitKey = (d: { branchId: string; decisionId: number }) => `${d.branchId}:${d.decisionId}`;

  // The last answer to each offer (the contacts stream, by the branch's visit).
  const finals = new Map<string, Response>();
  if (exposed.length) {
    const answers = await pool.query<{ visit: string; product_code: string; outcome: Response }>(
      `SELECT DISTINCT ON (visit, product_code) visit, product_code, outcome FROM ho_contact
        WHERE visit = ANY($1::text[]) ORDER BY visit, product_code, at DESC, id DESC`,
      [exposed.map(visitKey)],
    );
    for (const a of answers.rows) finals.set(`${a.visit}|${a.product_code}`, a.outcome);
  }
  // Products opened by these customers in the period and its attribution window.
  const opened = new Map<string, { product: string; on: string }[]>();
  if (exposed.length) {
    const conv = await pool.query<{ cif: string; product_code: string; opened_on: string }>(
      `SELECT cif, product_code, to_char(opened_on, 'YYYY-MM-DD') AS opened_on FROM ho_conversion
        WHERE cif = ANY($1::text[]) AND opened_on BETWEEN $2::date AND $3::date`,
      [[...new Set(exposed.map((d) => d.cif))], from, addDaysIso(to, ATTRIBUTION_DAYS)],
    );
    for (const c of conv.rows) opened.set(c.cif, [...(opened.get(c.cif) ?? []), { product: c.product_code, on: c.opened_on }]);
  }

  const customerIds = new Map<string, number>();
  const where = new Map<number, PooledVisitInfo>();
  const visits: ReportVisitRow[] = [];
  const offers: ReportOfferRow[] = [];
  exposed.forEach((d, i) => {
    const id = i + 1;
    let customerId = customerIds.get(d.cif);
    if (customerId === undefined) customerIds.set(d.cif, (customerId = customerIds.size + 1));
    where.set(id, { branchId: d.branchId, tier: d.tier });
    const until = addDaysIso(d.businessDate, ATTRIBUTION_DAYS);
    visits.push({
      decisionId: id,
      customerId,
      controlGroup: d.controlGroup,
      candidates: d.scored.map((s) => s.productCode),
      scored: d.scored,
      opened: [...new Set((opened.get(d.cif) ?? []).filter((o) => o.on >= d.businessDate && o.on <= until).map((o) => o.product))],
    });
    for (const o of d.offers) {
      offers.push({
        decisionId: id,
        customerId,
        controlGroup: d.controlGroup,
        productCode: o.productCode,
        rank: o.rank,
        final: finals.get(`${visitKey(d)}|${o.productCode}`) ?? 'shown',
        staffId: null,
        countsTowardCap: o.countsTowardCap,
      });
    }
  });

  // Conversions known: as of the newest feed that brought conversions, while head office has any.
  const feed = (
    await pool.query<{ as_of: string }>(
      `SELECT to_char(as_of, 'YYYY-MM-DD') AS as_of FROM ho_feed
        WHERE status = 'done' AND counts ? 'conversions.csv' AND EXISTS (SELECT 1 FROM ho_conversion) ORDER BY finished_at DESC LIMIT 1`,
    )
  ).rows[0];
  const conversionsAsOf = feed?.as_of ?? null;
  const report = pooledCampaignReport(visits, offers, where, {
    maxOffers: offers.reduce((m, o) => Math.max(m, o.rank), 1),
    minVisitsPerArm: MIN_VISITS_PER_ARM,
    conversionsAsOf,
    conversionsNeededUpTo: addDaysIso(to, ATTRIBUTION_DAYS),
  });
  const products = await pool.query<{ product_code: string; name_zh: string; name_en: string }>('SELECT product_code, name_zh, name_en FROM ho_product');
  const branches = await pool.query<{ id: string; name_zh: string; name_en: string }>('SELECT id, name_zh, name_en FROM ho_branch');
  return {
    from,
    to,
    attributionDays: ATTRIBUTION_DAYS,
    conversionsAsOf,
    branches: new Set(exposed.map((d) => d.branchId)).size,
    excludedUnexposed: decided.length - exposed.length,
    productNames: Object.fromEntries(products.rows.map((p) => [p.product_code, { 'zh-CN': p.name_zh, en: p.name_en }])),
    branchNames: Object.fromEntries(branches.rows.map((b) => [b.id, { 'zh-CN': b.name_zh, en: b.name_en }])),
    ...report,
  };
}
