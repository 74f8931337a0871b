/**
 * The ticket on paper: what a receipt says (the ticket as it stands now: people ahead and estimate
 * are current), rendered as ESC/POS, SVG or text, and printed at the kiosk's own printer.
 */
import type { Branch } from '../branch';
import type { Identity } from '../auth/sessions';
import type { TicketStore } from '../queue/ticket-store';
import type { PrintTicketResponse, PrinterStatus } from '../../domain/contracts';
import { notFound } from '../errors';
import { renderReceipt, type ReceiptData } from './receipt';
import type { PrinterTransport } from './transport';

export type ReceiptFormat = 'escpos' | 'svg' | 'text';

export const RECEIPT_CONTENT_TYPES: Record<ReceiptFormat, string> = {
  escpos: 'application/octet-stream',
  svg: 'image/svg+xml; charset=utf-8',
  text: 'text/plain; charset=utf-8',
};

export class TicketPrinting {
  constructor(
    private readonly branch: Branch,
    private readonly tickets: TicketStore,
    private readonly printers: ReadonlyMap<string, PrinterTransport>,
    private readonly publicUrl: () => string,
  ) {}

  /** The ticket printer of a kiosk, or null when it has none. */
  printerOf(deviceId: string): PrinterTransport | null {
    return this.printers.get(deviceId) ?? null;
  }

  /** What is printed for a ticket of this branch, now. */
  private receiptOf(ticketId: string, who: Identity): ReceiptData {
    const row = this.tickets.get(ticketId);
    if (!row || row.branch_id !== who.branchId) throw notFound('ticket_not_found', 'ticket not found');
    const track = this.tickets.track(row.track_token);
    const { appointment } = this.tickets.appointmentOf(row);
    return {
      branchName: this.branch.name,
      number: row.number,
      serviceName: this.branch.serviceByCode.get(row.service_code)?.name ?? track.serviceName,
      peopleAhead: Math.max(track.position - 1, 0),
      estimatedWaitMinutes: track.estimatedWaitMinutes,
      issuedAt: new Date(row.issued_at).toISOString(),
      trackUrl: `${this.publicUrl()}/t/${row.track_token}`,
      language: row.language === 'en' ? 'en' : 'zh-CN',
      timeZone: this.branch.rules.timeZone,
      ...(appointment ? { appointment: { bookedTime: appointment.bookedTime, late: appointment.late } } : {}),
    };
  }

  /** The receipt in a format; a kiosk's receipt is laid out for its own printer's width. */
  receipt(ticketId: string, format: ReceiptFormat, who: Identity): string | Uint8Array {
    const cpl = who.role === 'kiosk' ? this.printerOf(who.subjectId)?.cpl : undefined;
    return renderReceipt(this.receiptOf(ticketId, who), format, { cpl });
  }

  /** Prints at the calling kiosk's printer; `printed: false` with the printer's state when it could not. */
  async print(ticketId: string, kiosk: Identity): Promise<PrintTicketResponse> {
    const data = this.receiptOf(ticketId, kiosk);
    const printer = this.printerOf(kiosk.subjectId);
    if (!printer) return { printed: false, status: 'none' };
    return printer.print(renderReceipt(data, 'escpos', { cpl: printer.cpl }));
  }

  async status(kiosk: Identity): Promise<PrinterStatus> {
    const printer = this.printerOf(kiosk.subjectId);
    return printer ? printer.status() : 'none';
  }
}
