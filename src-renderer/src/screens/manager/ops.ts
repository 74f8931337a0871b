/**
 * Pure helpers of the manager's queue operations: messages kept as i18n keys until they
 * are shown (so toasts and errors follow a language switch), hub refusals in plain words, the
 * transfer request and its summary, pause input, and the counter-profile editor's validation.
 * No React and no I/O: tests/unit/screens/manager-ops.test.ts covers them.
 */
import type { TFunction } from 'i18next';
import {
  CounterServicesSchema,
  MoveToGreenChannelSchema,
  PauseCounterSchema,
  PauseReasonSchema,
  TransferRequestSchema,
  type CounterStatus,
  type ErrorReason,
  type PauseReason,
  type Placement,
  type ServiceInfo,
  type TransferRequest,
  type WaitingTicket,
} from '@domain/contracts';
import { originalArrival } from '@domain/queue-policy';

// ---------------------------------------------------------------- messages rendered late

/** A hub text in both languages (a service or counter name). */
export type Localized = { 'zh-CN': string; en: string };

/**
 * A message as an i18n key with values; a value may itself be a message (a translated word) or
 * a hub text in both languages, so the whole sentence follows a language switch.
 */
export interface Msg {
  key: string;
  values?: Record<string, string | number | Msg | Localized>;
}

export const msg = (key: string, values?: Msg['values']): Msg => (values ? { key, values } : { key });

const isMsg = (v: unknown): v is Msg => typeof v === 'object' && v !== null && typeof (v as Msg).key === 'string';
const isLocalized = (v: unknown): v is Localized =>
  typeof v === 'object' && v !== null && typeof (v as Localized)['zh-CN'] === 'string' && typeof (v as Localized).en === 'string';

/** The message in the current language (call it during render; `lang` picks hub texts). */
export function renderMsg(t: TFunction, m: Msg, lang: 'zh-CN' | 'en' = 'zh-CN'): string {
  const values: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(m.values ?? {})) {
    values[k] = isMsg(v) ? renderMsg(t, v, lang) : isLocalized(v) ? v[lang] || v['zh-CN'] || v.en : v;
  }
  return t(m.key, values) as string;
}

// ---------------------------------------------------------------- hub errors in plain words

const ERROR_CODES = new Set(['network', 'unauthenticated', 'forbidden', 'validation_failed', 'not_found', 'conflict', 'rate_limited', 'internal']);
const STATUSES = new Set(['waiting', 'called', 'completed', 'no_show']);

/** The hub's refusals a manager meets on the queue, by reason (`ErrorReason`, domain/contracts.ts), and the sentence for each. */
const REASON_KEYS: Partial<Record<ErrorReason, string>> = {
  counter_busy: 'manager:ops.errors.counterBusy',
  already_green: 'manager:ops.errors.alreadyGreen',
  guest_ticket: 'manager:ops.errors.guest',
  other_day: 'manager:ops.errors.otherDay',
  green_channel_off: 'manager:ops.errors.greenOff',
  not_waiting: 'manager:ops.errors.notWaiting',
  vip_only_service: 'manager:ops.errors.vipOnly',
  ticket_not_found: 'manager:ops.errors.ticketGone',
  service_not_found: 'manager:ops.errors.serviceGone',
  counter_not_found: 'manager:ops.errors.counterGone',
  customer_card_not_found: 'common:reasons.customer_card_not_found',
  visit_ended: 'common:reasons.visit_ended',
  contact_cap: 'common:reasons.contact_cap',
  visit_closed: 'common:reasons.visit_closed',
  identity_unconfirmed: 'common:reasons.identity_unconfirmed',
};

/**
 * A failed operation as a message: the hub's machine-readable reason with its values (ticket
 * number, counter, status, service) said in the screen's language; anything else falls back to
 * the generic sentence for the error code (with the hub's words).
 */
export function opsErrorMsg(err: unknown): Msg {
  const e = (err ?? {}) as { code?: unknown; message?: unknown; reason?: unknown; params?: Record<string, unknown> };
  const code = typeof e.code === 'string' && ERROR_CODES.has(e.code) ? e.code : 'internal';
  const message = typeof e.message === 'string' ? e.message : String(err);
  const p = e.params ?? {};
  const key = typeof e.reason === 'string' ? REASON_KEYS[e.reason as ErrorReason] : undefined;
  if (key) {
    const values: Msg['values'] = {};
    if (p.number != null) values.number = String(p.number);
    if (p.counterId != null) values.counter = String(p.counterId);
    if (p.serviceCode != null) values.code = String(p.serviceCode);
    if (typeof p.status === 'string' && STATUSES.has(p.status)) values.status = msg(`common:status.${p.status}`);
    if (p.allowance != null) values.allowance = Number(p.allowance);
    return Object.keys(values).length ? msg(key, values) : msg(key);
  }
  if (code === 'forbidden') return msg('manager:ops.errors.forbidden');
  return msg(`common:errors.${code}`, { message });
}

// ---------------------------------------------------------------- transfer

export const PLACEMENTS: readonly Placement[] = ['original', 'first', 'last'];

export interface TransferDraft {
  /** The service the ticket will wait for ('' = keep its service). */
  serviceCode: string;
  /** '' = any counter that serves the service; else only this counter calls it. */
  counterId: string;
  placement: Placement;
}

/**
 * The request for the hub, validated with the contract's schema; null when it would be refused.
 * Keeping the service: to a counter, the service is left out (the hub keeps it); without a counter
 * the ticket is re-placed in its own line, which a VIP-only service (green channel) does not allow.
 */
export function transferRequest(draft: TransferDraft, current: { serviceCode: string; vipOnly: boolean }): TransferRequest | null {
  const counterId = draft.counterId ? Number(draft.counterId) : undefined;
  let serviceCode: string | undefined = draft.serviceCode || undefined;
  if (serviceCode === undefined && counterId === undefined) {
    if (current.vipOnly) return null;
    serviceCode = current.serviceCode;
  }
  const body: TransferRequest = {
    ...(serviceCode !== undefined ? { serviceCode } : {}),
    ...(counterId !== undefined ? { counterId } : {}),
    placement: draft.placement,
  };
  return TransferRequestSchema.safeParse(body).success ? body : null;
}

/** Services a ticket can be transferred to: the VIP-only ones are reached by the green channel. */
export function transferServices(services: readonly ServiceInfo[]): ServiceInfo[] {
  return services.filter((s) => !s.vipOnly);
}

/**
 * Where a transfer "by original arrival" places a waiting ticket (the hub's rule): its issue time,
 * or the booked time of an appointment checked in on time (then `bookedTime`, HH:MM in branch time,
 * as its badge shows it). `at` is the ISO instant.
 */
export function arrivalOf(t: Pick<WaitingTicket, 'issuedAt' | 'appointment'>): { at: string; bookedTime: string | null } {
  const booked = t.appointment && !t.appointment.late ? t.appointment : null;
  const at = originalArrival({ issuedAt: Date.parse(t.issuedAt), onTimeBookedAt: booked ? Date.parse(booked.bookedAt) : null });
  return { at: new Date(at).toISOString(), bookedTime: booked?.bookedTime ?? null };
}

/**
 * The transfer in one sentence: where the ticket will wait and where in the line. `service` and
 * `counter` are display names; `arrival` the time "by original arrival" keeps (`booked`: an appointment's).
 */
export function transferSummaryMsg(p: {
  number: string;
  service: string;
  sameService: boolean;
  counter: string | null;
  placement: Placement;
  arrival: string;
  booked?: boolean;
}): Msg {
  const where = p.counter
    ? msg(p.sameService ? 'manager:ops.transfer.summary.counterSame' : 'manager:ops.transfer.summary.counter', { service: p.service, counter: p.counter })
    : msg(p.sameService ? 'manager:ops.transfer.summary.serviceSame' : 'manager:ops.transfer.summary.service', { service: p.service });
  return msg('manager:ops.transfer.summary.sentence', {
    number: p.number,
    where,
    place: msg(`manager:ops.transfer.summary.place.${p.placement === 'original' && p.booked ? 'originalBooked' : p.placement}`, { time: p.arrival }),
  });
}

// ---------------------------------------------------------------- green channel

export type Checked<T> = { ok: true; value: T } | { ok: false; error: Msg };

export const REASON_MIN = 2;
export const REASON_MAX = 200;

/** The manager's reason for a green-channel move: 2–200 characters once trimmed (as the hub requires). */
export function checkGreenReason(reason: string): Checked<{ reason: string }> {
  const parsed = MoveToGreenChannelSchema.safeParse({ reason });
  if (parsed.success) return { ok: true, value: parsed.data };
  const len = reason.trim().length;
  return { ok: false, error: len < REASON_MIN ? msg('manager:ops.green.tooShort', { min: REASON_MIN }) : msg('manager:ops.green.tooLong', { max: REASON_MAX }) };
}

/** Whether a waiting ticket can be moved into the green channel, or why not. */
export function greenBlocker(w: { identified: boolean; ticketClass: string; route: string }): 'already' | 'guest' | null {
  if (w.ticketClass === 'green' || w.route === 'green_channel') return 'already';
  if (!w.identified) return 'guest';
  return null;
}

/**
 * The estimate per ticket when the hub sends one (waiting-time estimate): minutes,
 * 'unknown' when no open counter serves the ticket (null), or null when not sent.
 */
export function ticketEstimate(w: { estimatedWaitMinutes?: number | null }): number | 'unknown' | null {
  const m: unknown = w.estimatedWaitMinutes;
  if (m === null) return 'unknown';
  return typeof m === 'number' && Number.isFinite(m) ? Math.max(0, Math.round(m)) : null;
}

// ---------------------------------------------------------------- counters

/** In the contract's order; a reason added there shows up on the teller's and the manager's screens. */
export const PAUSE_REASONS: readonly PauseReason[] = PauseReasonSchema.options;
export const NOTE_MAX = 200;

/** A pause request (reason chosen, optional note up to 200 characters). */
export function checkPause(reason: PauseReason | null, note: string): Checked<{ reason: PauseReason; note?: string }> {
  if (!reason) return { ok: false, error: msg('manager:counters.pause.chooseReason') };
  const trimmed = note.trim();
  const parsed = PauseCounterSchema.safeParse({ reason, ...(trimmed ? { note: trimmed } : {}) });
  if (!parsed.success) return { ok: false, error: msg('manager:counters.pause.noteTooLong', { max: NOTE_MAX }) };
  return { ok: true, value: parsed.data };
}

/** One row of the counter-profile editor: a service, whether this counter serves it, its weight as typed. */
export interface ProfileRow {
  code: string;
  enabled: boolean;
  weight: string;
}

export const WEIGHT_MIN = 1;
export const WEIGHT_MAX = 100;

/** The editor's rows: every service of the branch, this counter's ones ticked with their weight. */
export function profileRows(services: readonly ServiceInfo[], profile: readonly { code: string; weight: number }[]): ProfileRow[] {
  const weights = new Map(profile.map((p) => [p.code, p.weight]));
  return services.map((s) => ({ code: s.code, enabled: weights.has(s.code), weight: String(weights.get(s.code) ?? 1) }));
}

/** A weight as typed: an integer 1–100, or null. */
export function parseWeight(text: string): number | null {
  const t = text.trim();
  if (!/^\d{1,3}$/.test(t)) return null;
  const n = Number(t);
  return n >= WEIGHT_MIN && n <= WEIGHT_MAX ? n : null;
}

/** Steps a weight by ±1 within 1–100 (an unreadable weight restarts at 1). */
export function stepWeight(text: string, delta: number): string {
  const n = parseWeight(text) ?? WEIGHT_MIN;
  return String(Math.min(WEIGHT_MAX, Math.max(WEIGHT_MIN, n + delta)));
}

export interface ProfileCheck {
  /** The request body when valid (heaviest first, as the hub stores it). */
  body: { services: { code: string; weight: number }[] } | null;
  /** Per service code: why its weight is refused. */
  rowErrors: Record<string, Msg>;
  /** A problem with the whole profile (nothing ticked). */
  error: Msg | null;
}

/** Validates the editor before sending: at least one service, each weight an integer 1–100. */
export function checkProfile(rows: readonly ProfileRow[]): ProfileCheck {
  const rowErrors: Record<string, Msg> = {};
  const services: { code: string; weight: number }[] = [];
  for (const r of rows) {
    if (!r.enabled) continue;
    const w = parseWeight(r.weight);
    if (w === null) rowErrors[r.code] = msg('manager:counters.profile.badWeight', { min: WEIGHT_MIN, max: WEIGHT_MAX });
    else services.push({ code: r.code, weight: w });
  }
  const enabled = rows.filter((r) => r.enabled).length;
  const error = enabled === 0 ? msg('manager:counters.profile.atLeastOne') : null;
  if (error || Object.keys(rowErrors).length > 0) return { body: null, rowErrors, error };
  services.sort((a, b) => b.weight - a.weight || a.code.localeCompare(b.code));
  const parsed = CounterServicesSchema.safeParse({ services });
  return parsed.success ? { body: { services }, rowErrors, error: null } : { body: null, rowErrors, error: msg('manager:counters.profile.atLeastOne') };
}

/** Whether the edited profile differs from the saved one. */
export function profileChanged(saved: readonly { code: string; weight: number }[], body: { services: { code: string; weight: number }[] } | null): boolean {
  if (!body) return true;
  const key = (l: readonly { code: string; weight: number }[]) =>
    [...l]
      .sort((a, b) => a.code.localeCompare(b.code))
      .map((s) => `${s.code}:${s.weight}`)
      .join(',');
  return key(saved) !== key(body.services);
}

/**
 * Services no counter would serve any more if this counter took `codes` (the others keep theirs):
 * their customers could wait for ever. The editor warns before saving.
 */
export function servicesLeftUnserved(
  counters: readonly Pick<CounterStatus, 'counterId' | 'services'>[],
  counterId: number,
  codes: readonly string[],
  allCodes: readonly string[],
): string[] {
  const served = new Set(codes);
  for (const c of counters) if (c.counterId !== counterId) for (const s of c.services) served.add(s.code);
  return allCodes.filter((code) => !served.has(code));
}

/** Seconds a counter has been in its state (null when it never changed: open since the start). */
export function stateSeconds(changedAt: string | null, now: number): number | null {
  if (!changedAt) return null;
  const ms = Date.parse(changedAt);
  return Number.isNaN(ms) ? null : Math.max(0, Math.floor((now - ms) / 1000));
}

/**
 * Services this counter serves that no other open counter serves: pausing or closing it leaves
 * their customers without a counter until someone opens.
 */
export function servicesOnlyHere(counters: readonly Pick<CounterStatus, 'counterId' | 'state' | 'services'>[], counterId: number): string[] {
  const me = counters.find((c) => c.counterId === counterId);
  if (!me) return [];
  const elsewhere = new Set<string>();
  for (const c of counters) if (c.counterId !== counterId && c.state === 'open') for (const s of c.services) elsewhere.add(s.code);
  return me.services.map((s) => s.code).filter((code) => !elsewhere.has(code));
}
