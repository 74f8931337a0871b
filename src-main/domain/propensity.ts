/**
 * Propensity learned from our own outcomes, per (product, segment), smoothed towards the prior:
 *   P = SE/(SE+N+1) * P0 + N/(SE+N+1) * P_obs
 * where N is how often the product was pitched to the segment, P_obs the share accepted, and SE
 * the prior's strength (branch configuration). With no outcomes P is close to P0; with many
 * outcomes it follows what customers actually did.
 */

export interface OutcomeStats {
  /** Pitches with an answer or none (accepted + declined + later + no response). */
  n: number;
  accepted: number;
}

export function smoothedPropensity(prior: number, stats: OutcomeStats | undefined, priorStrength: number): number {
  const n = stats?.n ?? 0;
  if (n <= 0) return (priorStrength / (priorStrength + 1)) * prior;
  const observed = Math.min(1, Math.max(0, (stats?.accepted ?? 0) / n));
  const d = priorStrength + n + 1;
  return (priorStrength / d) * prior + (n / d) * observed;
}

/** The segment outcomes are learned per: the customer's life stage (coarse enough to learn fast). */
export function segmentOf(lifeStage: string): string {
  return lifeStage;
}

export function statsKey(productCode: string, segment: string): string {
  return `${productCode}|${segment}`;
}
