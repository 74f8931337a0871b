/**
 * Device sign-in for the kiosk and the lobby display. A device is paired once by branch staff
 * (device id + secret); the session is kept in localStorage (lib/session.ts) until it expires or
 * the hub answers 401, which brings the form back. In the Electron kiosk shell the shell has
 * already signed in with kiosk.json's kiosk id and secret and its session is used (no form) until
 * it expires or the hub answers 401.
 */
import { useCallback, useEffect, useState, type CSSProperties, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { LoginResponse } from '@domain/contracts';
import { ApiError, login, request } from '../lib/api';
import { shellDeviceSession, useSession } from '../lib/session';

export type DeviceScope = 'kiosk' | 'display';

const KNOWN_CODES = new Set([
  'network',
  'unauthenticated',
  'forbidden',
  'validation_failed',
  'not_found',
  'conflict',
  'rate_limited',
  'internal',
]);

/** A friendly, translated sentence for any error thrown by lib/api (common:errors.<code>). */
export function apiErrorText(t: TFunction, err: unknown): string {
  if (err instanceof ApiError) {
    const code = KNOWN_CODES.has(err.code) ? err.code : 'internal';
    return t(`common:errors.${code}`, { message: err.message });
  }
  return t('common:errors.internal');
}

/** True when the hub says the device's session is gone (expired, revoked, unknown token). */
export function isSessionEnded(err: unknown): boolean {
  return err instanceof ApiError && err.status === 401;
}

/** deviceId from `?device=` in the address, used to pre-fill the form. */
function deviceFromUrl(): string {
  try {
    return new URLSearchParams(window.location.search).get('device')?.trim() ?? '';
  } catch {
    return '';
  }
}

// The largest delay setTimeout accepts (about 24.8 days).
const MAX_TIMEOUT = 2 ** 31 - 1;

export interface DeviceSessionContext {
  session: LoginResponse;
  /** Forget the stored session and show the sign-in form again (e.g. after a 401). */
  signOut: () => void;
}

/**
 * Renders the sign-in form until the device has a session, then `children` with it: the kiosk
 * shell's session when it gave one (kiosk only), else the stored one. The session is dropped when
 * it expires, and whenever a child calls `signOut` (on a 401 from the hub); the form comes back,
 * except for the shell's session: then the shell signs in again from kiosk.json (shell:reload).
 */
export function DeviceGate({ scope, children }: { scope: DeviceScope; children: (ctx: DeviceSessionContext) => ReactNode }) {
  const [stored, setStored] = useSession(scope);
  const [fromShell, setFromShell] = useState(() => (scope === 'kiosk' ? shellDeviceSession() : null));
  const session = fromShell ?? stored;

  useEffect(() => {
    if (!session) return;
    const ms = Date.parse(session.expiresAt) - Date.now();
    if (!Number.isFinite(ms)) return;
    const drop = () => (fromShell ? renewFromShell() : setStored(null));
    const timer = window.setTimeout(drop, Math.max(0, Math.min(ms, MAX_TIMEOUT)));
    return () => window.clearTimeout(timer);
  }, [session, fromShell, setStored]);

  // The shell's session ended (expired, or refused by the hub): the shell signs in again from
  // kiosk.json and loads the page; the form is only for a kiosk without one.
  const renewFromShell = useCallback(() => {
    const shell = typeof window === 'undefined' ? undefined : window.branchLobbyShell;
    if (typeof shell?.reload === 'function') shell.reload();
    else setFromShell(null);
  }, []);
  const signOut = useCallback(() => {
    if (fromShell) return renewFromShell();
    setFromShell(null);
    setStored(null);
  }, [setStored, fromShell, renewFromShell]);

  if (!session) return <DeviceLogin scope={scope} onSignedIn={setStored} />;
  return <>{children({ session, signOut })}</>;
}

export default function DeviceLogin({ scope, onSignedIn }: { scope: DeviceScope; onSignedIn: (s: LoginResponse) => void }) {
  const { t } = useTranslation('common');
  const [deviceId, setDeviceId] = useState(deviceFromUrl);
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const id = deviceId.trim();
    if (!id || !secret) {
      setError(t('login.missingFields'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const s = await login({ deviceId: id, secret });
      if (s.role !== scope) {
        // A display account typed into a kiosk (or the reverse): do not keep the token.
        void request('logout', s.token).catch(() => undefined);
        setError(t('login.wrongDevice', { screen: t(`screens.${scope}`) }));
        return;
      }
      setSecret('');
      onSignedIn(s);
    } catch (err) {
      setError(
        err instanceof ApiError && err.code === 'unauthenticated' ? t('login.badDeviceSecret') : apiErrorText(t, err),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <main style={styles.page} data-testid="device-login" data-scope={scope}>
      <form style={styles.card} onSubmit={submit} noValidate>
        <h1 style={styles.title}>{t('login.deviceTitle', { screen: t(`screens.${scope}`) })}</h1>
        <p style={styles.hint}>{t('login.deviceHint')}</p>
        <label style={styles.label}>
          <span>{t('login.deviceId')}</span>
          <input
            style={styles.input}
            data-testid="device-login-id"
            name="deviceId"
            value={deviceId}
            autoComplete="username"
            autoCapitalize="off"
            spellCheck={false}
            autoFocus={!deviceId}
            onChange={(e) => setDeviceId(e.target.value)}
          />
        </label>
        <label style={styles.label}>
          <span>{t('login.secret')}</span>
          <input
            style={styles.input}
            data-testid="device-login-secret"
            name="secret"
            type="password"
            value={secret}
            autoComplete="current-password"
            autoFocus={!!deviceId}
            onChange={(e) => setSecret(e.target.value)}
          />
        </label>
        {error && (
          <p style={styles.error} role="alert" data-testid="device-login-error">
            {error}
          </p>
        )}
        <button style={{ ...styles.button, opacity: busy ? 0.6 : 1 }} type="submit" disabled={busy} data-testid="device-login-submit">
          {busy ? t('login.signingIn') : t('login.submit')}
        </button>
      </form>
    </main>
  );
}

// Inline styles: the form is shared by two screens and must look right before any screen CSS loads.
const styles: Record<string, CSSProperties> = {
  page: {
    minHeight: '100vh',
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    background: '#eef2f6',
    padding: 24,
    color: '#1b2733',
  },
  card: {
    width: 'min(100%, 460px)',
    background: '#fff',
    borderRadius: 16,
    boxShadow: '0 8px 32px rgba(20, 40, 70, 0.12)',
    padding: '32px 32px 28px',
    display: 'flex',
    flexDirection: 'column',
    gap: 18,
  },
  title: { margin: 0, fontSize: 26, fontWeight: 600 },
  hint: { margin: 0, color: '#5b6876', fontSize: 16, lineHeight: 1.5 },
  label: { display: 'flex', flexDirection: 'column', gap: 6, fontSize: 16, color: '#34414e' },
  input: {
    fontSize: 20,
    minHeight: 52,
    padding: '0 14px',
    borderRadius: 10,
    border: '1px solid #b7c2cd',
    fontFamily: 'inherit',
  },
  error: {
    margin: 0,
    padding: '10px 14px',
    borderRadius: 10,
    background: '#fdecea',
    color: '#a12622',
    fontSize: 16,
  },
  button: {
    minHeight: 56,
    fontSize: 20,
    fontWeight: 600,
    border: 'none',
    borderRadius: 12,
    background: '#0b5cad',
    color: '#fff',
    cursor: 'pointer',
    fontFamily: 'inherit',
  },
};
