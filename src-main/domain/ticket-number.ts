/** Ticket numbering: prefix + zero-padded sequence, one sequence per branch/service/business date. */

export function formatTicketNumber(prefix: string, seq: number, width: number): string {
  return prefix + String(seq).padStart(width, '0');
}

/** Largest sequence that fits the width (A001-A999 for width 3); after it the sequence wraps to 1. */
export function maxSequence(width: number): number {
  return 10 ** width - 1;
}

/** Business date (YYYY-MM-DD) of an instant in the branch's time zone. */
const dateFormats = new Map<string, Intl.DateTimeFormat>();

const lastDate = new Map<string, { minute: number; date: string }>();

export function businessDate(at: Date, timeZone: string): string {
  // A date changes only on a whole minute in every time zone: the last minute asked is remembered.
  const minute = Math.floor(at.getTime() / 60_000);
  const last = lastDate.get(timeZone);
  if (last && last.minute === minute) return last.date;
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  const date = `${get('year')}-${get('month')}-${get('day')}`;
  lastDate.set(timeZone, { minute, date });
  return date;
}
