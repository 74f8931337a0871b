/**
 * What the use cases tell the screens once a change is committed. The socket.io server
 * (realtime/realtime.ts) is the one implementation; use cases know only this interface, so they
 * run the same under tests, the command line (nobody listening) and the server.
 */
import type { ActiveNotices, CardWithdrawn, CustomerCard, GreenChannelDecision, LobbyAlert } from '../domain/contracts';
import type { TicketCalledEvent } from '../domain/events';
import type { Role } from '../domain/contracts';

/** A person a pushed card reaches, at one place (their screens there counted). */
export interface CardViewer {
  actor: string;
  role: Role;
  device: string | null;
  screens: number;
}

export interface LobbyBroadcast {
  /** The queue changed: staff and public snapshots follow (throttled). */
  queueChanged(): void;
  /** A number is called (or recalled, or resumed) at a counter: displays announce it. */
  ticketCalled(call: TicketCalledEvent): void;
  /**
   * A customer card to the lobby managers (each delivery audited). `audited`: the caller wrote the
   * views already, in the transaction that made the card (for the `cardViewers` of that moment).
   */
  pushCard(card: CustomerCard, audited?: boolean): void;
  /** Who a card pushed now reaches: the lobby managers connected now, one entry per person and place. */
  cardViewers(): CardViewer[];
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
  cardViewers: () => [],
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
  /** What was told while held back (see `holding`), in order; null when not holding. */
  private held: ((b: LobbyBroadcast) => void)[] | null = null;

  constructor(
    private readonly target: LobbyBroadcast,
    private readonly onError: (err: unknown) => void,
  ) {}

  tell(fn: (b: LobbyBroadcast) => void): void {
    if (this.held) this.held.push(fn);
    else this.deliver(fn);
  }

  /**
   * Runs `work` (a transaction) holding back what it tells: told, in order, once `work` returned
   * (committed); dropped when it throws (rolled back), so no screen hears of a change that did not
   * happen. Nested calls hold into the outer one.
   */
  holding<T>(work: () => T): T {
    if (this.held) return work();
    const held: ((b: LobbyBroadcast) => void)[] = [];
    this.held = held;
    let result: T;
    try {
      result = work();
    } finally {
      this.held = null;
    }
    for (const fn of held) this.deliver(fn);
    return result;
  }

  /** Who a card pushed now reaches; null when the screens cannot be asked (then the push audits itself). */
  cardViewers(): CardViewer[] | null {
    try {
      return this.target.cardViewers();
    } catch (err) {
      this.onError(err);
      return null;
    }
  }

  private deliver(fn: (b: LobbyBroadcast) => void): void {
    try {
      fn(this.target);
    } catch (err) {
      this.onError(err);
    }
  }
}
