/**
 * Today's demo appointments (README "Demo appointments"), written on every start of a demo hub and
 * on each new business day, so the fixed codes work on whatever day the demo runs. Idempotent:
 * one row per code and day; a booking not checked in or cancelled yet is re-timed relative to the
 * start, so each code shows its case again after a restart.
 */
import { demoCif } from './seed';
import type { Db } from '../db/open';
import { BranchRulesSchema } from '../../domain/branch-config';
import { startOfBusinessDate } from '../../domain/appointments';
import { businessDate } from '../../domain/ticket-number';

export interface DemoAppointment {
  code: string;
  /** Fixed identity (README "Demo customers") by its number 1-6, or null for a booking without a customer. */
  persona: number | null;
  serviceCode: string;
  /** Booked this many minutes after the start time rounded up to 5 minutes. */
  offsetMinutes: number;
  note: string;
}

export const DEMO_APPOINTMENTS: readonly DemoAppointment[] = [
  // On time: check-in is open (30 min early window), queued at the booked time.
  { code: '100001', persona: 3, serviceCode: 'A', offsetMinutes: 10, note: '演示：准时 demo: on time' },
  // Too early: check-in opens 30 minutes before, in about an hour and a half.
  { code: '100002', persona: 2, serviceCode: 'E', offsetMinutes: 120, note: '演示：来早了 demo: too early' },
  // Already late: the 10-minute late window has passed; checking in joins as a walk-in.
  { code: '100003', persona: null, serviceCode: 'B', offsetMinutes: -60, note: '演示：迟到 demo: late' },
  // A second late one (a customer this time), so the late case can be shown twice in a day.
  { code: '100004', persona: 4, serviceCode: 'C', offsetMinutes: -45, note: '演示：迟到 demo: late' },
];

const MINUTE = 60_000;
const STEP = 5 * MINUTE;

export function seedDemoAppointments(db: Db, branchId: string, now: number): number {
  const row = db.prepare('SELECT rules_json FROM branch WHERE id = ?').get(branchId) as { rules_json: string } | undefined;
  if (!row) return 0;
  const tz = BranchRulesSchema.parse(JSON.parse(row.rules_json)).timeZone;
  const today = businessDate(new Date(now), tz);
  const dayStart = startOfBusinessDate(today, tz);
  const dayEnd = startOfBusinessDate(businessDate(new Date(dayStart + 36 * 3600_000), tz), tz) - STEP;
  const base = Math.ceil(now / STEP) * STEP;
  const customerByCif = db.prepare('SELECT id FROM customer WHERE cif = ?');
  const existing = db.prepare('SELECT id, status FROM appointment WHERE branch_id = ? AND business_date = ? AND code = ?');
  const retime = db.prepare("UPDATE appointment SET booked_at = ?, status = 'booked' WHERE id = ? AND status IN ('booked', 'missed')");
  const insert = db.prepare(
    `INSERT INTO appointment (branch_id, business_date, code, booked_at, service_code, customer_id, status, source, note, created_at, created_by)
     VALUES (?, ?, ?, ?, ?, ?, 'booked', 'demo', ?, ?, 'demo')`,
  );
  const service = db.prepare('SELECT 1 FROM service WHERE branch_id = ? AND code = ?');
  let written = 0;
  db.transaction(() => {
    for (const d of DEMO_APPOINTMENTS) {
      if (!service.get(branchId, d.serviceCode)) continue;
      // Kept within today (a start near midnight squeezes the times together).
      const bookedAt = Math.min(Math.max(base + d.offsetMinutes * MINUTE, dayStart), dayEnd);
      const found = existing.get(branchId, today, d.code) as { id: number; status: string } | undefined;
      if (found) {
        written += retime.run(bookedAt, found.id).changes;
        continue;
      }
      const customer = d.persona ? ((customerByCif.get(demoCif(d.persona)) as { id: number } | undefined)?.id ?? null) : null;
      insert.run(branchId, today, d.code, bookedAt, d.serviceCode, customer, d.note, now);
      written++;
    }
  })();
  return written;
}
