/**
 * Queue use cases for tellers and managers (issue 3): each runs one QueueOperations transaction
 * (change + event_log + audit), then tells the screens: every one pushes queue:changed; calls,
 * recalls and resumes are announced on the display; a visit that ends withdraws the card.
 */
import type { Identity } from './auth/sessions';
import type { Lobby } from './lobby';
import type { TicketRow } from './desk/tickets';
import { QueueOperations, type TransferInput } from './desk/operations';
import type {
  CallNextResponse,
  CounterServicesResponse,
  CounterState,
  CounterStatus,
  GreenChannelDecision,
  ParkedListResponse,
  PauseReason,
  RecallResponse,
  TransferResponse,
} from '../domain/contracts';

export class LobbyQueue {
  readonly ops: QueueOperations;

  constructor(
    private readonly lobby: Lobby,
    private readonly now: () => number,
  ) {
    this.ops = new QueueOperations(lobby.journal.db, lobby.branch, lobby.desk, lobby.journal, now);
  }

  private announce(row: TicketRow, at: number): void {
    this.lobby.notify((rt) =>
      rt.ticketCalled({
        number: row.number,
        counterId: row.counter_id!,
        calledAt: new Date(at).toISOString(),
        offset: this.lobby.journal.latestOffset(this.lobby.branch.id),
      }),
    );
  }

  private changed(): void {
    this.lobby.notify((rt) => rt.queueChanged());
  }

  callTicket(counterId: number, ticketId: string, teller: Identity): CallNextResponse {
    const row = this.ops.callTicket(counterId, ticketId, teller);
    this.announce(row, row.called_at!);
    this.changed();
    return { ticket: this.lobby.desk.called(row) };
  }

  recall(ticketId: string, teller: Identity): RecallResponse {
    const { row, outcome } = this.ops.recall(ticketId, teller);
    if (outcome === 'recalled') this.announce(row, this.now());
    else if (row.customer_id !== null) this.lobby.notify((rt) => rt.withdrawCard({ ticketId: row.id, reason: 'no_show' }));
    this.changed();
    return { ticket: this.lobby.desk.called(row), outcome };
  }

  /** The customer reached the counter: serving starts (idempotent; nothing is announced). */
  startServing(ticketId: string, teller: Identity): CallNextResponse {
    const { row, started } = this.ops.startServing(ticketId, teller);
    if (started) this.changed();
    return { ticket: this.lobby.desk.called(row) };
  }

  transfer(ticketId: string, input: TransferInput, who: Identity): TransferResponse {
    const row = this.ops.transfer(ticketId, input, who);
    this.changed();
    const desk = this.lobby.desk;
    const { position, estimate } = desk.place(row);
    return { ticket: { ...desk.waitingTicket(row), position, estimatedWaitMinutes: estimate, targetCounterId: row.target_counter_id } };
  }

  park(ticketId: string, teller: Identity): CallNextResponse {
    const row = this.ops.park(ticketId, teller);
    this.changed();
    return { ticket: this.lobby.desk.called(row) };
  }

  resume(ticketId: string, teller: Identity): CallNextResponse {
    const row = this.ops.resume(ticketId, teller);
    this.announce(row, this.now());
    this.changed();
    return { ticket: this.lobby.desk.called(row) };
  }

  parked(): ParkedListResponse {
    return { tickets: this.ops.parkedToday().map((r) => this.lobby.desk.called(r)) };
  }

  setCounterState(counterId: number, state: CounterState, reason: PauseReason | null, note: string | null, who: Identity): CounterStatus {
    this.ops.setCounterState(counterId, state, reason, note, who);
    this.changed();
    return this.counters().find((c) => c.counterId === counterId)!;
  }

  counters(): CounterStatus[] {
    return this.lobby.desk.counters.list((id) => this.lobby.desk.openAt(id)?.number ?? null);
  }

  setCounterServices(counterId: number, services: readonly { code: string; weight: number }[], manager: Identity): CounterServicesResponse {
    const saved = this.ops.setCounterServices(counterId, services, manager);
    this.changed();
    return { counterId, services: saved };
  }

  moveToGreenChannel(ticketId: string, reason: string, manager: Identity): GreenChannelDecision {
    const { row, decision } = this.ops.moveToGreenChannel(ticketId, reason, manager);
    this.lobby.notify((rt) => rt.greenChannelRouted(decision));
    if (row.customer_id !== null) this.lobby.notify((rt) => rt.pushCard(this.lobby.cardOf(row)));
    this.changed();
    return decision;
  }
}
