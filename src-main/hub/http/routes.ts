/**
 * HTTP routes of /api/v1 (docs/API.md). Each route: authenticate by role, parse its input with the
 * domain's zod schema, call one Lobby use case, answer. Errors are shaped by the app's error handler.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  CompleteRequestSchema,
  CounterIdParamSchema,
  CreateTicketRequestSchema,
  LoginRequestSchema,
  ProductCodeParamSchema,
  RecordOutcomeSchema,
  TicketIdParamSchema,
  TrackTokenParamSchema,
  type Role,
} from '../../domain/contracts';
import type { Sessions } from '../auth/sessions';
import type { Lobby } from '../lobby';
import { branchInfo } from '../branch';
import { parseOr400 } from './errors';
import { deviceOf } from './device';
import { registerMarketingRoutes } from './marketing-routes';
import { registerQueueRoutes } from './queue-routes';
import { registerMeasuresRoutes } from './measures-routes';
import { registerKioskRoutes, type KioskRouteDeps } from './kiosk-routes';

const STAFF: readonly Role[] = ['manager', 'teller'];
const AuditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().positive().optional(),
});

export function registerRoutes(app: FastifyInstance, lobby: Lobby, sessions: Sessions, kiosk?: KioskRouteDeps): void {
  const auth = (req: FastifyRequest, roles: readonly Role[]) => ({ ...sessions.require(req.headers.authorization, roles), device: deviceOf(req) });
  const param = <T>(req: FastifyRequest, name: string, schema: z.ZodType<T>): T =>
    parseOr400(schema, (req.params as Record<string, unknown>)[name]) as T;

  app.get('/healthz', async () => ({ status: 'ok' }));
  registerMarketingRoutes(app, lobby, sessions); // issue 5: reveal, campaign report
  registerQueueRoutes(app, lobby, sessions); // issue 3: teller and manager queue operations
  registerMeasuresRoutes(app, lobby, sessions); // issue 3: queue measures and CSV export

  app.post('/api/v1/auth/login', async (req) => sessions.login(parseOr400(LoginRequestSchema, req.body)));

  app.post('/api/v1/auth/logout', async (req, reply) => {
    auth(req, ['manager', 'teller', 'admin', 'kiosk', 'display']);
    sessions.logout(req.headers.authorization!.replace(/^Bearer\s+/i, ''));
    return reply.code(204).send();
  });

  app.get('/api/v1/branch', async (req) => {
    auth(req, ['manager', 'teller', 'admin', 'kiosk', 'display']);
    return branchInfo(lobby.branch);
  });

  app.post('/api/v1/tickets', async (req, reply) => {
    const device = auth(req, ['kiosk']);
    const body = parseOr400(CreateTicketRequestSchema, req.body);
    const result = lobby.issueTicket(body, device);
    return reply.code(result.created ? 201 : 200).send({ ticket: result.ticket });
  });

  app.post('/api/v1/counters/:counterId/call-next', async (req, reply) => {
    const teller = auth(req, ['teller']);
    const result = lobby.callNext(param(req, 'counterId', CounterIdParamSchema), teller);
    return result ? result : reply.code(204).send();
  });

  app.get('/api/v1/counters/:counterId/current', async (req, reply) => {
    const teller = auth(req, ['teller']);
    const result = lobby.current(param(req, 'counterId', CounterIdParamSchema), teller);
    return result ? result : reply.code(204).send();
  });

  app.post('/api/v1/tickets/:id/complete', async (req) => {
    const teller = auth(req, ['teller']);
    const body = parseOr400(CompleteRequestSchema, req.body ?? undefined);
    return lobby.endVisit(param(req, 'id', TicketIdParamSchema), 'completed', teller, body?.outcome ?? null);
  });
  app.post('/api/v1/tickets/:id/no-show', async (req) =>
    lobby.endVisit(param(req, 'id', TicketIdParamSchema), 'no_show', auth(req, ['teller'])),
  );

  app.get('/api/v1/track/:token', async (req) => lobby.desk.track(param(req, 'token', TrackTokenParamSchema)));

  app.get('/api/v1/queue', async (req) => {
    auth(req, STAFF);
    return lobby.desk.staffSnapshot(lobby.journal.latestOffset(lobby.branch.id));
  });

  app.get('/api/v1/cards', async (req) => ({ cards: lobby.liveCardsFor(auth(req, ['manager'])) }));

  app.get('/api/v1/tickets/:id/card', async (req) => {
    const manager = auth(req, ['manager']);
    return lobby.cardFor(param(req, 'id', TicketIdParamSchema), manager);
  });

  app.post('/api/v1/tickets/:id/offers/:productCode/outcome', async (req) => {
    const manager = auth(req, ['manager']);
    const body = parseOr400(RecordOutcomeSchema, req.body);
    return lobby.recordOutcome(
      param(req, 'id', TicketIdParamSchema),
      param(req, 'productCode', ProductCodeParamSchema),
      body.outcome,
      body.note,
      manager,
    );
  });

  app.get('/api/v1/green-channel', async (req) => {
    auth(req, ['manager', 'admin']);
    return { decisions: lobby.desk.greenChannelToday() };
  });

  app.get('/api/v1/audit', async (req) => {
    const admin = auth(req, ['admin']);
    const q = parseOr400(AuditQuerySchema, req.query);
    return { entries: lobby.journal.listAudit(admin.branchId, q.limit, q.before) };
  });

  // Printed tickets and pre-filled forms (issue 4).
  if (kiosk) registerKioskRoutes(app, lobby, sessions, kiosk);
}
