/**
 * Limits identification attempts at the kiosk, like wrong booking codes: per kiosk and per
 * identifier (the same number tried at any kiosk) within a sliding window (branch rules
 * `identification.attempts`). A kiosk reaching `alertAt` attempts within the window raises one alert
 * for the lobby manager per window. Identifiers are kept only as a keyed digest, in memory.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { LobbyAlert } from '../../domain/contracts';
import { AttemptWindow, type IdentificationRules } from '../../domain/identification';
import { HubError } from '../errors';

export class IdentificationGuard {
  private readonly kiosks: AttemptWindow;
  private readonly identifiers: AttemptWindow;
  private readonly alertedAt = new Map<string, number>();
  /** Per-process key: digests of identifiers are useless outside this process. */
  private readonly key = randomBytes(32);

  constructor(
    private readonly rules: () => IdentificationRules,
    private readonly now: () => number,
  ) {
    const windowMs = () => this.rules().attempts.windowMinutes * 60_000;
    this.kiosks = new AttemptWindow(windowMs);
    this.identifiers = new AttemptWindow(windowMs);
  }

  /**
   * Counts one attempt of `kiosk` with this identifier. Refused (429, `too_many_identifications`,
   * with `retryAfterSeconds`) when the kiosk or the identifier is over its limit; the refused
   * attempt counts too. Returns the alert to raise, if this attempt makes a burst.
   */
  attempt(kiosk: string, identity: { kind: string; value: string }): { alert: LobbyAlert | null } {
    const { attempts } = this.rules();
    const now = this.now();
    const id = createHmac('sha256', this.key).update(`${identity.kind}:${identity.value}`).digest('base64url');
    const kioskWait = this.kiosks.retryAfterSeconds(kiosk, attempts.perKiosk, now);
    const idWait = this.identifiers.retryAfterSeconds(id, attempts.perIdentifier, now);
    const count = this.kiosks.record(kiosk, now);
    this.identifiers.record(id, now);
    const alert = this.burst(kiosk, count, now);
    if (kioskWait > 0 || idWait > 0) {
      const retryAfterSeconds = Math.max(kioskWait, idWait);
      const err = new HubError('rate_limited', `too many identification attempts; try again in ${retryAfterSeconds} s or take a ticket without identification`, {
        reason: 'too_many_identifications',
        params: { retryAfterSeconds, scope: kioskWait > 0 ? 'kiosk' : 'identifier' },
      });
      (err as HubError & { alert?: LobbyAlert | null }).alert = alert;
      throw err;
    }
    return { alert };
  }

  private burst(kiosk: string, count: number, now: number): LobbyAlert | null {
    const { attempts } = this.rules();
    const windowMs = attempts.windowMinutes * 60_000;
    if (count < attempts.alertAt) return null;
    const last = this.alertedAt.get(kiosk);
    if (last !== undefined && now - last < windowMs) return null;
    this.alertedAt.set(kiosk, now);
    return { kind: 'identification_burst', deviceId: kiosk, attempts: count, windowMinutes: attempts.windowMinutes, at: new Date(now).toISOString() };
  }
}
