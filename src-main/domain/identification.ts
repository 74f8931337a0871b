/**
 * How far the lobby believes who a customer is. A number typed on the kiosk's keypad is not a
 * customer: anyone can type a stranger's phone or card number. Identification therefore has a
 * strength, recorded on the ticket:
 *   - `typed`: keyed in (keypad, or a phone number however it arrived);
 *   - `read`: a bank card or resident ID read by a device at the kiosk;
 *   - `confirmed`: a lobby manager or teller checked the person (one tap on the card, audited).
 * The branch rules say what each strength allows (green-channel routing, pre-filled forms with the
 * customer's data, holdings on the manager's card); by default only `read` and `confirmed` do.
 * The kiosk never tells the person at it anything that depends on who a typed number belongs to.
 * Pure: the hub applies it (queue/queue.ts, visits, forms).
 */
import { z } from 'zod';

export const IdentificationStrengthSchema = z.enum(['typed', 'read', 'confirmed']);
export type IdentificationStrength = z.infer<typeof IdentificationStrengthSchema>;

/** How the identity reached the kiosk: typed on its keypad, or read by a card / ID reader. */
export const IdentityMethodSchema = z.enum(['keypad', 'reader']);
export type IdentityMethod = z.infer<typeof IdentityMethodSchema>;

/** What a strength may unlock. */
export type IdentificationUse = 'greenChannel' | 'prefill' | 'holdings';

/** How a member of staff checked the person. */
export const IdentityCheckSchema = z.enum(['id_document', 'bank_card', 'known_to_staff']);
export type IdentityCheck = z.infer<typeof IdentityCheckSchema>;

const Strengths = z.array(IdentificationStrengthSchema).max(3);

export const IdentificationRulesSchema = z.object({
  /** Strengths that route a green-channel customer into the green channel at the kiosk. */
  greenChannel: Strengths.default(['read', 'confirmed']),
  /** Strengths whose pre-filled forms carry the customer's own data (name, phone, ID, card). */
  prefill: Strengths.default(['read', 'confirmed']),
  /** Strengths whose customer card shows holdings, AUM, reminders and offers. */
  holdings: Strengths.default(['read', 'confirmed']),
  attempts: z
    .object({
      /** Identifications one kiosk may try within the window ... */
      perKiosk: z.number().int().min(1).max(10_000).default(30),
      /** ... and the same identifier, at any kiosk. */
      perIdentifier: z.number().int().min(1).max(100).default(3),
      windowMinutes: z.number().int().min(1).max(1440).default(10),
      /** A kiosk reaching this many identifications within the window alerts the lobby manager (once per window). */
      alertAt: z.number().int().min(1).max(10_000).default(15),
    })
    .default({ perKiosk: 30, perIdentifier: 3, windowMinutes: 10, alertAt: 15 }),
});
export type IdentificationRules = z.infer<typeof IdentificationRulesSchema>;
export const DEFAULT_IDENTIFICATION_RULES: IdentificationRules = IdentificationRulesSchema.parse({});

/**
 * The strength of an identity entered at the kiosk. A phone number is never `read`: it is not a
 * credential a device reads from a card, whatever typed it.
 */
export function strengthOf(method: IdentityMethod, kind: 'phone' | 'card' | 'idNumber'): 'typed' | 'read' {
  return method === 'reader' && kind !== 'phone' ? 'read' : 'typed';
}

/** Whether the branch rules let this strength unlock `use`. */
export function allows(rules: IdentificationRules, use: IdentificationUse, strength: IdentificationStrength | null): boolean {
  return strength !== null && rules[use].includes(strength);
}

/** The strength of a ticket: confirmed once staff checked the person, else how the identity was entered. */
export function effectiveStrength(entered: 'typed' | 'read' | null, confirmedAt: number | null): IdentificationStrength | null {
  if (entered === null) return null;
  return confirmedAt !== null ? 'confirmed' : entered;
}

/**
 * Identification attempts in a sliding window, per key (a kiosk, an identifier). In memory: a
 * restart forgets them, as it forgets wrong booking codes.
 */
export class AttemptWindow {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly windowMs: () => number) {}

  /** Attempts of `key` within the window ending at `now`. */
  count(key: string, now: number): number {
    return this.live(key, now).length;
  }

  /** Records one attempt; returns the count including it. */
  record(key: string, now: number): number {
    const list = this.live(key, now);
    list.push(now);
    this.hits.set(key, list);
    return list.length;
  }

  /** Seconds until `key` has fewer than `max` attempts in the window (0 when it has already). */
  retryAfterSeconds(key: string, max: number, now: number): number {
    const list = this.live(key, now);
    if (list.length < max) return 0;
    const freeAt = list[list.length - max]! + this.windowMs();
    return Math.max(1, Math.ceil((freeAt - now) / 1000));
  }

  private live(key: string, now: number): number[] {
    const from = now - this.windowMs();
    const list = (this.hits.get(key) ?? []).filter((t) => t > from);
    if (list.length === 0) this.hits.delete(key);
    else this.hits.set(key, list);
    return list;
  }
}
