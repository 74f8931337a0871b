/**
 * Pre-filled forms saved with a ticket. The kiosk fills in a form while the customer
 * waits; known customers' profile fields are filled in here, on the hub (the kiosk sees them only
 * masked). The teller of the counter that called the ticket reads the full form, copies fields
 * and marks them used. Form data is kept for a retention period and then purged.
 */
import type { Db } from '../db/open';
import type { IdentifierKey } from '../../customer-data/identifier-key';
import type { Identity } from '../auth/sessions';
import type { Journal } from '../journal';
import type { KioskFormInfo, SubmitFormResponse, TellerFormResponse } from '../../domain/contracts';
import {
  FORM_BY_ID,
  fieldText,
  formValuesSchema,
  formsForService,
  type FieldValue,
  type FormId,
  type FormValues,
  type PrefillSource,
} from '../../domain/forms';
import { maskCardNumber, maskIdNumber, maskName, maskPhone } from '../../domain/masking';
import { allows, effectiveStrength, type IdentificationRules } from '../../domain/identification';
import { businessDate } from '../../domain/ticket-number';
import { conflict, forbidden, fromZod, notFound } from '../errors';

/** The ticket columns this module reads (the ticket table belongs to the queue, queue/ticket-store.ts). */
interface TicketRef {
  id: string;
  branch_id: string;
  business_date: string;
  number: string;
  requested_service_code: string;
  customer_id: number | null;
  device_id: string;
  status: string;
  counter_id: number | null;
  identification: 'typed' | 'read' | null;
  id_confirmed_at: number | null;
}

interface FormRow {
  ticket_id: string;
  branch_id: string;
  form_id: FormId;
  values_json: string;
  prefilled_json: string;
  used_json: string;
  submitted_at: number;
  updated_at: number;
}

const DAY_MS = 24 * 3600_000;

/** Deletes forms submitted before `now - retentionDays`; returns how many were deleted. */
export function purgeForms(db: Db, now: number, retentionDays: number): number {
  return db.prepare('DELETE FROM ticket_form WHERE submitted_at < ?').run(now - retentionDays * DAY_MS).changes;
}

export class Forms {
  private readonly s;

  constructor(
    private readonly db: Db,
    private readonly branchId: string,
    private readonly timeZone: string,
    private readonly journal: Journal,
    private readonly now: () => number,
    /** What each identification strength allows (pre-filling needs a read or confirmed identity by default). */
    private readonly identification: () => IdentificationRules,
    /** Opens the customer's sealed identifiers for pre-filling, and seals the saved form at rest. */
    private readonly key: IdentifierKey,
  ) {
    this.s = {
      ticket: db.prepare(
        `SELECT id, branch_id, business_date, number, requested_service_code, customer_id, device_id, status, counter_id,
           identification, id_confirmed_at
         FROM ticket WHERE id = ?`,
      ),
      customer: db.prepare('SELECT name, phone_sealed, id_sealed FROM customer WHERE id = ?'),
      card: db.prepare(`SELECT card_sealed FROM card WHERE customer_id = ? ORDER BY kind = 'debit' DESC, card_masked LIMIT 1`),
      form: db.prepare('SELECT * FROM ticket_form WHERE ticket_id = ?'),
      upsert: db.prepare(
        `INSERT INTO ticket_form (ticket_id, branch_id, form_id, values_json, prefilled_json, used_json, submitted_at, updated_at)
         VALUES (@ticket_id, @branch_id, @form_id, @values_json, @prefilled_json, '[]', @now, @now)
         ON CONFLICT (ticket_id) DO UPDATE SET form_id = excluded.form_id, values_json = excluded.values_json,
           prefilled_json = excluded.prefilled_json, used_json = '[]', updated_at = excluded.updated_at`,
      ),
      setUsed: db.prepare('UPDATE ticket_form SET used_json = ?, updated_at = ? WHERE ticket_id = ?'),
    };
  }

  private today(): string {
    return businessDate(new Date(this.now()), this.timeZone);
  }

  private ticket(ticketId: string, who: Identity): TicketRef {
    const t = this.s.ticket.get(ticketId) as TicketRef | undefined;
    if (!t || t.branch_id !== who.branchId || t.branch_id !== this.branchId) throw notFound('ticket_not_found', 'ticket not found');
    return t;
  }

  /** A kiosk may fill in the form only for a ticket it issued, today, while the ticket waits. */
  private kioskTicket(ticketId: string, kiosk: Identity): TicketRef {
    const t = this.ticket(ticketId, kiosk);
    if (t.device_id !== kiosk.subjectId) throw forbidden('other_kiosk', 'this ticket was issued at another kiosk');
    if (t.status !== 'waiting' || t.business_date !== this.today()) throw conflict('not_waiting', `ticket ${t.number} is no longer waiting`, { number: t.number, status: t.status });
    return t;
  }

  /**
   * Full profile values for pre-filling (hub side only), when the identification is trusted for
   * it: a number typed at the kiosk pre-fills nothing (anyone can type a stranger's number).
   */
  private profile(t: TicketRef): Partial<Record<PrefillSource, string>> {
    const customerId = t.customer_id;
    if (customerId === null) return {};
    if (!allows(this.identification(), 'prefill', effectiveStrength(t.identification ?? 'typed', t.id_confirmed_at))) return {};
    const c = this.s.customer.get(customerId) as { name: string; phone_sealed: Buffer; id_sealed: Buffer } | undefined;
    if (!c) return {};
    const card = this.s.card.get(customerId) as { card_sealed: Buffer } | undefined;
    return {
      name: c.name,
      phone: this.key.open(c.phone_sealed),
      idNumber: this.key.open(c.id_sealed),
      ...(card ? { cardNumber: this.key.open(card.card_sealed) } : {}),
    };
  }

  private static mask(source: PrefillSource, value: string): string {
    switch (source) {
      case 'name':
        return maskName(value);
      case 'phone':
        return maskPhone(value);
      case 'idNumber':
        return maskIdNumber(value);
      case 'cardNumber':
        return maskCardNumber(value);
    }
  }

  /** Kiosk: the forms for the ticket's service and the masked pre-filled values of a known customer. */
  kioskInfo(ticketId: string, kiosk: Identity): KioskFormInfo {
    const t = this.kioskTicket(ticketId, kiosk);
    const forms = formsForService(t.requested_service_code);
    const profile = this.profile(t);
    const prefilled: Record<string, string> = {};
    for (const form of forms) {
      for (const f of form.fields) {
        const v = f.prefill ? profile[f.prefill] : undefined;
        if (f.prefill && v) prefilled[f.key] = Forms.mask(f.prefill, v);
      }
    }
    const saved = this.s.form.get(t.id) as FormRow | undefined;
    return { ticketId: t.id, formIds: forms.map((f) => f.id), prefilled, submittedFormId: saved?.form_id ?? null };
  }

  /**
   * Kiosk: saves (or replaces) the ticket's form. Fields the kiosk left out that the profile can
   * fill are filled here; then the whole form is validated with the shared schema.
   */
  submit(ticketId: string, formId: FormId, typed: Record<string, unknown>, kiosk: Identity): SubmitFormResponse {
    const t = this.kioskTicket(ticketId, kiosk);
    const form = FORM_BY_ID.get(formId)!;
    if (!form.serviceCodes.includes(t.requested_service_code)) {
      throw conflict('form_not_offered', `form ${formId} is not offered for service ${t.requested_service_code}`, { formId, serviceCode: t.requested_service_code });
    }
    const profile = this.profile(t);
    const merged: Record<string, unknown> = { ...typed };
    const prefilledKeys: string[] = [];
    for (const f of form.fields) {
      const blank = merged[f.key] === undefined || merged[f.key] === null || merged[f.key] === '';
      const v = f.prefill ? profile[f.prefill] : undefined;
      if (blank && v) {
        merged[f.key] = v;
        prefilledKeys.push(f.key);
      }
    }
    const parsed = formValuesSchema(form, { today: this.today() }).safeParse(merged);
    if (!parsed.success) throw fromZod(parsed.error);
    const values: FormValues = parsed.data;
    const now = this.now();
    this.db.transaction(() => {
      this.s.upsert.run({
        ticket_id: t.id,
        branch_id: t.branch_id,
        form_id: formId,
        values_json: sealValues(this.key, values),
        prefilled_json: JSON.stringify(prefilledKeys),
        now,
      });
      this.journal.auditBy(t.branch_id, kiosk, 'form.submit', `ticket:${t.id}`, { number: t.number, formId, fields: Object.keys(values) });
    })();
    return { ticketId: t.id, formId, savedAt: new Date(now).toISOString(), fields: Object.keys(values) };
  }

  /** The teller at the counter that called the ticket: the full form (audited). */
  forTeller(ticketId: string, teller: Identity): TellerFormResponse {
    const t = this.ticket(ticketId, teller);
    this.checkCalledHere(t, teller);
    const row = this.s.form.get(t.id) as FormRow | undefined;
    if (!row) throw notFound('form_not_found', 'form not found');
    this.journal.auditBy(t.branch_id, teller, 'form.view', `ticket:${t.id}`, { number: t.number, formId: row.form_id });
    return this.view(t, row);
  }

  /** Marks fields as copied into the core system; returns the updated form. */
  markUsed(ticketId: string, keys: readonly string[], teller: Identity): TellerFormResponse {
    const t = this.ticket(ticketId, teller);
    this.checkCalledHere(t, teller);
    const row = this.s.form.get(t.id) as FormRow | undefined;
    if (!row) throw notFound('form_not_found', 'form not found');
    const values = openValues(this.key, row.values_json) as FormValues;
    const unknown = keys.filter((k) => !(k in values));
    if (unknown.length) throw notFound('form_field_not_found', `form field ${unknown.join(', ')} not found`, { fields: unknown.join(', ') });
    const used = new Set<string>(JSON.parse(row.used_json) as string[]);
    for (const k of keys) used.add(k);
    const usedJson = JSON.stringify([...used]);
    this.db.transaction(() => {
      this.s.setUsed.run(usedJson, this.now(), t.id);
      this.journal.auditBy(t.branch_id, teller, 'form.fields_used', `ticket:${t.id}`, { number: t.number, formId: row.form_id, fields: keys });
    })();
    return this.view(t, { ...row, used_json: usedJson });
  }

  private checkCalledHere(t: TicketRef, teller: Identity): void {
    if (t.status !== 'called' || t.counter_id !== teller.counterId) {
      throw conflict('not_called_here', `ticket ${t.number} is not called at your counter`, { number: t.number });
    }
  }

  private view(t: TicketRef, row: FormRow): TellerFormResponse {
    const form = FORM_BY_ID.get(row.form_id)!;
    const values = openValues(this.key, row.values_json) as Record<string, FieldValue>;
    const prefilled = new Set(JSON.parse(row.prefilled_json) as string[]);
    const used = new Set(JSON.parse(row.used_json) as string[]);
    return {
      ticketId: t.id,
      number: t.number,
      formId: form.id,
      title: form.title,
      submittedAt: new Date(row.updated_at).toISOString(),
      fields: form.fields
        .filter((f) => values[f.key] !== undefined)
        .map((f) => {
          const v = values[f.key]!;
          const choice = f.type === 'choice' ? f.choices?.find((c) => c.value === v) : undefined;
          return {
            key: f.key,
            type: f.type,
            label: f.label,
            text: fieldText(v),
            ...(choice ? { choiceLabel: choice.label } : {}),
            prefilled: prefilled.has(f.key),
            used: used.has(f.key),
          };
        }),
    };
  }
}

/**
 * A saved form holds identifiers (ID number, card and account numbers) as the customer typed them:
 * at rest it is sealed with the branch key, like the customer snapshot's identifiers.
 */
export function sealValues(key: IdentifierKey, values: unknown): string {
  return `sealed:${key.seal(JSON.stringify(values)).toString('base64')}`;
}

export function openValues(key: IdentifierKey, stored: string): unknown {
  return JSON.parse(stored.startsWith('sealed:') ? key.open(Buffer.from(stored.slice(7), 'base64')) : stored);
}
