/**
 * Campaign report: shown / accepted / conversion per product and per manager as SVG
 * bars, uplift against the holdout with its 95% interval, ranking quality against the random arm,
 * and the contact load per customer (histogram, maximum) so over-marketing stays visible.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CampaignReport, CampaignRow, RateWithCi } from '@domain/contracts';
import type { StaffCall } from '../../components/staffApi';
import { errorMessage, formatDecimal } from '../../components/format';
import { RetryAlert } from './QueuePanel';

const pct = (x: number) => `${formatDecimal(x * 100, 1)}%`;

function Bars({ rows, label, testId }: { rows: CampaignRow[]; label: (key: string) => string; testId: string }) {
  const { t } = useTranslation('manager');
  const max = Math.max(1, ...rows.map((r) => r.shown));
  const rowH = 26;
  const labelW = 150;
  const barW = 260;
  return (
    <figure className="mgr-report-fig" data-testid={testId}>
      <svg width={labelW + barW + 120} height={rows.length * rowH + 8} role="img" aria-label={t('report.shown')}>
        {rows.map((r, i) => {
          const y = i * rowH + 4;
          const shownW = (r.shown / max) * barW;
          const accW = (r.accepted / max) * barW;
          return (
            <g key={r.key} transform={`translate(0, ${y})`}>
              <text x={labelW - 6} y={15} textAnchor="end" fontSize="12" fill="currentColor">
                {label(r.key)}
              </text>
              <rect x={labelW} y={3} width={shownW} height={16} rx={3} fill="#cbd5e1" />
              <rect x={labelW} y={3} width={accW} height={16} rx={3} fill="#15803d" />
              <text x={labelW + shownW + 6} y={15} fontSize="12" fill="currentColor">
                {r.accepted}/{r.shown} · {pct(r.conversion)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="mgr-report-legend">
        <span className="sw is-shown" /> {t('report.shown')} <span className="sw is-accepted" /> {t('report.accepted')}
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
      <small>{t('report.ci', { low: pct(r.low), high: pct(r.high) })}</small>
    </div>
  );
}

export function CampaignReportView({ call }: { call: StaffCall }) {
  const { t } = useTranslation(['manager', 'common']);
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

  return (
    <div className="mgr-report" data-testid="campaign-report">
      <header className="mgr-report-head">
        <h3>{t('report.title')}</h3>
        <span className="mgr-muted">{t('report.period', { from: report.from, to: report.to })}</span>
        <button type="button" className="mgr-link" onClick={load} data-testid="report-refresh">
          {t('report.refresh')}
        </button>
      </header>
      <p data-testid="report-visits">
        {t('report.visits')}: <b>{total}</b> ({t('report.arm.treatment')} {report.visits.treatment} · {t('report.arm.holdout')}{' '}
        {report.visits.holdout} · {t('report.arm.random')} {report.visits.random}) · {t('report.confirmed', { count: report.confirmedVisits ?? 0 })}
      </p>
      {total === 0 ? (
        <p className="mgr-empty">{t('report.empty')}</p>
      ) : (
        <>
          <section className="mgr-sec">
            <h4>{t('report.uplift')}</h4>
            <RateLine name={t('report.treated')} r={report.uplift.treatment} testId="report-treated" />
            <RateLine name={t('report.holdout')} r={report.uplift.holdout} testId="report-holdout" />
            <RateLine name={t('report.difference')} r={report.uplift.difference} testId="report-uplift" />
          </section>
          <section className="mgr-sec">
            <h4>{t('report.ranking')}</h4>
            <RateLine name={t('report.rankedTop')} r={report.ranking.ranked} testId="report-ranked" />
            <RateLine name={t('report.randomArm')} r={report.ranking.random} testId="report-random" />
          </section>
          <section className="mgr-sec">
            <h4>{t('report.byProduct')}</h4>
            <Bars rows={report.byProduct} label={(k) => k} testId="report-by-product" />
          </section>
          <section className="mgr-sec">
            <h4>{t('report.byManager')}</h4>
            <Bars rows={report.byManager} label={(k) => (k === '-' ? t('report.noManager') : k)} testId="report-by-manager" />
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
