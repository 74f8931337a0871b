/**
 * The manager's actions on a waiting ticket: transfer to another service or counter,
 * placed by original arrival, first or last; move into the green channel with a reason (recorded).
 * Each is a dialog; the screen sends the request and the live snapshot updates the list.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BranchInfo, Placement, TransferRequest, WaitingTicket } from '@domain/contracts';
import { currentLanguage, formatTime } from '../../components/format';
import { AppointmentBadge } from '../../components/AppointmentBadge';
import { Dialog, ErrorLine, useSubmit } from './Dialog';
import { counterName, serviceName } from './labels';
import { ClassBadge } from './QueuePanel';
import {
  arrivalOf,
  checkGreenReason,
  PLACEMENTS,
  REASON_MAX,
  renderMsg,
  transferRequest,
  transferServices,
  transferSummaryMsg,
  type TransferDraft,
} from './ops';

/** Number, class, service and arrival of the ticket, under a dialog's title. */
function TicketLine({ ticket, branch }: { ticket: WaitingTicket; branch: BranchInfo | null }) {
  const { t } = useTranslation(['manager', 'common']);
  return (
    <span className="ops-ticket-line">
      <b className="mgr-num sm">{ticket.number}</b>
      <ClassBadge ticketClass={ticket.ticketClass} />
      <AppointmentBadge appointment={ticket.appointment} className="mgr-appt" />
      <span>{serviceName(branch, ticket.serviceCode)}</span>
      <span className="ops-muted">{t('ops.takenAt', { time: formatTime(ticket.issuedAt) })}</span>
    </span>
  );
}

/** What both dialogs get: the ticket, whether it still waits (else it is gone), and what to send. */
interface TicketDialogProps<T> {
  ticket: WaitingTicket;
  branch: BranchInfo | null;
  stillWaiting: boolean;
  onSubmit: (value: T) => Promise<void>;
  onClose: () => void;
}

function Gone({ number }: { number: string }) {
  const { t } = useTranslation('manager');
  return (
    <p className="ops-warn" role="status" data-testid="ops-ticket-gone">
      {t('ops.gone', { number })}
    </p>
  );
}

export function TransferDialog({ ticket, branch, stillWaiting, onSubmit, onClose }: TicketDialogProps<TransferRequest>) {
  const { t } = useTranslation(['manager', 'common']);
  const [draft, setDraft] = useState<TransferDraft>({ serviceCode: '', counterId: '', placement: 'original' });
  const { busy, error, setError, submit } = useSubmit(onSubmit);

  const current = branch?.services.find((s) => s.code === ticket.serviceCode);
  const services = transferServices(branch?.services ?? []).filter((s) => s.code !== ticket.serviceCode);
  const counters = branch?.counters ?? [];
  const body = transferRequest(draft, { serviceCode: ticket.serviceCode, vipOnly: current?.vipOnly ?? false });
  const targetService = draft.serviceCode || ticket.serviceCode;
  // By original arrival: the issue time, or an on-time appointment's booked time (branch time, as on its badge).
  const arrival = arrivalOf(ticket);
  const arrivalTime = arrival.bookedTime ?? formatTime(arrival.at);
  const summary = transferSummaryMsg({
    number: ticket.number,
    service: serviceName(branch, targetService),
    sameService: draft.serviceCode === '',
    counter: draft.counterId ? counterName(branch, Number(draft.counterId), t) : null,
    placement: draft.placement,
    arrival: arrivalTime,
    booked: arrival.bookedTime !== null,
  });
  const set = (patch: Partial<TransferDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setError(null);
  };

  return (
    <Dialog
      title={t('ops.transfer.title', { number: ticket.number })}
      subtitle={<TicketLine ticket={ticket} branch={branch} />}
      onClose={onClose}
      testId="transfer-dialog"
      wide
      action={{
        label: t('ops.transfer.submit'),
        testId: 'transfer-submit',
        disabled: !body || busy || !stillWaiting,
        busy,
        onClick: () => {
          if (body && stillWaiting) void submit(body);
        },
      }}
    >
      {!stillWaiting && <Gone number={ticket.number} />}
      <div className="ops-grid2">
        <label className="ops-field">
          <span className="ops-label">{t('ops.transfer.service')}</span>
          <select value={draft.serviceCode} onChange={(e) => set({ serviceCode: e.target.value })} data-testid="transfer-service" data-autofocus>
            <option value="">{t('ops.transfer.keepService', { service: serviceName(branch, ticket.serviceCode) })}</option>
            {services.map((s) => (
              <option key={s.code} value={s.code}>
                {s.code} · {serviceName(branch, s.code)}
              </option>
            ))}
          </select>
          <small className="ops-help">{t('ops.transfer.serviceHelp')}</small>
        </label>
        <label className="ops-field">
          <span className="ops-label">{t('ops.transfer.counter')}</span>
          <select value={draft.counterId} onChange={(e) => set({ counterId: e.target.value })} data-testid="transfer-counter">
            <option value="">{t('ops.transfer.anyCounter')}</option>
            {counters.map((c) => (
              <option key={c.id} value={String(c.id)}>
                {counterName(branch, c.id, t)}
                {c.serviceCodes.includes(targetService) ? '' : ` — ${t('ops.transfer.notServing')}`}
              </option>
            ))}
          </select>
          <small className="ops-help">{t('ops.transfer.counterHelp')}</small>
        </label>
      </div>

      <fieldset className="ops-choices" data-testid="transfer-placement">
        <legend className="ops-label">{t('ops.transfer.placement')}</legend>
        {PLACEMENTS.map((p: Placement) => (
          <label key={p} className={`ops-choice ${draft.placement === p ? 'is-selected' : ''}`} data-testid={`placement-${p}`}>
            <input type="radio" name="placement" value={p} checked={draft.placement === p} onChange={() => set({ placement: p })} />
            <span>
              <b>{t(`ops.transfer.placements.${p}.title`)}</b>
              <small>{t(p === 'original' && arrival.bookedTime !== null ? 'ops.transfer.placements.original.helpBooked' : `ops.transfer.placements.${p}.help`, { time: arrivalTime })}</small>
            </span>
          </label>
        ))}
      </fieldset>

      <p className="ops-summary" data-testid="transfer-summary">
        {body ? renderMsg(t, summary, currentLanguage()) : t('ops.transfer.chooseTarget')}
      </p>
      <ErrorLine error={error} testId="transfer-error" />
    </Dialog>
  );
}

const REASON_PRESETS = ['unwell', 'complaint', 'recovery', 'urgent'] as const;

export function GreenChannelDialog({ ticket, branch, stillWaiting, onSubmit, onClose }: TicketDialogProps<string>) {
  const { t } = useTranslation(['manager', 'common']);
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const { busy, error, setError, submit } = useSubmit(onSubmit);
  const check = checkGreenReason(reason);

  return (
    <Dialog
      title={t('ops.green.title', { number: ticket.number })}
      subtitle={<TicketLine ticket={ticket} branch={branch} />}
      onClose={onClose}
      testId="green-dialog"
      tone="green"
      action={{
        label: t('ops.green.submit'),
        testId: 'green-submit',
        tone: 'green',
        disabled: busy || !stillWaiting,
        busy,
        onClick: () => {
          setTouched(true);
          if (check.ok && stillWaiting) void submit(check.value.reason);
        },
      }}
    >
      {!stillWaiting && <Gone number={ticket.number} />}
      <p className="ops-explain">{t('ops.green.explain')}</p>
      <label className="ops-field">
        <span className="ops-label">
          {t('ops.green.reason')} <em className="ops-req">{t('ops.required')}</em>
        </span>
        <textarea
          value={reason}
          rows={3}
          maxLength={REASON_MAX + 50}
          onChange={(e) => {
            setReason(e.target.value);
            setError(null);
          }}
          onBlur={() => setTouched(true)}
          aria-invalid={touched && !check.ok}
          aria-describedby="green-reason-help"
          placeholder={t('ops.green.placeholder')}
          data-testid="green-reason"
          data-autofocus
        />
        <span id="green-reason-help" className="ops-help ops-count">
          {touched && !check.ok ? (
            <span className="ops-field-error" data-testid="green-reason-error">
              {renderMsg(t, check.error, currentLanguage())}
            </span>
          ) : (
            <span>{t('ops.green.recorded')}</span>
          )}
          <span className={reason.trim().length > REASON_MAX ? 'is-over' : ''}>
            {reason.trim().length}/{REASON_MAX}
          </span>
        </span>
      </label>
      <div className="ops-presets" role="group" aria-label={t('ops.green.presets')}>
        {REASON_PRESETS.map((p) => (
          <button
            key={p}
            type="button"
            className="ops-chip"
            onClick={() => {
              setReason(t(`ops.green.preset.${p}`));
              setTouched(true);
              setError(null);
            }}
            data-testid={`green-preset-${p}`}
          >
            {t(`ops.green.preset.${p}`)}
          </button>
        ))}
      </div>
      <ErrorLine error={error} testId="green-error" />
    </Dialog>
  );
}
