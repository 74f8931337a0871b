/** When the nightly backup is due: pure, so the rule is unit-tested. */
import { businessDate } from '../../domain/ticket-number';

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** HH:MM of an instant in a time zone. */
export function localTime(at: Date, timeZone: string): string {
  let f = timeFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    timeFormats.set(timeZone, f);
  }
  return f.format(at);
}

/**
 * The business date whose nightly backup is due now, or null: due once the branch's clock has
 * passed `at` (HH:MM) on a date that has no backup yet (`lastDone`). A hub started after the time
 * takes that day's backup at start; one that was down all night takes it when it comes back.
 */
export function nightlyBackupDue(now: Date, timeZone: string, at: string, lastDone: string | null): string | null {
  const date = businessDate(now, timeZone);
  if (lastDone === date) return null;
  return localTime(now, timeZone) >= at ? date : null;
}
