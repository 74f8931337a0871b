/** The issued ticket: number, service, people ahead, wait, QR code for the phone page. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import QRCode from 'qrcode';
import type { BranchInfo, IssuedTicket, Language, PrinterStatus } from '@domain/contracts';
import { absoluteUrl, canSpeak, printNoticeKey, speakTicket } from './kiosk-utils';

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
}

export function TicketStep({ ticket, branch, lang, secondsLeft, onDone, printStatus = 'none', onFillForm }: Props) {
  const { t } = useTranslation(['kiosk', 'common']);
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
    <section className={`kiosk-ticket${green ? ' is-green' : ''}`} data-testid="kiosk-ticket">
      <div className="kiosk-ticket__main">
        <p className="kiosk-ticket__label">{t('kiosk:ticket.yourNumber')}</p>
        <p className="kiosk-ticket__number" data-testid="kiosk-ticket-number">
          {ticket.number}
        </p>
        <p className="kiosk-ticket__service" data-testid="kiosk-ticket-service">
          {shownService[lang] || shownService['zh-CN']}
        </p>

        {green && (
          <p className="kiosk-ticket__green" data-testid="kiosk-green-channel">
            {vipCounter
              ? t('kiosk:ticket.greenChannel', { counter: vipCounter.name[lang] || vipCounter.name['zh-CN'] })
              : t('kiosk:ticket.greenChannelNoCounter')}
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
              {ticket.estimatedWaitMinutes > 0
                ? t('kiosk:ticket.aboutMinutes', { count: ticket.estimatedWaitMinutes })
                : t('kiosk:ticket.soon')}
            </dd>
          </div>
        </dl>
        {!green && <p className="kiosk-ticket__listen">{t('kiosk:ticket.listen')}</p>}
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
