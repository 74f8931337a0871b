/**
 * The hub's HTTP server: fastify with the one mapping from refusals to HTTP answers (every error a
 * client sees is `{error: {code, reason, message, requestId, ...}}` with the status of its code,
 * including the errors fastify and Node's HTTP parser raise before a route is found; nothing else,
 * no stack, no SQL, ever leaves the hub), security headers on every answer (helmet: a CSP without
 * inline scripts, no framing, nosniff, no referrer), `Cache-Control: no-store` on every API answer,
 * a request id on every answer and on every log line written while answering, the kiosk shell's
 * CORS, and the built screens.
 */
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { join, resolve } from 'node:path';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import helmet from 'helmet';
import { ZodError } from 'zod';
import { ERROR_STATUS, type ErrorBody, type ErrorCode } from '../../domain/contracts';
import { HubError, fromZod } from '../errors';
import { currentRequestId } from '../request-context';
import { registerKioskCors } from './cors';

const STATUS = ERROR_STATUS;

export const statusOf = (code: ErrorCode): number => STATUS[code];

/** The answer body of a refusal: code, reason, message, the reason's values and the details. */
export function errorBody(e: HubError, requestId?: string): ErrorBody {
  return {
    error: {
      ...e.params,
      code: e.code,
      reason: e.reason,
      message: e.message,
      ...(e.details ? { details: e.details } : {}),
      ...(requestId ? { requestId } : {}),
    },
  };
}

export interface HttpServerOptions {
  logLevel: string;
  /** Certificate and key (PEM) to answer over HTTPS; plain HTTP without. */
  https?: { cert: Buffer; key: Buffer } | null;
  /** A database error seen while answering (disk full, read-only file, corruption): readiness follows it. */
  onDatabaseFault?: (err: Error) => void;
  /** Every refusal answered, by code (the metrics count them). */
  onRefusal?: (code: ErrorCode) => void;
}

/** The Content-Security-Policy of every page: scripts, fonts and connections only from the hub itself. */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  // React 19 hoists <style> elements; no script runs inline.
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  mediaSrc: ["'self'"],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: null,
};

/** SQLite errors that mean the database itself is not usable (not a refusal of one request). */
const DATABASE_FAULTS = /^SQLITE_(FULL|READONLY|CORRUPT|IOERR|NOTADB|CANTOPEN|CORRUPT_\w+|READONLY_\w+|IOERR_\w+)$/;

export function isDatabaseFault(err: unknown): err is Error & { code: string } {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string' && DATABASE_FAULTS.test((err as unknown as { code: string }).code);
}

/** A fastify or Node error before or around a route, as one of our refusals. */
function frameworkRefusal(err: FastifyError): HubError {
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
      return new HubError('validation_failed', 'the URL is not valid (bad percent-encoding)', { reason: 'bad_url' });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new HubError('uri_too_long', 'a part of the URL is longer than any id the hub knows', { reason: 'url_too_long' });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HubError('payload_too_large', 'the body is larger than this route accepts', { reason: 'body_too_large' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HubError('validation_failed', 'the body must be JSON (Content-Type: application/json)', { reason: 'invalid_input' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HubError('validation_failed', 'the body is empty but says it is JSON', { reason: 'invalid_input' });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HubError('validation_failed', 'Content-Length does not match the body', { reason: 'malformed_request' });
  }
  if (err.statusCode === 413) return new HubError('payload_too_large', 'the body is larger than this route accepts', { reason: 'body_too_large' });
  if (err.statusCode === 429) return new HubError('rate_limited', err.message, { reason: 'too_many_requests' });
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON') return new HubError('validation_failed', 'the body is not valid JSON', { reason: 'invalid_input' });
  return new HubError('validation_failed', String(err.message).slice(0, 200), { reason: 'invalid_input' });
}

/** Answers a refusal in the one error shape, with its request id and Retry-After when it has one. */
export function sendRefusal(e: HubError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const retryAfter = e.params.retryAfterSeconds;
  if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
  return reply.code(STATUS[e.code]).header('x-request-id', String(req.id)).header('cache-control', 'no-store').send(errorBody(e, String(req.id)));
}

/**
 * Errors Node's HTTP parser finds before fastify sees a request (a malformed request line or
 * header, headers over the size limit, a timeout): answered in the same error shape, then closed.
 */
export function clientErrorAnswer(err: NodeJS.ErrnoException): { status: number; text: string; body: ErrorBody } {
  let e: HubError;
  let status: number;
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    e = new HubError('request_timeout', 'the request took too long to arrive', { reason: 'malformed_request' });
    status = 408;
  } else if (err.code === 'HPE_HEADER_OVERFLOW') {
    e = new HubError('headers_too_large', 'the request line and headers are larger than the hub accepts', { reason: 'malformed_request' });
    status = 431;
  } else {
    e = new HubError('validation_failed', 'the request is not valid HTTP', { reason: 'malformed_request' });
    status = 400;
  }
  const text = status === 408 ? 'Request Timeout' : status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  return { status, text, body: errorBody(e) };
}

function onClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const { status, text, body } = clientErrorAnswer(err);
    const json = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${status} ${text}\r\nContent-Length: ${Buffer.byteLength(json)}\r\nContent-Type: application/json; charset=utf-8\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy(err);
}

export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const refuse = (e: HubError, req: FastifyRequest, reply: FastifyReply) => {
    options.onRefusal?.(e.code);
    return sendRefusal(e, req, reply);
  };
  const app = Fastify({
    logger: {
      level: options.logLevel,
      // Every line written while a request is answered carries its id, also from services that log through the hub's logger.
      mixin(_obj: object, _level: number, logger: { bindings(): Record<string, unknown> }) {
        const reqId = currentRequestId();
        return reqId && logger.bindings().reqId === undefined ? { reqId } : {};
      },
    },
    ...(options.https ? { https: { cert: options.https.cert, key: options.https.key } } : {}),
    // 16 hex digits from randomUUID's pooled entropy (a CSPRNG call per request costs more than the id is worth).
    genReqId: () => randomUUID().replace(/-/g, '').slice(0, 16),
    forceCloseConnections: true,
    bodyLimit: 64 * 1024,
    // One line per request only when debugging; phones poll their ticket every few seconds.
    logController: new LogController({ disableRequestLogging: options.logLevel !== 'debug' && options.logLevel !== 'trace' }),
    frameworkErrors: (err, req, reply) => {
      void refuse(frameworkRefusal(err), req, reply);
    },
    clientErrorHandler: onClientError,
  });

  app.setErrorHandler((err: FastifyError | HubError | ZodError, req, reply) => {
    let e: HubError;
    if (err instanceof HubError) e = err;
    else if (err instanceof ZodError) e = fromZod(err);
    else if ('statusCode' in err && typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      // Body parsing, size and content-type errors from fastify itself, in the same shape as ours.
      e = frameworkRefusal(err);
    } else if (isDatabaseFault(err)) {
      req.log.error({ err }, 'the database refused a write or read');
      options.onDatabaseFault?.(err);
      e = new HubError('unavailable', `the branch database cannot be used now (request ${req.id}); branch IT has been told`, {
        reason: 'database_unwritable',
        params: { retryAfterSeconds: 30 },
      });
    } else {
      req.log.error({ err }, 'unhandled error');
      e = new HubError('internal', `internal error (request ${req.id})`);
    }
    void refuse(e, req, reply);
  });
  app.setNotFoundHandler((req, reply) => {
    const e = new HubError('not_found', `no route ${req.method} ${req.url.split('?')[0]!.slice(0, 200)}`, { reason: 'no_route' });
    void refuse(e, req, reply);
  });
  // helmet's middleware, built once (@fastify/helmet builds it again for every request).
  const securityHeaders = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS only where there is HTTPS to keep to.
    strictTransportSecurity: options.https ? { maxAge: 180 * 24 * 3600, includeSubDomains: false } : false,
    // The kiosk shell (app://kiosk) reads the API cross-origin with CORS.
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
  app.addHook('onRequest', (req, reply, done) => securityHeaders(req.raw, reply.raw, (err) => done(err as Error | undefined)));
  app.addHook('onSend', async (req, reply, payload) => {
    void reply.header('x-request-id', String(req.id));
    // Nothing the API answers (customer cards, reveals, the queue, the audit log) is kept by a browser or proxy.
    if (req.url.startsWith('/api/')) void reply.header('cache-control', 'no-store');
    return payload;
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
