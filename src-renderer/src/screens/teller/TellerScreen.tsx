/**
 * Teller counter (PC, 1366x768): call the next customer, see at once who they are (VIP,
 * green channel), complete or mark no-show. F1 / F2 / F3 work from anywhere on the page.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BranchInfo, CalledTicket, CallNextResponse, PublicQueueSnapshot, QueueSnapshot } from '@domain/contracts';
import { ApiError, api } from '../../lib/api';
import { useLobbySocket } from '../../lib/socket';
import { ConnectionBadge, LanguageSwitch, ScreenErrorBoundary, StaffLogin, StaffStyles, useStaffSession } from '../../components/StaffLogin';
import { errorMessage, formatDuration, formatTime, localized, secondsSince, useNow } from '../../components/format';
import { counterName, serviceName } from '../manager/labels';
import './teller.css';

type StaffSession = ReturnType<typeof useStaffSession>;
type Busy = 'call' | 'complete' | 'no-show' | 'restore' | null;

interface Notice {
  kind: 'info' | 'success' | 'warn' | 'error';
  text: string;
}

interface Handled {
  id: string;
  number: string;
  serviceCode: string;
  vip: boolean;
  result: 'completed' | 'no_show';
  at: string;
}

export default function TellerScreen() {
  const auth = useStaffSession('teller');
  if (!auth.session) return <StaffLogin scope="teller" withCounter onSignedIn={auth.signIn} notice={auth.notice} />;
  return (
    <ScreenErrorBoundary>
      <TellerDesk auth={auth} />
    </ScreenErrorBoundary>
  );
}

function TellerDesk({ auth }: { auth: StaffSession }) {
  const { t } = useTranslation(['teller', 'common']);
  const session = auth.session!;
  const token = session.token;
  const counterId = session.counterId ?? 0;
  const { guard, expire } = auth;
  const { socket, connected } = useLobbySocket(token);
  const now = useNow(1000);

  const [branch, setBranch] = useState<BranchInfo | null>(null);
  const [current, setCurrent] = useState<CalledTicket | null>(null);
  const [restored, setRestored] = useState(false);
  const [snapshot, setSnapshot] = useState<QueueSnapshot | null>(null);
  const [busy, setBusy] = useState<Busy>('restore');
  const [notice, setNotice] = useState<Notice | null>(null);
  const [confirmNoShow, setConfirmNoShow] = useState(false);
  const [handled, setHandled] = useState<Handled[]>([]);

  const call = useCallback(
    <T,>(path: string, init: { method?: string; body?: unknown } = {}) => guard(api<T>(path, { ...init, token })),
    [guard, token],
  );

  const restore = useCallback(async () => {
    try {
      const res = await call<{ ticket: CalledTicket } | undefined>(`/api/v1/counters/${counterId}/current`);
      setCurrent(res?.ticket ?? null);
      setRestored(true);
    } catch (err) {
      setNotice({ kind: 'error', text: errorMessage(err) });
    }
  }, [call, counterId]);

  useEffect(() => {
    call<BranchInfo>('/api/v1/branch')
      .then(setBranch)
      .catch(() => undefined);
    void restore().finally(() => setBusy(null));
  }, [call, restore]);

  // ------------------------------------------------------------ socket: waiting counts and last calls
  const loadQueueHttp = useCallback(() => {
    call<QueueSnapshot>('/api/v1/queue')
      .then(setSnapshot)
      .catch(() => undefined);
  }, [call]);

  useEffect(() => {
    if (!socket) return;
    const onQueue = (snap: QueueSnapshot | PublicQueueSnapshot) => {
      if (snap.audience !== 'staff') return;
      setSnapshot((prev) => (prev && snap.offset < prev.offset ? prev : snap));
    };
    const onConnectError = (err: Error) => {
      if (err.message === 'unauthenticated') expire();
    };
    socket.on('queue:changed', onQueue);
    socket.on('connect_error', onConnectError);
    return () => {
      socket.off('queue:changed', onQueue);
      socket.off('connect_error', onConnectError);
    };
  }, [socket, expire]);

  useEffect(() => {
    if (!socket || !connected) return;
    socket.timeout(8000).emit('queue:snapshot', (err, res) => {
      if (err) return loadQueueHttp();
      if (res.ok && res.data.audience === 'staff') setSnapshot(res.data);
      else if (!res.ok && res.error.code === 'unauthenticated') expire();
    });
  }, [socket, connected, loadQueueHttp, expire]);

  // ------------------------------------------------------------ actions
  const callNext = useCallback(async () => {
    if (busy || current) return;
    setBusy('call');
    setNotice(null);
    try {
      const res = await call<CallNextResponse | undefined>(`/api/v1/counters/${counterId}/call-next`, { method: 'POST' });
      if (!res) setNotice({ kind: 'info', text: t('notice.nobodyWaiting') });
      else {
        setCurrent(res.ticket);
        setConfirmNoShow(false);
      }
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        setNotice({ kind: 'warn', text: t('errors.finishFirst') });
        await restore();
      } else if (err instanceof ApiError && err.status === 403) {
        setNotice({ kind: 'error', text: t('errors.notYourCounter') });
      } else setNotice({ kind: 'error', text: errorMessage(err) });
    } finally {
      setBusy(null);
    }
  }, [busy, current, call, counterId, t, restore]);

  const finish = useCallback(
    async (result: 'completed' | 'no_show') => {
      if (busy || !current) return;
      const ticket = current;
      setBusy(result === 'completed' ? 'complete' : 'no-show');
      setNotice(null);
      try {
        const path = result === 'completed' ? 'complete' : 'no-show';
        await call<{ ticket: unknown }>(`/api/v1/tickets/${encodeURIComponent(ticket.id)}/${path}`, { method: 'POST' });
        setCurrent(null);
        setConfirmNoShow(false);
        setHandled((h) =>
          [{ id: ticket.id, number: ticket.number, serviceCode: ticket.serviceCode, vip: ticket.vip, result, at: new Date().toISOString() }, ...h].slice(0, 8),
        );
        setNotice({
          kind: 'success',
          text: result === 'completed' ? t('notice.completed', { number: ticket.number }) : t('notice.noShow', { number: ticket.number }),
        });
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) {
          setNotice({ kind: 'warn', text: t('errors.notCalledHere', { number: ticket.number }) });
          await restore();
        } else setNotice({ kind: 'error', text: errorMessage(err) });
      } finally {
        setBusy(null);
      }
    },
    [busy, current, call, t, restore],
  );

  /** A click marks no-show at once; the F3 key asks for a second press (a stray key costs a customer their turn). */
  const noShow = useCallback(
    (fromKey: boolean) => {
      if (!current || busy) return;
      if (fromKey && !confirmNoShow) {
        setConfirmNoShow(true);
        return;
      }
      void finish('no_show');
    },
    [current, busy, confirmNoShow, finish],
  );

  // The no-show confirmation lapses after a few seconds.
  useEffect(() => {
    if (!confirmNoShow) return;
    const id = window.setTimeout(() => setConfirmNoShow(false), 5000);
    return () => window.clearTimeout(id);
  }, [confirmNoShow]);

  // Keyboard: F1 call next, F2 complete, F3 no-show (press twice).
  const keys = useRef({ callNext, finish, noShow });
  useEffect(() => {
    keys.current = { callNext, finish, noShow };
  }, [callNext, finish, noShow]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.repeat) {
        if (['F1', 'F2', 'F3'].includes(e.key)) e.preventDefault();
        return;
      }
      if (e.key === 'F1') {
        e.preventDefault();
        void keys.current.callNext();
      } else if (e.key === 'F2') {
        e.preventDefault();
        void keys.current.finish('completed');
      } else if (e.key === 'F3') {
        e.preventDefault();
        keys.current.noShow(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // ------------------------------------------------------------ view
  const counter = branch?.counters.find((c) => c.id === counterId) ?? null;
  const myServices = counter?.serviceCodes ?? [];
  const waitingForMe = snapshot?.services.filter((s) => myServices.includes(s.code)).reduce((n, s) => n + s.waiting, 0);
  const sinceSnapshot = snapshot ? secondsSince(snapshot.at, now) : 0;

  return (
    <div className="tlr" data-testid="teller-screen">
      <StaffStyles />
      <header className="tlr-header">
        <div className="tlr-brand">
          <span className="tlr-logo" aria-hidden="true">
            ▣
          </span>
          <div>
            <div className="tlr-title">{t('title')}</div>
            <div className="tlr-sub">{branch ? localized(branch.name) : t('common:appName')}</div>
          </div>
        </div>
        <div className={`tlr-counter ${counter?.vip ? 'is-vip' : ''}`} data-testid="teller-counter" data-counter-id={counterId}>
          {counterName(branch, counterId, t)}
          {counter?.vip && <span className="tlr-counter-vip">{t('vipCounter')}</span>}
        </div>
        <div className="tlr-tools">
          <ConnectionBadge connected={connected} />
          <span className="tlr-user" data-testid="teller-user">
            {session.displayName}
          </span>
          <LanguageSwitch />
          <button type="button" className="tlr-signout" onClick={() => void auth.signOut()} data-testid="logout">
            {t('common:login.logout')}
          </button>
        </div>
      </header>

      <main className="tlr-main">
        <section className="tlr-work" aria-label={t('work')}>
          <div className={`tlr-notice ${notice ? `is-${notice.kind}` : 'is-empty'}`} role="status" aria-live="polite" data-testid="teller-notice">
            {notice?.text ?? ''}
          </div>

          {current ? (
            <CurrentTicket ticket={current} branch={branch} now={now} />
          ) : (
            <div className="tlr-idle" data-testid="teller-idle">
              {!restored && busy === 'restore' ? (
                <p>{t('common:loading')}</p>
              ) : (
                <>
                  <p className="tlr-idle-title">{t('idle.title')}</p>
                  <p className="tlr-idle-hint">
                    {waitingForMe === undefined ? t('idle.hint') : t('idle.waitingForYou', { count: waitingForMe })}
                  </p>
                </>
              )}
            </div>
          )}

          <div className="tlr-actions">
            <button
              type="button"
              className="tlr-btn is-call"
              onClick={() => void callNext()}
              disabled={busy !== null || current !== null}
              title={current ? t('hint.finishFirst') : undefined}
              data-testid="call-next"
            >
              <span className="tlr-btn-label">{busy === 'call' ? t('actions.calling') : t('actions.callNext')}</span>
              <kbd>F1</kbd>
            </button>
            <button
              type="button"
              className="tlr-btn is-complete"
              onClick={() => void finish('completed')}
              disabled={busy !== null || current === null}
              data-testid="complete"
            >
              <span className="tlr-btn-label">{busy === 'complete' ? t('actions.saving') : t('actions.complete')}</span>
              <kbd>F2</kbd>
            </button>
            <button
              type="button"
              className={`tlr-btn is-noshow ${confirmNoShow ? 'is-confirm' : ''}`}
              onClick={() => noShow(false)}
              disabled={busy !== null || current === null}
              data-testid="no-show"
            >
              <span className="tlr-btn-label">
                {busy === 'no-show' ? t('actions.saving') : confirmNoShow ? t('actions.confirmNoShow') : t('actions.noShow')}
              </span>
              <kbd>F3</kbd>
            </button>
          </div>
          {current && <p className="tlr-hint">{t('hint.finishFirst')}</p>}
        </section>

        <aside className="tlr-side" aria-label={t('side.label')}>
          <section className="tlr-panel" data-testid="teller-waiting">
            <h2>
              {t('side.waiting')}
              {snapshot && <small>{t('side.updatedAt', { time: formatTime(snapshot.at, true) })}</small>}
            </h2>
            {!snapshot ? (
              <p className="tlr-muted">{t('common:loading')}</p>
            ) : (
              <table className="tlr-services">
                <thead>
                  <tr>
                    <th scope="col">{t('side.service')}</th>
                    <th scope="col" className="num">
                      {t('side.count')}
                    </th>
                    <th scope="col" className="num">
                      {t('side.longest')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {snapshot.services.map((s) => {
                    // Highlight this counter's services, unless it serves them all.
                    const mine = myServices.includes(s.code) && myServices.length < snapshot.services.length;
                    return (
                      <tr key={s.code} className={mine ? 'is-mine' : ''} data-testid="teller-service" data-service={s.code}>
                        <th scope="row">
                          <span className="tlr-svc-code">{s.code}</span> {serviceName(branch, s.code)}
                          {mine && <span className="tlr-mine">{t('side.mine')}</span>}
                        </th>
                        <td className="num">
                          <b data-testid="teller-service-waiting">{s.waiting}</b>
                        </td>
                        <td className="num">{s.waiting > 0 ? formatDuration(s.longestWaitSeconds + sinceSnapshot) : '—'}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </section>

          <section className="tlr-panel" data-testid="teller-recent">
            <h2>{t('side.recentCalls')}</h2>
            {!snapshot || snapshot.recentCalls.length === 0 ? (
              <p className="tlr-muted">{t('side.noCalls')}</p>
            ) : (
              <ul className="tlr-recent">
                {snapshot.recentCalls.slice(0, 8).map((c) => (
                  <li key={`${c.ticketId}-${c.calledAt}`} className={c.counterId === counterId ? 'is-mine' : ''} data-testid="teller-recent-call">
                    <span className="tlr-recent-num">{c.number}</span>
                    <span>{counterName(branch, c.counterId, t)}</span>
                    <span className={`tlr-status is-${c.status}`}>{t(`common:status.${c.status}`)}</span>
                    <time>{formatTime(c.calledAt)}</time>
                  </li>
                ))}
              </ul>
            )}
          </section>

          {handled.length > 0 && (
            <section className="tlr-panel" data-testid="teller-handled">
              <h2>{t('side.handled')}</h2>
              <ul className="tlr-recent">
                {handled.map((h) => (
                  <li key={`${h.id}-${h.at}`}>
                    <span className="tlr-recent-num">{h.number}</span>
                    <span>{serviceName(branch, h.serviceCode)}</span>
                    <span className={`tlr-status is-${h.result}`}>{t(`common:status.${h.result}`)}</span>
                    <time>{formatTime(h.at)}</time>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </aside>
      </main>
    </div>
  );
}

function CurrentTicket({ ticket, branch, now }: { ticket: CalledTicket; branch: BranchInfo | null; now: number }) {
  const { t } = useTranslation(['teller', 'common']);
  const green = ticket.route === 'green_channel';
  const stars = Math.max(0, Math.min(5, ticket.stars ?? 0));
  return (
    <div className={`tlr-current ${ticket.vip ? 'is-vip' : ''} ${green ? 'is-green' : ''}`} data-testid="current-ticket" data-ticket-id={ticket.id}>
      {ticket.vip && (
        <div className="tlr-vip" role="alert" data-testid="vip-banner">
          <div className="tlr-vip-title">{t('vip.title')}</div>
          <div className="tlr-vip-facts">
            {ticket.tier && (
              <span className={`tlr-tier is-${ticket.tier}`} data-testid="vip-tier">
                {t('vip.tier', { tier: t(`common:tier.${ticket.tier}`) })}
              </span>
            )}
            {stars > 0 && (
              <span className="tlr-stars" aria-label={t('vip.stars', { count: stars })} data-testid="vip-stars">
                {'★'.repeat(stars)}
                <span className="off">{'★'.repeat(5 - stars)}</span>
              </span>
            )}
            {ticket.keyCustomer && (
              <span className="tlr-key" data-testid="vip-key-customer">
                {t('common:keyCustomer')}
              </span>
            )}
          </div>
          {ticket.customerName && (
            <div className="tlr-greet" data-testid="vip-greet">
              {t('vip.greet', { name: ticket.customerName })}
            </div>
          )}
        </div>
      )}
      {green && (
        <div className="tlr-green" data-testid="green-channel-banner">
          <strong>{t('green.title')}</strong>
          <span>{t('green.hint')}</span>
        </div>
      )}
      <div className="tlr-ticket">
        <div className="tlr-number" data-testid="current-number">
          {ticket.number}
        </div>
        <div className="tlr-ticket-facts">
          <div className="tlr-service" data-testid="current-service">
            {localized(ticket.serviceName) || serviceName(branch, ticket.serviceCode)}
          </div>
          <div className="tlr-class-row">
            <span className={`tlr-class is-${ticket.ticketClass}`} data-testid="current-class">
              {t(`common:ticketClass.${ticket.ticketClass}`)}
            </span>
            {!ticket.vip && ticket.customerName && <span className="tlr-name">{ticket.customerName}</span>}
          </div>
          <dl className="tlr-times">
            <div>
              <dt>{t('ticket.waited')}</dt>
              <dd data-testid="current-waited">{formatDuration(ticket.waitedSeconds)}</dd>
            </div>
            <div>
              <dt>{t('ticket.calledAt')}</dt>
              <dd>{formatTime(ticket.calledAt, true)}</dd>
            </div>
            <div>
              <dt>{t('ticket.serving')}</dt>
              <dd data-testid="current-serving">{formatDuration(secondsSince(ticket.calledAt, now))}</dd>
            </div>
          </dl>
        </div>
      </div>
    </div>
  );
}
