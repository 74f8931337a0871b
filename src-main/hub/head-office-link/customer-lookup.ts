/**
 * A walk-in customer who is not in this branch's data, looked up at head office before their
 * ticket is issued: found there, they are kept for their visit (customers/visitors.ts) and the
 * ticket is issued for them like for the branch's own customers (card, tier, green channel). With
 * the WAN down (or head office slow: at most `timeoutMs`), the ticket is issued unidentified at
 * once and the lobby managers are told, so that someone asks who the customer is. The caller counts
 * the identification attempt first (Queue.countIdentification): a kiosk over its limit never
 * reaches head office, and a repeat of an issued ticket asks nothing. Every
 * lookup is in the audit log (its kind and outcome, never the number).
 */
import type { CustomerLookupAnswer } from '../../domain/head-office';
import type { LobbyAlert } from '../../domain/contracts';
import type { TieringRules } from '../../domain/tiering';
import type { Identity } from '../auth/sessions';
import type { Journal } from '../journal';
import type { IssueResult } from '../queue/ticket-store';
import type { Visitors } from '../customers/visitors';

export type LookupOutcome = 'found' | 'not_found' | 'shared' | 'unreachable' | 'refused';

export interface WalkInLookupDeps {
  url: string;
  credential: string;
  branchId: string;
  journal: Journal;
  visitors: Visitors;
  /** The customer the identifier names here, or several (the branch's own data, not head office). */
  knownHere: (kind: 'phone' | 'card' | 'idNumber', value: string) => boolean;
  tiering: () => TieringRules;
  today: () => string;
  alert: (a: LobbyAlert) => void;
  now: () => number;
  onProblem?: (message: string) => void;
  fetchImpl?: typeof fetch;
  /** How long a kiosk's ticket may wait for head office (the customer is standing there). */
  timeoutMs?: number;
}

const TIMEOUT_MS = 2_000;

export class WalkInLookup {
  /** Lookups under way, by the kiosk's request id: a retry of the same request waits for the first. */
  private readonly pending = new Map<string, Promise<LookupOutcome | null>>();

  constructor(private readonly d: WalkInLookupDeps) {}

  /**
   * Counts the identification attempt (`count`, which refuses over the limit) and looks the customer
   * up, once per request: a kiosk's retry of a request whose lookup is under way counts nothing and
   * shares its outcome. `counted`: the issue must not count it again.
   */
  async lookUpOnce(
    request: { requestId: string; identity?: { kind: 'phone' | 'card' | 'idNumber'; value: string } },
    device: Identity,
    count: () => boolean,
  ): Promise<{ counted: boolean; outcome: LookupOutcome | null }> {
    const same = this.pending.get(request.requestId);
    if (same) return { counted: true, outcome: await same };
    if (!count()) return { counted: false, outcome: null };
    const lookup = this.beforeIssue(request, device);
    this.pending.set(request.requestId, lookup);
    try {
      return { counted: true, outcome: await lookup };
    } finally {
      this.pending.delete(request.requestId);
    }
  }

  /** Looks the customer up at head office when this branch does not know them; null when there was nothing to ask. */
  async beforeIssue(request: { requestId: string; identity?: { kind: 'phone' | 'card' | 'idNumber'; value: string } }, device: Identity): Promise<LookupOutcome | null> {
    const identity = request.identity;
    if (!identity || this.d.knownHere(identity.kind, identity.value)) return null;
    let outcome: LookupOutcome;
    let customer: string | null = null;
    try {
      const res = await (this.d.fetchImpl ?? fetch)(`${this.d.url.replace(/\/+$/, '')}/api/v1/link/customer-lookup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.d.credential}` },
        body: JSON.stringify({ kind: identity.kind, value: identity.value }),
        signal: AbortSignal.timeout(this.d.timeoutMs ?? TIMEOUT_MS),
      });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      const answer = (await res.json()) as CustomerLookupAnswer;
      if (answer.found) {
        try {
          customer = `C${await this.d.visitors.store(answer, this.d.tiering(), this.d.today())}`;
          outcome = 'found';
        } catch (err) {
          this.d.onProblem?.(`head office's answer for a walk-in customer was refused: ${(err as Error).message}`);
          outcome = 'refused';
        }
      } else outcome = answer.shared ? 'shared' : 'not_found';
    } catch (err) {
      this.d.onProblem?.(`head office could not be asked about a walk-in customer: ${(err as Error).message} (the ticket is issued unidentified)`);
      outcome = 'unreachable';
    }
    this.d.journal.auditBy(this.d.branchId, device, 'customer.lookup', customer ?? `device:${device.subjectId}`, {
      kind: identity.kind,
      outcome,
      ...(customer ? { customer } : {}),
    });
    return outcome;
  }

  /** After the issue: a ticket left unidentified because head office was out of reach is told to the managers. */
  afterIssue(outcome: LookupOutcome | null, result: IssueResult, device: Identity): void {
    if (outcome !== 'unreachable' || !result.created || result.row.customer_id !== null) return;
    this.d.alert({ kind: 'customer_lookup_unreachable', deviceId: device.subjectId, ticketNumber: result.row.number, at: new Date(this.d.now()).toISOString() });
  }
}
