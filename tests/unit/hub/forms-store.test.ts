/** Migration 4 (ticket_form) and the retention purge of pre-filled forms. */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src-main/hub/db/migrations';
import { migrate } from '../../../src-main/hub/db/open';
import { purgeForms } from '../../../src-main/hub/forms/forms';

const DAY = 24 * 3600_000;

function db() {
  const d = new Database(':memory:');
  d.pragma('foreign_keys = ON');
  migrate(d, MIGRATIONS);
  d.prepare("INSERT INTO branch (id, name_zh, name_en, rules_json) VALUES ('b1', '支行', 'Branch', '{}')").run();
  const ticket = d.prepare(
    `INSERT INTO ticket (id, branch_id, business_date, service_code, requested_service_code, seq, number, ticket_class, route, vip,
       language, request_id, device_id, track_token, status, issued_at)
     VALUES (?, 'b1', '2026-11-22', 'A', 'A', ?, ?, 'normal', 'standard', 0, 'zh-CN', ?, 'kiosk-01', ?, 'waiting', 0)`,
  );
  for (let i = 1; i <= 3; i++) ticket.run(`t${i}`, i, `A00${i}`, `r${i}`, `track-token-${i}`);
  return d;
}

const addForm = (d: Database.Database, ticketId: string, at: number) =>
  d
    .prepare(
      `INSERT INTO ticket_form (ticket_id, branch_id, form_id, values_json, submitted_at, updated_at) VALUES (?, 'b1', 'card_loss', '{}', ?, ?)`,
    )
    .run(ticketId, at, at);

describe('migration 4: ticket_form', () => {
  it('is version 4 and creates ticket_form tied to its ticket', () => {
    const m = MIGRATIONS.find((x) => x.version === 4);
    expect(m?.name).toMatch(/form/);
    const d = db();
    const cols = (d.prepare('PRAGMA table_info(ticket_form)').all() as { name: string }[]).map((c) => c.name);
    expect(cols).toEqual(['ticket_id', 'branch_id', 'form_id', 'values_json', 'prefilled_json', 'used_json', 'submitted_at', 'updated_at']);
    expect(() => addForm(d, 'no-such-ticket', 1)).toThrow(/FOREIGN KEY/);
    addForm(d, 't1', 1);
    expect(() => addForm(d, 't1', 2)).toThrow(/UNIQUE|PRIMARY/);
  });
});

describe('purgeForms', () => {
  it('deletes forms older than the retention period and keeps the rest', () => {
    const d = db();
    const now = 100 * DAY;
    addForm(d, 't1', now - 8 * DAY);
    addForm(d, 't2', now - 7 * DAY + 1);
    addForm(d, 't3', now - 1000);
    expect(purgeForms(d, now, 7)).toBe(1);
    expect((d.prepare('SELECT ticket_id FROM ticket_form ORDER BY ticket_id').all() as { ticket_id: string }[]).map((r) => r.ticket_id)).toEqual(['t2', 't3']);
    expect(purgeForms(d, now, 7)).toBe(0);
    expect(purgeForms(d, now + 7 * DAY, 7)).toBe(2);
  });
});
