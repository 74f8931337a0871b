/**
 * The counters board of the manager's tablet: every counter with its state (open,
 * paused with the reason and since when, closed), the number it is serving, open / pause / close,
 * and the editor of its profile (the services it serves, each with a weight). The staff snapshot
 * carries no counter states, so the board reads GET /api/v1/counters whenever its offset moves (queue:changed or queue:delta)
 * (each counter change pushes one) and on reconnect.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BranchInfo, CounterStatus, PauseReason, QueueSnapshot } from '@domain/contracts';
import { currentLanguage, formatTime, useNow } from '../../components/format';
import type { StaffCall } from '../../components/staffApi';
import { Dialog, ErrorLine, useSubmit } from './Dialog';
import { counterLabel, counterName, serviceName } from './labels';
import {
  checkPause,
  checkProfile,
  msg,
  NOTE_MAX,
  opsErrorMsg,
  PAUSE_REASONS,
  profileChanged,
  profileRows,
  renderMsg,
  servicesLeftUnserved,
  servicesOnlyHere,
  stateSeconds,
  stepWeight,
  WEIGHT_MAX,
  WEIGHT_MIN,
  type Msg,
  type ProfileRow,
} from './ops';

type Action = 'open' | 'pause' | 'close' | 'profile';
type OpenDialog = { kind: 'pause' | 'close' | 'profile'; counterId: number } | null;

interface Props {
  call: StaffCall;
  branch: BranchInfo | null;
  snapshot: QueueSnapshot | null;
  connected: boolean;
  toast: (kind: 'info' | 'green' | 'warn', m: Msg) => void;
  /** The branch info (counters' service codes) changed: reload it. */
  onProfileSaved: () => void;
}

export function CountersBoard({ call, branch, snapshot, connected, toast, onProfileSaved }: Props) {
  const { t } = useTranslation(['manager', 'common']);
  const [counters, setCounters] = useState<CounterStatus[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [busy, setBusy] = useState<Record<number, Action | undefined>>({});
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const now = useNow(15_000);

  const load = useCallback(() => {
    call('counters')
      .then((res) => {
        setCounters(res.counters);
        setLoadError(null);
      })
      .catch((err) => setLoadError(err));
  }, [call]);

  // Every counter change pushes a queue snapshot with a new offset: read the board again.
  const offset = snapshot?.offset ?? -1;
  useEffect(() => {
    if (connected || offset < 0) load();
  }, [load, offset, connected]);

  const name = (id: number) => counterName(branch, id, t);
  const waitingFor = (code: string) => snapshot?.services.find((s) => s.code === code)?.waiting ?? 0;
  const targeted = (id: number) => snapshot?.waiting.filter((w) => w.targetCounterId === id).length ?? 0;

  const merge = (status: CounterStatus) => setCounters((cs) => (cs ? cs.map((c) => (c.counterId === status.counterId ? { ...c, ...status } : c)) : cs));

  /** Runs one counter action; resolves when acknowledged, rethrows for the dialog to show. */
  const run = useCallback(
    async (counterId: number, action: Action, send: () => Promise<void>, done: Msg) => {
      setBusy((b) => ({ ...b, [counterId]: action }));
      try {
        await send();
        toast(action === 'open' ? 'green' : 'info', done);
      } finally {
        setBusy((b) => ({ ...b, [counterId]: undefined }));
      }
    },
    [toast],
  );

  const setState = (counterId: number, state: 'open' | 'pause' | 'close', pause?: { reason: PauseReason; note?: string }) =>
    run(
      counterId,
      state,
      async () =>
        merge(
          state === 'pause'
            ? await call('pauseCounter', { params: { counterId }, body: pause ?? { reason: 'other' } })
            : await call(state === 'close' ? 'closeCounter' : 'openCounter', { params: { counterId } }),
        ),
      msg(`manager:counters.done.${state}`, { counter: counterLabel(branch, counterId) }),
    );

  const openCounter = (counterId: number) =>
    setState(counterId, 'open').catch((err) => toast('warn', msg('manager:counters.failed', { counter: counterLabel(branch, counterId), error: opsErrorMsg(err) })));

  const dialogCounter = dialog ? counters?.find((c) => c.counterId === dialog.counterId) ?? null : null;

  if (!counters) {
    return (
      <div className="cb-board" data-testid="counters-board">
        <h2 className="mgr-h2">{t('counters.title')}</h2>
        {loadError !== null ? (
          <div className="mgr-error" role="alert" data-testid="counters-error">
            {renderMsg(t, opsErrorMsg(loadError), currentLanguage())}
            <button type="button" onClick={load}>
              {t('common:actions.retry')}
            </button>
          </div>
        ) : (
          <p className="mgr-empty">{t('common:loading')}</p>
        )}
      </div>
    );
  }

  const counts = { open: 0, paused: 0, closed: 0 };
  for (const c of counters) counts[c.state]++;

  return (
    <div className="cb-board" data-testid="counters-board">
      <div className="cb-head">
        <h2 className="mgr-h2">{t('counters.title')}</h2>
        <span className="cb-sum" data-testid="counters-summary">
          {t('counters.summary', counts)}
        </span>
        <button type="button" className="ops-btn is-small" onClick={load} data-testid="counters-refresh">
          ⟳ {t('common:actions.refresh')}
        </button>
      </div>
      {loadError !== null && (
        <div className="mgr-error" role="alert" data-testid="counters-error">
          {renderMsg(t, opsErrorMsg(loadError), currentLanguage())}
        </div>
      )}
      <div className="cb-grid">
        {counters.map((c) => {
          const info = branch?.counters.find((x) => x.id === c.counterId);
          const secs = stateSeconds(c.changedAt, now);
          const mins = secs === null ? null : Math.floor(secs / 60);
          const action = busy[c.counterId];
          const serving = c.currentNumber;
          const onlyHere = c.state === 'open' ? servicesOnlyHere(counters, c.counterId).filter((code) => waitingFor(code) > 0) : [];
          const forHere = targeted(c.counterId);
          return (
            <article
              key={c.counterId}
              className={`cb-card is-${c.state}`}
              data-testid="counter-card"
              data-counter-id={c.counterId}
              data-state={c.state}
              aria-label={name(c.counterId)}
            >
              <header className="cb-card-head">
                <h3>{name(c.counterId)}</h3>
                {info?.vip && <span className="cb-vip">{t('common:vip')}</span>}
                <span className={`cb-state is-${c.state}`} data-testid="counter-state">
                  {t(`counters.state.${c.state}`)}
                </span>
              </header>

              <p className={`cb-tellers ${c.tellers.length ? '' : 'is-none'}`} data-testid="counter-tellers" data-count={c.tellers.length}>
                {c.tellers.length
                  ? t('counters.tellers', { names: c.tellers.map((x) => x.name).join('、') })
                  : t('counters.noTeller')}
                {c.bySignIn && c.state === 'open' && <span className="ops-muted"> · {t('counters.bySignIn')}</span>}
              </p>

              <div className="cb-serving">
                <span className="cb-k">{t('counters.serving')}</span>
                {serving ? (
                  <b className="mgr-num" data-testid="counter-serving">
                    {serving}
                  </b>
                ) : (
                  <span className="cb-idle" data-testid="counter-serving">
                    {c.state === 'open' ? t('counters.idle') : '—'}
                  </span>
                )}
              </div>

              <p className="cb-since" data-testid="counter-since">
                {c.state === 'paused' && c.reason ? (
                  <>
                    <b data-testid="counter-reason">{t(`counters.reasons.${c.reason}`)}</b>
                    {' · '}
                  </>
                ) : null}
                {c.changedAt
                  ? t(`counters.since.${c.state}`, { time: formatTime(c.changedAt), count: mins ?? 0 })
                  : c.state === 'open'
                    ? t('counters.since.start')
                    : t('counters.since.startClosed')}
                {c.changedBy && <span className="ops-muted"> · {t('counters.by', { who: c.changedBy })}</span>}
              </p>
              {c.state === 'paused' && c.note && (
                <p className="cb-note" data-testid="counter-note">
                  “{c.note}”
                </p>
              )}
              {forHere > 0 && (
                <p className={`cb-flag ${c.state === 'open' ? '' : 'is-warn'}`} data-testid="counter-targeted">
                  {t('counters.targeted', { count: forHere })}
                </p>
              )}

              <div className="cb-services" aria-label={t('counters.profile.label')} data-testid="counter-services">
                {c.services.map((s) => (
                  <span key={s.code} className="cb-svc" data-testid="counter-service" data-code={s.code} data-weight={s.weight}>
                    <b>{s.code}</b> {serviceName(branch, s.code)}
                    <span className="cb-w" title={t('counters.profile.weight')}>
                      ×{s.weight}
                    </span>
                  </span>
                ))}
              </div>

              {serving && c.state === 'open' && (
                <p className="ops-help" data-testid="counter-busy-hint">
                  {t('counters.busyHint', { number: serving })}
                </p>
              )}
              {onlyHere.length > 0 && !serving && (
                <p className="ops-help">{t('counters.onlyHere', { services: onlyHere.map((code) => serviceName(branch, code)).join('、') })}</p>
              )}

              <div className="cb-actions">
                {c.state !== 'open' && (
                  <button
                    type="button"
                    className="ops-btn is-primary"
                    disabled={action !== undefined}
                    onClick={() => void openCounter(c.counterId)}
                    data-testid="counter-open"
                  >
                    {action === 'open' ? t('ops.sending') : t('counters.actions.open')}
                  </button>
                )}
                {c.state === 'open' && (
                  <button
                    type="button"
                    className="ops-btn"
                    disabled={action !== undefined || serving !== null}
                    onClick={() => setDialog({ kind: 'pause', counterId: c.counterId })}
                    data-testid="counter-pause"
                  >
                    {t('counters.actions.pause')}
                  </button>
                )}
                {c.state !== 'closed' && (
                  <button
                    type="button"
                    className="ops-btn is-danger-quiet"
                    disabled={action !== undefined || serving !== null}
                    onClick={() => setDialog({ kind: 'close', counterId: c.counterId })}
                    data-testid="counter-close"
                  >
                    {t('counters.actions.close')}
                  </button>
                )}
                <button
                  type="button"
                  className="ops-btn cb-edit"
                  disabled={action !== undefined}
                  onClick={() => setDialog({ kind: 'profile', counterId: c.counterId })}
                  data-testid="counter-edit-services"
                >
                  {t('counters.actions.services')}
                </button>
              </div>
            </article>
          );
        })}
      </div>

      {dialog && dialogCounter && dialog.kind === 'pause' && (
        <PauseDialog
          key={`pause-${dialog.counterId}`}
          counter={dialogCounter}
          name={name(dialog.counterId)}
          stranded={servicesOnlyHere(counters, dialog.counterId).filter((code) => waitingFor(code) > 0).map((code) => ({ code, name: serviceName(branch, code), waiting: waitingFor(code) }))}
          onClose={() => setDialog(null)}
          onSubmit={async (body) => {
            await setState(dialog.counterId, 'pause', body);
            setDialog(null);
          }}
        />
      )}
      {dialog && dialogCounter && dialog.kind === 'close' && (
        <CloseDialog
          key={`close-${dialog.counterId}`}
          counter={dialogCounter}
          name={name(dialog.counterId)}
          targeted={targeted(dialog.counterId)}
          stranded={
            dialogCounter.state === 'open'
              ? servicesOnlyHere(counters, dialog.counterId).filter((code) => waitingFor(code) > 0).map((code) => ({ code, name: serviceName(branch, code), waiting: waitingFor(code) }))
              : []
          }
          onClose={() => setDialog(null)}
          onSubmit={async () => {
            await setState(dialog.counterId, 'close');
            setDialog(null);
          }}
        />
      )}
      {dialog && dialogCounter && dialog.kind === 'profile' && (
        <ProfileDialog
          key={`profile-${dialog.counterId}`}
          counter={dialogCounter}
          counters={counters}
          branch={branch}
          name={name(dialog.counterId)}
          waitingFor={waitingFor}
          onClose={() => setDialog(null)}
          onSubmit={async (body) => {
            await run(
              dialog.counterId,
              'profile',
              async () => {
                const res = await call('setCounterServices', { params: { counterId: dialog.counterId }, body });
                setCounters((cs) => (cs ? cs.map((c) => (c.counterId === res.counterId ? { ...c, services: res.services } : c)) : cs));
                onProfileSaved();
              },
              msg('manager:counters.done.profile', { counter: counterLabel(branch, dialog.counterId) }),
            );
            setDialog(null);
          }}
        />
      )}
    </div>
  );
}

interface Stranded {
  code: string;
  name: string;
  waiting: number;
}

function StrandedWarning({ stranded }: { stranded: Stranded[] }) {
  const { t } = useTranslation('manager');
  if (stranded.length === 0) return null;
  return (
    <div className="ops-warn" data-testid="counter-stranded">
      {t('counters.stranded')}
      <ul>
        {stranded.map((s) => (
          <li key={s.code}>{t('counters.strandedService', { service: s.name, count: s.waiting })}</li>
        ))}
      </ul>
    </div>
  );
}

function PauseDialog({
  counter,
  name,
  stranded,
  onClose,
  onSubmit,
}: {
  counter: CounterStatus;
  name: string;
  stranded: Stranded[];
  onClose: () => void;
  onSubmit: (body: { reason: PauseReason; note?: string }) => Promise<void>;
}) {
  const { t } = useTranslation(['manager', 'common']);
  const [reason, setReason] = useState<PauseReason | null>(null);
  const [note, setNote] = useState('');
  const [touched, setTouched] = useState(false);
  const { busy, error, setError, submit } = useSubmit(onSubmit);
  const check = checkPause(reason, note);
  const serving = counter.currentNumber;

  return (
    <Dialog
      title={t('counters.pause.title', { counter: name })}
      onClose={onClose}
      testId="pause-dialog"
      action={{
        label: t('counters.pause.submit'),
        testId: 'pause-submit',
        disabled: busy || serving !== null,
        busy,
        onClick: () => {
          setTouched(true);
          if (check.ok) void submit(check.value);
        },
      }}
    >
      <p className="ops-explain">{t('counters.pause.explain')}</p>
      {serving && <p className="ops-warn">{t('counters.busyHint', { number: serving })}</p>}
      <fieldset className="ops-reasons" data-testid="pause-reasons">
        <legend className="ops-label">
          {t('counters.pause.reason')} <em className="ops-req">{t('ops.required')}</em>
        </legend>
        {PAUSE_REASONS.map((r) => (
          <label key={r} className={`ops-choice is-compact ${reason === r ? 'is-selected' : ''}`} data-testid={`pause-reason-${r}`}>
            <input
              type="radio"
              name="pause-reason"
              value={r}
              checked={reason === r}
              onChange={() => {
                setReason(r);
                setError(null);
              }}
            />
            <span>{t(`counters.reasons.${r}`)}</span>
          </label>
        ))}
      </fieldset>
      <label className="ops-field">
        <span className="ops-label">
          {t('counters.pause.note')} <em className="ops-opt">{t('ops.optional')}</em>
        </span>
        <input
          type="text"
          value={note}
          onChange={(e) => setNote(e.target.value)}
          maxLength={NOTE_MAX + 20}
          placeholder={t('counters.pause.notePlaceholder')}
          data-testid="pause-note"
        />
        <span className="ops-help ops-count">
          <span />
          <span className={note.trim().length > NOTE_MAX ? 'is-over' : ''}>
            {note.trim().length}/{NOTE_MAX}
          </span>
        </span>
      </label>
      <StrandedWarning stranded={stranded} />
      {touched && !check.ok && (
        <p className="ops-field-error" role="alert" data-testid="pause-invalid">
          {renderMsg(t, check.error, currentLanguage())}
        </p>
      )}
      <ErrorLine error={error} testId="pause-error" />
    </Dialog>
  );
}

function CloseDialog({
  counter,
  name,
  targeted,
  stranded,
  onClose,
  onSubmit,
}: {
  counter: CounterStatus;
  name: string;
  targeted: number;
  stranded: Stranded[];
  onClose: () => void;
  onSubmit: () => Promise<void>;
}) {
  const { t } = useTranslation(['manager', 'common']);
  const { busy, error, submit } = useSubmit(onSubmit);
  const serving = counter.currentNumber;
  return (
    <Dialog
      title={t('counters.close.title', { counter: name })}
      onClose={onClose}
      testId="close-dialog"
      tone="danger"
      focusCancel
      action={{ label: t('counters.close.submit'), testId: 'close-confirm', tone: 'danger', disabled: busy || serving !== null, busy, onClick: () => void submit() }}
    >
      <p className="ops-explain">{t('counters.close.explain')}</p>
      {serving && <p className="ops-warn">{t('counters.busyHint', { number: serving })}</p>}
      {targeted > 0 && (
        <p className="ops-warn" data-testid="close-targeted">
          {t('counters.close.targeted', { count: targeted })}
        </p>
      )}
      <StrandedWarning stranded={stranded} />
      <ErrorLine error={error} testId="close-error" />
    </Dialog>
  );
}

function ProfileDialog({
  counter,
  counters,
  branch,
  name,
  waitingFor,
  onClose,
  onSubmit,
}: {
  counter: CounterStatus;
  counters: CounterStatus[];
  branch: BranchInfo | null;
  name: string;
  waitingFor: (code: string) => number;
  onClose: () => void;
  onSubmit: (body: { services: { code: string; weight: number }[] }) => Promise<void>;
}) {
  const { t } = useTranslation(['manager', 'common']);
  const services = branch?.services ?? counter.services.map((s) => ({ code: s.code, prefix: s.code, name: { 'zh-CN': s.code, en: s.code }, vipOnly: false }));
  const [rows, setRows] = useState<ProfileRow[]>(() => profileRows(services, counter.services));
  const { busy, error, setError, submit } = useSubmit(onSubmit);
  const check = checkProfile(rows);
  const changed = profileChanged(counter.services, check.body);
  const unserved = servicesLeftUnserved(
    counters,
    counter.counterId,
    rows.filter((r) => r.enabled).map((r) => r.code),
    services.map((s) => s.code),
  );
  const update = (code: string, patch: Partial<ProfileRow>) => {
    setRows((rs) => rs.map((r) => (r.code === code ? { ...r, ...patch } : r)));
    setError(null);
  };

  return (
    <Dialog
      title={t('counters.profile.title', { counter: name })}
      onClose={onClose}
      testId="profile-dialog"
      wide
      action={{
        label: t('counters.profile.save'),
        testId: 'profile-save',
        disabled: busy || !check.body || !changed,
        busy,
        onClick: () => {
          if (check.body) void submit(check.body);
        },
      }}
    >
      <p className="ops-explain">{t('counters.profile.explain')}</p>
      <table className="ops-profile" data-testid="profile-table">
        <thead>
          <tr>
            <th scope="col">{t('counters.profile.serves')}</th>
            <th scope="col">{t('counters.profile.service')}</th>
            <th scope="col" className="num">
              {t('counters.profile.waiting')}
            </th>
            <th scope="col">{t('counters.profile.weight')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const rowError = check.rowErrors[r.code];
            const label = `${r.code} · ${serviceName(branch, r.code)}`;
            return (
              <tr key={r.code} className={r.enabled ? 'is-on' : ''} data-testid="profile-row" data-code={r.code}>
                <td>
                  <label className="ops-toggle">
                    <input type="checkbox" checked={r.enabled} onChange={(e) => update(r.code, { enabled: e.target.checked })} aria-label={label} data-testid="profile-enabled" />
                    <span aria-hidden="true" />
                  </label>
                </td>
                <td>
                  <b>{r.code}</b> {serviceName(branch, r.code)}
                  {branch?.services.find((s) => s.code === r.code)?.vipOnly && <span className="cb-vip">{t('counters.profile.greenOnly')}</span>}
                </td>
                <td className="num">{waitingFor(r.code)}</td>
                <td>
                  <div className="ops-stepper">
                    <button
                      type="button"
                      onClick={() => update(r.code, { weight: stepWeight(r.weight, -1) })}
                      disabled={!r.enabled}
                      aria-label={t('counters.profile.less', { service: label })}
                      data-testid="profile-weight-less"
                    >
                      −
                    </button>
                    <input
                      type="text"
                      inputMode="numeric"
                      value={r.weight}
                      disabled={!r.enabled}
                      onChange={(e) => update(r.code, { weight: e.target.value })}
                      aria-label={t('counters.profile.weightOf', { service: label })}
                      aria-invalid={rowError !== undefined}
                      data-testid="profile-weight"
                    />
                    <button
                      type="button"
                      onClick={() => update(r.code, { weight: stepWeight(r.weight, 1) })}
                      disabled={!r.enabled}
                      aria-label={t('counters.profile.more', { service: label })}
                      data-testid="profile-weight-more"
                    >
                      +
                    </button>
                  </div>
                  {rowError && (
                    <span className="ops-field-error" data-testid="profile-row-error">
                      {renderMsg(t, rowError, currentLanguage())}
                    </span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="ops-help">{t('counters.profile.range', { min: WEIGHT_MIN, max: WEIGHT_MAX })}</p>
      {unserved.length > 0 && (
        <div className="ops-warn" data-testid="profile-unserved">
          {t('counters.profile.unserved')}
          <ul>
            {unserved.map((code) => (
              <li key={code}>{t('counters.strandedService', { service: serviceName(branch, code), count: waitingFor(code) })}</li>
            ))}
          </ul>
        </div>
      )}
      {check.error && (
        <p className="ops-field-error" role="alert" data-testid="profile-invalid">
          {renderMsg(t, check.error, currentLanguage())}
        </p>
      )}
      <ErrorLine error={error} testId="profile-error" />
    </Dialog>
  );
}
