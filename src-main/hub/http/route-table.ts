/**
 * Registers the route table (domain/routes.ts) on the HTTP server: for every route, the caller's
 * token is checked against the route's roles, its parameters, query and body are parsed with the
 * route's schemas, and its one handler (handlers.ts) is called. This is the only place routes are
 * added to the server; a handler never parses or authenticates for itself.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AnswerOf, OutputOf, RouteName, RouteSpec, Routes } from '../../domain/routes';
import type { Identity, Sessions } from '../auth/sessions';
import { parseOrRefuse } from '../errors';
import { withRequest } from '../request-context';

/** What a handler may set on its answer besides the body. */
export interface AnswerControls {
  status(code: number): void;
  header(name: string, value: string): void;
  type(contentType: string): void;
}

export interface HandlerInput<R> {
  params: OutputOf<R, 'params'>;
  query: OutputOf<R, 'query'>;
  body: OutputOf<R, 'body'>;
  /** The signed-in caller (with the device the request came from); null on a public route. */
  who: R extends { access: 'public' } ? null : Identity;
  answer: AnswerControls;
  requestId: string;
  /** The caller's network address (and the screen's device id when it sends one), for the audit log. */
  address: string;
}

/** A handler answers with the route's answer type; `null` answers 204 No Content. */
export type Handler<R> = (input: HandlerInput<R>) => AnswerOf<R> | Promise<AnswerOf<R>>;
export type Handlers = { [K in RouteName]: Handler<Routes[K]> };

const DEVICE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Which device a request came from, for the audit log: the screen's own id when it sends
 * `X-Device-Id` (letters, digits, dot, dash, underscore; at most 64), then its network address.
 */
export function deviceOf(req: FastifyRequest): string {
  const header = req.headers['x-device-id'];
  const id = Array.isArray(header) ? header[0] : header;
  if (id && DEVICE_ID.test(id)) return `${id}@${req.ip}`;
  return req.ip;
}

export function registerRouteTable(app: FastifyInstance, routes: Routes, handlers: Handlers, sessions: Sessions): void {
  for (const name of Object.keys(routes) as RouteName[]) {
    const spec: RouteSpec = routes[name];
    const handler = handlers[name] as Handler<RouteSpec>;
    app.route({
      method: spec.method,
      url: spec.path,
      ...(spec.bodyLimit ? { bodyLimit: spec.bodyLimit } : {}),
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const identity = spec.access === 'public' ? null : sessions.require(req.headers.authorization, spec.access, spec.duringPinChange === true);
        // A kiosk or display is its own device; a person's screen is told apart by its id header and address.
        const who = identity && { ...identity, device: identity.role === 'kiosk' || identity.role === 'display' ? identity.subjectId : deviceOf(req) };
        const input = {
          params: (spec.params ? parseOrRefuse(spec.params, req.params) : undefined) as never,
          query: (spec.query ? parseOrRefuse(spec.query, req.query ?? {}) : undefined) as never,
          body: (spec.body ? parseOrRefuse(spec.body, req.body ?? undefined) : undefined) as never,
          who: who as never,
          answer: {
            status: (code: number) => void reply.code(code),
            header: (k: string, v: string) => void reply.header(k, v),
            type: (t: string) => void reply.type(t),
          },
          requestId: String(req.id),
          address: deviceOf(req),
        };
        const result: unknown = await withRequest(String(req.id), () => handler(input));
        if (result === null || result === undefined) return reply.code(204).send();
        return reply.send(result);
      },
    });
  }
}
