/** Today's green-channel routing decisions (who, why, where, when): manager and admin. */
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BranchInfo, GreenChannelDecision } from '@domain/contracts';
import { errorMessage, formatTime } from '../../components/format';
import type { StaffCall } from '../../components/staffApi';
import { greenDestinationText, greenRuleText, serviceName } from './labels';
import './green-channel.css';

/** Today's decisions from the hub, newest first; `setGreen` lets a screen add live ones. */
export function useGreenChannel(call: StaffCall) {
  const [green, setGreen] = useState<GreenChannelDecision[]>([]);
  const [greenLoaded, setGreenLoaded] = useState(false);
  const [greenError, setGreenError] = useState<string | null>(null);

  const loadGreen = useCallback(() => {
    call('greenChannelToday')
      .then((data) => {
        const list = data.decisions;
        setGreen([...list].sort((a, b) => Date.parse(b.decidedAt) - Date.parse(a.decidedAt)));
        setGreenLoaded(true);
        setGreenError(null);
      })
      .catch((err) => setGreenError(errorMessage(err)));
  }, [call]);

  return { green, setGreen, greenLoaded, greenError, loadGreen };
}

interface Props {
  records: GreenChannelDecision[];
  loaded: boolean;
  error: string | null;
  branch: BranchInfo | null;
  onRefresh: () => void;
  /** Manager: open the card of a customer still in the branch. */
  onOpenCard?: (ticketId: string) => void;
  liveTicketIds?: string[];
  className?: string;
}

export function GreenChannelList({ records, loaded, error, branch, onRefresh, onOpenCard, liveTicketIds = [], className = '' }: Props) {
  const { t } = useTranslation(['manager', 'common']);
  return (
    <div className={`gc-panel ${className}`} data-testid="green-channel-panel">
      <div className="gc-head">
        <h2>{t('gc.title')}</h2>
        <span className="gc-sub">{t('gc.subtitle', { count: records.length })}</span>
        <button type="button" className="gc-refresh" onClick={onRefresh} data-testid="green-channel-refresh">
          ⟳ {t('common:actions.refresh')}
        </button>
      </div>
      {error && (
        <div className="gc-error" role="alert" data-testid="green-channel-error">
          {error}
        </div>
      )}
      {!loaded && !error ? (
        <p className="gc-empty">{t('common:loading')}</p>
      ) : loaded && records.length === 0 ? (
        <p className="gc-empty" data-testid="green-channel-empty">
          {t('gc.empty')}
        </p>
      ) : records.length > 0 ? (
        <div className="gc-scroll">
          <table className="gc-table" data-testid="green-channel-table">
            <thead>
              <tr>
                <th scope="col">{t('gc.time')}</th>
                <th scope="col">{t('gc.ticket')}</th>
                <th scope="col">{t('gc.rule')}</th>
                <th scope="col">{t('gc.from')}</th>
                <th scope="col">{t('gc.destination')}</th>
                <th scope="col">{t('gc.decidedBy')}</th>
              </tr>
            </thead>
            <tbody>
              {records.map((d) => {
                const live = onOpenCard && liveTicketIds.includes(d.ticketId);
                return (
                  <tr key={d.id} data-testid="green-channel-row" data-ticket-id={d.ticketId}>
                    <td className="mono">{formatTime(d.decidedAt, true)}</td>
                    <td>
                      {live ? (
                        <button type="button" className="gc-ticket is-live" onClick={() => onOpenCard(d.ticketId)}>
                          {d.number} ›
                        </button>
                      ) : (
                        <span className="gc-ticket">{d.number}</span>
                      )}
                    </td>
                    <td>
                      {greenRuleText(d.rule, t)}
                      {d.reason && (
                        <span className="gc-reason" data-testid="green-channel-reason">
                          {t('gc.reason', { reason: d.reason })}
                        </span>
                      )}
                    </td>
                    <td>{serviceName(branch, d.fromServiceCode)}</td>
                    <td>{greenDestinationText(d, branch, t)}</td>
                    <td className="mono">{d.decidedBy}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
