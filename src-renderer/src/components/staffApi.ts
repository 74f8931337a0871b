/**
 * Hub access of the staff desks: HTTP calls with the session's token (a 401 signs the screen out)
 * and the live staff queue snapshot over the socket, with HTTP as the fallback.
 */
import { useCallback, useEffect, useState } from 'react';
import type { PublicQueueSnapshot, QueueSnapshot } from '@domain/contracts';
import { api } from '../lib/api';
import { useLobbySocket } from '../lib/socket';
import type { StaffAuth } from './StaffLogin';
import { ackErrorMessage, errorMessage } from './format';

export type StaffCall = <T>(path: string, init?: { method?: string; body?: unknown }) => Promise<T>;

/** `call(path, init)`: lib/api with the session's token, guarded (401 -> back to sign-in). */
export function useStaffCall(auth: StaffAuth): StaffCall {
  const { guard } = auth;
  const token = auth.session.token;
  return useCallback(
    <T>(path: string, init: { method?: string; body?: unknown } = {}) => guard(api<T>(path, { ...init, token })),
    [guard, token],
  );
}

/**
 * The desk's socket and the staff queue snapshot: pushed on queue:changed (an older one arriving
 * late is dropped), asked for on every (re)connect, over HTTP when the acknowledgement fails.
 * A refused token, on connecting or in an acknowledgement, ends the session.
 */
export function useStaffQueue(auth: StaffAuth, call: StaffCall) {
  const { expire } = auth;
  const { socket, connected } = useLobbySocket(auth.session.token);
  const [snapshot, setSnapshot] = useState<QueueSnapshot | null>(null);
  const [queueError, setQueueError] = useState<string | null>(null);

  const loadQueueHttp = useCallback(() => {
    call<QueueSnapshot>('/api/v1/queue')
      .then((s) => {
        setSnapshot(s);
        setQueueError(null);
      })
      .catch((err) => setQueueError(errorMessage(err)));
  }, [call]);

  useEffect(() => {
    if (!socket) return;
    const onQueue = (snap: QueueSnapshot | PublicQueueSnapshot) => {
      if (snap.audience !== 'staff') return;
      setSnapshot((prev) => (prev && snap.offset < prev.offset ? prev : snap));
      setQueueError(null);
    };
    const onConnectError = (err: Error) => {
      if (err.message === 'unauthenticated') expire();
    };
    socket.on('queue:changed', onQueue);
    socket.on('connect_error', onConnectError);
    return () => {
      socket.off('queue:changed', onQueue);
      socket.off('connect_error', onConnectError);
    };
  }, [socket, expire]);

  useEffect(() => {
    if (!socket || !connected) return;
    socket.timeout(8000).emit('queue:snapshot', (err, res) => {
      if (err) return loadQueueHttp();
      if (res.ok) {
        if (res.data.audience === 'staff') setSnapshot(res.data);
        setQueueError(null);
      } else if (res.error.code === 'unauthenticated') expire();
      else setQueueError(ackErrorMessage(res.error));
    });
  }, [socket, connected, loadQueueHttp, expire]);

  return { socket, connected, snapshot, queueError, loadQueueHttp };
}
