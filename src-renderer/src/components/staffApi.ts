/**
 * Hub access of the staff desks: HTTP calls with the session's token (a 401 signs the screen out)
 * and the live staff queue snapshot over the socket, with HTTP as the fallback.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CatchUp, CustomerCard, PublicQueueSnapshot, QueueSnapshot, QueueSnapshotDelta } from '@domain/contracts';
import { applyQueueDelta } from '@domain/queue-delta';
import type { RouteName } from '@domain/routes';
import { request, type Answer, type RequestArgs } from '../lib/api';
import { noteOffset, offsetsOf, useLobbySocket } from '../lib/socket';
import { planStaffCatchUp } from '../lib/catch-up';
import type { StaffAuth } from './StaffLogin';
import { ackErrorMessage, errorMessage } from './format';

/** `call(route, input)`: a route of the hub's table with the session's token, guarded (401 -> back to sign-in). */
export type StaffCall = <N extends RouteName>(name: N, ...args: RequestArgs<N>) => Promise<Answer<N>>;

export function useStaffCall(auth: StaffAuth): StaffCall {
  const { guard } = auth;
  const token = auth.session.token;
  return useCallback(
    (<N extends RouteName>(name: N, ...args: RequestArgs<N>) => guard(request(name, token, ...args))) as StaffCall,
    [guard, token],
  );
}

/** How long a reconnecting desk waits for the hub's catch-up before asking for a snapshot itself. */
const CATCH_UP_WAIT_MS = 3000;

/**
 * The desk's socket and the staff queue snapshot: pushed on queue:changed (an older one arriving
 * late is dropped) or as a change from the one sent before on queue:delta (applied to the one
 * held; when the desk does not hold its base, the whole snapshot is asked for), asked for on the first connect, over HTTP when the acknowledgement fails.
 * On a reconnect the socket sends its last offset (lib/socket.ts) and the hub answers with
 * `events:catch-up` (lib/catch-up.ts planStaffCatchUp): a snapshot in it is applied as is; missed
 * events mean one fresh snapshot is asked for; nothing missed, nothing is asked. Without an answer
 * within CATCH_UP_WAIT_MS the desk asks for a snapshot anyway.
 * A refused token, on connecting or in an acknowledgement, ends the session.
 */
export function useStaffQueue(auth: StaffAuth, call: StaffCall) {
  const { expire } = auth;
  const { socket, connected } = useLobbySocket(auth.session.token);
  const [snapshot, setSnapshot] = useState<QueueSnapshot | null>(null);
  const [queueError, setQueueError] = useState<string | null>(null);
  const snapshotRef = useRef<QueueSnapshot | null>(null);

  /** Keeps the newest snapshot (by offset) and tells the socket what the desk holds. */
  const applySnapshot = useCallback(
    (snap: QueueSnapshot) => {
      const prev = snapshotRef.current;
      if (prev && snap.offset < prev.offset) return;
      snapshotRef.current = snap;
      if (socket) noteOffset(socket, snap.offset);
      setSnapshot(snap);
      setQueueError(null);
    },
    [socket],
  );

  const loadQueueHttp = useCallback(() => {
    call('queue')
      .then(applySnapshot)
      .catch((err) => setQueueError(errorMessage(err)));
  }, [call, applySnapshot]);

  useEffect(() => {
    if (!socket) return;
    // One request at a time: deltas that do not fit while one is on its way wait for its answer.
    let asking = false;
    const requestSnapshot = () => {
      if (asking) return;
      asking = true;
      socket.timeout(8000).emit('queue:snapshot', (err, res) => {
        asking = false;
        if (err) return loadQueueHttp();
        if (res.ok) {
          if (res.data.audience === 'staff') applySnapshot(res.data);
        } else if (res.error.code === 'unauthenticated') expire();
        else setQueueError(ackErrorMessage(res.error));
      });
    };
    let waitForCatchUp: ReturnType<typeof setTimeout> | undefined;
    const onConnect = () => {
      clearTimeout(waitForCatchUp);
      // No offset sent (first connection): no catch-up comes, ask. Else the catch-up decides.
      if (offsetsOf(socket)?.sentOffset == null) requestSnapshot();
      else waitForCatchUp = setTimeout(requestSnapshot, CATCH_UP_WAIT_MS);
    };
    const onCatchUp = (c: CatchUp) => {
      clearTimeout(waitForCatchUp);
      const plan = planStaffCatchUp(snapshotRef.current, c);
      if (plan.kind === 'apply') applySnapshot(plan.snapshot);
      else if (plan.kind === 'refresh') requestSnapshot();
    };
    const onQueue = (snap: QueueSnapshot | PublicQueueSnapshot) => {
      if (snap.audience === 'staff') applySnapshot(snap);
    };
    // A change from the snapshot sent before: applied to the one held, or the whole one asked for.
    const onDelta = (delta: QueueSnapshotDelta) => {
      const held = snapshotRef.current;
      const next = held ? applyQueueDelta(held, delta) : null;
      if (next) applySnapshot(next);
      else if (!held || held.offset < delta.offset) requestSnapshot();
    };
    // A manager's card comes with the queue change its ticket made.
    const onCardQueue = (_card: CustomerCard, queue?: QueueSnapshotDelta) => {
      if (queue) onDelta(queue);
    };
    const onConnectError = (err: Error) => {
      if (err.message === 'unauthenticated') expire();
    };
    socket.on('connect', onConnect);
    socket.on('events:catch-up', onCatchUp);
    socket.on('queue:changed', onQueue);
    socket.on('queue:delta', onDelta);
    socket.on('customer:card', onCardQueue);
    socket.on('connect_error', onConnectError);
    if (socket.connected) requestSnapshot();
    return () => {
      clearTimeout(waitForCatchUp);
      socket.off('connect', onConnect);
      socket.off('events:catch-up', onCatchUp);
      socket.off('queue:changed', onQueue);
      socket.off('queue:delta', onDelta);
      socket.off('customer:card', onCardQueue);
      socket.off('connect_error', onConnectError);
    };
  }, [socket, expire, applySnapshot, loadQueueHttp]);

  return { socket, connected, snapshot, queueError, loadQueueHttp };
}
