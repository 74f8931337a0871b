/**
 * Staff sign-in (manager, teller, admin) and the small pieces every staff screen shares:
 * the session hook and gate (401 / expiry -> back to sign-in), the language switch and the
 * connection badge.
 */
import { pinRefusal } from '@domain/pin-policy';
import { Component, useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import i18next from 'i18next';
import type { LoginResponse } from '@domain/contracts';
import { ApiError, login, request } from '../lib/api';
import { useSession } from '../lib/session';
import { SUPPORTED_LANGUAGES, type UiLanguage } from '../i18n';
import { currentLanguage, errorMessage } from './format';

export type StaffScope = 'manager' | 'teller' | 'admin';

const LANGUAGE_KEY = 'branch-lobby.staff.language';

function storedLanguage(): UiLanguage | null {
  try {
    const l = window.localStorage.getItem(LANGUAGE_KEY);
    return (SUPPORTED_LANGUAGES as readonly string[]).includes(l ?? '') ? (l as UiLanguage) : null;
  } catch {
    return null;
  }
}

/** zh-CN / English toggle; the choice is remembered on this device for the staff screens. */
export function LanguageSwitch({ className }: { className?: string }) {
  const { t, i18n } = useTranslation('common');
  const current = currentLanguage();
  return (
    <div className={`staff-lang ${className ?? ''}`} role="group" aria-label={t('language')} data-testid="language-switch">
      {SUPPORTED_LANGUAGES.map((l) => (
        <button
          key={l}
          type="button"
          className={l === current ? 'is-active' : ''}
          aria-pressed={l === current}
          data-testid={`lang-${l}`}
          lang={l}
          onClick={() => {
            void i18n.changeLanguage(l);
            try {
              window.localStorage.setItem(LANGUAGE_KEY, l);
            } catch {
              /* private mode: the choice lasts for this page only */
            }
          }}
        >
          {t(`languages.${l}`)}
        </button>
      ))}
    </div>
  );
}

/** Live / reconnecting indicator for a socket connection. */
export function ConnectionBadge({ connected }: { connected: boolean }) {
  const { t } = useTranslation('common');
  return (
    <span
      className={`staff-conn ${connected ? 'is-online' : 'is-offline'}`}
      role="status"
      aria-live="polite"
      data-testid="connection-indicator"
      data-connected={connected ? 'true' : 'false'}
    >
      <span className="staff-conn-dot" aria-hidden="true" />
      {connected ? t('connection.online') : t('connection.offline')}
    </span>
  );
}

export type SessionNotice = 'expired' | 'signedOut' | null;

/**
 * The signed-in staff session of one screen. `guard` wraps API calls: a 401 clears the session
 * so the screen goes back to sign-in with a notice. The session also ends at its expiresAt.
 */
export function useStaffSession(scope: StaffScope) {
  const [session, setSession] = useSession(scope);
  const [notice, setNotice] = useState<SessionNotice>(null);
  const { i18n } = useTranslation('common');

  // Apply the language this device last chose for staff screens.
  useEffect(() => {
    const l = storedLanguage();
    if (l && l !== currentLanguage()) void i18n.changeLanguage(l);
  }, [i18n]);

  const expire = useCallback(() => {
    setSession(null);
    setNotice('expired');
  }, [setSession]);

  useEffect(() => {
    if (!session) return;
    const ms = Date.parse(session.expiresAt) - Date.now();
    if (!(ms > 0)) {
      expire();
      return;
    }
    const id = window.setTimeout(expire, Math.min(ms, 2_147_000_000));
    return () => window.clearTimeout(id);
  }, [session, expire]);

  const signIn = useCallback(
    (s: LoginResponse) => {
      setNotice(null);
      setSession(s);
    },
    [setSession],
  );

  const signOut = useCallback(async () => {
    const token = session?.token;
    setSession(null);
    setNotice('signedOut');
    if (token) {
      try {
        await request('logout', token);
      } catch {
        /* the session is gone locally either way */
      }
    }
  }, [session, setSession]);

  const guard = useCallback(
    async <T,>(p: Promise<T>): Promise<T> => {
      try {
        return await p;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) expire();
        throw err;
      }
    },
    [expire],
  );

  return { session, signIn, signOut, expire, guard, notice };
}

/** A staff screen's session once signed in: what StaffGate hands to the desk. */
export type StaffAuth = ReturnType<typeof useStaffSession> & { session: LoginResponse };

/**
 * The staff counterpart of DeviceGate: the sign-in form until the screen has a session, then
 * `children` with it, behind the error boundary. Back to the form on sign-out, 401 or expiry.
 */
export function StaffGate({
  scope,
  withCounter,
  children,
}: {
  scope: StaffScope;
  withCounter?: boolean;
  children: (auth: StaffAuth) => ReactNode;
}) {
  const auth = useStaffSession(scope);
  if (!auth.session) return <StaffLogin scope={scope} withCounter={withCounter} onSignedIn={auth.signIn} notice={auth.notice} />;
  return <ScreenErrorBoundary>{children(auth as StaffAuth)}</ScreenErrorBoundary>;
}

interface StaffLoginProps {
  scope: StaffScope;
  onSignedIn: (s: LoginResponse) => void;
  /** Tellers may give the counter they sit at (their usual one when left empty). */
  withCounter?: boolean;
  notice?: SessionNotice;
}

/** Sign-in form: staff ID + PIN (+ counter); refuses a role that does not match the screen. */
export function StaffLogin({ scope, onSignedIn, withCounter = false, notice = null }: StaffLoginProps) {
  const { t } = useTranslation('common');
  const [staffId, setStaffId] = useState('');
  const [pin, setPin] = useState('');
  const [counter, setCounter] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const pinRef = useRef<HTMLInputElement>(null);
  /** Signed in with a PIN an administrator set: choose one's own before going on. */
  const [changing, setChanging] = useState<{ res: LoginResponse; currentPin: string } | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const id = staffId.trim();
    if (!id) return setError(t('login.staffIdRequired'));
    if (!/^\d{4,8}$/.test(pin)) return setError(t('login.pinFormat'));
    let counterId: number | undefined;
    if (withCounter && counter.trim()) {
      counterId = Number(counter.trim());
      if (!Number.isInteger(counterId) || counterId <= 0) return setError(t('login.counterFormat'));
    }
    setBusy(true);
    setError(null);
    try {
      const res = await login({ staffId: id, pin, ...(counterId ? { counterId } : {}) });
      if (res.role !== scope) {
        // Not this screen's role: end that session on the hub and say so.
        void request('logout', res.token).catch(() => undefined);
        setError(
          `${t('errors.forbidden')} — ${t('login.wrongRole', { role: t(`role.${res.role}`), screen: t(`screens.${scope}`) })}`,
        );
        setPin('');
        return;
      }
      if (withCounter && res.counterId == null) {
        void request('logout', res.token).catch(() => undefined);
        setError(t('login.counterRequired'));
        return;
      }
      if (res.mustChangePin) {
        setChanging({ res, currentPin: pin });
        setPin('');
        return;
      }
      onSignedIn(res);
    } catch (err) {
      setPin('');
      if (err instanceof ApiError && err.status === 401) setError(t('login.invalidCredentials'));
      else if (err instanceof ApiError && err.code === 'not_found' && counterId) setError(t('login.counterFormat'));
      else setError(errorMessage(err));
      pinRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  if (changing) {
    return (
      <ChangePinForm
        scope={scope}
        session={changing.res}
        currentPin={changing.currentPin}
        onDone={(res) => onSignedIn(res)}
        onCancel={() => {
          void request('logout', changing.res.token).catch(() => undefined);
          setChanging(null);
        }}
      />
    );
  }

  return (
    <SignInCard
      testId={`${scope}-login`}
      title={t(`screens.${scope}`)}
      onSubmit={submit}
      busy={busy}
      error={error}
      staffId={staffId}
      onStaffId={setStaffId}
      pin={pin}
      onPin={setPin}
      pinRef={pinRef}
      pinMaxLength={8}
      pinHint={t('login.pinHint')}
      notice={
        notice && !error ? (
          <p className={`staff-login-notice is-${notice}`} role="status" data-testid="login-notice">
            {notice === 'expired' ? t('errors.unauthenticated') : t('login.signedOut')}
          </p>
        ) : null
      }
    >
      {withCounter && (
        <label>
          <span>{t('login.counter')}</span>
          <input
            name="counterId"
            inputMode="numeric"
            maxLength={3}
            value={counter}
            onChange={(e) => setCounter(e.target.value.replace(/\D/g, ''))}
            data-testid="login-counter"
          />
          <small>{t('login.counterHint')}</small>
        </label>
      )}
    </SignInCard>
  );
}

/**
 * The sign-in card of a staff screen (a branch desk, or head office): the app and screen name, staff
 * id and PIN, a notice above, extra fields (`children`) below, the error and the submit button.
 * Only the look and the fields; the caller signs in.
 */
export function SignInCard(props: {
  testId: string;
  title: string;
  onSubmit: (e: FormEvent) => void;
  busy: boolean;
  error: string | null;
  staffId: string;
  onStaffId: (v: string) => void;
  pin: string;
  onPin: (v: string) => void;
  pinRef?: Ref<HTMLInputElement>;
  pinMaxLength: number;
  pinHint?: string;
  notice?: ReactNode;
  children?: ReactNode;
}) {
  const { t } = useTranslation('common');
  return (
    <main className="staff-login" data-testid={props.testId}>
      <StaffStyles />
      <div className="staff-login-top">
        <LanguageSwitch />
      </div>
      <form className="staff-login-card" onSubmit={props.onSubmit} noValidate data-testid="login-form">
        <div className="staff-login-brand">
          <span className="staff-login-logo" aria-hidden="true">
            ▣
          </span>
          <div>
            <div className="staff-login-app">{t('appName')}</div>
            <h1>{props.title}</h1>
          </div>
        </div>
        <h2>{t('login.title')}</h2>
        {props.notice}
        <label>
          <span>{t('login.staffId')}</span>
          <input
            name="staffId"
            autoComplete="username"
            autoFocus
            value={props.staffId}
            onChange={(e) => props.onStaffId(e.target.value)}
            data-testid="login-staff-id"
          />
        </label>
        <label>
          <span>{t('login.pin')}</span>
          <input
            ref={props.pinRef}
            name="pin"
            type="password"
            inputMode="numeric"
            autoComplete="current-password"
            maxLength={props.pinMaxLength}
            value={props.pin}
            onChange={(e) => props.onPin(e.target.value.replace(/\D/g, ''))}
            data-testid="login-pin"
          />
          {props.pinHint && <small>{props.pinHint}</small>}
        </label>
        {props.children}
        {props.error && (
          <p className="staff-login-error" role="alert" data-testid="login-error">
            {props.error}
          </p>
        )}
        <button type="submit" className="staff-login-submit" disabled={props.busy} data-testid="login-submit">
          {props.busy ? t('login.signingIn') : t('login.submit')}
        </button>
      </form>
    </main>
  );
}

/**
 * First sign-in with a PIN an administrator set (the branch file, a reset): the person chooses
 * their own, twice, by the PIN rules, before the screen opens.
 */
function ChangePinForm({
  scope,
  session,
  currentPin,
  onDone,
  onCancel,
}: {
  scope: StaffScope;
  session: LoginResponse;
  currentPin: string;
  onDone: (s: LoginResponse) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation('common');
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const refusal = pinRefusal(pin, currentPin);
    if (refusal) return setError(t(`reasons.${refusal}`));
    if (pin !== again) return setError(t('login.pinMismatch'));
    setBusy(true);
    setError(null);
    try {
      const res = await request('changePin', session.token, { body: { currentPin, newPin: pin } });
      onDone({ ...session, ...res, token: session.token, mustChangePin: false });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="staff-login" data-testid={`${scope}-change-pin`}>
      <StaffStyles />
      <div className="staff-login-top">
        <LanguageSwitch />
      </div>
      <form className="staff-login-card" onSubmit={submit} noValidate data-testid="change-pin-form">
        <h1>{t('login.changePinTitle', { name: session.displayName })}</h1>
        <p className="staff-login-notice" role="status">
          {t('login.changePinHint')}
        </p>
        <label>
          <span>{t('login.newPin')}</span>
          <input
            name="newPin"
            type="password"
            inputMode="numeric"
            autoComplete="new-password"
            autoFocus
            maxLength={8}
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
            data-testid="change-pin-new"
          />
          <small>{t('login.newPinRules')}</small>
        </label>
        <label>
          <span>{t('login.newPinAgain')}</span>
          <input
            name="newPinAgain"
            type="password"
            inputMode="numeric"
            autoComplete="new-password"
            maxLength={8}
            value={again}
            onChange={(e) => setAgain(e.target.value.replace(/\D/g, ''))}
            data-testid="change-pin-again"
          />
        </label>
        {error && (
          <p className="staff-login-error" role="alert" data-testid="change-pin-error">
            {error}
          </p>
        )}
        <button type="submit" className="staff-login-submit" disabled={busy} data-testid="change-pin-submit">
          {busy ? t('login.changingPin') : t('login.changePin')}
        </button>
        <button type="button" className="staff-login-cancel" onClick={onCancel} data-testid="change-pin-cancel">
          {t('login.logout')}
        </button>
      </form>
    </main>
  );
}

export default StaffLogin;

/**
 * Last line of defence against a blank page: a rendering error shows a translated message with
 * a way back instead of unmounting the whole screen.
 */
export class ScreenErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override componentDidCatch(error: unknown) {
    console.error('screen error', error);
  }
  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <main className="staff-login" role="alert" data-testid="screen-error">
        <StaffStyles />
        <div className="staff-login-card">
          <h1>{i18next.t('common:errors.internal')}</h1>
          <button type="button" className="staff-login-submit" onClick={() => window.location.reload()}>
            {i18next.t('common:actions.retry')}
          </button>
        </div>
      </main>
    );
  }
}

/** Styles of the sign-in page and the shared staff widgets; React hoists and dedupes them. */
export function StaffStyles() {
  return (
    <style href="branch-lobby-staff" precedence="default">
      {STAFF_CSS}
    </style>
  );
}

const STAFF_CSS = `
.staff-login{box-sizing:border-box;min-height:100vh;display:flex;flex-direction:column;align-items:center;justify-content:center;
  padding:24px;background:linear-gradient(160deg,#0b2545 0%,#13315c 55%,#1d4e89 100%);
  font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Zen Hei",system-ui,sans-serif;color:#1b2430}
.staff-login *,.staff-login *::before,.staff-login *::after{box-sizing:border-box}
.staff-login-top{position:absolute;top:16px;right:20px}
.staff-login-card{width:min(420px,100%);background:#fff;border-radius:14px;padding:28px 32px 32px;box-shadow:0 20px 60px rgba(0,0,0,.35);
  display:flex;flex-direction:column;gap:14px}
.staff-login-brand{display:flex;align-items:center;gap:12px;border-bottom:1px solid #e5e9f0;padding-bottom:14px}
.staff-login-logo{display:inline-flex;width:44px;height:44px;border-radius:10px;background:#b8860b;color:#fff;font-size:24px;
  align-items:center;justify-content:center}
.staff-login-app{font-size:13px;color:#5b6b7f;letter-spacing:.04em}
.staff-login h1{margin:0;font-size:22px;color:#0b2545}
.staff-login h2{margin:4px 0 0;font-size:16px;font-weight:600;color:#34495e}
.staff-login label{display:flex;flex-direction:column;gap:6px;font-size:14px;color:#34495e}
.staff-login label small{color:#505e6e;font-size:12px}
.staff-login-cancel{margin-top:8px;min-height:44px;border:1px solid #c5ceda;background:#fff;border-radius:10px;font:inherit;cursor:pointer}
.staff-login input{font:inherit;font-size:18px;padding:11px 12px;border:1px solid #c5ceda;border-radius:8px;outline:none;min-height:46px}
.staff-login input:focus{border-color:#1d4e89;box-shadow:0 0 0 3px rgba(29,78,137,.18)}
.staff-login-submit{font:inherit;font-size:18px;font-weight:600;min-height:50px;border:0;border-radius:8px;background:#1d4e89;color:#fff;cursor:pointer;margin-top:6px}
.staff-login-submit:hover{background:#173f70}
.staff-login-submit:disabled{opacity:.6;cursor:progress}
.staff-login-error{margin:0;padding:10px 12px;border-radius:8px;background:#fdecea;color:#a61b1b;font-size:14px;border:1px solid #f5c2bd}
.staff-login-notice{margin:0;padding:10px 12px;border-radius:8px;background:#eef4fb;color:#1d4e89;font-size:14px}
.staff-login-notice.is-expired{background:#fff6e0;color:#7a5200}
.staff-lang{display:inline-flex;border:1px solid rgba(255,255,255,.45);border-radius:999px;overflow:hidden}
.staff-lang button{font:inherit;font-size:13px;border:0;background:transparent;color:inherit;padding:6px 12px;cursor:pointer;min-height:32px}
.staff-lang button.is-active{background:rgba(255,255,255,.92);color:#0b2545;font-weight:600}
.staff-login .staff-lang{color:#fff}
.staff-conn{display:inline-flex;align-items:center;gap:6px;font-size:13px;padding:4px 10px;border-radius:999px;white-space:nowrap}
.staff-conn-dot{width:9px;height:9px;border-radius:50%;display:inline-block}
.staff-conn.is-online{background:rgba(46,160,67,.16);color:#b9f0c4}
.staff-conn.is-online .staff-conn-dot{background:#3fd06b;box-shadow:0 0 0 3px rgba(63,208,107,.25)}
.staff-conn.is-offline{background:rgba(229,83,75,.2);color:#ffd2cf}
.staff-conn.is-offline .staff-conn-dot{background:#ff6b60;animation:staff-blink 1s steps(2,start) infinite}
@keyframes staff-blink{to{visibility:hidden}}
`;
