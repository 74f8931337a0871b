/** The branch this hub runs: its rules, services and counters, read once and cached. */
import { BranchRulesSchema, type BranchRules } from '../domain/branch-config';
import type { BranchInfo, CounterInfo, ServiceInfo } from '../domain/contracts';
import type { Db } from './db/open';

export interface Branch extends BranchInfo {
  rules: BranchRules;
  serviceByCode: Map<string, ServiceInfo>;
  counterById: Map<number, CounterInfo>;
  /** Counters serving each service code. */
  countersForService: Map<string, number[]>;
}

export function loadBranch(db: Db): Branch | null {
  const row = db.prepare('SELECT id, name_zh, name_en, rules_json FROM branch ORDER BY id LIMIT 1').get() as
    | { id: string; name_zh: string; name_en: string; rules_json: string }
    | undefined;
  if (!row) return null;
  const rules = BranchRulesSchema.parse(JSON.parse(row.rules_json));
  const services = (
    db
      .prepare('SELECT code, prefix, name_zh, name_en, vip_only FROM service WHERE branch_id = ? AND active = 1 ORDER BY sort_order, code')
      .all(row.id) as { code: string; prefix: string; name_zh: string; name_en: string; vip_only: number }[]
  ).map<ServiceInfo>((s) => ({ code: s.code, prefix: s.prefix, name: { 'zh-CN': s.name_zh, en: s.name_en }, vipOnly: s.vip_only === 1 }));
  const links = db
    .prepare('SELECT counter_id, service_code FROM counter_service WHERE branch_id = ? ORDER BY counter_id, weight DESC, service_code')
    .all(row.id) as { counter_id: number; service_code: string }[];
  const counters = (
    db.prepare('SELECT id, name_zh, name_en, vip FROM counter WHERE branch_id = ? AND active = 1 ORDER BY id').all(row.id) as {
      id: number;
      name_zh: string;
      name_en: string;
      vip: number;
    }[]
  ).map<CounterInfo>((c) => ({
    id: c.id,
    name: { 'zh-CN': c.name_zh, en: c.name_en },
    vip: c.vip === 1,
    serviceCodes: links.filter((l) => l.counter_id === c.id).map((l) => l.service_code),
  }));
  const countersForService = new Map<string, number[]>();
  for (const l of links) {
    const list = countersForService.get(l.service_code) ?? [];
    list.push(l.counter_id);
    countersForService.set(l.service_code, list);
  }
  return {
    id: row.id,
    name: { 'zh-CN': row.name_zh, en: row.name_en },
    defaultLanguage: rules.defaultLanguage,
    services,
    counters,
    rules,
    serviceByCode: new Map(services.map((s) => [s.code, s])),
    counterById: new Map(counters.map((c) => [c.id, c])),
    countersForService,
  };
}

/** The set-up's revision (raised by every change); a running hub reloads when it moves. */
export function branchRevision(db: Db, branchId: string): number {
  return (db.prepare('SELECT revision FROM branch WHERE id = ?').pluck().get(branchId) as number | undefined) ?? 0;
}

/**
 * Reads the branch again into the same object every service holds (rules, services, counters
 * and their maps), so a change of the set-up applies at once without a restart.
 */
export function reloadBranch(db: Db, branch: Branch): void {
  const fresh = loadBranch(db);
  if (!fresh || fresh.id !== branch.id) return;
  Object.assign(branch, fresh);
}

export function branchInfo(b: Branch): BranchInfo {
  return { id: b.id, name: b.name, defaultLanguage: b.defaultLanguage, services: b.services, counters: b.counters };
}
