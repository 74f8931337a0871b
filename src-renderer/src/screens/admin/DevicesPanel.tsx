/**
 * Devices: the branch's kiosks and lobby displays. Branch IT pairs a new one (id and
 * kind; the hub generates the secret), re-keys one (a lost secret, or bringing a retired device
 * back) and retires one (it can no longer sign in; its sessions end at once). A new secret is
 * shown only once, with a copy button and a warning; the list never holds secrets.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DeviceIdSchema, type DeviceInfo, type DeviceSecretResponse } from '@domain/contracts';
import type { StaffCall } from '../../components/staffApi';
import { errorMessage, formatDateTime } from '../../components/format';
import './devices.css';

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

type Kind = DeviceInfo['kind'];
type Confirm = { id: string; action: 'rekey' | 'retire' } | null;

export function DevicesPanel({ call }: { call: StaffCall }) {
  const { t } = useTranslation(['admin', 'common']);
  const [devices, setDevices] = useState<DeviceInfo[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [form, setForm] = useState<{ id: string; kind: Kind; location: string } | null>(null);
  const [tried, setTried] = useState(false);
  const [confirm, setConfirm] = useState<Confirm>(null);
  const [revealed, setRevealed] = useState<{ id: string; secret: string; rekeyed: boolean } | null>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);

  const load = useCallback(() => {
    call('devices')
      .then((r) => {
        setDevices(r.devices);
        setLoaded(true);
        setError(null);
      })
      .catch((err) => setError(errorMessage(err)));
  }, [call]);
  useEffect(load, [load]);

  const idCheck = form ? DeviceIdSchema.safeParse(form.id) : null;
  const idError = form && tried && !idCheck?.success ? t('devices.errors.id') : null;

  const show = (r: DeviceSecretResponse, rekeyed: boolean) => {
    setRevealed({ id: r.device.id, secret: r.secret, rekeyed });
    setCopied(null);
  };

  const pair = async () => {
    setTried(true);
    if (!form || !idCheck?.success) return;
    setBusy(true);
    try {
      const location = form.location.trim();
      const r = await call('pairDevice', { body: { id: idCheck.data, kind: form.kind, ...(location ? { location } : {}) } });
      show(r, false);
      setForm(null);
      setTried(false);
      setError(null);
      load();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const act = async (id: string, action: 'rekey' | 'retire') => {
    setBusy(true);
    try {
      if (action === 'rekey') show(await call('rekeyDevice', { params: { id } }), true);
      else await call('retireDevice', { params: { id } });
      setConfirm(null);
      setError(null);
      load();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="adm-panel" data-testid="devices-panel">
      <div className="adm-panel-head">
        <h2>{t('devices.title')}</h2>
        <span className="adm-note">{t('devices.count', { count: devices.filter((d) => d.active).length })}</span>
        <button
          type="button"
          className="adm-btn adm-btn--primary adm-push"
          onClick={() => {
            setForm({ id: '', kind: 'kiosk', location: '' });
            setTried(false);
          }}
          disabled={busy || form !== null}
          data-testid="device-pair"
        >
          + {t('devices.pair')}
        </button>
        <button type="button" className="adm-btn" onClick={load} data-testid="devices-refresh">
          ⟳ {t('common:actions.refresh')}
        </button>
      </div>
      <p className="adm-hint">{t('devices.hint')}</p>
      {error && (
        <div className="adm-error" role="alert" data-testid="devices-error">
          {error}
        </div>
      )}

      {revealed && (
        <div className="adm-secret" role="alert" data-testid="device-secret-box">
          <h3>{revealed.rekeyed ? t('devices.secret.rekeyedTitle', { id: revealed.id }) : t('devices.secret.pairedTitle', { id: revealed.id })}</h3>
          <dl>
            <div>
              <dt>{t('devices.id')}</dt>
              <dd className="mono" data-testid="device-secret-id">
                {revealed.id}
              </dd>
            </div>
            <div>
              <dt>{t('devices.secret.label')}</dt>
              <dd className="mono adm-secret__value" data-testid="device-secret">
                {revealed.secret}
              </dd>
            </div>
          </dl>
          <p className="adm-secret__warn">⚠ {t('devices.secret.warning')}</p>
          <div className="adm-secret__actions">
            <button
              type="button"
              className="adm-btn"
              onClick={() => void copyText(revealed.secret).then((ok) => setCopied(ok ? 'yes' : 'no'))}
              data-testid="device-secret-copy"
            >
              {t('devices.secret.copy')}
            </button>
            {copied && (
              <span className={copied === 'yes' ? 'adm-secret__ok' : 'adm-secret__fail'} role="status">
                {copied === 'yes' ? t('devices.secret.copied') : t('devices.secret.copyFailed')}
              </span>
            )}
            <button type="button" className="adm-btn adm-btn--primary adm-push" onClick={() => setRevealed(null)} data-testid="device-secret-done">
              {t('devices.secret.done')}
            </button>
          </div>
        </div>
      )}

      {form && (
        <form
          className="adm-device-form"
          data-testid="device-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void pair();
          }}
        >
          <h3>{t('devices.newTitle')}</h3>
          <label className="adm-field">
            <span>{t('devices.id')}</span>
            <input
              className="mono"
              value={form.id}
              maxLength={64}
              autoComplete="off"
              spellCheck={false}
              placeholder={form.kind === 'kiosk' ? 'kiosk-02' : 'display-02'}
              onChange={(e) => setForm({ ...form, id: e.target.value })}
              aria-invalid={idError ? true : undefined}
              aria-describedby={idError ? 'device-id-error' : 'device-id-hint'}
              data-testid="device-id"
            />
            {idError ? (
              <span className="adm-field-error" id="device-id-error" role="alert" data-testid="device-id-error">
                {idError}
              </span>
            ) : (
              <span className="adm-field-hint" id="device-id-hint">
                {t('devices.idHint')}
              </span>
            )}
          </label>
          <label className="adm-field">
            <span>{t('devices.location')}</span>
            <input
              value={form.location}
              maxLength={60}
              autoComplete="off"
              placeholder={t('devices.locationExample')}
              onChange={(e) => setForm({ ...form, location: e.target.value })}
              aria-describedby="device-location-hint"
              data-testid="device-location"
            />
            <span className="adm-field-hint" id="device-location-hint">
              {t('devices.locationHint')}
            </span>
          </label>
          <fieldset className="adm-device-kind">
            <legend>{t('devices.kind')}</legend>
            {(['kiosk', 'display'] as const).map((k) => (
              <label key={k}>
                <input type="radio" name="device-kind" value={k} checked={form.kind === k} onChange={() => setForm({ ...form, kind: k })} data-testid={`device-kind-${k}`} />
                {t(`devices.kinds.${k}`)}
              </label>
            ))}
          </fieldset>
          <div className="adm-notice-actions">
            <button type="submit" className="adm-btn adm-btn--primary" disabled={busy} data-testid="device-pair-submit">
              {t('devices.pairSubmit')}
            </button>
            <button type="button" className="adm-btn" onClick={() => setForm(null)} disabled={busy} data-testid="device-pair-cancel">
              {t('devices.cancel')}
            </button>
          </div>
        </form>
      )}

      {!loaded && !error ? (
        <p className="adm-empty">{t('common:loading')}</p>
      ) : loaded && devices.length === 0 ? (
        <p className="adm-empty" data-testid="devices-empty">
          {t('devices.empty')}
        </p>
      ) : devices.length > 0 ? (
        <table className="adm-table adm-devices" data-testid="devices-table">
          <thead>
            <tr>
              <th scope="col">{t('devices.id')}</th>
              <th scope="col">{t('devices.kind')}</th>
              <th scope="col">{t('devices.location')}</th>
              <th scope="col">{t('devices.status')}</th>
              <th scope="col">{t('devices.sessions')}</th>
              <th scope="col">{t('devices.lastSignIn')}</th>
              <th scope="col">
                <span className="adm-sr">{t('devices.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {devices.map((d) => (
              <tr key={d.id} data-testid="device-row" data-device-id={d.id} data-active={d.active}>
                <td className="mono">{d.id}</td>
                <td>{t(`devices.kinds.${d.kind}`)}</td>
                <td>{d.location ?? '—'}</td>
                <td>
                  <span className={`adm-pill ${d.active ? 'is-active' : 'is-expired'}`}>{d.active ? t('devices.active') : t('devices.retired')}</span>
                </td>
                <td className="mono" data-testid="device-sessions">{d.sessions}</td>
                <td className="nowrap">{d.lastSignInAt ? formatDateTime(d.lastSignInAt) : '—'}</td>
                <td className="adm-notice-buttons">
                  {confirm?.id === d.id ? (
                    <span className="adm-confirm" role="group" aria-label={t(`devices.confirm.${confirm.action}`, { id: d.id })}>
                      <span>{t(`devices.confirm.${confirm.action}`, { id: d.id })}</span>
                      <button
                        type="button"
                        className="adm-btn adm-btn--danger"
                        onClick={() => void act(d.id, confirm.action)}
                        disabled={busy}
                        data-testid={`device-${confirm.action}-yes`}
                      >
                        {t(`devices.${confirm.action}`)}
                      </button>
                      <button type="button" className="adm-btn" onClick={() => setConfirm(null)} data-testid="device-confirm-no">
                        {t('devices.cancel')}
                      </button>
                    </span>
                  ) : (
                    <>
                      <button type="button" className="adm-btn" onClick={() => setConfirm({ id: d.id, action: 'rekey' })} disabled={busy} data-testid="device-rekey">
                        {d.active ? t('devices.rekey') : t('devices.reactivate')}
                      </button>
                      {d.active && (
                        <button type="button" className="adm-btn" onClick={() => setConfirm({ id: d.id, action: 'retire' })} disabled={busy} data-testid="device-retire">
                          {t('devices.retire')}
                        </button>
                      )}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
