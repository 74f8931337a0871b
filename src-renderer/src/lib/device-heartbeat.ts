/**
 * A kiosk's or display's heartbeat: every 30 seconds (and on every connect) it tells the hub its
 * app version, uptime, printer, last ticket printed, the screen in front and free disk
 * (`device:heartbeat`, the admin's Fleet tab). And the hub's `device:reload`: an administrator asked
 * this screen to load again; inside the kiosk shell the shell does it (signing in again from
 * kiosk.json), in a browser the page reloads.
 */
import { useEffect, useRef } from 'react';
import type { DeviceHeartbeat, FleetPrinterState, PrinterStatus } from '@domain/contracts';
import { APP_VERSION } from '@domain/version';
import type { LobbySocket } from './socket';

export const HEARTBEAT_MS = 30_000;

export interface DeviceState {
  screen: string;
  /** null: not known here yet (the hub keeps the last state it was told). */
  printer: FleetPrinterState | null;
  lastTicketPrinted: string | null;
}

/** The kiosk's last print result as the fleet shows it. */
export function fleetPrinter(status: PrinterStatus | null, previous: FleetPrinterState | null): FleetPrinterState | null {
  if (status === null) return previous; // printing now
  if (status === 'unknown') return 'offline';
  return status;
}

/** Free space the browser may use, in MB (the best a page can know of the disk), or null. */
async function freeDiskMb(): Promise<number | null> {
  try {
    const e = await navigator.storage?.estimate?.();
    if (!e || typeof e.quota !== 'number') return null;
    return Math.max(0, Math.floor((e.quota - (e.usage ?? 0)) / (1024 * 1024)));
  } catch {
    return null;
  }
}

/** Loads the screen again: through the kiosk shell when there is one (it signs in afresh), else the page. */
export function reloadScreen(win: Window = window): void {
  if (typeof win.branchLobbyShell?.reload === 'function') win.branchLobbyShell.reload();
  else win.location.reload();
}

export function useDeviceHeartbeat(socket: LobbySocket | null, state: DeviceState): void {
  const current = useRef(state);
  current.current = state;
  useEffect(() => {
    if (!socket) return;
    const beat = async () => {
      const hb: DeviceHeartbeat = {
        appVersion: APP_VERSION,
        uptimeSeconds: Math.floor(performance.now() / 1000),
        ...current.current,
        freeDiskMb: await freeDiskMb(),
      };
      if (socket.connected) socket.emit('device:heartbeat', hb);
    };
    const onConnect = () => void beat();
    const onReload = () => reloadScreen();
    socket.on('connect', onConnect);
    socket.on('device:reload', onReload);
    if (socket.connected) void beat();
    const id = window.setInterval(() => void beat(), HEARTBEAT_MS);
    return () => {
      socket.off('connect', onConnect);
      socket.off('device:reload', onReload);
      window.clearInterval(id);
    };
  }, [socket]);
  // A change worth knowing at once (the printer ran out, a new screen) is sent without waiting.
  const { screen, printer, lastTicketPrinted } = state;
  useEffect(() => {
    if (!socket?.connected) return;
    void freeDiskMb().then((disk) => socket.emit('device:heartbeat', { appVersion: APP_VERSION, uptimeSeconds: Math.floor(performance.now() / 1000), screen, printer, lastTicketPrinted, freeDiskMb: disk }));
  }, [socket, screen, printer, lastTicketPrinted]);
}
