/**
 * Numbered schema migrations. Each runs with every other pending one in a single transaction,
 * and `PRAGMA user_version` records the last applied number (the Signal Desktop pattern).
 * Append only: never edit a migration that has shipped.
 */

export interface Migration {
  version: number;
  name: string;
  sql: string;
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
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
