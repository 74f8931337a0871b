/**
 * Appointments, a tab of the manager's desk: the day's bookings (customers masked) with
 * their check-in state, a form to book one (the six-digit code is shown to hand to the customer),
 * and cancelling with an optional reason. Times are the branch's wall-clock times (its time zone
 * comes with the list). Refreshes every REFRESH_MS and after each change.
 */
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppointmentListResponse, AppointmentView, BranchInfo, CreateAppointmentRequest } from '@domain/contracts';
import { zonedInstant } from '@domain/appointments';
import { businessDate } from '@domain/ticket-number';
import { isValidIdentity, normalizeIdentityValue, type IdentityKind } from '@domain/identity';
import type { StaffCall } from '../../components/staffApi';
import { ApiError } from '../../lib/api';
import { errorMessage, formatDate, localized } from '../../components/format';
import { Dialog, ErrorLine, useSubmit } from './Dialog';
import './appointments.css';

const REFRESH_MS = 20_000;
const SOURCES = ['branch', 'phone', 'web', 'app'] as const;
type Source = (typeof SOURCES)[number];
const KINDS: readonly IdentityKind[] = ['phone', 'card', 'idNumber'];

interface Draft {
  serviceCode: string;
  date: string;
  time: string;
  kind: IdentityKind | '';
  value: string;
  source: Source;
  note: string;
}

export function AppointmentsView({ call, branch }: { call: StaffCall; branch: BranchInfo | null }) {
  const { t } = useTranslation(['manager', 'common']);
  const [data, setData] = useState<AppointmentListResponse | null>(null);
  const [date, setDate] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [formOpen, setFormOpen] = useState(false);
  const [created, setCreated] = useState<AppointmentView | null>(null);
  const [cancelling, setCancelling] = useState<AppointmentView | null>(null);

  const load = useCallback(() => {
    call('appointments', { query: date ? { date } : {} })
      .then((r) => {
        setData(r);
        setError(null);
      })
      .catch((err) => setError(errorMessage(err)));
  }, [call, date]);
  useEffect(() => {
    load();
    const id = window.setInterval(load, REFRESH_MS);
    return () => window.clearInterval(id);
  }, [load]);

  const today = data ? businessDate(new Date(), data.timeZone) : null;
  const shownDate = date ?? data?.date ?? null;
  const services = useMemo(() => branch?.services.filter((s) => !s.vipOnly) ?? [], [branch]);
  const serviceText = (code: string) => {
    const s = branch?.services.find((x) => x.code === code);
    return s ? `${code} ${localized(s.name)}` : code;
  };
  const counts = useMemo(() => {
    const c: Record<string, number> = {};
    for (const a of data?.appointments ?? []) c[a.status] = (c[a.status] ?? 0) + 1;
    return c;
  }, [data]);

  return (
    <div className="mgr-report appt" data-testid="appointments">
      <header className="mgr-report-head appt-head">
        <h3>{t('appointments.title')}</h3>
        <label className="appt-date">
          <span>{t('appointments.date')}</span>
          <input
            type="date"
            value={shownDate ?? ''}
            onChange={(e) => setDate(e.target.value || null)}
            data-testid="appointments-date"
          />
        </label>
        {date !== null && date !== today && (
          <button type="button" className="mgr-link" onClick={() => setDate(null)} data-testid="appointments-today">
            {t('appointments.today')}
          </button>
        )}
        <button type="button" className="mgr-link" onClick={load} data-testid="appointments-refresh">
          {t('appointments.refresh')}
        </button>
        <button
          type="button"
          className="ops-btn is-primary appt-new"
          onClick={() => {
            setFormOpen((v) => !v);
            setCreated(null);
          }}
          aria-expanded={formOpen}
          data-testid="appointments-new"
        >
          {t('appointments.new')}
        </button>
      </header>

      {data && (
        <p className="appt-rules" data-testid="appointments-rules">
          {data.rules.enabled
            ? t('appointments.rules', { early: data.rules.earlyMinutes, late: data.rules.lateMinutes })
            : t('appointments.disabled')}
        </p>
      )}

      {created && (
        <div className="appt-created" role="status" data-testid="appointments-created">
          <span>{t('appointments.created', { date: formatDate(created.businessDate), time: created.bookedTime })}</span>
          <b className="appt-code" data-testid="appointments-created-code">
            {created.code}
          </b>
          <small>{t('appointments.createdHint')}</small>
        </div>
      )}

      {formOpen && data && (
        <CreateForm
          services={services}
          today={today ?? data.date}
          timeZone={data.timeZone}
          call={call}
          onCreated={(a) => {
            setCreated(a);
            setFormOpen(false);
            if (date !== null && date !== a.businessDate) setDate(a.businessDate);
            else load();
          }}
          onCancel={() => setFormOpen(false)}
        />
      )}

      {error && (
        <div className="mgr-error" role="alert" data-testid="appointments-error">
          {error}
          <button type="button" onClick={load}>
            {t('common:actions.retry')}
          </button>
        </div>
      )}
      {!data && !error && <p className="mgr-empty">{t('common:loading')}</p>}

      {data && (
        <>
          <p className="appt-counts" data-testid="appointments-counts">
            {(['booked', 'checked_in', 'late', 'missed', 'cancelled'] as const).map((s) => (
              <span key={s} className={`appt-badge is-${s}`}>
                {t(`appointments.status.${s}`)} {counts[s] ?? 0}
              </span>
            ))}
          </p>
          {data.appointments.length === 0 ? (
            <p className="mgr-empty" data-testid="appointments-empty">
              {t('appointments.empty', { date: formatDate(data.date) })}
            </p>
          ) : (
            <table className="appt-table" data-testid="appointments-table">
              <thead>
                <tr>
                  <th scope="col">{t('appointments.columns.time')}</th>
                  <th scope="col">{t('appointments.columns.code')}</th>
                  <th scope="col">{t('appointments.columns.service')}</th>
                  <th scope="col">{t('appointments.columns.customer')}</th>
                  <th scope="col">{t('appointments.columns.status')}</th>
                  <th scope="col">{t('appointments.columns.ticket')}</th>
                  <th scope="col">
                    <span className="appt-sr">{t('appointments.columns.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.appointments.map((a) => {
                  const cancellable = (a.status === 'booked' || a.status === 'missed') && today !== null && a.businessDate >= today;
                  return (
                    <tr key={a.id} data-testid={`appointment-${a.code}`} data-status={a.status} className={`is-${a.status}`}>
                      <td className="appt-time">{a.bookedTime}</td>
                      <td className="appt-code-cell">{a.code}</td>
                      <td>{serviceText(a.serviceCode)}</td>
                      <td>
                        {a.customer ? (
                          <>
                            {a.customer.maskedName} <small className="mgr-muted">{a.customer.maskedPhone}</small>
                          </>
                        ) : (
                          <span className="mgr-muted">{t('appointments.noCustomer')}</span>
                        )}
                        {a.note && <small className="appt-note">{a.note}</small>}
                      </td>
                      <td>
                        <span className={`appt-badge is-${a.status}`} data-testid={`appointment-${a.code}-status`}>
                          {t(`appointments.status.${a.status}`)}
                        </span>
                        {a.status === 'cancelled' && a.cancelReason && <small className="appt-note">{a.cancelReason}</small>}
                      </td>
                      <td data-testid={`appointment-${a.code}-ticket`}>{a.ticket ? a.ticket.number : '—'}</td>
                      <td>
                        {cancellable && (
                          <button type="button" className="mgr-link" onClick={() => setCancelling(a)} data-testid={`appointment-${a.code}-cancel`}>
                            {t('appointments.cancel.button')}
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </>
      )}

      {cancelling && (
        <CancelDialog
          appointment={cancelling}
          call={call}
          onDone={() => {
            setCancelling(null);
            setCreated((c) => (c?.id === cancelling.id ? null : c));
            load();
          }}
          onClose={() => setCancelling(null)}
        />
      )}
    </div>
  );
}

function CreateForm({
  services,
  today,
  timeZone,
  call,
  onCreated,
  onCancel,
}: {
  services: BranchInfo['services'];
  today: string;
  timeZone: string;
  call: StaffCall;
  onCreated: (a: AppointmentView) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation(['manager', 'common']);
  const [d, setD] = useState<Draft>({ serviceCode: services[0]?.code ?? '', date: today, time: '', kind: '', value: '', source: 'branch', note: '' });
  const { busy, problem, setProblem, send } = useSend();
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setD((x) => ({ ...x, [k]: v }));
    setProblem(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!d.serviceCode) return setProblem(t('appointments.errors.service'));
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d.date) || d.date < today) return setProblem(t('appointments.errors.date'));
    if (!/^\d{2}:\d{2}$/.test(d.time)) return setProblem(t('appointments.errors.time'));
    let customer: CreateAppointmentRequest['customer'];
    if (d.kind) {
      const value = normalizeIdentityValue(d.kind, d.value);
      if (!isValidIdentity(d.kind, value)) return setProblem(t(`appointments.errors.identity.${d.kind}`));
      customer = { kind: d.kind, value };
    }
    const body: CreateAppointmentRequest = {
      serviceCode: d.serviceCode,
      bookedAt: new Date(zonedInstant(d.date, d.time, timeZone)).toISOString(),
      source: d.source,
      ...(customer ? { customer } : {}),
      ...(d.note.trim() ? { note: d.note.trim() } : {}),
    };
    await send(
      async () => onCreated((await call('bookAppointment', { body })).appointment),
      (err) => {
        if (err instanceof ApiError && err.reason === 'customer_not_found') return t('appointments.errors.customerNotFound');
        if (err instanceof ApiError && (err.reason === 'booking_window_passed' || err.reason === 'booking_in_past')) return t('appointments.errors.past');
        return errorMessage(err);
      },
    );
  };

  return (
    <form className="appt-form" onSubmit={(e) => void submit(e)} data-testid="appointments-form" noValidate>
      <label>
        <span>{t('appointments.form.service')}</span>
        <select value={d.serviceCode} onChange={(e) => set('serviceCode', e.target.value)} data-testid="appointments-form-service">
          {services.map((s) => (
            <option key={s.code} value={s.code}>
              {s.code} {localized(s.name)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('appointments.form.date')}</span>
        <input type="date" min={today} value={d.date} onChange={(e) => set('date', e.target.value)} data-testid="appointments-form-date" />
      </label>
      <label>
        <span>{t('appointments.form.time')}</span>
        <input type="time" step={300} value={d.time} onChange={(e) => set('time', e.target.value)} data-testid="appointments-form-time" />
      </label>
      <label>
        <span>{t('appointments.form.source')}</span>
        <select value={d.source} onChange={(e) => set('source', e.target.value as Source)} data-testid="appointments-form-source">
          {SOURCES.map((s) => (
            <option key={s} value={s}>
              {t(`appointments.sources.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('appointments.form.customer')}</span>
        <select value={d.kind} onChange={(e) => set('kind', e.target.value as IdentityKind | '')} data-testid="appointments-form-kind">
          <option value="">{t('appointments.form.noCustomer')}</option>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`appointments.form.kinds.${k}`)}
            </option>
          ))}
        </select>
      </label>
      {d.kind && (
        <label>
          <span>{t(`appointments.form.kinds.${d.kind}`)}</span>
          <input
            inputMode={d.kind === 'idNumber' ? 'text' : 'numeric'}
            autoComplete="off"
            value={d.value}
            onChange={(e) => set('value', e.target.value)}
            data-testid="appointments-form-value"
          />
        </label>
      )}
      <label className="appt-form-wide">
        <span>{t('appointments.form.note')}</span>
        <input maxLength={200} value={d.note} onChange={(e) => set('note', e.target.value)} data-testid="appointments-form-note" />
      </label>
      {problem && (
        <p className="appt-problem appt-form-wide" role="alert" data-testid="appointments-form-error">
          {problem}
        </p>
      )}
      <div className="appt-form-actions appt-form-wide">
        <button type="button" className="mgr-link" onClick={onCancel}>
          {t('appointments.form.cancel')}
        </button>
        <button type="submit" className="ops-btn is-primary appt-new" disabled={busy} data-testid="appointments-form-submit">
          {t('appointments.form.submit')}
        </button>
      </div>
    </form>
  );
}

function CancelDialog({ appointment, call, onDone, onClose }: { appointment: AppointmentView; call: StaffCall; onDone: () => void; onClose: () => void }) {
  const { t } = useTranslation(['manager', 'common']);
  const [reason, setReason] = useState('');
  const [tooShort, setTooShort] = useState(false);
  const { busy, error, setError, submit } = useSubmit(async (r: string) => {
    await call('cancelAppointment', { params: { id: appointment.id }, body: r ? { reason: r } : {} });
    onDone();
  });
  const send = () => {
    const r = reason.trim();
    setTooShort(r.length === 1);
    if (r.length !== 1) void submit(r);
  };
  return (
    <Dialog
      title={t('appointments.cancel.title', { code: appointment.code, time: appointment.bookedTime })}
      onClose={onClose}
      testId="appointments-cancel-dialog"
      tone="danger"
      cancelLabel={t('appointments.cancel.keep')}
      action={{ label: t('appointments.cancel.submit'), testId: 'appointments-cancel-submit', tone: 'danger', disabled: busy, busy, onClick: send }}
    >
      {/* A form so that Enter in the reason field cancels the appointment, as the button does. */}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <label className="ops-field">
          <span className="ops-label">{t('appointments.cancel.reason')}</span>
          <input
            maxLength={200}
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
              setTooShort(false);
              setError(null);
            }}
            aria-invalid={tooShort || undefined}
            data-testid="appointments-cancel-reason"
          />
        </label>
      </form>
      {tooShort && (
        <p className="ops-field-error" role="alert" data-testid="appointments-cancel-error">
          {t('appointments.cancel.tooShort')}
        </p>
      )}
      <ErrorLine error={error} testId="appointments-cancel-error" />
    </Dialog>
  );
}

/** A form's request: `busy` while it runs; a failure becomes the form's problem (in plain words). */
function useSend() {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const send = async (run: () => Promise<void>, explain: (err: unknown) => string = errorMessage) => {
    setBusy(true);
    try {
      await run();
    } catch (err) {
      setProblem(explain(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, problem, setProblem, send };
}
