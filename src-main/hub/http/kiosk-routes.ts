/**
 * Kiosk routes (issue 4, docs/API.md "Printed tickets" and "Pre-filled forms"): the ticket on
 * paper (ESC/POS, SVG, text), printing at the kiosk's printer and its status, and the form filled
 * in while waiting (kiosk) and read at the counter (teller).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import {
  FormFieldParamSchema,
  MarkFieldsUsedSchema,
  ReceiptQuerySchema,
  SubmitFormRequestSchema,
  TicketIdParamSchema,
  type PrintTicketResponse,
  type PrinterStatus,
  type Role,
} from '../../domain/contracts';
import type { Sessions, Identity } from '../auth/sessions';
import type { Lobby } from '../lobby';
import type { FormDesk } from '../desk/forms';
import { renderReceipt, type ReceiptData } from '../printer/receipt';
import type { PrinterTransport } from '../printer/transport';
import { notFound } from './errors';
import { parseOr400 } from './errors';

export interface KioskRouteDeps {
  forms: FormDesk;
  /** The ticket printer of a kiosk device, or null when it has none. */
  printerFor(deviceId: string): PrinterTransport | null;
  /** Base URL of tracking links. */
  publicUrl(): string;
}

const RECEIPT_READERS: readonly Role[] = ['kiosk', 'manager', 'teller', 'admin'];

const CONTENT_TYPES = {
  escpos: 'application/octet-stream',
  svg: 'image/svg+xml; charset=utf-8',
  text: 'text/plain; charset=utf-8',
} as const;

export function registerKioskRoutes(app: FastifyInstance, lobby: Lobby, sessions: Sessions, deps: KioskRouteDeps): void {
  const auth = (req: FastifyRequest, roles: readonly Role[]) => sessions.require(req.headers.authorization, roles);
  const param = <T>(req: FastifyRequest, name: string, schema: z.ZodType<T>): T =>
    parseOr400(schema, (req.params as Record<string, unknown>)[name]) as T;

  /** What is printed: the ticket as it stands now (people ahead and estimate are current). */
  const receiptOf = (ticketId: string, who: Identity): ReceiptData => {
    const row = lobby.desk.get(ticketId);
    if (!row || row.branch_id !== who.branchId) throw notFound('ticket');
    const track = lobby.desk.track(row.track_token);
    const language = row.language === 'en' ? 'en' : 'zh-CN';
    const { appointment } = lobby.desk.appointmentOf(row);
    return {
      branchName: lobby.branch.name,
      number: row.number,
      serviceName: lobby.branch.serviceByCode.get(row.service_code)?.name ?? track.serviceName,
      peopleAhead: Math.max(track.position - 1, 0),
      estimatedWaitMinutes: track.estimatedWaitMinutes,
      issuedAt: new Date(row.issued_at).toISOString(),
      trackUrl: `${deps.publicUrl()}/t/${row.track_token}`,
      language,
      timeZone: lobby.branch.rules.timeZone,
      ...(appointment ? { appointment: { bookedTime: appointment.bookedTime, late: appointment.late } } : {}),
    };
  };

  app.get('/api/v1/tickets/:id/receipt', async (req, reply) => {
    const who = auth(req, RECEIPT_READERS);
    const { format } = parseOr400(ReceiptQuerySchema, req.query);
    const data = receiptOf(param(req, 'id', TicketIdParamSchema), who);
    const cpl = who.role === 'kiosk' ? deps.printerFor(who.subjectId)?.cpl : undefined;
    const body = renderReceipt(data, format, { cpl });
    return reply.type(CONTENT_TYPES[format]).header('cache-control', 'no-store').send(body);
  });

  app.post('/api/v1/tickets/:id/print', async (req): Promise<PrintTicketResponse> => {
    const kiosk = auth(req, ['kiosk']);
    const data = receiptOf(param(req, 'id', TicketIdParamSchema), kiosk);
    const printer = deps.printerFor(kiosk.subjectId);
    if (!printer) return { printed: false, status: 'none' };
    const result = await printer.print(renderReceipt(data, 'escpos', { cpl: printer.cpl }));
    if (!result.printed) req.log.warn({ device: kiosk.subjectId, status: result.status }, 'ticket not printed');
    return result;
  });

  app.get('/api/v1/printer', async (req): Promise<{ status: PrinterStatus }> => {
    const kiosk = auth(req, ['kiosk']);
    const printer = deps.printerFor(kiosk.subjectId);
    return { status: printer ? await printer.status() : 'none' };
  });

  // ------------------------------------------------------------------ forms

  app.get('/api/v1/tickets/:id/form/prefill', async (req) => {
    const kiosk = auth(req, ['kiosk']);
    return deps.forms.kioskInfo(param(req, 'id', TicketIdParamSchema), kiosk);
  });

  app.put('/api/v1/tickets/:id/form', async (req) => {
    const kiosk = auth(req, ['kiosk']);
    const body = parseOr400(SubmitFormRequestSchema, req.body);
    return deps.forms.submit(param(req, 'id', TicketIdParamSchema), body.formId, body.values, kiosk);
  });

  app.get('/api/v1/tickets/:id/form', async (req) => {
    const teller = auth(req, ['teller']);
    return deps.forms.forTeller(param(req, 'id', TicketIdParamSchema), teller);
  });

  app.post('/api/v1/tickets/:id/form/used', async (req) => {
    const teller = auth(req, ['teller']);
    const body = parseOr400(MarkFieldsUsedSchema, req.body);
    return deps.forms.markUsed(param(req, 'id', TicketIdParamSchema), body.keys, teller);
  });

  app.post('/api/v1/tickets/:id/form/fields/:key/used', async (req) => {
    const teller = auth(req, ['teller']);
    return deps.forms.markUsed(param(req, 'id', TicketIdParamSchema), [param(req, 'key', FormFieldParamSchema)], teller);
  });
}
