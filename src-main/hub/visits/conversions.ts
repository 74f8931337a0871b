/**
 * Products opened in core banking (an upload, or the warehouse feed's conversions.csv): each
 * conversion is joined to the customer's latest lobby visit at this branch within ATTRIBUTION_DAYS
 * before the opening, and the import is recorded with the date its data covers up to (the campaign
 * report measures only visits whose window it covers). Runs in one transaction of branch.db.
 */
import type { Db } from '../db/open';
import type { Journal } from '../journal';
import type { Identity } from '../auth/sessions';
import type { FileRowReject, ImportConversionsResponse } from '../../domain/contracts';
import { ATTRIBUTION_DAYS, type ConversionRow } from '../../domain/conversions';
import { addDaysIso } from '../../domain/reminders';

export function recordConversions(
  db: Db,
  journal: Journal,
  branchId: string,
  rows: readonly { line: number; row: ConversionRow; customerId: number | null }[],
  rejectedBefore: readonly FileRowReject[],
  warnings: readonly string[],
  asOf: string,
  source: 'upload' | 'feed',
  who: { subjectId: string; role: Identity['role'] | 'system'; device?: string | null },
  now: number,
): ImportConversionsResponse {
  const rejected: FileRowReject[] = [...rejectedBefore];
  const visit = db.prepare(
    `SELECT d.id FROM offer_decision d JOIN ticket t ON t.id = d.ticket_id
     WHERE d.customer_id = ? AND t.branch_id = ? AND t.business_date BETWEEN ? AND ?
     ORDER BY t.business_date DESC, d.decided_at DESC LIMIT 1`,
  );
  const insert = db.prepare(
    `INSERT INTO conversion (customer_id, product_code, opened_on, decision_id, imported_at, imported_by, account_id) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (customer_id, product_code, opened_on) DO NOTHING`,
  );
  const record = db.prepare(
    `INSERT INTO conversion_import (branch_id, source, as_of, imported_at, imported_by, rows, imported, rejected) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let imported = 0;
  let matched = 0;
  let skipped = 0;
  const at = now;
  const file = 'conversions.csv';
  db.transaction(() => {
    for (const { line, row, customerId } of rows) {
      if (row.opened_on > asOf) {
        rejected.push({ file, line, column: 'opened_on', reason: `${row.opened_on} is after the date the file covers (${asOf})` });
        continue;
      }
      if (customerId === null) {
        rejected.push({ file, line, column: 'cif', reason: `no customer with cif ${row.cif}` });
        continue;
      }
      const d = visit.get(customerId, branchId, addDaysIso(row.opened_on, -ATTRIBUTION_DAYS), row.opened_on) as { id: number } | undefined;
      const changes = insert.run(customerId, row.product_code, row.opened_on, d?.id ?? null, at, who.subjectId, row.account_id ?? null).changes;
      if (changes === 0) skipped++;
      else {
        imported++;
        if (d) matched++;
      }
    }
    record.run(branchId, source, asOf, at, who.subjectId, rows.length + rejectedBefore.length, imported, rejected.length);
    journal.audit({
      branchId,
      actor: who.subjectId,
      role: who.role,
      device: who.device ?? null,
      action: 'marketing.conversion_import',
      subject: `branch:${branchId}`,
      detail: { source, asOf, imported, matched, skipped, rejected: rejected.length },
    });
  })();
  rejected.sort((a, b) => a.line - b.line);
  return { asOf, rows: rows.length + rejectedBefore.length, imported, matched, skipped, rejected, warnings: [...warnings] };
}
