/**
 * "Fill in your form while you wait" (预填单): after the ticket, the customer fills in the form of
 * their service on the kiosk; the teller sees it when the ticket is called. Validation is the
 * domain's (the hub runs the same). A known customer's profile fields come pre-filled and are only
 * shown masked; the customer may replace them. Numbers, amounts and dates are typed on the
 * on-screen keypad (or a reader), dates also picked as today / tomorrow / yesterday; text fields
 * with common answers (the payee's bank, an occupation) offer them as buttons, and the rest of the
 * text goes through the system's on-screen keyboard (pinyin or handwriting).
 */
import { Fragment, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IssuedTicket, KioskFormInfo, Language } from '@domain/contracts';
import { FORM_BY_ID, formErrors, type FieldDef, type FieldErrorKey, type FormId } from '@domain/forms';
import { request } from '../../lib/api';
import { isSessionEnded } from '../../components/DeviceLogin';
import { addDaysIso } from '@domain/reminders';
import { Keypad, type CornerKey } from './Keypad';
import { formatDateDigits } from './kiosk-utils';

interface Props {
  token: string;
  ticket: IssuedTicket;
  lang: Language;
  /** Branch business date (YYYY-MM-DD) for date checks; the hub checks again. */
  today: string;
  onBack: () => void;
  onDone: () => void;
  onSessionEnded: () => void;
}

type Draft = Record<string, string>;
const KEYPAD_TYPES = new Set(['amount', 'accountNumber', 'idNumber', 'phone', 'date']);

export function FormStep({ token, ticket, lang, today, onBack, onDone, onSessionEnded }: Props) {
  const { t } = useTranslation(['kiosk', 'common']);
  const [info, setInfo] = useState<KioskFormInfo | null>(null);
  const [loadFailed, setLoadFailed] = useState(false);
  const [formId, setFormId] = useState<FormId | null>(null);
  const [draft, setDraft] = useState<Draft>({});
  const [currency, setCurrency] = useState<Record<string, string>>({});
  /** Pre-filled fields the customer chose to replace. */
  const [overridden, setOverridden] = useState<Set<string>>(new Set());
  const [active, setActive] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, FieldErrorKey>>({});
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    request('formPrefill', token, { params: { id: ticket.id } })
      .then((r) => {
        if (!live) return;
        setInfo(r);
        if (r.formIds.length === 1) setFormId(r.formIds[0]!);
      })
      .catch((err: unknown) => {
        if (isSessionEnded(err)) onSessionEnded();
        else if (live) setLoadFailed(true);
      });
    return () => {
      live = false;
    };
  }, [ticket.id, token, onSessionEnded]);

  const form = formId ? FORM_BY_ID.get(formId) ?? null : null;
  const prefilledKeys = useMemo(
    () => (form && info ? form.fields.filter((f) => info.prefilled[f.key] !== undefined && !overridden.has(f.key)).map((f) => f.key) : []),
    [form, info, overridden],
  );

  const valuesToSend = (): Record<string, unknown> => {
    if (!form) return {};
    const out: Record<string, unknown> = {};
    for (const f of form.fields) {
      if (prefilledKeys.includes(f.key)) continue;
      const v = draft[f.key] ?? '';
      if (f.type === 'amount') out[f.key] = v === '' ? null : { amount: v, currency: currency[f.key] ?? f.currencies?.[0] ?? 'CNY' };
      else out[f.key] = v;
    }
    return out;
  };

  const submit = async () => {
    if (!form || saving) return;
    const values = valuesToSend();
    const errs = formErrors(form, values, { today, omit: prefilledKeys });
    setErrors(errs);
    setFailed(false);
    if (Object.keys(errs).length > 0) return;
    setSaving(true);
    try {
      await request('submitForm', token, { params: { id: ticket.id }, body: { formId: form.id, values } });
      setSaved(true);
    } catch (err) {
      if (isSessionEnded(err)) onSessionEnded();
      else setFailed(true);
    } finally {
      setSaving(false);
    }
  };

  const setValue = (key: string, v: string) => {
    setDraft((d) => ({ ...d, [key]: v }));
    setErrors((e) => {
      if (!e[key]) return e;
      const { [key]: _gone, ...rest } = e;
      return rest;
    });
  };

  const backButton = (look: 'secondary' | 'ghost') => (
    <button type="button" className={`kiosk-btn kiosk-btn--${look}`} data-testid="kiosk-form-back" onClick={onBack}>
      {t('kiosk:form.backToTicket')}
    </button>
  );

  if (saved) {
    return (
      <section className="kiosk-form" data-testid="kiosk-form-saved">
        <p className="kiosk-form__saved" role="status">
          {t('kiosk:form.saved')}
        </p>
        <div className="kiosk-form__actions">
          {backButton('secondary')}
          <button type="button" className="kiosk-btn kiosk-btn--primary" data-testid="kiosk-form-done" onClick={onDone}>
            {t('kiosk:form.done')}
          </button>
        </div>
      </section>
    );
  }

  const activeField = form?.fields.find((f) => f.key === active && KEYPAD_TYPES.has(f.type)) ?? null;

  return (
    <section className="kiosk-form" data-testid="kiosk-form">
      <div className="kiosk-form__head">
        <h1>{form ? form.title[lang] : t('kiosk:form.title')}</h1>
        <p className="kiosk-form__ticket">{t('kiosk:ticket.yourNumber')}: {ticket.number}</p>
      </div>

      {!info && !loadFailed && <p className="kiosk-notice">{t('kiosk:form.loading')}</p>}
      {loadFailed && (
        <p className="kiosk-notice" role="alert">
          {t('kiosk:form.failed')}
        </p>
      )}

      {info && !form && (
        <div className="kiosk-form__choose" role="group" aria-labelledby="kiosk-form-choose">
          <h2 id="kiosk-form-choose">{t('kiosk:form.choose')}</h2>
          {info.formIds.map((id) => (
            <button key={id} type="button" className="kiosk-btn kiosk-btn--service" data-testid={`kiosk-form-choose-${id}`} onClick={() => setFormId(id)}>
              <span className="kiosk-service__name">{FORM_BY_ID.get(id)!.title[lang]}</span>
            </button>
          ))}
        </div>
      )}

      {form && info && (
        <form
          className="kiosk-form__fields"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          {form.fields.map((f) => (
            <Fragment key={f.key}>
              <Field
                field={f}
                lang={lang}
                value={draft[f.key] ?? ''}
                masked={prefilledKeys.includes(f.key) ? info.prefilled[f.key]! : null}
                currency={currency[f.key] ?? f.currencies?.[0] ?? 'CNY'}
                today={today}
                error={errors[f.key] ? t(`kiosk:form.errors.${errors[f.key]}`) : null}
                active={active === f.key}
                onFocus={() => setActive(f.key)}
                onChange={(v) => setValue(f.key, v)}
                onCurrency={(c) => setCurrency((m) => ({ ...m, [f.key]: c }))}
                onOverride={() => {
                  setOverridden((s) => new Set(s).add(f.key));
                  setActive(f.key);
                }}
              />
              {/* The keypad opens right under the number field being typed. */}
              {activeField?.key === f.key && (
                <FormKeypad
                  field={activeField}
                  value={draft[activeField.key] ?? ''}
                  onChange={(v) => setValue(activeField.key, v)}
                  onDone={() => setActive(null)}
                />
              )}
            </Fragment>
          ))}
          {Object.keys(errors).length > 0 && (
            <p className="kiosk-form__error" role="alert" data-testid="kiosk-form-errors">
              {t('kiosk:form.fixErrors')}
            </p>
          )}
          {failed && (
            <p className="kiosk-form__error" role="alert" data-testid="kiosk-form-failed">
              {t('kiosk:form.failed')}
            </p>
          )}
          <div className="kiosk-form__actions">
            {backButton('ghost')}
            <button type="submit" className="kiosk-btn kiosk-btn--primary" data-testid="kiosk-form-submit" disabled={saving}>
              {saving ? t('kiosk:form.saving') : t('kiosk:form.submit')}
            </button>
          </div>
        </form>
      )}

      {(!form || !info) && (
        <div className="kiosk-form__actions">
          {backButton('ghost')}
        </div>
      )}
    </section>
  );
}

interface FieldProps {
  field: FieldDef;
  lang: Language;
  value: string;
  masked: string | null;
  currency: string;
  /** Branch business date, for the date field's quick picks. */
  today: string;
  error: string | null;
  active: boolean;
  onFocus: () => void;
  onChange: (v: string) => void;
  onCurrency: (c: string) => void;
  onOverride: () => void;
}

function Field({ field: f, lang, value, masked, currency, today, error, active, onFocus, onChange, onCurrency, onOverride }: FieldProps) {
  const { t } = useTranslation(['kiosk']);
  const [other, setOther] = useState(false);
  const id = `kiosk-field-${f.key}`;
  const label = (
    <span className="kiosk-field__label" id={`${id}-label`}>
      {f.label[lang]}
      {!f.required && <span className="kiosk-field__optional"> ({t('kiosk:form.optional')})</span>}
    </span>
  );
  const errorEl = error ? (
    <span className="kiosk-field__error" id={`${id}-error`} data-testid={`${id}-error`}>
      {error}
    </span>
  ) : null;

  if (masked !== null) {
    return (
      <div className="kiosk-field is-prefilled" data-testid={id}>
        {label}
        <div className="kiosk-field__row">
          <span className="kiosk-field__masked" aria-labelledby={`${id}-label`} data-testid={`${id}-masked`}>
            {masked}
          </span>
          <span className="kiosk-field__hint">{t('kiosk:form.prefilled')}</span>
          <button type="button" className="kiosk-btn kiosk-btn--ghost kiosk-field__change" data-testid={`${id}-change`} onClick={onOverride}>
            {t('kiosk:form.change')}
          </button>
        </div>
      </div>
    );
  }

  if (f.type === 'choice') {
    return (
      <div className={`kiosk-field${error ? ' has-error' : ''}`} data-testid={id} role="group" aria-labelledby={`${id}-label`}>
        {label}
        <div className="kiosk-field__choices">
          {f.choices!.map((c) => (
            <button
              key={c.value}
              type="button"
              className={`kiosk-btn kiosk-btn--secondary kiosk-field__choice${value === c.value ? ' is-active' : ''}`}
              aria-pressed={value === c.value}
              data-testid={`${id}-${c.value}`}
              onClick={() => onChange(c.value)}
            >
              {c.label[lang]}
            </button>
          ))}
        </div>
        {errorEl}
      </div>
    );
  }

  const keypad = KEYPAD_TYPES.has(f.type);
  const suggested = f.suggestions?.some((x) => x.value === value) ?? false;
  // A text field with common answers shows them as buttons; "other" opens the box.
  const showBox = !f.suggestions || other || (value !== '' && !suggested);
  const quickDates =
    f.type === 'date'
      ? [
          { label: t('kiosk:form.today'), value: today, id: 'today' },
          f.when === 'past'
            ? { label: t('kiosk:form.yesterday'), value: addDaysIso(today, -1), id: 'yesterday' }
            : { label: t('kiosk:form.tomorrow'), value: addDaysIso(today, 1), id: 'tomorrow' },
        ]
      : [];
  return (
    <div className={`kiosk-field${error ? ' has-error' : ''}${active ? ' is-active' : ''}`} data-testid={id}>
      <label htmlFor={id}>{label}</label>
      {f.suggestions && (
        <div className="kiosk-field__choices" role="group" aria-labelledby={`${id}-label`}>
          {f.suggestions.map((c, i) => (
            <button
              key={c.value}
              type="button"
              className={`kiosk-btn kiosk-btn--secondary kiosk-field__choice${value === c.value ? ' is-active' : ''}`}
              aria-pressed={value === c.value}
              data-testid={`${id}-suggestion-${i}`}
              onClick={() => {
                setOther(false);
                onChange(c.value);
              }}
            >
              {c.label[lang]}
            </button>
          ))}
          <button
            type="button"
            className={`kiosk-btn kiosk-btn--secondary kiosk-field__choice${showBox ? ' is-active' : ''}`}
            aria-pressed={showBox}
            data-testid={`${id}-other`}
            onClick={() => {
              setOther(true);
              if (suggested) onChange('');
              onFocus();
            }}
          >
            {t('kiosk:form.other')}
          </button>
        </div>
      )}
      {showBox && (
        <div className="kiosk-field__row">
          <input
            id={id}
            className="kiosk-field__input"
            type="text"
            // Digits and dates come from the on-screen keypad (or a reader typing like a keyboard): no
            // system keyboard. Text opens the system's on-screen keyboard (pinyin or handwriting).
            inputMode={keypad ? 'none' : 'text'}
            autoComplete="off"
            spellCheck={false}
            value={value}
            placeholder={f.type === 'date' ? t('kiosk:form.datePlaceholder') : undefined}
            maxLength={f.type === 'text' ? f.maxLength ?? 60 : 40}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : f.type === 'text' ? `${id}-hint` : undefined}
            autoFocus={other}
            onFocus={onFocus}
            onChange={(e) => onChange(f.type === 'date' ? formatDateDigits(e.target.value) : e.target.value)}
          />
          {quickDates.map((q) => (
            <button
              key={q.id}
              type="button"
              className={`kiosk-btn kiosk-btn--secondary kiosk-field__choice${value === q.value ? ' is-active' : ''}`}
              aria-pressed={value === q.value}
              data-testid={`${id}-${q.id}`}
              onClick={() => onChange(q.value)}
            >
              {q.label}
            </button>
          ))}
          {f.type === 'amount' && (f.currencies?.length ?? 1) > 1 && (
            <div className="kiosk-field__currencies" role="group" aria-label={t('kiosk:form.currency')}>
              {f.currencies!.map((c) => (
                <button
                  key={c}
                  type="button"
                  className={`kiosk-btn kiosk-btn--secondary kiosk-field__choice${c === currency ? ' is-active' : ''}`}
                  aria-pressed={c === currency}
                  data-testid={`${id}-currency-${c}`}
                  onClick={() => onCurrency(c)}
                >
                  {c}
                </button>
              ))}
            </div>
          )}
          {f.type === 'amount' && (f.currencies?.length ?? 1) <= 1 && <span className="kiosk-field__unit">{currency}</span>}
        </div>
      )}
      {showBox && f.type === 'text' && (
        <span className="kiosk-field__hint" id={`${id}-hint`}>
          {f.suggestions ? t('kiosk:form.otherHint') : t('kiosk:form.typeHint')}
        </span>
      )}
      {errorEl}
    </div>
  );
}

/** On-screen keypad for the active number or amount field. */
function FormKeypad({ field, value, onChange, onDone }: { field: FieldDef; value: string; onChange: (v: string) => void; onDone: () => void }) {
  const { t } = useTranslation(['kiosk']);
  const date = field.type === 'date';
  const corner: CornerKey =
    field.type === 'amount' ? { key: '.', testKey: 'dot', label: t('kiosk:form.decimal'), enabled: true } : field.type === 'idNumber' ? { key: 'X', enabled: true } : null;
  return (
    <Keypad
      label={date ? t('kiosk:form.dateKeypad') : t('kiosk:form.keypad')}
      prefix="kiosk-form-key"
      testId="kiosk-form-keypad"
      className="kiosk-form__keypad"
      value={value}
      onKey={(k) => onChange(date ? formatDateDigits(value + k) : value + k)}
      onChange={(v) => onChange(date ? formatDateDigits(v) : v)}
      full={date && value.length >= 10}
      corner={corner}
      confirm={{ label: t('kiosk:identify.confirm'), testId: 'kiosk-form-key-ok', onConfirm: onDone }}
    />
  );
}
