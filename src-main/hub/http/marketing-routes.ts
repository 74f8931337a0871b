/**
 * Issue 5 routes: reveal a full identifier with a reason (manager, live ticket only, audited) and
 * the campaign report (admin, manager).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { CampaignReportQuerySchema, ImportConversionsSchema, RevealRequestSchema, TicketIdParamSchema, type Role } from '../../domain/contracts';
import type { Sessions } from '../auth/sessions';
import type { Lobby } from '../lobby';
import { Marketing, startDailyRetention } from '../marketing';
import { parseOr400 } from './errors';
import { deviceOf } from './device';

export function registerMarketingRoutes(app: FastifyInstance, lobby: Lobby, sessions: Sessions): Marketing {
  const marketing = new Marketing(lobby.journal.db, lobby.branch, lobby.desk, lobby.customers, lobby.journal, lobby.now);
  // Daily: close lapsed decisions (no_response) and purge visit-linked data past retention; unref'd timers.
  const stop = startDailyRetention(
    marketing,
    (err) => app.log.error({ err }, 'retention purge failed'),
    (r) => app.log.info({ cutoff: r.cutoff, deleted: r.deleted }, 'visit-linked data past its retention period deleted'),
  );
  app.addHook('onClose', async () => stop());
  const auth = (req: FastifyRequest, roles: readonly Role[]) => ({ ...sessions.require(req.headers.authorization, roles), device: deviceOf(req) });
  const param = <T>(req: FastifyRequest, name: string, schema: z.ZodType<T>): T =>
    parseOr400(schema, (req.params as Record<string, unknown>)[name]) as T;

  app.post('/api/v1/tickets/:id/reveal', async (req) => {
    const manager = auth(req, ['manager']);
    const body = parseOr400(RevealRequestSchema, req.body);
    return marketing.reveal(param(req, 'id', TicketIdParamSchema), body, manager);
  });

  app.post('/api/v1/marketing/conversions', async (req) => {
    const admin = auth(req, ['admin']);
    return marketing.importConversions(parseOr400(ImportConversionsSchema, req.body).csv, admin);
  });

  app.get('/api/v1/marketing/report', async (req) => {
    auth(req, ['admin', 'manager']);
    const q = parseOr400(CampaignReportQuerySchema, req.query);
    return marketing.report(q.from, q.to);
  });
  return marketing;
}
