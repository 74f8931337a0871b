/**
 * Head office's numbered schema migrations on PostgreSQL (append only; never edit one that has
 * shipped). `schema_migrations` records each applied version; all pending ones run in one
 * transaction under an advisory lock, so several head-office processes starting at once apply
 * them once.
 */
export interface HeadOfficeMigration {
  version: number;
  name: string;
  sql: string;
}

export const HEAD_OFFICE_MIGRATIONS: readonly HeadOfficeMigration[] = [
  {
    version: 1,
    name: 'staff, sessions, branches and their journals',
    sql: `
CREATE TABLE ho_staff (
  id          TEXT PRIMARY KEY,
  role        TEXT NOT NULL CHECK (role IN ('admin', 'analyst')),
  pin_hash    TEXT NOT NULL,
  active      BOOLEAN NOT NULL DEFAULT TRUE,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE ho_session (
  token_hash  TEXT PRIMARY KEY,
  staff_id    TEXT NOT NULL REFERENCES ho_staff(id),
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at  TIMESTAMPTZ NOT NULL
);
CREATE TABLE ho_branch (
  id               TEXT PRIMARY KEY,
  name_zh          TEXT NOT NULL DEFAULT '',
  name_en          TEXT NOT NULL DEFAULT '',
  time_zone        TEXT NOT NULL DEFAULT 'Asia/Shanghai',
  -- the branch credential: shown once when the branch is added, kept only as a hash
  credential_hash  TEXT NOT NULL,
  credential_id    TEXT NOT NULL UNIQUE,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  first_seen_at    TIMESTAMPTZ,
  last_seen_at     TIMESTAMPTZ,
  -- the last time the branch came back after a silence (connected since)
  connected_since  TIMESTAMPTZ,
  business_date    DATE,
  waiting_now      INTEGER NOT NULL DEFAULT 0,
  bundle_version   INTEGER,
  events_acked     BIGINT NOT NULL DEFAULT 0,
  audit_acked      BIGINT NOT NULL DEFAULT 0
);
-- Everything a branch shipped, once per (branch, stream, offset).
CREATE TABLE ho_journal (
  branch_id      TEXT NOT NULL REFERENCES ho_branch(id),
  stream         TEXT NOT NULL CHECK (stream IN ('events', 'audit')),
  branch_offset  BIGINT NOT NULL,
  type           TEXT NOT NULL,
  at             TIMESTAMPTZ NOT NULL,
  business_date  DATE NOT NULL,
  data           JSONB NOT NULL,
  received_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (branch_id, stream, branch_offset)
);
CREATE INDEX ho_journal_day ON ho_journal (branch_id, business_date, type);
`,
  },
  {
    version: 2,
    name: 'bundles published to branches, and what each branch reports',
    sql: `
CREATE TABLE ho_bundle (
  version       SERIAL PRIMARY KEY,
  content       JSONB NOT NULL,
  note          TEXT NOT NULL DEFAULT '',
  all_branches  BOOLEAN NOT NULL,
  created_by    TEXT NOT NULL REFERENCES ho_staff(id),
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE ho_bundle_branch (
  version    INTEGER NOT NULL REFERENCES ho_bundle(version),
  branch_id  TEXT NOT NULL REFERENCES ho_branch(id),
  PRIMARY KEY (version, branch_id)
);
ALTER TABLE ho_branch ADD COLUMN bundle_refused_version INTEGER;
ALTER TABLE ho_branch ADD COLUMN bundle_refused_reason TEXT;
ALTER TABLE ho_branch ADD COLUMN bundle_reported_at TIMESTAMPTZ;
`,
  },
  {
    version: 3,
    name: 'tickets issued today kept per branch',
    sql: `
ALTER TABLE ho_branch ADD COLUMN issued_date DATE;
ALTER TABLE ho_branch ADD COLUMN issued_today INTEGER NOT NULL DEFAULT 0;
UPDATE ho_branch b SET issued_date = b.business_date,
  issued_today = (SELECT count(*) FROM ho_journal j WHERE j.branch_id = b.id AND j.stream = 'events' AND j.type = 'ticket.issued' AND j.business_date = b.business_date);
`,
  },
  {
    version: 4,
    name: 'the bank-wide contact history',
    sql: `
ALTER TABLE ho_journal DROP CONSTRAINT ho_journal_stream_check;
ALTER TABLE ho_journal ADD CONSTRAINT ho_journal_stream_check CHECK (stream IN ('events', 'audit', 'contacts'));
ALTER TABLE ho_branch ADD COLUMN contacts_acked BIGINT NOT NULL DEFAULT 0;
CREATE TABLE ho_contact (
  id                 BIGSERIAL PRIMARY KEY,
  branch_id          TEXT NOT NULL REFERENCES ho_branch(id),
  branch_offset      BIGINT NOT NULL,
  cif                TEXT NOT NULL,
  product_code       TEXT NOT NULL,
  outcome            TEXT NOT NULL,
  counts_toward_cap  BOOLEAN NOT NULL,
  visit              TEXT NOT NULL,
  at                 TIMESTAMPTZ NOT NULL,
  UNIQUE (branch_id, branch_offset)
);
CREATE INDEX ho_contact_cif ON ho_contact (cif, at);
`,
  },
  {
    version: 5,
    name: 'sign-in limits shared by every head-office process',
    sql: `
-- Failed sign-ins per staff id in the current window, and tries being checked now, counted in the
-- database so that several head-office processes behind one address count together.
CREATE TABLE ho_sign_in (
  staff_id      TEXT PRIMARY KEY,
  failures      INTEGER NOT NULL DEFAULT 0,
  in_flight     INTEGER NOT NULL DEFAULT 0,
  window_start  TIMESTAMPTZ NOT NULL
);
`,
  },
  {
    version: 6,
    name: "the bank's customer data from the warehouse feed",
    sql: `
-- Loaded by \`head-office.js import-feed\` (customer-feed.ts): a full feed is copied into tables
-- named *_next and switched in by renaming, in one transaction. Identifiers (phone, resident ID,
-- card number) are kept as at a branch: lookup hash, sealed copy and masked form, under the key
-- HEAD_OFFICE_DATA_KEY names. Money is integer fen.
CREATE TABLE ho_feed (
  feed_id      TEXT PRIMARY KEY,
  as_of        DATE,
  mode         TEXT,
  status       TEXT NOT NULL CHECK (status IN ('running', 'done', 'refused', 'failed')),
  started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  finished_at  TIMESTAMPTZ,
  started_by   TEXT NOT NULL,
  counts       JSONB NOT NULL DEFAULT '{}',
  rows_read    BIGINT NOT NULL DEFAULT 0,
  rejected     BIGINT NOT NULL DEFAULT 0,
  reason       TEXT
);
CREATE TABLE ho_product (
  product_code     TEXT PRIMARY KEY,
  category         TEXT NOT NULL,
  name_zh          TEXT NOT NULL,
  name_en          TEXT NOT NULL,
  risk_level       SMALLINT NOT NULL,
  is_credit        BOOLEAN NOT NULL,
  life_stages      TEXT,
  min_age          SMALLINT,
  max_age          SMALLINT,
  base_propensity  DOUBLE PRECISION,
  value            DOUBLE PRECISION,
  lever            DOUBLE PRECISION,
  active           BOOLEAN
);
CREATE TABLE ho_customer (
  cif                   TEXT PRIMARY KEY,
  name                  TEXT NOT NULL,
  gender                TEXT NOT NULL,
  birth_date            DATE NOT NULL,
  phone_lookup          BYTEA NOT NULL,
  phone_sealed          BYTEA NOT NULL,
  phone_masked          TEXT NOT NULL,
  id_lookup             BYTEA NOT NULL,
  id_sealed             BYTEA NOT NULL,
  id_masked             TEXT NOT NULL,
  marital_status        TEXT NOT NULL,
  occupation            TEXT NOT NULL,
  risk_tolerance        SMALLINT NOT NULL,
  marketing_consent     BOOLEAN NOT NULL,
  home_branch_id        TEXT NOT NULL,
  relationship_manager  TEXT,
  risk_assessed_on      DATE,
  last_overdue_on       DATE,
  resident              BOOLEAN,
  control_group_exempt  BOOLEAN
);
CREATE INDEX ho_customer_home ON ho_customer (home_branch_id);
CREATE INDEX ho_customer_phone ON ho_customer (phone_lookup);
CREATE INDEX ho_customer_id ON ho_customer (id_lookup);
CREATE TABLE ho_card (
  card_lookup  BYTEA PRIMARY KEY,
  card_sealed  BYTEA NOT NULL,
  card_masked  TEXT NOT NULL,
  cif          TEXT NOT NULL,
  kind         TEXT NOT NULL
);
CREATE INDEX ho_card_cif ON ho_card (cif);
CREATE TABLE ho_holding (
  account_id    TEXT PRIMARY KEY,
  cif           TEXT NOT NULL,
  product_code  TEXT NOT NULL,
  branch_id     TEXT NOT NULL,
  amount_fen    BIGINT NOT NULL,
  opened_on     DATE NOT NULL,
  maturity_on   DATE
);
CREATE INDEX ho_holding_cif ON ho_holding (cif);
CREATE INDEX ho_holding_branch ON ho_holding (branch_id);
CREATE TABLE ho_credit (
  account_id               TEXT PRIMARY KEY,
  next_due_on              DATE,
  due_amount_fen           BIGINT,
  overdue_days             INTEGER,
  classification           TEXT,
  previous_classification  TEXT,
  classified_on            DATE
);
CREATE TABLE ho_movement (
  cif         TEXT NOT NULL,
  on_date     DATE NOT NULL,
  direction   TEXT NOT NULL,
  amount_fen  BIGINT NOT NULL,
  other_bank  BOOLEAN
);
CREATE INDEX ho_movement_cif ON ho_movement (cif);
CREATE TABLE ho_application (
  cif           TEXT NOT NULL,
  product_code  TEXT NOT NULL,
  status        TEXT NOT NULL,
  applied_on    DATE NOT NULL
);
CREATE INDEX ho_application_cif ON ho_application (cif);
CREATE TABLE ho_conversion (
  cif           TEXT NOT NULL,
  product_code  TEXT NOT NULL,
  opened_on     DATE NOT NULL,
  account_id    TEXT
);
CREATE INDEX ho_conversion_cif ON ho_conversion (cif);
CREATE TABLE ho_feed_reject (
  feed_id  TEXT NOT NULL REFERENCES ho_feed(feed_id),
  file     TEXT NOT NULL,
  line     BIGINT NOT NULL,
  col      TEXT,
  reason   TEXT NOT NULL
);
CREATE INDEX ho_feed_reject_feed ON ho_feed_reject (feed_id, file, line);
-- A keyed hash of a fixed text: an import or a head office holding another key than the one the
-- data was loaded under is refused instead of finding nobody.
CREATE TABLE ho_data_key (
  id     BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (id),
  check_value  BYTEA NOT NULL
);
`,
  },
  {
    version: 7,
    name: 'walk-in customers looked up by branches',
    sql: `
-- Every lookup a branch made of a walk-in customer (never the number given: its kind, and the
-- customer found).
CREATE TABLE ho_customer_lookup (
  id         BIGSERIAL PRIMARY KEY,
  branch_id  TEXT NOT NULL REFERENCES ho_branch(id),
  kind       TEXT NOT NULL,
  found      BOOLEAN NOT NULL,
  shared     BOOLEAN NOT NULL DEFAULT FALSE,
  cif        TEXT,
  at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX ho_customer_lookup_branch ON ho_customer_lookup (branch_id, at);
`,
  },
  {
    version: 8,
    name: "branches' decided visits, for the pooled campaign report",
    sql: `
ALTER TABLE ho_journal DROP CONSTRAINT ho_journal_stream_check;
ALTER TABLE ho_journal ADD CONSTRAINT ho_journal_stream_check CHECK (stream IN ('events', 'audit', 'contacts', 'decisions'));
ALTER TABLE ho_branch ADD COLUMN decisions_acked BIGINT NOT NULL DEFAULT 0;
CREATE INDEX ho_journal_decisions ON ho_journal (business_date) WHERE stream = 'decisions';
CREATE INDEX ho_contact_visit ON ho_contact (visit, product_code);
`,
  },
  {
    version: 9,
    name: "the lobby's longest wait, service level, counters open and outbox lag on the board",
    sql: `
ALTER TABLE ho_branch ADD COLUMN longest_wait_seconds INTEGER;
ALTER TABLE ho_branch ADD COLUMN service_level DOUBLE PRECISION;
ALTER TABLE ho_branch ADD COLUMN counters_open INTEGER;
ALTER TABLE ho_branch ADD COLUMN outbox_lag INTEGER;
`,
  },
];
