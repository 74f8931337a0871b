/**
 * The typed contract shared by hub and screens: request/response schemas of the HTTP API
 * (docs/API.md) and the socket.io event maps. Everything a person or a device sends is parsed
 * with these schemas; screens use the inferred types.
 */
import { z } from 'zod';
import { LanguageSchema } from './branch-config';
import { isValidIdentity, normalizeIdentityValue, type IdentityKind } from './identity';
import type { Reminder } from './reminders';
import type { OfferReason } from './offers';
import type { ProductCategory, LifeStage } from './products';
import type { Tier } from './tiering';
import type { TicketClass, TicketRoute, TicketStatus } from './queue';

export type { Reminder, OfferReason, ProductCategory, LifeStage, Tier, TicketClass, TicketRoute, TicketStatus };
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
  counterId: number | null;
  expiresAt: string;
}

// ---------------------------------------------------------------- errors

export type ErrorCode =
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'internal';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: { path: string; message: string }[] };
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
  })
  .transform((v) => ({ kind: v.kind, value: normalizeIdentityValue(v.kind, v.value) }))
  .refine((v) => isValidIdentity(v.kind as IdentityKind, v.value), {
    message: 'identity value is not a valid phone number, bank card or resident ID',
    path: ['value'],
  });
export type Identity = z.input<typeof IdentitySchema>;

export const CreateTicketRequestSchema = z.strictObject({
  serviceCode: z.string().regex(/^[A-Z]$/, 'serviceCode is one capital letter'),
  identity: IdentitySchema.optional(),
  language: LanguageSchema.optional(),
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
  estimatedWaitMinutes: number;
  /** Opaque URL for the customer's phone; carries no personal data. */
  trackUrl: string;
  issuedAt: string;
  /** True when the customer was identified (the kiosk shows no more than that). */
  identified: boolean;
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
  estimatedWaitMinutes: number;
  counterId: number | null;
  counterName: { 'zh-CN': string; en: string } | null;
  branchName: { 'zh-CN': string; en: string };
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
  estimatedWaitMinutes: number;
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
  amount: number;
  openedOn: string;
  maturityOn: string | null;
  asOf: string;
}
export interface HoldingGroup {
  category: ProductCategory;
  total: number;
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
  outcome: OfferOutcome | null;
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
    relationshipManager: string | null;
    productCount: number;
    aum: number;
  };
  holdings: HoldingGroup[];
  holdingsAsOf: string;
  reminders: Reminder[];
  offers: CardOffer[];
  /** Marketing consent withdrawn: the card carries service information only. */
  serviceOnly: boolean;
  greenChannel: GreenChannelDecision | null;
}
export interface CardWithdrawn {
  ticketId: string;
  reason: 'completed' | 'no_show' | 'expired';
}

export const OfferOutcomeSchema = z.enum(['accepted', 'declined', 'later']);
export type OfferOutcome = z.infer<typeof OfferOutcomeSchema>;
export const RecordOutcomeSchema = z.strictObject({ outcome: OfferOutcomeSchema, note: z.string().max(500).optional() });
export interface RecordOutcomeResponse {
  ticketId: string;
  productCode: string;
  outcome: OfferOutcome;
  recordedAt: string;
}

// ---------------------------------------------------------------- audit

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  role: Role;
  device: string | null;
  action: string;
  subject: string;
  detail: Record<string, unknown>;
}

// ---------------------------------------------------------------- socket.io

export type Ack<T> = (result: { ok: true; data: T } | { ok: false; error: ErrorBody['error'] }) => void;

export interface ServerToClientEvents {
  'queue:changed': (snapshot: QueueSnapshot | PublicQueueSnapshot) => void;
  'customer:card': (card: CustomerCard) => void;
  'customer:card:withdrawn': (w: CardWithdrawn) => void;
  'green-channel:routed': (d: GreenChannelDecision) => void;
  'ticket:called': (call: { number: string; counterId: number; calledAt: string; offset: number }) => void;
}
export interface ClientToServerEvents {
  /** Current snapshot for the caller's audience. */
  'queue:snapshot': (ack: Ack<QueueSnapshot | PublicQueueSnapshot>) => void;
  /** Managers: the cards of every identified customer with a live ticket now. */
  'cards:list': (ack: Ack<CustomerCard[]>) => void;
}

export const CounterIdParamSchema = z.coerce.number().int().positive();
export const TicketIdParamSchema = z.string().uuid();
export const TrackTokenParamSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
export const ProductCodeParamSchema = z.string().regex(/^[A-Z0-9_-]{2,32}$/);
