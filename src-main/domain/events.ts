/**
 * The socket.io contract, declared once: every event the hub pushes (who receives it is decided by
 * the hub from the token's role, docs/API.md "socket.io") and every acknowledged request a screen
 * may send. The hub's server (src-main/hub/realtime) and the screens' client (src-renderer/src/lib/socket.ts)
 * are typed against these maps.
 */
import type {
  ActiveNotices,
  CardWithdrawn,
  CatchUp,
  CustomerCard,
  DeviceHeartbeat,
  ErrorBody,
  FleetDevice,
  GreenChannelDecision,
  LobbyAlert,
  PublicQueueSnapshot,
  QueueSnapshot,
  QueueSnapshotDelta,
  TrackResponse,
} from './contracts';

/** The answer to an acknowledged request: its data, or the hub's error (never a stack). */
export type Ack<T> = (result: { ok: true; data: T } | { ok: false; error: ErrorBody['error'] }) => void;

/** A number called (or recalled, or resumed) at a counter, with the journal offset it was made at. */
export interface TicketCalledEvent {
  number: string;
  counterId: number;
  calledAt: string;
  offset: number;
}

export interface ServerToClientEvents {
  /** Staff (`audience: "staff"`) and displays and kiosks (`audience: "public"`), throttled. */
  'queue:changed': (snapshot: QueueSnapshot | PublicQueueSnapshot) => void;
  /** Staff: the change from the staff snapshot sent before (domain/queue-delta.ts), instead of a whole one. */
  'queue:delta': (delta: QueueSnapshotDelta) => void;
  /**
   * Lobby managers only; every delivery is audited. `queue`: the staff queue change the card's
   * ticket made, as a `queue:delta` would carry it (sent with the card: one message, not two).
   */
  'customer:card': (card: CustomerCard, queue?: QueueSnapshotDelta) => void;
  'customer:card:withdrawn': (w: CardWithdrawn) => void;
  'green-channel:routed': (d: GreenChannelDecision) => void;
  'ticket:called': (call: TicketCalledEvent) => void;
  /** Sent once on connect when the handshake carried `auth.offset`. */
  'events:catch-up': (c: CatchUp) => void;
  /** Lobby managers: something to look at now (a burst of identification attempts at a kiosk ...). */
  'lobby:alert': (a: LobbyAlert) => void;
  /**
   * A phone page (connected with `auth: {track}`, the ticket's tracking token): its own ticket's
   * public state, on connect and whenever the queue changes. A phone page receives nothing else.
   */
  'ticket:track': (t: TrackResponse) => void;
  /** Every connected screen, whenever the notices showing change (an edit, or a start / end time passing). */
  'notices:changed': (n: ActiveNotices) => void;
  /** Administrators: a kiosk or display changed (online, offline, printer, version ...). */
  'fleet:changed': (d: FleetDevice) => void;
  /** One kiosk or display: an administrator asked its screen to reload. */
  'device:reload': () => void;
}

export interface ClientToServerEvents {
  /** Current snapshot for the caller's audience. */
  'queue:snapshot': (ack: Ack<QueueSnapshot | PublicQueueSnapshot>) => void;
  /** Managers: the cards of every identified customer with a live ticket now. */
  'cards:list': (ack: Ack<CustomerCard[]>) => void;
  /** What happened after `offset`, for the caller's audience. */
  'events:since': (offset: number, ack: Ack<CatchUp>) => void;
  /** Kiosks and displays, every 30 s: how they are (the admin's Fleet tab). */
  'device:heartbeat': (hb: DeviceHeartbeat, ack?: Ack<null>) => void;
}

/** Events a socket may send per 10 seconds, each kind and all together; the excess is refused with `rate_limited`. */
export const SOCKET_EVENT_LIMITS = { perEvent: 20, total: 40, windowMs: 10_000, disconnectAfterRefusals: 200 } as const;
