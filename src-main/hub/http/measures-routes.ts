/**
 * Queue measures over HTTP (issue 3, docs/API.md "Measures"): today's measures as JSON for the
 * manager dashboard and the per-ticket rows as CSV. Computed by src-main/domain/measures.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../domain/contracts';
import { dayMeasures, measureTicket, measuresCsv, type MeasureTicket, type MeasuresResponse } from '../../domain/measures';
import type { Sessions } from '../auth/sessions';
import type { TicketRow } from '../desk/tickets';
import type { Lobby } from '../lobby';

const READERS: readonly Role[] = ['manager', 'admin'];

const toMeasureTicket = (t: TicketRow): MeasureTicket => ({
  number: t.number,
  serviceCode: t.service_code,
  ticketClass: t.ticket_class,
  status: t.status,
  issuedAt: t.issued_at,
  calledAt: t.called_at,
  servingAt: t.serving_at,
  endedAt: t.ended_at,
  counterId: t.counter_id,
  calledBy: t.called_by,
  outcome: t.outcome,
});

export function registerMeasuresRoutes(app: FastifyInstance, lobby: Lobby, sessions: Sessions): void {
  const target = () => lobby.branch.rules.queue.targetWaitMinutes;

  app.get('/api/v1/measures/today', async (req): Promise<MeasuresResponse> => {
    sessions.require(req.headers.authorization, READERS);
    const now = lobby.now();
    const tickets = lobby.desk.ticketsOfDay().map(toMeasureTicket);
    const measures = dayMeasures(tickets, { now, targetWaitMinutes: target(), serviceCodes: lobby.branch.services.map((s) => s.code) });
    return { businessDate: lobby.desk.today(), at: new Date(now).toISOString(), ...measures };
  });

  app.get('/api/v1/measures/today.csv', async (req, reply) => {
    sessions.require(req.headers.authorization, READERS);
    const now = lobby.now();
    const rows = lobby.desk.ticketsOfDay().map((t) => measureTicket(toMeasureTicket(t), target(), now));
    const lang = lobby.branch.defaultLanguage;
    const csv = measuresCsv(rows, (code) => lobby.branch.serviceByCode.get(code)?.name[lang] ?? code);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="measures-${lobby.desk.today()}.csv"`)
      .header('cache-control', 'no-store')
      .send(csv);
  });
}
