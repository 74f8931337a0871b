/**
 * createHub(config): the branch hub as one object — database, HTTP API, screens and socket.io —
 * started on the configured port (0 in tests) and closed with close(). Plain Node: runs under
 * `npm start`, under vitest, and inside the Electron kiosk.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import Fastify, { LogController, type FastifyError } from 'fastify';
import fastifyStatic from '@fastify/static';
import { ZodError } from 'zod';
import { HubConfigSchema, type HubConfig, type HubConfigInput } from './config';
import { openDatabase, type Db } from './db/open';
import { loadBranch } from './branch';
import { Sessions } from './auth/sessions';
import { Journal } from './journal';
import { CustomerDirectory } from './desk/customers';
import { TicketDesk } from './desk/tickets';
import { Lobby } from './lobby';
import { LobbyRealtime } from './realtime';
import { registerRoutes } from './http/routes';
import { registerKioskCors } from './http/cors';
import { FormDesk, purgeForms } from './desk/forms';
import { createPrinter, type PrinterTransport } from './printer/transport';
import { HubError, errorBody, fromZod } from './http/errors';
import { DEMO_BRANCH_ID, seedDemoBranch } from './demo/seed';
import { seedDemoAppointments } from './demo/appointments';
import { registerAppointmentRoutes } from './http/appointment-routes';
import { NoticeDesk, seedDemoNotices } from './desk/notices';
import { registerNoticeRoutes } from './http/notice-routes';
import { DeviceDesk } from './desk/devices';
import { registerDeviceRoutes } from './http/device-routes';
import { DEFAULT_BRANCH_RULES } from '../domain/branch-config';
import { businessDate } from '../domain/ticket-number';

export interface Hub {
  /** Base URL the hub answers on, e.g. http://127.0.0.1:8080 */
  url: string;
  /** Base URL printed in tracking links (reachable from customers' phones). */
  publicUrl: string;
  config: HubConfig;
  close(): Promise<void>;
}

export interface HubOptions {
  /** Clock (epoch ms); tests move it across business days. */
  now?: () => number;
}

export class NoBranchError extends Error {
  constructor(dataDir: string) {
    super(
      `The database in ${dataDir} has no branch. Start once without --no-demo to create the demo branch, ` +
        `or point LOBBY_DATA_DIR at a configured branch database.`,
    );
    this.name = 'NoBranchError';
  }
}

const SCREEN_ROUTES = ['/', '/kiosk', '/manager', '/teller', '/display', '/admin', '/t/:token'];

export async function createHub(input: HubConfigInput, options: HubOptions = {}): Promise<Hub> {
  const config = HubConfigSchema.parse(input);
  const now = options.now ?? Date.now;
  mkdirSync(config.dataDir, { recursive: true });
  const db = openDatabase(join(config.dataDir, 'branch.db'));
  try {
    return await start(db, config, now);
  } catch (err) {
    db.close();
    throw err;
  }
}

async function start(db: Db, config: HubConfig, now: () => number): Promise<Hub> {
  let branch = loadBranch(db);
  if (!branch && config.demo) {
    seedDemoBranch(db, {
      customers: config.demoCustomers,
      today: businessDate(new Date(now()), DEFAULT_BRANCH_RULES.timeZone),
    });
    branch = loadBranch(db);
    if (branch) seedDemoNotices(db, branch.id, now()); // issue 3: the display's marquee
  }
  if (!branch) throw new NoBranchError(config.dataDir);

  const app = Fastify({
    logger: { level: config.logLevel },
    forceCloseConnections: true,
    bodyLimit: 64 * 1024,
    // One line per request only when debugging; phones poll their ticket every few seconds.
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
  });

  app.setErrorHandler((err: FastifyError | HubError | ZodError, req, reply) => {
    let e: HubError;
    if (err instanceof HubError) e = err;
    else if (err instanceof ZodError) e = fromZod(err);
    else if ('statusCode' in err && typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      // Body parsing and content-type errors from fastify itself.
      e = new HubError(err.statusCode === 429 ? 'rate_limited' : 'validation_failed', err.message);
      void reply.code(err.statusCode === 429 ? 429 : 400).send(errorBody(e));
      return;
    } else {
      req.log.error({ err }, 'unhandled error');
      e = new HubError('internal', `internal error (request ${req.id})`);
    }
    void reply.code(e.status).send(errorBody(e));
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send(errorBody(new HubError('not_found', `no route ${req.method} ${req.url.split('?')[0]}`)));
  });

  const sessions = new Sessions(db, now);
  const journal = new Journal(db, now);
  const customers = new CustomerDirectory(db, branch);
  let publicUrl = config.publicUrl ?? '';
  const desk = new TicketDesk(db, branch, customers, journal, now, () => publicUrl);
  const lobby = new Lobby(branch, desk, customers, journal, now, (err) => app.log.error({ err }, 'could not tell the screens about a change'));
  // Issue 4: printed tickets and pre-filled forms (kept only for config.formRetentionDays).
  const printers = new Map<string, PrinterTransport>(Object.entries(config.printers).map(([id, c]) => [id, createPrinter(c)]));
  const forms = new FormDesk(db, branch.id, branch.rules.timeZone, journal, now);
  const purge = () => {
    try {
      const n = purgeForms(db, now(), config.formRetentionDays);
      if (n > 0) app.log.info({ purged: n }, 'pre-filled forms past their retention period deleted');
    } catch (err) {
      app.log.error({ err }, 'purging old forms failed');
    }
  };
  purge();
  const purgeTimer = setInterval(purge, 3600_000);
  purgeTimer.unref();
  registerKioskCors(app); // the Electron kiosk (app://kiosk) calls the API cross-origin
  registerRoutes(app, lobby, sessions, { forms, printerFor: (id) => printers.get(id) ?? null, publicUrl: () => publicUrl });
  // Issue 3: appointments (booking codes checked in at the kiosk); the demo branch gets today's on every start.
  registerAppointmentRoutes(app, lobby, sessions, {
    seedDemo: config.demo && branch.id === DEMO_BRANCH_ID ? seedDemoAppointments : undefined,
    onError: (err) => app.log.error({ err }, 'appointment sweep failed'),
  });
  // Issue 3: branch notices for the display's marquee, pushed to every screen once sockets are up.
  const notices = new NoticeDesk(db, branch.id, journal, now, (err) => app.log.error({ err }, 'could not tell the screens about the notices'));
  registerNoticeRoutes(app, notices, sessions);
  // Issue 4: admins pair, re-key and retire the branch's kiosks and displays.
  const devices = new DeviceDesk(db, branch.id, sessions, journal, now);
  registerDeviceRoutes(app, devices, sessions);

  const staticDir = findStaticDir(config.staticDir);
  if (staticDir) {
    await app.register(fastifyStatic, { root: staticDir, index: false, wildcard: true });
    for (const route of SCREEN_ROUTES) app.get(route, (_req, reply) => reply.sendFile('index.html'));
  } else {
    for (const route of SCREEN_ROUTES) {
      app.get(route, (_req, reply) =>
        reply.code(503).type('text/plain; charset=utf-8').send('Screens are not built yet: run `npm run build` (npm start does it).'),
      );
    }
  }

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  publicUrl = config.publicUrl ?? (config.host === '0.0.0.0' ? `http://${lanAddress() ?? host}:${port}` : url);

  const realtime = new LobbyRealtime(
    app.server,
    branch.id,
    sessions,
    journal,
    {
      staffSnapshot: () => desk.staffSnapshot(journal.latestOffset(branch.id)),
      publicSnapshot: () => desk.publicSnapshot(journal.latestOffset(branch.id)),
      liveCards: () => lobby.liveCards(),
    },
    now,
  );
  lobby.realtime = realtime;
  // Notices are public: every connected screen of this branch (one hub = one branch) gets them.
  notices.publish = (list) => realtime.io.emit('notices:changed', list);
  notices.schedule();
  // A retired or re-keyed device's open screen connections end with its sessions.
  devices.onRevoked = (id) => {
    for (const socket of realtime.io.sockets.sockets.values()) {
      const who = socket.data.identity as { role?: string; subjectId?: string } | undefined;
      if (who?.subjectId === id && (who.role === 'kiosk' || who.role === 'display')) socket.disconnect(true);
    }
  };

  let closed = false;
  return {
    url,
    publicUrl,
    config,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(purgeTimer);
      notices.stop();
      await realtime.close();
      await app.close();
      db.close();
    },
  };
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

/** First IPv4 address of this machine on the branch network, for links on customers' phones. */
function lanAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}
