/**
 * Teller queue tools: recall, park and transfer for the customer at the counter; the
 * counter's state (open / pause with a reason / close); the parked customers, to resume here.
 * Presentational: TellerScreen owns the calls to the hub.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BranchInfo, CalledTicket, CounterStatus, PauseReason, Placement } from '@domain/contracts';
import { formatTime } from '../../components/format';
import { counterName, serviceName } from '../manager/labels';
import { PAUSE_REASONS, PLACEMENTS } from '../manager/ops';


export interface TransferChoice {
  serviceCode?: string;
  counterId?: number;
  placement: Placement;
}

export function TicketTools({
  ticket,
  branch,
  counterId,
  disabled,
  busyLabel,
  canRecall = true,
  onRecall,
  onPark,
  onTransfer,
}: {
  ticket: CalledTicket;
  branch: BranchInfo | null;
  counterId: number;
  disabled: boolean;
  busyLabel: 'recall' | 'park' | 'transfer' | null;
  /** False once serving started: the customer is at the counter, there is nobody to recall. */
  canRecall?: boolean;
  onRecall: () => void;
  onPark: () => void;
  onTransfer: (choice: TransferChoice) => void;
}) {
  const { t } = useTranslation(['teller', 'common']);
  const [open, setOpen] = useState(false);
  const [serviceCode, setServiceCode] = useState('');
  const [target, setTarget] = useState('');
  const [placement, setPlacement] = useState<Placement>('original');
  const services = (branch?.services ?? []).filter((s) => !s.vipOnly);
  const counters = (branch?.counters ?? []).filter((c) => c.id !== counterId);
  const canSend = serviceCode !== '' || target !== '';

  return (
    <div className="tlr-ticket-tools" data-testid="teller-tools">
      <div className="tlr-tools-row">
        <button
          type="button"
          className="tlr-tool"
          onClick={onRecall}
          disabled={disabled || !canRecall}
          title={canRecall ? undefined : t('tools.noRecallServing')}
          data-testid="recall"
        >
          {busyLabel === 'recall' ? t('actions.saving') : t('actions.recall')}
          {ticket.recallCount > 0 && <span className="tlr-tool-count">{t('tools.recalled', { count: ticket.recallCount })}</span>}
        </button>
        <button type="button" className="tlr-tool" onClick={onPark} disabled={disabled} data-testid="park">
          {busyLabel === 'park' ? t('actions.saving') : t('actions.park')}
        </button>
        <button
          type="button"
          className={`tlr-tool ${open ? 'is-open' : ''}`}
          onClick={() => setOpen((o) => !o)}
          disabled={disabled}
          aria-expanded={open}
          data-testid="transfer-toggle"
        >
          {t('actions.transfer')}
        </button>
      </div>
      {open && (
        <form
          className="tlr-transfer"
          data-testid="transfer-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!canSend) return;
            onTransfer({
              ...(serviceCode ? { serviceCode } : {}),
              ...(target ? { counterId: Number(target) } : {}),
              placement,
            });
            setOpen(false);
          }}
        >
          <label>
            <span>{t('transfer.service')}</span>
            <select value={serviceCode} onChange={(e) => setServiceCode(e.target.value)} data-testid="transfer-service">
              <option value="">{t('transfer.sameService')}</option>
              {services.map((s) => (
                <option key={s.code} value={s.code}>
                  {s.code} · {serviceName(branch, s.code)}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>{t('transfer.counter')}</span>
            <select value={target} onChange={(e) => setTarget(e.target.value)} data-testid="transfer-counter">
              <option value="">{t('transfer.anyCounter')}</option>
              {counters.map((c) => (
                <option key={c.id} value={String(c.id)}>
                  {counterName(branch, c.id, t)}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>{t('transfer.placement')}</span>
            <select value={placement} onChange={(e) => setPlacement(e.target.value as Placement)} data-testid="transfer-placement">
              {PLACEMENTS.map((p) => (
                <option key={p} value={p}>
                  {t(`transfer.placements.${p}`)}
                </option>
              ))}
            </select>
          </label>
          <div className="tlr-transfer-actions">
            <button type="submit" className="tlr-tool is-primary" disabled={disabled || !canSend} data-testid="transfer-confirm">
              {busyLabel === 'transfer' ? t('actions.saving') : t('transfer.confirm')}
            </button>
            <button type="button" className="tlr-tool" onClick={() => setOpen(false)}>
              {t('transfer.cancel')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

export function CounterControl({
  status,
  hasCustomer,
  disabled,
  onOpen,
  onPause,
  onClose,
}: {
  status: CounterStatus | null;
  hasCustomer: boolean;
  disabled: boolean;
  onOpen: () => void;
  onPause: (reason: PauseReason) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation(['teller', 'common']);
  const [reason, setReason] = useState<PauseReason>('break');
  const state = status?.state ?? 'open';
  return (
    <section className="tlr-panel tlr-counter-state" data-testid="counter-state" data-state={state}>
      <h2>
        {t('counterState.title')}
        <span className={`tlr-state is-${state}`} data-testid="counter-state-badge">
          {t(`counterState.states.${state}`)}
          {state === 'paused' && status?.reason ? ` · ${t(`counterState.reasons.${status.reason}`)}` : ''}
        </span>
      </h2>
      {state === 'open' ? (
        <div className="tlr-state-row">
          <select value={reason} onChange={(e) => setReason(e.target.value as PauseReason)} aria-label={t('counterState.reason')} data-testid="pause-reason">
            {PAUSE_REASONS.map((r) => (
              <option key={r} value={r}>
                {t(`counterState.reasons.${r}`)}
              </option>
            ))}
          </select>
          <button type="button" className="tlr-tool" onClick={() => onPause(reason)} disabled={disabled || hasCustomer} data-testid="counter-pause">
            {t('counterState.pause')}
          </button>
          <button type="button" className="tlr-tool" onClick={onClose} disabled={disabled || hasCustomer} data-testid="counter-close">
            {t('counterState.close')}
          </button>
        </div>
      ) : (
        <div className="tlr-state-row">
          {status?.changedAt && <span className="tlr-muted">{t('counterState.since', { time: formatTime(status.changedAt) })}</span>}
          <button type="button" className="tlr-tool is-primary" onClick={onOpen} disabled={disabled} data-testid="counter-open">
            {t('counterState.open')}
          </button>
        </div>
      )}
      {state === 'open' && hasCustomer && <p className="tlr-muted">{t('counterState.finishFirst')}</p>}
    </section>
  );
}

export function ParkedList({
  tickets,
  branch,
  canResume,
  onResume,
}: {
  tickets: CalledTicket[];
  branch: BranchInfo | null;
  canResume: boolean;
  onResume: (ticket: CalledTicket) => void;
}) {
  const { t } = useTranslation(['teller', 'common']);
  return (
    <section className="tlr-panel" data-testid="teller-parked">
      <h2>{t('parked.title')}</h2>
      {tickets.length === 0 ? (
        <p className="tlr-muted">{t('parked.none')}</p>
      ) : (
        <ul className="staff-recent tlr-recent tlr-parked">
          {tickets.map((p) => (
            <li key={p.id} data-testid="parked-ticket">
              <span className="tlr-recent-num">{p.number}</span>
              <span>{counterName(branch, p.counterId, t)}</span>
              <button type="button" className="tlr-tool is-small" onClick={() => onResume(p)} disabled={!canResume} data-testid="resume">
                {t('parked.resume')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
