/**
 * Typed socket.io client. The token goes in `auth`; the hub decides the rooms from it. The hub is
 * the page's own origin in a browser, its URL in the Electron kiosk (lib/hub.ts).
 */
import { useEffect, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@domain/contracts';
import { socketTarget } from './hub';

const REDIAL_MS = 3000;

export type LobbySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function connectLobby(token: string): LobbySocket {
  const { url, path } = socketTarget();
  const options = { path, auth: { token }, transports: ['websocket', 'polling'] };
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
    return () => {
      clearTimeout(redial);
      s.disconnect();
      setSocket(null);
      setConnected(false);
    };
  }, [token]);
  return { socket, connected };
}
