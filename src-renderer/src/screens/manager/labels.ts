/**
 * Small lookups shared by the staff screens (manager, teller, admin): service and counter names
 * from the branch info, green-channel rule wording, tolerant list extraction from hub responses.
 */
import type { TFunction } from 'i18next';
import type { BranchInfo, GreenChannelDecision } from '@domain/contracts';
import { localized } from '../../components/format';
import { msg, type Localized, type Msg } from './ops';

export function serviceName(branch: BranchInfo | null, code: string): string {
  const s = branch?.services.find((x) => x.code === code);
  return s ? localized(s.name) : code;
}

export function counterName(branch: BranchInfo | null, id: number | null | undefined, t: TFunction): string {
  if (id == null) return '—';
  const c = branch?.counters.find((x) => x.id === id);
  return c ? localized(c.name) : t('common:counterName', { id });
}

/** A service's name in both languages for a message rendered later (ops.ts Msg), else its code. */
export function serviceLabel(branch: BranchInfo | null, code: string): Localized | string {
  return branch?.services.find((x) => x.code === code)?.name ?? code;
}

/** A counter's name in both languages for a message rendered later, else "Counter N" translated then. */
export function counterLabel(branch: BranchInfo | null, id: number): Localized | Msg {
  return branch?.counters.find((x) => x.id === id)?.name ?? msg('common:counterName', { id });
}

/**
 * The rule that routed a customer into the green channel, in plain words. The hub names rules
 * like `key_customer`, `tier:top` / `tier_gold`; anything else is shown as recorded.
 */
export function greenRuleText(rule: string, t: TFunction): string {
  const r = rule.trim();
  const tier = /^tier[:_.\-\s]?(top|gold|general|drop)$/i.exec(r);
  if (tier) return t('manager:gc.rules.tier', { tier: t(`common:tier.${tier[1]!.toLowerCase()}`) });
  if (/^key[_\-\s]?customer$/i.test(r)) return t('manager:gc.rules.keyCustomer');
  if (/^manager$/i.test(r)) return t('manager:gc.rules.manager');
  if (/^(top|gold)$/i.test(r)) return t('manager:gc.rules.tier', { tier: t(`common:tier.${r.toLowerCase()}`) });
  return r;
}

/** Where a green-channel decision sent the customer: service name and counter when set. */
export function greenDestinationText(d: GreenChannelDecision, branch: BranchInfo | null, t: TFunction): string {
  const svc = serviceName(branch, d.destinationServiceCode);
  return d.destinationCounterId == null ? svc : `${svc} · ${counterName(branch, d.destinationCounterId, t)}`;
}
