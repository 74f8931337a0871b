/**
 * createHub(config): the branch hub's composition root. It builds every service once, in order —
 * database, branch, sign-in, journal, the ticket and customer stores, the socket server, the use
 * cases of each area (queue, visits and marketing, appointments, notices, devices, forms, printed
 * tickets), their HTTP handlers on the route table — and owns every timer, listener and resource
 * through one Lifecycle that close() empties. Plain Node: runs under `npm start`, under vitest and
 * inside the Electron kiosk. docs/ARCHITECTURE.md draws the rooms.
 */
import { mkdirSync } from 'node:fs';
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
import { BranchKey } from './customers/branch-key';
import { CustomerSnapshots } from './customers/customer-snapshots';
import { seedDemoAppointments } from './demo/appointments';
import { DEFAULT_BRANCH_RULES } from '../domain/branch-config';
import { ROUTES } from '../domain/routes';
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
/** Visit-linked data past its retention is purged daily, first a minute after start. */
const RETENTION_MS = 24 * 3600_000;
const RETENTION_FIRST_MS = 60_000;

export async function createHub(input: HubConfigInput, options: HubOptions = {}): Promise<Hub> {
  const config = HubConfigSchema.parse(input);
  const now = options.now ?? Date.now;
  mkdirSync(config.dataDir, { recursive: true });
  const db = openDatabase(join(config.dataDir, 'branch.db'));
  let log: (err: unknown, msg: string) => void = () => {};
  const life = new Lifecycle((err, job) => log(err, `background job ${job} failed`));
  life.onDispose(() => {
    db.close();
  });
  try {
    const branch = await openBranch(db, config, now);
    // The bank's customers: the branch key for identifiers at rest, and the live snapshot attached.
    const key = BranchKey.loadOrCreate(config.dataDir);
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
    const app = createHttpServer({ logLevel: config.logLevel });
    log = (err, msg) => app.log.error({ err }, msg);
    life.onDispose(() => app.close());

    // Stores and the socket server.
    const journal = new Journal(db, now);
    const sessions = new Sessions(db, now, { journal, branchId: branch.id });
    const customers = new CustomerDirectory(db, branch, key);
    snapshots.onSwitched(() => customers.snapshotSwitched());
    const urls = { public: config.publicUrl ?? '' };
    const tickets = new TicketStore(db, branch, customers, journal, now, () => urls.public);
    const visits = new Visits(db, branch, tickets, customers, journal, now);
    const realtime = new LobbyRealtime(
      app.server,
      branch.id,
      sessions,
      journal,
      {
        staffSnapshot: () => tickets.staffSnapshot(journal.latestOffset(branch.id)),
        publicSnapshot: () => tickets.publicSnapshot(journal.latestOffset(branch.id)),
        liveCards: () => visits.liveCards(),
        trackedTicket: (token) => tickets.byTrackToken(token)?.id ?? null,
        track: (token) => tickets.track(token),
      },
      now,
      life,
    );
    life.onDispose(() => realtime.close());
    const announcer = new Announcer(realtime, (err) => app.log.error({ err }, 'could not tell the screens about a change'));

    // The use cases of each area.
    const queue = new Queue(db, branch, tickets, visits, journal, announcer, now);
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
      createHandlers({ branch, sessions, journal, queue, visits, appointments, notices, devices, forms, printing, branchAdmin, log: app.log }),
      sessions,
    );
    await registerScreens(app, config.staticDir);

    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    urls.public = config.publicUrl ?? (config.host === '0.0.0.0' ? `http://${lanAddress() ?? host}:${port}` : url);

    return { url, publicUrl: urls.public, config, close: () => life.dispose() };
  } catch (err) {
    await life.dispose();
    throw err;
  }
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
