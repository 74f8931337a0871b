/** Identify step of the kiosk: phone / bank card / resident ID with a large on-screen keypad. */
import { useTranslation } from 'react-i18next';
import type { IdentityKind } from '@domain/identity';
import { groupIdentity, MAX_LENGTH, sanitizeIdentityInput } from './kiosk-utils';
import { Keypad, KeypadFieldError, useKeypadField } from './Keypad';

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

export function IdentifyStep({ kind, draft, error, onKind, onDraft, onConfirm, onBack, onSkip }: Props) {
  const { t } = useTranslation(['kiosk', 'common']);
  // The focus stays in the field (and returns to it when the kind changes), so a USB keyboard or card reader types into it.
  const { inputProps, keypadProps } = useKeypadField({ draft, sanitize: (raw) => sanitizeIdentityInput(kind, raw), onDraft, onConfirm, focusKey: kind });
  const full = draft.length >= MAX_LENGTH[kind];
  const canX = kind === 'idNumber' && draft.length === 17;

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
          {...inputProps}
          className={`kiosk-identify__input${error ? ' has-error' : ''}`}
          data-testid="kiosk-identity-input"
          placeholder={t(`kiosk:identify.placeholder.${kind}`)}
          value={groupIdentity(kind, draft)}
          aria-invalid={!!error}
          aria-describedby={error ? 'kiosk-identity-error' : undefined}
        />
        <KeypadFieldError id="kiosk-identity-error" testId="kiosk-identity-error" error={error} />
        <p className="kiosk-identify__privacy">{t('kiosk:identify.privacy')}</p>
      </div>

      <Keypad
        label={t('kiosk:identify.keypad')}
        {...keypadProps}
        full={full}
        corner={kind === 'idNumber' ? { key: 'X', enabled: canX } : null}
        confirm={{ label: t('kiosk:identify.confirm'), testId: 'kiosk-identity-confirm', onConfirm }}
      />

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
