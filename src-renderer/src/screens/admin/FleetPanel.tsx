/**
 * Fleet: every paired kiosk and display as it is now — online or offline (since when), app
 * version, printer, last ticket printed, the screen in front, free disk — pushed live over the
 * socket (`fleet:changed`) and read again every 30 seconds (a device that falls silent turns
 * offline without an event). An administrator can ask a device's screen to reload (audited).
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FleetDevice } from '@domain/contracts';
import type { StaffCall } from '../../components/staffApi';
import type { StaffAuth } from '../../components/StaffLogin';
import { errorMessage, formatDateTime } from '../../components/format';
import { useLobbySocket } from '../../lib/socket';

const REFRESH_MS = 30_000;

export function FleetPanel({ call, auth }: { call: StaffCall; auth: StaffAuth }) {
  const { t } = useTranslation(['admin', 'common']);
  const [devices, setDevices] = useState<FleetDevice[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const { socket } = useLobbySocket(auth.session.token);

  const load = useCallback(() => {
    call('fleet')
      .then((r) => {
        setDevices(r.devices);
        setError(null);
      })
      .catch((err) => setError(errorMessage(err)));
  }, [call]);
  useEffect(() => {
    load();
    const id = window.setInterval(load, REFRESH_MS);
    return () => window.clearInterval(id);
  }, [load]);
  useEffect(() => {
    if (!socket) return;
    const onChanged = (d: FleetDevice) => setDevices((list) => (list ? list.map((x) => (x.id === d.id ? d : x)).concat(list.some((x) => x.id === d.id) ? [] : [d]) : list));
    socket.on('fleet:changed', onChanged);
    return () => {
      socket.off('fleet:changed', onChanged);
    };
  }, [socket]);

  const reload = (id: string) => {
    setNotice(null);
    call('reloadDevice', { params: { id } })
      .then((d) => setNotice(t(d.online ? 'fleet.reloadSent' : 'fleet.reloadOffline', { id })))
      .catch((err) => setError(errorMessage(err)));
  };

  return (
    <section className="adm-panel" data-testid="fleet-panel">
      <div className="adm-panel-head">
        <h2>{t('fleet.title')}</h2>
        <span className="adm-note">{t('fleet.hint')}</span>
        <button type="button" className="adm-btn" onClick={load} data-testid="fleet-refresh">
          ⟳ {t('common:actions.refresh')}
        </button>
      </div>
      {error && (
        <div className="adm-error" role="alert" data-testid="fleet-error">
          {error}
        </div>
      )}
      {notice && (
        <div className="adm-ok" role="status" data-testid="fleet-notice">
          {notice}
        </div>
      )}
      {!devices ? (
        !error && <p className="adm-empty">{t('common:loading')}</p>
      ) : devices.length === 0 ? (
        <p className="adm-empty">{t('fleet.none')}</p>
      ) : (
        <div className="adm-scroll">
          <table className="adm-table" data-testid="fleet-table">
            <thead>
              <tr>
                <th scope="col">{t('fleet.device')}</th>
                <th scope="col">{t('fleet.state')}</th>
                <th scope="col">{t('fleet.alert')}</th>
                <th scope="col">{t('fleet.version')}</th>
                <th scope="col">{t('fleet.printer')}</th>
                <th scope="col">{t('fleet.lastPrinted')}</th>
                <th scope="col">{t('fleet.screen')}</th>
                <th scope="col">{t('fleet.disk')}</th>
                <th scope="col">
                  <span className="adm-sr">{t('fleet.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {devices.map((d) => (
                <tr key={d.id} data-testid="fleet-row" data-device={d.id} data-online={d.online ? 'yes' : 'no'} className={d.online ? '' : 'adm-last-known'}>
                  <td>
                    <span className="mono">{d.id}</span>
                    <div className="adm-feed-reason">
                      {t(`fleet.kinds.${d.kind}`)}
                      {d.location && <span data-testid="fleet-location"> · {d.location}</span>}
                    </div>
                  </td>
                  <td>
                    <span className={`adm-pill ${d.online ? 'is-done' : 'is-failed'}`}>{t(d.online ? 'fleet.online' : 'fleet.offline')}</span>
                    <div className="adm-feed-reason">
                      {d.since ? t(d.online ? 'fleet.onlineSince' : 'fleet.offlineSince', { time: formatDateTime(d.since) }) : t('fleet.neverSeen')}
                    </div>
                    {!d.online && d.lastSeenAt && <div className="adm-feed-reason">{t('fleet.lastKnown')}</div>}
                  </td>
                  <td data-testid="fleet-alert">
                    {d.alert ? <span className="adm-pill is-failed">{t(`fleet.alerts.${d.alert}`)}</span> : '—'}
                  </td>
                  <td className="mono">{d.appVersion ?? '—'}</td>
                  <td>
                    {d.printer ? (
                      <span className={`adm-pill ${d.printer === 'ok' ? 'is-done' : d.printer === 'none' ? '' : d.printer === 'paper_low' ? 'is-scheduled' : 'is-failed'}`} data-testid="fleet-printer">
                        {t(`fleet.printers.${d.printer}`)}
                      </span>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td className="mono">{d.lastTicketPrinted ?? '—'}</td>
                  <td>{d.screen ? t(`fleet.screens.${d.screen}`, { defaultValue: d.screen }) : '—'}</td>
                  <td>
                    {d.freeDiskMb === null
                      ? '—'
                      : d.freeDiskMb >= 1024
                        ? t('fleet.gb', { gb: (d.freeDiskMb / 1024).toFixed(1) })
                        : t('fleet.mb', { mb: d.freeDiskMb.toLocaleString() })}
                  </td>
                  <td>
                    <button type="button" className="adm-btn" onClick={() => reload(d.id)} data-testid="fleet-reload">
                      {t('fleet.reload')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
