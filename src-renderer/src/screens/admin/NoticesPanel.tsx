/**
 * Branch notices for the lobby display's marquee: list, add, edit, reorder and remove,
 * both languages required, an optional schedule, a preview as the display shows it. Checked as
 * you type with the hub's own schema (domain/notices.ts), so a phone, card or ID number is refused
 * before it is sent; the hub checks again.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  MAX_NOTICES,
  NOTICE_MAX_CHARS,
  NoticeInputSchema,
  noticeState,
  type BranchNotice,
  type NoticeState,
  type PersonalDataKind,
} from '@domain/notices';
import type { StaffCall } from '../../components/staffApi';
import { errorMessage, formatDateTime, useNow } from '../../components/format';

type Field = 'zh' | 'en' | 'startsAt' | 'endsAt';
interface Draft {
  /** null: a new notice. */
  id: string | null;
  zh: string;
  en: string;
  /** datetime-local values ('' = none), in this device's time zone. */
  startsAt: string;
  endsAt: string;
}
type FieldErrors = Partial<Record<Field, string>>;

const EMPTY: Draft = { id: null, zh: '', en: '', startsAt: '', endsAt: '' };

/** ISO instant -> datetime-local value in this device's time zone. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
/** datetime-local value -> ISO instant, null when empty, undefined when not a time. */
export function fromLocalInput(value: string): string | null | undefined {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function NoticesPanel({ call }: { call: StaffCall }) {
  const { t } = useTranslation(['admin', 'common', 'display']);
  const [notices, setNotices] = useState<BranchNotice[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState<string | null>(null);
  const now = useNow(15_000);

  const load = useCallback(() => {
    call('allNotices')
      .then((r) => {
        setNotices(r.notices);
        setLoaded(true);
        setError(null);
      })
      .catch((err) => setError(errorMessage(err)));
  }, [call]);
  useEffect(load, [load]);

  // ------------------------------------------------------------ the form, checked as typed
  const parsed = useMemo(() => {
    if (!draft) return null;
    const errors: FieldErrors = {};
    const startsAt = fromLocalInput(draft.startsAt);
    const endsAt = fromLocalInput(draft.endsAt);
    if (startsAt === undefined) errors.startsAt = t('notices.errors.invalidTime');
    if (endsAt === undefined) errors.endsAt = t('notices.errors.invalidTime');
    const r = NoticeInputSchema.safeParse({ text: { 'zh-CN': draft.zh, en: draft.en }, startsAt: startsAt ?? null, endsAt: endsAt ?? null });
    if (!r.success) {
      for (const issue of r.error.issues) {
        const field: Field = issue.path[1] === 'zh-CN' ? 'zh' : issue.path[1] === 'en' ? 'en' : 'endsAt';
        if (errors[field]) continue;
        const kind = (issue as { params?: { personalData?: PersonalDataKind } }).params?.personalData;
        if (kind) errors[field] = t(`notices.errors.personal.${kind}`);
        else if (issue.code === 'too_small') errors[field] = t('notices.errors.required');
        else if (issue.code === 'too_big') errors[field] = t('notices.errors.tooLong', { max: field === 'zh' ? NOTICE_MAX_CHARS['zh-CN'] : NOTICE_MAX_CHARS.en });
        else if (field === 'endsAt') errors.endsAt = t('notices.errors.endBeforeStart');
        else errors[field] = t('notices.errors.oneLine');
      }
    }
    if (!errors.endsAt && endsAt && Date.parse(endsAt) <= Date.now()) errors.endsAt = t('notices.errors.endPast');
    return { errors, body: r.success && Object.keys(errors).length === 0 ? r.data : null };
  }, [draft, t]);

  /** A field's error shows once it has content (personal data at once) or after a save attempt. */
  const shownError = (field: Field): string | undefined => {
    const e = parsed?.errors[field];
    if (!e || !draft) return undefined;
    const value = field === 'zh' ? draft.zh : field === 'en' ? draft.en : field === 'startsAt' ? draft.startsAt : draft.endsAt;
    return tried || value.trim() !== '' ? e : undefined;
  };

  const edit = (n: BranchNotice | null) => {
    setTried(false);
    setError(null);
    setConfirmRemove(null);
    setDraft(
      n ? { id: n.id, zh: n.text['zh-CN'], en: n.text.en, startsAt: toLocalInput(n.startsAt), endsAt: toLocalInput(n.endsAt) } : { ...EMPTY },
    );
  };

  const save = async () => {
    setTried(true);
    if (!draft || !parsed?.body) return;
    setBusy(true);
    try {
      if (draft.id) await call('updateNotice', { params: { id: draft.id }, body: parsed.body });
      else await call('addNotice', { body: parsed.body });
      setDraft(null);
      load();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (id: string) => {
    setBusy(true);
    try {
      await call('removeNotice', { params: { id } });
      setConfirmRemove(null);
      if (draft?.id === id) setDraft(null);
      load();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const move = async (index: number, by: -1 | 1) => {
    const ids = notices.map((n) => n.id);
    const other = index + by;
    if (other < 0 || other >= ids.length) return;
    [ids[index], ids[other]] = [ids[other]!, ids[index]!];
    setBusy(true);
    try {
      const r = await call('reorderNotices', { body: { ids } });
      setNotices(r.notices);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
      load();
    } finally {
      setBusy(false);
    }
  };

  const stateOf = (n: BranchNotice): NoticeState => noticeState(n, now);
  const when = (n: { startsAt: string | null; endsAt: string | null }) => {
    if (!n.startsAt && !n.endsAt) return t('notices.always');
    if (n.startsAt && n.endsAt) return t('notices.range', { from: formatDateTime(n.startsAt), to: formatDateTime(n.endsAt) });
    return n.startsAt ? t('notices.from', { time: formatDateTime(n.startsAt) }) : t('notices.until', { time: formatDateTime(n.endsAt) });
  };
  const full = notices.length >= MAX_NOTICES;

  return (
    <section className="adm-panel" data-testid="notices-panel">
      <div className="adm-panel-head">
        <h2>{t('notices.title')}</h2>
        <span className="adm-note">{t('notices.count', { n: notices.length, max: MAX_NOTICES })}</span>
        <button type="button" className="adm-btn adm-btn--primary adm-push" onClick={() => edit(null)} disabled={full || busy} data-testid="notice-add">
          + {t('notices.add')}
        </button>
        <button type="button" className="adm-btn" onClick={load} data-testid="notices-refresh">
          ⟳ {t('common:actions.refresh')}
        </button>
      </div>
      <p className="adm-hint">{t('notices.hint')}</p>
      {full && <p className="adm-hint">{t('notices.limit', { max: MAX_NOTICES })}</p>}
      {error && (
        <div className="adm-error" role="alert" data-testid="notices-error">
          {error}
        </div>
      )}

      {draft && (
        <form
          className="adm-notice-form"
          data-testid="notice-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <h3>{draft.id ? t('notices.editTitle') : t('notices.newTitle')}</h3>
          <TextField
            id="notice-zh"
            lang="zh-CN"
            label={t('notices.zh')}
            value={draft.zh}
            max={NOTICE_MAX_CHARS['zh-CN']}
            error={shownError('zh')}
            onChange={(zh) => setDraft({ ...draft, zh })}
          />
          <TextField
            id="notice-en"
            lang="en"
            label={t('notices.en')}
            value={draft.en}
            max={NOTICE_MAX_CHARS.en}
            error={shownError('en')}
            onChange={(en) => setDraft({ ...draft, en })}
          />
          <fieldset className="adm-notice-schedule">
            <legend>{t('notices.schedule')}</legend>
            {(['startsAt', 'endsAt'] as const).map((field) => (
              <div key={field} className="adm-field">
                <label htmlFor={`notice-${field}`}>{t(`notices.${field}`)}</label>
                <div className="adm-field-row">
                  <input
                    id={`notice-${field}`}
                    type="datetime-local"
                    value={draft[field]}
                    onChange={(e) => setDraft({ ...draft, [field]: e.target.value })}
                    aria-invalid={shownError(field) ? true : undefined}
                    aria-describedby={shownError(field) ? `notice-${field}-error` : undefined}
                    data-testid={`notice-${field}`}
                  />
                  {draft[field] && (
                    <button type="button" className="adm-btn adm-btn--small" onClick={() => setDraft({ ...draft, [field]: '' })}>
                      {t('notices.clear')}
                    </button>
                  )}
                </div>
                {shownError(field) && (
                  <span className="adm-field-error" id={`notice-${field}-error`} role="alert">
                    {shownError(field)}
                  </span>
                )}
              </div>
            ))}
            <p className="adm-hint">{t('notices.scheduleHint')}</p>
          </fieldset>

          <div className="adm-notice-preview" data-testid="notice-preview">
            <span className="adm-notice-preview__label">{t('notices.preview')}</span>
            <div className="adm-notice-preview__bar">
              <span className="adm-notice-preview__title">
                <span lang="zh-CN">{t('display:noticesTitle', { lng: 'zh-CN' })}</span>
                <span lang="en">{t('display:noticesTitle', { lng: 'en' })}</span>
              </span>
              <span className="adm-notice-preview__text">
                {draft.zh.trim() || draft.en.trim() ? (
                  <>
                    <span lang="zh-CN">{draft.zh.trim()}</span>
                    <span lang="en">{draft.en.trim()}</span>
                  </>
                ) : (
                  <span className="adm-notice-preview__empty">{t('notices.previewEmpty')}</span>
                )}
              </span>
            </div>
            <span className="adm-notice-preview__when">{parsed?.body ? when(parsed.body) : ''}</span>
          </div>

          <div className="adm-notice-actions">
            <button type="submit" className="adm-btn adm-btn--primary" disabled={busy} data-testid="notice-save">
              {busy ? t('notices.saving') : t('notices.save')}
            </button>
            <button type="button" className="adm-btn" onClick={() => setDraft(null)} disabled={busy} data-testid="notice-cancel">
              {t('notices.cancel')}
            </button>
          </div>
        </form>
      )}

      {!loaded && !error ? (
        <p className="adm-empty">{t('common:loading')}</p>
      ) : loaded && notices.length === 0 ? (
        <p className="adm-empty" data-testid="notices-empty">
          {t('notices.empty')}
        </p>
      ) : notices.length > 0 ? (
        <table className="adm-table adm-notices" data-testid="notices-table">
          <thead>
            <tr>
              <th scope="col">{t('notices.order')}</th>
              <th scope="col">{t('notices.text')}</th>
              <th scope="col">{t('notices.when')}</th>
              <th scope="col">{t('notices.state')}</th>
              <th scope="col">{t('notices.updated')}</th>
              <th scope="col">
                <span className="adm-sr">{t('notices.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {notices.map((n, i) => {
              const state = stateOf(n);
              return (
                <tr key={n.id} data-testid="notice-row" data-notice-id={n.id} data-state={state} className={draft?.id === n.id ? 'is-editing' : undefined}>
                  <td className="mono">{i + 1}</td>
                  <td className="adm-notice-text">
                    <span lang="zh-CN">{n.text['zh-CN']}</span>
                    <span lang="en">{n.text.en}</span>
                  </td>
                  <td className="adm-notice-when">{when(n)}</td>
                  <td>
                    <span className={`adm-pill is-${state}`}>{t(`notices.states.${state}`)}</span>
                  </td>
                  <td className="adm-notice-updated">
                    {formatDateTime(n.updatedAt)}
                    <br />
                    {n.source === 'head_office' ? (
                      <span data-testid="notice-from-head-office">{t('notices.headOffice')}</span>
                    ) : n.updatedBy === 'system' ? (
                      t('notices.system')
                    ) : (
                      <span className="mono">{n.updatedBy}</span>
                    )}
                  </td>
                  <td className="adm-notice-buttons">
                    {confirmRemove === n.id ? (
                      <span className="adm-confirm" role="group" aria-label={t('notices.confirmRemove')}>
                        <span>{t('notices.confirmRemove')}</span>
                        <button type="button" className="adm-btn adm-btn--danger" onClick={() => void remove(n.id)} disabled={busy} data-testid="notice-remove-yes">
                          {t('notices.remove')}
                        </button>
                        <button type="button" className="adm-btn" onClick={() => setConfirmRemove(null)}>
                          {t('notices.cancel')}
                        </button>
                      </span>
                    ) : (
                      <>
                        <button
                          type="button"
                          className="adm-btn adm-btn--icon"
                          onClick={() => void move(i, -1)}
                          disabled={busy || i === 0}
                          aria-label={t('notices.moveUp')}
                          title={t('notices.moveUp')}
                          data-testid="notice-up"
                        >
                          ↑
                        </button>
                        <button
                          type="button"
                          className="adm-btn adm-btn--icon"
                          onClick={() => void move(i, 1)}
                          disabled={busy || i === notices.length - 1}
                          aria-label={t('notices.moveDown')}
                          title={t('notices.moveDown')}
                          data-testid="notice-down"
                        >
                          ↓
                        </button>
                        {/* Head office's notices change with its next bundle, not here. */}
                        {n.source !== 'head_office' && (
                          <>
                            <button type="button" className="adm-btn" onClick={() => edit(n)} disabled={busy} data-testid="notice-edit">
                              {t('notices.edit')}
                            </button>
                            <button type="button" className="adm-btn" onClick={() => setConfirmRemove(n.id)} disabled={busy} data-testid="notice-remove">
                              {t('notices.remove')}
                            </button>
                          </>
                        )}
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function TextField(props: {
  id: string;
  lang: 'zh-CN' | 'en';
  label: string;
  value: string;
  max: number;
  error: string | undefined;
  onChange: (v: string) => void;
}) {
  const { t } = useTranslation('admin');
  const length = props.value.trim().length;
  return (
    <div className="adm-field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="text"
        lang={props.lang}
        className="adm-notice-input"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={`${props.id}-count${props.error ? ` ${props.id}-error` : ''}`}
        data-testid={props.id}
      />
      <div className="adm-field-foot">
        {props.error ? (
          <span className="adm-field-error" id={`${props.id}-error`} role="alert" data-testid={`${props.id}-error`}>
            {props.error}
          </span>
        ) : (
          <span />
        )}
        <span className={`adm-count${length > props.max ? ' is-over' : ''}`} id={`${props.id}-count`}>
          {t('notices.chars', { n: length, max: props.max })}
        </span>
      </div>
    </div>
  );
}
