/**
 * Touch kiosk (/kiosk): home → (identify) → service → ticket, then back home by itself.
 * The kiosk is a shared screen: an entered identity is only ever shown masked, and it is
 * forgotten when the ticket is done, after 30 s on the ticket, or when the screen is left idle.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  CheckInResponse,
  IssuedTicket,
  Language,
  PrinterStatus,
  FleetPrinterState,
  PriorityReason,
  ServiceInfo,
} from '@domain/contracts';
import { formsForService } from '@domain/forms';
import { classifyIdentity, isValidIdentity, normalizeIdentityValue, type IdentityKind } from '@domain/identity';
import { isBookingCode } from '@domain/appointments';
import { ApiError, request } from '../../lib/api';
import { useLobbySocket } from '../../lib/socket';
import { fleetPrinter, useDeviceHeartbeat } from '../../lib/device-heartbeat';
import { shellLanguages } from '../../lib/hub';
import { SUPPORTED_LANGUAGES } from '../../i18n';
import { apiErrorText, DeviceGate, isSessionEnded } from '../../components/DeviceLogin';
import { useDeviceBranch } from '../../components/deviceBranch';
import { IdentifyStep } from './IdentifyStep';
import { keyboardWedgeReader } from './reader-input';
import { configuredSerialReader } from './serial-reader';
import { TicketStep } from './TicketStep';
import { FormStep } from './FormStep';
import { BookingStep, CalendarIcon, PriorityServiceIcon, PriorityStep, TooEarlyStep } from './AppointmentSteps';
import { refusalMessage, requestCheckIn } from './kiosk-appointments';
import { idleSettings, localDate, maskIdentity, newRequestId } from './kiosk-utils';
import './kiosk.css';

type Step = 'home' | 'identify' | 'booking' | 'tooEarly' | 'service' | 'priority' | 'ticket' | 'form';
interface EnteredIdentity {
  kind: IdentityKind;
  value: string;
  /** Typed on the keypad, or read by the card / ID reader (the hub trusts a read card more). */
  method: 'keypad' | 'reader';
}
interface IssueError {
  err: unknown;
  service: ServiceInfo;
  /** A retry re-sends the same requestId, so the hub hands back the same ticket if it made one. */
  retryable: boolean;
  identityRejected: boolean;
}

/** Seconds a ticket stays on screen before the kiosk returns home. */
const TICKET_SECONDS = 30;
/**
 * Idle time (60 s) before the "need more time?" warning, and the warning's countdown (20 s) before
 * the kiosk forgets the customer; `?idle=` and `?idleWarning=` (seconds) override them per kiosk.
 */
const IDLE = idleSettings(typeof window === 'undefined' ? '' : window.location.search);

export default function KioskScreen() {
  return (
    <DeviceGate scope="kiosk">{({ session, signOut }) => <Kiosk token={session.token} onSessionEnded={signOut} />}</DeviceGate>
  );
}

function currentLanguage(lng: string | undefined): Language {
  return lng === 'en' ? 'en' : 'zh-CN';
}

function Kiosk({ token, onSessionEnded }: { token: string; onSessionEnded: () => void }) {
  const { t, i18n } = useTranslation(['kiosk', 'common']);
  const lang = currentLanguage(i18n.resolvedLanguage ?? i18n.language);

  // The branch (name, services, counters).
  const { branch, error: branchError, reload: reloadBranch } = useDeviceBranch(token, onSessionEnded);

  const [step, setStep] = useState<Step>('home');
  // Every step opens at its top (large text makes the page scroll: the first services come first).
  const mainRef = useRef<HTMLElement>(null);
  useEffect(() => {
    mainRef.current?.scrollTo({ top: 0 });
  }, [step]);
  const [kind, setKind] = useState<IdentityKind>('phone');
  const [draft, setDraft] = useState('');
  /** i18n key of the message about the typed number. */
  const [inputError, setInputError] = useState<string | null>(null);
  const [identity, setIdentity] = useState<EnteredIdentity | null>(null);
  const [issuing, setIssuing] = useState(false);
  const [issueError, setIssueError] = useState<IssueError | null>(null);
  const [ticket, setTicket] = useState<IssuedTicket | null>(null);
  const [secondsLeft, setSecondsLeft] = useState(TICKET_SECONDS);
  /** Paper ticket: null while printing. */
  const [printStatus, setPrintStatus] = useState<PrinterStatus | null>('none');
  const [largeText, setLargeText] = useState(false);
  const [highContrast, setHighContrast] = useState(false);
  /** Seconds left on the "need more time?" warning; null when it is not shown. */
  const [idleLeft, setIdleLeft] = useState<number | null>(null);
  const attempt = useRef<{ key: string; requestId: string } | null>(null);
  // Appointment check-in by booking code, and priority service by law.
  const [bookingDraft, setBookingDraft] = useState('');
  const [bookingError, setBookingError] = useState<{ key: string; values?: Record<string, string> } | null>(null);
  const [checkingIn, setCheckingIn] = useState(false);
  const [checkIn, setCheckIn] = useState<{ outcome: CheckInResponse['outcome']; bookedTime: string } | null>(null);
  const [tooEarly, setTooEarly] = useState<{ bookedTime: string; opensTime: string } | null>(null);
  const [priority, setPriority] = useState<PriorityReason | null>(null);
  const checkInAttempt = useRef<{ code: string; requestId: string } | null>(null);
  // The kiosk listens to queue changes (public room: numbers only) to keep the shown ticket current.
  const { socket } = useLobbySocket(token);
  // What the fleet sees of this kiosk: its printer as the last print found it, and that ticket.
  const [printer, setPrinter] = useState<{ state: FleetPrinterState | null; last: string | null }>({ state: null, last: null });
  useDeviceHeartbeat(socket, { screen: step.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), printer: printer.state, lastTicketPrinted: printer.last });

  // kiosk.json `languages` (through the Electron shell) win over the branch's default language.
  const [shellLangs] = useState(() => shellLanguages());
  const defaultLanguage: Language = shellLangs?.default ?? branch?.defaultLanguage ?? 'zh-CN';
  const offeredLanguages = SUPPORTED_LANGUAGES.filter((l) => !shellLangs || shellLangs.offered.includes(l));
  // The shell's default language from the first screen on (and never a language it does not offer).
  useEffect(() => {
    if (shellLangs && currentLanguage(i18n.language) !== shellLangs.default) void i18n.changeLanguage(shellLangs.default);
  }, [shellLangs, i18n]);

  // ------------------------------------------------------------ reset
  /** Forget the customer: identity, ticket, and (unless they are still at the screen) the language. */
  const reset = useCallback(
    (keepLanguage = false) => {
      attempt.current = null;
      setStep('home');
      setKind('phone');
      setDraft('');
      setInputError(null);
      setIdentity(null);
      setIssuing(false);
      setIssueError(null);
      setTicket(null);
      setSecondsLeft(TICKET_SECONDS);
      setPrintStatus('none');
      setIdleLeft(null);
      setBookingDraft('');
      setBookingError(null);
      setCheckingIn(false);
      setCheckIn(null);
      setTooEarly(null);
      setPriority(null);
      checkInAttempt.current = null;
      if (!keepLanguage) {
        setLargeText(false);
        setHighContrast(false);
      }
      if (!keepLanguage && currentLanguage(i18n.language) !== defaultLanguage) void i18n.changeLanguage(defaultLanguage);
    },
    [i18n, defaultLanguage],
  );
  /** Back to the start while the customer is still there: keep their language. */
  const backHome = useCallback(() => reset(true), [reset]);

  // The ticket stays up for 30 s, then the kiosk is ready for the next customer.
  useEffect(() => {
    if (step !== 'ticket') return;
    setSecondsLeft(TICKET_SECONDS);
    const started = Date.now();
    const timer = window.setInterval(() => {
      const left = TICKET_SECONDS - Math.floor((Date.now() - started) / 1000);
      if (left <= 0) reset();
      else setSecondsLeft(left);
    }, 250);
    return () => window.clearInterval(timer);
  }, [step, ticket, reset]);

  // A customer who walks away halfway must not leave their number on the screen, nor their
  // language or display options for the next customer: after IDLE.idleMs without a touch the kiosk
  // asks "need more time?" for IDLE.warningSeconds, then starts over.
  const customerPresent = step !== 'home' || lang !== defaultLanguage || largeText || highContrast;
  useEffect(() => {
    if (step === 'ticket' || issuing || checkingIn || !customerPresent) return;
    let timer = 0;
    let countdown = 0;
    const arm = () => {
      window.clearTimeout(timer);
      window.clearInterval(countdown);
      setIdleLeft(null);
      timer = window.setTimeout(() => {
        const started = Date.now();
        // One dialog at a time: the question replaces an error left on screen (hub down, say).
        setIssueError(null);
        setIdleLeft(IDLE.warningSeconds);
        countdown = window.setInterval(() => {
          const left = IDLE.warningSeconds - Math.floor((Date.now() - started) / 1000);
          if (left <= 0) {
            window.clearInterval(countdown);
            reset();
          } else setIdleLeft(left);
        }, 250);
      }, IDLE.idleMs);
    };
    arm();
    window.addEventListener('pointerdown', arm);
    window.addEventListener('keydown', arm);
    return () => {
      window.clearTimeout(timer);
      window.clearInterval(countdown);
      window.removeEventListener('pointerdown', arm);
      window.removeEventListener('keydown', arm);
    };
  }, [step, issuing, checkingIn, reset, customerPresent]);

  // A card or ID reader used on the start screen identifies the customer at once. (On the
  // identify step a keyboard-like reader types into the focused field like a keyboard; a serial
  // reader does not, so its reads count on the identify step too.)
  const onReaderRead = useRef<(raw: string) => void>(() => undefined);
  onReaderRead.current = (raw) => {
    if (step !== 'home' && step !== 'identify') return;
    const read = classifyIdentity(raw);
    if (!read) return;
    // A scanned booking code (QR code of the booking message) checks the appointment in.
    if (read.kind === 'booking') {
      void checkInRef.current(read.value);
      return;
    }
    setKind(read.kind);
    setIdentity({ kind: read.kind, value: read.value, method: 'reader' });
    setDraft('');
    setInputError(null);
    setIssueError(null);
    attempt.current = null;
    setStep('service');
  };
  useEffect(() => {
    if (step !== 'home') return;
    return keyboardWedgeReader(window).subscribe((raw) => onReaderRead.current(raw));
  }, [step]);
  // The hardware driver for a reader on a serial line (kiosk.json `reader`), open for the whole session.
  useEffect(() => {
    const serial = configuredSerialReader(window, (problem) => console.warn(problem));
    return serial?.subscribe((raw) => onReaderRead.current(raw));
  }, []);

  // ------------------------------------------------------------ actions
  const startIdentify = (k: IdentityKind) => {
    setKind(k);
    setDraft('');
    setInputError(null);
    setIdentity(null);
    setStep('identify');
  };

  const continueAsGuest = () => {
    setDraft('');
    setInputError(null);
    setIdentity(null);
    setIssueError(null);
    setBookingDraft('');
    setBookingError(null);
    setTooEarly(null);
    checkInAttempt.current = null;
    attempt.current = null;
    setStep('service');
  };

  const confirmIdentity = () => {
    const value = normalizeIdentityValue(kind, draft);
    if (!value) {
      setInputError('kiosk:identify.empty');
      return;
    }
    if (!isValidIdentity(kind, value)) {
      setInputError(`kiosk:identify.invalid.${kind}`);
      return;
    }
    setIdentity({ kind, value, method: 'keypad' });
    setDraft('');
    setInputError(null);
    setStep('service');
  };

  // ------------------------------------------------------------ appointments
  const startBooking = () => {
    setBookingDraft('');
    setBookingError(null);
    setIdentity(null);
    setPriority(null);
    setStep('booking');
  };

  /** Checks an appointment in; the same code retried after a network failure keeps its requestId. */
  const checkInWithCode = async (code: string) => {
    if (checkingIn) return;
    if (!checkInAttempt.current || checkInAttempt.current.code !== code) checkInAttempt.current = { code, requestId: newRequestId() };
    const { requestId } = checkInAttempt.current;
    setStep('booking');
    setBookingDraft(code);
    setBookingError(null);
    setCheckingIn(true);
    try {
      const res = await requestCheckIn(token, { code, requestId, language: lang });
      checkInAttempt.current = null;
      setIdentity(null);
      setPriority(null);
      setCheckIn({ outcome: res.outcome, bookedTime: res.appointment.bookedTime });
      showTicket(res.ticket);
    } catch (err) {
      if (sessionEnded(err)) return;
      const retryable = err instanceof ApiError && (err.code === 'network' || err.code === 'internal');
      if (!retryable) checkInAttempt.current = null;
      if (err instanceof ApiError && err.reason === 'too_early') {
        setTooEarly({ bookedTime: String(err.params.bookedTime ?? ''), opensTime: String(err.params.opensTime ?? '') });
        setBookingDraft('');
        setStep('tooEarly');
        return;
      }
      setBookingError(refusalMessage(err) ?? { key: 'kiosk:booking.errors.failed', values: { reason: apiErrorText(t, err) } });
    } finally {
      setCheckingIn(false);
    }
  };
  const checkInRef = useRef(checkInWithCode);
  checkInRef.current = checkInWithCode;

  const confirmBooking = () => {
    if (!bookingDraft) return setBookingError({ key: 'kiosk:booking.errors.empty' });
    if (!isBookingCode(bookingDraft)) return setBookingError({ key: 'kiosk:booking.errors.invalid' });
    void checkInWithCode(bookingDraft);
  };

  const choosePriority = (reason: PriorityReason | null) => {
    setPriority(reason);
    attempt.current = null;
    setStep('service');
  };

  const chooseService = async (service: ServiceInfo) => {
    if (issuing) return;
    const key = JSON.stringify([service.code, identity?.kind ?? null, identity?.value ?? null, priority]);
    if (!attempt.current || attempt.current.key !== key) attempt.current = { key, requestId: newRequestId() };
    const { requestId } = attempt.current;
    setIssuing(true);
    setIssueError(null);
    try {
      const res = await request('issueTicket', token, {
        body: {
          serviceCode: service.code,
          ...(identity ? { identity: { kind: identity.kind, value: identity.value, method: identity.method } } : {}),
          ...(priority ? { priority } : {}),
          language: lang,
          requestId,
        },
      });
      attempt.current = null;
      setCheckIn(null);
      showTicket(res.ticket);
    } catch (err) {
      if (sessionEnded(err)) return;
      const code = err instanceof ApiError ? err.code : 'internal';
      // Network failure or a hub error: the ticket may or may not exist, so keep the requestId.
      const limited = err instanceof ApiError && err.reason === 'too_many_identifications';
      const retryable = !limited && (code === 'network' || code === 'internal' || code === 'rate_limited');
      if (!retryable) attempt.current = null;
      // A malformed number, or too many identifications at this kiosk: a ticket without identification is one touch away.
      const identityRejected = (code === 'validation_failed' || limited) && identity !== null;
      setIssueError({ err, service, retryable, identityRejected });
    } finally {
      setIssuing(false);
    }
  };

  /** An issued ticket (walk-in or check-in): on screen, and on paper. */
  const showTicket = (issued: IssuedTicket) => {
    setTicket(issued);
    setStep('ticket');
    void printTicket(issued);
  };

  /** A refused session (the device was signed out): back to the sign-in, and true. */
  const sessionEnded = (err: unknown): boolean => {
    if (!isSessionEnded(err)) return false;
    onSessionEnded();
    return true;
  };

  /** Prints the paper ticket at this kiosk's printer; when it cannot, the screen says so and shows the QR code. */
  const printTicket = async (issued: IssuedTicket) => {
    setPrintStatus(null);
    try {
      const r = await request('printTicket', token, { params: { id: issued.id } });
      setPrintStatus(r.status);
      setPrinter((p) => ({ state: fleetPrinter(r.status, p.state), last: r.printed ? issued.number : p.last }));
    } catch {
      setPrintStatus('offline');
      setPrinter((p) => ({ ...p, state: 'offline' }));
    }
  };

  const setLanguage = (lng: Language) => {
    if (lng !== lang) void i18n.changeLanguage(lng);
  };

  // ------------------------------------------------------------ view
  const issueErrorText = (e: IssueError): string => {
    if (e.err instanceof ApiError && e.err.reason === 'too_many_identifications') return t('kiosk:errors.tooManyIdentifications');
    if (e.identityRejected) return t('kiosk:errors.identityRejected');
    const code = e.err instanceof ApiError ? e.err.code : 'internal';
    if (code === 'validation_failed' || code === 'not_found' || code === 'forbidden' || code === 'conflict')
      return t('kiosk:errors.serviceUnavailable');
    return apiErrorText(t, e.err);
  };
  const branchName = branch ? branch.name[lang] || branch.name['zh-CN'] : '';
  const services = branch?.services.filter((s) => !s.vipOnly) ?? [];

  return (
    <div
      className={`kiosk${largeText ? ' kiosk--large' : ''}${highContrast ? ' kiosk--contrast' : ''}`}
      data-testid="kiosk-screen"
      data-step={step}
      onContextMenu={(e) => e.preventDefault()}
    >
      <header className="kiosk-header">
        <div className="kiosk-header__brand">
          <span className="kiosk-header__logo" aria-hidden="true" />
          <span className="kiosk-header__name" data-testid="kiosk-branch-name">
            {branchName || t('common:appName')}
          </span>
        </div>
        <div className="kiosk-a11y" role="group" aria-label={t('kiosk:a11y.group')}>
          <button
            type="button"
            className={`kiosk-lang__btn${largeText ? ' is-active' : ''}`}
            aria-pressed={largeText}
            data-testid="kiosk-large-text"
            onClick={() => setLargeText((v) => !v)}
          >
            {t('kiosk:a11y.largeText')}
          </button>
          <button
            type="button"
            className={`kiosk-lang__btn${highContrast ? ' is-active' : ''}`}
            aria-pressed={highContrast}
            data-testid="kiosk-high-contrast"
            onClick={() => setHighContrast((v) => !v)}
          >
            {t('kiosk:a11y.highContrast')}
          </button>
        </div>
        {offeredLanguages.length > 1 && (
          <div className="kiosk-lang" role="group" aria-label={t('kiosk:languageSwitch')}>
            {offeredLanguages.map((l) => (
              <button
                key={l}
                type="button"
                lang={l}
                className={`kiosk-lang__btn${l === lang ? ' is-active' : ''}`}
                aria-pressed={l === lang}
                data-testid={`kiosk-lang-${l}`}
                onClick={() => setLanguage(l)}
              >
                {t(`common:languages.${l}`)}
              </button>
            ))}
          </div>
        )}
      </header>

      <main className="kiosk-main" ref={mainRef}>
        {step === 'home' && (
          <section className="kiosk-home" data-testid="kiosk-home">
            <div className="kiosk-home__welcome">
              <h1>{t('kiosk:home.welcome')}</h1>
              <p>{t('kiosk:home.subtitle')}</p>
            </div>
            <div className="kiosk-home__group">
              <h2>{t('kiosk:home.identifyTitle')}</h2>
              <p className="kiosk-home__hint">{t('kiosk:home.identifyHint')}</p>
              <div className="kiosk-home__ids">
                {(
                  [
                    ['phone', 'byPhone'],
                    ['card', 'byCard'],
                    ['idNumber', 'byIdNumber'],
                  ] as const
                ).map(([k, label]) => (
                  <button
                    key={k}
                    type="button"
                    className="kiosk-btn kiosk-btn--tile"
                    data-testid={`kiosk-identify-${k}`}
                    onClick={() => startIdentify(k)}
                  >
                    <IdentityIcon kind={k} />
                    <span>{t(`kiosk:home.${label}`)}</span>
                  </button>
                ))}
              </div>
            </div>
            <button type="button" className="kiosk-btn kiosk-btn--booking" data-testid="kiosk-booking-start" onClick={startBooking}>
              <CalendarIcon />
              <span className="kiosk-btn__text">
                <span className="kiosk-btn__title">{t('kiosk:booking.homeTitle')}</span>
                <span className="kiosk-btn__sub">{t('kiosk:booking.homeHint')}</span>
              </span>
            </button>
            <button type="button" className="kiosk-btn kiosk-btn--guest" data-testid="kiosk-guest" onClick={continueAsGuest}>
              <span className="kiosk-btn__title">{t('kiosk:home.guest')}</span>
              <span className="kiosk-btn__sub">{t('kiosk:home.guestHint')}</span>
            </button>
          </section>
        )}

        {step === 'identify' && (
          <IdentifyStep
            kind={kind}
            draft={draft}
            error={inputError ? t(inputError) : null}
            onKind={(k) => {
              setKind(k);
              setDraft('');
              setInputError(null);
            }}
            onDraft={(v) => {
              setDraft(v);
              setInputError(null);
            }}
            onConfirm={confirmIdentity}
            onBack={backHome}
            onSkip={continueAsGuest}
          />
        )}

        {step === 'service' && (
          <section className="kiosk-services" data-testid="kiosk-services">
            <div className="kiosk-services__head">
              <h1>{t('kiosk:service.title')}</h1>
              <p className="kiosk-services__who" data-testid="kiosk-identity-masked">
                {identity
                  ? t('kiosk:service.identified', { masked: maskIdentity(identity.kind, identity.value) })
                  : t('kiosk:service.guest')}
              </p>
              {priority && (
                <p className="kiosk-services__priority" data-testid="kiosk-priority-chosen">
                  {t('kiosk:priority.chosen', { reason: t(`kiosk:priority.reasons.${priority}`) })}
                </p>
              )}
            </div>

            {branch ? (
              services.length > 0 ? (
                <div className="kiosk-services__list">
                  {services.map((s) => (
                    <button
                      key={s.code}
                      type="button"
                      className="kiosk-btn kiosk-btn--service"
                      data-testid={`kiosk-service-${s.code}`}
                      disabled={issuing}
                      onClick={() => void chooseService(s)}
                    >
                      <span className="kiosk-service__prefix" aria-hidden="true">
                        {s.prefix}
                      </span>
                      <span className="kiosk-service__name">{s.name[lang] || s.name['zh-CN']}</span>
                    </button>
                  ))}
                </div>
              ) : (
                <p className="kiosk-notice" data-testid="kiosk-services-empty">
                  {t('kiosk:service.none')}
                </p>
              )
            ) : branchError !== null ? (
              <BranchProblem text={apiErrorText(t, branchError)} onRetry={reloadBranch} />
            ) : (
              <p className="kiosk-notice">{t('kiosk:service.loading')}</p>
            )}

            {branch && services.length > 0 && (
              <button
                type="button"
                className={`kiosk-btn kiosk-btn--priority${priority ? ' is-active' : ''}`}
                data-testid="kiosk-priority-start"
                disabled={issuing}
                onClick={() => setStep('priority')}
              >
                <PriorityServiceIcon />
                <span className="kiosk-btn__text">
                  <span className="kiosk-btn__title">{t('kiosk:priority.button')}</span>
                  <span className="kiosk-btn__sub">{t('kiosk:priority.buttonHint')}</span>
                </span>
              </button>
            )}

            <div className="kiosk-services__footer">
              <button type="button" className="kiosk-btn kiosk-btn--ghost" data-testid="kiosk-services-back" onClick={backHome}>
                {t('kiosk:actions.back')}
              </button>
            </div>
          </section>
        )}

        {step === 'booking' && (
          <BookingStep
            draft={bookingDraft}
            error={bookingError ? t(bookingError.key, bookingError.values) : null}
            busy={checkingIn}
            onDraft={(v) => {
              setBookingDraft(v);
              setBookingError(null);
            }}
            onConfirm={confirmBooking}
            onBack={backHome}
            onWalkIn={continueAsGuest}
          />
        )}

        {step === 'tooEarly' && tooEarly && (
          <TooEarlyStep bookedTime={tooEarly.bookedTime} opensTime={tooEarly.opensTime} onWalkIn={continueAsGuest} onDone={() => reset()} />
        )}

        {step === 'priority' && <PriorityStep chosen={priority} onChoose={choosePriority} onBack={() => setStep('service')} />}

        {step === 'ticket' && ticket && (
          <TicketStep
            socket={socket}
            checkIn={checkIn}
            priority={checkIn ? null : priority}
            ticket={ticket}
            branch={branch}
            lang={lang}
            secondsLeft={secondsLeft}
            onDone={() => reset()}
            printStatus={printStatus}
            onFillForm={formsForService(ticket.requestedServiceCode).length > 0 ? () => setStep('form') : undefined}
          />
        )}

        {step === 'form' && ticket && (
          <FormStep
            token={token}
            ticket={ticket}
            lang={lang}
            today={localDate()}
            onBack={() => setStep('ticket')}
            onDone={() => reset()}
            onSessionEnded={onSessionEnded}
          />
        )}

        {step === 'home' && branchError !== null && !branch && (
          <BranchProblem text={apiErrorText(t, branchError)} onRetry={reloadBranch} />
        )}
      </main>

      {idleLeft !== null && (
        <div className="kiosk-overlay" role="alertdialog" aria-modal="true" aria-labelledby="kiosk-idle-title" data-testid="kiosk-idle-warning">
          <div className="kiosk-dialog">
            <h2 id="kiosk-idle-title">{t('kiosk:idle.title')}</h2>
            <p data-testid="kiosk-idle-countdown">{t('kiosk:idle.text', { count: idleLeft })}</p>
            <div className="kiosk-dialog__actions">
              <button type="button" className="kiosk-btn kiosk-btn--primary" data-testid="kiosk-idle-more" onClick={() => setIdleLeft(null)}>
                {t('kiosk:idle.more')}
              </button>
              <button type="button" className="kiosk-btn kiosk-btn--ghost" data-testid="kiosk-idle-restart" onClick={() => reset()}>
                {t('kiosk:idle.restart')}
              </button>
            </div>
          </div>
        </div>
      )}

      {(issuing || checkingIn) && (
        <div className="kiosk-overlay" data-testid="kiosk-issuing" role="status" aria-live="polite">
          <div className="kiosk-dialog">
            <span className="kiosk-spinner" aria-hidden="true" />
            <p>{t(checkingIn ? 'kiosk:booking.checking' : 'kiosk:issuing')}</p>
          </div>
        </div>
      )}

      {issueError && !issuing && idleLeft === null && (
        <div className="kiosk-overlay" role="alertdialog" aria-modal="true" data-testid="kiosk-issue-error">
          <div className="kiosk-dialog">
            <h2>{t('kiosk:errors.issueFailed')}</h2>
            <p data-testid="kiosk-issue-error-text">{issueErrorText(issueError)}</p>
            <div className="kiosk-dialog__actions">
              {issueError.retryable && (
                <button
                  type="button"
                  className="kiosk-btn kiosk-btn--primary"
                  data-testid="kiosk-issue-retry"
                  onClick={() => void chooseService(issueError.service)}
                >
                  {t('kiosk:actions.retry')}
                </button>
              )}
              {issueError.identityRejected && (
                <>
                  <button
                    type="button"
                    className="kiosk-btn kiosk-btn--secondary"
                    data-testid="kiosk-issue-reenter"
                    onClick={() => {
                      const k = identity?.kind ?? 'phone';
                      setIssueError(null);
                      startIdentify(k);
                    }}
                  >
                    {t('kiosk:actions.reenter')}
                  </button>
                  <button type="button" className="kiosk-btn kiosk-btn--primary" data-testid="kiosk-issue-guest" onClick={continueAsGuest}>
                    {t('kiosk:home.guest')}
                  </button>
                </>
              )}
              {!issueError.retryable && !issueError.identityRejected && (
                <button
                  type="button"
                  className="kiosk-btn kiosk-btn--primary"
                  data-testid="kiosk-issue-dismiss"
                  onClick={() => setIssueError(null)}
                >
                  {t('kiosk:actions.back')}
                </button>
              )}
              <button type="button" className="kiosk-btn kiosk-btn--ghost" data-testid="kiosk-issue-home" onClick={backHome}>
                {t('kiosk:actions.home')}
              </button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}

/** Line icons for the three ways to identify (drawn, so no emoji font is needed). */
function IdentityIcon({ kind }: { kind: IdentityKind }) {
  const common = { fill: 'none', stroke: 'currentColor', strokeWidth: 2.2, strokeLinecap: 'round', strokeLinejoin: 'round' } as const;
  return (
    <svg className="kiosk-icon" viewBox="0 0 48 48" aria-hidden="true">
      {kind === 'phone' && (
        <g {...common}>
          <rect x="14" y="5" width="20" height="38" rx="3.5" />
          <path d="M21 10h6M22 37h4" />
        </g>
      )}
      {kind === 'card' && (
        <g {...common}>
          <rect x="5" y="11" width="38" height="26" rx="3.5" />
          <path d="M5 19h38M11 30h9M27 30h4" />
        </g>
      )}
      {kind === 'idNumber' && (
        <g {...common}>
          <rect x="5" y="10" width="38" height="28" rx="3.5" />
          <circle cx="16" cy="21" r="4" />
          <path d="M10 31c1.5-3.5 3.5-5 6-5s4.5 1.5 6 5M27 19h10M27 25h10M27 31h6" />
        </g>
      )}
    </svg>
  );
}

function BranchProblem({ text, onRetry }: { text: string; onRetry: () => void }) {
  const { t } = useTranslation(['kiosk', 'common']);
  return (
    <div className="kiosk-problem" role="alert" data-testid="kiosk-branch-error">
      <p className="kiosk-problem__title">{t('kiosk:errors.branchUnavailable')}</p>
      <p>{text}</p>
      <button type="button" className="kiosk-btn kiosk-btn--secondary" data-testid="kiosk-branch-retry" onClick={onRetry}>
        {t('kiosk:actions.retry')}
      </button>
    </div>
  );
}
