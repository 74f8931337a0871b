/**
 * Queue operations over HTTP (issue 3, docs/API.md "Queue operations"): call a specific ticket,
 * recall, start serving, transfer, park / resume, counter open / pause / close, and the manager's move into
 * the green channel. Each route: authenticate by role, parse with the contract's zod schema,
 * call one LobbyQueue use case.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import {
  CounterIdParamSchema,
  CounterServicesSchema,
  MoveToGreenChannelSchema,
  PauseCounterSchema,
  TicketIdParamSchema,
  TransferRequestSchema,
  type Role,
} from '../../domain/contracts';
import type { Sessions } from '../auth/sessions';
import type { Lobby } from '../lobby';
import { LobbyQueue } from '../lobby-queue';
import { parseOr400 } from './errors';

const STAFF: readonly Role[] = ['manager', 'teller'];

export function registerQueueRoutes(app: FastifyInstance, lobby: Lobby, sessions: Sessions): LobbyQueue {
  const queue = new LobbyQueue(lobby, lobby.now);
  const auth = (req: FastifyRequest, roles: readonly Role[]) => sessions.require(req.headers.authorization, roles);
  const param = <T>(req: FastifyRequest, name: string, schema: z.ZodType<T>): T =>
    parseOr400(schema, (req.params as Record<string, unknown>)[name]) as T;
  const ticketId = (req: FastifyRequest) => param(req, 'id', TicketIdParamSchema);
  const counterId = (req: FastifyRequest) => param(req, 'counterId', CounterIdParamSchema);

  app.post('/api/v1/counters/:counterId/call/:id', async (req) => {
    const teller = auth(req, ['teller']);
    return queue.callTicket(counterId(req), ticketId(req), teller);
  });

  app.post('/api/v1/tickets/:id/recall', async (req) => queue.recall(ticketId(req), auth(req, ['teller'])));
  // The customer reached the counter: the walk ends, the service starts (measures).
  app.post('/api/v1/tickets/:id/start', async (req) => queue.startServing(ticketId(req), auth(req, ['teller'])));

  app.post('/api/v1/tickets/:id/transfer', async (req) => {
    const who = auth(req, STAFF);
    const body = parseOr400(TransferRequestSchema, req.body);
    return queue.transfer(ticketId(req), body, who);
  });

  app.post('/api/v1/tickets/:id/park', async (req) => queue.park(ticketId(req), auth(req, ['teller'])));
  app.post('/api/v1/tickets/:id/resume', async (req) => queue.resume(ticketId(req), auth(req, ['teller'])));
  app.get('/api/v1/parked', async (req) => {
    auth(req, STAFF);
    return queue.parked();
  });

  app.get('/api/v1/counters', async (req) => {
    auth(req, STAFF);
    return { counters: queue.counters() };
  });
  app.post('/api/v1/counters/:counterId/open', async (req) => {
    const who = auth(req, STAFF);
    return queue.setCounterState(counterId(req), 'open', null, null, who);
  });
  app.post('/api/v1/counters/:counterId/pause', async (req) => {
    const who = auth(req, STAFF);
    const id = counterId(req);
    const body = parseOr400(PauseCounterSchema, req.body);
    return queue.setCounterState(id, 'paused', body.reason, body.note ?? null, who);
  });
  app.post('/api/v1/counters/:counterId/close', async (req) => {
    const who = auth(req, STAFF);
    return queue.setCounterState(counterId(req), 'closed', null, null, who);
  });

  app.put('/api/v1/counters/:counterId/services', async (req) => {
    const manager = auth(req, ['manager']);
    const id = counterId(req);
    const body = parseOr400(CounterServicesSchema, req.body);
    return queue.setCounterServices(id, body.services, manager);
  });

  app.post('/api/v1/tickets/:id/green-channel', async (req) => {
    const manager = auth(req, ['manager']);
    const body = parseOr400(MoveToGreenChannelSchema, req.body);
    return queue.moveToGreenChannel(ticketId(req), body.reason, manager);
  });

  return queue;
}
