/**
 * The hub's HTTP routes, declared once: method, path, who may call it, the zod schemas of its
 * parameters, query and body, and the type of its answer. The hub registers one handler per entry
 * (src-main/hub/http/handlers.ts, typed against this table) and the screens call the hub through a
 * client made from it (src-renderer/src/lib/api.ts), so neither side guesses the other's shapes.
 *
 * A route's answer type is carried at the type level only (`answer<T>()`); an answer type that
 * includes `null` means "204 No Content" for that case.
 */
import { z } from 'zod';
import {
  AppointmentIdParamSchema,
  AppointmentListQuerySchema,
  CampaignReportQuerySchema,
  CancelAppointmentSchema,
  CheckInRequestSchema,
  CompleteRequestSchema,
  ConfirmIdentitySchema,
  CounterIdParamSchema,
  CounterServicesSchema,
  CreateAppointmentSchema,
  CreateTicketRequestSchema,
  DeviceIdSchema,
  FormFieldParamSchema,
  ImportConversionsSchema,
  LoginRequestSchema,
  MarkFieldsUsedSchema,
  MoveToGreenChannelSchema,
  NoticeIdParamSchema,
  NoticeInputSchema,
  NoticeOrderSchema,
  PairDeviceRequestSchema,
  PauseCounterSchema,
  ProductCodeParamSchema,
  ReceiptQuerySchema,
  RecordOutcomeSchema,
  RevealRequestSchema,
  SubmitFormRequestSchema,
  TicketIdParamSchema,
  TrackTokenParamSchema,
  TransferRequestSchema,
  type ActiveNotices,
  type AppointmentListResponse,
  type AppointmentResponse,
  type AuditEntry,
  type BranchInfo,
  type BranchNotice,
  type CallNextResponse,
  type CampaignReport,
  type CheckInResponse,
  type ConfirmIdentityResponse,
  type CounterServicesResponse,
  type CounterStatus,
  type CountersResponse,
  type CreateTicketResponse,
  type CustomerCard,
  type DeviceListResponse,
  type DeviceRetireResponse,
  type DeviceSecretResponse,
  type GreenChannelDecision,
  type ImportConversionsResponse,
  type KioskFormInfo,
  type LoginResponse,
  type NoticeListResponse,
  type ParkedListResponse,
  type PrintTicketResponse,
  type PrinterStatus,
  type QueueSnapshot,
  type RecallResponse,
  type RecordOutcomeResponse,
  type RevealResponse,
  type Role,
  type SubmitFormResponse,
  type TellerFormResponse,
  type TrackResponse,
  type TransferResponse, ChangePinRequestSchema, type ChangePinResponse,
  AddStaffRequestSchema, UpdateStaffRequestSchema, StaffIdParamSchema, BranchSetupRequestSchema,
  type StaffListResponse, type StaffPinResponse, type LiveAnswer, type ReadyAnswer, type FleetResponse, type FleetDevice, type StaffInfo, type BranchSetupResponse, type BranchSetupCheckResponse, type FeedsResponse } from './contracts';
import type { MeasuresResponse } from './measures';
import { calendarDate } from './dates';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
/** Who may call a route: the roles of a signed-in token, or anyone ('public': phone page, sign-in, health). */
export type Access = readonly Role[] | 'public';
/** What a successful answer is: JSON (default), or a document the handler types itself (receipt, CSV). */
export type Produces = 'json' | 'document';

export interface RouteSpec {
  method: HttpMethod;
  /** Fastify-style path, `:name` for a parameter. */
  path: string;
  access: Access;
  /** An object schema keyed by the path's parameter names. */
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  produces?: Produces;
  /** Largest body accepted (bytes); the server's default (64 KB) otherwise. */
  bodyLimit?: number;
  /** Allowed to a session that must change its PIN first (changing it, signing out). */
  duringPinChange?: true;
}

declare const ANSWER: unique symbol;
/** A route spec with its answer type attached (type level only). */
export type Route<S extends RouteSpec = RouteSpec, A = unknown> = S & { readonly [ANSWER]: A };

/** `answer<T>()(spec)`: declares a route whose successful answer is T. */
export function answer<A>() {
  return <const S extends RouteSpec>(spec: S): Route<S, A> => spec as Route<S, A>;
}

export type AnswerOf<R> = R extends { readonly [ANSWER]: infer A } ? A : never;
type SchemaOf<R, K extends 'params' | 'query' | 'body'> = R extends { [P in K]: infer S extends z.ZodType } ? S : undefined;
/** What the caller sends (schema input) and what the handler receives (schema output). */
export type InputOf<R, K extends 'params' | 'query' | 'body'> = SchemaOf<R, K> extends z.ZodType ? z.input<SchemaOf<R, K>> : undefined;
export type OutputOf<R, K extends 'params' | 'query' | 'body'> = SchemaOf<R, K> extends z.ZodType ? z.output<SchemaOf<R, K>> : undefined;

/** The caller's side of one request: only the parts the route declares (all optional when it declares none). */
export type RequestOf<R> = (SchemaOf<R, 'params'> extends z.ZodType ? { params: InputOf<R, 'params'> } : { params?: undefined }) &
  (SchemaOf<R, 'query'> extends z.ZodType ? { query?: InputOf<R, 'query'> } : { query?: undefined }) &
  (SchemaOf<R, 'body'> extends z.ZodType
    ? undefined extends InputOf<R, 'body'>
      ? { body?: InputOf<R, 'body'> }
      : { body: InputOf<R, 'body'> }
    : { body?: undefined });

const staff: readonly Role[] = ['manager', 'teller'];
/** The audit log's filters: business dates (branch time, both included) and an action prefix. */
const AuditQuerySchema = z.object({
  from: calendarDate('from').optional(),
  to: calendarDate('to').optional(),
  action: z.string().regex(/^[a-z_.]{1,64}$/, 'action is a lower-case action name or its start, e.g. "auth." or "customer_card.view"').optional(),
});
const anyone: readonly Role[] = ['manager', 'teller', 'admin', 'kiosk', 'display'];
const ticket = z.strictObject({ id: TicketIdParamSchema });
const counter = z.strictObject({ counterId: CounterIdParamSchema });

export const ROUTES = {
  // ------------------------------------------------------------ health, sign-in, branch
  live: answer<LiveAnswer>()({ method: 'GET', path: '/livez', access: 'public' }),
  ready: answer<ReadyAnswer>()({ method: 'GET', path: '/readyz', access: 'public' }),
  /** The same as /readyz (the name the kiosk shell and older scripts probe). */
  health: answer<ReadyAnswer>()({ method: 'GET', path: '/healthz', access: 'public' }),
  /** Prometheus text format; also on a separate scraper address without a token (docs/OPERATIONS.md). */
  metrics: answer<string>()({ method: 'GET', path: '/metrics', access: ['admin'], produces: 'document' }),
  login: answer<LoginResponse>()({ method: 'POST', path: '/api/v1/auth/login', access: 'public', body: LoginRequestSchema }),
  logout: answer<null>()({ method: 'POST', path: '/api/v1/auth/logout', access: anyone, duringPinChange: true }),
  changePin: answer<ChangePinResponse>()({
    method: 'POST',
    path: '/api/v1/auth/change-pin',
    access: ['manager', 'teller', 'admin'],
    body: ChangePinRequestSchema,
    duringPinChange: true,
  }),
  branch: answer<BranchInfo>()({ method: 'GET', path: '/api/v1/branch', access: anyone }),

  // ------------------------------------------------------------ tickets and the queue
  issueTicket: answer<CreateTicketResponse>()({ method: 'POST', path: '/api/v1/tickets', access: ['kiosk'], body: CreateTicketRequestSchema }),
  track: answer<TrackResponse>()({
    method: 'GET',
    path: '/api/v1/track/:token',
    access: 'public',
    params: z.strictObject({ token: TrackTokenParamSchema }),
  }),
  giveUpTicket: answer<TrackResponse>()({
    method: 'POST',
    path: '/api/v1/track/:token/cancel',
    access: 'public',
    params: z.strictObject({ token: TrackTokenParamSchema }),
  }),
  queue: answer<QueueSnapshot>()({ method: 'GET', path: '/api/v1/queue', access: staff }),
  callNext: answer<CallNextResponse | null>()({ method: 'POST', path: '/api/v1/counters/:counterId/call-next', access: ['teller'], params: counter }),
  callTicket: answer<CallNextResponse>()({
    method: 'POST',
    path: '/api/v1/counters/:counterId/call/:id',
    access: ['teller'],
    params: z.strictObject({ counterId: CounterIdParamSchema, id: TicketIdParamSchema }),
  }),
  currentTicket: answer<CallNextResponse | null>()({ method: 'GET', path: '/api/v1/counters/:counterId/current', access: ['teller'], params: counter }),
  completeTicket: answer<CallNextResponse>()({
    method: 'POST',
    path: '/api/v1/tickets/:id/complete',
    access: ['teller'],
    params: ticket,
    body: CompleteRequestSchema,
  }),
  noShow: answer<CallNextResponse>()({ method: 'POST', path: '/api/v1/tickets/:id/no-show', access: ['teller'], params: ticket }),
  recall: answer<RecallResponse>()({ method: 'POST', path: '/api/v1/tickets/:id/recall', access: ['teller'], params: ticket }),
  startServing: answer<CallNextResponse>()({ method: 'POST', path: '/api/v1/tickets/:id/start', access: ['teller'], params: ticket }),
  transfer: answer<TransferResponse>()({ method: 'POST', path: '/api/v1/tickets/:id/transfer', access: staff, params: ticket, body: TransferRequestSchema }),
  park: answer<CallNextResponse>()({ method: 'POST', path: '/api/v1/tickets/:id/park', access: ['teller'], params: ticket }),
  resume: answer<CallNextResponse>()({ method: 'POST', path: '/api/v1/tickets/:id/resume', access: ['teller'], params: ticket }),
  parked: answer<ParkedListResponse>()({ method: 'GET', path: '/api/v1/parked', access: staff }),
  moveToGreenChannel: answer<GreenChannelDecision>()({
    method: 'POST',
    path: '/api/v1/tickets/:id/green-channel',
    access: ['manager'],
    params: ticket,
    body: MoveToGreenChannelSchema,
  }),
  confirmIdentity: answer<ConfirmIdentityResponse>()({
    method: 'POST',
    path: '/api/v1/tickets/:id/identity/confirm',
    access: staff,
    params: ticket,
    body: ConfirmIdentitySchema,
  }),
  greenChannelToday: answer<{ decisions: GreenChannelDecision[] }>()({ method: 'GET', path: '/api/v1/green-channel', access: ['manager', 'admin'] }),

  // ------------------------------------------------------------ counters
  counters: answer<CountersResponse>()({ method: 'GET', path: '/api/v1/counters', access: staff }),
  openCounter: answer<CounterStatus>()({ method: 'POST', path: '/api/v1/counters/:counterId/open', access: staff, params: counter }),
  pauseCounter: answer<CounterStatus>()({
    method: 'POST',
    path: '/api/v1/counters/:counterId/pause',
    access: staff,
    params: counter,
    body: PauseCounterSchema,
  }),
  closeCounter: answer<CounterStatus>()({ method: 'POST', path: '/api/v1/counters/:counterId/close', access: staff, params: counter }),
  setCounterServices: answer<CounterServicesResponse>()({
    method: 'PUT',
    path: '/api/v1/counters/:counterId/services',
    access: ['manager'],
    params: counter,
    body: CounterServicesSchema,
  }),

  // ------------------------------------------------------------ measures
  measuresToday: answer<MeasuresResponse>()({ method: 'GET', path: '/api/v1/measures/today', access: ['manager', 'admin'] }),
  measuresCsv: answer<string>()({ method: 'GET', path: '/api/v1/measures/today.csv', access: ['manager', 'admin'], produces: 'document' }),

  // ------------------------------------------------------------ customer cards, offers and marketing
  cards: answer<{ cards: CustomerCard[] }>()({ method: 'GET', path: '/api/v1/cards', access: ['manager'] }),
  card: answer<CustomerCard>()({ method: 'GET', path: '/api/v1/tickets/:id/card', access: ['manager'], params: ticket }),
  recordOutcome: answer<RecordOutcomeResponse>()({
    method: 'POST',
    path: '/api/v1/tickets/:id/offers/:productCode/outcome',
    access: ['manager'],
    params: z.strictObject({ id: TicketIdParamSchema, productCode: ProductCodeParamSchema }),
    body: RecordOutcomeSchema,
  }),
  reveal: answer<RevealResponse>()({ method: 'POST', path: '/api/v1/tickets/:id/reveal', access: ['manager'], params: ticket, body: RevealRequestSchema }),
  importConversions: answer<ImportConversionsResponse>()({
    method: 'POST',
    path: '/api/v1/marketing/conversions',
    access: ['admin'],
    body: ImportConversionsSchema,
    bodyLimit: 40 * 1024 * 1024,
  }),
  campaignReport: answer<CampaignReport>()({
    method: 'GET',
    path: '/api/v1/marketing/report',
    access: ['admin', 'manager'],
    query: CampaignReportQuerySchema,
  }),

  // ------------------------------------------------------------ audit
  audit: answer<{ entries: AuditEntry[] }>()({
    method: 'GET',
    path: '/api/v1/audit',
    access: ['admin'],
    query: AuditQuerySchema.extend({
      limit: z.coerce.number<number | string>().int().min(1).max(500).default(100),
      before: z.coerce.number<number | string>().int().positive().optional(),
    }),
  }),
  auditCsv: answer<string>()({
    method: 'GET',
    path: '/api/v1/audit.csv',
    access: ['admin'],
    query: AuditQuerySchema,
    produces: 'document',
  }),

  // ------------------------------------------------------------ printed tickets
  receipt: answer<string | Uint8Array>()({
    method: 'GET',
    path: '/api/v1/tickets/:id/receipt',
    access: ['kiosk', 'manager', 'teller', 'admin'],
    params: ticket,
    query: ReceiptQuerySchema,
    produces: 'document',
  }),
  printTicket: answer<PrintTicketResponse>()({ method: 'POST', path: '/api/v1/tickets/:id/print', access: ['kiosk'], params: ticket }),
  printerStatus: answer<{ status: PrinterStatus }>()({ method: 'GET', path: '/api/v1/printer', access: ['kiosk'] }),

  // ------------------------------------------------------------ pre-filled forms
  formPrefill: answer<KioskFormInfo>()({ method: 'GET', path: '/api/v1/tickets/:id/form/prefill', access: ['kiosk'], params: ticket }),
  submitForm: answer<SubmitFormResponse>()({ method: 'PUT', path: '/api/v1/tickets/:id/form', access: ['kiosk'], params: ticket, body: SubmitFormRequestSchema }),
  tellerForm: answer<TellerFormResponse>()({ method: 'GET', path: '/api/v1/tickets/:id/form', access: ['teller'], params: ticket }),
  markFieldsUsed: answer<TellerFormResponse>()({
    method: 'POST',
    path: '/api/v1/tickets/:id/form/used',
    access: ['teller'],
    params: ticket,
    body: MarkFieldsUsedSchema,
  }),
  markFieldUsed: answer<TellerFormResponse>()({
    method: 'POST',
    path: '/api/v1/tickets/:id/form/fields/:key/used',
    access: ['teller'],
    params: z.strictObject({ id: TicketIdParamSchema, key: FormFieldParamSchema }),
  }),

  // ------------------------------------------------------------ appointments
  bookAppointment: answer<AppointmentResponse>()({
    method: 'POST',
    path: '/api/v1/appointments',
    access: ['manager', 'admin'],
    body: CreateAppointmentSchema,
  }),
  appointments: answer<AppointmentListResponse>()({
    method: 'GET',
    path: '/api/v1/appointments',
    access: ['manager', 'teller', 'admin'],
    query: AppointmentListQuerySchema,
  }),
  appointment: answer<AppointmentResponse>()({
    method: 'GET',
    path: '/api/v1/appointments/:id',
    access: ['manager', 'teller', 'admin'],
    params: z.strictObject({ id: AppointmentIdParamSchema }),
  }),
  cancelAppointment: answer<AppointmentResponse>()({
    method: 'POST',
    path: '/api/v1/appointments/:id/cancel',
    access: ['manager', 'admin'],
    params: z.strictObject({ id: AppointmentIdParamSchema }),
    body: CancelAppointmentSchema,
  }),
  checkIn: answer<CheckInResponse>()({ method: 'POST', path: '/api/v1/appointments/check-in', access: ['kiosk'], body: CheckInRequestSchema }),

  // ------------------------------------------------------------ branch notices (the display's marquee)
  notices: answer<ActiveNotices>()({ method: 'GET', path: '/api/v1/notices', access: anyone }),
  allNotices: answer<NoticeListResponse>()({ method: 'GET', path: '/api/v1/notices/all', access: ['manager', 'admin'] }),
  addNotice: answer<BranchNotice>()({ method: 'POST', path: '/api/v1/notices', access: ['manager', 'admin'], body: NoticeInputSchema }),
  reorderNotices: answer<{ notices: BranchNotice[] }>()({
    method: 'PUT',
    path: '/api/v1/notices/order',
    access: ['manager', 'admin'],
    body: NoticeOrderSchema,
  }),
  updateNotice: answer<BranchNotice>()({
    method: 'PUT',
    path: '/api/v1/notices/:id',
    access: ['manager', 'admin'],
    params: z.strictObject({ id: NoticeIdParamSchema }),
    body: NoticeInputSchema,
  }),
  removeNotice: answer<null>()({
    method: 'DELETE',
    path: '/api/v1/notices/:id',
    access: ['manager', 'admin'],
    params: z.strictObject({ id: NoticeIdParamSchema }),
  }),

  // ------------------------------------------------------------ devices (kiosks and displays)
  devices: answer<DeviceListResponse>()({ method: 'GET', path: '/api/v1/devices', access: ['admin'] }),
  // ------------------------------------------------------------ staff, branch set-up, feeds (admin)
  listStaff: answer<StaffListResponse>()({ method: 'GET', path: '/api/v1/staff', access: ['admin'] }),
  addStaff: answer<StaffPinResponse>()({ method: 'POST', path: '/api/v1/staff', access: ['admin'], body: AddStaffRequestSchema }),
  updateStaff: answer<StaffInfo>()({
    method: 'PUT',
    path: '/api/v1/staff/:id',
    access: ['admin'],
    params: z.strictObject({ id: StaffIdParamSchema }),
    body: UpdateStaffRequestSchema,
  }),
  resetStaffPin: answer<StaffPinResponse>()({ method: 'POST', path: '/api/v1/staff/:id/reset-pin', access: ['admin'], params: z.strictObject({ id: StaffIdParamSchema }) }),
  branchSetup: answer<BranchSetupResponse>()({ method: 'GET', path: '/api/v1/branch/setup', access: ['admin'] }),
  checkBranchSetup: answer<BranchSetupCheckResponse>()({ method: 'POST', path: '/api/v1/branch/setup/check', access: ['admin'], body: BranchSetupRequestSchema }),
  applyBranchSetup: answer<BranchSetupCheckResponse>()({ method: 'PUT', path: '/api/v1/branch/setup', access: ['admin'], body: BranchSetupRequestSchema }),
  feeds: answer<FeedsResponse>()({ method: 'GET', path: '/api/v1/feeds', access: ['admin'] }),

  pairDevice: answer<DeviceSecretResponse>()({ method: 'POST', path: '/api/v1/devices', access: ['admin'], body: PairDeviceRequestSchema }),
  rekeyDevice: answer<DeviceSecretResponse>()({
    method: 'POST',
    path: '/api/v1/devices/:id/rekey',
    access: ['admin'],
    params: z.strictObject({ id: DeviceIdSchema }),
  }),
  retireDevice: answer<DeviceRetireResponse>()({
    method: 'POST',
    path: '/api/v1/devices/:id/retire',
    access: ['admin'],
    params: z.strictObject({ id: DeviceIdSchema }),
  }),
  /** The kiosk fleet: every paired device with its last heartbeat (live over socket.io `fleet:changed`). */
  fleet: answer<FleetResponse>()({ method: 'GET', path: '/api/v1/fleet', access: ['admin'] }),
  /** Asks a kiosk's or display's screen to reload (audited); a kiosk shell signs in again if its session expired. */
  reloadDevice: answer<FleetDevice>()({
    method: 'POST',
    path: '/api/v1/devices/:id/reload',
    access: ['admin'],
    params: z.strictObject({ id: DeviceIdSchema }),
  }),
  /** Lifts a staff id's lock after failed sign-ins (audited). */
  unlockStaff: answer<{ unlocked: boolean }>()({
    method: 'POST',
    path: '/api/v1/staff/:id/unlock',
    access: ['manager', 'admin'],
    params: z.strictObject({ id: StaffIdParamSchema }),
  }),
} as const;

export type Routes = typeof ROUTES;

export type RouteName = keyof Routes;
/**
 * Origins allowed to call the hub cross-origin (HTTP and socket.io): the Electron kiosk shell,
 * which shows its screens from its own build over app://kiosk. Everyone else is same-origin.
 */
export const KIOSK_SHELL_ORIGINS: readonly string[] = ['app://kiosk'];

/** The path of a route with its parameters filled in (each one URI-encoded). */
export function pathOf(spec: RouteSpec, params: Record<string, unknown> | undefined): string {
  return spec.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const v = params?.[name];
    if (v === undefined || v === null || v === '') throw new Error(`route ${spec.path}: parameter ${name} is missing`);
    return encodeURIComponent(String(v));
  });
}

/** `?a=1&b=x` from a query object (undefined and null values left out), or ''. */
export function queryStringOf(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}
