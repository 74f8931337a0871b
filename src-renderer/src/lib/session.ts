/**
 * Where a screen keeps its sign-in. Staff sessions live in sessionStorage (closed tab = signed out);
 * device sessions (kiosk, display) in localStorage, so a paired device stays paired.
 */
import { useCallback, useState } from 'react';
import type { LoginResponse } from '@domain/contracts';
import type { BranchLobbyShell } from './hub';

export type SessionScope = 'kiosk' | 'display' | 'manager' | 'teller' | 'admin';

function storeFor(scope: SessionScope): Storage {
  return scope === 'kiosk' || scope === 'display' ? window.localStorage : window.sessionStorage;
}

const key = (scope: SessionScope) => `branch-lobby.session.${scope}`;

export function loadSession(scope: SessionScope): LoginResponse | null {
  try {
    const raw = storeFor(scope).getItem(key(scope));
    if (!raw) return null;
    const s = JSON.parse(raw) as LoginResponse;
    if (Date.parse(s.expiresAt) <= Date.now()) return null;
    return s;
  } catch {
    return null;
  }
}

export function saveSession(scope: SessionScope, s: LoginResponse | null): void {
  if (s) storeFor(scope).setItem(key(scope), JSON.stringify(s));
  else storeFor(scope).removeItem(key(scope));
}

/** React state bound to the stored session of one screen. */
export function useSession(scope: SessionScope) {
  const [session, setSession] = useState<LoginResponse | null>(() => loadSession(scope));
  const update = useCallback(
    (s: LoginResponse | null) => {
      saveSession(scope, s);
      setSession(s);
    },
    [scope],
  );
  return [session, update] as const;
}

/**
 * The kiosk session the Electron shell signed in with kiosk.json's kiosk id and secret
 * (window.branchLobbyShell.session), as a LoginResponse, or null: outside the shell, when the hub
 * refused the shell's sign-in, or once it has expired. Not stored: the shell gives a fresh one on
 * every kiosk load.
 */
export function shellDeviceSession(
  win: { branchLobbyShell?: BranchLobbyShell } | undefined = typeof window === 'undefined' ? undefined : window,
  now: number = Date.now(),
): LoginResponse | null {
  const s = win?.branchLobbyShell?.session;
  if (!s || typeof s.token !== 'string' || !s.token) return null;
  const expires = Date.parse(s.expiresAt);
  if (!Number.isFinite(expires) || expires <= now) return null;
  return { token: s.token, role: 'kiosk', branchId: s.branchId, displayName: s.deviceId, subjectId: s.deviceId, counterId: null, expiresAt: s.expiresAt, mustChangePin: false };
}
