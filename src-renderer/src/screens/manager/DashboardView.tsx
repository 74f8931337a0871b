/**
 * Queue dashboard: today's measures from GET /api/v1/measures/today as plain SVG charts —
 * waiting now per service, average and longest wait, average walk to the counter and service time
 * (excluding the walk), service level per class against the target wait, no-show rate, per-teller
 * throughput — and the per-ticket CSV (fetched with the session's
 * token, saved through a Blob link). Refreshes every 30 seconds.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BranchInfo } from '@domain/contracts';
import type { MeasuresResponse } from '@domain/measures';
import type { StaffCall } from '../../components/staffApi';
import type { StaffAuth } from '../../components/StaffLogin';
import { request } from '../../lib/api';
import { errorMessage, formatDecimal, formatDuration, formatTime, localized } from '../../components/format';
import { RetryAlert } from './QueuePanel';
import './dashboard.css';

const REFRESH_MS = 30_000;

interface Bar {
  key: string;
  label: string;
  value: number;
  /** Text right of the bar. */
  text: string;
  color?: string;
}

/** Horizontal bars scaled to `max` (default: the largest value), drawn at any width. */
function HBars({ bars, max, testId, label, marker }: { bars: Bar[]; max?: number; testId: string; label: string; marker?: number }) {
  const rowH = 28;
  const labelW = 150;
  const barW = 300;
  const textW = 250;
  const top = Math.max(1, max ?? Math.max(0, ...bars.map((b) => b.value)));
  const height = bars.length * rowH + 8;
  return (
    <svg
      className="dash-chart"
      viewBox={`0 0 ${labelW + barW + textW} ${height}`}
      width="100%"
      style={{ maxWidth: labelW + barW + textW }}
      role="img"
      aria-label={label}
      data-testid={testId}
    >
      {bars.map((b, i) => {
        const w = (Math.min(b.value, top) / top) * barW;
        return (
          <g key={b.key} transform={`translate(0, ${i * rowH + 4})`} data-testid={`${testId}-${b.key}`} data-value={b.value}>
            <text x={labelW - 8} y={16} textAnchor="end" fontSize="13" fill="currentColor">
              {b.label}
            </text>
            <rect x={labelW} y={3} width={barW} height={18} rx={3} fill="#eef2f7" />
            <rect x={labelW} y={3} width={w} height={18} rx={3} fill={b.color ?? '#2563eb'} />
            <text x={labelW + barW + 8} y={16} fontSize="13" fill="currentColor">
              {b.text}
            </text>
          </g>
        );
      })}
      {marker !== undefined && (
        <line
          x1={labelW + (marker / top) * barW}
          x2={labelW + (marker / top) * barW}
          y1={0}
          y2={height}
          stroke="#b91c1c"
          strokeDasharray="4 3"
          strokeWidth={1.5}
        />
      )}
    </svg>
  );
}

function Tile({ label, value, sub, testId, tone }: { label: string; value: string; sub?: string; testId: string; tone?: 'warn' | 'ok' }) {
  return (
    <div className={`dash-tile ${tone ? `is-${tone}` : ''}`} data-testid={testId}>
      <span className="dash-tile-label">{label}</span>
      <b className="dash-tile-value">{value}</b>
      {sub && <small>{sub}</small>}
    </div>
  );
}

const TARGET_LEVEL = 80;

export function DashboardView({ call, auth, branch }: { call: StaffCall; auth: StaffAuth; branch: BranchInfo | null }) {
  const { t } = useTranslation(['manager', 'common']);
  const [m, setM] = useState<MeasuresResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const [downloading, setDownloading] = useState(false);

  const load = useCallback(() => {
    call('measuresToday')
      .then((r) => {
        setM(r);
        setError(null);
      })
      .catch((err) => setError(errorMessage(err)));
  }, [call]);
  useEffect(() => {
    load();
    const id = window.setInterval(load, REFRESH_MS);
    return () => window.clearInterval(id);
  }, [load]);

  const { guard, session } = auth;
  const token = session.token;
  const download = useCallback(async () => {
    setDownloading(true);
    setDownloadError(null);
    try {
      const csv = await guard(request('measuresCsv', token));
      // The byte-order mark (which reading the answer as text drops) makes spreadsheet programs read UTF-8.
      const blob = new Blob([csv.startsWith('\uFEFF') ? csv : `\uFEFF${csv}`], { type: 'text/csv;charset=utf-8' });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `measures-${m?.businessDate ?? 'today'}.csv`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setDownloadError(errorMessage(err));
    } finally {
      setDownloading(false);
    }
  }, [guard, token, m?.businessDate]);

  if (error && !m) return <RetryAlert text={error} testId="dashboard-error" onRetry={load} />;
  if (!m) return <p className="mgr-empty">{t('common:loading')}</p>;

  const serviceName = (code: string) => {
    const s = branch?.services.find((x) => x.code === code);
    return s ? `${code} ${localized(s.name)}` : code;
  };
  const minutes = (s: number | null) => (s === null ? '—' : formatDuration(s));
  const percent = (p: number | null) => (p === null ? '—' : `${formatDecimal(p, 1)}%`);
  const all = m.serviceLevel.find((s) => s.ticketClass === 'all');
  const levels = m.serviceLevel.filter((s) => s.ticketClass !== 'all');
  const maxTeller = Math.max(1, ...m.tellers.map((x) => x.completed + x.noShows));

  return (
    <div className="mgr-report dash" data-testid="dashboard">
      <header className="mgr-report-head dash-head">
        <h3>{t('dashboard.title')}</h3>
        <span className="mgr-muted" data-testid="dashboard-at">
          {t('dashboard.asOf', { date: m.businessDate, time: formatTime(m.at) })}
        </span>
        <button type="button" className="mgr-link" onClick={load} data-testid="dashboard-refresh">
          {t('dashboard.refresh')}
        </button>
        <button type="button" className="dash-download" onClick={() => void download()} disabled={downloading} data-testid="dashboard-csv">
          {t('dashboard.downloadCsv')}
        </button>
      </header>
      {error && <p className="dash-warn" role="alert">{error}</p>}
      {downloadError && (
        <p className="dash-warn" role="alert" data-testid="dashboard-csv-error">
          {downloadError}
        </p>
      )}

      <div className="dash-tiles">
        <Tile label={t('dashboard.issued')} value={String(m.issued)} testId="dash-issued" />
        <Tile label={t('dashboard.avgWait')} value={minutes(m.wait.averageSeconds)} sub={t('dashboard.calledCount', { count: m.wait.called })} testId="dash-avg-wait" />
        <Tile
          label={t('dashboard.longestWait')}
          value={minutes(m.wait.longestSeconds)}
          testId="dash-longest-wait"
          tone={m.wait.longestSeconds !== null && m.wait.longestSeconds > m.targetWaitMinutes * 60 ? 'warn' : undefined}
        />
        <Tile
          label={t('dashboard.avgWalk')}
          value={minutes(m.walk.averageSeconds)}
          sub={
            m.walk.measured
              ? t('dashboard.walkMeasured', { count: m.walk.measured, longest: minutes(m.walk.longestSeconds) })
              : t('dashboard.walkNone')
          }
          testId="dash-avg-walk"
        />
        <Tile
          label={t('dashboard.avgService')}
          value={minutes(m.service.averageSeconds)}
          sub={t('dashboard.serviceMeasured', { measured: m.service.measured, completed: m.service.completed, fromCall: minutes(m.service.averageFromCallSeconds) })}
          testId="dash-avg-service"
        />
        <Tile
          label={t('dashboard.serviceLevel')}
          value={percent(all?.percent ?? null)}
          sub={t('dashboard.target', { minutes: m.targetWaitMinutes })}
          testId="dash-service-level"
          tone={all?.percent == null ? undefined : all.percent >= TARGET_LEVEL ? 'ok' : 'warn'}
        />
        <Tile
          label={t('dashboard.noShowRate')}
          value={percent(m.noShow.percent)}
          sub={t('dashboard.noShowOf', { noShows: m.noShow.noShows, ended: m.noShow.ended })}
          testId="dash-no-show"
        />
      </div>

      <section className="mgr-sec">
        <h4>{t('dashboard.waitingNow')}</h4>
        <HBars
          testId="dash-waiting"
          label={t('dashboard.waitingNow')}
          bars={m.waitingNow.map((w) => ({
            key: w.serviceCode,
            label: serviceName(w.serviceCode),
            value: w.waiting,
            text: w.waiting ? t('dashboard.waitingLongest', { count: w.waiting, longest: formatDuration(w.longestWaitSeconds) }) : '0',
            color: w.longestWaitSeconds > m.targetWaitMinutes * 60 ? '#d97706' : '#2563eb',
          }))}
        />
      </section>

      <section className="mgr-sec">
        <h4>{t('dashboard.serviceLevelByClass', { minutes: m.targetWaitMinutes })}</h4>
        <HBars
          testId="dash-level"
          label={t('dashboard.serviceLevel')}
          max={100}
          marker={TARGET_LEVEL}
          bars={[...levels, ...(all ? [all] : [])].map((s) => ({
            key: s.ticketClass,
            label: s.ticketClass === 'all' ? t('dashboard.allClasses') : t(`common:ticketClass.${s.ticketClass}`),
            value: s.percent ?? 0,
            text: s.counted ? `${percent(s.percent)} (${s.withinTarget}/${s.counted})` : t('dashboard.none'),
            color: s.percent === null ? '#cbd5e1' : s.percent >= TARGET_LEVEL ? '#15803d' : '#d97706',
          }))}
        />
        <p className="dash-note">{t('dashboard.levelNote', { percent: TARGET_LEVEL })}</p>
      </section>

      <section className="mgr-sec">
        <h4>{t('dashboard.tellers')}</h4>
        {m.tellers.length === 0 ? (
          <p className="mgr-empty" data-testid="dash-tellers-empty">
            {t('dashboard.noTellers')}
          </p>
        ) : (
          <HBars
            testId="dash-tellers"
            label={t('dashboard.tellers')}
            max={maxTeller}
            bars={m.tellers.map((x) => ({
              key: x.teller,
              label: `${x.teller} · ${x.counterIds.map((c) => t('dashboard.counter', { id: c })).join(', ')}`,
              value: x.completed,
              text: t('dashboard.tellerLine', {
                completed: x.completed,
                noShows: x.noShows,
                avg: minutes(x.averageServiceSeconds),
              }),
              color: '#0f766e',
            }))}
          />
        )}
      </section>
      <p className="dash-note" data-testid="dash-walk-note">
        {t('dashboard.walkNote')}
        {m.service.completed > m.service.measured && ` ${t('dashboard.walkMissing', { count: m.service.completed - m.service.measured })}`}
      </p>
    </div>
  );
}
