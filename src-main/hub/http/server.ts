/**
 * The hub's HTTP server: fastify with the one mapping from refusals to HTTP answers (every error a
 * client sees is `{error: {code, reason, message, ...}}` with the status of its code; nothing else,
 * no stack, no SQL, ever leaves the hub), the kiosk shell's CORS, and the built screens.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Fastify, { LogController, type FastifyError, type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { ZodError } from 'zod';
import type { ErrorBody, ErrorCode } from '../../domain/contracts';
import { HubError, fromZod } from '../errors';
import { registerKioskCors } from './cors';

const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
};

export const statusOf = (code: ErrorCode): number => STATUS[code];

/** The answer body of a refusal: code, reason, message, the reason's values and the details. */
export function errorBody(e: HubError): ErrorBody {
  return {
    error: {
      ...e.params,
      code: e.code,
      reason: e.reason,
      message: e.message,
      ...(e.details ? { details: e.details } : {}),
    },
  };
}

export interface HttpServerOptions {
  logLevel: string;
}

export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const app = Fastify({
    logger: { level: options.logLevel },
    forceCloseConnections: true,
    bodyLimit: 64 * 1024,
    // One line per request only when debugging; phones poll their ticket every few seconds.
    logController: new LogController({ disableRequestLogging: options.logLevel !== 'debug' && options.logLevel !== 'trace' }),
  });

  app.setErrorHandler((err: FastifyError | HubError | ZodError, req, reply) => {
    let e: HubError;
    if (err instanceof HubError) e = err;
    else if (err instanceof ZodError) e = fromZod(err);
    else if ('statusCode' in err && typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      // Body parsing, size and content-type errors from fastify itself, in the same shape as ours.
      if (err.statusCode === 413) e = new HubError('payload_too_large', `the body is larger than this route accepts`, { reason: 'body_too_large' });
      else if (err.statusCode === 429) e = new HubError('rate_limited', err.message, { reason: 'too_many_requests' });
      else e = new HubError('validation_failed', err.message, { reason: 'invalid_input' });
    } else {
      req.log.error({ err }, 'unhandled error');
      e = new HubError('internal', `internal error (request ${req.id})`);
    }
    const retryAfter = e.params.retryAfterSeconds;
    if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
    void reply.code(STATUS[e.code]).send(errorBody(e));
  });
  app.setNotFoundHandler((req, reply) => {
    const e = new HubError('not_found', `no route ${req.method} ${req.url.split('?')[0]}`, { reason: 'no_route' });
    void reply.code(404).send(errorBody(e));
  });
  registerKioskCors(app); // the Electron kiosk (app://kiosk) calls the API cross-origin
  return app;
}

/** The screens' paths: each answers the one React app's index.html. */
export const SCREEN_PATHS = ['/', '/kiosk', '/manager', '/teller', '/display', '/admin', '/t/:token'];

/** Serves the built screens (out/renderer), or a plain 503 on each screen path until they are built. */
export async function registerScreens(app: FastifyInstance, configured: string | undefined): Promise<void> {
  const staticDir = findStaticDir(configured);
  if (staticDir) {
    await app.register(fastifyStatic, { root: staticDir, index: false, wildcard: true });
    for (const path of SCREEN_PATHS) app.get(path, (_req, reply) => reply.sendFile('index.html'));
    return;
  }
  for (const path of SCREEN_PATHS) {
    app.get(path, (_req, reply) =>
      reply.code(503).type('text/plain; charset=utf-8').send('Screens are not built yet: run `npm run build` (npm start does it).'),
    );
  }
}

function findStaticDir(configured: string | undefined): string | null {
  const candidates = [
    configured,
    typeof __dirname !== 'undefined' ? resolve(__dirname, '../renderer') : undefined,
    resolve(process.cwd(), 'out/renderer'),
  ];
  for (const c of candidates) if (c && existsSync(join(c, 'index.html'))) return c;
  return null;
}
