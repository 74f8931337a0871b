/**
 * socket.io for the lobby: who is waiting (staff and public snapshots), calls for the display,
 * and customer cards pushed to managers only. Rooms are joined from the token's role and branch,
 * never from anything the client asks for. Every card delivered to a manager is audited.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { ActiveNotices, CardWithdrawn, CustomerCard, DeviceHeartbeat, FleetDevice, GreenChannelDecision, LobbyAlert, PublicQueueSnapshot, QueueSnapshot, QueueSnapshotDelta } from '../../domain/contracts';
import { DeviceHeartbeatSchema, OffsetSchema, TrackTokenParamSchema, type TrackResponse } from '../../domain/contracts';
import { SOCKET_EVENT_LIMITS, type Ack, type ClientToServerEvents, type ServerToClientEvents } from '../../domain/events';
import { KIOSK_SHELL_ORIGINS } from '../../domain/routes';
import { diffQueue } from '../../domain/queue-delta';
import type { Identity, Sessions } from '../auth/sessions';
import type { Journal } from '../journal';
import type { CardViewer, LobbyBroadcast } from '../broadcast';
import { cardViewRecord } from '../visits/card-views';
import type { TicketCalledEvent } from '../../domain/events';
import type { Scheduled, Scheduler } from '../lifecycle';
import { HubError } from '../errors';
import { CatchUpLog } from './catch-up';

interface SocketData {
  identity: Identity;
  /** A customer's phone page following its own ticket (no sign-in; the ticket's tracking token). */
  track?: { token: string; ticketId: string };
}
type LobbySocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface RealtimeSources {
  staffSnapshot(): QueueSnapshot;
  publicSnapshot(): PublicQueueSnapshot;
  liveCards(): CustomerCard[];
  /** The ticket behind a tracking token (its id), or null. */
  trackedTicket(token: string): string | null;
  /** A tracked ticket's public state (the phone page's). */
  track(token: string): TrackResponse;
  /** Kiosks and displays: connected, gone, and their heartbeats. */
  deviceConnected(deviceId: string): void;
  deviceDisconnected(deviceId: string): void;
  deviceHeartbeat(deviceId: string, hb: DeviceHeartbeat): void;
}

/** The rooms every branch has (a phone page's ticket and a device have their own as well). */
type RoomName = 'staff' | 'staff-delta' | 'managers' | 'managers-delta' | 'public' | 'screens' | 'admins';

/**
 * Events a socket sent in the current window, by name and in all: the excess is refused (an
 * acknowledgement says `rate_limited`), and a socket that keeps going is disconnected.
 */
class EventBudget {
  private windowStart = 0;
  private total = 0;
  private readonly byEvent = new Map<string, number>();
  refusals = 0;

  take(event: string, now: number): boolean {
    if (now - this.windowStart >= SOCKET_EVENT_LIMITS.windowMs) {
      this.windowStart = now;
      this.total = 0;
      this.byEvent.clear();
    }
    const n = (this.byEvent.get(event) ?? 0) + 1;
    this.byEvent.set(event, n);
    this.total++;
    if (n > SOCKET_EVENT_LIMITS.perEvent || this.total > SOCKET_EVENT_LIMITS.total) {
      this.refusals++;
      return false;
    }
    return true;
  }
}

/** Minimum gap between two queue snapshots; changes in between are folded into the next one. */
const SNAPSHOT_GAP_MS = 100;

export class LobbyRealtime implements LobbyBroadcast {
  readonly io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
  private lastSnapshotAt = 0;
  private snapshotTimer: Scheduled | null = null;
  private readonly catchUpLog: CatchUpLog;

  constructor(
    server: HttpServer,
    private readonly branchId: string,
    private readonly sessions: Sessions,
    private readonly journal: Journal,
    private readonly sources: RealtimeSources,
    private readonly now: () => number,
    private readonly scheduler: Scheduler,
  ) {
    this.catchUpLog = new CatchUpLog(journal.db, branchId);
    this.io = new Server(server, { path: '/socket.io', serveClient: false, cors: { origin: [...KIOSK_SHELL_ORIGINS] } });
    this.io.use((socket, next) => {
      const auth = socket.handshake.auth as { token?: unknown; track?: unknown } | undefined;
      // A phone page follows its own ticket by its tracking token: it joins that ticket's room and nothing else.
      if (typeof auth?.track === 'string' && auth.token === undefined) {
        const parsed = TrackTokenParamSchema.safeParse(auth.track);
        const ticketId = parsed.success ? this.sources.trackedTicket(parsed.data) : null;
        if (!ticketId) return next(new Error('unknown ticket'));
        socket.data.track = { token: parsed.data!, ticketId };
        return next();
      }
      const identity = this.sessions.verify(typeof auth?.token === 'string' ? auth.token : null);
      if (!identity || identity.branchId !== this.branchId) return next(new Error('unauthenticated'));
      // A session that must change its PIN gets nothing live until it has.
      if (identity.pinChangeOnly) return next(new Error('pin_change_required'));
      socket.data.identity = identity;
      next();
    });
    this.io.on('connection', (socket) => this.onConnection(socket));
    // A session that ends (sign-out, a device retired, staff disabled) ends its connections now.
    this.sessionsEnded = sessions.onEnded((ids) => this.endSessions(ids));
  }

  private readonly sessionsEnded: { dispose(): void };

  private endSessions(ids: readonly string[]): void {
    const ended = new Set(ids);
    for (const socket of this.io.sockets.sockets.values()) {
      const sid = (socket.data.identity as { sessionId?: string } | undefined)?.sessionId;
      if (sid && ended.has(sid)) socket.disconnect(true);
    }
  }

  private room(name: RoomName) {
    return `${this.branchId}:${name}`;
  }

  /** The room of one tracked ticket: only the phone pages that hold its token. */
  private trackRoom(ticketId: string) {
    return `${this.branchId}:track:${ticketId}`;
  }

  /** Every tracked ticket with a phone page connected: its room and its token. */
  private readonly tracked = new Map<string, string>();

  private onPhone(socket: LobbySocket): void {
    const { token, ticketId } = socket.data.track!;
    const room = this.trackRoom(ticketId);
    void socket.join(room);
    this.tracked.set(room, token);
    socket.on('disconnect', () => {
      if (!this.hasRoomMembers(room)) this.tracked.delete(room);
    });
    // Its state now, then whenever the queue changes (a phone page never asks for anything else).
    try {
      socket.emit('ticket:track', this.sources.track(token));
    } catch {
      socket.disconnect(true);
    }
  }

  /** How many sockets are in one of this branch's rooms now. */
  private roomSize(name: RoomName): number {
    return this.io.of('/').adapter.rooms.get(this.room(name))?.size ?? 0;
  }

  private hasRoomMembers(room: string): boolean {
    return (this.io.of('/').adapter.rooms.get(room)?.size ?? 0) > 0;
  }

  /** Open connections by role (phone pages as "phone"), for /metrics. */
  connectionsByRole(): Record<string, number> {
    const out: Record<string, number> = { manager: 0, teller: 0, admin: 0, kiosk: 0, display: 0, phone: 0 };
    for (const s of this.io.sockets.sockets.values()) {
      const role = s.data.track ? 'phone' : s.data.identity?.role;
      if (role) out[role] = (out[role] ?? 0) + 1;
    }
    return out;
  }

  /**
   * Every event a socket sends passes its budget first (unknown events too): the excess is
   * answered `rate_limited` when it asked for an answer, and dropped otherwise; a socket that goes
   * on regardless is disconnected.
   */
  private limitEvents(socket: LobbySocket): void {
    const budget = new EventBudget();
    socket.use((packet, next) => {
      const [event, ...args] = packet as [unknown, ...unknown[]];
      const name = typeof event === 'string' ? event.slice(0, 40) : '?';
      if (budget.take(name, this.now())) return next();
      const ack = args[args.length - 1];
      if (typeof ack === 'function') {
        (ack as Ack<never>)({
          ok: false,
          error: { code: 'rate_limited', reason: 'too_many_requests', message: `more than ${SOCKET_EVENT_LIMITS.perEvent} "${name}" events in ${SOCKET_EVENT_LIMITS.windowMs / 1000} s`, retryAfterSeconds: SOCKET_EVENT_LIMITS.windowMs / 1000 },
        });
      }
      if (budget.refusals >= SOCKET_EVENT_LIMITS.disconnectAfterRefusals) socket.disconnect(true);
    });
  }

  private onConnection(socket: LobbySocket): void {
    this.limitEvents(socket);
    if (socket.data.track) return this.onPhone(socket);
    const { role, expiresAt, subjectId } = socket.data.identity;
    void socket.join(this.room('screens'));
    if (role === 'admin') void socket.join(this.room('admins'));
    if (role === 'kiosk' || role === 'display') this.onDevice(socket, subjectId);
    // The connection ends when its session expires, not at the next reconnect.
    if (expiresAt !== undefined) {
      const expiry = this.scheduler.after(expiresAt - this.now(), () => socket.disconnect(true));
      socket.on('disconnect', () => expiry.cancel());
    }
    // A screen that says it applies deltas (handshake `auth.queueDelta: true`) gets them; one that does
    // not (a tab left open across an upgrade, still running the old screens) keeps getting whole snapshots.
    const deltas = (socket.handshake.auth as { queueDelta?: unknown } | undefined)?.queueDelta === true;
    if (role === 'manager' || role === 'teller') void socket.join(deltas ? [this.room('staff'), this.room('staff-delta')] : this.room('staff'));
    if (role === 'manager') void socket.join(deltas ? [this.room('managers'), this.room('managers-delta')] : this.room('managers'));
    if (role === 'display' || role === 'kiosk') void socket.join(this.room('public'));

    socket.on('queue:snapshot', (ack) =>
      this.answer(ack, () => (role === 'manager' || role === 'teller' || role === 'admin' ? this.sources.staffSnapshot() : this.sources.publicSnapshot())),
    );
    socket.on('cards:list', (ack) =>
      this.answer(ack, () => {
        if (role !== 'manager') throw new HubError('forbidden', 'customer cards are for lobby managers', { reason: 'role_not_allowed' });
        const cards = this.sources.liveCards();
        this.auditViews(cards, [socket], 'list');
        return cards;
      }),
    );

    // Catching up after a reconnect, for the caller's audience only.
    const snapshotFor = () =>
      role === 'manager' || role === 'teller' || role === 'admin' ? this.sources.staffSnapshot() : this.sources.publicSnapshot();
    socket.on('events:since', (offset, ack) =>
      this.answer(ack, () => {
        const parsed = OffsetSchema.safeParse(offset);
        if (!parsed.success) throw new HubError('validation_failed', 'offset: a non-negative integer', { reason: 'invalid_input' });
        return this.catchUpLog.catchUp(parsed.data, role, snapshotFor);
      }),
    );
    const handshakeOffset = OffsetSchema.safeParse((socket.handshake.auth as { offset?: unknown } | undefined)?.offset);
    if (handshakeOffset.success) socket.emit('events:catch-up', this.catchUpLog.catchUp(handshakeOffset.data, role, snapshotFor));
  }

  /** A kiosk or display: online while connected, its heartbeats, and the reload an administrator asks for. */
  private onDevice(socket: LobbySocket, deviceId: string): void {
    void socket.join(this.deviceRoom(deviceId));
    this.sources.deviceConnected(deviceId);
    socket.on('disconnect', () => {
      if (!this.hasRoomMembers(this.deviceRoom(deviceId))) this.sources.deviceDisconnected(deviceId);
    });
    socket.on('device:heartbeat', (hb, ack) =>
      this.answer(ack, () => {
        const parsed = DeviceHeartbeatSchema.safeParse(hb);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new HubError('validation_failed', `${issue?.path.join('.') || 'heartbeat'}: ${issue?.message ?? 'not a heartbeat'}`, { reason: 'invalid_input' });
        }
        this.sources.deviceHeartbeat(deviceId, parsed.data);
        return null;
      }, true),
    );
  }

  private deviceRoom(deviceId: string) {
    return `${this.branchId}:device:${deviceId}`;
  }

  /** Asks every open screen of one device to reload. */
  reloadDevice(deviceId: string): void {
    this.io.to(this.deviceRoom(deviceId)).emit('device:reload');
  }

  /** The admins' Fleet tab. */
  fleetChanged(d: FleetDevice): void {
    this.io.to(this.room('admins')).emit('fleet:changed', d);
  }

  /** Runs a handler and acknowledges with its result or a clean error (never a stack). */
  private answer<T>(ack: unknown, run: () => T, runWithoutAck = false): void {
    if (typeof ack !== 'function') {
      // Asked without an acknowledgement: only what changes something runs (and its refusal goes nowhere).
      if (runWithoutAck) {
        try {
          run();
        } catch {
          /* nobody to tell */
        }
      }
      return;
    }
    const reply = ack as Ack<T>;
    try {
      reply({ ok: true, data: run() });
    } catch (err) {
      const e = err instanceof HubError ? err : new HubError('internal', 'internal error');
      reply({ ok: false, error: { ...e.params, code: e.code, reason: e.reason, message: e.message } });
    }
  }

  /** Schedules a queue snapshot to staff and displays (throttled, never dropped). */
  queueChanged(): void {
    if (this.snapshotTimer) return;
    const wait = Math.max(0, this.lastSnapshotAt + SNAPSHOT_GAP_MS - this.now());
    this.snapshotTimer = this.scheduler.after(wait, () => {
      this.snapshotTimer = null;
      this.lastSnapshotAt = this.now();
      // Snapshots are built only for audiences that have someone connected.
      if (this.hasMembers('staff')) this.sendStaffSnapshot();
      else this.lastStaff = null;
      if (this.hasMembers('public')) this.io.to(this.room('public')).emit('queue:changed', this.sources.publicSnapshot());
      // Each phone page gets its own ticket's state, and nothing else.
      for (const [room, token] of this.tracked) {
        if (!this.hasRoomMembers(room)) {
          this.tracked.delete(room);
          continue;
        }
        try {
          this.io.to(room).emit('ticket:track', this.sources.track(token));
        } catch {
          this.tracked.delete(room); // purged: nothing to follow any more
        }
      }
    });
  }

  /** The staff snapshot last sent to the staff room: the base of the next delta. */
  private lastStaff: QueueSnapshot | null = null;

  /**
   * The staff snapshot now, with the delta from the one sent before (null when it cannot be one);
   * null when nothing changed since. It becomes the base of the next delta: the caller sends it.
   */
  private staffChange(): { snap: QueueSnapshot; delta: QueueSnapshotDelta | null } | null {
    const snap = this.sources.staffSnapshot();
    const prev = this.lastStaff;
    if (prev === snap) return null;
    this.lastStaff = snap;
    return { snap, delta: prev ? diffQueue(prev, snap) : null };
  }

  /**
   * The staff snapshot to the staff room: as a delta from the one sent before when that is
   * smaller (a ticket issued is one line), else whole; nothing when it did not change.
   */
  private sendStaffSnapshot(): void {
    const change = this.staffChange();
    if (!change) return;
    if (change.delta) {
      if (this.roomSize('staff-delta') > 0) this.io.to(this.room('staff-delta')).emit('queue:delta', change.delta);
      if (this.roomSize('staff') > this.roomSize('staff-delta')) {
        this.io.to(this.room('staff')).except(this.room('staff-delta')).emit('queue:changed', change.snap);
      }
    } else {
      this.io.to(this.room('staff')).emit('queue:changed', change.snap);
    }
  }

  private hasMembers(name: 'staff' | 'managers' | 'public'): boolean {
    return this.roomSize(name) > 0;
  }

  ticketCalled(call: TicketCalledEvent): void {
    this.io.to([this.room('public'), this.room('staff')]).emit('ticket:called', call);
  }

  /**
   * Pushes a customer card to every manager connected now, auditing each delivery. The queue
   * change its ticket made travels with it, as the event's second argument (one message per
   * manager screen instead of two); the other staff screens get it as `queue:delta`.
   */
  pushCard(card: CustomerCard, audited = false): void {
    // One broadcast encodes the card once; the recipients audited are the room's members now
    // (emitting is synchronous, so they are exactly the sockets the card went to).
    const sockets = this.socketsIn(this.room('managers'));
    if (sockets.length === 0) return;
    const change = this.staffChange();
    if (change?.delta) {
      // Each audience only when someone is in it: a broadcast encodes its message before it looks
      // for recipients, and a whole snapshot nobody takes is the costliest message of all. The rooms
      // nest (managers-delta in managers and staff-delta, staff-delta in staff; see onConnection), so
      // an audience "A except B" has someone when A is larger than B.
      const managersDelta = this.roomSize('managers-delta');
      const staffDelta = this.roomSize('staff-delta');
      if (managersDelta > 0) this.io.to(this.room('managers-delta')).emit('customer:card', card, change.delta);
      if (staffDelta > managersDelta) this.io.to(this.room('staff-delta')).except(this.room('managers-delta')).emit('queue:delta', change.delta);
      // Screens that take whole snapshots only (see onConnection).
      if (this.roomSize('staff') > staffDelta) this.io.to(this.room('staff')).except(this.room('staff-delta')).emit('queue:changed', change.snap);
      if (sockets.length > managersDelta) this.io.to(this.room('managers')).except(this.room('managers-delta')).emit('customer:card', card);
    } else {
      if (change) this.io.to(this.room('staff')).emit('queue:changed', change.snap);
      this.io.to(this.room('managers')).emit('customer:card', card);
    }
    if (!audited) this.auditViews([card], sockets, 'push');
  }

  withdrawCard(w: CardWithdrawn): void {
    this.io.to(this.room('managers')).emit('customer:card:withdrawn', w);
  }

  greenChannelRouted(d: GreenChannelDecision): void {
    this.io.to(this.room('managers')).emit('green-channel:routed', d);
  }

  lobbyAlert(alert: LobbyAlert): void {
    this.io.to(this.room('managers')).emit('lobby:alert', alert);
  }

  /** Notices are public: every connected screen of this branch (one hub = one branch) gets them. */
  noticesChanged(n: ActiveNotices): void {
    this.io.to(this.room('screens')).emit('notices:changed', n);
  }

  /** A retired or re-keyed device's open screen connections end with its sessions. */
  deviceRevoked(deviceId: string): void {
    for (const socket of this.io.sockets.sockets.values()) {
      const who = socket.data.identity;
      if (who?.subjectId === deviceId && (who.role === 'kiosk' || who.role === 'display')) socket.disconnect(true);
    }
  }

  private socketsIn(room: string): LobbySocket[] {
    const ids = this.io.of('/').adapter.rooms.get(room);
    if (!ids) return [];
    const out: LobbySocket[] = [];
    for (const id of ids) {
      const s = this.io.of('/').sockets.get(id);
      if (s) out.push(s);
    }
    return out;
  }

  /** Who a card pushed now reaches: the managers' sockets, one entry per person and place. */
  cardViewers(): CardViewer[] {
    return viewersOf(this.socketsIn(this.room('managers')));
  }

  /**
   * One audit row per card for each person and place it reached (staff id, role, address): a
   * manager with the card open on two screens of one tablet is one view, with `screens: 2`.
   */
  private auditViews(cards: readonly CustomerCard[], sockets: readonly LobbySocket[], via: 'push' | 'list'): void {
    this.journal.auditAll(viewersOf(sockets).flatMap((v) => cards.map((card) => cardViewRecord(this.branchId, v, card.ticketId, card.customer.ref, card.number, via))));
  }

  async close(): Promise<void> {
    this.snapshotTimer?.cancel();
    this.snapshotTimer = null;
    this.sessionsEnded.dispose();
    // Close every client's transport without closing the HTTP server (the hub closes that itself).
    // Clients see a transport close and reconnect on their own once the hub is back.
    this.io.engine.close();
  }
}

/** The people and places a set of manager sockets stands for (screens of one person at one place counted). */
function viewersOf(sockets: readonly LobbySocket[]): CardViewer[] {
  const viewers = new Map<string, CardViewer>();
  for (const s of sockets) {
    const who = s.data.identity;
    const device = s.handshake.address || null;
    const key = `${who.subjectId}\u0000${who.role}\u0000${device ?? ''}`;
    const seen = viewers.get(key);
    if (seen) seen.screens++;
    else viewers.set(key, { actor: who.subjectId, role: who.role, device, screens: 1 });
  }
  return [...viewers.values()];
}
