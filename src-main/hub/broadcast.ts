/**
 * What the use cases tell the screens once a change is committed. The socket.io server
 * (realtime/realtime.ts) is the one implementation; use cases know only this interface, so they
 * run the same under tests, the command line (nobody listening) and the server.
 */
import type { ActiveNotices, CardWithdrawn, CustomerCard, GreenChannelDecision, LobbyAlert } from '../domain/contracts';
import type { TicketCalledEvent } from '../domain/events';

export interface LobbyBroadcast {
  /** The queue changed: staff and public snapshots follow (throttled). */
  queueChanged(): void;
  /** A number is called (or recalled, or resumed) at a counter: displays announce it. */
  ticketCalled(call: TicketCalledEvent): void;
  /** A customer card to the lobby managers (each delivery audited). */
  pushCard(card: CustomerCard): void;
  withdrawCard(w: CardWithdrawn): void;
  greenChannelRouted(d: GreenChannelDecision): void;
  /** The notices showing now changed. */
  noticesChanged(n: ActiveNotices): void;
  /** A device's sessions were revoked: its open screens are disconnected. */
  deviceRevoked(deviceId: string): void;
  /** Something the lobby managers should look at now. */
  lobbyAlert(alert: LobbyAlert): void;
}

/** Nobody listening (command line, or before the sockets are up). */
export const SILENT: LobbyBroadcast = {
  queueChanged() {},
  ticketCalled() {},
  pushCard() {},
  withdrawCard() {},
  greenChannelRouted() {},
  noticesChanged() {},
  deviceRevoked() {},
  lobbyAlert() {},
};

/**
 * Telling the screens never undoes a committed change: a failure is reported and swallowed (the
 * kiosk has its ticket even if a socket write failed). `card` is built lazily, inside the guard.
 */
export class Announcer {
  constructor(
    private readonly target: LobbyBroadcast,
    private readonly onError: (err: unknown) => void,
  ) {}

  tell(fn: (b: LobbyBroadcast) => void): void {
    try {
      fn(this.target);
    } catch (err) {
      this.onError(err);
    }
  }
}
