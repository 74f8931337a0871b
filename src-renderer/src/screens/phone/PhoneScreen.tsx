/**
 * Customer phone page (/t/<token>), opened from the QR code on the ticket. No sign-in; the hub
 * answers with the ticket's public state only (number, status, place, counter), never personal data.
 * The state is pushed (a socket that follows this one ticket by its token), so "it's your turn"
 * arrives with the call; while the socket is down the page asks every 10 s. The customer can give up
 * their place ("I no longer need this ticket"), which frees the line for the others.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language, TicketStatus, TrackResponse } from '@domain/contracts';
import { ApiError, request } from '../../lib/api';
import { connectTrack } from '../../lib/socket';
import { SUPPORTED_LANGUAGES } from '../../i18n';
import { apiErrorText } from '../../components/DeviceLogin';
import './phone.css';

/** Asked over HTTP this often while the live connection is down. */
const POLL_MS = 10_000;
const LANGUAGE_KEY = 'branch-lobby.phone.language';

const isFinal = (s: TicketStatus) => s === 'completed' || s === 'no_show' || s === 'cancelled';

function initialLanguage(): Language {
  try {
    const saved = window.localStorage.getItem(LANGUAGE_KEY);
    if (saved === 'zh-CN' || saved === 'en') return saved;
  } catch {
    // storage may be blocked (private mode); fall through to the browser language
  }
  return (navigator.language ?? '').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export default function PhoneScreen({ token }: { token: string }) {
  const { t, i18n } = useTranslation(['phone', 'common']);
  const lang: Language = (i18n.resolvedLanguage ?? i18n.language) === 'en' ? 'en' : 'zh-CN';

  const [data, setData] = useState<TrackResponse | null>(null);
  const [notFound, setNotFound] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  const [reload, setReload] = useState(0);
  const [live, setLive] = useState(false);
  const [confirmGiveUp, setConfirmGiveUp] = useState(false);
  const [givingUp, setGivingUp] = useState(false);
  const previousStatus = useRef<TicketStatus | null>(null);
  const wasNear = useRef(false);

  // The phone's language, before the first paint.
  useLayoutEffect(() => {
    const l = initialLanguage();
    if (i18n.language !== l) void i18n.changeLanguage(l);
  }, [i18n]);

  const chooseLanguage = (l: Language) => {
    try {
      window.localStorage.setItem(LANGUAGE_KEY, l);
    } catch {
      // not remembered, still switched
    }
    void i18n.changeLanguage(l);
  };

  // ------------------------------------------------------------ polling
  useEffect(() => {
    let live = true;
    let stopped = false;
    let inFlight = false;

    const load = async () => {
      if (!live || stopped || inFlight) return;
      inFlight = true;
      try {
        const r = await request('track', null, { params: { token } });
        if (!live) return;
        setData(r);
        setError(null);
        setNotFound(false);
        setUpdatedAt(new Date());
        if (isFinal(r.status)) stopped = true; // the visit is over: nothing will change any more
      } catch (err) {
        if (!live) return;
        if (err instanceof ApiError && (err.status === 404 || err.code === 'validation_failed')) {
          setNotFound(true);
          setData(null);
          stopped = true;
        } else {
          setError(err);
        }
      } finally {
        inFlight = false;
      }
    };

    // Pushed: the ticket's state on connect and with every queue change.
    const socket = connectTrack(token);
    let connected = false;
    socket.on('connect', () => {
      connected = true;
      setLive(true);
    });
    socket.on('disconnect', () => {
      connected = false;
      setLive(false);
    });
    socket.on('ticket:track', (r) => {
      if (!live) return;
      setData(r);
      setError(null);
      setNotFound(false);
      setUpdatedAt(new Date());
      if (isFinal(r.status)) {
        stopped = true;
        socket.disconnect();
      }
    });

    void load();
    // While the live connection is down: ask now and then.
    const timer = window.setInterval(() => {
      if (!document.hidden && !connected) void load();
    }, POLL_MS);
    // Back from the lock screen or another app: refresh at once.
    const onVisible = () => {
      if (!document.hidden) void load();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      live = false;
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      socket.disconnect();
    };
  }, [token, reload]);

  const giveUp = async () => {
    setGivingUp(true);
    try {
      const r = await request('giveUpTicket', null, { params: { token } });
      setData(r);
      setConfirmGiveUp(false);
    } catch (err) {
      setError(err);
    } finally {
      setGivingUp(false);
    }
  };

  const retry = useCallback(() => setReload((n) => n + 1), []);

  // A short buzz when the ticket is called (where the phone allows it).
  useEffect(() => {
    const status = data?.status ?? null;
    if (previousStatus.current === 'waiting' && status === 'called') {
      try {
        navigator.vibrate?.([300, 150, 300]);
      } catch {
        // not supported
      }
    }
    previousStatus.current = status;
  }, [data?.status]);

  // "Your turn is near" (position or estimate within the branch's limits): one short buzz when it starts.
  const near = data?.status === 'waiting' && data.near === true;
  useEffect(() => {
    if (near && !wasNear.current) {
      try {
        navigator.vibrate?.([200, 100, 200]);
      } catch {
        // not supported
      }
    }
    wasNear.current = near;
  }, [near]);

  useEffect(() => {
    document.title = data ? `${data.number} · ${t('phone:title')}` : t('phone:title');
  }, [data, t]);

  // ------------------------------------------------------------ view
  const counterText = (d: TrackResponse): string | null => {
    if (d.counterName) return d.counterName[lang] || d.counterName['zh-CN'];
    if (d.counterId !== null) return t('common:counterName', { id: d.counterId });
    return null;
  };
  const timeFormat = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

  let body;
  if (notFound) {
    body = (
      <section className="ph-card ph-card--problem" data-testid="phone-not-found">
        <h1>{t('phone:notFoundTitle')}</h1>
        <p>{t('phone:notFoundHint')}</p>
      </section>
    );
  } else if (!data && error !== null) {
    body = (
      <section className="ph-card ph-card--problem" role="alert" data-testid="phone-error">
        <h1>{t('phone:loadFailedTitle')}</h1>
        <p>{apiErrorText(t, error)}</p>
        <button type="button" className="ph-button" data-testid="phone-retry" onClick={retry}>
          {t('common:actions.retry')}
        </button>
      </section>
    );
  } else if (!data) {
    body = (
      <section className="ph-card ph-card--loading" data-testid="phone-loading" aria-busy="true">
        <span className="ph-spinner" aria-hidden="true" />
        <p>{t('common:loading')}</p>
      </section>
    );
  } else {
    const peopleAhead = Math.max(0, data.position - 1);
    const counter = counterText(data);
    body = (
      <>
        <section className={`ph-card ph-ticket is-${data.status}`} data-testid="phone-ticket">
          <div className="ph-ticket__top">
            <span className="ph-ticket__label">{t('phone:yourNumber')}</span>
            <span className={`ph-badge ph-badge--${data.status}`} data-testid="phone-status" data-status={data.status}>
              {t(`common:status.${data.status}`)}
            </span>
          </div>
          <p className="ph-ticket__number" data-testid="phone-ticket-number">
            {data.number}
          </p>
          <p className="ph-ticket__service" data-testid="phone-service">
            {data.serviceName[lang] || data.serviceName['zh-CN']}
          </p>
        </section>

        {near && (
          <section className="ph-card ph-near" role="alert" data-testid="phone-near">
            <h2>{t('phone:nearTitle')}</h2>
            <p>{t('phone:nearHint')}</p>
          </section>
        )}

        {data.status === 'waiting' && (
          <section className="ph-card ph-wait">
            <dl className="ph-stats">
              <div>
                <dt>{t('phone:peopleAhead')}</dt>
                <dd data-testid="phone-people-ahead">{t('phone:people', { count: peopleAhead })}</dd>
              </div>
              <div>
                <dt>{t('phone:estimatedWait')}</dt>
                <dd data-testid="phone-wait">
                  {data.estimatedWaitMinutes === null
                    ? t('phone:waitUnknown')
                    : data.estimatedWaitMinutes > 0
                      ? t('phone:aboutMinutes', { count: data.estimatedWaitMinutes })
                      : t('phone:soon')}
                </dd>
              </div>
            </dl>
            <p className={`ph-hint${peopleAhead === 0 ? ' is-next' : ''}`}>
              {peopleAhead === 0 ? t('phone:next') : t('phone:waitingHint')}
            </p>
            {!confirmGiveUp ? (
              <button type="button" className="ph-button ph-button--quiet" data-testid="phone-give-up" onClick={() => setConfirmGiveUp(true)}>
                {t('phone:giveUp')}
              </button>
            ) : (
              <div className="ph-confirm" role="group" aria-label={t('phone:giveUpTitle')} data-testid="phone-give-up-confirm">
                <p>{t('phone:giveUpTitle')}</p>
                <div className="ph-confirm__actions">
                  <button type="button" className="ph-button ph-button--danger" disabled={givingUp} data-testid="phone-give-up-yes" onClick={() => void giveUp()}>
                    {t('phone:giveUpYes')}
                  </button>
                  <button type="button" className="ph-button" disabled={givingUp} data-testid="phone-give-up-no" onClick={() => setConfirmGiveUp(false)}>
                    {t('phone:giveUpNo')}
                  </button>
                </div>
              </div>
            )}
          </section>
        )}

        {data.status === 'called' && (
          <section className="ph-card ph-called" role="alert" data-testid="phone-called">
            <h2>{t('phone:calledTitle')}</h2>
            <p className="ph-called__counter">
              {counter ? t('phone:goToCounter', { counter }) : t('phone:goToCounterUnknown')}
            </p>
          </section>
        )}

        {data.status === 'completed' && (
          <section className="ph-card ph-final" data-testid="phone-completed">
            <p>{t('phone:completed')}</p>
          </section>
        )}

        {data.status === 'cancelled' && (
          <section className="ph-card ph-final" data-testid="phone-cancelled">
            <p>{t('phone:cancelled')}</p>
          </section>
        )}

        {data.status === 'no_show' && (
          <section className="ph-card ph-final ph-final--noshow" data-testid="phone-no-show">
            <p>{t('phone:noShow')}</p>
          </section>
        )}

        <footer className="ph-meta">
          {error !== null && (
            <p className="ph-meta__stale" role="status" data-testid="phone-stale">
              {t('phone:stale')}
            </p>
          )}
          {updatedAt && (
            <p data-testid="phone-updated">
              {t('phone:updatedAt', { time: timeFormat.format(updatedAt) })}
              {!isFinal(data.status) && <> · {live ? t('phone:live') : t('phone:autoRefresh')}</>}
            </p>
          )}
        </footer>
      </>
    );
  }

  return (
    <div className="phone" data-testid="phone-screen">
      <header className="ph-header">
        <div className="ph-header__text">
          <span className="ph-header__branch" data-testid="phone-branch-name">
            {data ? data.branchName[lang] || data.branchName['zh-CN'] : t('common:appName')}
          </span>
          <h1 className="ph-header__title">{t('phone:title')}</h1>
        </div>
        <div className="ph-lang" role="group" aria-label={t('phone:languageSwitch')}>
          {SUPPORTED_LANGUAGES.map((l) => (
            <button
              key={l}
              type="button"
              lang={l}
              className={`ph-lang__btn${l === lang ? ' is-active' : ''}`}
              aria-pressed={l === lang}
              data-testid={`phone-lang-${l}`}
              onClick={() => chooseLanguage(l)}
            >
              {t(`common:languages.${l}`)}
            </button>
          ))}
        </div>
      </header>
      <main className="ph-main">{body}</main>
      <footer className="ph-privacy">{t('phone:privacy')}</footer>
    </div>
  );
}
