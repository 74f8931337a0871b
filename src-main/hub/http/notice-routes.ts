/**
 * Branch notices over HTTP (issue 3, docs/API.md "Branch notices"): any signed-in screen reads the
 * notices showing now; managers and admins list, add, edit, reorder and remove them. Each route:
 * authenticate by role, parse with the domain's zod schema, call one NoticeDesk use case.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NoticeIdParamSchema, NoticeInputSchema, NoticeOrderSchema, type NoticeListResponse, type Role } from '../../domain/contracts';
import type { Sessions } from '../auth/sessions';
import type { NoticeDesk } from '../desk/notices';
import { parseOr400 } from './errors';
import { deviceOf } from './device';

const ANY: readonly Role[] = ['manager', 'teller', 'admin', 'kiosk', 'display'];
const EDITORS: readonly Role[] = ['manager', 'admin'];

export function registerNoticeRoutes(app: FastifyInstance, notices: NoticeDesk, sessions: Sessions): void {
  const auth = (req: FastifyRequest, roles: readonly Role[]) => ({ ...sessions.require(req.headers.authorization, roles), device: deviceOf(req) });
  const noticeId = (req: FastifyRequest) => parseOr400(NoticeIdParamSchema, (req.params as Record<string, unknown>).id);

  app.get('/api/v1/notices', async (req) => {
    auth(req, ANY);
    return notices.active();
  });

  app.get('/api/v1/notices/all', async (req): Promise<NoticeListResponse> => {
    auth(req, EDITORS);
    return notices.list();
  });

  app.post('/api/v1/notices', async (req, reply) => {
    const who = auth(req, EDITORS);
    const body = parseOr400(NoticeInputSchema, req.body);
    return reply.code(201).send(notices.create(body, who));
  });

  // Registered before /:id so "order" is never read as an id.
  app.put('/api/v1/notices/order', async (req) => {
    const who = auth(req, EDITORS);
    const body = parseOr400(NoticeOrderSchema, req.body);
    return { notices: notices.reorder(body.ids, who) };
  });

  app.put('/api/v1/notices/:id', async (req) => {
    const who = auth(req, EDITORS);
    const id = noticeId(req);
    const body = parseOr400(NoticeInputSchema, req.body);
    return notices.update(id, body, who);
  });

  app.delete('/api/v1/notices/:id', async (req, reply) => {
    const who = auth(req, EDITORS);
    notices.remove(noticeId(req), who);
    return reply.code(204).send();
  });
}
