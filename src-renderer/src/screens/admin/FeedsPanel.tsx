/**
 * Data feeds: the customer data the lobby serves (which feed, as of when, how many customers),
 * the import running now (file, rows, percent; refreshed every two seconds while it runs) and
 * the history of imports (feed id, as-of, counts, rejects, duration, who, why refused).
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FeedsResponse } from '@domain/contracts';
import type { FeedRunInfo } from '@domain/feed';
import type { StaffCall } from '../../components/staffApi';
import { errorMessage, formatDateTime } from '../../components/format';

const LIVE_MS = 2_000;
const IDLE_MS = 30_000;

export function FeedsPanel({ call }: { call: StaffCall }) {
  const { t } = useTranslation(['admin', 'common']);
  const [data, setData] = useState<FeedsResponse | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    call('feeds')
      .then((r) => {
        setData(r);
        setError(null);
      })
      .catch((err) => setError(errorMessage(err)));
  }, [call]);
  useEffect(load, [load]);
  // While an import runs, follow it closely; otherwise look now and then.
  useEffect(() => {
    const id = window.setInterval(load, data?.running ? LIVE_MS : IDLE_MS);
    return () => window.clearInterval(id);
  }, [load, data?.running]);

  const counts = (r: FeedRunInfo) =>
    Object.entries(r.counts)
      .map(([f, n]) => `${f.replace('.csv', '')} ${n.toLocaleString()}`)
      .join(' · ');

  return (
    <section className="adm-panel" data-testid="feeds-panel">
      <div className="adm-panel-head">
        <h2>{t('feeds.title')}</h2>
        <span className="adm-note">{t('feeds.hint')}</span>
        <button type="button" className="adm-btn" onClick={load} data-testid="feeds-refresh">
          ⟳ {t('common:actions.refresh')}
        </button>
      </div>
      {error && (
        <div className="adm-error" role="alert" data-testid="feeds-error">
          {error}
        </div>
      )}
      {!data ? (
        !error && <p className="adm-empty">{t('common:loading')}</p>
      ) : (
        <>
          <dl className="adm-facts" data-testid="feeds-live">
            <div>
              <dt>{t('feeds.live')}</dt>
              <dd className="mono">{data.live ? data.live.feedId : t('feeds.none')}</dd>
            </div>
            <div>
              <dt>{t('feeds.asOf')}</dt>
              <dd>{data.live?.asOf ?? '—'}</dd>
            </div>
            <div>
              <dt>{t('feeds.customers')}</dt>
              <dd data-testid="feeds-customers">{data.live ? data.live.customers.toLocaleString() : '—'}</dd>
            </div>
            <div>
              <dt>{t('feeds.switchedAt')}</dt>
              <dd>{data.live ? formatDateTime(data.live.switchedAt) : '—'}</dd>
            </div>
          </dl>
          {data.running && (
            <div className="adm-feed-running" role="status" data-testid="feeds-running">
              <strong>{t('feeds.running', { feed: data.running.feedId })}</strong>
              {data.running.progress && (
                <>
                  <progress max={100} value={data.running.progress.percent} aria-label={t('feeds.progress')} />
                  <span>
                    {t('feeds.progressText', {
                      file: data.running.progress.file ?? '—',
                      rows: data.running.progress.rows.toLocaleString(),
                      total: data.running.progress.totalRows.toLocaleString(),
                      percent: data.running.progress.percent,
                    })}
                  </span>
                </>
              )}
            </div>
          )}
          <h3>{t('feeds.history')}</h3>
          {data.history.length === 0 ? (
            <p className="adm-empty" data-testid="feeds-empty">
              {t('feeds.noHistory')}
            </p>
          ) : (
            <div className="adm-scroll">
              <table className="adm-table" data-testid="feeds-table">
                <thead>
                  <tr>
                    <th scope="col">{t('feeds.feedId')}</th>
                    <th scope="col">{t('feeds.asOf')}</th>
                    <th scope="col">{t('feeds.status')}</th>
                    <th scope="col">{t('feeds.counts')}</th>
                    <th scope="col">{t('feeds.rejected')}</th>
                    <th scope="col">{t('feeds.duration')}</th>
                    <th scope="col">{t('feeds.by')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.history.map((r) => (
                    <tr key={r.id} data-testid="feeds-row" data-status={r.status}>
                      <td className="mono">{r.feedId}</td>
                      <td>{r.asOf ?? '—'}</td>
                      <td>
                        <span className={`adm-pill is-${r.status}`}>{t(`feeds.statuses.${r.status}`)}</span>
                        {r.reason && <div className="adm-feed-reason">{r.reason}</div>}
                      </td>
                      <td>{counts(r) || '—'}</td>
                      <td>
                        {r.rejected.toLocaleString()}
                        {r.rejectsFile && <div className="adm-feed-reason mono">{r.rejectsFile}</div>}
                      </td>
                      <td>{r.durationMs === null ? '—' : t('feeds.seconds', { s: (r.durationMs / 1000).toFixed(1) })}</td>
                      <td className="mono">
                        {r.startedBy}
                        <div className="adm-feed-reason">{formatDateTime(r.startedAt)}</div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
