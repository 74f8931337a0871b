/**
 * CORS for the Electron kiosk shell only. The kiosk shows its screens from its own build over
 * app://kiosk and calls this hub over http on the branch network, so its requests carry
 * `Origin: app://kiosk`. Those (and only those) get Access-Control-Allow-* headers, and their
 * preflight OPTIONS is answered 204 here. Any other Origin gets no CORS headers at all, so a web
 * page elsewhere cannot read the API from a browser. The screens the hub serves itself are
 * same-origin and need none. socket.io has its own setting (realtime/realtime.ts, the same KIOSK_SHELL_ORIGINS).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { KIOSK_SHELL_ORIGINS } from '../../domain/routes';

export { KIOSK_SHELL_ORIGINS };

export const CORS_ALLOW_METHODS = 'GET, POST, PUT, OPTIONS';
export const CORS_ALLOW_HEADERS = 'authorization, content-type';
/** Seconds a browser may reuse a preflight answer. */
export const CORS_MAX_AGE_SECONDS = 600;

/** The CORS headers for a request's Origin header: none unless it is an allowed origin (exact match). */
export function corsHeaders(origin: string | string[] | undefined, allowed: readonly string[] = KIOSK_SHELL_ORIGINS): Record<string, string> {
  if (typeof origin !== 'string' || !allowed.includes(origin)) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': CORS_ALLOW_METHODS,
    'access-control-allow-headers': CORS_ALLOW_HEADERS,
    'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
  };
}

/** Registers the hook on the hub (create-hub.ts). */
export function registerKioskCors(app: FastifyInstance, allowed: readonly string[] = KIOSK_SHELL_ORIGINS): void {
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const origin = req.headers.origin;
    // Answers differ by Origin: tell caches.
    if (origin !== undefined) void reply.header('vary', 'Origin');
    const headers = corsHeaders(origin, allowed);
    if (!headers['access-control-allow-origin']) return;
    void reply.headers(headers);
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      // Preflight: answered here, before routing (the API has no OPTIONS routes).
      void reply.code(204).send();
      return reply;
    }
  });
}
