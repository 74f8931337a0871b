/**
 * Kiosk steps of the booking code (check-in of an appointment) with the on-screen keypad,
 * the "you're a little early" screen, and the choice of priority service by law. Every one of them
 * keeps the walk-in path one touch away.
 */
import { useTranslation } from 'react-i18next';
import type { PriorityReason } from '@domain/contracts';
import { BOOKING_CODE_LENGTH } from '@domain/appointments';
import { Keypad, KeypadFieldError, useKeypadField } from './Keypad';

/** Digits only, at most six (spaces and dashes from people or scanners dropped). */
export function sanitizeBookingInput(raw: string): string {
  return raw.replace(/\D/g, '').slice(0, BOOKING_CODE_LENGTH);
}

/** 123456 -> "123 456", the way the code is printed in the booking message. */
export function groupBookingCode(code: string): string {
  return code.length > 3 ? `${code.slice(0, 3)} ${code.slice(3)}` : code;
}

interface BookingProps {
  draft: string;
  error: string | null;
  busy: boolean;
  onDraft: (value: string) => void;
  onConfirm: () => void;
  onBack: () => void;
  onWalkIn: () => void;
}

export function BookingStep({ draft, error, busy, onDraft, onConfirm, onBack, onWalkIn }: BookingProps) {
  const { t } = useTranslation(['kiosk', 'common']);
  // The focus stays in the field so a scanner or USB keyboard types into it.
  const { inputProps, keypadProps } = useKeypadField({ draft, sanitize: sanitizeBookingInput, onDraft, onConfirm });
  const full = draft.length >= BOOKING_CODE_LENGTH;

  return (
    <section className="kiosk-identify kiosk-booking" data-testid="kiosk-booking">
      <div className="kiosk-identify__entry">
        <h1 className="kiosk-booking__title">
          <CalendarIcon />
          <label htmlFor="kiosk-booking-input">{t('kiosk:booking.title')}</label>
        </h1>
        <input
          id="kiosk-booking-input"
          {...inputProps}
          className={`kiosk-identify__input kiosk-booking__input${error ? ' has-error' : ''}`}
          data-testid="kiosk-booking-input"
          placeholder={t('kiosk:booking.placeholder')}
          value={groupBookingCode(draft)}
          aria-invalid={!!error}
          aria-describedby="kiosk-booking-error kiosk-booking-hint"
        />
        <KeypadFieldError id="kiosk-booking-error" testId="kiosk-booking-error" error={error} />
        <p id="kiosk-booking-hint" className="kiosk-identify__privacy">
          {t('kiosk:booking.hint')}
        </p>
      </div>

      <Keypad
        label={t('kiosk:booking.keypad')}
        {...keypadProps}
        full={full}
        disabled={busy}
        corner="clear"
        confirm={{ label: t('kiosk:booking.confirm'), testId: 'kiosk-booking-confirm', onConfirm }}
      />

      <div className="kiosk-identify__footer">
        <button type="button" className="kiosk-btn kiosk-btn--ghost" data-testid="kiosk-booking-back" onClick={onBack}>
          {t('kiosk:actions.back')}
        </button>
        <button type="button" className="kiosk-btn kiosk-btn--secondary" data-testid="kiosk-booking-walk-in" onClick={onWalkIn}>
          {t('kiosk:booking.walkIn')}
        </button>
      </div>
    </section>
  );
}

export function TooEarlyStep({ bookedTime, opensTime, onWalkIn, onDone }: { bookedTime: string; opensTime: string; onWalkIn: () => void; onDone: () => void }) {
  const { t } = useTranslation(['kiosk', 'common']);
  return (
    <section className="kiosk-early" data-testid="kiosk-too-early" aria-labelledby="kiosk-early-title">
      <div className="kiosk-early__card">
        <span className="kiosk-early__clock" aria-hidden="true">
          <ClockIcon />
        </span>
        <h1 id="kiosk-early-title">{t('kiosk:booking.tooEarly.title')}</h1>
        <p className="kiosk-early__text" data-testid="kiosk-too-early-text">
          {t('kiosk:booking.tooEarly.text', { time: bookedTime, opens: opensTime })}
        </p>
        <p className="kiosk-early__hint">{t('kiosk:booking.tooEarly.hint', { opens: opensTime })}</p>
      </div>
      <div className="kiosk-early__actions">
        <button type="button" className="kiosk-btn kiosk-btn--primary kiosk-btn--large" data-testid="kiosk-too-early-walk-in" onClick={onWalkIn}>
          {t('kiosk:booking.tooEarly.walkIn')}
        </button>
        <button type="button" className="kiosk-btn kiosk-btn--ghost kiosk-btn--large" data-testid="kiosk-too-early-done" onClick={onDone}>
          {t('kiosk:booking.tooEarly.later')}
        </button>
      </div>
    </section>
  );
}

export const PRIORITY_REASONS: readonly PriorityReason[] = ['elderly', 'disabled', 'pregnant'];

export function PriorityStep({ chosen, onChoose, onBack }: { chosen: PriorityReason | null; onChoose: (r: PriorityReason | null) => void; onBack: () => void }) {
  const { t } = useTranslation(['kiosk', 'common']);
  return (
    <section className="kiosk-priority" data-testid="kiosk-priority" aria-labelledby="kiosk-priority-title">
      <div className="kiosk-priority__head">
        <h1 id="kiosk-priority-title">{t('kiosk:priority.title')}</h1>
        <p>{t('kiosk:priority.text')}</p>
      </div>
      <div className="kiosk-priority__list" role="group" aria-labelledby="kiosk-priority-title">
        {PRIORITY_REASONS.map((r) => (
          <button
            key={r}
            type="button"
            className={`kiosk-btn kiosk-btn--service kiosk-priority__reason${chosen === r ? ' is-active' : ''}`}
            aria-pressed={chosen === r}
            data-testid={`kiosk-priority-${r}`}
            onClick={() => onChoose(r)}
          >
            <PriorityIcon reason={r} />
            <span className="kiosk-service__name">{t(`kiosk:priority.reasons.${r}`)}</span>
          </button>
        ))}
      </div>
      <div className="kiosk-services__footer">
        <button type="button" className="kiosk-btn kiosk-btn--ghost" data-testid="kiosk-priority-back" onClick={onBack}>
          {t('kiosk:priority.back')}
        </button>
        {chosen && (
          <button type="button" className="kiosk-btn kiosk-btn--secondary" data-testid="kiosk-priority-none" onClick={() => onChoose(null)}>
            {t('kiosk:priority.remove')}
          </button>
        )}
      </div>
    </section>
  );
}

const stroke = { fill: 'none', stroke: 'currentColor', strokeWidth: 2.2, strokeLinecap: 'round', strokeLinejoin: 'round' } as const;

export function CalendarIcon({ className = 'kiosk-icon' }: { className?: string }) {
  return (
    <svg className={className} viewBox="0 0 48 48" aria-hidden="true">
      <g {...stroke}>
        <rect x="6" y="9" width="36" height="32" rx="3.5" />
        <path d="M6 18h36M15 5v8M33 5v8M15 26h4M22 26h4M29 26h4M15 33h4M22 33h4" />
      </g>
    </svg>
  );
}

/** Priority service: a heart held in an open hand. */
export function PriorityServiceIcon() {
  return (
    <svg className="kiosk-icon" viewBox="0 0 48 48" aria-hidden="true">
      <g {...stroke}>
        <path d="M24 25c-6-4.5-9-7.6-9-11a4.6 4.6 0 0 1 9-1.4A4.6 4.6 0 0 1 33 14c0 3.4-3 6.5-9 11z" />
        <path d="M5 31h7l8 4h8a3 3 0 0 0 0-6h-6M28 33l10-5a3 3 0 0 1 3.6 4.6L31 41H13l-8-2" />
      </g>
    </svg>
  );
}

function ClockIcon() {
  return (
    <svg className="kiosk-icon" viewBox="0 0 48 48" aria-hidden="true">
      <g {...stroke}>
        <circle cx="24" cy="24" r="18" />
        <path d="M24 13v11l7 5" />
      </g>
    </svg>
  );
}

function PriorityIcon({ reason }: { reason: PriorityReason }) {
  return (
    <svg className="kiosk-icon kiosk-priority__icon" viewBox="0 0 48 48" aria-hidden="true">
      <g {...stroke}>
        {reason === 'elderly' && (
          <>
            <circle cx="22" cy="9" r="4" />
            <path d="M22 14l-3 12 5 6v11M19 26l-5 17M25 18l6 5M34 22v21" />
          </>
        )}
        {reason === 'disabled' && (
          <>
            <circle cx="20" cy="8" r="4" />
            <path d="M20 13v13h11l4 10M20 19h9" />
            <path d="M15 22a10 10 0 1 0 14 12" />
          </>
        )}
        {reason === 'pregnant' && (
          <>
            <circle cx="22" cy="8" r="4" />
            <path d="M22 13c-3 4-3 9 0 13 6 0 9 3 8 8l-3 1M22 26l-2 17M27 35l-1 8M19 17l-4 7" />
          </>
        )}
      </g>
    </svg>
  );
}
