import { moveCustomersToSnapshot } from '../customers/move-to-snapshot';
import type Database from 'better-sqlite3';

type Db = Database.Database;

/**
 * Numbered schema migrations. Each runs with every other pending one in a single transaction,
 * and `PRAGMA user_version` records the last applied number (the Signal Desktop pattern).
 * Append only: never edit a migration that has shipped.
 */

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Steps SQL text cannot say (a table rebuilt with a changed constraint); runs after `sql`, in the same transaction. */
  run?: (db: Db) => void;
  /** Runs once the transaction committed (what cannot run inside one, such as VACUUM). */
  after?: (db: Db) => void;
}

/**
 * Rebuilds a table whose definition must change in a way ALTER TABLE cannot (a CHECK constraint):
 * its CREATE statement, edited, replaces it, with every row and index kept and column order
 * unchanged. Foreign keys pointing at it are checked at commit (deferred), so the rows come back
 * before anything is checked. Run inside the migration's transaction.
 */
export function rebuildTable(db: Db, table: string, edit: (createSql: string) => string): void {
  const create = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) as { sql: string } | undefined;
  if (!create) throw new Error(`migration: no table ${table} to rebuild`);
  const edited = edit(create.sql);
  if (edited === create.sql) throw new Error(`migration: the rebuild of ${table} changes nothing (the edit did not match)`);
  const indexes = (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL").all(table) as { sql: string }[]).map((r) => r.sql);
  db.pragma('defer_foreign_keys = ON');
  db.exec(`CREATE TEMP TABLE "rebuild_${table}" AS SELECT * FROM "${table}"`);
  db.exec(`DROP TABLE "${table}"`);
  db.exec(edited);
  db.exec(`INSERT INTO "${table}" SELECT * FROM temp."rebuild_${table}"`);
  db.exec(`DROP TABLE temp."rebuild_${table}"`);
  for (const sql of indexes) db.exec(sql);
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'branch, staff, devices, customers, tickets, offers, audit',
    sql: `
CREATE TABLE branch (
  id            TEXT PRIMARY KEY,
  name_zh       TEXT NOT NULL,
  name_en       TEXT NOT NULL,
  rules_json    TEXT NOT NULL
) STRICT;

CREATE TABLE service (
  branch_id     TEXT NOT NULL REFERENCES branch(id),
  code          TEXT NOT NULL CHECK (length(code) = 1),
  prefix        TEXT NOT NULL,
  name_zh       TEXT NOT NULL,
  name_en       TEXT NOT NULL,
  vip_only      INTEGER NOT NULL DEFAULT 0 CHECK (vip_only IN (0, 1)),
  sort_order    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (branch_id, code)
) STRICT;

CREATE TABLE counter (
  id            INTEGER PRIMARY KEY,
  branch_id     TEXT NOT NULL REFERENCES branch(id),
  name_zh       TEXT NOT NULL,
  name_en       TEXT NOT NULL,
  vip           INTEGER NOT NULL DEFAULT 0 CHECK (vip IN (0, 1))
) STRICT;

CREATE TABLE counter_service (
  counter_id    INTEGER NOT NULL REFERENCES counter(id),
  branch_id     TEXT NOT NULL,
  service_code  TEXT NOT NULL,
  weight        INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (counter_id, service_code),
  FOREIGN KEY (branch_id, service_code) REFERENCES service(branch_id, code)
) STRICT;

CREATE TABLE staff (
  id            TEXT PRIMARY KEY,
  branch_id     TEXT NOT NULL REFERENCES branch(id),
  name          TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('manager', 'teller', 'admin')),
  pin_hash      TEXT NOT NULL,
  counter_id    INTEGER REFERENCES counter(id),
  active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

CREATE TABLE device (
  id            TEXT PRIMARY KEY,
  branch_id     TEXT NOT NULL REFERENCES branch(id),
  kind          TEXT NOT NULL CHECK (kind IN ('kiosk', 'display')),
  secret_hash   TEXT NOT NULL,
  active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

CREATE TABLE session (
  token_hash    TEXT PRIMARY KEY,
  role          TEXT NOT NULL CHECK (role IN ('manager', 'teller', 'admin', 'kiosk', 'display')),
  subject_id    TEXT NOT NULL,
  branch_id     TEXT NOT NULL REFERENCES branch(id),
  counter_id    INTEGER REFERENCES counter(id),
  created_at    TEXT NOT NULL,
  expires_at    TEXT NOT NULL
) STRICT;

CREATE TABLE customer (
  id                  INTEGER PRIMARY KEY,
  cif                 TEXT NOT NULL UNIQUE,
  name                TEXT NOT NULL,
  gender              TEXT NOT NULL CHECK (gender IN ('M', 'F')),
  birth_date          TEXT NOT NULL,
  phone               TEXT NOT NULL UNIQUE,
  id_number           TEXT NOT NULL UNIQUE,
  marital_status      TEXT NOT NULL CHECK (marital_status IN ('single', 'married', 'divorced', 'widowed')),
  occupation          TEXT NOT NULL,
  risk_tolerance      INTEGER NOT NULL CHECK (risk_tolerance BETWEEN 1 AND 5),
  marketing_consent   INTEGER NOT NULL CHECK (marketing_consent IN (0, 1)),
  home_branch_id      TEXT NOT NULL,
  relationship_manager TEXT,
  last_overdue_on     TEXT,
  tier                TEXT NOT NULL CHECK (tier IN ('top', 'gold', 'general', 'drop')),
  stars               INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
  key_customer        INTEGER NOT NULL CHECK (key_customer IN (0, 1)),
  aum                 REAL NOT NULL DEFAULT 0,
  tier_computed_on    TEXT NOT NULL
) STRICT;

CREATE TABLE card (
  card_number   TEXT PRIMARY KEY,
  customer_id   INTEGER NOT NULL REFERENCES customer(id),
  kind          TEXT NOT NULL CHECK (kind IN ('debit', 'credit'))
) STRICT;
CREATE INDEX card_customer ON card(customer_id);

CREATE TABLE product (
  code            TEXT PRIMARY KEY,
  category        TEXT NOT NULL,
  name_zh         TEXT NOT NULL,
  name_en         TEXT NOT NULL,
  risk_level      INTEGER NOT NULL CHECK (risk_level BETWEEN 1 AND 5),
  is_credit       INTEGER NOT NULL CHECK (is_credit IN (0, 1)),
  life_stages     TEXT NOT NULL DEFAULT '[]',
  min_age         INTEGER NOT NULL DEFAULT 18,
  max_age         INTEGER NOT NULL DEFAULT 120,
  base_propensity REAL NOT NULL,
  value           REAL NOT NULL DEFAULT 1,
  lever           REAL NOT NULL DEFAULT 1,
  active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

CREATE TABLE holding (
  id            INTEGER PRIMARY KEY,
  customer_id   INTEGER NOT NULL REFERENCES customer(id),
  product_code  TEXT NOT NULL REFERENCES product(code),
  amount        REAL NOT NULL,
  opened_on     TEXT NOT NULL,
  maturity_on   TEXT,
  as_of         TEXT NOT NULL
) STRICT;
CREATE INDEX holding_customer ON holding(customer_id);

CREATE TABLE ticket_sequence (
  branch_id     TEXT NOT NULL,
  service_code  TEXT NOT NULL,
  business_date TEXT NOT NULL,
  last_seq      INTEGER NOT NULL,
  PRIMARY KEY (branch_id, service_code, business_date)
) STRICT;

CREATE TABLE ticket (
  id                     TEXT PRIMARY KEY,
  branch_id              TEXT NOT NULL REFERENCES branch(id),
  business_date          TEXT NOT NULL,
  service_code           TEXT NOT NULL,
  requested_service_code TEXT NOT NULL,
  seq                    INTEGER NOT NULL,
  number                 TEXT NOT NULL,
  ticket_class           TEXT NOT NULL CHECK (ticket_class IN ('green', 'vip', 'priority', 'normal')),
  route                  TEXT NOT NULL CHECK (route IN ('standard', 'green_channel')),
  vip                    INTEGER NOT NULL CHECK (vip IN (0, 1)),
  customer_id            INTEGER REFERENCES customer(id),
  language               TEXT NOT NULL,
  request_id             TEXT NOT NULL,
  device_id              TEXT NOT NULL,
  track_token            TEXT NOT NULL UNIQUE,
  status                 TEXT NOT NULL CHECK (status IN ('waiting', 'called', 'completed', 'no_show')),
  issued_at              INTEGER NOT NULL,
  called_at              INTEGER,
  counter_id             INTEGER REFERENCES counter(id),
  called_by              TEXT,
  ended_at               INTEGER,
  UNIQUE (branch_id, request_id)
) STRICT;
CREATE INDEX ticket_number ON ticket(branch_id, business_date, number);
CREATE INDEX ticket_waiting ON ticket(branch_id, business_date, status, service_code, issued_at);
CREATE INDEX ticket_called ON ticket(branch_id, business_date, called_at) WHERE called_at IS NOT NULL;
CREATE INDEX ticket_completed ON ticket(branch_id, service_code, ended_at) WHERE status = 'completed';

CREATE TABLE green_channel_routing (
  id                       INTEGER PRIMARY KEY,
  ticket_id                TEXT NOT NULL UNIQUE REFERENCES ticket(id),
  customer_id              INTEGER NOT NULL REFERENCES customer(id),
  rule                     TEXT NOT NULL,
  from_service_code        TEXT NOT NULL,
  destination_service_code TEXT NOT NULL,
  destination_counter_id   INTEGER,
  decided_at               INTEGER NOT NULL,
  decided_by               TEXT NOT NULL
) STRICT;

CREATE TABLE offer_decision (
  id            INTEGER PRIMARY KEY,
  ticket_id     TEXT NOT NULL UNIQUE REFERENCES ticket(id),
  customer_id   INTEGER NOT NULL REFERENCES customer(id),
  service_only  INTEGER NOT NULL CHECK (service_only IN (0, 1)),
  offers_json   TEXT NOT NULL,
  dropped_json  TEXT NOT NULL,
  decided_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE offer_outcome (
  id            INTEGER PRIMARY KEY,
  decision_id   INTEGER NOT NULL REFERENCES offer_decision(id),
  product_code  TEXT NOT NULL,
  outcome       TEXT NOT NULL CHECK (outcome IN ('accepted', 'declined', 'later')),
  note          TEXT,
  staff_id      TEXT NOT NULL,
  recorded_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX offer_outcome_decision ON offer_outcome(decision_id, product_code);

CREATE TABLE event_log (
  offset        INTEGER PRIMARY KEY AUTOINCREMENT,
  branch_id     TEXT NOT NULL,
  type          TEXT NOT NULL,
  payload_json  TEXT NOT NULL,
  at            INTEGER NOT NULL
) STRICT;

CREATE TABLE audit_log (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  at            INTEGER NOT NULL,
  branch_id     TEXT NOT NULL,
  actor         TEXT NOT NULL,
  role          TEXT NOT NULL,
  device        TEXT,
  action        TEXT NOT NULL,
  subject       TEXT NOT NULL,
  detail_json   TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
`,
  },
  {
    version: 2,
    name: 'queue engine: priority by law, transfers, recalls, parking, outcomes, counter states',
    sql: `
ALTER TABLE ticket ADD COLUMN priority_reason TEXT CHECK (priority_reason IN ('elderly', 'disabled', 'pregnant'));
-- Place in the queue: the issue time, or where a transfer placed the ticket (first / last / original).
ALTER TABLE ticket ADD COLUMN queued_at INTEGER NOT NULL DEFAULT 0;
UPDATE ticket SET queued_at = issued_at;
-- Transferred to one counter: only that counter calls it.
ALTER TABLE ticket ADD COLUMN target_counter_id INTEGER REFERENCES counter(id);
ALTER TABLE ticket ADD COLUMN recall_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket ADD COLUMN transfer_count INTEGER NOT NULL DEFAULT 0;
-- Parked: still called at its counter (status 'called') but set aside until resumed.
ALTER TABLE ticket ADD COLUMN parked_at INTEGER;
ALTER TABLE ticket ADD COLUMN outcome TEXT;
CREATE INDEX ticket_queue ON ticket(branch_id, business_date, status, queued_at);
CREATE INDEX ticket_counter_calls ON ticket(branch_id, business_date, counter_id, called_at) WHERE called_at IS NOT NULL;

ALTER TABLE green_channel_routing ADD COLUMN reason TEXT;

-- A counter without a row is open.
CREATE TABLE counter_state (
  counter_id    INTEGER PRIMARY KEY REFERENCES counter(id),
  branch_id     TEXT NOT NULL REFERENCES branch(id),
  state         TEXT NOT NULL CHECK (state IN ('open', 'paused', 'closed')),
  reason        TEXT,
  note          TEXT,
  changed_at    INTEGER NOT NULL,
  changed_by    TEXT NOT NULL
) STRICT;
`,
  },
  // Lobby marketing: offer decisions, responses, conversions, activity behind the reminders.
  {
    version: 3,
    name: 'next-best-action: decision records, responses, contact history, account movements, credit state, applications',
    sql: `
-- Residency (eligibility) and exemption from control groups (demo personas, staff accounts).
ALTER TABLE customer ADD COLUMN resident INTEGER NOT NULL DEFAULT 1 CHECK (resident IN (0, 1));
ALTER TABLE customer ADD COLUMN control_exempt INTEGER NOT NULL DEFAULT 0 CHECK (control_exempt IN (0, 1));

-- The decision record of every card: control group, learning segment, pitch allowance, the
-- non-product actions and the full trace (every candidate, the stage it dropped at, its score).
ALTER TABLE offer_decision ADD COLUMN control_group TEXT NOT NULL DEFAULT 'treatment'
  CHECK (control_group IN ('treatment', 'holdout', 'random'));
ALTER TABLE offer_decision ADD COLUMN segment TEXT NOT NULL DEFAULT 'adult';
ALTER TABLE offer_decision ADD COLUMN period TEXT NOT NULL DEFAULT '';
ALTER TABLE offer_decision ADD COLUMN pitch_allowance INTEGER NOT NULL DEFAULT 2;
ALTER TABLE offer_decision ADD COLUMN actions_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE offer_decision ADD COLUMN trace_json TEXT NOT NULL DEFAULT '[]';
-- Set when the visit ends (unanswered offers then get a no_response).
ALTER TABLE offer_decision ADD COLUMN closed_at INTEGER;
CREATE INDEX offer_decision_customer ON offer_decision(customer_id, decided_at);
CREATE INDEX offer_decision_time ON offer_decision(decided_at);

-- Responses: shown, accepted, declined, later, no_response (rebuilt for the wider CHECK).
CREATE TABLE offer_outcome_v3 (
  id                INTEGER PRIMARY KEY,
  decision_id       INTEGER NOT NULL REFERENCES offer_decision(id),
  customer_id       INTEGER NOT NULL REFERENCES customer(id),
  product_code      TEXT NOT NULL,
  outcome           TEXT NOT NULL CHECK (outcome IN ('shown', 'accepted', 'declined', 'later', 'no_response')),
  segment           TEXT NOT NULL,
  counts_toward_cap INTEGER NOT NULL DEFAULT 1 CHECK (counts_toward_cap IN (0, 1)),
  note              TEXT,
  staff_id          TEXT NOT NULL,
  device            TEXT,
  recorded_at       INTEGER NOT NULL
) STRICT;
INSERT INTO offer_outcome_v3 (id, decision_id, customer_id, product_code, outcome, segment, counts_toward_cap, note, staff_id, device, recorded_at)
  SELECT o.id, o.decision_id, d.customer_id, o.product_code, o.outcome, 'adult', 1, o.note, o.staff_id, NULL, o.recorded_at
  FROM offer_outcome o JOIN offer_decision d ON d.id = o.decision_id;
DROP TABLE offer_outcome;
ALTER TABLE offer_outcome_v3 RENAME TO offer_outcome;
CREATE INDEX offer_outcome_decision ON offer_outcome(decision_id, product_code);
CREATE INDEX offer_outcome_customer ON offer_outcome(customer_id, recorded_at);
CREATE INDEX offer_outcome_learning ON offer_outcome(product_code, segment, outcome);

-- Demand-account movements (from core banking): large inflow / outflow, transfers to other banks.
CREATE TABLE account_movement (
  id          INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customer(id),
  on_date     TEXT NOT NULL,
  direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  amount      REAL NOT NULL CHECK (amount > 0),
  other_bank  INTEGER NOT NULL DEFAULT 0 CHECK (other_bank IN (0, 1))
) STRICT;
CREATE INDEX account_movement_customer ON account_movement(customer_id, on_date);

-- Repayment state of loans and credit cards: next due, overdue, five-tier classification.
CREATE TABLE credit_status (
  holding_id              INTEGER PRIMARY KEY REFERENCES holding(id),
  customer_id             INTEGER NOT NULL REFERENCES customer(id),
  product_code            TEXT NOT NULL,
  next_due_on             TEXT,
  due_amount              REAL NOT NULL DEFAULT 0,
  overdue_days            INTEGER NOT NULL DEFAULT 0,
  classification          TEXT NOT NULL DEFAULT 'normal'
    CHECK (classification IN ('normal', 'special_mention', 'substandard', 'doubtful', 'loss')),
  previous_classification TEXT
    CHECK (previous_classification IN ('normal', 'special_mention', 'substandard', 'doubtful', 'loss')),
  classified_on           TEXT
) STRICT;
CREATE INDEX credit_status_customer ON credit_status(customer_id);

-- Open product applications: not offered again while one is being processed.
CREATE TABLE product_application (
  id           INTEGER PRIMARY KEY,
  customer_id  INTEGER NOT NULL REFERENCES customer(id),
  product_code TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('open', 'approved', 'rejected', 'withdrawn')),
  applied_on   TEXT NOT NULL
) STRICT;
CREATE INDEX product_application_customer ON product_application(customer_id, status);

-- Conversions confirmed by core banking (an imported file), joined to the lobby visit they follow.
CREATE TABLE conversion (
  id           INTEGER PRIMARY KEY,
  customer_id  INTEGER NOT NULL REFERENCES customer(id),
  product_code TEXT NOT NULL,
  opened_on    TEXT NOT NULL,
  decision_id  INTEGER REFERENCES offer_decision(id),
  imported_at  INTEGER NOT NULL,
  imported_by  TEXT NOT NULL,
  UNIQUE (customer_id, product_code, opened_on)
) STRICT;
CREATE INDEX conversion_decision ON conversion(decision_id);
`,
  },
  // Kiosk: pre-filled forms saved with a ticket.
  {
    version: 4,
    name: 'pre-filled forms saved with the ticket',
    sql: `
CREATE TABLE ticket_form (
  ticket_id      TEXT PRIMARY KEY REFERENCES ticket(id),
  branch_id      TEXT NOT NULL REFERENCES branch(id),
  form_id        TEXT NOT NULL,
  values_json    TEXT NOT NULL,
  prefilled_json TEXT NOT NULL DEFAULT '[]',
  used_json      TEXT NOT NULL DEFAULT '[]',
  submitted_at   INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX ticket_form_submitted ON ticket_form(submitted_at);
`,
  },
  // Primary / secondary branch: a secondary branch sees only what is held at that branch.
  {
    version: 5,
    name: 'the branch a holding is held at',
    sql: `
-- NULL = held at the customer's home (primary) branch. Adding the column backfills every existing
-- row with NULL: a holding with no branch was always one of the home branch's, so it keeps that meaning.
ALTER TABLE holding ADD COLUMN branch_id TEXT CHECK (branch_id IS NULL OR length(branch_id) > 0);
`,
  },
  // Appointments: booking codes checked in at the kiosk.
  {
    version: 6,
    name: 'appointments: booking codes, check-in windows, the ticket of a checked-in appointment',
    sql: `
CREATE TABLE appointment (
  id             INTEGER PRIMARY KEY,
  branch_id      TEXT NOT NULL REFERENCES branch(id),
  -- The branch-local date of booked_at; a code is unique per branch and business date.
  business_date  TEXT NOT NULL CHECK (business_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  code           TEXT NOT NULL CHECK (length(code) = 6 AND code NOT GLOB '*[^0-9]*'),
  booked_at      INTEGER NOT NULL,
  service_code   TEXT NOT NULL,
  customer_id    INTEGER REFERENCES customer(id),
  status         TEXT NOT NULL DEFAULT 'booked'
    CHECK (status IN ('booked', 'checked_in', 'late', 'cancelled', 'missed')),
  -- The ticket issued at check-in (checked_in: queued at booked_at; late: an ordinary walk-in).
  -- Visit-linked: the retention purge deletes the appointment with its ticket.
  ticket_id      TEXT UNIQUE REFERENCES ticket(id),
  checked_in_at  INTEGER,
  checked_in_by  TEXT,
  cancelled_at   INTEGER,
  cancelled_by   TEXT,
  cancel_reason  TEXT,
  source         TEXT NOT NULL DEFAULT 'branch' CHECK (source IN ('branch', 'phone', 'web', 'app', 'demo')),
  note           TEXT CHECK (note IS NULL OR length(note) <= 200),
  created_at     INTEGER NOT NULL,
  created_by     TEXT NOT NULL,
  UNIQUE (branch_id, business_date, code),
  FOREIGN KEY (branch_id, service_code) REFERENCES service(branch_id, code),
  CHECK ((status IN ('checked_in', 'late')) = (ticket_id IS NOT NULL AND checked_in_at IS NOT NULL)),
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
) STRICT;
CREATE INDEX appointment_day ON appointment(branch_id, business_date, booked_at);
CREATE INDEX appointment_code ON appointment(branch_id, code);

-- The appointment a ticket was issued for (NULL: a walk-in). No REFERENCES on purpose: the
-- appointment already points at its ticket, and the retention purge deletes the appointment
-- (a table referencing ticket) before the ticket; a reference back would block that order.
ALTER TABLE ticket ADD COLUMN appointment_id INTEGER;
CREATE INDEX ticket_appointment ON ticket(appointment_id) WHERE appointment_id IS NOT NULL;
`,
  },
  // Measures: the walk to the counter (when serving started).
  {
    version: 7,
    name: 'ticket: when serving started (the customer reached the counter)',
    sql: `
-- Set by the teller's "start serving" (POST /api/v1/tickets/{id}/start); NULL = not pressed. Walk =
-- called_at -> serving_at, service = serving_at -> ended_at (docs/QUEUE.md "Measures"). Existing rows
-- keep NULL: their walk is unknown and their service time runs from the call, as before.
ALTER TABLE ticket ADD COLUMN serving_at INTEGER CHECK (serving_at IS NULL OR serving_at > 0);
`,
  },
  // Display: branch notices for the marquee.
  {
    version: 8,
    name: 'branch notices for the lobby display',
    sql: `
-- One line in both languages, shown on the lobby display between starts_at and ends_at (epoch ms,
-- NULL = open-ended), in sort_order. Never personal data (the hub refuses identifiers). Removing a
-- notice keeps its row (removed_at / removed_by) so the audit log's subject stays resolvable.
CREATE TABLE branch_notice (
  id          TEXT PRIMARY KEY,
  branch_id   TEXT NOT NULL REFERENCES branch(id),
  text_zh     TEXT NOT NULL CHECK (length(text_zh) BETWEEN 1 AND 120),
  text_en     TEXT NOT NULL CHECK (length(text_en) BETWEEN 1 AND 240),
  starts_at   INTEGER,
  ends_at     INTEGER CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at),
  sort_order  INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  created_by  TEXT NOT NULL,
  updated_at  INTEGER NOT NULL,
  updated_by  TEXT NOT NULL,
  removed_at  INTEGER,
  removed_by  TEXT,
  CHECK ((removed_at IS NULL) = (removed_by IS NULL))
) STRICT;
CREATE INDEX branch_notice_live ON branch_notice(branch_id, removed_at, sort_order);
`,
  },
  // Identification strength: a typed number is not a customer until staff check the person.
  {
    version: 9,
    name: 'identification strength on tickets',
    sql: `
-- How the identity reached the kiosk: 'typed' (keypad) or 'read' (card / ID reader); NULL for a
-- guest. Kept when the number matched no customer, so a repeated request answers the same.
-- Tickets made before this version keep their customer but count as typed.
ALTER TABLE ticket ADD COLUMN identification TEXT CHECK (identification IS NULL OR identification IN ('typed', 'read'));
UPDATE ticket SET identification = 'typed' WHERE customer_id IS NOT NULL;
-- A member of staff checked the person (strength 'confirmed'): when, who, how.
ALTER TABLE ticket ADD COLUMN id_confirmed_at INTEGER;
ALTER TABLE ticket ADD COLUMN id_confirmed_by TEXT;
ALTER TABLE ticket ADD COLUMN id_check TEXT CHECK (id_check IS NULL OR id_check IN ('id_document', 'bank_card', 'known_to_staff'));
`,
  },
  // Conversions measured alike in every arm: which core-banking data has been imported, up to when.
  {
    version: 10,
    name: 'conversion imports and account ids',
    sql: `
ALTER TABLE conversion ADD COLUMN account_id TEXT;
-- Each import of products opened in core banking (an upload, or the warehouse feed): the date its
-- data covers up to. Visits whose attribution window ends after the latest one are not yet measured.
CREATE TABLE conversion_import (
  id           INTEGER PRIMARY KEY,
  branch_id    TEXT NOT NULL REFERENCES branch(id),
  source       TEXT NOT NULL CHECK (source IN ('upload', 'feed')),
  as_of        TEXT NOT NULL CHECK (length(as_of) = 10),
  imported_at  INTEGER NOT NULL,
  imported_by  TEXT NOT NULL,
  rows         INTEGER NOT NULL CHECK (rows >= 0),
  imported     INTEGER NOT NULL CHECK (imported >= 0),
  rejected     INTEGER NOT NULL CHECK (rejected >= 0)
) STRICT;
CREATE INDEX conversion_import_as_of ON conversion_import(branch_id, as_of);
-- Existing conversions (from before this version) count as one upload covering up to their latest opening.
INSERT INTO conversion_import (branch_id, source, as_of, imported_at, imported_by, rows, imported, rejected)
  SELECT b.id, 'upload', MAX(c.opened_on), MAX(c.imported_at), 'migration', COUNT(*), COUNT(*), 0
  FROM conversion c CROSS JOIN (SELECT id FROM branch ORDER BY id LIMIT 1) b HAVING COUNT(*) > 0;
`,
  },
  // A customer may give up their place from the phone page; counters open when a teller signs in;
  // the customer's risk assessment date.
  {
    version: 11,
    name: 'cancelled tickets, counters opened by sign-in, risk assessment date',
    sql: `
-- A counter opened because a teller signed in at it closes again when they leave; one a manager
-- opened stays open.
ALTER TABLE counter_state ADD COLUMN by_sign_in INTEGER NOT NULL DEFAULT 0 CHECK (by_sign_in IN (0, 1));
-- When the customer's risk tolerance (风险测评) was last assessed (NULL: unknown).
ALTER TABLE customer ADD COLUMN risk_assessed_on TEXT;
`,
    // status gains 'cancelled': the customer gave up their place (the phone page's "I no longer need this ticket").
    run: (db) =>
      rebuildTable(db, 'ticket', (sql) =>
        sql.replace("CHECK (status IN ('waiting', 'called', 'completed', 'no_show'))", "CHECK (status IN ('waiting', 'called', 'completed', 'no_show', 'cancelled'))"),
      ),
  },
  // The bank's own customer data: it moves out of branch.db into snapshot files (one per import,
  // attached as schema `customers`), identifiers hashed and sealed, money in integer fen; the visit
  // tables keep customer ids (stable across snapshots) without a foreign key into the snapshot.
  // Staff PINs set by an administrator must be changed at the first sign-in.
  {
    version: 12,
    name: 'customer data in snapshots, feed runs, PIN change on first sign-in',
    sql: `
CREATE TABLE feed_state (
  branch_id    TEXT PRIMARY KEY REFERENCES branch(id),
  live_file    TEXT NOT NULL,
  feed_id      TEXT NOT NULL,
  as_of        TEXT,
  switched_at  INTEGER NOT NULL
) STRICT;
-- Each import of the warehouse feed: live progress while it runs, then its outcome.
CREATE TABLE feed_run (
  id            INTEGER PRIMARY KEY,
  branch_id     TEXT NOT NULL REFERENCES branch(id),
  feed_id       TEXT NOT NULL,
  as_of         TEXT,
  mode          TEXT CHECK (mode IN ('full', 'delta')),
  status        TEXT NOT NULL CHECK (status IN ('running', 'done', 'refused', 'failed', 'interrupted', 'duplicate')),
  started_at    INTEGER NOT NULL,
  heartbeat_at  INTEGER NOT NULL,
  finished_at   INTEGER,
  started_by    TEXT NOT NULL,
  -- host:pid of the importing process: a run whose process is gone was interrupted.
  owner         TEXT NOT NULL,
  progress_json TEXT NOT NULL DEFAULT '{}',
  counts_json   TEXT NOT NULL DEFAULT '{}',
  rows_read     INTEGER NOT NULL DEFAULT 0,
  rejected      INTEGER NOT NULL DEFAULT 0,
  rejects_file  TEXT,
  reason        TEXT,
  snapshot_file TEXT
) STRICT;
CREATE INDEX feed_run_feed ON feed_run(branch_id, feed_id, status);
ALTER TABLE staff ADD COLUMN must_change_pin INTEGER NOT NULL DEFAULT 0 CHECK (must_change_pin IN (0, 1));
ALTER TABLE staff ADD COLUMN pin_changed_at INTEGER;
-- A session opened with a PIN that must be changed may only change it.
ALTER TABLE session ADD COLUMN pin_change_only INTEGER NOT NULL DEFAULT 0 CHECK (pin_change_only IN (0, 1));
-- Set up from a branch file: a service or counter taken out is kept (old tickets name it) but inactive;
-- every change of the set-up raises the revision, which a running hub follows.
ALTER TABLE service ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
ALTER TABLE counter ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
ALTER TABLE branch ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
`,
    run: (db) => {
      for (const table of ['ticket', 'green_channel_routing', 'offer_decision', 'offer_outcome', 'conversion', 'appointment']) {
        rebuildTable(db, table, (sql) => sql.replace(/\s+REFERENCES customer\(id\)/g, ''));
      }
      moveCustomersToSnapshot(db);
      for (const table of ['credit_status', 'account_movement', 'product_application', 'card', 'holding', 'product', 'customer']) db.exec(`DROP TABLE ${table}`);
    },
    // The dropped tables' pages still hold the identifiers in clear: rewrite the file without them.
    after: (db) => {
      db.exec('VACUUM');
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
  },
  // Operations: the hub's write probe (readiness knows the database takes writes), the kiosks' and
  // displays' heartbeats (the admin's fleet view).
  {
    version: 13,
    name: 'write probe, device heartbeats',
    sql: `
CREATE TABLE hub_probe (
  id  INTEGER PRIMARY KEY CHECK (id = 1),
  at  INTEGER NOT NULL
) STRICT;
CREATE TABLE device_status (
  device_id      TEXT PRIMARY KEY REFERENCES device(id),
  connected      INTEGER NOT NULL CHECK (connected IN (0, 1)),
  -- when the device came online or went silent (epoch ms)
  since          INTEGER NOT NULL,
  last_seen_at   INTEGER NOT NULL,
  app_version    TEXT,
  uptime_s       INTEGER,
  printer        TEXT CHECK (printer IN ('ok', 'paper_low', 'paper_out', 'offline', 'none')),
  last_printed   TEXT,
  screen         TEXT,
  free_disk_mb   INTEGER,
  alerted        TEXT
) STRICT;
`,
  },
  // The outbox to head office: the offset of each stream (event log, audit log) head office holds.
  {
    version: 14,
    name: 'head office link',
    sql: `
CREATE TABLE head_office_link (
  stream           TEXT PRIMARY KEY CHECK (stream IN ('events', 'audit')),
  acknowledged     INTEGER NOT NULL,
  acknowledged_at  INTEGER NOT NULL
) STRICT;
`,
  },
  // Bundles from head office: each one applied here (the newest is the one the branch runs).
  {
    version: 15,
    name: 'bundles applied from head office',
    sql: `
CREATE TABLE head_office_bundle (
  version       INTEGER PRIMARY KEY,
  applied_at    INTEGER NOT NULL,
  content_json  TEXT NOT NULL
) STRICT;
`,
  },
  // The bank-wide contact history: pitches at other branches, as head office passes them on; the
  // link keeps its place in the contacts it ships and in those it receives.
  {
    version: 16,
    name: 'contacts at other branches',
    sql: `
CREATE TABLE remote_contact (
  id                 INTEGER PRIMARY KEY,
  branch_id          TEXT NOT NULL,
  cif                TEXT NOT NULL,
  product_code       TEXT NOT NULL,
  outcome            TEXT NOT NULL CHECK (outcome IN ('accepted', 'declined', 'later', 'no_response')),
  counts_toward_cap  INTEGER NOT NULL CHECK (counts_toward_cap IN (0, 1)),
  visit              TEXT NOT NULL,
  at                 INTEGER NOT NULL
) STRICT;
CREATE INDEX remote_contact_cif ON remote_contact(cif, at);
`,
    run: (db) =>
      rebuildTable(db, 'head_office_link', (sql) =>
        sql.replace("CHECK (stream IN ('events', 'audit'))", "CHECK (stream IN ('events', 'audit', 'contacts', 'remote_contacts'))"),
      ),
  },
  // Where a kiosk or display stands ("entrance", "VIP lounge"): on the Device status tab and in the
  // managers' alerts, so that somebody knows which one to walk to.
  {
    version: 17,
    name: 'device location',
    sql: `ALTER TABLE device ADD COLUMN location TEXT;`,
  },
  // Offers' answers are numbered like the event and audit logs (AUTOINCREMENT): a number is never
  // given twice, and a restore can move all three past what the lost days used (operations/backups.ts).
  {
    version: 18,
    name: 'offer answers numbered once',
    sql: '',
    run: (db) => rebuildTable(db, 'offer_outcome', (sql) => sql.replace(/\bid\s+INTEGER PRIMARY KEY,/, 'id INTEGER PRIMARY KEY AUTOINCREMENT,')),
  },
  // Display notices published by head office in a bundle live beside the branch's own.
  {
    version: 19,
    name: 'notices from head office',
    sql: `ALTER TABLE branch_notice ADD COLUMN source TEXT NOT NULL DEFAULT 'branch' CHECK (source IN ('branch', 'head_office'));`,
  },
  // Visits whose offers were decided are shipped to head office once the visit is over (the pooled
  // campaign report): an outbox numbered like the other streams, filled by a trigger when a decision
  // closes, with the decisions closed before this version queued once.
  {
    version: 20,
    name: 'closed offer decisions for head office; walk-in customers of other branches',
    sql: `
CREATE TABLE decision_outbox (
  offset       INTEGER PRIMARY KEY AUTOINCREMENT,
  decision_id  INTEGER NOT NULL UNIQUE
) STRICT;
-- Who the decision was for, as they were then (the snapshot may lose them later).
ALTER TABLE offer_decision ADD COLUMN cif TEXT;
ALTER TABLE offer_decision ADD COLUMN tier TEXT;
-- Walk-in customers of other branches looked up at head office (customers/visitors.ts): their
-- customer id is -seq, never given twice and never one an import gives (imports count upwards).
CREATE TABLE visitor_key (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  cif           TEXT NOT NULL UNIQUE,
  last_seen_on  TEXT NOT NULL
) STRICT;
CREATE TRIGGER offer_decision_closed AFTER UPDATE OF closed_at ON offer_decision
  WHEN OLD.closed_at IS NULL AND NEW.closed_at IS NOT NULL
  BEGIN INSERT OR IGNORE INTO decision_outbox (decision_id) VALUES (NEW.id); END;
INSERT INTO decision_outbox (decision_id) SELECT id FROM offer_decision WHERE closed_at IS NOT NULL ORDER BY closed_at, id;
`,
    run: (db) =>
      rebuildTable(db, 'head_office_link', (sql) =>
        sql.replace("CHECK (stream IN ('events', 'audit', 'contacts', 'remote_contacts'))", "CHECK (stream IN ('events', 'audit', 'contacts', 'remote_contacts', 'decisions'))"),
      ),
  },
  // Head office's levers on the catalogue and its campaigns, from bundles (head-office-link/bundles.ts).
  {
    version: 21,
    name: 'product levers and campaigns from head office',
    sql: `
CREATE TABLE head_office_product_lever (
  code    TEXT PRIMARY KEY,
  lever   REAL,
  active  INTEGER CHECK (active IN (0, 1))
) STRICT;
CREATE TABLE head_office_campaign (
  id            TEXT PRIMARY KEY,
  content_json  TEXT NOT NULL
) STRICT;
`,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
