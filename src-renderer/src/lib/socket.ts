/**
 * Typed socket.io client. The token goes in `auth`; the hub decides the rooms from it. The hub is
 * the page's own origin in a browser, its URL in the Electron kiosk (lib/hub.ts).
 *
 * Reconnect catch-up (docs/API.md "socket.io"): each socket remembers the highest event
 * offset its screen has seen (queue snapshots, calls, catch-ups, and snapshots the screen reports
 * with noteOffset) and sends it as `auth.offset` on every reconnect — `auth` is a callback, so
 * socket.io evaluates it per connection attempt. The hub then emits `events:catch-up` once: the
 * events missed since that offset for this audience, or a fresh snapshot. The first connection of
 * a socket sends no offset (the screen asks for a snapshot instead).
 */
import { useEffect, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { CatchUp, ClientToServerEvents, PublicQueueSnapshot, QueueSnapshot, QueueSnapshotDelta, ServerToClientEvents } from '@domain/contracts';
import { socketTarget } from './hub';

const REDIAL_MS = 3000;

export type LobbySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The highest offset a screen has seen and the offset sent in the latest handshake. */
export interface OffsetTracker {
  /** Highest offset seen, or null before anything carrying one arrived. */
  readonly offset: number | null;
  /** The `auth.offset` of the latest connection attempt (null: none sent, so no catch-up will come). */
  readonly sentOffset: number | null;
  see(offset: number | null | undefined): void;
  /**
   * socket.io's `auth` callback: `{token, queueDelta}` then `{token, queueDelta, offset}` once an
   * offset is known. `queueDelta: true` says these screens apply `queue:delta` (staffApi.ts).
   */
  auth(token: string): (cb: (data: { token: string; queueDelta: true; offset?: number }) => void) => void;
}

export function createOffsetTracker(): OffsetTracker {
  let offset: number | null = null;
  let sentOffset: number | null = null;
  return {
    get offset() {
      return offset;
    },
    get sentOffset() {
      return sentOffset;
    },
    see(o) {
      if (typeof o === 'number' && Number.isInteger(o) && o >= 0 && (offset === null || o > offset)) offset = o;
    },
    auth(token) {
      return (cb) => {
        sentOffset = offset;
        cb(offset === null ? { token, queueDelta: true } : { token, queueDelta: true, offset });
      };
    },
  };
}

type OffsetEvents = Pick<ServerToClientEvents, 'queue:changed' | 'queue:delta' | 'ticket:called' | 'events:catch-up'>;
interface Listens {
  on<E extends keyof OffsetEvents>(event: E, listener: OffsetEvents[E]): unknown;
}

/** Feeds the tracker from every pushed event that carries an offset. */
export function watchOffsets(socket: Listens, tracker: OffsetTracker): void {
  socket.on('queue:changed', (s: QueueSnapshot | PublicQueueSnapshot) => tracker.see(s.offset));
  socket.on('queue:delta', (d: QueueSnapshotDelta) => tracker.see(d.offset));
  socket.on('ticket:called', (c) => tracker.see(c.offset));
  socket.on('events:catch-up', (c: CatchUp) => tracker.see(c.kind === 'snapshot' ? Math.max(c.latestOffset, c.snapshot.offset) : c.latestOffset));
}

const trackers = new WeakMap<object, OffsetTracker>();

/** The tracker of a socket made by connectLobby. */
export function offsetsOf(socket: LobbySocket): OffsetTracker | null {
  return trackers.get(socket) ?? null;
}

/** A screen applied something carrying an offset that the socket cannot see (an acknowledged snapshot). */
export function noteOffset(socket: LobbySocket, offset: number): void {
  trackers.get(socket)?.see(offset);
}

export function connectLobby(token: string): LobbySocket {
  const { url, path } = socketTarget();
  const tracker = createOffsetTracker();
  const options = { path, auth: tracker.auth(token), transports: ['websocket', 'polling'] };
  const socket: LobbySocket = url ? io(url, options) : io(options);
  trackers.set(socket, tracker);
  watchOffsets(socket, tracker);
  return socket;
}

/**
 * A phone page's socket: it follows one ticket by its tracking token (no sign-in) and receives
 * that ticket's state only (`ticket:track`), on connect and whenever the queue changes.
 */
export function connectTrack(trackToken: string): LobbySocket {
  const { url, path } = socketTarget();
  const options = { path, auth: { track: trackToken }, transports: ['websocket', 'polling'] };
  return url ? io(url, options) : io(options);
}

/** Opens a socket for the token while the component is mounted; reports connection state. */
export function useLobbySocket(token: string | null | undefined): { socket: LobbySocket | null; connected: boolean } {
  const [socket, setSocket] = useState<LobbySocket | null>(null);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (!token) return;
    const s = connectLobby(token);
    setSocket(s);
    // socket.io reconnects by itself after network trouble, but not after the server closed the
    // socket (hub restart or shutdown): dial again. A revoked token then comes back as
    // connect_error 'unauthenticated', which each screen turns into its sign-in form.
    let redial: ReturnType<typeof setTimeout> | undefined;
    s.on('connect', () => setConnected(true));
    s.on('disconnect', (reason) => {
      setConnected(false);
      if (reason !== 'io server disconnect') return;
      clearTimeout(redial);
      redial = setTimeout(() => {
        if (!s.connected) s.connect();
      }, REDIAL_MS);
    });
    // When the browser knows the network is gone, drop the socket at once (instead of waiting for
    // the heartbeat to time out) and dial again as soon as it is back; the reconnect catches up.
    let droppedOffline = false;
    const onOffline = () => {
      if (!s.active) return;
      droppedOffline = true;
      s.disconnect();
    };
    const onOnline = () => {
      if (!droppedOffline) return;
      droppedOffline = false;
      s.connect();
    };
    window.addEventListener('offline', onOffline);
    window.addEventListener('online', onOnline);
    return () => {
      clearTimeout(redial);
      window.removeEventListener('offline', onOffline);
      window.removeEventListener('online', onOnline);
      s.disconnect();
      setSocket(null);
      setConnected(false);
    };
  }, [token]);
  return { socket, connected };
}
