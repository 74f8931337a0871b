/**
 * Head office: the branches board. Every branch with connected / disconnected (since when), waiting
 * now, tickets issued today, the journal offset head office holds and the bundle version it runs;
 * pushed live over socket.io (`branch:changed`) and read again every 30 seconds (a branch that falls
 * silent turns disconnected without an event). Served by head office itself (docs/HEAD-OFFICE.md);
 * head-office staff (admin, analyst) sign in with their id and PIN.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { io } from 'socket.io-client';
import type { BranchBoardRow, BundleInfo, DashboardResponse, HeadOfficeLoginResponse, HeadOfficeServerEvents } from '@domain/head-office';
import { ApiError, headOfficeRequest } from '../../lib/api';
import { ConnectionBadge, LanguageSwitch, SignInCard, StaffStyles } from '../../components/StaffLogin';
import { errorMessage, formatDateTime, localized } from '../../components/format';
import '../../components/staff.css';
import { CampaignReport } from './CampaignReport';
import './head-office.css';

const KEY = 'branch-lobby.session.head-office';
const REFRESH_MS = 30_000;

function loadSession(): HeadOfficeLoginResponse | null {
  try {
    const s = JSON.parse(window.sessionStorage.getItem(KEY) ?? 'null') as HeadOfficeLoginResponse | null;
    return s && Date.parse(s.expiresAt) > Date.now() ? s : null;
  } catch {
    return null;
  }
}

export default function HeadOfficeScreen() {
  const [session, setSession] = useState<HeadOfficeLoginResponse | null>(loadSession);
  const signedIn = (s: HeadOfficeLoginResponse | null) => {
    if (s) window.sessionStorage.setItem(KEY, JSON.stringify(s));
    else window.sessionStorage.removeItem(KEY);
    setSession(s);
  };
  return session ? <Board session={session} signOut={() => signedIn(null)} /> : <Login onSignedIn={signedIn} />;
}

function Login({ onSignedIn }: { onSignedIn: (s: HeadOfficeLoginResponse) => void }) {
  const { t } = useTranslation(['headOffice', 'common']);
  const [staffId, setStaffId] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!staffId.trim() || !pin) return setError(t('common:login.missingFields'));
    setBusy(true);
    headOfficeRequest('login', null, { staffId: staffId.trim(), pin })
      .then(onSignedIn)
      .catch((err) => setError(err instanceof ApiError && err.code === 'unauthenticated' ? t('common:reasons.wrong_credentials') : errorMessage(err)))
      .finally(() => setBusy(false));
  };
  return (
    <SignInCard
      testId="head-office-login"
      title={t('title')}
      onSubmit={submit}
      busy={busy}
      error={error}
      staffId={staffId}
      onStaffId={setStaffId}
      pin={pin}
      onPin={setPin}
      pinMaxLength={12}
    />
  );
}

/** The board's number columns, in order. */
const BOARD_NUMBERS = ['waiting', 'longestWait', 'serviceLevel', 'countersOpen', 'issued', 'offset', 'outboxLag'] as const;

function Board({ session, signOut }: { session: HeadOfficeLoginResponse; signOut: () => void }) {
  const { t } = useTranslation(['headOffice', 'common']);
  const [rows, setRows] = useState<BranchBoardRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  const [tab, setTab] = useState<'board' | 'dashboard' | 'campaign' | 'bundles'>('board');

  const load = useCallback(() => {
    headOfficeRequest('branches', session.token)
      .then((r) => {
        setRows(r.branches);
        setError(null);
      })
      .catch((err) => {
        if (err instanceof ApiError && err.code === 'unauthenticated') signOut();
        else setError(errorMessage(err));
      });
  }, [session.token, signOut]);
  useEffect(() => {
    load();
    const id = window.setInterval(load, REFRESH_MS);
    return () => window.clearInterval(id);
  }, [load]);
  useEffect(() => {
    const socket = io({ path: '/socket.io', auth: { token: session.token }, transports: ['websocket', 'polling'] });
    const onChanged: HeadOfficeServerEvents['branch:changed'] = (row) =>
      setRows((list) => (list ? (list.some((b) => b.id === row.id) ? list.map((b) => (b.id === row.id ? row : b)) : [...list, row].sort((a, b) => a.id.localeCompare(b.id))) : list));
    socket.on('connect', () => setLive(true));
    socket.on('disconnect', () => setLive(false));
    socket.on('branch:changed', onChanged);
    return () => {
      socket.disconnect();
    };
  }, [session.token]);

  const connected = rows?.filter((r) => r.connected).length ?? 0;
  return (
    <div className="staff-screen hq" data-testid="head-office-screen">
      <header className="staff-header hq-header">
        <StaffStyles />
        <div className="staff-brand">
          <span className="staff-logo" aria-hidden="true">
            ▣
          </span>
          <div>
            <h1 className="staff-title">{t('title')}</h1>
            <div className="staff-sub">{t('common:appName')}</div>
          </div>
        </div>
        <div className="hq-kpis">
          <span className="hq-kpi" data-testid="hq-connected">
            <strong>{connected}</strong> / {rows?.length ?? 0} {t('kpi.connected')}
          </span>
          <span className="hq-kpi">
            <strong>{rows?.reduce((n, r) => n + r.waitingNow, 0) ?? 0}</strong> {t('kpi.waiting')}
          </span>
          <span className="hq-kpi">
            <strong>{rows?.reduce((n, r) => n + r.issuedToday, 0) ?? 0}</strong> {t('kpi.issued')}
          </span>
        </div>
        <nav className="hq-tabs" role="tablist" aria-label={t('tabs.label')}>
          {(['board', 'dashboard', 'campaign', 'bundles'] as const).map((k) => (
            <button key={k} type="button" role="tab" aria-selected={tab === k} className="hq-tab" onClick={() => setTab(k)} data-testid={`hq-tab-${k}`}>
              {t(`tabs.${k}`)}
            </button>
          ))}
        </nav>
        <div className="staff-tools">
          <ConnectionBadge connected={live} />
          <span className="staff-user" data-testid="head-office-user">
            {session.staffId}
          </span>
          <LanguageSwitch />
          <button type="button" className="staff-signout" onClick={signOut} data-testid="logout">
            {t('common:login.logout')}
          </button>
        </div>
      </header>
      <main className="hq-main">
        {tab === 'dashboard' && <Dashboard token={session.token} />}
        {tab === 'campaign' && <CampaignReport token={session.token} />}
        {tab === 'bundles' && <Bundles token={session.token} branches={rows ?? []} canPublish={session.role === 'admin'} />}
        {tab === 'board' && (
        <section className="hq-panel">
          <div className="hq-panel-head">
            <h2>{t('board.title')}</h2>
            <span className="hq-note">{t('board.hint')}</span>
          </div>
          {error && (
            <div className="hq-error" role="alert">
              {error}
            </div>
          )}
          {!rows ? (
            !error && <p className="hq-empty">{t('common:loading')}</p>
          ) : rows.length === 0 ? (
            <p className="hq-empty">{t('board.none')}</p>
          ) : (
            <table className="hq-table" data-testid="hq-board">
              <thead>
                <tr>
                  <th scope="col">{t('board.branch')}</th>
                  <th scope="col">{t('board.state')}</th>
                  {BOARD_NUMBERS.map((k) => (
                    <th key={k} scope="col" className="num">
                      {t(`board.${k}`)}
                    </th>
                  ))}
                  <th scope="col">{t('board.bundle')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id} data-testid="hq-row" data-branch={r.id} data-connected={r.connected ? 'yes' : 'no'} className={r.lastSeenAt ? '' : 'hq-never'}>
                    <td>
                      <strong>{localized(r.name) || r.id}</strong>
                      <div className="hq-sub mono">{r.id}</div>
                    </td>
                    <td>
                      <span className={`hq-pill ${r.connected ? 'is-on' : r.lastSeenAt ? 'is-off' : 'is-never'}`}>
                        {t(r.connected ? 'board.connected' : r.lastSeenAt ? 'board.disconnected' : 'board.neverConnected')}
                      </span>
                      <div className="hq-sub">{r.since ? t('board.since', { time: formatDateTime(r.since) }) : t('board.never')}</div>
                    </td>
                    <td className="num" data-testid="hq-waiting">
                      {r.lastSeenAt ? r.waitingNow : '—'}
                    </td>
                    <td className="num" data-testid="hq-longest-wait">
                      {r.longestWaitSeconds === null ? '—' : t('board.minutes', { m: Math.floor(r.longestWaitSeconds / 60) })}
                    </td>
                    <td className="num" data-testid="hq-service-level">
                      {r.serviceLevel === null ? '—' : `${Math.round(r.serviceLevel * 100)}%`}
                    </td>
                    <td className="num" data-testid="hq-counters-open">
                      {r.countersOpen ?? '—'}
                    </td>
                    <td className="num" data-testid="hq-issued">
                      {r.lastSeenAt ? r.issuedToday : '—'}
                    </td>
                    <td className="num mono" title={t('board.offsetHint')}>
                      {r.lastSeenAt ? r.acknowledgedOffset.toLocaleString() : '—'}
                    </td>
                    <td className="num" data-testid="hq-outbox-lag" title={t('board.outboxLagHint')}>
                      {r.outboxLag ?? '—'}
                    </td>
                    <td>
                      <span className="mono">{r.bundleVersion ?? '—'}</span>
                      {r.bundleRefused && (
                        <div className="hq-refused" data-testid="hq-bundle-refused">
                          {t('board.refused', { version: r.bundleRefused.version, reason: r.bundleRefused.reason })}
                        </div>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        )}
      </main>
    </div>
  );
}

const EXAMPLE = '{\n  "rules": {\n    "ticketNumberWidth": 4\n  }\n}';

/** Bundles: write one (JSON: any part of the branch rules), publish it to every branch or chosen ones, and see who runs or refused each. */
function Bundles({ token, branches, canPublish }: { token: string; branches: BranchBoardRow[]; canPublish: boolean }) {
  const { t } = useTranslation(['headOffice', 'common']);
  const [list, setList] = useState<BundleInfo[] | null>(null);
  const [text, setText] = useState(EXAMPLE);
  const [note, setNote] = useState('');
  const [all, setAll] = useState(true);
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  // The version just published (its message is worded in the language shown now, not the one it was published in).
  const [done, setDone] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const load = useCallback(() => {
    headOfficeRequest('bundles', token)
      .then((r) => setList(r.bundles))
      .catch((err) => setError(errorMessage(err)));
  }, [token]);
  useEffect(load, [load, branches]);
  const publish = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    let content: unknown;
    try {
      content = JSON.parse(text);
    } catch (err) {
      return setError(t('bundles.notJson', { problem: err instanceof Error ? err.message : String(err) }));
    }
    if (!all && chosen.length === 0) return setError(t('bundles.chooseBranches'));
    setBusy(true);
    headOfficeRequest('publishBundle', token, { content, branches: all ? 'all' : chosen, note })
      .then((r) => {
        setError(null);
        setDone(r.version);
        load();
      })
      .catch((err) => setError(errorMessage(err)))
      .finally(() => setBusy(false));
  };
  return (
    <section className="hq-panel" data-testid="hq-bundles">
      <div className="hq-panel-head">
        <h2>{t('bundles.title')}</h2>
        <span className="hq-note">{t('bundles.hint')}</span>
      </div>
      {canPublish && (
        <form className="hq-form" onSubmit={publish}>
          <label>
            <span>{t('bundles.content')}</span>
            <textarea rows={8} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} className="mono" data-testid="hq-bundle-content" />
          </label>
          <label>
            <span>{t('bundles.note')}</span>
            <input value={note} maxLength={200} onChange={(e) => setNote(e.target.value)} data-testid="hq-bundle-note" />
          </label>
          <fieldset>
            <legend>{t('bundles.to')}</legend>
            <label className="hq-check">
              <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} data-testid="hq-bundle-all" />
              {t('bundles.all')}
            </label>
            {!all &&
              branches.map((b) => (
                <label key={b.id} className="hq-check">
                  <input
                    type="checkbox"
                    checked={chosen.includes(b.id)}
                    onChange={(e) => setChosen((c) => (e.target.checked ? [...c, b.id] : c.filter((x) => x !== b.id)))}
                    data-testid={`hq-bundle-branch-${b.id}`}
                  />
                  {localized(b.name) || b.id} <span className="mono">{b.id}</span>
                </label>
              ))}
          </fieldset>
          {error && (
            <div className="hq-error" role="alert" data-testid="hq-bundle-error">
              {error}
            </div>
          )}
          {done !== null && (
            <div className="hq-ok" role="status" data-testid="hq-bundle-done">
              {t('bundles.published', { version: done })}
            </div>
          )}
          <button type="submit" className="hq-btn" disabled={busy} data-testid="hq-bundle-publish">
            {t('bundles.publish')}
          </button>
        </form>
      )}
      {list && list.length > 0 && (
        <table className="hq-table" data-testid="hq-bundle-list">
          <thead>
            <tr>
              <th scope="col">{t('bundles.version')}</th>
              <th scope="col">{t('bundles.note')}</th>
              <th scope="col">{t('bundles.to')}</th>
              <th scope="col">{t('bundles.running')}</th>
              <th scope="col">{t('bundles.refusedBy')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((b) => (
              <tr key={b.version} data-testid="hq-bundle-row" data-version={b.version}>
                <td className="mono">
                  {b.version}
                  <div className="hq-sub">{formatDateTime(b.createdAt)} · {b.createdBy}</div>
                </td>
                <td>{b.note || '—'}</td>
                <td>{b.branches === 'all' ? t('bundles.all') : b.branches.join(', ')}</td>
                <td className="mono">{b.running.join(', ') || '—'}</td>
                <td>
                  {b.refused.length === 0
                    ? '—'
                    : b.refused.map((r) => (
                        <div key={r.branchId} className="hq-refused">
                          <span className="mono">{r.branchId}</span>: {r.reason}
                        </div>
                      ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Today as YYYY-MM-DD on this computer's clock (head office picks any day). */
function localToday(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Width of one hour in the chart (its bar and its two labels). */
const SLOT = 64;
const pctText = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);
const minText = (x: number | null) => (x === null ? '—' : x.toFixed(1));

/** The bank-wide dashboard of one day: every branch's waits and service level, arrivals by hour, pitches per product. */
function Dashboard({ token }: { token: string }) {
  const { t } = useTranslation(['headOffice', 'common']);
  const [date, setDate] = useState(localToday);
  const [target, setTarget] = useState(15);
  const [data, setData] = useState<DashboardResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    headOfficeRequest('dashboard', token, undefined, { date, target })
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((err) => setError(errorMessage(err)));
  }, [token, date, target]);
  const maxIssued = Math.max(1, ...(data?.hours.map((h) => h.issued) ?? [1]));
  return (
    <section className="hq-panel" data-testid="hq-dashboard">
      <div className="hq-panel-head">
        <h2>{t('dashboard.title')}</h2>
        <label className="hq-inline">
          {t('dashboard.date')}
          <input type="date" value={date} onChange={(e) => e.target.value && setDate(e.target.value)} data-testid="hq-dashboard-date" />
        </label>
        <label className="hq-inline">
          {t('dashboard.target')}
          <input type="number" min={1} max={240} value={target} onChange={(e) => setTarget(Math.max(1, Math.min(240, Number(e.target.value) || 15)))} />
        </label>
      </div>
      {error && (
        <div className="hq-error" role="alert">
          {error}
        </div>
      )}
      {data && (
        <>
          <h3>{t('dashboard.byBranch')}</h3>
          <p className="hq-note">{t('dashboard.waitNote')}</p>
          <table className="hq-table" data-testid="hq-dashboard-branches">
            <thead>
              <tr>
                <th scope="col">{t('board.branch')}</th>
                <th scope="col" className="num">{t('dashboard.issued')}</th>
                <th scope="col" className="num">{t('dashboard.called')}</th>
                <th scope="col" className="num">{t('dashboard.waitMean')}</th>
                <th scope="col" className="num">{t('dashboard.waitP90')}</th>
                <th scope="col" className="num">{t('dashboard.serviceLevel', { minutes: data.targetMinutes })}</th>
                <th scope="col" className="num">{t('dashboard.noShows')}</th>
                <th scope="col" className="num">{t('dashboard.green')}</th>
              </tr>
            </thead>
            <tbody>
              {data.branches.map((b) => (
                <tr key={b.id} data-testid="hq-dashboard-row" data-branch={b.id}>
                  <td>
                    {localized(b.name) || b.id}
                    <div className="hq-sub mono">{b.id}</div>
                  </td>
                  <td className="num">{b.issued}</td>
                  <td className="num">{b.called}</td>
                  <td className="num">{minText(b.waitMean)}</td>
                  <td className="num">{minText(b.waitP90)}</td>
                  <td className="num" data-testid="hq-dashboard-sl">{pctText(b.serviceLevel)}</td>
                  <td className="num">{b.noShows}</td>
                  <td className="num">{b.greenChannel}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t('dashboard.byHour')}</h3>
          {data.hours.length === 0 ? (
            <p className="hq-empty">{t('dashboard.noTickets')}</p>
          ) : (
            <svg
              className="hq-chart"
              viewBox={`0 0 ${Math.max(12, data.hours.length) * SLOT} 150`}
              preserveAspectRatio="xMinYMid meet"
              role="img"
              aria-label={t('dashboard.byHour')}
              data-testid="hq-dashboard-hours"
            >
              {data.hours.map((h, i) => {
                const height = Math.round((h.issued / maxIssued) * 100);
                return (
                  <g key={h.hour}>
                    <rect x={i * SLOT + 12} y={115 - height} width={SLOT - 24} height={height} rx={3} className="hq-bar" />
                    <text x={i * SLOT + SLOT / 2} y={110 - height} textAnchor="middle" className="hq-bar-value">
                      {h.issued}
                    </text>
                    <text x={i * SLOT + SLOT / 2} y={132} textAnchor="middle" className="hq-bar-label">
                      {`${String(h.hour).padStart(2, '0')}:00`}
                    </text>
                    <text x={i * SLOT + SLOT / 2} y={146} textAnchor="middle" className="hq-bar-label">
                      {t('dashboard.minutes', { m: minText(h.waitMean) })}
                    </text>
                  </g>
                );
              })}
            </svg>
          )}
          <h3>{t('dashboard.products')}</h3>
          <p className="hq-note">{t('dashboard.intentNote')}</p>
          {data.products.length === 0 ? (
            <p className="hq-empty">{t('dashboard.noPitches')}</p>
          ) : (
            <table className="hq-table" data-testid="hq-dashboard-products">
              <thead>
                <tr>
                  <th scope="col">{t('dashboard.product')}</th>
                  <th scope="col" className="num">{t('dashboard.pitched')}</th>
                  <th scope="col" className="num">{t('dashboard.accepted')}</th>
                  <th scope="col" className="num">{t('dashboard.rate')}</th>
                </tr>
              </thead>
              <tbody>
                {data.products.map((p) => (
                  <tr key={p.productCode}>
                    <td className="mono">{p.productCode}</td>
                    <td className="num">{p.pitched}</td>
                    <td className="num">{p.accepted}</td>
                    <td className="num">{pctText(p.pitched ? p.accepted / p.pitched : null)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
