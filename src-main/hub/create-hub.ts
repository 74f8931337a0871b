/**
 * createHub(config): the branch hub's composition root. It builds every service once, in order —
 * database, branch, sign-in, journal, the ticket and customer stores, the socket server, the use
 * cases of each area (queue, visits and marketing, appointments, notices, devices, forms, printed
 * tickets), their HTTP handlers on the route table — and owns every timer, listener and resource
 * through one Lifecycle that close() empties. Plain Node: runs under `npm start`, under vitest and
 * inside the Electron kiosk. docs/ARCHITECTURE.md draws the rooms.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer as createPlainServer, type Server as PlainServer } from 'node:http';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { HubConfigSchema, type HubConfig, type HubConfigInput } from './config';
import { openDatabase, type Db } from './db/open';
import { branchRevision, loadBranch, reloadBranch, type Branch } from './branch';
import { BranchAdmin } from './setup/branch-admin';
import { Sessions } from './auth/sessions';
import { Journal } from './journal';
import { Lifecycle } from './lifecycle';
import { Announcer } from './broadcast';
import { CommitGroup } from './queue/commit-group';
import { CustomerDirectory } from './visits/customer-directory';
import { Visits } from './visits/visits';
import { TicketStore } from './queue/ticket-store';
import { Queue } from './queue/queue';
import { Appointments } from './appointments/appointments';
import { Notices, seedDemoNotices } from './notices/notices';
import { Devices } from './devices/devices';
import { Forms, purgeForms } from './forms/forms';
import { TicketPrinting } from './printer/ticket-printing';
import { createPrinter, type PrinterTransport } from './printer/transport';
import { LobbyRealtime } from './realtime/realtime';
import { createHttpServer, registerScreens } from './http/server';
import { registerRouteTable } from './http/route-table';
import { createHandlers } from './http/handlers';
import { DEMO_BRANCH_ID, seedDemoBranch } from './demo/seed';
import { IdentifierKey } from '../customer-data/identifier-key';
import { CustomerSnapshots } from './customers/customer-snapshots';
import { seedDemoAppointments } from './demo/appointments';
import { DEFAULT_BRANCH_RULES } from '../domain/branch-config';
import type { FastifyInstance } from 'fastify';
import type { LobbyBroadcast } from './broadcast';
import { ROUTES } from '../domain/routes';
import { businessDate } from '../domain/ticket-number';
import underPressure from '@fastify/under-pressure';
import { Readiness } from './operations/readiness';
import { SnapshotCache } from './realtime/snapshot-cache';
import { Fleet } from './devices/fleet';
import { JournalShipper } from './head-office-link/journal-shipper';
import type { LobbyState } from '../domain/head-office';
import { allows, effectiveStrength } from '../domain/identification';
import { CustomerSliceFollower, type SliceImportResult } from './head-office-link/customer-slice';
import { WalkInLookup } from './head-office-link/customer-lookup';
import { Visitors } from './customers/visitors';
import { importFeed } from './feed/import';
import { BundleApplier } from './head-office-link/bundles';
import { HubMetrics } from './operations/metrics';
import { listBackups, lockDataDir, takeBackup } from './operations/backups';
import { nightlyBackupDue } from './operations/nightly';

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
  /**
   * Imports a feed directory of customer data from head office into this data directory. The
   * command line runs `hub.js import-feed` in its own process (at a lower priority); without it,
   * the import runs in this process (the Electron shell, tests).
   */
  runFeedImport?: (feedDir: string, dataDir: string) => Promise<SliceImportResult>;
}

export class NoBranchError extends Error {
  constructor(dataDir: string) {
    super(
      `No branch is set up in ${dataDir}. Set one up from its branch file (node out/main/hub.js setup <branch-file> ` +
        `--data-dir=${dataDir}, see docs/SETUP.md), or start without --no-demo to create the demo branch.`,
    );
    this.name = 'NoBranchError';
  }
}

/** Pre-filled forms past their retention are purged this often (and at start). */
const FORM_PURGE_MS = 3600_000;
/** How often the hub looks whether an import switched the customer snapshot. */
const SNAPSHOT_FOLLOW_MS = 2_000;
/** Missed appointments are swept this often (and at start). */
const APPOINTMENT_SWEEP_MS = 60_000;
/** Counters whose tellers have all gone are closed this often. */
const COUNTER_SWEEP_MS = 60_000;
/** The outbox to head office is looked at this often (the board follows a branch within a second). */
const SHIP_MS = 500;
/** The service level head office's board shows: called within this long of the issue (as its dashboard's default). */
const SERVICE_LEVEL_TARGET_MS = 15 * 60_000;
/** The follower of head office's customer data is looked at this often (it asks head office far less often). */
const SLICE_TICK_MS = 1_000;

/** A feed from head office imported in this process (the Electron shell, tests). */
async function importInProcess(feedDir: string, dataDir: string): Promise<SliceImportResult> {
  const r = await importFeed({ dataDir, feedDir, by: 'head-office', background: false });
  return r.status === 'done' ? { status: 'done' } : { status: r.status, reason: r.reason };
}

/** Kiosks and displays gone silent are looked for this often. */
const FLEET_SWEEP_MS = 30_000;
/** The database takes a small write this often (readiness). */
const WRITE_PROBE_MS = 5_000;
/** The nightly backup's time is looked at this often. */
const BACKUP_CHECK_MS = 60_000;
/** Visit-linked data past its retention is purged daily, first a minute after start. */
const RETENTION_MS = 24 * 3600_000;
const RETENTION_FIRST_MS = 60_000;

export async function createHub(input: HubConfigInput, options: HubOptions = {}): Promise<Hub> {
  const config = HubConfigSchema.parse(input);
  const now = options.now ?? Date.now;
  mkdirSync(config.dataDir, { recursive: true });
  const unlock = lockDataDir(config.dataDir);
  const dbFile = join(config.dataDir, 'branch.db');
  let db: Db;
  try {
    db = openDatabase(dbFile);
  } catch (err) {
    unlock();
    throw err;
  }
  let log: (err: unknown, msg: string) => void = () => {};
  const life = new Lifecycle((err, job) => log(err, `background job ${job} failed`));
  life.onDispose(() => {
    db.close();
    unlock();
  });
  try {
    const branch = await openBranch(db, config, now);
    // The bank's customers: the branch key for identifiers at rest, and the live snapshot attached.
    const key = IdentifierKey.loadOrCreate(config.dataDir);
    const snapshots = new CustomerSnapshots(
      db,
      config.dataDir,
      branch.id,
      () => branch.rules,
      () => businessDate(new Date(now()), branch.rules.timeZone),
      () => life.tick(),
    );
    snapshots.open();
    life.onDispose(() => snapshots.close());
    await snapshots.tierIfStale();
    const readiness = new Readiness(db, dbFile, now);
    // Read at scrape time only: the sources below are the services built further down.
    const metrics = new HubMetrics({
      db,
      branchId: branch.id,
      timeZone: () => branch.rules.timeZone,
      now,
      socketsByRole: () => realtime.connectionsByRole(),
      fleet: () => fleet.counts(),
      outbox: () => shipper?.status() ?? null,
    });
    const { host, warning } = listenAddress(config);
    const app = createHttpServer({
      onRefusal: (code) => metrics.refused(code),
      logLevel: config.logLevel,
      https: config.tlsCert && config.tlsKey ? { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) } : null,
      onDatabaseFault: (err) => readiness.databaseFault(err),
    });
    log = (err, msg) => app.log.error({ err }, msg);
    life.onDispose(() => app.close());
    if (warning) app.log.warn(warning);
    // Event-loop delay and memory, measured for readiness; the lobby itself is never refused for being slow.
    await app.register(underPressure, {
      maxEventLoopDelay: config.maxEventLoopDelayMs,
      maxRssBytes: config.maxRssMb * 1024 * 1024,
      pressureHandler: () => undefined,
    });
    readiness.measurePressureWith(() => {
      const m = app.memoryUsage();
      return { underPressure: app.isUnderPressure(), eventLoopDelayMs: Math.round(m.eventLoopDelay), heapUsedBytes: m.heapUsed, rssBytes: m.rssBytes };
    });

    // Stores and the socket server.
    const journal = new Journal(db, now);
    const sessions = new Sessions(db, now, { journal, branchId: branch.id });
    const customers = new CustomerDirectory(db, branch, key);
    snapshots.onSwitched(() => customers.snapshotSwitched());
    const urls = { public: config.publicUrl ?? '' };
    const tickets = new TicketStore(db, branch, customers, journal, now, () => urls.public);
    const visits = new Visits(db, branch, tickets, customers, journal, now);
    // Queue snapshots are built once per journal offset (and at most a few seconds old), however many screens ask.
    const snapshotCache = new SnapshotCache(() => journal.latestOffset(branch.id), now, {
      staff: (offset) => tickets.staffSnapshot(offset),
      public: (offset) => tickets.publicSnapshot(offset),
    });
    const fleet = new Fleet(db, branch.id, journal, now, (kind) => metrics.deviceAlert(kind));
    // The outbox to head office, when this branch has one: the lobby never waits on it.
    const waitingNow = db.prepare("SELECT count(*) FROM ticket WHERE branch_id = ? AND business_date = ? AND status = 'waiting'").pluck();
    // The board's other figures of the lobby now (head office's branches board).
    const oldestWaiting = db.prepare("SELECT MIN(issued_at) FROM ticket WHERE branch_id = ? AND business_date = ? AND status = 'waiting'").pluck();
    const calledWithin = db.prepare(
      'SELECT SUM(CASE WHEN called_at - issued_at <= ? THEN 1 ELSE 0 END) AS within, COUNT(*) AS called FROM ticket WHERE branch_id = ? AND business_date = ? AND called_at IS NOT NULL',
    );
    const countersOpen = db.prepare("SELECT count(*) FROM counter_state WHERE branch_id = ? AND state = 'open'").pluck();
    // A bundle's display notices go to the branch's notices (built below, with the screens' announcer).
    const bundles = new BundleApplier(db, branch.id, journal, now, () => notices);
    const shipper: JournalShipper | null =
      config.headOfficeUrl && config.headOfficeCredential
        ? new JournalShipper(
            db,
            branch.id,
            (): LobbyState => {
              const date = businessDate(new Date(now()), branch.rules.timeZone);
              const t = now();
              const oldest = oldestWaiting.get(branch.id, date) as number | null;
              const sl = calledWithin.get(SERVICE_LEVEL_TARGET_MS, branch.id, date) as { within: number | null; called: number };
              const lag = shipper ? Object.values(shipper.status().lag).reduce((n: number, x: number) => n + x, 0) : 0;
              return {
                branchName: branch.name,
                timeZone: branch.rules.timeZone,
                businessDate: date,
                waitingNow: waitingNow.get(branch.id, date) as number,
                bundleVersion: bundles.running(),
                longestWaitSeconds: oldest === null ? 0 : Math.max(0, Math.round((t - oldest) / 1000)),
                serviceLevel: sl.called ? (sl.within ?? 0) / sl.called : null,
                countersOpen: countersOpen.get(branch.id) as number,
                outboxLag: lag,
              };
            },
            {
              url: config.headOfficeUrl,
              credential: config.headOfficeCredential,
              now,
              onProblem: (m) => app.log.warn(m),
              exposed: (identification, confirmedAt) => allows(branch.rules.identification, 'holdings', effectiveStrength(identification ?? 'typed', confirmedAt)),
              bundles,
              onBundle: (version, outcome) => {
                if (outcome.applied) {
                  customers.catalogueChanged();
                  app.log.info({ version, changes: outcome.changes }, 'bundle from head office applied');
                } else app.log.warn({ version, reason: outcome.reason }, 'bundle from head office refused; the last good one stays');
              },
            },
          )
        : null;
    const realtime = new LobbyRealtime(
      app.server,
      branch.id,
      sessions,
      journal,
      {
        staffSnapshot: () => snapshotCache.staff(),
        publicSnapshot: () => snapshotCache.public(),
        liveCards: () => visits.liveCards(),
        trackedTicket: (token) => tickets.byTrackToken(token)?.id ?? null,
        track: (token) => tickets.track(token),
        deviceConnected: (id) => fleet.connected(id),
        deviceDisconnected: (id) => fleet.disconnected(id),
        deviceHeartbeat: (id, hb) => fleet.heartbeat(id, hb),
      },
      now,
      life,
    );
    life.onDispose(() => realtime.close());
    instrumentHttp(app, metrics);
    fleet.tell({
      changed: (d) => realtime.fleetChanged(d),
      alert: (a) => announcer.tell((b) => b.lobbyAlert(a)),
      reload: (id) => realtime.reloadDevice(id),
    });
    // What the screens are told, with each card delivery timed from its ticket's issue for the metrics.
    const broadcast: LobbyBroadcast = {
      queueChanged: () => realtime.queueChanged(),
      ticketCalled: (call) => realtime.ticketCalled(call),
      pushCard: (card, audited) => {
        realtime.pushCard(card, audited);
        metrics.cardPushed(card.issuedAt);
      },
      cardViewers: () => realtime.cardViewers(),
      withdrawCard: (w) => realtime.withdrawCard(w),
      greenChannelRouted: (d) => realtime.greenChannelRouted(d),
      noticesChanged: (n) => realtime.noticesChanged(n),
      deviceRevoked: (id) => realtime.deviceRevoked(id),
      lobbyAlert: (a) => realtime.lobbyAlert(a),
    };
    const announcer = new Announcer(broadcast, (err) => app.log.error({ err }, 'could not tell the screens about a change'));

    // The use cases of each area.
    const queue = new Queue(db, branch, tickets, visits, journal, announcer, now);
    // A walk-in customer of another branch is looked up at head office before their ticket is issued.
    const walkIns =
      config.headOfficeUrl && config.headOfficeCredential
        ? new WalkInLookup({
            url: config.headOfficeUrl,
            credential: config.headOfficeCredential,
            branchId: branch.id,
            journal,
            visitors: new Visitors(db, key),
            knownHere: (kind, value) => {
              const m = customers.match(kind, value);
              return m.customer !== null || m.shared;
            },
            tiering: () => branch.rules.tiering,
            today: () => businessDate(new Date(now()), branch.rules.timeZone),
            alert: (a) => announcer.tell((b) => b.lobbyAlert(a)),
            now,
            onProblem: (m) => app.log.warn(m),
            timeoutMs: config.customerLookupTimeoutMs,
          })
        : null;
    const issuing = new CommitGroup(db, announcer, { soon: (fn) => life.soon(fn), after: (ms, fn) => void life.after(ms, fn) });
    life.onDispose(() => issuing.close());
    const appointments = new Appointments(db, branch, queue, customers, journal, now, {
      seedDemo: config.demo && branch.id === DEMO_BRANCH_ID ? seedDemoAppointments : undefined,
    });
    const notices = new Notices(db, branch.id, journal, now, announcer, life);
    const devices = new Devices(db, branch.id, sessions, journal, now, announcer);
    const forms = new Forms(db, branch.id, branch.rules.timeZone, journal, now, () => branch.rules.identification, key);
    const printers = new Map<string, PrinterTransport>(Object.entries(config.printers).map(([id, c]) => [id, createPrinter(c)]));
    const printing = new TicketPrinting(branch, tickets, printers, () => urls.public);
    // The set-up changed (the admin screen here, or `hub.js setup` in another process): read the
    // branch again into the object every service holds, tier under new rules, tell the screens.
    let revision = branchRevision(db, branch.id);
    const setupChanged = async () => {
      revision = branchRevision(db, branch.id);
      reloadBranch(db, branch);
      await snapshots.tierIfStale();
      announcer.tell((b) => b.queueChanged());
    };
    const branchAdmin = new BranchAdmin(db, branch, sessions, journal, now, setupChanged);

    // Background jobs, all owned by the lifecycle.
    life.job(
      'forms.purge',
      FORM_PURGE_MS,
      () => {
        const n = purgeForms(db, now(), config.formRetentionDays);
        if (n > 0) app.log.info({ purged: n }, 'pre-filled forms past their retention period deleted');
      },
      { runNow: true },
    );
    // An import (another process) switched the snapshot: attach the new one within seconds.
    life.job('customers.follow', SNAPSHOT_FOLLOW_MS, () => snapshots.follow());
    life.job('branch.follow', SNAPSHOT_FOLLOW_MS, () => (branchRevision(db, branch.id) !== revision ? setupChanged() : undefined));
    life.job('appointments.sweep', APPOINTMENT_SWEEP_MS, () => appointments.sweep(), { runNow: true });
    life.job('fleet.sweep', FLEET_SWEEP_MS, () => fleet.sweep());
    if (shipper) life.job('head-office.ship', SHIP_MS, () => shipper.tick(), { runNow: true });
    // The branch's slice of the bank's customer data, when head office has one for it.
    if (config.headOfficeUrl && config.headOfficeCredential) {
      const slices = new CustomerSliceFollower(db, config.dataDir, branch.id, {
        url: config.headOfficeUrl,
        credential: config.headOfficeCredential,
        now,
        checkEveryMs: config.customerFeedCheckMs,
        runImport: (dir) => (options.runFeedImport ?? importInProcess)(dir, config.dataDir),
        onProblem: (m) => app.log.warn(m),
        onLoaded: (feedId, r) =>
          r.status === 'refused'
            ? app.log.error({ feedId, reason: r.reason }, 'customer data from head office refused; the branch keeps the data it has')
            : app.log.info({ feedId, status: r.status }, 'customer data from head office loaded'),
      });
      life.job('head-office.customer-feed', SLICE_TICK_MS, () => slices.tick(), { runNow: true });
    }
    life.job('database.probe', WRITE_PROBE_MS, () => {
      if (!readiness.probe()) app.log.error({ problem: readiness.state().database.problem }, 'the branch database does not take writes');
    });
    // The nightly backup, at the configured branch time, once per business day.
    // The day of the newest nightly backup on disk: a restart does not take that day's again.
    const newestNightly = listBackups(config.dataDir).find((b) => b.reason === 'nightly');
    let lastBackupDate: string | null = newestNightly ? businessDate(new Date(newestNightly.at), branch.rules.timeZone) : null;
    if (config.backupAt !== 'off') {
      life.job('backup.nightly', BACKUP_CHECK_MS, async () => {
        const due = nightlyBackupDue(new Date(now()), branch.rules.timeZone, config.backupAt, lastBackupDate);
        if (!due) return;
        lastBackupDate = due;
        const b = await takeBackup(db, config.dataDir, 'nightly', { keep: config.backupKeep, now: new Date(now()) });
        if (b.check.ok) app.log.info({ dir: b.dir, bytes: b.bytes }, 'nightly backup taken and checked');
        else app.log.error({ dir: b.dir, problems: b.check.problems }, 'nightly backup taken but its integrity check failed');
      });
    }
    // A counter opened by a teller's sign-in closes once no teller is signed in at it (expired sessions too).
    life.job('counters.unattended', COUNTER_SWEEP_MS, () => queue.closeAllUnattended());
    life.job(
      'visits.retention',
      RETENTION_MS,
      () => {
        visits.closeEndedVisits();
        const r = visits.purge();
        if (Object.values(r.deleted).some((n) => n > 0)) app.log.info({ cutoff: r.cutoff, deleted: r.deleted }, 'visit-linked data past its retention period deleted');
      },
      { firstAfterMs: RETENTION_FIRST_MS },
    );
    notices.schedule();

    // HTTP: the route table, then the screens.
    registerRouteTable(
      app,
      ROUTES,
      createHandlers({
        branch,
        sessions,
        journal,
        queue,
        staffSnapshot: () => snapshotCache.staff(),
        issuing,
        walkIns,
        visits,
        appointments,
        notices,
        devices,
        forms,
        printing,
        branchAdmin,
        log: app.log,
        readiness,
        metrics,
        fleet,
        startedAt: now(),
        now,
      }),
      sessions,
    );
    await registerScreens(app, config.staticDir);

    await app.listen({ port: config.port, host });
    if (config.metricsListen) await listenForScraper(config.metricsListen, metrics, life);
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const scheme = config.tlsCert ? 'https' : 'http';
    const local = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    const url = `${scheme}://${local.includes(':') ? `[${local}]` : local}:${port}`;
    urls.public = config.publicUrl ?? (host === '0.0.0.0' ? `${scheme}://${lanAddress() ?? local}:${port}` : url);

    return { url, publicUrl: urls.public, config, close: () => life.dispose() };
  } catch (err) {
    await life.dispose();
    throw err;
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Where the hub listens: on the branch network only over HTTPS (a certificate and key configured),
 * or over plain HTTP when branch IT says so (`--insecure-lan`); otherwise on loopback only, with a warning.
 */
export function listenAddress(config: Pick<HubConfig, 'host' | 'tlsCert' | 'insecureLan'>): { host: string; warning: string | null } {
  if (config.tlsCert || LOOPBACK.has(config.host)) return { host: config.host, warning: null };
  if (config.insecureLan) {
    return { host: config.host, warning: `plain HTTP on ${config.host} (--insecure-lan): PINs, tokens and customer cards cross the branch network unencrypted. Configure a certificate (docs/OPERATIONS.md).` };
  }
  return {
    host: '127.0.0.1',
    warning:
      `no certificate configured: the hub answers plain HTTP on 127.0.0.1 only, not on ${config.host}. Tablets, displays and kiosks on the ` +
      'branch network need HTTPS: set LOBBY_TLS_CERT and LOBBY_TLS_KEY (docs/OPERATIONS.md), or --insecure-lan to allow plain HTTP there.',
  };
}

/** HTTP latency by route pattern, from fastify's hook. */
function instrumentHttp(app: FastifyInstance, metrics: HubMetrics): void {
  app.addHook('onResponse', async (req, reply) => {
    metrics.httpAnswered(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
}

/** The scraper's own address: /metrics without a token, nothing else. */
async function listenForScraper(address: string, metrics: HubMetrics, life: Lifecycle): Promise<void> {
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at).replace(/^\[|\]$/g, '');
  const port = Number(address.slice(at + 1));
  const server: PlainServer = createPlainServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found', reason: 'no_route', message: 'only GET /metrics here' } }));
      return;
    }
    metrics.text().then(
      (text) => res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' }).end(text),
      () => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'internal', reason: 'internal', message: 'metrics failed' } })),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  life.onDispose(() => new Promise<void>((resolve) => server.close(() => resolve())));
}

/** The branch in the database; an empty database becomes the demo branch when the demo is on. */
async function openBranch(db: Db, config: HubConfig, now: () => number): Promise<Branch> {
  let branch = loadBranch(db);
  if (!branch && config.demo) {
    await seedDemoBranch(db, config.dataDir, { customers: config.demoCustomers, today: businessDate(new Date(now()), DEFAULT_BRANCH_RULES.timeZone) });
    branch = loadBranch(db);
    if (branch) seedDemoNotices(db, branch.id, now());
  }
  if (!branch) throw new NoBranchError(config.dataDir);
  return branch;
}

/** First IPv4 address of this machine on the branch network, for links on customers' phones. */
function lanAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}
