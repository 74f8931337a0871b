/**
 * The typed contract shared by hub and screens: request/response schemas of the HTTP API
 * (docs/API.md) and the socket.io event maps. Everything a person or a device sends is parsed
 * with these schemas; screens use the inferred types.
 */
import { z } from 'zod';
import type { FeedRunInfo } from './feed';
import { LanguageSchema } from './branch-config';
import { isValidIdentity, normalizeIdentityValue, type IdentityKind } from './identity';
import { isBookingCode, normalizeBookingCode, type AppointmentRules, type AppointmentStatus } from './appointments';
import type { Reminder } from './reminders';
import { FormIdSchema, type FieldType, type FormId } from './forms';
import type { OfferReason } from './offers';
import type { CardAction } from './next-best-action';
import type { ControlGroup } from './control-groups';
import type { CampaignReportData } from './campaign-report';
import type { ProductCategory, LifeStage } from './products';
import type { Tier } from './tiering';
import type { PriorityReason, TicketClass, TicketRoute, TicketStatus } from './queue';
import { PlacementSchema, type Placement } from './queue-policy';
import { calendarDate } from './dates';
import { IdentityCheckSchema, IdentityMethodSchema, type IdentificationStrength, type IdentityCheck } from './identification';

export type { CardAction, ControlGroup };
export type { Ack, ClientToServerEvents, ServerToClientEvents } from './events';
export type { Reminder, OfferReason, ProductCategory, LifeStage, Tier, TicketClass, TicketRoute, TicketStatus, PriorityReason, Placement };
export { LanguageSchema };
export type { Language, LocalizedText } from './branch-config';

// ---------------------------------------------------------------- auth

export const StaffRoleSchema = z.enum(['manager', 'teller', 'admin']);
export const DeviceKindSchema = z.enum(['kiosk', 'display']);
export const RoleSchema = z.enum(['manager', 'teller', 'admin', 'kiosk', 'display']);
export type Role = z.infer<typeof RoleSchema>;

export const StaffLoginSchema = z.strictObject({
  staffId: z.string().trim().min(1).max(32),
  pin: z.string().regex(/^\d{4,8}$/, 'PIN is 4-8 digits'),
  /** Tellers may sign in at another counter than their usual one. */
  counterId: z.number().int().positive().optional(),
});
export const DeviceLoginSchema = z.strictObject({
  deviceId: z.string().trim().min(1).max(64),
  secret: z.string().min(1).max(128),
});
export const LoginRequestSchema = z.union([StaffLoginSchema, DeviceLoginSchema]);
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

export interface LoginResponse {
  token: string;
  role: Role;
  branchId: string;
  /** Staff name or device id. */
  displayName: string;
  /** The staff id or device id signed in. */
  subjectId: string;
  counterId: number | null;
  expiresAt: string;
  /**
   * The PIN was set by an administrator (the branch file, a reset): this session may only change
   * it (POST /api/v1/auth/change-pin) and sign out until it is changed.
   */
  mustChangePin: boolean;
}

export const ChangePinRequestSchema = z.strictObject({
  currentPin: z.string().regex(/^\d{4,8}$/, 'currentPin is 4-8 digits'),
  newPin: z.string().regex(/^\d{4,8}$/, 'newPin is 4-8 digits'),
});
export type ChangePinRequest = z.infer<typeof ChangePinRequestSchema>;
/** The session after a PIN change: the same token, no longer limited to changing the PIN. */
export type ChangePinResponse = Omit<LoginResponse, 'token'>;

// ---------------------------------------------------------------- errors

export type ErrorCode =
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'uri_too_long'
  | 'headers_too_large'
  | 'request_timeout'
  | 'unavailable'
  | 'internal';

/** The HTTP status of each error code, the same at a branch hub and at head office. */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  uri_too_long: 414,
  headers_too_large: 431,
  request_timeout: 408,
  unavailable: 503,
  internal: 500,
};

/**
 * Why a request was refused, for screens to say in their own words (the message is English for
 * logs and scripts). Some reasons come with values (`number`, `counterId`, `status`, ...), which
 * the error body carries next to `code` and `message`.
 */
export type ErrorReason =
  // sign-in and roles
  | 'sign_in_required'
  | 'wrong_credentials'
  | 'too_many_sign_ins'
  | 'role_not_allowed'
  | 'pin_change_required'
  | 'wrong_pin'
  | 'pin_format'
  | 'pin_repeated'
  | 'pin_run'
  | 'pin_unchanged'
  | 'not_a_teller'
  | 'staff_exists'
  | 'staff_not_found'
  | 'own_account'
  | 'last_admin'
  | 'setup_changed'
  | 'counter_required'
  | 'unknown_counter'
  | 'other_counter'
  | 'other_kiosk'
  // input
  | 'invalid_input'
  | 'vip_only_service'
  | 'invalid_period'
  | 'booking_in_past'
  | 'booking_too_far_ahead'
  | 'booking_window_passed'
  | 'notice_end_past'
  // things that do not exist (or no longer may be seen)
  | 'no_route'
  | 'ticket_not_found'
  | 'service_not_found'
  | 'counter_not_found'
  | 'customer_not_found'
  | 'customer_card_not_found'
  | 'visit_ended'
  | 'offer_not_found'
  | 'device_not_found'
  | 'appointment_not_found'
  | 'notice_not_found'
  | 'form_not_found'
  | 'form_field_not_found'
  // the state of things does not allow it
  | 'guest_ticket'
  | 'not_waiting'
  | 'not_called'
  | 'not_called_here'
  | 'called_elsewhere'
  | 'not_for_counter'
  | 'ticket_parked'
  | 'not_parked'
  | 'already_serving'
  | 'other_day'
  | 'counter_not_open'
  | 'counter_busy'
  | 'green_channel_off'
  | 'already_green'
  | 'contact_cap'
  | 'device_exists'
  | 'appointments_disabled'
  | 'appointment_past_day'
  | 'appointment_not_cancellable'
  | 'appointment_changed'
  | 'request_id_reused'
  | 'too_many_notices'
  | 'notice_order_mismatch'
  | 'head_office_notice'
  | 'form_not_offered'
  | 'too_many_identifications'
  | 'visit_closed'
  | 'identity_unconfirmed'
  | 'invalid_file'
  | 'body_too_large'
  | 'too_many_requests'
  | 'bad_url'
  | 'url_too_long'
  | 'malformed_request'
  | 'not_ready'
  | 'overloaded'
  | 'database_unwritable'
  | 'account_locked'
  | 'address_throttled'
  | 'no_free_number'
  | 'not_found'
  | 'state_conflict'
  // appointment check-in at the kiosk
  | CheckInRefusal
  // anything else
  | 'internal';

/** Values that come with a reason (a ticket number, a counter, a status, a time ...). */
export type ErrorParams = Record<string, string | number | boolean | null>;

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    reason?: ErrorReason;
    details?: { path: string; message: string }[];
    /** The request's id, the same as in the hub's log lines about it (`reqId`). */
    requestId?: string;
    /** The reason's values, when it has any. */
    [param: string]: unknown;
  };
}

// ---------------------------------------------------------------- operations

/** `GET /livez`: the process runs. */
export interface LiveAnswer {
  status: 'alive';
  uptimeSeconds: number;
  version: string;
}

/** `GET /readyz` (and `/healthz`): the hub can do its work now; 503 in the error shape otherwise. */
export interface ReadyAnswer {
  status: 'ready';
  schemaVersion: number;
  database: { writable: boolean; checkedAt: string };
  pressure: { eventLoopDelayMs: number; heapUsedBytes: number; rssBytes: number };
}

// ---------------------------------------------------------------- the kiosk fleet

export const FLEET_PRINTER_STATES = ['ok', 'paper_low', 'paper_out', 'offline', 'none'] as const;
export type FleetPrinterState = (typeof FLEET_PRINTER_STATES)[number];

/** What a kiosk or display says about itself every 30 seconds over its socket (`device:heartbeat`). */
export const DeviceHeartbeatSchema = z.strictObject({
  appVersion: z.string().min(1).max(40),
  uptimeSeconds: z.number().int().min(0).max(10 * 365 * 24 * 3600),
  /** null: not known on this side (a kiosk page that has not printed since it loaded); the last known state stays. */
  printer: z.enum(FLEET_PRINTER_STATES).nullable(),
  /** The number on the last ticket printed here (null: none since it started; the last known stays). */
  lastTicketPrinted: z.string().max(16).nullable(),
  /** The screen in front: start, identify, ticket, form, appointment, display, sign-in ... */
  screen: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'screen is a lower-case name'),
  freeDiskMb: z.number().int().min(0).max(1e9).nullable(),
});
export type DeviceHeartbeat = z.infer<typeof DeviceHeartbeatSchema>;

export interface FleetDevice {
  id: string;
  kind: 'kiosk' | 'display';
  /** Where it stands (the branch file's `location`), or null. */
  location: string | null;
  /** Connected and heard from within the last two minutes. */
  online: boolean;
  /** Since when online, or since when offline (null: never seen). */
  since: string | null;
  lastSeenAt: string | null;
  appVersion: string | null;
  uptimeSeconds: number | null;
  printer: FleetPrinterState | null;
  lastTicketPrinted: string | null;
  screen: string | null;
  freeDiskMb: number | null;
  /** What the lobby managers were told about it, until it is resolved. */
  alert: 'printer_paper_out' | 'printer_offline' | 'device_silent' | null;
}
export interface FleetResponse {
  devices: FleetDevice[];
}

// ---------------------------------------------------------------- branch

export interface ServiceInfo {
  code: string;
  prefix: string;
  name: { 'zh-CN': string; en: string };
  vipOnly: boolean;
}
export interface CounterInfo {
  id: number;
  name: { 'zh-CN': string; en: string };
  vip: boolean;
  serviceCodes: string[];
}
export interface BranchInfo {
  id: string;
  name: { 'zh-CN': string; en: string };
  defaultLanguage: 'zh-CN' | 'en';
  services: ServiceInfo[];
  counters: CounterInfo[];
}

// ---------------------------------------------------------------- tickets

export const IdentitySchema = z
  .strictObject({
    kind: z.enum(['phone', 'card', 'idNumber']),
    value: z.string().min(1).max(40),
    /** How the kiosk got it: typed on its keypad (default) or read by its card / ID reader. */
    method: IdentityMethodSchema.optional(),
  })
  .transform((v) => ({ kind: v.kind, value: normalizeIdentityValue(v.kind, v.value), method: v.method ?? ('keypad' as const) }))
  .refine((v) => isValidIdentity(v.kind as IdentityKind, v.value), {
    message: 'identity value is not a valid phone number, bank card or resident ID',
    path: ['value'],
  });
export type Identity = z.input<typeof IdentitySchema>;

export const CreateTicketRequestSchema = z.strictObject({
  serviceCode: z.string().regex(/^[A-Z]$/, 'serviceCode is one capital letter'),
  identity: IdentitySchema.optional(),
  language: LanguageSchema.optional(),
  /** Priority by law, chosen by the customer at the kiosk. */
  priority: z.enum(['elderly', 'disabled', 'pregnant']).optional(),
  /** Chosen by the kiosk per attempt; retrying with the same id returns the same ticket. */
  requestId: z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/),
});
export type CreateTicketRequest = z.input<typeof CreateTicketRequestSchema>;

export interface IssuedTicket {
  id: string;
  number: string;
  serviceCode: string;
  /** The service chosen at the kiosk (differs from serviceCode after green-channel routing). */
  requestedServiceCode: string;
  serviceName: { 'zh-CN': string; en: string };
  vip: boolean;
  route: TicketRoute;
  /** Place in line, 1 = next to be called. */
  position: number;
  peopleAhead: number;
  /** Minutes until called, from the queue forecast; null when no open counter serves the ticket (unknown). */
  estimatedWaitMinutes: number | null;
  /** Opaque URL for the customer's phone; carries no personal data. */
  trackUrl: string;
  issuedAt: string;
  /**
   * What the person at the kiosk did: `none` (guest), `typed` (a number keyed in: the kiosk is never
   * told whether it belongs to a customer) or `read` (a card or ID read by the kiosk's reader).
   */
  identification: 'none' | 'typed' | 'read';
  /** True only for a card or ID read that matched a customer (the person holds it); never for a typed number. */
  identified: boolean;
}

/** How far staff can believe who the customer is (domain/identification.ts). */
export interface TicketIdentification {
  strength: IdentificationStrength;
  /** When and by whom a member of staff checked the person (strength `confirmed`). */
  confirmedAt: string | null;
  confirmedBy: string | null;
  check: IdentityCheck | null;
}
export type { IdentificationStrength, IdentityCheck };
export { IdentityCheckSchema };

/** `POST /api/v1/tickets/{id}/identity/confirm` (manager; the teller at whose counter it is called). */
export const ConfirmIdentitySchema = z.strictObject({ check: IdentityCheckSchema });
export interface ConfirmIdentityResponse {
  ticketId: string;
  number: string;
  identification: TicketIdentification;
  /** The customer was routed into the green channel now that the identity is confirmed (the rule allowed it). */
  greenChannel: GreenChannelDecision | null;
}
export interface CreateTicketResponse {
  ticket: IssuedTicket;
}

export interface CalledTicket {
  id: string;
  number: string;
  serviceCode: string;
  serviceName: { 'zh-CN': string; en: string };
  vip: boolean;
  route: TicketRoute;
  ticketClass: TicketClass;
  tier?: Tier;
  stars?: number;
  keyCustomer?: boolean;
  /** Masked name, for the teller to greet the customer. */
  customerName?: string;
  counterId: number;
  status: TicketStatus;
  issuedAt: string;
  calledAt: string;
  waitedSeconds: number;
  /** Set aside at the counter (status stays `called`) until resumed. */
  parked: boolean;
  recallCount: number;
  priorityReason?: PriorityReason;
  /** Issued at an appointment check-in. */
  appointment?: TicketAppointment;
  /** When the teller started serving (the customer reached the counter); absent until then. */
  servingAt?: string;
  /** An identified customer: how far the identity is believed (check a typed one before discussing holdings). */
  identification?: TicketIdentification;
}
export interface CallNextResponse {
  ticket: CalledTicket;
}

export interface TrackResponse {
  number: string;
  status: TicketStatus;
  serviceCode: string;
  serviceName: { 'zh-CN': string; en: string };
  position: number;
  /** Minutes until called, from the queue forecast; null when no open counter serves the ticket (unknown). */
  estimatedWaitMinutes: number | null;
  counterId: number | null;
  counterName: { 'zh-CN': string; en: string } | null;
  branchName: { 'zh-CN': string; en: string };
  /** The turn is near (position <= N or estimate <= M minutes, branch rules): the phone alerts. */
  near: boolean;
}

// ---------------------------------------------------------------- queue snapshots

export interface WaitingTicket {
  id: string;
  number: string;
  serviceCode: string;
  vip: boolean;
  route: TicketRoute;
  ticketClass: TicketClass;
  identified: boolean;
  issuedAt: string;
  /** Priority by law. */
  priorityReason?: PriorityReason;
  /** Transferred to this counter only. */
  targetCounterId?: number;
  /** Issued at an appointment check-in: staff see "appointment 10:30". */
  appointment?: TicketAppointment;
  /** Minutes until called, from the queue forecast; null when no open counter serves the ticket (unknown). */
  estimatedWaitMinutes?: number | null;
  /** An identified customer's identification strength (a typed one waits for a member of staff to check it). */
  identification?: IdentificationStrength;
}
export interface RecentCall {
  ticketId: string;
  number: string;
  serviceCode: string;
  counterId: number;
  status: TicketStatus;
  vip: boolean;
  calledAt: string;
}
export interface ServiceQueue {
  code: string;
  name: { 'zh-CN': string; en: string };
  waiting: number;
  longestWaitSeconds: number;
  /** Until the last ticket waiting now is called (queue forecast); 0 when nobody waits, null when no open counter serves them. */
  estimatedWaitMinutes: number | null;
}
/** What staff screens (manager, teller) receive as `queue:changed`. */
export interface QueueSnapshot {
  audience: 'staff';
  offset: number;
  at: string;
  businessDate: string;
  services: ServiceQueue[];
  waiting: WaitingTicket[];
  recentCalls: RecentCall[];
}
/**
 * What staff screens receive as `queue:delta`: the change from the snapshot sent before (`base`),
 * see domain/queue-delta.ts. A screen not holding `base` asks for the whole snapshot.
 */
export interface QueueSnapshotDelta {
  audience: 'staff';
  kind: 'delta';
  base: { offset: number; at: string };
  offset: number;
  at: string;
  businessDate: string;
  /** The services whose numbers changed, without their names (a name changed sends the whole snapshot); the rest as in `base`. */
  services: Omit<ServiceQueue, 'name'>[];
  /** Absent when the recent calls did not change. */
  recentCalls?: RecentCall[];
  /** Tickets no longer waiting, or changed (put again below). */
  removed: string[];
  /** New and changed tickets at their index in the new waiting list, applied in index order. */
  put: { index: number; ticket: WaitingTicket }[];
}
/** What the lobby display receives as `queue:changed`: numbers and counters only. */
export interface PublicQueueSnapshot {
  audience: 'public';
  offset: number;
  at: string;
  recentCalls: { number: string; counterId: number; calledAt: string }[];
  waitingByService: { code: string; waiting: number }[];
}

// ---------------------------------------------------------------- customer card

export interface HoldingLine {
  productCode: string;
  productName: { 'zh-CN': string; en: string };
  /** Integer fen. */
  amountFen: number;
  openedOn: string;
  maturityOn: string | null;
  asOf: string;
}
export interface HoldingGroup {
  category: ProductCategory;
  /** Integer fen. */
  totalFen: number;
  items: HoldingLine[];
}
export interface CardOffer {
  productCode: string;
  productName: { 'zh-CN': string; en: string };
  category: ProductCategory;
  rank: number;
  score: number;
  factors: { propensity: number; context: number; value: number; lever: number };
  reasons: OfferReason[];
  /** The latest response: accepted / declined / later, or no_response once the visit ended unanswered. */
  outcome: OfferResponse | null;
  /** False for maturity follow-ups: they do not count towards the contact caps. */
  countsTowardCap: boolean;
}
export interface GreenChannelDecision {
  id: number;
  ticketId: string;
  number: string;
  rule: string;
  fromServiceCode: string;
  destinationServiceCode: string;
  destinationCounterId: number | null;
  decidedAt: string;
  decidedBy: string;
  /** Why a manager moved the ticket (rule `manager`). */
  reason?: string;
}
export interface CustomerCard {
  ticketId: string;
  number: string;
  serviceCode: string;
  issuedAt: string;
  decisionId: number;
  customer: {
    ref: string;
    maskedName: string;
    gender: 'M' | 'F';
    age: number;
    maskedPhone: string;
    maskedIdNumber: string;
    maskedCardNumbers: string[];
    tier: Tier;
    stars: number;
    keyCustomer: boolean;
    vip: boolean;
    lifeStage: LifeStage;
    marketingConsent: boolean;
    homeBranch: string;
    /** This branch is the customer's primary (主办) branch, or a secondary (协办) one. */
    branchRole: 'primary' | 'secondary';
    relationshipManager: string | null;
    /** Null while the card is locked (identity not confirmed). */
    productCount: number | null;
    /** Assets under management, integer fen. */
    aumFen: number | null;
    resident: boolean;
    /** Risk tolerance from the last risk assessment (风险测评), 1 (cautious) to 5 (aggressive). */
    riskTolerance: number;
    /** When that assessment was taken (business date); null if never. */
    riskAssessedOn: string | null;
    /** Missing or older than the branch allows: no investment of risk 2 or more is offered until renewed. */
    riskAssessmentExpired: boolean;
    /** A loan anywhere in the bank is overdue or classified below normal: risky products are held back. */
    creditWarning: boolean;
  };
  /** How far the lobby believes who this is. */
  identification: TicketIdentification;
  /**
   * True while the identification's strength does not allow holdings (a typed number, by default):
   * holdings, AUM, reminders, actions and offers are not sent until a member of staff confirms the
   * person. The card says "unconfirmed — check identity before discussing holdings".
   */
  locked: boolean;
  holdings: HoldingGroup[];
  /**
   * all: the primary branch sees every holding; this_branch: a secondary branch sees only what is
   * held there (holdings, product count, AUM, holding reminders and offers all follow this scope).
   */
  holdingsScope: 'all' | 'this_branch';
  holdingsAsOf: string;
  reminders: Reminder[];
  offers: CardOffer[];
  /** Marketing consent withdrawn: the card carries service information only. */
  serviceOnly: boolean;
  greenChannel: GreenChannelDecision | null;
  /** holdout: control group, service only (no pitch); random: one random eligible offer. */
  controlGroup: ControlGroup;
  /** Greetings, service actions and mandatory notices: never pitches, never capped. */
  actions: CardAction[];
  /** Contact policy: product pitches this visit may carry and how many were recorded. */
  contact: {
    pitchAllowance: number;
    pitchesUsed: number;
    pitchesInWindow: number;
    /**
     * With a head office: pitches at every branch count, as of the last time this branch heard
     * from head office (`stale`: not within the last minute, the WAN may be down). Absent without.
     */
    bankWide?: { asOf: string; stale: boolean };
  };
}
/** Something in the lobby a manager should look at now (a toast and a badge on the tablet). */
export type LobbyAlert =
  | {
      kind: 'identification_burst';
      /** The kiosk where numbers are being tried. */
      deviceId: string;
      attempts: number;
      windowMinutes: number;
      at: string;
    }
  | {
      /** A kiosk's printer ran out of paper (or went offline): tickets are not printed there. */
      kind: 'printer_paper_out' | 'printer_offline';
      deviceId: string;
      /** Where the device stands, when the branch file says. */
      location?: string;
      at: string;
    }
  | {
      /**
       * A customer identified at the kiosk is not a customer of this branch, and head office could
       * not be asked who they are (the WAN is down): the ticket is served as unidentified.
       */
      kind: 'customer_lookup_unreachable';
      deviceId: string;
      ticketNumber: string;
      at: string;
    }
  | {
      /** A kiosk or display sent nothing for `minutes` minutes. */
      kind: 'device_silent';
      deviceId: string;
      location?: string;
      minutes: number;
      at: string;
    };

export interface CardWithdrawn {
  ticketId: string;
  /** cancelled: the customer gave up their place on the phone page. */
  reason: 'completed' | 'no_show' | 'expired' | 'cancelled';
}

export const OfferOutcomeSchema = z.enum(['accepted', 'declined', 'later']);
export type OfferOutcome = z.infer<typeof OfferOutcomeSchema>;
/** What a card shows per offer: a manager's outcome, or no_response (set by the hub when the visit ends). */
export type OfferResponse = OfferOutcome | 'no_response';
export const RecordOutcomeSchema = z.strictObject({ outcome: OfferOutcomeSchema, note: z.string().max(500).optional() });
export interface RecordOutcomeResponse {
  ticketId: string;
  productCode: string;
  outcome: OfferOutcome;
  recordedAt: string;
}

// ---------------------------------------------------------------- audit

/** Everything the audit log records, by area (the admin screen words each one). */
export const AUDIT_ACTIONS = [
  'auth.sign_in',
  'auth.sign_out',
  'auth.sign_in_failed',
  'auth.sign_in_refused',
  'auth.locked',
  'ticket.call',
  'ticket.start',
  'ticket.complete',
  'ticket.no_show',
  'ticket.recall',
  'ticket.park',
  'ticket.resume',
  'ticket.transfer',
  'ticket.cancel',
  'identity.attempt',
  'identity.refused',
  'identity.confirm',
  'customer.lookup',
  'green_channel.route',
  'customer_card.view',
  'customer.reveal',
  'offer.outcome',
  'form.submit',
  'form.view',
  'form.fields_used',
  'counter.open',
  'counter.pause',
  'counter.close',
  'counter.services',
  'appointment.create',
  'appointment.cancel',
  'appointment.check_in',
  'notice.create',
  'notice.update',
  'notice.remove',
  'notice.reorder',
  'device.pair',
  'device.rekey',
  'device.retire',
  'device.reload',
  'auth.unlocked',
  'marketing.conversion_import',
  'feed.import',
  'branch.setup',
  'staff.add',
  'staff.update',
  'staff.disable',
  'staff.reset_pin',
  'auth.pin_changed',
  'retention.purge',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  role: Role;
  device: string | null;
  action: AuditAction;
  subject: string;
  detail: Record<string, unknown>;
}

export const CounterIdParamSchema = z.coerce.number<number | string>().int().positive();
export const TicketIdParamSchema = z.string().uuid();
export const TrackTokenParamSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
export const ProductCodeParamSchema = z.string().regex(/^[A-Z0-9_-]{2,32}$/);

// ---------------------------------------------------------------- printed tickets

export const ReceiptFormatSchema = z.enum(['escpos', 'svg', 'text']);
export const ReceiptQuerySchema = z.strictObject({ format: ReceiptFormatSchema.default('text') });
/**
 * Ticket printer state as the kiosk sees it: `paper_out` and `offline` mean nothing was printed
 * (the kiosk shows the QR code to photograph instead); `none` = this kiosk has no printer.
 */
export const PrinterStatusSchema = z.enum(['ok', 'paper_low', 'paper_out', 'offline', 'unknown', 'none']);
export type PrinterStatus = z.infer<typeof PrinterStatusSchema>;
export interface PrintTicketResponse {
  printed: boolean;
  status: PrinterStatus;
}

// ---------------------------------------------------------------- queue operations

export const OutcomeCodeSchema = z.string().regex(/^[a-z][a-z0-9_]{1,31}$/, 'outcome is a lower-case code like "done" or "referred"');
/** `POST /tickets/{id}/complete`: the body is optional. */
export const CompleteRequestSchema = z.strictObject({ outcome: OutcomeCodeSchema.optional() }).optional();

export const TransferRequestSchema = z
  .strictObject({
    serviceCode: z.string().regex(/^[A-Z]$/, 'serviceCode is one capital letter').optional(),
    counterId: z.number().int().positive().optional(),
    placement: PlacementSchema.default('original'),
  })
  .refine((v) => v.serviceCode !== undefined || v.counterId !== undefined, {
    message: 'give serviceCode, counterId or both',
    path: ['serviceCode'],
  });
export type TransferRequest = z.input<typeof TransferRequestSchema>;

export const CounterStateSchema = z.enum(['open', 'paused', 'closed']);
export type CounterState = z.infer<typeof CounterStateSchema>;
export const PauseReasonSchema = z.enum(['break', 'meeting', 'training', 'system', 'other']);
export type PauseReason = z.infer<typeof PauseReasonSchema>;
export const PauseCounterSchema = z.strictObject({ reason: PauseReasonSchema, note: z.string().trim().max(200).optional() });

export interface CounterStatus {
  counterId: number;
  state: CounterState;
  reason: PauseReason | null;
  note: string | null;
  changedAt: string | null;
  changedBy: string | null;
  /** The state follows the tellers signing in and out (true), or a manager set it (false). */
  bySignIn: boolean;
  /** Tellers signed in at the counter now. */
  tellers: { id: string; name: string }[];
  /** Number of the ticket open at the counter now, if any. */
  currentNumber: string | null;
  /** The counter's profile: the services it serves with their weights, heaviest first. */
  services: { code: string; weight: number }[];
}
export interface CountersResponse {
  counters: CounterStatus[];
}

/** Recall: announced again, or marked no-show once the branch's recall limit is used up. */
export interface RecallResponse {
  ticket: CalledTicket;
  outcome: 'recalled' | 'no_show';
}

export interface ParkedListResponse {
  tickets: CalledTicket[];
}

/** `POST /tickets/{id}/transfer`: the ticket waiting in its new place. */
export interface TransferResponse {
  ticket: Omit<WaitingTicket, 'targetCounterId' | 'estimatedWaitMinutes'> & { position: number; estimatedWaitMinutes: number | null; targetCounterId: number | null };
}

/** A manager reassigns the services of a counter (its profile), each with a weight. */
export const CounterServicesSchema = z.strictObject({
  services: z
    .array(z.strictObject({ code: z.string().regex(/^[A-Z]$/, 'code is one capital letter'), weight: z.number().int().min(1).max(100) }))
    .min(1)
    .max(26)
    .refine((list) => new Set(list.map((s) => s.code)).size === list.length, { message: 'each service once' }),
});
export interface CounterServicesResponse {
  counterId: number;
  services: { code: string; weight: number }[];
}

export const MoveToGreenChannelSchema = z.strictObject({ reason: z.string().trim().min(2).max(200) });

/** A journaled event as a reconnecting client receives it (filtered for its audience). */
export interface ReplayedEvent {
  offset: number;
  type: string;
  at: string;
  data: Record<string, unknown>;
}
/** Catch-up after a reconnect: the missed events, or a fresh snapshot when too much was missed. */
export type CatchUp =
  | { kind: 'events'; fromOffset: number; latestOffset: number; events: ReplayedEvent[] }
  | { kind: 'snapshot'; latestOffset: number; snapshot: QueueSnapshot | PublicQueueSnapshot };
export const OffsetSchema = z.number().int().min(0);

// ---------------------------------------------------------------- pre-filled forms

export type { FormId, FieldType };
/** Kiosk: the form filled while waiting. Values are checked against the form (domain/forms.ts) on the hub. */
export const SubmitFormRequestSchema = z.strictObject({
  formId: FormIdSchema,
  values: z.record(z.string().max(40), z.unknown()),
});
export type SubmitFormRequest = z.input<typeof SubmitFormRequestSchema>;
/** Teller: fields copied into the core banking system. */
export const MarkFieldsUsedSchema = z.strictObject({ keys: z.array(z.string().min(1).max(40)).min(1).max(40) });
export const FormFieldParamSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/);

/** What the kiosk may know about a ticket's form: the choices and the masked pre-filled values. */
export interface KioskFormInfo {
  ticketId: string;
  /** Forms offered for the service chosen. */
  formIds: FormId[];
  /** Known customer: field key -> masked value (never the full value). */
  prefilled: Record<string, string>;
  /** The form already saved with this ticket, if any. */
  submittedFormId: FormId | null;
}
export interface SubmitFormResponse {
  ticketId: string;
  formId: FormId;
  savedAt: string;
  /** Fields saved (pre-filled ones included). */
  fields: string[];
}
export interface TellerFormField {
  key: string;
  type: FieldType;
  label: { 'zh-CN': string; en: string };
  /** The value as one line to copy (amount as "50000.00 CNY"; a choice as its value). */
  text: string;
  /** A choice's label, for display. */
  choiceLabel?: { 'zh-CN': string; en: string };
  prefilled: boolean;
  used: boolean;
}
/** The teller's view of the form of the ticket called at their counter. */
export interface TellerFormResponse {
  ticketId: string;
  number: string;
  formId: FormId;
  title: { 'zh-CN': string; en: string };
  submittedAt: string;
  fields: TellerFormField[];
}

// ---------------------------------------------------------------- lobby marketing

/** Revealing a full identifier: manager only, live ticket only, with a reason; audited. */
export const RevealFieldSchema = z.enum(['phone', 'idNumber', 'card']);
export const RevealReasonSchema = z.enum(['identity_verification', 'customer_request', 'form_correction', 'other']);
export const RevealRequestSchema = z
  .strictObject({
    field: RevealFieldSchema,
    reason: RevealReasonSchema,
    /** Required for `other`, optional otherwise. */
    note: z.string().trim().max(200).optional(),
  })
  .refine((v) => v.reason !== 'other' || (v.note !== undefined && v.note.length >= 4), {
    message: 'a reason "other" needs a note of at least 4 characters',
    path: ['note'],
  });
export type RevealRequest = z.input<typeof RevealRequestSchema>;
export interface RevealResponse {
  ticketId: string;
  field: z.infer<typeof RevealFieldSchema>;
  /** Full values (several for cards). Shown once; never stored on the tablet. */
  values: string[];
  revealedAt: string;
}

export const CampaignReportQuerySchema = z.strictObject({
  from: calendarDate('from').optional(),
  to: calendarDate('to').optional(),
});
/** The report's rows and rates are computed in domain/campaign-report.ts; the API adds the period and the names. */
export type { Rate as RateWithCi, Row as CampaignRow, ReportCaveat } from './campaign-report';
export interface CampaignReport extends CampaignReportData {
  from: string;
  to: string;
  /** A product opened this many days after a visit is attributed to it. */
  attributionDays: number;
  /** The latest date the imported core-banking conversions cover (null: none imported yet). */
  conversionsAsOf: string | null;
  /**
   * Visits left out of every arm alike: the card stayed locked (the identity was never confirmed),
   * so nobody saw its offers.
   */
  excludedUnconfirmed: number;
  /** Names for the rows: products in both languages, managers by their staff name. */
  productNames: Record<string, { 'zh-CN': string; en: string }>;
  managerNames: Record<string, string>;
}
/** A row of a bank's file that was rejected: where, which column, why. */
export interface FileRowReject {
  file: string;
  line: number;
  column: string | null;
  reason: string;
}
/**
 * Conversion import (admin): the CSV text of a core-banking export with a header row
 * (`cif,product_code,opened_on[,account_id]`, any order), and the date the export covers up to
 * (default today). Up to 32 MB per request; a larger file is refused (413), never cut.
 */
export const ImportConversionsSchema = z.strictObject({
  csv: z.string().min(1, 'csv is empty').max(32 * 1024 * 1024, 'csv is larger than 32 MB: import it in parts'),
  asOf: calendarDate('asOf').optional(),
});
export interface ImportConversionsResponse {
  asOf: string;
  /** Data rows read. */
  rows: number;
  /** Rows stored (a row already imported is skipped). */
  imported: number;
  /** Of those, joined to a lobby visit within the attribution window. */
  matched: number;
  skipped: number;
  /** Rows refused, with line, column and reason. */
  rejected: FileRowReject[];
  warnings: string[];
}
export interface PurgeResult {
  cutoff: string;
  deleted: Record<string, number>;
}

// ---------------------------------------------------------------- branch notices (display marquee)

export {
  NoticeInputSchema,
  NoticeOrderSchema,
  NoticeIdParamSchema,
  NoticeTextSchema,
  NOTICE_MAX_CHARS,
  MAX_NOTICES,
  findPersonalData,
  activeNotices,
  noticeState,
} from './notices';
export type { ActiveNotices, BranchNotice, NoticeInput, NoticeState, PersonalDataKind, PublicNotice } from './notices';

/** `GET /api/v1/notices/all` (manager, admin): every notice not removed, in order, with its state now. */
export interface NoticeListResponse {
  at: string;
  notices: import('./notices').BranchNotice[];
}

// ---------------------------------------------------------------- appointments

export type { AppointmentRules, AppointmentStatus } from './appointments';

/** What staff see on a ticket issued at an appointment check-in: the booked time, and whether it came late. */
export interface TicketAppointment {
  bookedAt: string;
  /** HH:MM in the branch time zone. */
  bookedTime: string;
  /** Checked in after the late window: queued as a walk-in. */
  late: boolean;
}

/** Six digits; spaces and dashes (typed or scanned) are dropped. */
export const BookingCodeSchema = z
  .string()
  .max(20)
  .transform(normalizeBookingCode)
  .refine(isBookingCode, { message: 'a booking code is six digits' });
export const AppointmentSourceSchema = z.enum(['branch', 'phone', 'web', 'app']);
export const AppointmentIdParamSchema = z.coerce.number<number | string>().int().positive();

/** `POST /api/v1/appointments` (manager, admin). */
export const CreateAppointmentSchema = z.strictObject({
  serviceCode: z.string().regex(/^[A-Z]$/, 'serviceCode is one capital letter'),
  /** ISO 8601 with a time zone (`2026-11-22T10:30:00+08:00` or `...Z`); today (branch date) or a later day. */
  bookedAt: z.iso.datetime({ offset: true, message: 'bookedAt is an ISO 8601 date-time with a time zone' }),
  /** The customer, by phone, bank card or resident ID; must be a customer of the bank. */
  customer: IdentitySchema.optional(),
  source: AppointmentSourceSchema.default('branch'),
  note: z.string().trim().max(200).optional(),
});
export type CreateAppointmentRequest = z.input<typeof CreateAppointmentSchema>;

export const AppointmentListQuerySchema = z.strictObject({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date is YYYY-MM-DD').optional(),
});
export const CancelAppointmentSchema = z.strictObject({ reason: z.string().trim().min(2).max(200).optional() }).optional();

/** `POST /api/v1/appointments/check-in` (kiosk): idempotent by requestId, like a ticket. */
export const CheckInRequestSchema = z.strictObject({
  code: BookingCodeSchema,
  requestId: z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/),
  language: LanguageSchema.optional(),
});
export type CheckInRequest = z.input<typeof CheckInRequestSchema>;

/** An appointment as staff see it: the customer masked only. */
export interface AppointmentView {
  id: number;
  code: string;
  businessDate: string;
  bookedAt: string;
  bookedTime: string;
  /** Check-in opens (early window) and is on time until `lateAfter`. */
  opensAt: string;
  lateAfter: string;
  serviceCode: string;
  /** Stored status, with `booked` shown as `missed` once the late window has passed. */
  status: AppointmentStatus;
  customer: { ref: string; maskedName: string; maskedPhone: string } | null;
  ticket: { id: string; number: string; status: TicketStatus } | null;
  checkedInAt: string | null;
  source: z.infer<typeof AppointmentSourceSchema> | 'demo';
  note: string | null;
  createdAt: string;
  createdBy: string;
  cancelledAt: string | null;
  cancelledBy: string | null;
  cancelReason: string | null;
}
export interface AppointmentListResponse {
  date: string;
  timeZone: string;
  rules: AppointmentRules;
  appointments: AppointmentView[];
}
export interface AppointmentResponse {
  appointment: AppointmentView;
}

/** The kiosk's answer: the ticket, and only the booked time and service of the appointment. */
export interface CheckInResponse {
  /** on_time: queued at the booked time; late: joined as a walk-in; already_checked_in: the ticket issued before. */
  outcome: 'on_time' | 'late' | 'already_checked_in';
  ticket: IssuedTicket;
  appointment: { bookedAt: string; bookedTime: string; serviceCode: string; status: 'checked_in' | 'late'; checkedInAt: string };
}
/** Why a check-in was refused: `error.reason` next to the usual `code` and `message`. */
export type CheckInRefusal = 'not_found' | 'not_today' | 'cancelled' | 'too_early' | 'too_many_attempts' | 'disabled';
export interface CheckInErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    reason: CheckInRefusal;
    /** too_early: when check-in opens, and the booked time. */
    opensAt?: string;
    opensTime?: string;
    bookedAt?: string;
    bookedTime?: string;
    /** not_today: the (nearest) date the code is booked for. */
    bookedFor?: string;
    /** too_many_attempts: seconds until this kiosk may try codes again. */
    retryAfterSeconds?: number;
  };
}

// ---------------------------------------------------------------- devices (pairing kiosks and displays)
// Branch IT pairs each kiosk and lobby display with the hub: an id and a generated secret, shown
// once (admin screen "Devices" tab, or `node out/main/hub.js pair-device` on the hub machine).

/** A device id as it appears in `?device=` and `X-Device-Id`: 1-64 letters, digits, dot, dash, underscore. */
export const DeviceIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'device id: 1-64 letters, digits, dot, dash or underscore');
/** `POST /api/v1/devices` (admin). */
/** Where a device stands, for people ("entrance", "VIP lounge"). */
export const DeviceLocationSchema = z.string().trim().min(1, 'location is empty').max(60, 'location is at most 60 characters');
export const PairDeviceRequestSchema = z.strictObject({ id: DeviceIdSchema, kind: DeviceKindSchema, location: DeviceLocationSchema.optional() });
export type PairDeviceRequest = z.infer<typeof PairDeviceRequestSchema>;

/** A paired device; never its secret or the secret's hash. */
export interface DeviceInfo {
  id: string;
  kind: z.infer<typeof DeviceKindSchema>;
  /** Where it stands, or null. */
  location: string | null;
  active: boolean;
  /** When its most recent session still valid began (null: none). */
  lastSignInAt: string | null;
  /** Sessions still valid. */
  sessions: number;
}
/** `GET /api/v1/devices`. */
export interface DeviceListResponse {
  devices: DeviceInfo[];
}
/** `POST /api/v1/devices` and `/:id/rekey`: the only time the secret is ever sent. */
export interface DeviceSecretResponse {
  device: DeviceInfo;
  secret: string;
}
/** `POST /api/v1/devices/:id/retire`. */
export interface DeviceRetireResponse {
  device: DeviceInfo;
  /** Sessions revoked. */
  revoked: number;
}

// ---------------------------------------------------------------- staff, branch set-up, feeds (admin)

export interface StaffInfo {
  id: string;
  name: string;
  role: 'manager' | 'teller' | 'admin';
  /** A teller's usual counter. */
  counterId: number | null;
  active: boolean;
  /** Still on a PIN an administrator set (they choose their own at the next sign-in). */
  mustChangePin: boolean;
  pinChangedAt: string | null;
  /** Signed in now (an open session). */
  signedIn: boolean;
  /** Held after failed sign-ins (somewhere); a manager or administrator can unlock. Only in the staff list. */
  locked?: boolean;
}
export interface StaffListResponse {
  staff: StaffInfo[];
}

const StaffIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, 'id is 1-32 letters, digits, - or _');
export const StaffIdParamSchema = StaffIdSchema;
export const AddStaffRequestSchema = z.strictObject({
  id: StaffIdSchema,
  name: z.string().trim().min(1, 'name is empty').max(40),
  role: StaffRoleSchema,
  counterId: z.number().int().positive().nullable().optional(),
});
export type AddStaffRequest = z.infer<typeof AddStaffRequestSchema>;
export const UpdateStaffRequestSchema = z
  .strictObject({
    name: z.string().trim().min(1, 'name is empty').max(40).optional(),
    role: StaffRoleSchema.optional(),
    counterId: z.number().int().positive().nullable().optional(),
    active: z.boolean().optional(),
  })
  .refine((r) => Object.keys(r).length > 0, 'say what changes: name, role, counterId or active');
export type UpdateStaffRequest = z.infer<typeof UpdateStaffRequestSchema>;
/** A new initial PIN: shown once, to give to the person; they choose their own at the next sign-in. */
export interface StaffPinResponse {
  staff: StaffInfo;
  pin: string;
}

/** The branch's set-up (branch, services, counters, rules) as a branch file without staff and devices. */
export interface BranchSetupResponse {
  yaml: string;
  /** Changes when anyone changes the set-up: an apply names the revision it was edited from. */
  revision: number;
}
export const BranchSetupRequestSchema = z.strictObject({
  yaml: z.string().min(1, 'yaml is empty').max(200_000),
  /** The revision the text was edited from (refused when someone changed the set-up meanwhile). */
  revision: z.number().int().min(0).optional(),
});
export interface BranchSetupCheckResponse {
  ok: boolean;
  issues: { path: string; line: number | null; message: string }[];
  changes: string[];
  refusals: string[];
  applied: boolean;
  revision: number;
}

export interface FeedsResponse {
  /** The snapshot the lobby serves now. */
  live: { feedId: string; asOf: string | null; switchedAt: string; customers: number } | null;
  running: FeedRunInfo | null;
  history: FeedRunInfo[];
}
