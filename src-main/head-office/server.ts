/**
 * Head office's server: fastify (the same error shape as a branch hub: `{error: {code, reason,
 * message, requestId}}`, no stack ever), security headers, and socket.io for the branches board
 * (`branch:changed` to every signed-in head-office screen). With a Redis URL, several processes
 * behind one address share their events through @socket.io/redis-streams-adapter (it resumes after
 * a short Redis outage without losing packets). Routes:
 *   GET  /head-office                         the branches board (the built screens)
 *   GET  /livez, /readyz                      the process; the database answers
 *   POST /api/v1/auth/login {staffId, pin}    head-office staff (admin, analyst)
 *   GET  /api/v1/branches                     the branches board
 *   POST /api/v1/link/journal                 a branch ships its journal (branch credential)
 *   GET  /api/v1/bundles, POST /api/v1/bundles  the bundles; publish one (admin)
 *   GET  /api/v1/link/bundle?running=N        a branch asks for a newer bundle (200, or 204)
 *   POST /api/v1/link/bundle-report           a branch says it runs a bundle, or why it refused it
 *   GET  /api/v1/link/contacts?after=N        pitches made at other branches (the bank-wide contact history)
 *   GET  /api/v1/dashboard?date=&target=      one business day over every branch
 */
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import helmet from '@fastify/helmet';
import { Server } from 'socket.io';
import { Redis } from 'ioredis';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { z, ZodError, type ZodType } from 'zod';
import { ERROR_STATUS } from '../domain/contracts';
import { BundleReportSchema, CustomerLookupSchema, HEAD_OFFICE_ROUTES, HeadOfficeLoginSchema, JournalBatchSchema, PublishBundleSchema, type BranchBoardRow } from '../domain/head-office';
import { HeadOffice, HeadOfficeError } from './head-office';
import type { BranchSlices } from './branch-slice';
import { pooledReport } from './campaign';
import { businessDate } from '../domain/ticket-number';
import { addDaysIso } from '../domain/reminders';

const STATUS = ERROR_STATUS;

export interface HeadOfficeServerOptions {
  port: number;
  host: string;
  redisUrl?: string | null;
  logLevel?: string;
  /** The built screens (out/renderer); found beside the bundle or under the working directory when omitted. */
  staticDir?: string;
  /** Certificate and key (PEM) for HTTPS; without them head office answers only on loopback unless `insecure`. */
  https?: { cert: Buffer; key: Buffer } | null;
  /** Plain HTTP on a non-loopback address (trials only). */
  insecure?: boolean;
  /** The branches' slices of the customer data (none: a branch is told there is nothing to load). */
  slices?: BranchSlices | null;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Where head office listens: anywhere over HTTPS (or when told to allow plain HTTP), loopback only otherwise. */
export function headOfficeListenAddress(o: Pick<HeadOfficeServerOptions, 'host' | 'https' | 'insecure'>): { host: string; warning: string | null } {
  if (o.https || LOOPBACK.has(o.host)) return { host: o.host, warning: null };
  if (o.insecure) return { host: o.host, warning: `plain HTTP on ${o.host} (HEAD_OFFICE_INSECURE_LAN=1): branch credentials, PINs and customer numbers cross the network unencrypted` };
  return {
    host: '127.0.0.1',
    warning: `no certificate configured: head office answers plain HTTP on 127.0.0.1 only, not on ${o.host}. Set HEAD_OFFICE_TLS_CERT and HEAD_OFFICE_TLS_KEY (docs/HEAD-OFFICE.md).`,
  };
}

function findStaticDir(configured: string | undefined): string | null {
  const candidates = [configured, typeof __dirname !== 'undefined' ? resolve(__dirname, '../renderer') : undefined, resolve(process.cwd(), 'out/renderer')];
  for (const c of candidates) if (c && existsSync(join(c, 'index.html'))) return c;
  return null;
}

export interface RunningHeadOffice {
  url: string;
  /** Said at start (plain HTTP, or loopback only). */
  warning: string | null;
  app: FastifyInstance;
  io: Server;
  close(): Promise<void>;
}

const DashboardQuerySchema = z.strictObject({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date: YYYY-MM-DD'),
  target: z.coerce.number().int().min(1).max(240).default(15),
});

/** A branch that takes nothing of a slice file for this long is let go (its reading holds the customer tables). */
const SLICE_IDLE_MS = 120_000;

const CampaignQuerySchema = z.strictObject({
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'from: YYYY-MM-DD').optional(),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'to: YYYY-MM-DD').optional(),
});

function parse<T>(schema: ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new HeadOfficeError('validation_failed', 'invalid_input', `${issue?.path.join('.') || '(body)'}: ${issue?.message ?? 'invalid'}`);
}

function send(reply: FastifyReply, req: FastifyRequest, code: keyof typeof STATUS, reason: string, message: string, params: Record<string, unknown> = {}) {
  if (typeof params.retryAfterSeconds === 'number') void reply.header('retry-after', String(params.retryAfterSeconds));
  return reply
    .code(STATUS[code])
    .header('cache-control', 'no-store')
    .send({ error: { ...params, code, reason, message, requestId: String(req.id) } });
}

export async function startHeadOfficeServer(ho: HeadOffice, options: HeadOfficeServerOptions): Promise<RunningHeadOffice> {
  const listen = headOfficeListenAddress(options);
  const app = Fastify({
    logger: { level: options.logLevel ?? 'info' },
    ...(options.https ? { https: { cert: options.https.cert, key: options.https.key } } : {}),
    genReqId: () => randomBytes(8).toString('hex'),
    bodyLimit: 4 * 1024 * 1024,
    forceCloseConnections: true,
    frameworkErrors: (err, req, reply) => void send(reply, req, 'validation_failed', 'bad_url', err.message.slice(0, 200)),
  });
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], connectSrc: ["'self'"], frameAncestors: ["'none'"], objectSrc: ["'none'"], baseUri: ["'none'"] },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: options.https ? { maxAge: 180 * 24 * 3600, includeSubDomains: false } : false,
  });
  app.setErrorHandler((err: FastifyError | HeadOfficeError | ZodError, req, reply) => {
    if (err instanceof HeadOfficeError) return send(reply, req, err.code, err.reason, err.message, err.params);
    if (err instanceof ZodError) return send(reply, req, 'validation_failed', 'invalid_input', err.issues[0]?.message ?? 'invalid');
    if ('statusCode' in err && err.statusCode === 413) return send(reply, req, 'payload_too_large', 'body_too_large', 'the body is larger than head office accepts');
    if ('statusCode' in err && typeof err.statusCode === 'number' && err.statusCode < 500) return send(reply, req, 'validation_failed', 'invalid_input', String(err.message).slice(0, 200));
    req.log.error({ err }, 'unhandled error');
    return send(reply, req, 'internal', 'internal', `internal error (request ${req.id})`);
  });
  app.setNotFoundHandler((req, reply) => send(reply, req, 'not_found', 'no_route', `no route ${req.method} ${req.url.split('?')[0]!.slice(0, 200)}`));
  app.addHook('onSend', async (req, reply, payload) => {
    void reply.header('x-request-id', String(req.id));
    if (req.url.startsWith('/api/')) void reply.header('cache-control', 'no-store');
    return payload;
  });

  const io = new Server(app.server, { path: '/socket.io', serveClient: false });
  let redis: { pub: Redis } | null = null;
  if (options.redisUrl) {
    const client = new Redis(options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
    client.on('error', (err) => app.log.warn({ err: err.message }, 'redis'));
    io.adapter(createAdapter(client));
    redis = { pub: client };
  }
  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    ho.staffOf(typeof token === 'string' ? `Bearer ${token}` : undefined, ['admin', 'analyst']).then(
      () => next(),
      () => next(new Error('unauthenticated')),
    );
  });
  io.on('connection', (socket) => void socket.join('board'));
  const boardChanged = (row: BranchBoardRow) => io.to('board').emit('branch:changed', row);

  app.get('/livez', async () => ({ status: 'alive' }));
  app.get('/readyz', async (req, reply) => {
    try {
      await ho.pool.query('SELECT 1');
      return { status: 'ready' };
    } catch {
      return send(reply, req, 'unavailable', 'database_unavailable', 'the head-office database does not answer', { retryAfterSeconds: 10 });
    }
  });
  // The head-office screens (the same React build as the branch's): the board at /head-office.
  const staticDir = findStaticDir(options.staticDir);
  if (staticDir) {
    await app.register(fastifyStatic, { root: staticDir, index: false, wildcard: true });
    app.get('/head-office', (_req, reply) => reply.sendFile('index.html'));
  }
  app.get('/', (_req, reply) => reply.redirect('/head-office'));
  app.post(HEAD_OFFICE_ROUTES.login.path, async (req) => {
    const body = parse(HeadOfficeLoginSchema, req.body);
    return ho.login(body.staffId, body.pin);
  });
  app.get(HEAD_OFFICE_ROUTES.branches.path, async (req) => {
    await ho.staffOf(req.headers.authorization, ['admin', 'analyst']);
    return { branches: await ho.board() };
  });
  app.post(HEAD_OFFICE_ROUTES.journal.path, async (req, reply) => {
    const branchId = await ho.branchOf(req.headers.authorization);
    const batch = parse(JournalBatchSchema, req.body);
    const ack = await ho.ingest(branchId, batch);
    boardChanged(ack.row);
    if (ack.gap) {
      return send(reply, req, 'conflict', 'journal_gap', `head office holds ${batch.stream} up to ${ack.acknowledged}; resend from there`, {
        stream: ack.stream,
        acknowledged: ack.acknowledged,
      });
    }
    return { stream: ack.stream, acknowledged: ack.acknowledged, stored: ack.stored };
  });

  app.get(HEAD_OFFICE_ROUTES.bundles.path, async (req) => {
    await ho.staffOf(req.headers.authorization, ['admin', 'analyst']);
    return { bundles: await ho.bundles() };
  });
  app.post(HEAD_OFFICE_ROUTES.publishBundle.path, async (req, reply) => {
    const who = await ho.staffOf(req.headers.authorization, ['admin']);
    const body = parse(PublishBundleSchema, req.body);
    const published = await ho.publishBundle(body.content, body.branches, body.note, who.staffId);
    return reply.code(201).send(published);
  });
  app.get(HEAD_OFFICE_ROUTES.offeredBundle.path, async (req, reply) => {
    const branchId = await ho.branchOf(req.headers.authorization);
    const running = Number((req.query as { running?: string }).running ?? 0);
    if (!Number.isInteger(running) || running < 0) throw new HeadOfficeError('validation_failed', 'invalid_input', 'running: the bundle version the branch runs (0: none)');
    const offered = await ho.offeredBundle(branchId, running);
    return offered ? offered : reply.code(204).send();
  });
  app.post(HEAD_OFFICE_ROUTES.bundleReport.path, async (req, reply) => {
    const branchId = await ho.branchOf(req.headers.authorization);
    await ho.bundleReport(branchId, parse(BundleReportSchema, req.body));
    const row = await ho.boardRow(branchId);
    if (row) boardChanged(row);
    return reply.code(204).send();
  });

  app.get(HEAD_OFFICE_ROUTES.dashboard.path, async (req) => {
    await ho.staffOf(req.headers.authorization, ['admin', 'analyst']);
    const q = parse(DashboardQuerySchema, req.query ?? {});
    return ho.dashboard(q.date, q.target);
  });
  app.get(HEAD_OFFICE_ROUTES.campaign.path, async (req) => {
    await ho.staffOf(req.headers.authorization, ['admin', 'analyst']);
    const q = parse(CampaignQuerySchema, req.query ?? {});
    const to = q.to ?? businessDate(new Date(), 'Asia/Shanghai');
    const from = q.from ?? addDaysIso(to, -29);
    if (from > to) throw new HeadOfficeError('validation_failed', 'invalid_period', 'from: must not be after to');
    return pooledReport(ho.pool, from, to);
  });
  app.get(HEAD_OFFICE_ROUTES.remoteContacts.path, async (req) => {
    const branchId = await ho.branchOf(req.headers.authorization);
    const after = Number((req.query as { after?: string }).after ?? 0);
    if (!Number.isSafeInteger(after) || after < 0) throw new HeadOfficeError('validation_failed', 'invalid_input', 'after: the last contact id the branch has (0: none)');
    // A hub that goes on from `through` asks for the filtered answer (an older one would wait on a page with nothing left in it).
    return ho.remoteContacts(branchId, after, (req.query as { filtered?: string }).filtered === '1');
  });

  const slices = options.slices ?? null;
  app.get(HEAD_OFFICE_ROUTES.customerFeed.path, async (req, reply) => {
    const branchId = await ho.branchOf(req.headers.authorization);
    const running = (req.query as { running?: unknown }).running;
    if (running !== undefined && (typeof running !== 'string' || running.length > 64)) {
      throw new HeadOfficeError('validation_failed', 'invalid_input', 'running: the feed id the branch runs');
    }
    const manifest = slices ? await slices.offered(branchId, (running as string | undefined) ?? null) : null;
    return manifest ?? reply.code(204).send();
  });
  app.get(HEAD_OFFICE_ROUTES.customerFeedFile.path, async (req, reply) => {
    const branchId = await ho.branchOf(req.headers.authorization);
    const { feedId, file } = req.params as { feedId: string; file: string };
    if (!slices) throw new HeadOfficeError('not_found', 'no_customer_data', 'head office hands out no customer data');
    // The first line decides the answer (a refusal is an error body); then the rows stream as they are read.
    const body = new PassThrough();
    // A branch that goes away mid-file ends the reading (and its transaction) at once; one that
    // stops reading for two minutes is let go.
    let gone = false;
    reply.raw.setTimeout(SLICE_IDLE_MS, () => reply.raw.destroy());
    reply.raw.on('close', () => {
      gone = true;
      if (!body.writableEnded) body.destroy();
    });
    let started = false;
    let rows = -1;
    const write = async (text: string) => {
      if (gone) throw new Error('the branch went away');
      if (!started) {
        started = true;
        void reply.header('content-type', 'text/csv; charset=utf-8').send(body);
      }
      rows++;
      if (body.write(text)) return;
      await new Promise<void>((resolve, reject) => {
        const away = () => reject(new Error('the branch went away'));
        body.once('close', away);
        body.once('drain', () => {
          body.off('close', away);
          resolve();
        });
      });
    };
    try {
      await slices.streamFile(branchId, feedId, file, write);
    } catch (err) {
      if (!started) throw err;
      req.log.warn({ err: (err as Error).message, branchId, feedId, file }, 'customer slice cut off');
      body.destroy();
      return reply;
    }
    body.end();
    req.log.info({ branchId, feedId, file, rows }, 'customer slice file sent');
    return reply;
  });

  app.post(HEAD_OFFICE_ROUTES.customerLookup.path, async (req) => {
    const branchId = await ho.branchOf(req.headers.authorization);
    const q = parse(CustomerLookupSchema, req.body);
    if (!slices) return { found: false, shared: false };
    return slices.lookup(branchId, q);
  });

  if (listen.warning) app.log.warn(listen.warning);
  await app.listen({ port: options.port, host: listen.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `${options.https ? 'https' : 'http'}://${listen.host === '0.0.0.0' || listen.host === '::' ? '127.0.0.1' : listen.host}:${port}`,
    warning: listen.warning,
    app,
    io,
    async close() {
      io.disconnectSockets(true);
      await app.close();
      if (redis) await redis.pub.quit().catch(() => undefined);
    },
  };
}
