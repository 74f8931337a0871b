/**
 * One handler per route of the route table (domain/routes.ts), typed against it: the compiler
 * refuses a missing route, a wrong answer type or a body the route does not declare. Each handler
 * only passes the parsed input and the caller to one use case; authentication, parsing and error
 * answers are done by the route table (route-table.ts) and the server (server.ts).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Branch } from '../branch';
import { branchInfo } from '../branch';
import type { Sessions } from '../auth/sessions';
import type { AuditFilter, Journal } from '../journal';
import type { AuditEntry, QueueSnapshot } from '../../domain/contracts';
import { zonedInstant } from '../../domain/appointments';
import { addDaysIso } from '../../domain/reminders';
import { toCsv } from '../../domain/measures';
import type { WalkInLookup } from '../head-office-link/customer-lookup';
import type { CommitGroup } from '../queue/commit-group';
import type { Queue } from '../queue/queue';
import type { Visits } from '../visits/visits';
import type { Appointments } from '../appointments/appointments';
import type { Notices } from '../notices/notices';
import type { Devices } from '../devices/devices';
import type { Forms } from '../forms/forms';
import type { BranchAdmin } from '../setup/branch-admin';
import { RECEIPT_CONTENT_TYPES, type TicketPrinting } from '../printer/ticket-printing';
import type { Handlers } from './route-table';
import type { Readiness } from '../operations/readiness';
import type { Fleet } from '../devices/fleet';
import type { HubMetrics } from '../operations/metrics';
import { APP_VERSION } from '../../domain/version';

export interface HandlerServices {
  branch: Branch;
  sessions: Sessions;
  journal: Journal;
  queue: Queue;
  /** The staff queue snapshot now (realtime/snapshot-cache.ts). */
  staffSnapshot: () => QueueSnapshot;
  /** Tickets issued together are committed together (queue/commit-group.ts). */
  issuing: CommitGroup;
  /** Walk-in customers of other branches looked up at head office (none: no head office). */
  walkIns: WalkInLookup | null;
  visits: Visits;
  appointments: Appointments;
  notices: Notices;
  devices: Devices;
  forms: Forms;
  printing: TicketPrinting;
  branchAdmin: BranchAdmin;
  log: FastifyBaseLogger;
  readiness: Readiness;
  metrics: HubMetrics;
  fleet: Fleet;
  startedAt: number;
  now: () => number;
}

const NO_STORE = 'no-store';

/** Business dates (branch time, both included) as instants, and the action prefix. */
function auditFilter(branch: Branch, q: { from?: string; to?: string; action?: string }): AuditFilter {
  const tz = branch.rules.timeZone;
  return {
    ...(q.from ? { fromMs: zonedInstant(q.from, '00:00', tz) } : {}),
    ...(q.to ? { toMs: zonedInstant(addDaysIso(q.to, 1), '00:00', tz) } : {}),
    ...(q.action ? { action: q.action } : {}),
  };
}

/** The audit log as CSV (UTF-8 with a byte-order mark, RFC 4180 quoting), oldest first. */
function auditCsv(entries: readonly AuditEntry[]): string {
  const rows = [...entries].reverse().map((e) => [e.id, e.at, e.actor, e.role, e.device, e.action, e.subject, JSON.stringify(e.detail)]);
  return toCsv([['id', 'at', 'actor', 'role', 'device', 'action', 'subject', 'detail'], ...rows]);
}

export function createHandlers(s: HandlerServices): Handlers {
  const { queue, visits } = s;
  return {
    // ---------------------------------------------------------- health, sign-in, branch
    live: () => ({ status: 'alive', uptimeSeconds: Math.round((s.now() - s.startedAt) / 1000), version: APP_VERSION }),
    ready: () => s.readiness.answer(),
    health: () => s.readiness.answer(),
    metrics: async ({ answer }) => {
      answer.type(s.metrics.contentType);
      answer.header('cache-control', NO_STORE);
      return s.metrics.text();
    },
    login: async ({ body, address }) => {
      const res = await s.sessions.login(body, { address });
      // A teller who must change their PIN first is not at the counter yet.
      if (res.role === 'teller' && 'staffId' in body && !res.mustChangePin) queue.tellerSignedIn({ subjectId: body.staffId, role: res.role, counterId: res.counterId });
      return res;
    },
    changePin: async ({ body, who, address }) => {
      await s.sessions.changePin(who, body.currentPin, body.newPin, { address });
      if (who.role === 'teller' && who.counterId !== null) queue.tellerSignedIn({ subjectId: who.subjectId, role: who.role, counterId: who.counterId });
      return s.sessions.describe(who);
    },
    logout: ({ who }) => {
      s.sessions.logoutSession(who);
      if (who.role === 'teller' && who.counterId !== null) queue.closeUnattended(who.counterId, who.subjectId);
      return null;
    },
    branch: () => branchInfo(s.branch),

    // ---------------------------------------------------------- tickets and the queue
    issueTicket: async ({ body, who, answer }) => {
      // With a head office, a number unknown here is looked up there first: the attempt is counted
      // (and refused over the limit) before anything leaves the branch.
      const { counted, outcome } = s.walkIns ? await s.walkIns.lookUpOnce(body, who, () => queue.countIdentification(body, who)) : { counted: false, outcome: null };
      const result = await s.issuing.run(() => queue.issue(body, who, {}, undefined, { identificationCounted: counted }));
      s.walkIns?.afterIssue(outcome, result, who);
      answer.status(result.created ? 201 : 200);
      // The place in line is read after the commit: tickets committed together share one forecast.
      return { ticket: result.ticket };
    },
    track: ({ params }) => queue.tickets.track(params.token),
    giveUpTicket: ({ params }) => queue.cancelByCustomer(params.token),
    // The same snapshot the sockets get (built once per change), so a delta that follows fits it.
    queue: () => s.staffSnapshot(),
    callNext: ({ params, who }) => queue.callNext(params.counterId, who),
    callTicket: ({ params, who }) => queue.callTicket(params.counterId, params.id, who),
    currentTicket: ({ params, who }) => queue.current(params.counterId, who),
    completeTicket: ({ params, body, who }) => queue.endVisit(params.id, 'completed', who, body?.outcome ?? null),
    noShow: ({ params, who }) => queue.endVisit(params.id, 'no_show', who),
    recall: ({ params, who }) => queue.recall(params.id, who),
    startServing: ({ params, who }) => queue.startServing(params.id, who),
    transfer: ({ params, body, who }) => queue.transfer(params.id, body, who),
    park: ({ params, who }) => queue.park(params.id, who),
    resume: ({ params, who }) => queue.resume(params.id, who),
    parked: () => queue.parked(),
    moveToGreenChannel: ({ params, body, who }) => queue.moveToGreenChannel(params.id, body.reason, who),
    confirmIdentity: ({ params, body, who }) => queue.confirmIdentity(params.id, body.check, who),
    greenChannelToday: () => ({ decisions: queue.greenChannelToday() }),

    // ---------------------------------------------------------- counters
    counters: () => ({ counters: queue.counters() }),
    openCounter: ({ params, who }) => queue.setCounterState(params.counterId, 'open', null, null, who),
    pauseCounter: ({ params, body, who }) => queue.setCounterState(params.counterId, 'paused', body.reason, body.note ?? null, who),
    closeCounter: ({ params, who }) => queue.setCounterState(params.counterId, 'closed', null, null, who),
    setCounterServices: ({ params, body, who }) => queue.setCounterServices(params.counterId, body.services, who),

    // ---------------------------------------------------------- measures
    measuresToday: () => queue.measuresToday(),
    measuresCsv: ({ answer }) => {
      const { fileName, csv } = queue.measuresCsv();
      answer.type('text/csv; charset=utf-8');
      answer.header('content-disposition', `attachment; filename="${fileName}"`);
      answer.header('cache-control', NO_STORE);
      return csv;
    },

    // ---------------------------------------------------------- customer cards, offers and marketing
    cards: ({ who }) => ({ cards: visits.liveCardsFor(who) }),
    card: ({ params, who }) => visits.cardFor(params.id, who),
    recordOutcome: ({ params, body, who }) => visits.recordOutcome(params.id, params.productCode, body.outcome, body.note, who),
    reveal: ({ params, body, who }) => visits.reveal(params.id, body, who),
    importConversions: ({ body, who }) => visits.importConversions(body.csv, body.asOf, who),
    campaignReport: ({ query }) => visits.report(query.from, query.to),

    // ---------------------------------------------------------- audit
    audit: ({ query, who }) => ({ entries: s.journal.listAudit(who.branchId, query.limit, query.before, auditFilter(s.branch, query)) }),
    auditCsv: ({ query, who, answer }) => {
      const entries = s.journal.listAudit(who.branchId, 100_000, undefined, auditFilter(s.branch, query));
      answer.type('text/csv; charset=utf-8');
      answer.header('content-disposition', `attachment; filename="audit-${query.from ?? 'all'}-${query.to ?? 'now'}.csv"`);
      answer.header('cache-control', NO_STORE);
      return auditCsv(entries);
    },

    // ---------------------------------------------------------- printed tickets
    receipt: ({ params, query, who, answer }) => {
      const body = s.printing.receipt(params.id, query.format, who);
      answer.type(RECEIPT_CONTENT_TYPES[query.format]);
      answer.header('cache-control', NO_STORE);
      return body;
    },
    printTicket: async ({ params, who }) => {
      const result = await s.printing.print(params.id, who);
      if (!result.printed && result.status !== 'none') s.log.warn({ device: who.subjectId, status: result.status }, 'ticket not printed');
      return result;
    },
    printerStatus: async ({ who }) => ({ status: await s.printing.status(who) }),

    // ---------------------------------------------------------- pre-filled forms
    formPrefill: ({ params, who }) => s.forms.kioskInfo(params.id, who),
    submitForm: ({ params, body, who }) => s.forms.submit(params.id, body.formId, body.values, who),
    tellerForm: ({ params, who }) => s.forms.forTeller(params.id, who),
    markFieldsUsed: ({ params, body, who }) => s.forms.markUsed(params.id, body.keys, who),
    markFieldUsed: ({ params, who }) => s.forms.markUsed(params.id, [params.key], who),

    // ---------------------------------------------------------- appointments
    bookAppointment: ({ body, who, answer }) => {
      answer.status(201);
      return { appointment: s.appointments.create(body, who) };
    },
    appointments: ({ query }) => s.appointments.list(query.date),
    appointment: ({ params }) => ({ appointment: s.appointments.view(params.id) }),
    cancelAppointment: ({ params, body, who }) => ({ appointment: s.appointments.cancel(params.id, body?.reason ?? null, who) }),
    checkIn: ({ body, who, answer }) => {
      const { response, created } = s.appointments.checkIn(body, who);
      answer.status(created ? 201 : 200);
      return response;
    },

    // ---------------------------------------------------------- branch notices
    notices: () => s.notices.active(),
    allNotices: () => s.notices.list(),
    addNotice: ({ body, who, answer }) => {
      answer.status(201);
      return s.notices.create(body, who);
    },
    reorderNotices: ({ body, who }) => ({ notices: s.notices.reorder(body.ids, who) }),
    updateNotice: ({ params, body, who }) => s.notices.update(params.id, body, who),
    removeNotice: ({ params, who }) => {
      s.notices.remove(params.id, who);
      return null;
    },

    // ---------------------------------------------------------- devices
    devices: () => ({ devices: s.devices.list() }),
    // ---------------------------------------------------------- staff, branch set-up, feeds
    listStaff: () => ({ staff: s.branchAdmin.staffList() }),
    addStaff: ({ body, who, answer }) => {
      answer.status(201);
      answer.header('cache-control', NO_STORE);
      return s.branchAdmin.addStaff(body, who);
    },
    updateStaff: ({ params, body, who }) => s.branchAdmin.updateStaff(params.id, body, who),
    resetStaffPin: ({ params, who, answer }) => {
      answer.header('cache-control', NO_STORE);
      return s.branchAdmin.resetPin(params.id, who);
    },
    branchSetup: () => s.branchAdmin.setupText(),
    checkBranchSetup: ({ body }) => s.branchAdmin.checkSetup(body.yaml),
    applyBranchSetup: ({ body, who }) => s.branchAdmin.applySetup(body.yaml, body.revision, who),
    feeds: () => s.branchAdmin.feeds(),

    pairDevice: ({ body, who, answer }) => {
      answer.status(201);
      answer.header('cache-control', NO_STORE);
      return s.devices.pair(body, { actor: who.subjectId, role: who.role, device: who.device });
    },
    rekeyDevice: ({ params, who, answer }) => {
      answer.header('cache-control', NO_STORE);
      return s.devices.rekey(params.id, { actor: who.subjectId, role: who.role, device: who.device });
    },
    retireDevice: ({ params, who }) => s.devices.retire(params.id, { actor: who.subjectId, role: who.role, device: who.device }),
    fleet: () => ({ devices: s.fleet.list() }),
    reloadDevice: ({ params, who }) => s.fleet.reload(params.id, who),
    unlockStaff: ({ params, who }) => s.sessions.unlock(params.id, who),
  };
}
