/**
 * Teller counter (PC, 1366x768): call the next customer, see at once who they are (VIP,
 * green channel), start serving when they reach the counter (the walk ends), complete or mark
 * no-show. F1 / F2 / F3 / F4 work from anywhere on the page.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  BranchInfo,
  CalledTicket,
  CounterState,
  CounterStatus,
  IdentityCheck,
  PauseReason,
} from '@domain/contracts';
import { ApiError } from '../../lib/api';
import { StaffGate, type StaffAuth } from '../../components/StaffLogin';
import { StaffHeader } from '../../components/StaffHeader';
import { AppointmentBadge } from '../../components/AppointmentBadge';
import { ServiceWaitCells, ServiceWaitHead } from '../../components/ServiceWaits';
import { useStaffCall, useStaffQueue } from '../../components/staffApi';
import { errorMessage, formatDuration, formatTime, localized, secondsSince, useNow } from '../../components/format';
import { counterName, serviceName } from '../manager/labels';
import './teller.css';
import { PrefilledForm } from './PrefilledForm';
import { CounterControl, ParkedList, TicketTools, type TransferChoice } from './QueueTools';

type Busy = 'call' | 'start' | 'complete' | 'no-show' | 'restore' | 'recall' | 'park' | 'transfer' | 'resume' | 'counter' | 'identity' | null;

interface Notice {
  kind: 'info' | 'success' | 'warn' | 'error';
  /** A translation key is translated at render time, so the notice follows a language switch. */
  text: string | { key: string; params?: Record<string, unknown> };
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
  return (
    <StaffGate scope="teller" withCounter>
      {(auth) => <TellerDesk auth={auth} />}
    </StaffGate>
  );
}

function TellerDesk({ auth }: { auth: StaffAuth }) {
  const { t } = useTranslation(['teller', 'common']);
  const counterId = auth.session.counterId ?? 0;
  const call = useStaffCall(auth);
  // The waiting counts and last calls, live.
  const { connected, snapshot } = useStaffQueue(auth, call);
  const now = useNow(1000);

  const [branch, setBranch] = useState<BranchInfo | null>(null);
  const [current, setCurrent] = useState<CalledTicket | null>(null);
  const [restored, setRestored] = useState(false);
  const [busy, setBusy] = useState<Busy>('restore');
  const [notice, setNotice] = useState<Notice | null>(null);
  const [confirmNoShow, setConfirmNoShow] = useState(false);
  const [handled, setHandled] = useState<Handled[]>([]);
  const [counterStatus, setCounterStatus] = useState<CounterStatus | null>(null);
  const [parked, setParked] = useState<CalledTicket[]>([]);

  const restore = useCallback(async () => {
    try {
      const res = await call('currentTicket', { params: { counterId } });
      setCurrent(res?.ticket ?? null);
      setRestored(true);
    } catch (err) {
      setNotice({ kind: 'error', text: errorMessage(err) });
    }
  }, [call, counterId]);

  useEffect(() => {
    call('branch')
      .then(setBranch)
      .catch(() => undefined);
    void restore().finally(() => setBusy(null));
  }, [call, restore]);

  // The counter's state and the parked customers, refreshed with every queue change.
  const snapshotOffset = snapshot?.offset ?? -1;
  useEffect(() => {
    call('counters')
      .then((r) => setCounterStatus(r.counters.find((c) => c.counterId === counterId) ?? null))
      .catch(() => undefined);
    call('parked')
      .then((r) => setParked(r.tickets))
      .catch(() => undefined);
  }, [call, counterId, snapshotOffset]);
  const counterOpen = (counterStatus?.state ?? 'open') === 'open';

  // ------------------------------------------------------------ actions
  const callNext = useCallback(async () => {
    if (busy || current || !counterOpen) return;
    setBusy('call');
    setNotice(null);
    try {
      const res = await call('callNext', { params: { counterId } });
      if (!res) setNotice({ kind: 'info', text: { key: 'notice.nobodyWaiting' } });
      else {
        setCurrent(res.ticket);
        setConfirmNoShow(false);
      }
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        setNotice({ kind: 'warn', text: err.reason === 'counter_not_open' ? { key: 'errors.counterNotOpen' } : { key: 'errors.finishFirst' } });
        await restore();
      } else if (err instanceof ApiError && err.status === 403) {
        setNotice({ kind: 'error', text: { key: 'errors.notYourCounter' } });
      } else setNotice({ kind: 'error', text: errorMessage(err) });
    } finally {
      setBusy(null);
    }
  }, [busy, current, counterOpen, call, counterId, t, restore]);

  /** Runs one queue operation: busy while it runs, 409 refreshes the view, other errors are shown. */
  const operate = useCallback(
    async (kind: Exclude<Busy, null>, run: () => Promise<void>) => {
      if (busy) return;
      setBusy(kind);
      setNotice(null);
      try {
        await run();
      } catch (err) {
        setNotice({ kind: err instanceof ApiError && err.status === 409 ? 'warn' : 'error', text: errorMessage(err) });
        if (err instanceof ApiError && err.status === 409) await restore();
      } finally {
        setBusy(null);
      }
    },
    [busy, restore],
  );

  /** The teller checked the customer's ID document or card at the counter: the identity is confirmed (audited). */
  const confirmIdentity = useCallback(
    (check: IdentityCheck) =>
      current &&
      operate('identity', async () => {
        const r = await call('confirmIdentity', { params: { id: current.id }, body: { check } });
        setCurrent((c) => (c && c.id === r.ticketId ? { ...c, identification: r.identification } : c));
        setNotice({ kind: 'success', text: { key: 'notice.identityConfirmed', params: { number: r.number } } });
      }),
    [current, operate, call],
  );

  const recall = useCallback(
    () =>
      current &&
      operate('recall', async () => {
        const r = await call('recall', { params: { id: current.id } });
        if (r.outcome === 'no_show') {
          setCurrent(null);
          setHandled((h) =>
            [{ id: r.ticket.id, number: r.ticket.number, serviceCode: r.ticket.serviceCode, vip: r.ticket.vip, result: 'no_show' as const, at: new Date().toISOString() }, ...h].slice(0, 8),
          );
          setNotice({ kind: 'warn', text: { key: 'notice.recallNoShow', params: { number: r.ticket.number } } });
        } else {
          setCurrent(r.ticket);
          setNotice({ kind: 'info', text: { key: 'notice.recalled', params: { number: r.ticket.number, count: r.ticket.recallCount } } });
        }
      }),
    [current, operate, call, t],
  );

  /** The customer reached the counter: the walk ends, the service starts (the hub keeps the first press). */
  const startServing = useCallback(
    () =>
      current &&
      !current.servingAt &&
      !current.parked &&
      operate('start', async () => {
        const r = await call('startServing', { params: { id: current.id } });
        setCurrent(r.ticket);
        const walk = r.ticket.servingAt ? Math.max(0, Math.round((Date.parse(r.ticket.servingAt) - Date.parse(r.ticket.calledAt)) / 1000)) : 0;
        setNotice({ kind: 'success', text: { key: 'notice.started', params: { number: r.ticket.number, walk: formatDuration(walk) } } });
      }),
    [current, operate, call],
  );

  const park = useCallback(
    () =>
      current &&
      operate('park', async () => {
        await call('park', { params: { id: current.id } });
        setCurrent(null);
        setNotice({ kind: 'success', text: { key: 'notice.parked', params: { number: current.number } } });
      }),
    [current, operate, call, t],
  );

  const transfer = useCallback(
    (choice: TransferChoice) =>
      current &&
      operate('transfer', async () => {
        await call('transfer', { params: { id: current.id }, body: choice });
        setCurrent(null);
        setNotice({ kind: 'success', text: { key: 'notice.transferred', params: { number: current.number } } });
      }),
    [current, operate, call, t],
  );

  const resume = useCallback(
    (ticket: CalledTicket) =>
      operate('resume', async () => {
        const r = await call('resume', { params: { id: ticket.id } });
        setCurrent(r.ticket);
        setParked((list) => list.filter((p) => p.id !== ticket.id));
        setNotice({ kind: 'success', text: { key: 'notice.resumed', params: { number: r.ticket.number } } });
      }),
    [operate, call, t],
  );

  const setCounter = useCallback(
    (state: CounterState, reason?: PauseReason) =>
      operate('counter', async () => {
        const params = { counterId };
        if (state === 'paused' && !reason) return; // a pause always has a reason (the menu gives one)
        const r =
          state === 'paused'
            ? await call('pauseCounter', { params, body: { reason: reason! } })
            : await call(state === 'closed' ? 'closeCounter' : 'openCounter', { params });
        setCounterStatus(r);
        setNotice({ kind: 'info', text: { key: `notice.counter.${state}` } });
      }),
    [operate, call, counterId, t],
  );

  const finish = useCallback(
    async (result: 'completed' | 'no_show') => {
      if (busy || !current) return;
      const ticket = current;
      setBusy(result === 'completed' ? 'complete' : 'no-show');
      setNotice(null);
      try {
        await call(result === 'completed' ? 'completeTicket' : 'noShow', { params: { id: ticket.id } });
        setCurrent(null);
        setConfirmNoShow(false);
        setHandled((h) =>
          [{ id: ticket.id, number: ticket.number, serviceCode: ticket.serviceCode, vip: ticket.vip, result, at: new Date().toISOString() }, ...h].slice(0, 8),
        );
        setNotice({
          kind: 'success',
          text: result === 'completed' ? { key: 'notice.completed', params: { number: ticket.number } } : { key: 'notice.noShow', params: { number: ticket.number } },
        });
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) {
          setNotice({ kind: 'warn', text: { key: 'errors.notCalledHere', params: { number: ticket.number } } });
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

  // Keyboard: F1 call next, F2 complete, F3 no-show (press twice), F4 start serving.
  const keys = useRef({ callNext, finish, noShow, startServing });
  useEffect(() => {
    keys.current = { callNext, finish, noShow, startServing };
  }, [callNext, finish, noShow, startServing]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.repeat) {
        if (['F1', 'F2', 'F3', 'F4'].includes(e.key)) e.preventDefault();
        return;
      }
      if (e.key === 'F4' && !e.altKey) {
        e.preventDefault();
        void keys.current.startServing();
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
    <div className="staff-screen tlr" data-testid="teller-screen">
      <StaffHeader scope="teller" title={t('title')} branch={branch} auth={auth} connected={connected}>
        <div className={`tlr-counter ${counter?.vip ? 'is-vip' : ''}`} data-testid="teller-counter" data-counter-id={counterId}>
          {counterName(branch, counterId, t)}
          {counter?.vip && <span className="tlr-counter-vip">{t('vipCounter')}</span>}
        </div>
      </StaffHeader>

      <main className="tlr-main">
        <section className="tlr-work" aria-label={t('work')}>
          <div className={`tlr-notice ${notice ? `is-${notice.kind}` : 'is-empty'}`} role="status" aria-live="polite" data-testid="teller-notice">
            {notice ? (typeof notice.text === 'string' ? notice.text : t(notice.text.key, notice.text.params)) : ''}
          </div>

          {current ? (
            <CurrentTicket ticket={current} branch={branch} now={now} busy={busy === 'identity'} onConfirmIdentity={confirmIdentity} />
          ) : (
            <div className="tlr-idle" data-testid="teller-idle">
              {!restored && busy === 'restore' ? (
                <p>{t('common:loading')}</p>
              ) : (
                <>
                  <p className="tlr-idle-title">{t('idle.title')}</p>
                  <p className="tlr-idle-hint">
                    {!counterOpen
                      ? t('idle.notOpen')
                      : waitingForMe === undefined
                        ? t('idle.hint')
                        : t('idle.waitingForYou', { count: waitingForMe })}
                  </p>
                </>
              )}
            </div>
          )}

          {current && !current.servingAt && (
            <button
              type="button"
              className="tlr-start"
              onClick={() => void startServing()}
              disabled={busy !== null || current.parked}
              title={t('hint.startServing')}
              data-testid="start-serving"
            >
              <span className="tlr-start-label">{busy === 'start' ? t('actions.starting') : t('actions.startServing')}</span>
              <span className="tlr-start-sub">{t('hint.startServing')}</span>
              <kbd>F4</kbd>
            </button>
          )}
          <div className="tlr-actions">
            <button
              type="button"
              className="tlr-btn is-call"
              onClick={() => void callNext()}
              disabled={busy !== null || current !== null || !counterOpen}
              title={current ? t('hint.finishFirst') : !counterOpen ? t('idle.notOpen') : undefined}
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
          {current && (
            // Tools and the customer's form scroll here; the ticket and the buttons above never move.
            <div className="tlr-more" data-testid="teller-more">
              <TicketTools
                ticket={current}
                branch={branch}
                counterId={counterId}
                disabled={busy !== null}
                busyLabel={busy === 'recall' || busy === 'park' || busy === 'transfer' ? busy : null}
                canRecall={!current.servingAt}
                onRecall={() => void recall()}
                onPark={() => void park()}
                onTransfer={(choice) => void transfer(choice)}
              />
              <p className="tlr-hint">{t('hint.finishFirst')}</p>
              <PrefilledForm ticketId={current.id} call={call} />
            </div>
          )}
        </section>

        <aside className="tlr-side" aria-label={t('side.label')}>
          <CounterControl
            status={counterStatus}
            hasCustomer={current !== null}
            disabled={busy !== null}
            onOpen={() => void setCounter('open')}
            onPause={(reason) => void setCounter('paused', reason)}
            onClose={() => void setCounter('closed')}
          />
          {(parked.length > 0 || current === null) && (
            <ParkedList tickets={parked} branch={branch} canResume={busy === null && current === null && counterOpen} onResume={(p) => void resume(p)} />
          )}
          <section className="tlr-panel" data-testid="teller-waiting">
            <h2>
              {t('side.waiting')}
              {snapshot && <small>{t('side.updatedAt', { time: formatTime(snapshot.at, true) })}</small>}
            </h2>
            {!snapshot ? (
              <p className="tlr-muted">{t('common:loading')}</p>
            ) : (
              <table className="staff-services tlr-services">
                <thead>
                  <tr>
                    <ServiceWaitHead service={t('side.service')} waiting={t('side.count')} longest={t('side.longest')} />
                  </tr>
                </thead>
                <tbody>
                  {snapshot.services.map((s) => {
                    // Highlight this counter's services, unless it serves them all.
                    const mine = myServices.includes(s.code) && myServices.length < snapshot.services.length;
                    return (
                      <tr key={s.code} className={mine ? 'is-mine' : ''} data-testid="teller-service" data-service={s.code}>
                        <ServiceWaitCells
                          service={s}
                          name={serviceName(branch, s.code)}
                          prefix="tlr"
                          sinceSnapshot={sinceSnapshot}
                          waitingTestId="teller-service-waiting"
                        >
                          {mine && <span className="tlr-mine">{t('side.mine')}</span>}
                        </ServiceWaitCells>
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
              <ul className="staff-recent tlr-recent">
                {snapshot.recentCalls.slice(0, 8).map((c) => (
                  <li key={`${c.ticketId}-${c.calledAt}`} className={c.counterId === counterId ? 'is-mine' : ''} data-testid="teller-recent-call">
                    <span className="tlr-recent-num">{c.number}</span>
                    <span>{counterName(branch, c.counterId, t)}</span>
                    <span className={`staff-status tlr-status is-${c.status}`}>{t(`common:status.${c.status}`)}</span>
                    <time>{formatTime(c.calledAt)}</time>
                  </li>
                ))}
              </ul>
            )}
          </section>

          {handled.length > 0 && (
            <section className="tlr-panel" data-testid="teller-handled">
              <h2>{t('side.handled')}</h2>
              <ul className="staff-recent tlr-recent">
                {handled.map((h) => (
                  <li key={`${h.id}-${h.at}`}>
                    <span className="tlr-recent-num">{h.number}</span>
                    <span>{serviceName(branch, h.serviceCode)}</span>
                    <span className={`staff-status tlr-status is-${h.result}`}>{t(`common:status.${h.result}`)}</span>
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

function CurrentTicket({
  ticket,
  branch,
  now,
  busy,
  onConfirmIdentity,
}: {
  ticket: CalledTicket;
  branch: BranchInfo | null;
  now: number;
  busy: boolean;
  onConfirmIdentity: (check: IdentityCheck) => void;
}) {
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
      {ticket.identification?.strength === 'typed' && (
        <div className="tlr-idcheck" role="note" data-testid="identity-unconfirmed">
          <strong>{t('identity.unconfirmed')}</strong>
          <span>{t('identity.hint')}</span>
          <div className="tlr-idcheck-actions">
            <button type="button" disabled={busy} onClick={() => onConfirmIdentity('id_document')} data-testid="teller-identity-document">
              {t('identity.checkedDocument')}
            </button>
            <button type="button" disabled={busy} onClick={() => onConfirmIdentity('bank_card')} data-testid="teller-identity-card">
              {t('identity.checkedCard')}
            </button>
          </div>
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
            <span className={`staff-class tlr-class is-${ticket.ticketClass}`} data-testid="current-class">
              {t(`common:ticketClass.${ticket.ticketClass}`)}
            </span>
            <AppointmentBadge appointment={ticket.appointment} className="tlr-appt" />
            {ticket.identification && ticket.identification.strength !== 'typed' && (
              <span className={`tlr-idchip is-${ticket.identification.strength}`} data-testid="teller-identification" data-strength={ticket.identification.strength}>
                {t(`identity.strength.${ticket.identification.strength}`)}
              </span>
            )}
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
            {ticket.servingAt ? (
              <>
                <div>
                  <dt>{t('ticket.walk')}</dt>
                  <dd data-testid="current-walk">{formatDuration(secondsSince(ticket.calledAt, Date.parse(ticket.servingAt)))}</dd>
                </div>
                <div className="is-serving">
                  <dt>{t('ticket.serving')}</dt>
                  <dd data-testid="current-serving">{formatDuration(secondsSince(ticket.servingAt, now))}</dd>
                </div>
              </>
            ) : (
              <div className="is-walking">
                <dt>{t('ticket.walking')}</dt>
                <dd data-testid="current-walking">{formatDuration(secondsSince(ticket.calledAt, now))}</dd>
              </div>
            )}
          </dl>
        </div>
      </div>
    </div>
  );
}
