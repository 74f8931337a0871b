/**
 * Head office's campaign report, pooled over every branch: for a period, uplift of the ranked offers
 * against the holdout with its 95% interval and ranking quality against the random arm — overall and
 * per product — and conversion (products opened in core banking) of the offers shown, by product,
 * branch and tier. The numbers come from GET /api/v1/campaign (head-office/campaign.ts).
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Rate, Row } from '@domain/campaign-report';
import type { PooledCampaignReport } from '@domain/head-office';
import { headOfficeRequest } from '../../lib/api';
import { errorMessage, localized } from '../../components/format';

const DAY_MS = 86_400_000;
/** A day as the browser's own calendar has it (the analyst's, like the Dashboard's date). */
const isoDay = (t: number) => {
  const d = new Date(t);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const pp = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}`;

/** A rate with its interval, e.g. "12.5% (3.1–21.9%, 4 / 32)". */
function RateText({ r, difference = false, testId }: { r: Rate; difference?: boolean; testId?: string }) {
  const { t } = useTranslation('headOffice');
  if (r.n === 0) return <span data-testid={testId}>—</span>;
  return (
    <span data-testid={testId} title={t('campaign.ciTitle')}>
      {difference ? t('campaign.points', { value: pp(r.rate) }) : pct(r.rate)}{' '}
      <span className="hq-sub">
        {difference ? t('campaign.ciPoints', { low: pp(r.low), high: pp(r.high) }) : t('campaign.ci', { low: pct(r.low), high: pct(r.high), k: r.k, n: r.n })}
      </span>
    </span>
  );
}

/** Conversion as bars (the rate of each row, its count beside it): the table below gives the numbers. */
function ConversionChart({ rows, name, title }: { rows: Row[]; name: (key: string) => string; title: string }) {
  const shown = rows.slice(0, 12);
  const max = Math.max(0.01, ...shown.map((r) => r.openRate));
  const ROW = 26;
  return (
    <svg className="hq-chart hq-conversion" viewBox={`0 0 640 ${shown.length * ROW + 8}`} role="img" aria-label={title} preserveAspectRatio="xMinYMin meet">
      {shown.map((r, i) => (
        <g key={r.key}>
          <text x={0} y={i * ROW + 18} className="hq-bar-label" textAnchor="start">
            {name(r.key).slice(0, 16)}
          </text>
          <rect x={170} y={i * ROW + 6} width={Math.max(1, Math.round((r.openRate / max) * 380))} height={16} rx={3} className="hq-bar" />
          <text x={170 + Math.max(1, Math.round((r.openRate / max) * 380)) + 6} y={i * ROW + 18} className="hq-bar-value" textAnchor="start">
            {`${pct(r.openRate)} (${r.opened}/${r.shown})`}
          </text>
        </g>
      ))}
    </svg>
  );
}

function ConversionTable({ title, rows, name, testId }: { title: string; rows: Row[]; name: (key: string) => string; testId: string }) {
  const { t } = useTranslation('headOffice');
  return (
    <>
      <h3>{title}</h3>
      {rows.length > 0 && <ConversionChart rows={rows} name={name} title={title} />}
      {rows.length === 0 ? (
        <p className="hq-empty">{t('campaign.noOffers')}</p>
      ) : (
        <table className="hq-table" data-testid={testId}>
          <thead>
            <tr>
              <th scope="col">{t('campaign.name')}</th>
              <th scope="col" className="num">{t('campaign.shown')}</th>
              <th scope="col" className="num">{t('campaign.accepted')}</th>
              <th scope="col" className="num">{t('campaign.opened')}</th>
              <th scope="col" className="num">{t('campaign.openRate')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} data-key={r.key}>
                <td>
                  {name(r.key)}
                  <div className="hq-sub mono">{r.key}</div>
                </td>
                <td className="num">{r.shown}</td>
                <td className="num">{r.accepted}</td>
                <td className="num">{r.opened}</td>
                <td className="num">{pct(r.openRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function CampaignReport({ token }: { token: string }) {
  const { t } = useTranslation(['headOffice', 'common']);
  const [to, setTo] = useState(() => isoDay(Date.now()));
  const [from, setFrom] = useState(() => isoDay(Date.now() - 29 * DAY_MS));
  const [data, setData] = useState<PooledCampaignReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (from > to) {
      setError(t('campaign.badPeriod'));
      return;
    }
    // Only the answer for the period showing now is shown (an older, slower one is dropped).
    let current = true;
    headOfficeRequest('campaign', token, undefined, { from, to })
      .then((d) => {
        if (!current) return;
        setData(d);
        setError(null);
      })
      .catch((err) => current && setError(errorMessage(err)));
    return () => {
      current = false;
    };
  }, [token, from, to, t]);
  const product = (code: string) => localized(data?.productNames[code]) || code;
  const branch = (id: string) => localized(data?.branchNames[id]) || id;
  const tier = (k: string) => t(`common:tier.${k}`, { defaultValue: k });
  const o = data?.overall;
  return (
    <section className="hq-panel" data-testid="hq-campaign">
      <div className="hq-panel-head">
        <h2>{t('campaign.title')}</h2>
        <label className="hq-inline">
          {t('campaign.from')}
          <input type="date" value={from} onChange={(e) => e.target.value && setFrom(e.target.value)} data-testid="hq-campaign-from" />
        </label>
        <label className="hq-inline">
          {t('campaign.to')}
          <input type="date" value={to} onChange={(e) => e.target.value && setTo(e.target.value)} data-testid="hq-campaign-to" />
        </label>
      </div>
      {error && (
        <div className="hq-error" role="alert">
          {error}
        </div>
      )}
      {data && o && (
        <>
          <p className="hq-note">
            {t('campaign.definition', { days: data.attributionDays })}{' '}
            {data.conversionsAsOf ? t('campaign.asOf', { date: data.conversionsAsOf }) : t('campaign.noData')}
          </p>
          <p className="hq-note" data-testid="hq-campaign-visits">
            {t('campaign.visits', { branches: data.branches, treatment: o.visits.treatment, holdout: o.visits.holdout, random: o.visits.random })}
            {data.excludedUnexposed > 0 && ` ${t('campaign.excluded', { count: data.excludedUnexposed })}`}
          </p>
          {o.caveats.length > 0 && (
            <div className="hq-caveats" role="status" data-testid="hq-campaign-caveats">
              <b>{t('campaign.caveat.title')}</b>
              <ul>
                {o.caveats.map((c) => (
                  <li key={c}>{t(`campaign.caveat.${c}`, { days: data.attributionDays })}</li>
                ))}
              </ul>
            </div>
          )}
          <table className="hq-table hq-summary" data-testid="hq-campaign-summary">
            <tbody>
              <tr>
                <th scope="row">{t('campaign.uplift')}</th>
                <td>
                  <RateText r={o.uplift.difference} difference testId="hq-campaign-uplift" />
                  <div className="hq-sub">
                    {t('campaign.ranked')} <RateText r={o.uplift.treatment} /> · {t('campaign.holdout')} <RateText r={o.uplift.holdout} />
                  </div>
                </td>
              </tr>
              <tr>
                <th scope="row">{t('campaign.ranking')}</th>
                <td>
                  {t('campaign.rankedTop')} <RateText r={o.ranking.ranked} testId="hq-campaign-ranked" /> · {t('campaign.randomOffer')} <RateText r={o.ranking.random} />
                </td>
              </tr>
            </tbody>
          </table>
          <h3>{t('campaign.perProduct')}</h3>
          {data.products.length === 0 ? (
            <p className="hq-empty">{t('campaign.noVisits')}</p>
          ) : (
            <table className="hq-table" data-testid="hq-campaign-products">
              <thead>
                <tr>
                  <th scope="col">{t('campaign.product')}</th>
                  <th scope="col" className="num">{t('campaign.armVisits')}</th>
                  <th scope="col">{t('campaign.uplift')}</th>
                  <th scope="col">{t('campaign.rankingShort')}</th>
                </tr>
              </thead>
              <tbody>
                {data.products.map((p) => (
                  <tr key={p.productCode} data-key={p.productCode}>
                    <td>
                      {product(p.productCode)}
                      <div className="hq-sub mono">{p.productCode}</div>
                    </td>
                    <td className="num">
                      {p.visits.treatment} / {p.visits.holdout} / {p.visits.random}
                    </td>
                    <td>
                      <RateText r={p.uplift.difference} difference />
                    </td>
                    <td>
                      <RateText r={p.ranking.ranked} /> <span className="hq-sub">{t('campaign.vs')}</span> <RateText r={p.ranking.random} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <ConversionTable title={t('campaign.byProduct')} rows={data.conversion.byProduct} name={product} testId="hq-campaign-by-product" />
          <ConversionTable title={t('campaign.byBranch')} rows={data.conversion.byBranch} name={branch} testId="hq-campaign-by-branch" />
          <ConversionTable title={t('campaign.byTier')} rows={data.conversion.byTier} name={tier} testId="hq-campaign-by-tier" />
        </>
      )}
    </section>
  );
}
