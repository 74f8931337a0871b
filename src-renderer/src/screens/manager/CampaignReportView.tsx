/**
 * Campaign report: conversion measured alike in every group (a candidate product opened in core
 * banking within the attribution window), with the manager's "accepted" beside it as intent; the
 * uplift against the holdout with its 95% interval; ranking quality against the random group and
 * the replay against a propensity-only ranking; per product and per lobby manager (by name) as SVG
 * bars; the contact load per customer so over-marketing stays visible; and the caveats whenever an
 * arm is small or the core-banking data does not cover the window yet.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CampaignReport, CampaignRow, RateWithCi } from '@domain/contracts';
import type { StaffCall } from '../../components/staffApi';
import { errorMessage, formatDecimal } from '../../components/format';
import { RetryAlert } from './QueuePanel';

const pct = (x: number) => `${formatDecimal(x * 100, 1)}%`;

function Bars({ rows, label, testId, caption }: { rows: CampaignRow[]; label: (key: string) => string; testId: string; caption: string }) {
  const { t } = useTranslation('manager');
  const max = Math.max(1, ...rows.map((r) => r.shown));
  const rowH = 28;
  const labelW = 190;
  const barW = 260;
  return (
    <figure className="mgr-report-fig" data-testid={testId}>
      <svg width={labelW + barW + 170} height={rows.length * rowH + 8} role="img" aria-label={caption}>
        {rows.map((r, i) => {
          const y = i * rowH + 4;
          const shownW = (r.shown / max) * barW;
          const accW = (r.accepted / max) * barW;
          const openW = (r.opened / max) * barW;
          return (
            <g key={r.key} transform={`translate(0, ${y})`}>
              <text x={labelW - 6} y={16} textAnchor="end" fontSize="13" fill="currentColor">
                {label(r.key)}
              </text>
              <rect x={labelW} y={3} width={shownW} height={18} rx={3} fill="#cbd5e1" />
              <rect x={labelW} y={3} width={accW} height={9} rx={2} fill="#2563eb" />
              <rect x={labelW} y={12} width={openW} height={9} rx={2} fill="#15803d" />
              <text x={labelW + shownW + 6} y={16} fontSize="13" fill="currentColor">
                {t('report.accepted')} {r.accepted} · {t('report.opened')} {r.opened} / {r.shown}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="mgr-report-legend">
        <span className="sw is-shown" /> {t('report.legendShown')} <span className="sw is-accepted-intent" /> {t('report.legendAccepted')}{' '}
        <span className="sw is-accepted" /> {t('report.legendOpened')}
      </figcaption>
    </figure>
  );
}

function RateLine({ name, r, testId }: { name: string; r: RateWithCi; testId: string }) {
  const { t } = useTranslation('manager');
  return (
    <div className="mgr-report-rate" data-testid={testId}>
      <span>{name}</span>
      <b>{pct(r.rate)}</b>
      <small>
        {t('report.counts', { k: r.k, n: r.n })} · {t('report.ci', { low: pct(r.low), high: pct(r.high) })}
      </small>
    </div>
  );
}

export function CampaignReportView({ call }: { call: StaffCall }) {
  const { t, i18n } = useTranslation(['manager', 'common']);
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  const [report, setReport] = useState<CampaignReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    call('campaignReport')
      .then((r) => {
        setReport(r);
        setError(null);
      })
      .catch((err) => setError(errorMessage(err)));
  }, [call]);
  useEffect(() => load(), [load]);

  if (error) return <RetryAlert text={error} testId="report-error" onRetry={load} />;
  if (!report) return <p className="mgr-empty">{t('common:loading')}</p>;
  const total = report.visits.treatment + report.visits.holdout + report.visits.random;
  const load_ = report.contactLoad;
  const maxCustomers = Math.max(1, ...load_.histogram.map((h) => h.customers));
  const productName = (code: string) => report.productNames[code]?.[lang] ?? code;
  const managerName = (id: string) => (report.managerNames[id] ? `${report.managerNames[id]} (${id})` : id);

  return (
    <div className="mgr-report" data-testid="campaign-report">
      <header className="mgr-report-head">
        <h3>{t('report.title')}</h3>
        <span className="mgr-muted">{t('report.period', { from: report.from, to: report.to })}</span>
        <span className="mgr-muted" data-testid="report-as-of">
          {report.conversionsAsOf ? t('report.asOf', { date: report.conversionsAsOf }) : t('report.noData')}
        </span>
        <button type="button" className="mgr-link" onClick={load} data-testid="report-refresh">
          {t('report.refresh')}
        </button>
      </header>
      {report.caveats.length > 0 && (
        <div className="mgr-report-caveats" role="status" data-testid="report-caveats">
          <b>{t('report.caveat.title')}</b>
          <ul>
            {report.caveats.map((c) => (
              <li key={c} data-testid={`report-caveat-${c}`}>
                {t(`report.caveat.${c}`, { days: report.attributionDays })}
              </li>
            ))}
          </ul>
        </div>
      )}
      <p data-testid="report-visits">
        {t('report.visits')}: <b>{total}</b> ({t('report.arm.treatment')} {report.visits.treatment} · {t('report.arm.holdout')}{' '}
        {report.visits.holdout} · {t('report.arm.random')} {report.visits.random})
      </p>
      {report.excludedUnconfirmed > 0 && (
        <p className="mgr-muted" data-testid="report-excluded">
          {t('report.excluded', { count: report.excludedUnconfirmed })}
        </p>
      )}
      <p className="mgr-muted mgr-report-definition">{t('report.definition', { days: report.attributionDays })}</p>
      {total === 0 ? (
        <p className="mgr-empty">{t('report.empty')}</p>
      ) : (
        <>
          <section className="mgr-sec">
            <h4>{t('report.conversion')}</h4>
            <RateLine name={t('report.treated')} r={report.conversion.treatment} testId="report-treated" />
            <RateLine name={t('report.holdout')} r={report.conversion.holdout} testId="report-holdout" />
            <RateLine name={t('report.randomGroup')} r={report.conversion.random} testId="report-random-conversion" />
            <h4>{t('report.uplift')}</h4>
            <RateLine name={t('report.difference')} r={report.uplift.difference} testId="report-uplift" />
            <h4>{t('report.acceptedIntent')}</h4>
            <RateLine name={t('report.treated')} r={report.accepted.treatment} testId="report-accepted-treated" />
            <RateLine name={t('report.randomGroup')} r={report.accepted.random} testId="report-accepted-random" />
          </section>
          <section className="mgr-sec">
            <h4>{t('report.ranking')}</h4>
            <RateLine name={t('report.rankedTop')} r={report.ranking.ranked} testId="report-ranked" />
            <RateLine name={t('report.randomArm')} r={report.ranking.random} testId="report-random" />
            <h4>{t('report.replay')}</h4>
            <p className="mgr-muted">{t('report.replayNote', { count: 3 })}</p>
            <RateLine name={t('report.replayRanked')} r={report.replay.ranked} testId="report-replay-ranked" />
            <RateLine name={t('report.replayPropensity')} r={report.replay.propensityOnly} testId="report-replay-propensity" />
          </section>
          <section className="mgr-sec">
            <h4>{t('report.byProduct')}</h4>
            <Bars rows={report.byProduct} label={productName} testId="report-by-product" caption={t('report.byProduct')} />
          </section>
          <section className="mgr-sec">
            <h4>{t('report.byManager')}</h4>
            <Bars rows={report.byManager} label={managerName} testId="report-by-manager" caption={t('report.byManager')} />
          </section>
          <section className="mgr-sec" data-testid="report-contact-load">
            <h4>{t('report.contactLoad')}</h4>
            <p className="mgr-muted">
              {t('report.contactSummary', { customers: load_.customers, mean: formatDecimal(load_.mean, 2), max: load_.max })}
            </p>
            <svg width={520} height={load_.histogram.length * 24 + 8} role="img" aria-label={t('report.contactLoad')}>
              {load_.histogram.map((h, i) => (
                <g key={h.pitches} transform={`translate(0, ${i * 24 + 4})`}>
                  <text x={84} y={14} textAnchor="end" fontSize="12" fill="currentColor">
                    {t('report.pitches', { count: h.pitches })}
                  </text>
                  <rect x={90} y={2} width={(h.customers / maxCustomers) * 260} height={16} rx={3} fill={h.pitches >= 8 ? '#b91c1c' : '#2563eb'} />
                  <text x={96 + (h.customers / maxCustomers) * 260} y={14} fontSize="12" fill="currentColor">
                    {h.customers} {t('report.customers')}
                  </text>
                </g>
              ))}
            </svg>
          </section>
        </>
      )}
    </div>
  );
}
