/**
 * Propensity learned from our own outcomes, per (product, segment), shrunk towards the product's
 * prior P0 (a Beta prior worth SE pitches):
 *   P = (SE * P0 + accepted) / (SE + N)
 * where N is how often the product was actually pitched to the segment (the manager recorded
 * accepted, declined or later: an offer that was never pitched is neither success nor failure) and
 * SE the prior's strength (branch configuration). With no pitches P is P0 whatever SE is; with many
 * it follows what customers actually did; SE = 0 trusts the pitches alone.
 */

export interface OutcomeStats {
  /** Pitches with an answer (accepted + declined + later). */
  n: number;
  accepted: number;
}

export function smoothedPropensity(prior: number, stats: OutcomeStats | undefined, priorStrength: number): number {
  const n = Math.max(0, stats?.n ?? 0);
  const accepted = Math.min(n, Math.max(0, stats?.accepted ?? 0));
  const strength = Math.max(0, priorStrength);
  if (n === 0) return prior;
  return (strength * prior + accepted) / (strength + n);
}

/** The segment outcomes are learned per: the customer's life stage (coarse enough to learn fast). */
export function segmentOf(lifeStage: string): string {
  return lifeStage;
}

export function statsKey(productCode: string, segment: string): string {
  return `${productCode}|${segment}`;
}
