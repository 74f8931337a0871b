/**
 * The pre-filled form (预填单) of the ticket called at this counter: each field with a
 * Copy button for pasting into the core banking system; copying marks the field used (also on the
 * hub, so a reload shows what was already keyed). Nothing is shown when the customer filled none.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TellerFormField, TellerFormResponse } from '@domain/contracts';
import { ApiError } from '../../lib/api';
import type { StaffCall } from '../../components/staffApi';
import { errorMessage, localized } from '../../components/format';
import './prefilled-form.css';

/** Copies text; falls back to a hidden textarea where the Clipboard API is unavailable (plain http). */
async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the old way
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

export function PrefilledForm({ ticketId, call }: { ticketId: string; call: StaffCall }) {
  const { t } = useTranslation(['teller', 'common']);
  const [form, setForm] = useState<TellerFormResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setForm(null);
    setError(null);
    call('tellerForm', { params: { id: ticketId } })
      .then((f) => {
        if (live) setForm(f);
      })
      .catch((err: unknown) => {
        // 404: the customer filled in no form.
        if (live && !(err instanceof ApiError && err.status === 404)) setError(errorMessage(err));
      });
    return () => {
      live = false;
    };
  }, [ticketId, call]);

  const markUsed = useCallback(
    async (keys: string[]) => {
      try {
        setForm(await call('markFieldsUsed', { params: { id: ticketId }, body: { keys } }));
      } catch (err) {
        setError(errorMessage(err));
      }
    },
    [call, ticketId],
  );

  const copy = async (f: TellerFormField) => {
    const ok = await copyText(f.text);
    setCopied(ok ? f.key : null);
    await markUsed([f.key]);
  };

  if (error) {
    return (
      <section className="tlr-panel tlr-form" data-testid="teller-form-error">
        <p role="alert">{error}</p>
      </section>
    );
  }
  if (!form) return null;
  const open = form.fields.filter((f) => !f.used).map((f) => f.key);

  return (
    <section className="tlr-panel tlr-form" data-testid="teller-form" aria-labelledby="tlr-form-title">
      <h2 id="tlr-form-title">
        {t('form.title')}: {localized(form.title)}
      </h2>
      <table className="tlr-form-table">
        <tbody>
          {form.fields.map((f) => (
            <tr key={f.key} className={f.used ? 'is-used' : ''} data-testid={`teller-form-field-${f.key}`}>
              <th scope="row">
                {localized(f.label)}
                {f.prefilled && <span className="tlr-form-tag">{t('form.prefilled')}</span>}
              </th>
              <td className="tlr-form-value" data-testid={`teller-form-value-${f.key}`}>
                {f.choiceLabel ? localized(f.choiceLabel) : f.text}
              </td>
              <td className="tlr-form-act">
                <button type="button" className="tlr-form-btn" data-testid={`teller-form-copy-${f.key}`} onClick={() => void copy(f)}>
                  {copied === f.key ? t('form.copied') : t('form.copy')}
                </button>
                {f.used && (
                  <span className="tlr-form-used" data-testid={`teller-form-used-${f.key}`}>
                    {t('form.used')}
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {open.length > 0 && (
        <button type="button" className="tlr-form-btn" data-testid="teller-form-all-used" onClick={() => void markUsed(open)}>
          {t('form.markAllUsed')}
        </button>
      )}
    </section>
  );
}
