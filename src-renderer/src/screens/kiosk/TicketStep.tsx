/** The issued ticket: number, service, people ahead, wait, QR code for the phone page. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import QRCode from 'qrcode';
import type { BranchInfo, CheckInResponse, IssuedTicket, Language, PrinterStatus, PriorityReason } from '@domain/contracts';
import { absoluteUrl, canSpeak, printNoticeKey, speakTicket } from './kiosk-utils';
import type { LobbySocket } from '../../lib/socket';
import { useLiveTicket } from './live-ticket';

interface Props {
  ticket: IssuedTicket;
  branch: BranchInfo | null;
  lang: Language;
  secondsLeft: number;
  onDone: () => void;
  /** Printer result: null while printing. */
  printStatus?: PrinterStatus | null;
  /** Offered when the service has a pre-filled form. */
  onFillForm?: () => void;
  /** The kiosk's socket: place in line and estimate are refreshed on every queue change (live-ticket.ts). */
  socket?: LobbySocket | null;
  /** Issued at an appointment check-in: on time, late (a walk-in) or checked in before. */
  checkIn?: { outcome: CheckInResponse['outcome']; bookedTime: string } | null;
  /** Priority by law chosen at the kiosk. */
  priority?: PriorityReason | null;
}

export function TicketStep({ ticket: issued, branch, lang, secondsLeft, onDone, printStatus = 'none', onFillForm, socket = null, checkIn = null, priority = null }: Props) {
  const { t } = useTranslation(['kiosk', 'common']);
  // Live while shown: number-level facts only (position, estimate, called), from the public track endpoint.
  const ticket = useLiveTicket(issued, socket);
  const [qr, setQr] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setQr(null);
    QRCode.toDataURL(absoluteUrl(ticket.trackUrl), { errorCorrectionLevel: 'M', margin: 1, width: 400 })
      .then((url) => {
        if (live) setQr(url);
      })
      .catch(() => {
        // Without a QR code the ticket is still valid; the caption is hidden with it.
        if (live) setQr(null);
      });
    return () => {
      live = false;
    };
  }, [ticket.trackUrl]);

  const green = ticket.route === 'green_channel';
  // Green channel: keep the service the customer chose on screen; the VIP routing stays discreet.
  const shownService =
    (green ? branch?.services.find((s) => s.code === ticket.requestedServiceCode)?.name : undefined) ?? ticket.serviceName;
  const vipCounter = green
    ? (branch?.counters.find((c) => c.vip && c.serviceCodes.includes(ticket.serviceCode)) ?? branch?.counters.find((c) => c.vip))
    : undefined;

  return (
    <section className={`kiosk-ticket${green ? ' is-green' : ''}${checkIn || priority ? ' has-note' : ''}`} data-testid="kiosk-ticket">
      <div className="kiosk-ticket__main">
        <p className="kiosk-ticket__label">{t('kiosk:ticket.yourNumber')}</p>
        <p className="kiosk-ticket__number" data-testid="kiosk-ticket-number">
          {ticket.number}
        </p>
        <p className="kiosk-ticket__service" data-testid="kiosk-ticket-service">
          {shownService[lang] || shownService['zh-CN']}
        </p>

        {checkIn && (
          <div className={`kiosk-ticket__note${checkIn.outcome === 'late' ? ' is-late' : ''}`} data-testid="kiosk-checkin-note" data-outcome={checkIn.outcome}>
            {checkIn.outcome === 'on_time' && <p className="kiosk-ticket__note-title">{t('kiosk:booking.ticket.onTime', { time: checkIn.bookedTime })}</p>}
            {checkIn.outcome === 'late' && <p>{t('kiosk:booking.ticket.late', { time: checkIn.bookedTime })}</p>}
            {checkIn.outcome === 'already_checked_in' && <p>{t('kiosk:booking.ticket.already', { time: checkIn.bookedTime })}</p>}
          </div>
        )}
        {priority && (
          <p className="kiosk-ticket__priority" data-testid="kiosk-priority-note">
            {t('kiosk:priority.note', { reason: t(`kiosk:priority.reasons.${priority}`) })}
          </p>
        )}
        {ticket.liveStatus === 'called' && (
          <p className="kiosk-ticket__called" role="status" data-testid="kiosk-ticket-called">
            {ticket.counterName
              ? t('kiosk:live.called', { counter: ticket.counterName[lang] || ticket.counterName['zh-CN'] })
              : t('kiosk:live.calledNoCounter')}
          </p>
        )}

        {green && (
          <p className="kiosk-ticket__green" data-testid="kiosk-green-channel">
            {vipCounter
              ? t('kiosk:ticket.greenChannel', { counter: vipCounter.name[lang] || vipCounter.name['zh-CN'] })
              : t('kiosk:ticket.greenChannelNoCounter')}
          </p>
        )}

        {ticket.identification === 'typed' && (
          // Said for every typed number, whoever it belongs to: the kiosk never tells whose it is.
          <p className="kiosk-ticket__idcheck" data-testid="kiosk-identity-check">
            {t('kiosk:ticket.identityCheck')}
          </p>
        )}

        <dl className="kiosk-ticket__stats">
          <div className="kiosk-stat">
            <dt>{t('kiosk:ticket.peopleAhead')}</dt>
            <dd data-testid="kiosk-ticket-people-ahead">{t('kiosk:ticket.people', { count: ticket.peopleAhead })}</dd>
          </div>
          <div className="kiosk-stat">
            <dt>{t('kiosk:ticket.estimatedWait')}</dt>
            <dd data-testid="kiosk-ticket-wait">
              {ticket.estimatedWaitMinutes === null
                ? t('kiosk:ticket.waitUnknown')
                : ticket.estimatedWaitMinutes > 0
                  ? t('kiosk:ticket.aboutMinutes', { count: ticket.estimatedWaitMinutes })
                  : t('kiosk:ticket.soon')}
            </dd>
          </div>
        </dl>
        {!green && !checkIn && !priority && <p className="kiosk-ticket__listen">{t('kiosk:ticket.listen')}</p>}
        <p
          className={`kiosk-ticket__print${printStatus === 'paper_out' || printStatus === 'offline' ? ' is-problem' : ''}`}
          data-testid="kiosk-print-status"
          data-status={printStatus ?? 'printing'}
          role="status"
        >
          {t(printNoticeKey(printStatus))}
        </p>
        <div className="kiosk-ticket__extras">
          {canSpeak() && (
            <button
              type="button"
              className="kiosk-btn kiosk-btn--secondary"
              data-testid="kiosk-speak"
              onClick={() => speakTicket(t('kiosk:speak.text', { number: ticket.number.split('').join(' '), service: shownService[lang] }), lang)}
            >
              {t('kiosk:speak.button')}
            </button>
          )}
          {onFillForm && (
            <button type="button" className="kiosk-btn kiosk-btn--primary kiosk-ticket__form" data-testid="kiosk-fill-form" onClick={onFillForm}>
              <span className="kiosk-btn__title">{t('kiosk:form.offer')}</span>
              <span className="kiosk-btn__sub">{t('kiosk:form.offerHint')}</span>
            </button>
          )}
        </div>
      </div>

      <div className="kiosk-ticket__qr">
        {qr ? (
          <>
            <img src={qr} alt="" data-testid="kiosk-ticket-qr" />
            <p>{t('kiosk:ticket.qrCaption')}</p>
          </>
        ) : (
          <div className="kiosk-ticket__qr-placeholder" aria-hidden="true" />
        )}
      </div>

      <div className="kiosk-ticket__footer">
        <button type="button" className="kiosk-btn kiosk-btn--primary kiosk-btn--large" data-testid="kiosk-done" onClick={onDone}>
          {t('kiosk:ticket.done')}
        </button>
        <p className="kiosk-ticket__countdown" data-testid="kiosk-countdown" aria-live="off">
          {t('kiosk:ticket.autoReturn', { count: secondsLeft })}
        </p>
      </div>
    </section>
  );
}
