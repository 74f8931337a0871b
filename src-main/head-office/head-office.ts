/**
 * Head office's use cases on PostgreSQL: its staff and their sessions, the branches and their
 * credentials, the journals branches ship (stored once per branch, stream and offset; acknowledged
 * in order), and the branches board. Transport-neutral: the HTTP server and the command line call
 * these; nothing here knows about HTTP.
 */
import { businessDate } from '../domain/ticket-number';
import {
  CONNECTED_WITHIN_MS,
  type BranchBoardRow,
  type HeadOfficeLoginResponse,
  type HeadOfficeRole,
  type BundleInfo,
  type DashboardBranch,
  type DashboardHour,
  type DashboardProduct,
  type DashboardResponse,
  type BundleReport,
  type JournalAck,
  type JournalBatch,
  type JournalEntry,
  type OfferedBundle,
  type RemoteContact,
  REMOTE_CONTACTS_MAX,
  checkBundle,
  DecisionRecordSchema,
} from '../domain/head-office';
import { inTransaction, type Pool } from './db';
import { DUMMY_HASH, hashSecret, newToken, tokenDigest, verifySecret } from './secrets';

const SESSION_MS = 12 * 3600_000;
/** Serialises the writes of the bank-wide contact history (see ingest). */
const CONTACT_ORDER_LOCK = 73_110_414;
const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 5 * 60_000;

/** Why head office refuses something: the code maps to an HTTP status in the server. */
export class HeadOfficeError extends Error {
  constructor(
    readonly code: 'validation_failed' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'rate_limited' | 'unavailable',
    readonly reason: string,
    message: string,
    readonly params: Record<string, string | number | boolean | null> = {},
  ) {
    super(message);
    this.name = 'HeadOfficeError';
  }
}

export interface StaffIdentity {
  staffId: string;
  role: HeadOfficeRole;
}

interface BranchRow {
  id: string;
  name_zh: string;
  name_en: string;
  last_seen_at: Date | null;
  connected_since: Date | null;
  events_acked: string;
  waiting_now: number;
  longest_wait_seconds: number | null;
  service_level: number | null;
  counters_open: number | null;
  outbox_lag: number | null;
  bundle_version: number | null;
  bundle_refused_version: number | null;
  bundle_refused_reason: string | null;
  business_date: string | null;
  issued_date: string | null;
  issued_today: number;
}

/**
 * A batch's entries as the columns `unnest` takes them ($3..$7 of both ways a batch is stored):
 * offsets, types, times, the branch's business dates of those times, and the data.
 */
function entryColumns(entries: readonly JournalEntry[], timeZone: string): [number[], string[], Date[], string[], string[]] {
  return [
    entries.map((e) => e.offset),
    entries.map((e) => e.type),
    entries.map((e) => new Date(e.at)),
    entries.map((e) => businessDate(new Date(e.at), timeZone)),
    entries.map((e) => JSON.stringify(e.data)),
  ];
}

/** One board row per branch: tickets today are kept on the branch row as batches arrive. */
const BOARD_COLUMNS = `b.id, b.name_zh, b.name_en, b.last_seen_at, b.connected_since, b.events_acked, b.waiting_now, b.bundle_version,
  b.longest_wait_seconds, b.service_level, b.counters_open, b.outbox_lag,
  b.bundle_refused_version, b.bundle_refused_reason, to_char(b.business_date, 'YYYY-MM-DD') AS business_date, to_char(b.issued_date, 'YYYY-MM-DD') AS issued_date, b.issued_today`;
const BOARD_SELECT = `SELECT ${BOARD_COLUMNS} FROM ho_branch b`;

export class HeadOffice {
  /** Branch credentials already checked with scrypt: their digest → branch id. */
  private readonly credentials = new Map<string, string>();

  constructor(
    readonly pool: Pool,
    private readonly now: () => number = Date.now,
  ) {}

  // ------------------------------------------------------------ staff

  async addStaff(id: string, role: HeadOfficeRole, pin: string): Promise<void> {
    if (!/^\d{4,12}$/.test(pin)) throw new HeadOfficeError('validation_failed', 'pin_format', 'pin: 4-12 digits');
    const hash = await hashSecret(pin);
    const r = await this.pool.query('INSERT INTO ho_staff (id, role, pin_hash) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [id, role, hash]);
    if (r.rowCount === 0) throw new HeadOfficeError('conflict', 'staff_exists', `staff id ${id} is taken`, { staffId: id });
  }

  async login(staffId: string, pin: string): Promise<HeadOfficeLoginResponse> {
    // The try takes its place (in the database, for every head-office process) before the PIN is
    // checked, so tries arriving together, at one process or several, count together: five wrong
    // PINs in five minutes are five, however they arrive.
    const now = new Date(this.now());
    const reserved = await this.pool.query(
      `INSERT INTO ho_sign_in AS s (staff_id, failures, in_flight, window_start) VALUES ($1, 0, 1, $2)
       ON CONFLICT (staff_id) DO UPDATE SET
         failures = CASE WHEN s.window_start <= $2::timestamptz - make_interval(secs => $3) THEN 0 ELSE s.failures END,
         in_flight = CASE WHEN s.window_start <= $2::timestamptz - make_interval(secs => $3) THEN 1 ELSE s.in_flight + 1 END,
         window_start = CASE WHEN s.window_start <= $2::timestamptz - make_interval(secs => $3) THEN $2 ELSE s.window_start END
       WHERE s.window_start <= $2::timestamptz - make_interval(secs => $3) OR s.failures + s.in_flight < $4
       RETURNING staff_id`,
      [staffId, now, FAILURE_WINDOW_MS / 1000, MAX_FAILURES],
    );
    if (reserved.rowCount === 0) {
      throw new HeadOfficeError('rate_limited', 'too_many_sign_ins', 'too many failed sign-ins; wait five minutes', { retryAfterSeconds: 300 });
    }
    let row: { role: HeadOfficeRole; pin_hash: string } | undefined;
    let ok = false;
    try {
      row = (await this.pool.query<{ role: HeadOfficeRole; pin_hash: string }>('SELECT role, pin_hash FROM ho_staff WHERE id = $1 AND active', [staffId])).rows[0];
      ok = await verifySecret(pin, row?.pin_hash ?? DUMMY_HASH);
    } finally {
      // The try is counted: a failure, or (signed in) the failures forgiven.
      await this.pool.query(
        `UPDATE ho_sign_in SET in_flight = GREATEST(in_flight - 1, 0), failures = CASE WHEN $2 THEN 0 ELSE failures + 1 END WHERE staff_id = $1`,
        [staffId, ok && row !== undefined],
      );
    }
    if (!row || !ok) throw new HeadOfficeError('unauthenticated', 'wrong_credentials', 'wrong id or PIN');
    const token = newToken();
    const expires = new Date(this.now() + SESSION_MS);
    await this.pool.query('INSERT INTO ho_session (token_hash, staff_id, expires_at) VALUES ($1, $2, $3)', [tokenDigest(token), staffId, expires]);
    return { token, staffId, role: row.role, expiresAt: expires.toISOString() };
  }

  /** The signed-in staff member behind a bearer token, or a refusal. */
  async staffOf(authorization: string | undefined, roles: readonly HeadOfficeRole[]): Promise<StaffIdentity> {
    const token = bearer(authorization);
    if (!token) throw new HeadOfficeError('unauthenticated', 'sign_in_required', 'sign in first');
    const row = (
      await this.pool.query<{ staff_id: string; role: HeadOfficeRole }>(
        'SELECT s.staff_id, t.role FROM ho_session s JOIN ho_staff t ON t.id = s.staff_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND t.active',
        [tokenDigest(token), new Date(this.now())],
      )
    ).rows[0];
    if (!row) throw new HeadOfficeError('unauthenticated', 'sign_in_required', 'the session is unknown or has expired');
    if (!roles.includes(row.role)) throw new HeadOfficeError('forbidden', 'role_not_allowed', `for ${roles.join(', ')} only`);
    return { staffId: row.staff_id, role: row.role };
  }

  // ------------------------------------------------------------ branches

  /** Adds a branch; its credential is returned here once and kept only as a hash. */
  async addBranch(id: string, name: { 'zh-CN': string; en: string } = { 'zh-CN': '', en: '' }, timeZone = 'Asia/Shanghai'): Promise<{ credential: string }> {
    const credentialId = newToken(9);
    const secret = newToken(24);
    const hash = await hashSecret(secret);
    const r = await this.pool.query(
      'INSERT INTO ho_branch (id, name_zh, name_en, time_zone, credential_hash, credential_id) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING',
      [id, name['zh-CN'], name.en, timeZone, hash, credentialId],
    );
    if (r.rowCount === 0) throw new HeadOfficeError('conflict', 'branch_exists', `branch ${id} exists already`, { branchId: id });
    return { credential: `${credentialId}.${secret}` };
  }

  /** The branch a credential belongs to (scrypt once per credential and process, then remembered). */
  async branchOf(authorization: string | undefined): Promise<string> {
    const credential = bearer(authorization);
    const refuse = () => new HeadOfficeError('unauthenticated', 'wrong_credentials', 'unknown branch credential');
    if (!credential || !/^[A-Za-z0-9_-]{12}\.[A-Za-z0-9_-]{32}$/.test(credential)) throw refuse();
    const digest = tokenDigest(credential);
    const known = this.credentials.get(digest);
    if (known) return known;
    const [credentialId, secret] = credential.split('.') as [string, string];
    const row = (await this.pool.query<{ id: string; credential_hash: string }>('SELECT id, credential_hash FROM ho_branch WHERE credential_id = $1', [credentialId])).rows[0];
    const ok = await verifySecret(secret, row?.credential_hash ?? DUMMY_HASH);
    if (!row || !ok) throw refuse();
    this.credentials.set(digest, row.id);
    return row.id;
  }

  /**
   * Stores a batch a branch shipped: each entry once, in order. A batch that would leave a gap
   * (it continues after an offset head office does not hold) is refused with what head office
   * holds, so the branch resends from there; entries it holds already are skipped.
   */
  async ingest(branchId: string, batch: JournalBatch): Promise<JournalAck & { gap: boolean; row: BranchBoardRow }> {
    const now = new Date(this.now());
    const s = batch.state;
    const column = `${batch.stream}_acked`;
    if (batch.stream === 'decisions') {
      // Checked here: the pooled campaign report reads them as they are.
      for (const e of batch.entries) {
        const r = DecisionRecordSchema.safeParse(e.data);
        if (!r.success) throw new HeadOfficeError('validation_failed', 'invalid_input', `entries: offset ${e.offset}: ${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message}`);
      }
    }
    if (batch.stream !== 'contacts') return this.ingestInOneStatement(branchId, batch, column, now);
    return inTransaction(this.pool, async (c) => {
      // The lobby's state now; the row stays locked until the batch is stored (one batch per branch at a time).
      const row = (
        await c.query<BranchRow & { acked: string }>(
          `UPDATE ho_branch b SET name_zh = $2, name_en = $3, time_zone = $4, business_date = $5, waiting_now = $6, bundle_version = $7,
             longest_wait_seconds = $10, service_level = $11, counters_open = $12, outbox_lag = $13,
             connected_since = CASE WHEN last_seen_at IS NULL OR last_seen_at < $8::timestamptz - make_interval(secs => $9) THEN $8 ELSE connected_since END,
             last_seen_at = $8, first_seen_at = COALESCE(first_seen_at, $8)
           WHERE id = $1 RETURNING ${column} AS acked, ${BOARD_COLUMNS}`,
          [branchId, s.branchName['zh-CN'], s.branchName.en, s.timeZone, s.businessDate, s.waitingNow, s.bundleVersion, now, CONNECTED_WITHIN_MS / 1000, s.longestWaitSeconds ?? null, s.serviceLevel ?? null, s.countersOpen ?? null, s.outboxLag ?? null],
        )
      ).rows[0];
      if (!row) throw new HeadOfficeError('not_found', 'branch_not_found', `branch ${branchId} not found`);
      const acked = Number(row.acked);
      if (batch.after > acked) return { stream: batch.stream, acknowledged: acked, stored: 0, gap: true, row: this.toRow(row) };
      const fresh = batch.entries.filter((e) => e.offset > acked);
      if (fresh.length === 0) return { stream: batch.stream, acknowledged: acked, stored: 0, gap: false, row: this.toRow(row) };
      // Stored once each; the offset held and today's ticket count follow in the same statement.
      const r = await c.query<BranchRow & { stored: string }>(
        `WITH ins AS (
           INSERT INTO ho_journal (branch_id, stream, branch_offset, type, at, business_date, data)
           SELECT $1, $2, o, t, a, d, j FROM unnest($3::bigint[], $4::text[], $5::timestamptz[], $6::date[], $7::jsonb[]) AS x(o, t, a, d, j)
           ON CONFLICT DO NOTHING RETURNING type, business_date),
         n AS (SELECT count(*) AS stored, count(*) FILTER (WHERE $2 = 'events' AND type = 'ticket.issued' AND business_date = $9::date) AS issued FROM ins)
         UPDATE ho_branch SET ${column} = $8,
           issued_today = CASE WHEN issued_date = $9::date THEN issued_today + n.issued ELSE n.issued END,
           issued_date = CASE WHEN n.issued > 0 OR issued_date IS DISTINCT FROM $9::date THEN $9::date ELSE issued_date END
         FROM n WHERE id = $1 RETURNING n.stored, ${BOARD_COLUMNS.replace(/\bb\./g, 'ho_branch.')}`,
        [
          branchId,
          batch.stream,
          ...entryColumns(fresh, s.timeZone),
          fresh.at(-1)!.offset,
          s.businessDate,
        ],
      );
      if (batch.stream === 'contacts') {
        // The bank-wide contact history: one row per pitch or answer, by the customer's CIF. Ids are
        // handed out and committed in order (one batch at a time), so a branch that read up to an id
        // never misses a smaller one committed later.
        await c.query('SELECT pg_advisory_xact_lock($1)', [CONTACT_ORDER_LOCK]);
        await c.query(
          `INSERT INTO ho_contact (branch_id, branch_offset, cif, product_code, outcome, counts_toward_cap, visit, at)
           SELECT $1, j.branch_offset, j.data->>'cif', j.data->>'productCode', j.data->>'outcome', COALESCE((j.data->>'countsTowardCap')::int = 1, TRUE),
                  $1 || ':' || (j.data->>'decisionId'), j.at
             FROM ho_journal j WHERE j.branch_id = $1 AND j.stream = 'contacts' AND j.branch_offset = ANY($2::bigint[]) AND j.data ? 'cif'
           ON CONFLICT (branch_id, branch_offset) DO NOTHING`,
          [branchId, fresh.map((e) => e.offset)],
        );
      }
      return { stream: batch.stream, acknowledged: fresh.at(-1)!.offset, stored: Number(r.rows[0]!.stored), gap: false, row: this.toRow(r.rows[0]!) };
    });
  }

  /**
   * A batch of the events, audit or decisions stream stored in one statement (one round trip, its
   * own transaction): the branch's row locked, the entries after the offset head office holds
   * inserted once each, the offset, today's ticket count and the lobby's state updated together.
   * A gap (the batch continues after an offset not held) stores nothing and says what is held.
   * (Contacts take the transactional path below: their bank-wide ids are handed out in order.)
   */
  private async ingestInOneStatement(branchId: string, batch: JournalBatch, column: string, now: Date): Promise<JournalAck & { gap: boolean; row: BranchBoardRow }> {
    const s = batch.state;
    const e = batch.entries;
    const r = await this.pool.query<BranchRow & { before: string; stored: string }>(
      `WITH cur AS (SELECT ${column} AS acked FROM ho_branch WHERE id = $1 FOR UPDATE),
         fresh AS (SELECT o, t, a, d, j FROM unnest($3::bigint[], $4::text[], $5::timestamptz[], $6::date[], $7::jsonb[]) AS x(o, t, a, d, j), cur
                    WHERE $8::bigint <= cur.acked AND o > cur.acked),
         ins AS (INSERT INTO ho_journal (branch_id, stream, branch_offset, type, at, business_date, data)
                 SELECT $1, $2, o, t, a, d, j FROM fresh ON CONFLICT DO NOTHING RETURNING type, business_date),
         n AS (SELECT count(*) AS stored, count(*) FILTER (WHERE $2 = 'events' AND type = 'ticket.issued' AND business_date = $9::date) AS issued FROM ins),
         top AS (SELECT max(o) AS o FROM fresh)
       UPDATE ho_branch b SET name_zh = $10, name_en = $11, time_zone = $12, business_date = $9, waiting_now = $13, bundle_version = $14,
         longest_wait_seconds = $17, service_level = $18, counters_open = $19, outbox_lag = $20,
         connected_since = CASE WHEN b.last_seen_at IS NULL OR b.last_seen_at < $15::timestamptz - make_interval(secs => $16) THEN $15 ELSE b.connected_since END,
         last_seen_at = $15, first_seen_at = COALESCE(b.first_seen_at, $15),
         ${column} = COALESCE(top.o, b.${column}),
         issued_today = CASE WHEN top.o IS NULL THEN b.issued_today WHEN b.issued_date = $9::date THEN b.issued_today + n.issued ELSE n.issued END,
         issued_date = CASE WHEN top.o IS NULL THEN b.issued_date WHEN n.issued > 0 OR b.issued_date IS DISTINCT FROM $9::date THEN $9::date ELSE b.issued_date END
       FROM cur, n, top WHERE b.id = $1
       RETURNING cur.acked AS before, n.stored, ${BOARD_COLUMNS}`,
      [
        branchId,
        batch.stream,
        ...entryColumns(e, s.timeZone),
        batch.after,
        s.businessDate,
        s.branchName['zh-CN'],
        s.branchName.en,
        s.timeZone,
        s.waitingNow,
        s.bundleVersion,
        now,
        CONNECTED_WITHIN_MS / 1000,
        s.longestWaitSeconds ?? null,
        s.serviceLevel ?? null,
        s.countersOpen ?? null,
        s.outboxLag ?? null,
      ],
    );
    const row = r.rows[0];
    if (!row) throw new HeadOfficeError('not_found', 'branch_not_found', `branch ${branchId} not found`);
    const before = Number(row.before);
    if (batch.after > before) return { stream: batch.stream, acknowledged: before, stored: 0, gap: true, row: this.toRow(row) };
    const last = e.length && e.at(-1)!.offset > before ? e.at(-1)!.offset : before;
    return { stream: batch.stream, acknowledged: last, stored: Number(row.stored), gap: false, row: this.toRow(row) };
  }

  /** The branches board: every branch, live. */
  async board(): Promise<BranchBoardRow[]> {
    return (await this.pool.query<BranchRow>(`${BOARD_SELECT} ORDER BY b.id`)).rows.map((r) => this.toRow(r));
  }

  async boardRow(branchId: string): Promise<BranchBoardRow | null> {
    const row = (await this.pool.query<BranchRow>(`${BOARD_SELECT} WHERE b.id = $1`, [branchId])).rows[0];
    return row ? this.toRow(row) : null;
  }

  private toRow(r: BranchRow): BranchBoardRow {
    const connected = r.last_seen_at !== null && this.now() - r.last_seen_at.getTime() <= CONNECTED_WITHIN_MS;
    const since = connected ? r.connected_since : r.last_seen_at;
    return {
      id: r.id,
      name: { 'zh-CN': r.name_zh, en: r.name_en },
      connected,
      since: since ? since.toISOString() : null,
      lastSeenAt: r.last_seen_at ? r.last_seen_at.toISOString() : null,
      acknowledgedOffset: Number(r.events_acked),
      // Counted for the business day the branch last reported; its new day starts at 0.
      issuedToday: r.issued_date !== null && r.issued_date === r.business_date ? r.issued_today : 0,
      waitingNow: r.waiting_now,
      longestWaitSeconds: r.longest_wait_seconds,
      serviceLevel: r.service_level,
      countersOpen: r.counters_open,
      outboxLag: r.outbox_lag,
      bundleVersion: r.bundle_version,
      bundleRefused: r.bundle_refused_version !== null ? { version: r.bundle_refused_version, reason: r.bundle_refused_reason ?? '' } : null,
    };
  }

  // ------------------------------------------------------------ the bank-wide dashboard

  /**
   * One business day over every branch, from the journals received: tickets issued and called,
   * waits (issue to first call), the service level against `targetMinutes`, no-shows,
   * green-channel routings; arrivals and waits by hour of each branch's day; pitches and
   * acceptances per product.
   */
  async dashboard(date: string, targetMinutes: number): Promise<DashboardResponse> {
    const waits = `
      WITH issued AS (
        SELECT branch_id, data->>'ticketId' AS t, at FROM ho_journal
         WHERE stream = 'events' AND type = 'ticket.issued' AND business_date = $1),
      called AS (
        SELECT branch_id, data->>'ticketId' AS t, min(at) AS at FROM ho_journal
         WHERE stream = 'events' AND type = 'ticket.called' AND business_date = $1 GROUP BY 1, 2),
      w AS (
        SELECT i.branch_id, i.at AS issued_at, extract(epoch FROM c.at - i.at) / 60 AS wait
          FROM issued i LEFT JOIN called c ON c.branch_id = i.branch_id AND c.t = i.t)`;
    const branches = (
      await this.pool.query<{ id: string; name_zh: string; name_en: string; issued: string; called: string; wait_mean: number | null; wait_p90: number | null; within: string; no_shows: string; green: string }>(
        `${waits}
         SELECT b.id, b.name_zh, b.name_en,
           (SELECT count(*) FROM w WHERE w.branch_id = b.id) AS issued,
           (SELECT count(wait) FROM w WHERE w.branch_id = b.id) AS called,
           (SELECT avg(wait) FROM w WHERE w.branch_id = b.id) AS wait_mean,
           (SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY wait) FROM w WHERE w.branch_id = b.id AND wait IS NOT NULL) AS wait_p90,
           (SELECT count(*) FROM w WHERE w.branch_id = b.id AND wait <= $2) AS within,
           (SELECT count(*) FROM ho_journal j WHERE j.branch_id = b.id AND j.stream = 'events' AND j.type = 'ticket.no_show' AND j.business_date = $1) AS no_shows,
           (SELECT count(*) FROM ho_journal j WHERE j.branch_id = b.id AND j.stream = 'audit' AND j.type = 'green_channel.route' AND j.business_date = $1) AS green
         FROM ho_branch b ORDER BY b.id`,
        [date, targetMinutes],
      )
    ).rows.map<DashboardBranch>((r) => {
      const called = Number(r.called);
      return {
        id: r.id,
        name: { 'zh-CN': r.name_zh, en: r.name_en },
        issued: Number(r.issued),
        called,
        waitMean: r.wait_mean === null ? null : Math.round(Number(r.wait_mean) * 10) / 10,
        waitP90: r.wait_p90 === null ? null : Math.round(Number(r.wait_p90) * 10) / 10,
        serviceLevel: called === 0 ? null : Math.round((Number(r.within) / called) * 1000) / 1000,
        noShows: Number(r.no_shows),
        greenChannel: Number(r.green),
      };
    });
    const hours = (
      await this.pool.query<{ hour: number; issued: string; wait_mean: number | null }>(
        `${waits}
         SELECT extract(hour FROM w.issued_at AT TIME ZONE b.time_zone)::int AS hour, count(*) AS issued, avg(wait) AS wait_mean
           FROM w JOIN ho_branch b ON b.id = w.branch_id GROUP BY 1 ORDER BY 1`,
        [date],
      )
    ).rows.map<DashboardHour>((r) => ({ hour: r.hour, issued: Number(r.issued), waitMean: r.wait_mean === null ? null : Math.round(Number(r.wait_mean) * 10) / 10 }));
    const products = (
      await this.pool.query<{ product_code: string; pitched: string; accepted: string }>(
        `SELECT product_code,
           count(DISTINCT visit) FILTER (WHERE outcome IN ('accepted', 'declined', 'later')) AS pitched,
           count(DISTINCT visit) FILTER (WHERE outcome = 'accepted') AS accepted
         FROM ho_contact c JOIN ho_branch b ON b.id = c.branch_id
         WHERE (c.at AT TIME ZONE b.time_zone)::date = $1::date
         GROUP BY product_code ORDER BY pitched DESC, product_code`,
        [date],
      )
    ).rows.map<DashboardProduct>((r) => ({ productCode: r.product_code, pitched: Number(r.pitched), accepted: Number(r.accepted) }));
    return { date, targetMinutes, branches, hours, products };
  }

  // ------------------------------------------------------------ the bank-wide contact history

  /**
   * Contacts made at other branches after `after`, oldest first, for one branch's contact policy.
   * With customer data at head office, those of customers it knows to be another branch's (not in
   * this branch's slice, not a walk-in it looked up in the last two days) are left out: they are not
   * the branch's business. A customer head office does not know is sent (it cannot tell whose).
   */
  async remoteContacts(branchId: string, after: number, filtered = true): Promise<{ contacts: RemoteContact[]; through: number; more: boolean }> {
    const rows = (
      await this.pool.query<{ id: string; branch_id: string; cif: string; product_code: string; outcome: RemoteContact['outcome']; counts_toward_cap: boolean; visit: string; at: Date }>(
        `SELECT id, branch_id, cif, product_code, outcome, counts_toward_cap, visit, at FROM ho_contact
          WHERE id > $2 AND branch_id <> $1 ORDER BY id LIMIT $3`,
        [branchId, after, REMOTE_CONTACTS_MAX],
      )
    ).rows;
    const through = rows.length ? Number(rows.at(-1)!.id) : after;
    let keep: (cif: string) => boolean = () => true;
    const hasData = filtered && rows.length > 0 && (await this.pool.query("SELECT 1 FROM ho_feed WHERE status = 'done' LIMIT 1")).rowCount! > 0;
    if (hasData) {
      const ours = await this.pool.query<{ cif: string }>(
        `SELECT c AS cif FROM unnest($1::text[]) AS c
          WHERE NOT EXISTS (SELECT 1 FROM ho_customer x WHERE x.cif = c)
             OR EXISTS (SELECT 1 FROM ho_customer x WHERE x.cif = c AND x.home_branch_id = $2)
             OR EXISTS (SELECT 1 FROM ho_holding h WHERE h.cif = c AND h.branch_id = $2)
             OR EXISTS (SELECT 1 FROM ho_customer_lookup l WHERE l.cif = c AND l.branch_id = $2 AND l.at > now() - interval '2 days')`,
        [[...new Set(rows.map((r) => r.cif))], branchId],
      );
      const set = new Set(ours.rows.map((r) => r.cif));
      keep = (cif) => set.has(cif);
    }
    return {
      contacts: rows
        .filter((r) => keep(r.cif))
        .map((r) => ({
          id: Number(r.id),
          branchId: r.branch_id,
          cif: r.cif,
          productCode: r.product_code,
          outcome: r.outcome,
          countsTowardCap: r.counts_toward_cap,
          visit: r.visit,
          at: r.at.getTime(),
        })),
      through,
      more: rows.length === REMOTE_CONTACTS_MAX,
    };
  }

  // ------------------------------------------------------------ bundles

  /** Publishes a bundle (checked first: over the default rules it must give valid rules) to every branch or the ones named. */
  async publishBundle(content: unknown, branches: 'all' | string[], note: string, by: string): Promise<{ version: number }> {
    const checked = checkBundle(content);
    if (!checked.ok) throw new HeadOfficeError('validation_failed', 'invalid_bundle', checked.problems.slice(0, 5).join('; '));
    return inTransaction(this.pool, async (c) => {
      if (branches !== 'all') {
        const known = new Set((await c.query<{ id: string }>('SELECT id FROM ho_branch WHERE id = ANY($1)', [branches])).rows.map((r) => r.id));
        const unknown = branches.filter((b) => !known.has(b));
        if (unknown.length) throw new HeadOfficeError('not_found', 'branch_not_found', `unknown branches: ${unknown.slice(0, 10).join(', ')}`);
      }
      const r = await c.query<{ version: number }>('INSERT INTO ho_bundle (content, note, all_branches, created_by) VALUES ($1, $2, $3, $4) RETURNING version', [
        JSON.stringify(checked.content),
        note,
        branches === 'all',
        by,
      ]);
      const version = r.rows[0]!.version;
      if (branches !== 'all') await c.query('INSERT INTO ho_bundle_branch (version, branch_id) SELECT $1, unnest($2::text[])', [version, branches]);
      return { version };
    });
  }

  /**
   * The next bundle for a branch after the one it runs, oldest first (each is a partial overlay, so
   * every one is applied in turn), skipping the one it last refused; null when none.
   */
  async offeredBundle(branchId: string, running: number): Promise<OfferedBundle | null> {
    const row = (
      await this.pool.query<{ version: number; content: OfferedBundle['content'] }>(
        `SELECT b.version, b.content FROM ho_bundle b, ho_branch r
          WHERE r.id = $1 AND b.version > $2 AND b.version IS DISTINCT FROM r.bundle_refused_version
            AND (b.all_branches OR EXISTS (SELECT 1 FROM ho_bundle_branch t WHERE t.version = b.version AND t.branch_id = $1))
          ORDER BY b.version ASC LIMIT 1`,
        [branchId, running],
      )
    ).rows[0];
    return row ? { version: row.version, content: row.content } : null;
  }

  /** What a branch did with a bundle: it runs it now, or it refused it (and keeps the last good one). */
  async bundleReport(branchId: string, report: BundleReport): Promise<void> {
    if (report.applied) {
      await this.pool.query('UPDATE ho_branch SET bundle_version = $2, bundle_reported_at = now() WHERE id = $1', [branchId, report.version]);
    } else {
      await this.pool.query('UPDATE ho_branch SET bundle_refused_version = $2, bundle_refused_reason = $3, bundle_reported_at = now() WHERE id = $1', [
        branchId,
        report.version,
        report.reason ?? 'refused',
      ]);
    }
  }

  async bundles(): Promise<BundleInfo[]> {
    const rows = (
      await this.pool.query<{ version: number; note: string; created_by: string; created_at: Date; all_branches: boolean; targets: string[] | null; running: string[] | null; refused: { branchId: string; reason: string }[] | null }>(
        `SELECT b.version, b.note, b.created_by, b.created_at, b.all_branches,
           (SELECT array_agg(t.branch_id ORDER BY t.branch_id) FROM ho_bundle_branch t WHERE t.version = b.version) AS targets,
           (SELECT array_agg(r.id ORDER BY r.id) FROM ho_branch r WHERE r.bundle_version = b.version) AS running,
           (SELECT json_agg(json_build_object('branchId', r.id, 'reason', r.bundle_refused_reason) ORDER BY r.id) FROM ho_branch r WHERE r.bundle_refused_version = b.version) AS refused
         FROM ho_bundle b ORDER BY b.version DESC LIMIT 100`,
      )
    ).rows;
    return rows.map((r) => ({
      version: r.version,
      note: r.note,
      createdBy: r.created_by,
      createdAt: r.created_at.toISOString(),
      branches: r.all_branches ? 'all' : (r.targets ?? []),
      running: r.running ?? [],
      refused: r.refused ?? [],
    }));
  }
}

function bearer(authorization: string | undefined): string | null {
  const m = /^Bearer ([A-Za-z0-9._-]{10,200})$/.exec(authorization ?? '');
  return m ? m[1]! : null;
}
