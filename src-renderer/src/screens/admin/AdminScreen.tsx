/**
 * Branch admin: the audit log, today's green-channel routing, the branch set-up (read only) and the
 * lobby display's notices (NoticesPanel: add, edit, reorder, remove) and the paired kiosks and
 * displays (DevicesPanel: pair, re-key, retire), and the fleet as it is now (FleetPanel: online,
 * printer, version; reload a screen).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEntry, BranchInfo } from '@domain/contracts';
import type { TFunction } from 'i18next';
import { request } from '../../lib/api';
import { saveCsv } from '../../components/download';
import { StaffGate, type StaffAuth } from '../../components/StaffLogin';
import { StaffHeader } from '../../components/StaffHeader';
import { useStaffCall } from '../../components/staffApi';
import { errorMessage, formatDateTime, localized } from '../../components/format';
import { counterName, serviceName } from '../manager/labels';
import { GreenChannelList, useGreenChannel } from '../manager/GreenChannelList';
import { NoticesPanel } from './NoticesPanel';
import { DevicesPanel } from './DevicesPanel';
import { StaffPanel } from './StaffPanel';
import { SetupPanel } from './SetupPanel';
import { FeedsPanel } from './FeedsPanel';
import { FleetPanel } from './FleetPanel';
import './admin.css';

type Tab = 'audit' | 'green' | 'branch' | 'staff' | 'feeds' | 'notices' | 'devices' | 'fleet';
const PAGE = 100;
/** The audit areas offered as a filter: the hub matches actions that start with the value. */
const AUDIT_AREAS = ['', 'auth.', 'ticket.', 'identity.', 'green_channel.', 'customer', 'offer.', 'form.', 'counter.', 'appointment.', 'notice.', 'device.'] as const;
const areaKey = (a: string) => a.replace('.', '') || 'all';

/** What an audit row is about, in words: "Ticket A012", "Counter 2", "Staff t01"… */
function subjectText(e: AuditEntry, branch: BranchInfo | null, t: TFunction): string {
  const at = e.subject.indexOf(':');
  const kind = at < 0 ? e.subject : e.subject.slice(0, at);
  const id = at < 0 ? '' : e.subject.slice(at + 1);
  const number = typeof e.detail?.number === 'string' ? e.detail.number : null;
  switch (kind) {
    case 'ticket':
      return number ? t('audit.subjects.ticket', { number }) : t('audit.subjects.ticketUnknown');
    case 'counter':
      return t('audit.subjects.counter', { counter: counterName(branch, Number(id), t) });
    case 'staff':
    case 'device':
    case 'appointment':
    case 'branch':
    case 'feed':
      return t(`audit.subjects.${kind}`, { id });
    case 'notice':
      return t('audit.subjects.notice');
    case 'notices':
      return t('audit.subjects.notices');
    case 'before':
      return t('audit.subjects.before', { date: id.slice(0, 10) });
    default:
      return e.subject;
  }
}

export default function AdminScreen() {
  return <StaffGate scope="admin">{(auth) => <AdminDesk auth={auth} />}</StaffGate>;
}

function detailText(detail: Record<string, unknown> | null | undefined): string {
  if (!detail || typeof detail !== 'object') return '';
  return Object.entries(detail)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('  ');
}

function AdminDesk({ auth }: { auth: StaffAuth }) {
  const { t } = useTranslation(['admin', 'common']);
  const [tab, setTab] = useState<Tab>('audit');

  const [branch, setBranch] = useState<BranchInfo | null>(null);
  const [branchError, setBranchError] = useState<string | null>(null);

  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [auditLoaded, setAuditLoaded] = useState(false);
  const [auditError, setAuditError] = useState<string | null>(null);
  const [auditBusy, setAuditBusy] = useState(false);
  const [hasMore, setHasMore] = useState(false);
  const [filter, setFilter] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [area, setArea] = useState<string>('');
  const [exporting, setExporting] = useState(false);
  const datesInvalid = from !== '' && to !== '' && from > to;
  const auditQuery = useMemo(
    () => ({ ...(from ? { from } : {}), ...(to ? { to } : {}), ...(area ? { action: area } : {}) }),
    [from, to, area],
  );
  const [expanded, setExpanded] = useState<number | null>(null);

  const call = useStaffCall(auth);
  const { green, greenLoaded, greenError, loadGreen } = useGreenChannel(call);

  const loadBranch = useCallback(() => {
    call('branch')
      .then((b) => {
        setBranch(b);
        setBranchError(null);
      })
      .catch((err) => setBranchError(errorMessage(err)));
  }, [call]);

  const loadAudit = useCallback(
    (before?: number) => {
      setAuditBusy(true);
      if (datesInvalid) return;
      call('audit', { query: { limit: PAGE, ...auditQuery, ...(before ? { before } : {}) } })
        .then((data) => {
          const page = data.entries;
          setEntries((old) => {
            const merged = before ? [...old, ...page] : page;
            const seen = new Set<number>();
            return merged.filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true))).sort((a, b) => b.id - a.id);
          });
          setHasMore(page.length >= PAGE);
          setAuditLoaded(true);
          setAuditError(null);
        })
        .catch((err) => setAuditError(errorMessage(err)))
        .finally(() => setAuditBusy(false));
    },
    [call, auditQuery, datesInvalid],
  );

  const { guard, session } = auth;
  const exportCsv = useCallback(async () => {
    setExporting(true);
    try {
      const csv = await guard(request('auditCsv', session.token, { query: auditQuery }));
      saveCsv(csv, `audit-${from || 'all'}-${to || 'now'}.csv`);
      setAuditError(null);
    } catch (err) {
      setAuditError(errorMessage(err));
    } finally {
      setExporting(false);
    }
  }, [guard, session.token, auditQuery, from, to]);

  useEffect(() => {
    loadBranch();
    loadGreen();
  }, [loadBranch, loadGreen]);
  // The audit log reloads whenever its date range or area changes.
  useEffect(() => {
    loadAudit();
  }, [loadAudit]);

  const shown = useMemo(() => {
    const q = filter.trim().toLowerCase();
    if (!q) return entries;
    return entries.filter((e) =>
      [e.actor, e.role, e.device ?? '', e.action, t(`actions.${e.action.replace('.', '_')}`), subjectText(e, branch, t), detailText(e.detail)].some((x) =>
        x.toLowerCase().includes(q),
      ),
    );
  }, [entries, filter, branch, t]);

  const oldestId = entries.length ? entries[entries.length - 1]!.id : undefined;

  return (
    <div className="staff-screen adm" data-testid="admin-screen">
      <StaffHeader scope="admin" title={t('title')} branch={branch} auth={auth}>
        <nav className="adm-tabs" role="tablist" aria-label={t('tabs.label')}>
          {(['audit', 'green', 'branch', 'staff', 'feeds', 'notices', 'devices', 'fleet'] as const).map((k) => (
            <button
              key={k}
              type="button"
              role="tab"
              aria-selected={tab === k}
              className="adm-tab"
              onClick={() => setTab(k)}
              data-testid={`admin-tab-${k}`}
            >
              {t(`tabs.${k}`)}
            </button>
          ))}
        </nav>
      </StaffHeader>

      <main className="adm-main">
        {tab === 'audit' && (
          <section className="adm-panel" data-testid="audit-panel">
            <div className="adm-panel-head">
              <h2>{t('audit.title')}</h2>
              <span className="adm-note">{t('audit.appendOnly')}</span>
              <input
                type="search"
                className="adm-filter"
                placeholder={t('audit.filter')}
                aria-label={t('audit.filter')}
                value={filter}
                onChange={(e) => setFilter(e.target.value)}
                data-testid="audit-filter"
              />
              <button type="button" className="adm-btn" onClick={() => loadAudit()} disabled={auditBusy} data-testid="audit-refresh">
                ⟳ {t('common:actions.refresh')}
              </button>
            </div>
            <div className="adm-audit-filters" role="group" aria-label={t('audit.title')}>
              <label>
                <span>{t('audit.from')}</span>
                <input type="date" value={from} max={to || undefined} onChange={(e) => setFrom(e.target.value)} data-testid="audit-from" />
              </label>
              <label>
                <span>{t('audit.to')}</span>
                <input type="date" value={to} min={from || undefined} onChange={(e) => setTo(e.target.value)} data-testid="audit-to" />
              </label>
              <label>
                <span>{t('audit.area')}</span>
                <select value={area} onChange={(e) => setArea(e.target.value)} data-testid="audit-area">
                  {AUDIT_AREAS.map((a) => (
                    <option key={a} value={a}>
                      {t(`audit.areas.${areaKey(a)}`)}
                    </option>
                  ))}
                </select>
              </label>
              <button type="button" className="adm-btn" onClick={() => void exportCsv()} disabled={exporting || datesInvalid} data-testid="audit-export">
                {exporting ? t('audit.exporting') : t('audit.exportCsv')}
              </button>
              {datesInvalid && (
                <span className="adm-error-inline" role="alert" data-testid="audit-dates-invalid">
                  {t('audit.dateInvalid')}
                </span>
              )}
            </div>
            {auditError && (
              <div className="adm-error" role="alert" data-testid="audit-error">
                {auditError}
              </div>
            )}
            {!auditLoaded && !auditError ? (
              <p className="adm-empty">{t('common:loading')}</p>
            ) : auditLoaded && shown.length === 0 ? (
              <p className="adm-empty" data-testid="audit-empty">
                {filter ? t('audit.noMatch') : t('audit.empty')}
              </p>
            ) : shown.length > 0 ? (
              <div className="adm-scroll">
                <table className="adm-table" data-testid="audit-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('audit.time')}</th>
                      <th scope="col">{t('audit.actor')}</th>
                      <th scope="col">{t('audit.role')}</th>
                      <th scope="col">{t('audit.device')}</th>
                      <th scope="col">{t('audit.action')}</th>
                      <th scope="col">{t('audit.subject')}</th>
                      <th scope="col">{t('audit.detail')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {shown.map((e) => {
                      const d = detailText(e.detail);
                      const open = expanded === e.id;
                      return (
                        <tr key={e.id} data-testid="audit-row" data-audit-id={e.id} data-action={e.action}>
                          <td className="mono nowrap">{formatDateTime(e.at)}</td>
                          <td className="nowrap">{e.actor}</td>
                          <td className="nowrap">{t(`common:role.${e.role}`, { defaultValue: e.role })}</td>
                          <td className="mono nowrap">{e.device ?? '—'}</td>
                          <td>
                            <span className="adm-action" title={e.action} data-testid="audit-action">
                              {t(`actions.${e.action.replace('.', '_')}`)}
                            </span>
                          </td>
                          <td title={e.subject} data-testid="audit-subject">
                            {subjectText(e, branch, t)}
                          </td>
                          <td className="adm-detail">
                            {d ? (
                              <button
                                type="button"
                                className={`adm-detail-btn ${open ? 'is-open' : ''}`}
                                onClick={() => setExpanded(open ? null : e.id)}
                                title={open ? undefined : d}
                              >
                                {open ? <pre>{JSON.stringify(e.detail, null, 2)}</pre> : <span>{d}</span>}
                              </button>
                            ) : (
                              '—'
                            )}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            ) : null}
            {auditLoaded && (
              <div className="adm-foot">
                <span>{t('audit.count', { count: entries.length })}</span>
                {hasMore && (
                  <button
                    type="button"
                    className="adm-btn"
                    onClick={() => loadAudit(oldestId)}
                    disabled={auditBusy}
                    data-testid="audit-more"
                  >
                    {auditBusy ? t('common:loading') : t('audit.more')}
                  </button>
                )}
              </div>
            )}
          </section>
        )}

        {tab === 'green' && (
          <section className="adm-panel">
            <GreenChannelList records={green} loaded={greenLoaded} error={greenError} branch={branch} onRefresh={loadGreen} />
          </section>
        )}

        {tab === 'notices' && <NoticesPanel call={call} />}

        {tab === 'devices' && <DevicesPanel call={call} />}
        {tab === 'fleet' && <FleetPanel call={call} auth={auth} />}

        {tab === 'branch' && (
          <section className="adm-panel" data-testid="branch-panel">
            <div className="adm-panel-head">
              <h2>{t('branch.title')}</h2>
              <button type="button" className="adm-btn" onClick={loadBranch} data-testid="branch-refresh">
                ⟳ {t('common:actions.refresh')}
              </button>
            </div>
            {branchError && (
              <div className="adm-error" role="alert" data-testid="branch-error">
                {branchError}
              </div>
            )}
            {!branch ? (
              !branchError && <p className="adm-empty">{t('common:loading')}</p>
            ) : (
              <>
                <dl className="adm-facts">
                  <div>
                    <dt>{t('branch.id')}</dt>
                    <dd className="mono">{branch.id}</dd>
                  </div>
                  <div>
                    <dt>{t('branch.name')}</dt>
                    <dd>
                      {branch.name['zh-CN']} / {branch.name.en}
                    </dd>
                  </div>
                  <div>
                    <dt>{t('branch.defaultLanguage')}</dt>
                    <dd>{t(`common:languages.${branch.defaultLanguage}`)}</dd>
                  </div>
                </dl>
                <div className="adm-two">
                  <div>
                    <h3>{t('branch.services', { count: branch.services.length })}</h3>
                    <table className="adm-table" data-testid="branch-services">
                      <thead>
                        <tr>
                          <th scope="col">{t('branch.code')}</th>
                          <th scope="col">{t('branch.prefix')}</th>
                          <th scope="col">{t('branch.nameZh')}</th>
                          <th scope="col">{t('branch.nameEn')}</th>
                          <th scope="col">{t('branch.access')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {branch.services.map((s) => (
                          <tr key={s.code} data-testid="branch-service" data-service={s.code}>
                            <td className="mono">{s.code}</td>
                            <td className="mono">{s.prefix}</td>
                            <td lang="zh-CN">{s.name['zh-CN']}</td>
                            <td lang="en">{s.name.en}</td>
                            <td>
                              {s.vipOnly ? <span className="adm-pill is-vip">{t('branch.vipOnly')}</span> : <span className="adm-pill">{t('branch.kiosk')}</span>}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                  <div>
                    <h3>{t('branch.counters', { count: branch.counters.length })}</h3>
                    <table className="adm-table" data-testid="branch-counters">
                      <thead>
                        <tr>
                          <th scope="col">{t('branch.counterId')}</th>
                          <th scope="col">{t('branch.counterName')}</th>
                          <th scope="col">{t('branch.type')}</th>
                          <th scope="col">{t('branch.serves')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {branch.counters.map((c) => (
                          <tr key={c.id} data-testid="branch-counter" data-counter-id={c.id}>
                            <td className="mono">{c.id}</td>
                            <td>{localized(c.name)}</td>
                            <td>{c.vip ? <span className="adm-pill is-vip">{t('branch.vipCounter')}</span> : t('branch.standardCounter')}</td>
                            <td>{c.serviceCodes.map((code) => `${code} ${serviceName(branch, code)}`).join(t('branch.listSeparator'))}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                </div>
                <SetupPanel call={call} onApplied={loadBranch} />
              </>
            )}
          </section>
        )}
        {tab === 'staff' && <StaffPanel call={call} branch={branch} me={auth.session.subjectId ?? ''} />}
        {tab === 'feeds' && <FeedsPanel call={call} />}
      </main>
    </div>
  );
}
