/**
 * Queue dashboard: today's measures from GET /api/v1/measures/today as plain SVG charts —
 * waiting now per service, average and longest wait, average walk to the counter and service time
 * (excluding the walk), service level per class against the target wait, no-show rate, per-teller
 * throughput by name and counter, arrivals and average wait by hour (what staffing is planned
 * from), tickets given up on the phone — and the per-ticket CSV (fetched with the session's
 * token, saved through a Blob link). Refreshes every 30 seconds.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BranchInfo } from '@domain/contracts';
import type { HourMeasure, MeasuresResponse } from '@domain/measures';
import type { StaffCall } from '../../components/staffApi';
import type { StaffAuth } from '../../components/StaffLogin';
import { request } from '../../lib/api';
import { saveCsv } from '../../components/download';
import { errorMessage, formatDecimal, formatDuration, formatTime, localized } from '../../components/format';
import { RetryAlert } from './QueuePanel';
import { counterName } from './labels';
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
function HBars({ bars, max, testId, label, marker, labelW = 150 }: { bars: Bar[]; max?: number; testId: string; label: string; marker?: number; labelW?: number }) {
  const rowH = 28;
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

/**
 * Arrivals per hour as columns and the average wait of the customers who arrived in that hour as a
 * line (its own scale on the right), over the working day (at least 09:00 to 17:00, wider if
 * tickets were taken outside it).
 */
function HourlyChart({ hours, label, waitLabel, arrivalsLabel }: { hours: HourMeasure[]; label: string; waitLabel: string; arrivalsLabel: string }) {
  const byHour = new Map(hours.map((h) => [h.hour, h]));
  const first = Math.min(9, ...hours.map((h) => h.hour));
  const last = Math.max(17, ...hours.map((h) => h.hour));
  const all: HourMeasure[] = [];
  for (let h = first; h <= last; h++) all.push(byHour.get(h) ?? { hour: h, arrivals: 0, called: 0, averageWaitSeconds: null, longestWaitSeconds: null });
  const left = 36;
  const right = 52;
  const colW = 40;
  const plotH = 140;
  const top = 18;
  const width = left + right + all.length * colW;
  const height = top + plotH + 26;
  const maxArrivals = Math.max(1, ...all.map((h) => h.arrivals));
  const maxWait = Math.max(60, ...all.map((h) => h.averageWaitSeconds ?? 0));
  const x = (i: number) => left + i * colW + colW / 2;
  const yA = (n: number) => top + plotH - (n / maxArrivals) * plotH;
  const yW = (sec: number) => top + plotH - (sec / maxWait) * plotH;
  const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
  const points = all.flatMap((h, i) => (h.averageWaitSeconds === null ? [] : [`${x(i)},${yW(h.averageWaitSeconds)}`]));
  return (
    <figure className="dash-hourly">
      <svg className="dash-chart" viewBox={`0 0 ${width} ${height}`} width={width} style={{ maxWidth: '100%', height: 'auto' }} role="img" aria-label={label} data-testid="dash-hourly">
        <line x1={left} x2={width - right} y1={top + plotH} y2={top + plotH} stroke="#94a3b8" />
        <text x={left - 6} y={top + 4} textAnchor="end" fontSize="11" fill="currentColor">
          {maxArrivals}
        </text>
        <text x={width - right + 6} y={top + 4} fontSize="11" fill="#9a3412">
          {formatDuration(maxWait)}
        </text>
        {all.map((h, i) => (
          <g key={h.hour} data-testid={`dash-hour-${h.hour}`} data-arrivals={h.arrivals} data-wait={h.averageWaitSeconds ?? ''}>
            {h.arrivals > 0 && (
              <>
                <rect x={x(i) - colW * 0.3} y={yA(h.arrivals)} width={colW * 0.6} height={top + plotH - yA(h.arrivals)} rx={2} fill="#2563eb" />
                <text x={x(i)} y={yA(h.arrivals) - 4} textAnchor="middle" fontSize="11" fill="currentColor">
                  {h.arrivals}
                </text>
              </>
            )}
            <text x={x(i)} y={top + plotH + 16} textAnchor="middle" fontSize="11" fill="currentColor">
              {hh(h.hour)}
            </text>
            <title>{`${hh(h.hour)} · ${arrivalsLabel} ${h.arrivals} · ${waitLabel} ${h.averageWaitSeconds === null ? '—' : formatDuration(h.averageWaitSeconds)}`}</title>
          </g>
        ))}
        {points.length > 1 && <polyline points={points.join(' ')} fill="none" stroke="#c2410c" strokeWidth={2} />}
        {all.map((h, i) => (h.averageWaitSeconds === null ? null : <circle key={`w${h.hour}`} cx={x(i)} cy={yW(h.averageWaitSeconds)} r={3.5} fill="#c2410c" />))}
      </svg>
      <figcaption className="dash-legend">
        <span className="dash-legend-bar">{arrivalsLabel}</span>
        <span className="dash-legend-line">{waitLabel}</span>
      </figcaption>
    </figure>
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
      saveCsv(csv, `measures-${m?.businessDate ?? 'today'}.csv`);
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
        <Tile label={t('dashboard.cancelled')} value={String(m.cancelled)} sub={t('dashboard.cancelledSub')} testId="dash-cancelled" />
      </div>

      <section className="mgr-sec">
        <h4>{t('dashboard.byHour')}</h4>
        {m.byHour.length === 0 ? (
          <p className="mgr-empty">{t('dashboard.noArrivals')}</p>
        ) : (
          <HourlyChart hours={m.byHour} label={t('dashboard.byHour')} arrivalsLabel={t('dashboard.arrivals')} waitLabel={t('dashboard.avgWaitShort')} />
        )}
        <p className="dash-note">{t('dashboard.byHourNote')}</p>
      </section>

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
            labelW={260}
            max={maxTeller}
            bars={m.tellers.map((x) => ({
              key: x.teller,
              label: `${m.staffNames[x.teller] ?? x.teller} · ${x.counterIds.map((c) => counterName(branch, c, t)).join(', ')}`,
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
