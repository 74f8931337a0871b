/**
 * The branch set-up (name, services, counters) for the signed-in lobby devices (kiosk, display):
 * loaded with the device's token, refreshed every ten minutes, retried every 15 s while the hub
 * does not answer. A 401 ends the device's session.
 */
import { useCallback, useEffect, useState } from 'react';
import type { BranchInfo } from '@domain/contracts';
import { request } from '../lib/api';
import { isSessionEnded } from './DeviceLogin';

const BRANCH_RETRY_MS = 15_000;
const BRANCH_REFRESH_MS = 10 * 60_000;

/** `branch` (null until the first answer), the last load's `error` (null once one succeeds), `reload()`. */
export function useDeviceBranch(token: string, onSessionEnded: () => void) {
  const [branch, setBranch] = useState<BranchInfo | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let live = true;
    let timer: number | undefined;
    request('branch', token)
      .then((b) => {
        if (!live) return;
        setBranch(b);
        setError(null);
        timer = window.setTimeout(() => setReloads((n) => n + 1), BRANCH_REFRESH_MS);
      })
      .catch((err: unknown) => {
        if (!live) return;
        if (isSessionEnded(err)) return onSessionEnded();
        // The screen keeps what it had (or works without names) until the hub answers.
        setError(err);
        timer = window.setTimeout(() => setReloads((n) => n + 1), BRANCH_RETRY_MS);
      });
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [token, reloads, onSessionEnded]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);
  return { branch, error, reload };
}
