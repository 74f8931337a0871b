/**
 * The kiosk's on-screen keypad and the field it types into, shared by the identify step, the
 * booking-code step and the form's number fields. Touch targets come from kiosk.css (.kiosk-key,
 * at least 76 px); every key is a real <button> with its test id `<prefix>-<key>`.
 *
 * Layout (three columns): 1-9, then the corner key left of 0 (an extra character such as X or
 * the decimal point, a gap, or the clear key), 0, backspace; then clear (unless it sits in the
 * corner) and the confirm key filling the rest of the row.
 */
import { useEffect, useRef, type ChangeEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/** The key left of 0: a character (`testKey` names its test id, `label` speaks it), or the clear key. */
export type CornerKey = { key: string; testKey?: string; label?: string; enabled: boolean } | 'clear' | null;

interface KeypadProps {
  /** Accessible name of the key group. */
  label: string;
  /** Test ids of the keys: `<prefix>-1`, `<prefix>-backspace`, `<prefix>-clear`, … (default `kiosk-key`). */
  prefix?: string;
  /** What is typed so far (backspace and clear act on it, and are off while it is empty). */
  value: string;
  onKey: (key: string) => void;
  onChange: (value: string) => void;
  confirm: { label: string; testId: string; onConfirm: () => void };
  corner?: CornerKey;
  /** No more digits fit. */
  full?: boolean;
  /** Every key is off (a request is on its way). */
  disabled?: boolean;
  className?: string;
  testId?: string;
}

export function Keypad({ label, prefix = 'kiosk-key', value, onKey, onChange, confirm, corner = null, full = false, disabled = false, className, testId }: KeypadProps) {
  const { t } = useTranslation(['kiosk']);
  const clear = (
    <button type="button" className="kiosk-key kiosk-key--fn" data-testid={`${prefix}-clear`} disabled={!value || disabled} onClick={() => onChange('')}>
      {t('kiosk:identify.clear')}
    </button>
  );
  const digit = (d: string) => (
    <button key={d} type="button" className="kiosk-key" data-testid={`${prefix}-${d}`} disabled={full || disabled} onClick={() => onKey(d)}>
      {d}
    </button>
  );
  return (
    <div className={`kiosk-keypad${className ? ` ${className}` : ''}`} role="group" aria-label={label} data-testid={testId}>
      {DIGITS.map(digit)}
      {corner === 'clear' ? (
        clear
      ) : corner ? (
        <button
          type="button"
          className="kiosk-key"
          data-testid={`${prefix}-${corner.testKey ?? corner.key}`}
          aria-label={corner.label}
          disabled={!corner.enabled || disabled}
          onClick={() => onKey(corner.key)}
        >
          {corner.key}
        </button>
      ) : (
        <span className="kiosk-key kiosk-key--blank" aria-hidden="true" />
      )}
      {digit('0')}
      <button
        type="button"
        className="kiosk-key kiosk-key--fn"
        data-testid={`${prefix}-backspace`}
        aria-label={t('kiosk:identify.backspace')}
        disabled={!value || disabled}
        onClick={() => onChange(value.slice(0, -1))}
      >
        ⌫
      </button>
      {corner !== 'clear' && clear}
      <button
        type="button"
        className={`kiosk-key kiosk-key--confirm${corner === 'clear' ? ' kiosk-key--row' : ''}`}
        data-testid={confirm.testId}
        disabled={disabled}
        onClick={confirm.onConfirm}
      >
        {confirm.label}
      </button>
    </div>
  );
}

/**
 * The field a keypad types into: focus kept in it (so a scanner, card reader or USB keyboard types
 * there too; moved back after every key), no system keyboard on the touch screen, Enter confirms,
 * every change cleaned by `sanitize`. `focusKey` changing puts the focus back (e.g. another kind of
 * number chosen). Spread `inputProps` on the <input> and `keypadProps` on its <Keypad>.
 */
export function useKeypadField({
  draft,
  sanitize,
  onDraft,
  onConfirm,
  focusKey,
}: {
  draft: string;
  sanitize: (raw: string) => string;
  onDraft: (value: string) => void;
  onConfirm: () => void;
  focusKey?: unknown;
}) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, [focusKey]);
  const press = (key: string) => {
    onDraft(sanitize(draft + key));
    ref.current?.focus({ preventScroll: true });
  };
  const inputProps = {
    ref,
    inputMode: 'none' as const,
    autoComplete: 'off',
    autoCorrect: 'off',
    spellCheck: false,
    onChange: (e: ChangeEvent<HTMLInputElement>) => onDraft(sanitize(e.target.value)),
    onKeyDown: (e: KeyboardEvent<HTMLInputElement>) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        onConfirm();
      }
    },
  };
  return { inputProps, keypadProps: { value: draft, onKey: press, onChange: onDraft } };
}

/** The message under a keypad field: always in the layout (no jump), announced when it appears. */
export function KeypadFieldError({ id, testId, error }: { id: string; testId: string; error: string | null }) {
  return (
    <p id={id} className={`kiosk-identify__error${error ? '' : ' is-empty'}`} role="alert" data-testid={testId}>
      {error ?? ''}
    </p>
  );
}
