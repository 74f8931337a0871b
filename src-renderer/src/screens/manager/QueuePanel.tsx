/**
 * The manager's live queue: per-service counts, waits and estimates, and every waiting ticket with
 * its actions (transfer, move to the green channel).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BranchInfo, QueueSnapshot, TicketClass, WaitingTicket } from '@domain/contracts';
import { formatDuration, formatTime, secondsSince, useNow } from '../../components/format';
import { ServiceWaitCells, ServiceWaitHead } from '../../components/ServiceWaits';
import { AppointmentBadge } from '../../components/AppointmentBadge';
import { counterName, serviceName } from './labels';
import { greenBlocker, ticketEstimate } from './ops';

/** Waits beyond these many seconds are flagged (amber, red). */
const WAIT_WARN = 15 * 60;
const WAIT_ALERT = 30 * 60;

export function waitLevel(seconds: number): 'ok' | 'warn' | 'alert' {
  return seconds >= WAIT_ALERT ? 'alert' : seconds >= WAIT_WARN ? 'warn' : 'ok';
}

export function ClassBadge({ ticketClass }: { ticketClass: TicketClass }) {
  const { t } = useTranslation('common');
  return (
    <span className={`staff-class mgr-class is-${ticketClass}`} data-testid="class-badge" data-class={ticketClass}>
      {t(`ticketClass.${ticketClass}`)}
    </span>
  );
}

/** A failed load of the manager's desk, with a retry button. */
export function RetryAlert({ text, testId, onRetry }: { text: string; testId: string; onRetry: () => void }) {
  const { t } = useTranslation('common');
  return (
    <div className="mgr-error" role="alert" data-testid={testId}>
      {text}
      <button type="button" onClick={onRetry}>
        {t('actions.retry')}
      </button>
    </div>
  );
}

interface Props {
  snapshot: QueueSnapshot | null;
  branch: BranchInfo | null;
  error: string | null;
  onRetry: () => void;
  onOpenCard: (ticketId: string) => void;
  cardTicketIds: string[];
  /** Manager actions on a waiting ticket (absent: the list is read-only). */
  onTransfer?: (ticket: WaitingTicket) => void;
  onGreen?: (ticket: WaitingTicket) => void;
}

export function QueuePanel({ snapshot, branch, error, onRetry, onOpenCard, cardTicketIds, onTransfer, onGreen }: Props) {
  const { t } = useTranslation(['manager', 'common']);
  const now = useNow(1000);
  const [filter, setFilter] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<string | null>(null);
  const withActions = onTransfer !== undefined || onGreen !== undefined;

  if (!snapshot) {
    return (
      <div className="mgr-queue" data-testid="queue-panel">
        <h2 className="mgr-h2">{t('queue.title')}</h2>
        {error ? (
          <RetryAlert text={error} testId="queue-error" onRetry={onRetry} />
        ) : (
          <p className="mgr-empty">{t('common:loading')}</p>
        )}
      </div>
    );
  }

  const sinceSnapshot = secondsSince(snapshot.at, now);
  const waiting = filter ? snapshot.waiting.filter((w) => w.serviceCode === filter) : snapshot.waiting;
  // Place in its own service's line (the snapshot lists tickets in calling order).
  const place = new Map<string, number>();
  const perService = new Map<string, number>();
  for (const w of snapshot.waiting) {
    const n = (perService.get(w.serviceCode) ?? 0) + 1;
    perService.set(w.serviceCode, n);
    place.set(w.id, n);
  }

  return (
    <div className="mgr-queue" data-testid="queue-panel">
      <h2 className="mgr-h2">
        {t('queue.title')}
        <small>{t('queue.updatedAt', { time: formatTime(snapshot.at, true) })}</small>
      </h2>
      {error && (
        <div className="mgr-error" role="alert" data-testid="queue-error">
          {error}
        </div>
      )}

      <table className="staff-services mgr-services" data-testid="queue-services">
        <thead>
          <tr>
            <ServiceWaitHead service={t('queue.service')} waiting={t('queue.waiting')} longest={t('queue.longest')} />
            <th scope="col" className="num">
              {t('queue.estimate')}
            </th>
          </tr>
        </thead>
        <tbody>
          {snapshot.services.map((s) => {
            const selected = filter === s.code;
            return (
              <tr
                key={s.code}
                className={selected ? 'is-selected' : ''}
                data-testid="queue-service"
                data-service={s.code}
                onClick={() => setFilter(selected ? null : s.code)}
              >
                <ServiceWaitCells
                  service={s}
                  name={serviceName(branch, s.code) || s.code}
                  prefix="mgr"
                  sinceSnapshot={sinceSnapshot}
                  waitingTestId="service-waiting"
                  longestClass={(secs) => `wait-${waitLevel(secs)}`}
                />
                <td className="num">{s.waiting > 0 && s.estimatedWaitMinutes !== null ? t('common:minutes', { count: s.estimatedWaitMinutes }) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <div className="mgr-filter" role="group" aria-label={t('queue.filter')}>
        <button type="button" aria-pressed={filter === null} onClick={() => setFilter(null)} data-testid="queue-filter-all">
          {t('queue.all')} · {snapshot.waiting.length}
        </button>
        {snapshot.services
          .filter((s) => s.waiting > 0)
          .map((s) => (
            <button
              key={s.code}
              type="button"
              aria-pressed={filter === s.code}
              onClick={() => setFilter(filter === s.code ? null : s.code)}
              data-testid={`queue-filter-${s.code}`}
            >
              {s.code} · {s.waiting}
            </button>
          ))}
      </div>

      {waiting.length === 0 ? (
        <p className="mgr-empty" data-testid="queue-empty">
          {t('queue.nobody')}
        </p>
      ) : (
        <ol className="mgr-waiting" data-testid="waiting-list">
          {waiting.map((w) => {
            const secs = secondsSince(w.issuedAt, now);
            const hasCard = cardTicketIds.includes(w.id);
            const estimate = ticketEstimate(w);
            const open = expanded === w.id;
            const blocked = greenBlocker(w);
            const extra = w.identified || w.targetCounterId != null || w.appointment !== undefined;
            const content = (
              <>
                <span className="mgr-pos" title={t('queue.place')}>
                  {place.get(w.id)}
                </span>
                <span className="mgr-num">{w.number}</span>
                <ClassBadge ticketClass={w.ticketClass} />
                <span className="mgr-w-svc">{serviceName(branch, w.serviceCode)}</span>
                <span className={`mgr-w-time wait-${waitLevel(secs)}`} data-testid="waiting-time">
                  {formatDuration(secs)}
                </span>
                {extra && (
                  <span className="mgr-w-extra">
                    <AppointmentBadge appointment={w.appointment} className="mgr-appt" />
                    {w.targetCounterId != null && (
                      <span className="mgr-w-target" data-testid="waiting-target">
                        {t('ops.onlyAt', { counter: counterName(branch, w.targetCounterId, t) })}
                      </span>
                    )}
                    {w.identified && <span className={`mgr-w-card ${hasCard ? 'has-card' : ''}`}>{t('queue.openCard')} ›</span>}
                  </span>
                )}
                {estimate !== null && (
                  <span
                    className={`mgr-w-est ${estimate === 'unknown' ? 'is-unknown' : ''}`}
                    data-testid="waiting-estimate"
                    title={estimate === 'unknown' ? t('ops.noCounterOpenTitle') : t('ops.estimateTitle')}
                  >
                    {estimate === 'unknown' ? t('ops.noCounterOpen') : estimate === 0 ? t('ops.underMinute') : t('ops.approxMinutes', { count: estimate })}
                  </span>
                )}
              </>
            );
            return (
              <li
                key={w.id}
                className={`mgr-w is-${w.ticketClass} ${w.identified ? 'is-identified' : ''} ${extra ? 'has-extra' : ''} ${withActions ? 'has-actions' : ''} ${open ? 'is-open' : ''}`}
                data-testid="waiting-ticket"
                data-ticket-id={w.id}
                data-number={w.number}
                data-service={w.serviceCode}
                data-class={w.ticketClass}
                data-identified={w.identified ? 'true' : 'false'}
              >
                {w.identified ? (
                  <button
                    type="button"
                    className="mgr-w-row"
                    onClick={() => onOpenCard(w.id)}
                    aria-label={t('queue.openCardFor', { number: w.number })}
                    data-testid="waiting-ticket-open"
                  >
                    {content}
                  </button>
                ) : (
                  <div className="mgr-w-row">{content}</div>
                )}
                {withActions && (
                  <button
                    type="button"
                    className="mgr-w-more"
                    aria-expanded={open}
                    aria-controls={`ops-${w.id}`}
                    aria-label={t('ops.actionsFor', { number: w.number })}
                    onClick={() => setExpanded(open ? null : w.id)}
                    data-testid="ticket-actions"
                  >
                    <span aria-hidden="true">⋯</span>
                  </button>
                )}
                {withActions && open && (
                  <div className="mgr-w-ops" id={`ops-${w.id}`} role="group" aria-label={t('ops.actionsFor', { number: w.number })}>
                    {onTransfer && (
                      <button type="button" className="ops-btn" onClick={() => onTransfer(w)} data-testid="ticket-transfer">
                        {t('ops.transfer.open')}
                      </button>
                    )}
                    {onGreen && blocked !== 'already' && (
                      <button
                        type="button"
                        className="ops-btn is-green-quiet"
                        onClick={() => onGreen(w)}
                        disabled={blocked === 'guest'}
                        aria-describedby={blocked === 'guest' ? `ops-why-${w.id}` : undefined}
                        data-testid="ticket-green"
                      >
                        {t('ops.green.open')}
                      </button>
                    )}
                    {onGreen && blocked === 'guest' && (
                      <small id={`ops-why-${w.id}`} className="ops-help">
                        {t('ops.green.guestOnly')}
                      </small>
                    )}
                    {onGreen && blocked === 'already' && <small className="ops-help">{t('ops.green.already')}</small>}
                  </div>
                )}
              </li>
            );
          })}
        </ol>
      )}

      {snapshot.recentCalls.length > 0 && (
        <div className="mgr-recent" data-testid="recent-calls">
          <h3 className="mgr-h3">{t('queue.recentCalls')}</h3>
          <ul className="staff-recent">
            {snapshot.recentCalls.slice(0, 6).map((c) => (
              <li key={`${c.ticketId}-${c.calledAt}`}>
                <span className="mgr-num sm">{c.number}</span>
                <span>→ {counterName(branch, c.counterId, t)}</span>
                <span className={`staff-status mgr-status is-${c.status}`}>{t(`common:status.${c.status}`)}</span>
                <time>{formatTime(c.calledAt)}</time>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
