/**
 * Typed socket.io client. The token goes in `auth`; the hub decides the rooms from it.
 */
import { useEffect, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@domain/contracts';

export type LobbySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function connectLobby(token: string): LobbySocket {
  return io({ path: '/socket.io', auth: { token }, transports: ['websocket', 'polling'] });
}

/** Opens a socket for the token while the component is mounted; reports connection state. */
export function useLobbySocket(token: string | null | undefined): { socket: LobbySocket | null; connected: boolean } {
  const [socket, setSocket] = useState<LobbySocket | null>(null);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (!token) return;
    const s = connectLobby(token);
    setSocket(s);
    s.on('connect', () => setConnected(true));
    s.on('disconnect', () => setConnected(false));
    return () => {
      s.disconnect();
      setSocket(null);
      setConnected(false);
    };
  }, [token]);
  return { socket, connected };
}
