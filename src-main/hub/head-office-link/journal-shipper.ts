/**
 * The branch's outbox to head office: what happened here (the event log and the audit log, two
 * streams) is shipped upward in order, in batches of at most 500, each saying after which offset it
 * continues; head office stores each entry once and answers the offset it holds, which is kept
 * here (`head_office_link`). After any break (WAN down, head office restarted, killed mid-batch)
 * shipping resumes from the last acknowledged offset: at least once, in order, idempotent at head
 * office. The lobby never waits on it: tickets are issued whatever the WAN does, and a batch is
 * read and sent outside any ticket's transaction. With nothing new, a heartbeat every 10 seconds
 * keeps the branch "connected" on the board with its waiting count.
 */
import { LINK_BATCH_MAX, LINK_STREAMS, REMOTE_CONTACTS_MAX, type JournalAck, type LinkStream, type LobbyState, type OfferedBundle, type RemoteContactsResponse } from '../../domain/head-office';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open';
import { scoredCandidates } from '../../domain/campaign-report';
import type { DecisionRecord } from '../../domain/head-office';
import type { NbaOffer, TraceEntry } from '../../domain/next-best-action';
import type { BundleApplier } from './bundles';

const HEARTBEAT_MS = 10_000;
/** How often the branch asks head office for a newer bundle. */
const BUNDLE_CHECK_MS = 5_000;
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 60_000;
const REQUEST_TIMEOUT_MS = 15_000;

export interface ShipperOptions {
  url: string;
  credential: string;
  now: () => number;
  /** Where a failure is told (the hub's log). */
  onProblem?: (message: string) => void;
  /** A bundle applied or refused (the hub's log; a running hub follows the set-up's revision). */
  onBundle?: (version: number, outcome: { applied: boolean; reason?: string; changes?: string[] }) => void;
  /** Whether a visit's card was unlocked for anybody to see its offers (the branch's identification rules). */
  exposed?: (identification: 'typed' | 'read' | null, confirmedAt: number | null) => boolean;
  /** Applies bundles from head office (none: this branch takes none). */
  bundles?: BundleApplier;
  fetchImpl?: typeof fetch;
}

export interface LinkStatus {
  acknowledged: Record<LinkStream, number>;
  /** Entries not yet acknowledged by head office. */
  lag: Record<LinkStream, number>;
  lastOkAt: string | null;
  lastError: string | null;
}

export class JournalShipper {
  private readonly s;
  private inFlight = false;
  private failures = 0;
  private retryAt = 0;
  private lastSentAt = 0;
  private lastBundleCheck = 0;
  private lastOkAt: number | null = null;
  private lastError: string | null = null;

  constructor(
    private readonly db: Db,
    private readonly branchId: string,
    private readonly state: () => LobbyState,
    private readonly options: ShipperOptions,
  ) {
    this.s = {
      acked: db.prepare('SELECT acknowledged FROM head_office_link WHERE stream = ?').pluck(),
      setAcked: db.prepare(
        'INSERT INTO head_office_link (stream, acknowledged, acknowledged_at) VALUES (?, ?, ?) ON CONFLICT (stream) DO UPDATE SET acknowledged = excluded.acknowledged, acknowledged_at = excluded.acknowledged_at',
      ),
      events: db.prepare('SELECT offset, type, payload_json AS data, at FROM event_log WHERE branch_id = ? AND offset > ? ORDER BY offset LIMIT ?'),
      audit: db.prepare(
        `SELECT id AS offset, action AS type, json_object('actor', actor, 'role', role, 'device', device, 'subject', subject, 'detail', json(detail_json)) AS data, at
           FROM audit_log WHERE branch_id = ? AND id > ? ORDER BY id LIMIT ?`,
      ),
      lagEvents: db.prepare('SELECT count(*) FROM event_log WHERE branch_id = ? AND offset > ?').pluck(),
      lagAudit: db.prepare('SELECT count(*) FROM audit_log WHERE branch_id = ? AND id > ?').pluck(),
      lagContacts: db.prepare("SELECT count(*) FROM offer_outcome WHERE id > ? AND outcome <> 'shown'").pluck(),
      lagDecisions: db.prepare('SELECT count(*) FROM decision_outbox WHERE offset > ?').pluck(),
      // The numbering's high-water mark: past every number written here, and past what a restore
      // skipped (operations/backups.ts RESTORE_NUMBERING_GAP).
      highest: {
        events: db.prepare("SELECT MAX(COALESCE((SELECT MAX(offset) FROM event_log), 0), COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'event_log'), 0))").pluck(),
        audit: db.prepare("SELECT MAX(COALESCE((SELECT MAX(id) FROM audit_log), 0), COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'), 0))").pluck(),
        contacts: db.prepare("SELECT MAX(COALESCE((SELECT MAX(id) FROM offer_outcome), 0), COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'offer_outcome'), 0))").pluck(),
        decisions: db.prepare("SELECT MAX(COALESCE((SELECT MAX(offset) FROM decision_outbox), 0), COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'decision_outbox'), 0))").pluck(),
      },
      remoteCursor: db.prepare("SELECT acknowledged, acknowledged_at FROM head_office_link WHERE stream = 'remote_contacts'"),
      putRemote: db.prepare(
        `INSERT INTO remote_contact (id, branch_id, cif, product_code, outcome, counts_toward_cap, visit, at) VALUES (@id, @branchId, @cif, @productCode, @outcome, @countsTowardCap, @visit, @at)
         ON CONFLICT (id) DO NOTHING`,
      ),
    };
  }

  acknowledged(stream: LinkStream): number {
    return (this.s.acked.get(stream) as number | undefined) ?? 0;
  }

  status(): LinkStatus {
    const ev = this.acknowledged('events');
    const au = this.acknowledged('audit');
    const co = this.acknowledged('contacts');
    const de = this.acknowledged('decisions');
    return {
      acknowledged: { events: ev, audit: au, contacts: co, decisions: de },
      lag: {
        events: this.s.lagEvents.get(this.branchId, ev) as number,
        audit: this.s.lagAudit.get(this.branchId, au) as number,
        contacts: this.s.lagContacts.get(co) as number,
        decisions: this.s.lagDecisions.get(de) as number,
      },
      lastOkAt: this.lastOkAt === null ? null : new Date(this.lastOkAt).toISOString(),
      lastError: this.lastError,
    };
  }

  /** One round: every stream until nothing is left, or the first failure (then back off). */
  async tick(): Promise<void> {
    if (this.inFlight || this.options.now() < this.retryAt) return;
    this.inFlight = true;
    try {
      let sent = 0;
      for (const stream of LINK_STREAMS) {
        for (;;) {
          const entries = this.read(stream);
          if (entries.length === 0) break;
          await this.send(stream, entries);
          sent++;
          if (entries.length < LINK_BATCH_MAX) break;
        }
      }
      if (sent === 0 && this.options.now() - this.lastSentAt >= HEARTBEAT_MS) await this.send('events', []);
      if (this.options.now() - this.lastBundleCheck >= BUNDLE_CHECK_MS) {
        if (this.options.bundles) await this.checkBundle(this.options.bundles);
        await this.pullContacts();
        this.lastBundleCheck = this.options.now();
      }
      this.failures = 0;
      this.retryAt = 0;
    } catch (err) {
      this.failures++;
      this.retryAt = this.options.now() + Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (this.failures - 1));
      const message = err instanceof Error ? err.message : String(err);
      if (message !== this.lastError) this.options.onProblem?.(`head office: ${message} (retrying; the lobby goes on)`);
      this.lastError = message;
    } finally {
      this.inFlight = false;
    }
  }

  /** Asks head office for a newer bundle; applies it or refuses it here, and says which. */
  private contactsQuery: ReturnType<Db['prepare']> | null = null;
  private ourCustomer: ReturnType<Db['prepare']> | null = null;

  /** Offers raised with a customer and their answers, by CIF (prepared once the customer snapshot is there). */
  private contacts(): ReturnType<Db['prepare']> {
    // A customer no longer in the data is not shipped.
    this.contactsQuery ??= this.db.prepare(
      `SELECT o.id AS offset, 'contact.' || o.outcome AS type,
         json_object('cif', c.cif, 'productCode', o.product_code, 'outcome', o.outcome, 'countsTowardCap', o.counts_toward_cap, 'decisionId', o.decision_id) AS data,
         o.recorded_at AS at
       FROM offer_outcome o JOIN customers.customer c ON c.id = o.customer_id
       WHERE o.id > ? AND o.outcome <> 'shown' ORDER BY o.id LIMIT ?`,
    );
    return this.contactsQuery;
  }

  /** The customer snapshot is attached (it is while the hub runs; an import switches it for a moment). */
  private hasCustomers(): boolean {
    return (this.db.pragma('database_list') as { name: string }[]).some((d) => d.name === 'customers');
  }

  private async checkBundle(bundles: BundleApplier): Promise<void> {
    const base = this.options.url.replace(/\/+$/, '');
    const headers = { authorization: `Bearer ${this.options.credential}` };
    const res = await (this.options.fetchImpl ?? fetch)(`${base}/api/v1/link/bundle?running=${bundles.running() ?? 0}`, { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    if (res.status === 204) return;
    if (res.status !== 200) throw new Error(`bundle: HTTP ${res.status}`);
    const offered = (await res.json()) as OfferedBundle;
    const outcome = bundles.apply(offered);
    this.options.onBundle?.(offered.version, outcome);
    const report = await (this.options.fetchImpl ?? fetch)(`${base}/api/v1/link/bundle-report`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ version: offered.version, applied: outcome.applied, reason: outcome.applied ? null : outcome.reason.slice(0, 1000) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (report.status !== 204) throw new Error(`bundle report: HTTP ${report.status}`);
  }

  /**
   * Pitches made at other branches since the last ones this branch has, kept here for the contact
   * policy; the time of the last answer says how current they are (the card shows it).
   */
  private async pullContacts(): Promise<void> {
    const base = this.options.url.replace(/\/+$/, '');
    for (;;) {
      const cursor = (this.s.remoteCursor.get() as { acknowledged: number } | undefined)?.acknowledged ?? 0;
      const res = await (this.options.fetchImpl ?? fetch)(`${base}/api/v1/link/contacts?after=${cursor}&filtered=1`, {
        headers: { authorization: `Bearer ${this.options.credential}` },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (res.status !== 200) throw new Error(`contacts: HTTP ${res.status}`);
      const { contacts, through, more } = (await res.json()) as RemoteContactsResponse;
      // Head office may leave out contacts that are not this branch's business: go on from what it looked at.
      const last = Math.max(contacts.at(-1)?.id ?? cursor, through ?? cursor);
      // Only this branch's own customers' contacts are kept (the rest is not this branch's business).
      const ours = this.hasCustomers() ? (this.ourCustomer ??= this.db.prepare('SELECT 1 FROM customers.customer WHERE cif = ?')) : null;
      this.db.transaction(() => {
        for (const c of contacts) if (ours?.get(c.cif)) this.s.putRemote.run({ ...c, countsTowardCap: c.countsTowardCap ? 1 : 0 });
        this.s.setAcked.run('remote_contacts', last, this.options.now());
      })();
      if (!(more ?? contacts.length >= REMOTE_CONTACTS_MAX)) return;
    }
  }

  private decisionsQuery: Statement<unknown[]> | null = null;

  /**
   * Visits whose offers were decided, once over: who (CIF, tier), the arm, whether the card was
   * unlocked for anybody to see the offers, the offers and the scored candidates.
   */
  private decisions(after: number): { offset: number; json: string }[] {
    this.decisionsQuery ??= this.db.prepare(
      // Who and which tier as recorded with the decision (decisions made before that was recorded:
      // as the customer data has them now; a customer it no longer has is not shipped).
      `SELECT o.offset, d.id, d.ticket_id, COALESCE(d.cif, c.cif) AS cif, COALESCE(d.tier, c.tier) AS tier, d.control_group,
              d.offers_json, d.trace_json, d.decided_at, t.identification, t.id_confirmed_at, t.business_date
         FROM decision_outbox o JOIN offer_decision d ON d.id = o.decision_id JOIN ticket t ON t.id = d.ticket_id
         LEFT JOIN customers.customer c ON c.id = d.customer_id
        WHERE o.offset > ? AND COALESCE(d.cif, c.cif) IS NOT NULL ORDER BY o.offset LIMIT ?`,
    );
    const rows = this.decisionsQuery.all(after, LINK_BATCH_MAX) as {
      offset: number;
      id: number;
      ticket_id: string;
      cif: string;
      tier: DecisionRecord['tier'];
      control_group: DecisionRecord['controlGroup'];
      offers_json: string;
      trace_json: string;
      decided_at: number;
      identification: 'typed' | 'read' | null;
      id_confirmed_at: number | null;
      business_date: string;
    }[];
    return rows.map((r) => {
      const record: DecisionRecord = {
        decisionId: r.id,
        ticketId: r.ticket_id,
        cif: r.cif,
        tier: r.tier,
        controlGroup: r.control_group,
        exposed: this.options.exposed ? this.options.exposed(r.identification, r.id_confirmed_at) : true,
        businessDate: r.business_date,
        offers: (JSON.parse(r.offers_json) as NbaOffer[]).map((x) => ({ productCode: x.productCode, rank: x.rank, countsTowardCap: x.countsTowardCap !== false })),
        scored: scoredCandidates(JSON.parse(r.trace_json) as TraceEntry[]),
      };
      return { offset: r.offset, json: JSON.stringify({ offset: r.offset, type: 'offer.decided', at: r.decided_at, data: record }) };
    });
  }

  /** The next entries of a stream, each already as the JSON head office takes (the payloads are JSON as stored). */
  private read(stream: LinkStream): { offset: number; json: string }[] {
    if ((stream === 'contacts' || stream === 'decisions') && !this.hasCustomers()) return [];
    if (stream === 'decisions') return this.decisions(this.acknowledged(stream));
    const query = stream === 'events' ? this.s.events : stream === 'audit' ? this.s.audit : this.contacts();
    const args = stream === 'contacts' ? [this.acknowledged(stream), LINK_BATCH_MAX] : [this.branchId, this.acknowledged(stream), LINK_BATCH_MAX];
    const rows = query.all(...args) as {
      offset: number;
      type: string;
      data: string;
      at: number;
    }[];
    return rows.map((r) => ({ offset: r.offset, json: `{"offset":${r.offset},"type":${JSON.stringify(r.type)},"at":${r.at},"data":${r.data}}` }));
  }

  private async send(stream: LinkStream, entries: { json: string }[]): Promise<void> {
    const after = this.acknowledged(stream);
    const res = await (this.options.fetchImpl ?? fetch)(`${this.options.url.replace(/\/+$/, '')}/api/v1/link/journal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.credential}` },
      // Built as text: the stored payloads go as they are, without parsing and writing them again.
      body: `{"stream":"${stream}","after":${after},"entries":[${entries.map((e) => e.json).join(',')}],"state":${JSON.stringify(this.state())}}`,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = (await res.json().catch(() => null)) as (JournalAck & { error?: { acknowledged?: number; message?: string } }) | null;
    const held = res.status === 409 ? body?.error?.acknowledged : body?.acknowledged;
    if ((res.status === 200 || res.status === 409) && typeof held === 'number' && held > this.highest(stream)) {
      // Head office holds more than this branch has ever numbered: this branch.db was put back from
      // a copy by hand (`restore` moves the numbering on), and new entries would reuse offsets head
      // office already holds. Shipping stops (loudly) rather than lose them (docs/HEAD-OFFICE.md).
      throw new Error(`head office holds ${stream} up to ${held} but this branch has only ${this.highest(stream)} (branch.db restored from a backup?); shipping of ${stream} stops`);
    }
    if (res.status === 409 && typeof held === 'number') {
      // A gap: head office holds less than we thought; go on from what it holds.
      this.setAcked(stream, held);
      return;
    }
    if (res.status !== 200 || typeof held !== 'number') {
      throw new Error(`HTTP ${res.status}${body?.error?.message ? `: ${body.error.message}` : ''}`);
    }
    this.setAcked(stream, held);
    this.lastSentAt = this.lastOkAt = this.options.now();
    this.lastError = null;
  }

  /** The highest offset this branch has written in a stream (AUTOINCREMENT / rowid: never reused here). */
  private highest(stream: LinkStream): number {
    return (this.s.highest[stream].get() as number | null) ?? 0;
  }

  private setAcked(stream: LinkStream, offset: number): void {
    this.s.setAcked.run(stream, offset, this.options.now());
  }
}
