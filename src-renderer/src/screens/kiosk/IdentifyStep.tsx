/** Identify step of the kiosk: phone / bank card / resident ID with a large on-screen keypad. */
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { IdentityKind } from '@domain/identity';
import { groupIdentity, MAX_LENGTH, sanitizeIdentityInput } from './kiosk-utils';

export const IDENTITY_KINDS: readonly IdentityKind[] = ['phone', 'card', 'idNumber'];

interface Props {
  kind: IdentityKind;
  draft: string;
  error: string | null;
  onKind: (kind: IdentityKind) => void;
  onDraft: (value: string) => void;
  onConfirm: () => void;
  onBack: () => void;
  onSkip: () => void;
}

const TAB_LABEL = { phone: 'byPhone', card: 'byCard', idNumber: 'byIdNumber' } as const;
const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

export function IdentifyStep({ kind, draft, error, onKind, onDraft, onConfirm, onBack, onSkip }: Props) {
  const { t } = useTranslation(['kiosk', 'common']);
  const inputRef = useRef<HTMLInputElement>(null);

  // Keep the focus in the field so a USB keyboard or card reader types into it.
  useEffect(() => {
    inputRef.current?.focus({ preventScroll: true });
  }, [kind]);

  const full = draft.length >= MAX_LENGTH[kind];
  const press = (key: string) => {
    onDraft(sanitizeIdentityInput(kind, draft + key));
    inputRef.current?.focus({ preventScroll: true });
  };
  const canX = kind === 'idNumber' && draft.length === 17;

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      onConfirm();
    }
  };

  return (
    <section className="kiosk-identify" data-testid="kiosk-identify">
      <div className="kiosk-identify__entry">
        <div className="kiosk-tabs" role="tablist" aria-label={t('kiosk:home.identifyTitle')}>
          {IDENTITY_KINDS.map((k) => (
            <button
              key={k}
              type="button"
              role="tab"
              aria-selected={k === kind}
              className={`kiosk-tab${k === kind ? ' is-active' : ''}`}
              data-testid={`kiosk-tab-${k}`}
              onClick={() => onKind(k)}
            >
              {t(`kiosk:home.${TAB_LABEL[k]}`)}
            </button>
          ))}
        </div>

        <label className="kiosk-identify__label" htmlFor="kiosk-identity-input">
          {t('kiosk:identify.title', { kind: t(`kiosk:identify.kinds.${kind}`) })}
        </label>
        <input
          id="kiosk-identity-input"
          ref={inputRef}
          className={`kiosk-identify__input${error ? ' has-error' : ''}`}
          data-testid="kiosk-identity-input"
          // No system keyboard on the touch screen: the on-screen keypad is the keyboard.
          inputMode="none"
          autoComplete="off"
          autoCorrect="off"
          spellCheck={false}
          placeholder={t(`kiosk:identify.placeholder.${kind}`)}
          value={groupIdentity(kind, draft)}
          onChange={(e) => onDraft(sanitizeIdentityInput(kind, e.target.value))}
          onKeyDown={onKeyDown}
          aria-invalid={!!error}
          aria-describedby={error ? 'kiosk-identity-error' : undefined}
        />
        <p
          id="kiosk-identity-error"
          className={`kiosk-identify__error${error ? '' : ' is-empty'}`}
          role="alert"
          data-testid="kiosk-identity-error"
        >
          {error ?? ''}
        </p>
        <p className="kiosk-identify__privacy">{t('kiosk:identify.privacy')}</p>
      </div>

      <div className="kiosk-keypad" role="group" aria-label={t('kiosk:identify.keypad')}>
        {DIGITS.map((d) => (
          <button key={d} type="button" className="kiosk-key" data-testid={`kiosk-key-${d}`} disabled={full} onClick={() => press(d)}>
            {d}
          </button>
        ))}
        {kind === 'idNumber' ? (
          <button type="button" className="kiosk-key" data-testid="kiosk-key-X" disabled={!canX} onClick={() => press('X')}>
            X
          </button>
        ) : (
          <span className="kiosk-key kiosk-key--blank" aria-hidden="true" />
        )}
        <button type="button" className="kiosk-key" data-testid="kiosk-key-0" disabled={full} onClick={() => press('0')}>
          0
        </button>
        <button
          type="button"
          className="kiosk-key kiosk-key--fn"
          data-testid="kiosk-key-backspace"
          aria-label={t('kiosk:identify.backspace')}
          disabled={!draft}
          onClick={() => onDraft(draft.slice(0, -1))}
        >
          ⌫
        </button>
        <button
          type="button"
          className="kiosk-key kiosk-key--fn"
          data-testid="kiosk-key-clear"
          disabled={!draft}
          onClick={() => onDraft('')}
        >
          {t('kiosk:identify.clear')}
        </button>
        <button
          type="button"
          className="kiosk-key kiosk-key--confirm kiosk-key--wide2"
          data-testid="kiosk-identity-confirm"
          onClick={onConfirm}
        >
          {t('kiosk:identify.confirm')}
        </button>
      </div>

      <div className="kiosk-identify__footer">
        <button type="button" className="kiosk-btn kiosk-btn--ghost" data-testid="kiosk-identify-back" onClick={onBack}>
          {t('kiosk:actions.back')}
        </button>
        <button type="button" className="kiosk-btn kiosk-btn--secondary" data-testid="kiosk-identify-skip" onClick={onSkip}>
          {t('kiosk:identify.skip')}
        </button>
      </div>
    </section>
  );
}
