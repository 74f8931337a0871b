/**
 * `hub.js setup <branch-file>`: creates or updates the branch of a data directory from its branch
 * file (domain/branch-file.ts). The file is read with `yaml` keeping positions, so every problem
 * is reported with its path and line; nothing is written unless the whole file is right. A re-run
 * prints what changes (services, counters, staff, devices, rules) and applies it in one
 * transaction, audited with before and after. A service or counter still in use is not taken out.
 *
 * The demo branch is set up through the same code, from a file made in memory.
 */
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';
import { BranchFileSchema, BranchSetupSchema, rulesOf, type BranchFile } from '../../domain/branch-file';
import { BranchRulesSchema, type BranchRules } from '../../domain/branch-config';
import type { Db } from '../db/open';
import { hashSecret } from '../auth/secrets';
import { Journal } from '../journal';

export interface SetupIssue {
  /** `counters[2].services[0].code` */
  path: string;
  /** 1-based line in the file, when the path is in it. */
  line: number | null;
  message: string;
}

export type ReadResult = { ok: true; file: BranchFile; rules: BranchRules } | { ok: false; issues: SetupIssue[] };

const pathText = (path: readonly PropertyKey[]) =>
  path.reduce<string>((out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${String(p)}` : String(p)), '');

/**
 * Reads and checks a branch file's text; problems come with their path and line. `people: false`
 * reads the set-up without staff and devices (the admin screen's Branch tab).
 */
export function readBranchFile(text: string, options: { people?: boolean } = {}): ReadResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    return {
      ok: false,
      issues: doc.errors.map((e) => ({ path: '', line: e.linePos?.[0]?.line ?? null, message: `not valid YAML: ${e.message.split('\n')[0]}` })),
    };
  }
  const lineOf = (path: readonly PropertyKey[]): number | null => {
    // The deepest node the path reaches (a missing key is reported at its parent).
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as (string | number)[], true);
      if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
    }
    return null;
  };
  const issues = (e: z.ZodError, prefix: readonly PropertyKey[] = []): SetupIssue[] =>
    e.issues.map((i) => {
      const path = [...prefix, ...i.path];
      return { path: pathText(path), line: lineOf(path), message: i.message };
    });
  const parsed = (options.people === false ? BranchSetupSchema : BranchFileSchema).safeParse(doc.toJS());
  if (!parsed.success) return { ok: false, issues: issues(parsed.error) };
  const rules = rulesOf(parsed.data);
  if (!rules.success) return { ok: false, issues: issues(rules.error, ['rules']) };
  return { ok: true, file: parsed.data, rules: rules.data };
}

/** The same check for a file made in code (the demo, the admin screen). */
export function checkBranchFile(input: unknown): ReadResult {
  const parsed = BranchFileSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.map((i) => ({ path: pathText(i.path), line: null, message: i.message })) };
  const rules = rulesOf(parsed.data);
  if (!rules.success) return { ok: false, issues: rules.error.issues.map((i) => ({ path: pathText(['rules', ...i.path]), line: null, message: i.message })) };
  return { ok: true, file: parsed.data, rules: rules.data };
}

// ---------------------------------------------------------------- what is there, and the plan

interface Current {
  branch: { id: string; name_zh: string; name_en: string; rules_json: string } | null;
  services: Map<string, { prefix: string; name_zh: string; name_en: string; vip_only: number; sort_order: number; active: number }>;
  counters: Map<number, { name_zh: string; name_en: string; vip: number; active: number; services: string }>;
  staff: Map<string, { name: string; role: string; counter_id: number | null; active: number }>;
  devices: Map<string, { kind: string; active: number; location: string | null }>;
}

function readCurrent(db: Db, branchId: string): Current {
  const branch = (db.prepare('SELECT id, name_zh, name_en, rules_json FROM branch WHERE id = ?').get(branchId) as Current['branch']) ?? null;
  const links = db.prepare('SELECT counter_id, service_code, weight FROM counter_service WHERE branch_id = ? ORDER BY counter_id, service_code').all(branchId) as {
    counter_id: number;
    service_code: string;
    weight: number;
  }[];
  const linkText = (id: number) =>
    links
      .filter((l) => l.counter_id === id)
      .map((l) => `${l.service_code}×${l.weight}`)
      .join(' ');
  return {
    branch,
    services: new Map(
      (
        db.prepare('SELECT code, prefix, name_zh, name_en, vip_only, sort_order, active FROM service WHERE branch_id = ?').all(branchId) as {
          code: string;
          prefix: string;
          name_zh: string;
          name_en: string;
          vip_only: number;
          sort_order: number;
          active: number;
        }[]
      ).map((s) => [s.code, s]),
    ),
    counters: new Map(
      (db.prepare('SELECT id, name_zh, name_en, vip, active FROM counter WHERE branch_id = ?').all(branchId) as { id: number; name_zh: string; name_en: string; vip: number; active: number }[]).map((c) => [
        c.id,
        { ...c, services: linkText(c.id) },
      ]),
    ),
    staff: new Map(
      (db.prepare('SELECT id, name, role, counter_id, active FROM staff WHERE branch_id = ?').all(branchId) as { id: string; name: string; role: string; counter_id: number | null; active: number }[]).map((s) => [s.id, s]),
    ),
    devices: new Map(
      (db.prepare('SELECT id, kind, active, location FROM device WHERE branch_id = ?').all(branchId) as { id: string; kind: string; active: number; location: string | null }[]).map((d) => [
        d.id,
        d,
      ]),
    ),
  };
}

export interface SetupPlan {
  branchId: string;
  created: boolean;
  /** One line per change, for people: `+ counter 5 …`, `~ staff t01: counter 1 → 2`, `- device kiosk-09 (retired)`. */
  changes: string[];
  /** What stops the plan (a counter with an open ticket taken out …); nothing is applied while any. */
  refusals: string[];
  file: BranchFile;
  rules: BranchRules;
  /** Staff and devices are part of it (the branch file); false for the set-up alone (the Branch tab). */
  people: boolean;
}

/** Another branch already lives in this data directory. */
export class OtherBranchError extends Error {}

const linkTextOf = (c: BranchFile['counters'][number]) =>
  [...c.services]
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((s) => `${s.code}×${s.weight}`)
    .join(' ');

/** Compares the file with the data directory: what would change, and what refuses the change. */
export function planSetup(db: Db, file: BranchFile, rules: BranchRules, options: { people?: boolean } = {}): SetupPlan {
  const people = options.people ?? true;
  const id = file.branch.id;
  const other = db.prepare('SELECT id FROM branch WHERE id <> ? LIMIT 1').pluck().get(id) as string | undefined;
  if (other) throw new OtherBranchError(`this data directory holds branch ${other}; the file is for branch ${id} (one branch per data directory)`);
  const cur = readCurrent(db, id);
  const changes: string[] = [];
  const refusals: string[] = [];
  const created = cur.branch === null;
  if (created) changes.push(`+ branch ${id} ${file.branch.name['zh-CN']} / ${file.branch.name.en}`);
  else if (cur.branch!.name_zh !== file.branch.name['zh-CN'] || cur.branch!.name_en !== file.branch.name.en) {
    changes.push(`~ branch name: ${cur.branch!.name_zh} / ${cur.branch!.name_en} → ${file.branch.name['zh-CN']} / ${file.branch.name.en}`);
  }
  if (!created) {
    const before = BranchRulesSchema.parse(JSON.parse(cur.branch!.rules_json));
    for (const line of diffRules(before, rules)) changes.push(`~ rules ${line}`);
  }

  const inUseService = db.prepare(
    "SELECT count(*) FROM ticket WHERE branch_id = ? AND (service_code = ? OR requested_service_code = ?) AND status IN ('waiting', 'called')",
  );
  const openAtCounter = db.prepare("SELECT number FROM ticket WHERE branch_id = ? AND counter_id = ? AND status = 'called' LIMIT 1");
  const fileServices = new Map(file.services.map((s, i) => [s.code, { ...s, i }]));
  for (const s of file.services) {
    const was = cur.services.get(s.code);
    const prefix = s.prefix ?? s.code;
    if (!was || !was.active) changes.push(`+ service ${s.code} ${s.name['zh-CN']} / ${s.name.en}${s.vipOnly ? ' (VIP only)' : ''}`);
    else {
      const diff: string[] = [];
      if (was.name_zh !== s.name['zh-CN'] || was.name_en !== s.name.en) diff.push(`name ${was.name_zh} / ${was.name_en} → ${s.name['zh-CN']} / ${s.name.en}`);
      if (was.prefix !== prefix) diff.push(`prefix ${was.prefix} → ${prefix}`);
      if ((was.vip_only === 1) !== s.vipOnly) diff.push(`VIP only ${was.vip_only === 1} → ${s.vipOnly}`);
      if (diff.length) changes.push(`~ service ${s.code}: ${diff.join(', ')}`);
    }
  }
  for (const [code, was] of cur.services) {
    if (!was.active || fileServices.has(code)) continue;
    const n = inUseService.pluck().get(id, code, code) as number;
    if (n > 0) refusals.push(`service ${code} cannot be taken out: ${n} ticket(s) of it are waiting or being served`);
    changes.push(`- service ${code} ${was.name_zh} / ${was.name_en}`);
  }

  const fileCounters = new Set(file.counters.map((c) => c.id));
  for (const c of file.counters) {
    const was = cur.counters.get(c.id);
    const links = linkTextOf(c);
    if (!was || !was.active) changes.push(`+ counter ${c.id} ${c.name['zh-CN']} / ${c.name.en}${c.vip ? ' (VIP)' : ''}: ${links}`);
    else {
      const diff: string[] = [];
      if (was.name_zh !== c.name['zh-CN'] || was.name_en !== c.name.en) diff.push(`name ${was.name_zh} / ${was.name_en} → ${c.name['zh-CN']} / ${c.name.en}`);
      if ((was.vip === 1) !== c.vip) diff.push(`VIP ${was.vip === 1} → ${c.vip}`);
      if (was.services !== links) diff.push(`services ${was.services} → ${links}`);
      if (diff.length) changes.push(`~ counter ${c.id}: ${diff.join(', ')}`);
    }
  }
  for (const [cid, was] of cur.counters) {
    if (!was.active || fileCounters.has(cid)) continue;
    const open = openAtCounter.pluck().get(id, cid) as string | undefined;
    if (open) refusals.push(`counter ${cid} cannot be taken out: ticket ${open} is open there (complete, park or transfer it first)`);
    changes.push(`- counter ${cid} ${was.name_zh} / ${was.name_en}`);
  }

  if (!people) return { branchId: id, created, changes, refusals, file, rules, people };
  const fileStaff = new Set(file.staff.map((s) => s.id));
  for (const s of file.staff) {
    const was = cur.staff.get(s.id);
    if (!was) changes.push(`+ staff ${s.id} ${s.name} (${s.role}${s.counter ? `, counter ${s.counter}` : ''}), initial PIN${file.demo ? '' : ' to be changed at the first sign-in'}`);
    else {
      const diff: string[] = [];
      if (!was.active) diff.push('enabled again');
      if (was.name !== s.name) diff.push(`name ${was.name} → ${s.name}`);
      if (was.role !== s.role) diff.push(`role ${was.role} → ${s.role}`);
      if ((was.counter_id ?? null) !== (s.counter ?? null)) diff.push(`counter ${was.counter_id ?? '—'} → ${s.counter ?? '—'}`);
      if (diff.length) changes.push(`~ staff ${s.id}: ${diff.join(', ')}`);
    }
  }
  for (const [sid, was] of cur.staff) if (was.active && !fileStaff.has(sid)) changes.push(`- staff ${sid} ${was.name} (disabled, signed out)`);

  const fileDevices = new Set(file.devices.map((d) => d.id));
  for (const d of file.devices) {
    const was = cur.devices.get(d.id);
    const location = d.location ?? null;
    if (!was) changes.push(`+ device ${d.id} (${d.kind}${location ? `, ${location}` : ''})`);
    else if (!was.active || was.kind !== d.kind || was.location !== location) {
      const what = [
        !was.active ? 'paired again' : '',
        was.kind !== d.kind ? `kind ${was.kind} → ${d.kind}` : '',
        was.location !== location ? `location ${JSON.stringify(was.location ?? '')} → ${JSON.stringify(location ?? '')}` : '',
      ];
      changes.push(`~ device ${d.id}: ${what.filter(Boolean).join(', ')}`);
    }
  }
  for (const [did, was] of cur.devices) if (was.active && !fileDevices.has(did)) changes.push(`- device ${did} (retired, signed out)`);

  return { branchId: id, created, changes, refusals, file, rules, people };
}

/** Leaf-by-leaf differences of two rule sets: `queue.targetWaitMinutes 15 → 12`. */
export function diffRules(before: unknown, after: unknown, path = ''): string[] {
  if (typeof before === 'object' && before !== null && !Array.isArray(before) && typeof after === 'object' && after !== null && !Array.isArray(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].sort().flatMap((k) => diffRules((before as Record<string, unknown>)[k], (after as Record<string, unknown>)[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [`${path} ${JSON.stringify(before)} → ${JSON.stringify(after)}`];
}

// ---------------------------------------------------------------- apply

export interface SetupActor {
  actor: string;
  role: 'admin' | 'system';
  device?: string | null;
}

/**
 * Applies a plan in one transaction: the branch and its rules, services, counters with their
 * services, staff (new ones with their initial PIN, to be changed at the first sign-in; those no
 * longer in the file disabled and signed out), devices (those no longer in the file retired).
 * Audited as `branch.setup` with every change. Throws when the plan has refusals.
 */
export function applySetup(db: Db, plan: SetupPlan, who: SetupActor, now = Date.now()): void {
  if (plan.refusals.length) throw new Error(plan.refusals.join('; '));
  const { file, rules } = plan;
  const id = plan.branchId;
  // scrypt (~50 ms a secret) before the write transaction, for the new ones only.
  const existingStaff = new Set(db.prepare('SELECT id FROM staff WHERE branch_id = ?').pluck().all(id) as string[]);
  const existingDevices = new Set(db.prepare('SELECT id FROM device WHERE branch_id = ?').pluck().all(id) as string[]);
  const pinHashes = new Map(plan.people ? file.staff.filter((s) => !existingStaff.has(s.id)).map((s) => [s.id, hashSecret(s.pin)]) : []);
  const secretHashes = new Map(plan.people ? file.devices.filter((d) => !existingDevices.has(d.id)).map((d) => [d.id, hashSecret(d.secret)]) : []);
  const journal = new Journal(db, () => now);
  db.transaction(() => {
    db.prepare(
      `INSERT INTO branch (id, name_zh, name_en, rules_json, revision) VALUES (?, ?, ?, ?, 1)
       ON CONFLICT (id) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, rules_json = excluded.rules_json, revision = revision + 1`,
    ).run(id, file.branch.name['zh-CN'], file.branch.name.en, JSON.stringify(rules));
    // The file's rules replace the branch's whole: bundles from head office are laid over them again,
    // from the first (the branch asks for them anew).
    db.prepare('DELETE FROM head_office_bundle').run();

    const service = db.prepare(
      `INSERT INTO service (branch_id, code, prefix, name_zh, name_en, vip_only, sort_order, active) VALUES (?, ?, ?, ?, ?, ?, ?, 1)
       ON CONFLICT (branch_id, code) DO UPDATE SET prefix = excluded.prefix, name_zh = excluded.name_zh, name_en = excluded.name_en,
         vip_only = excluded.vip_only, sort_order = excluded.sort_order, active = 1`,
    );
    file.services.forEach((s, i) => service.run(id, s.code, s.prefix ?? s.code, s.name['zh-CN'], s.name.en, s.vipOnly ? 1 : 0, i + 1));
    const keepServices = file.services.map((s) => s.code);
    db.prepare(`UPDATE service SET active = 0 WHERE branch_id = ? AND code NOT IN (${keepServices.map(() => '?').join(', ')})`).run(id, ...keepServices);

    const counter = db.prepare(
      `INSERT INTO counter (id, branch_id, name_zh, name_en, vip, active) VALUES (?, ?, ?, ?, ?, 1)
       ON CONFLICT (id) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, vip = excluded.vip, active = 1`,
    );
    const link = db.prepare('INSERT INTO counter_service (counter_id, branch_id, service_code, weight) VALUES (?, ?, ?, ?)');
    db.prepare('DELETE FROM counter_service WHERE branch_id = ?').run(id);
    for (const c of file.counters) {
      counter.run(c.id, id, c.name['zh-CN'], c.name.en, c.vip ? 1 : 0);
      for (const s of c.services) link.run(c.id, id, s.code, s.weight);
    }
    const keepCounters = file.counters.map((c) => c.id);
    db.prepare(`UPDATE counter SET active = 0 WHERE branch_id = ? AND id NOT IN (${keepCounters.map(() => '?').join(', ')})`).run(id, ...keepCounters);

    if (plan.people) applyPeople(db, plan, pinHashes, secretHashes);
    journal.audit({ branchId: id, actor: who.actor, role: who.role, device: who.device ?? null, action: 'branch.setup', subject: `branch:${id}`, detail: { created: plan.created, changes: plan.changes } });
  })();
}

function applyPeople(db: Db, plan: SetupPlan, pinHashes: Map<string, string>, secretHashes: Map<string, string>): void {
  const { file } = plan;
  const id = plan.branchId;
  {
    const addStaff = db.prepare(
      'INSERT INTO staff (id, branch_id, name, role, pin_hash, counter_id, active, must_change_pin) VALUES (?, ?, ?, ?, ?, ?, 1, ?)',
    );
    const updateStaff = db.prepare('UPDATE staff SET name = ?, role = ?, counter_id = ?, active = 1 WHERE id = ? AND branch_id = ?');
    for (const s of file.staff) {
      if (pinHashes.has(s.id)) addStaff.run(s.id, id, s.name, s.role, pinHashes.get(s.id)!, s.counter ?? null, file.demo ? 0 : 1);
      else updateStaff.run(s.name, s.role, s.counter ?? null, s.id, id);
    }
    const keepStaff = file.staff.map((s) => s.id);
    const gone = (db.prepare(`SELECT id FROM staff WHERE branch_id = ? AND active = 1 AND id NOT IN (${keepStaff.map(() => '?').join(', ') || "''"})`).pluck().all(id, ...keepStaff)) as string[];
    for (const sid of gone) {
      db.prepare('UPDATE staff SET active = 0 WHERE id = ?').run(sid);
      db.prepare('DELETE FROM session WHERE subject_id = ? AND branch_id = ?').run(sid, id);
    }

    const addDevice = db.prepare('INSERT INTO device (id, branch_id, kind, secret_hash, active, location) VALUES (?, ?, ?, ?, 1, ?)');
    for (const d of file.devices) {
      if (secretHashes.has(d.id)) addDevice.run(d.id, id, d.kind, secretHashes.get(d.id)!, d.location ?? null);
      else db.prepare('UPDATE device SET kind = ?, active = 1, location = ? WHERE id = ? AND branch_id = ?').run(d.kind, d.location ?? null, d.id, id);
    }
    const keepDevices = file.devices.map((d) => d.id);
    const retired = (db.prepare(`SELECT id FROM device WHERE branch_id = ? AND active = 1 AND id NOT IN (${keepDevices.map(() => '?').join(', ') || "''"})`).pluck().all(id, ...keepDevices)) as string[];
    for (const did of retired) {
      db.prepare('UPDATE device SET active = 0 WHERE id = ?').run(did);
      db.prepare('DELETE FROM session WHERE subject_id = ? AND branch_id = ?').run(did, id);
    }
  }
}

/** For tests and the admin screen: the whole path from a file's text. */
export function setupFromText(db: Db, text: string, who: SetupActor, now = Date.now(), options: { people?: boolean } = {}): { plan: SetupPlan } | { issues: SetupIssue[] } {
  const read = readBranchFile(text, options);
  if (!read.ok) return { issues: read.issues };
  const plan = planSetup(db, read.file, read.rules, options);
  if (plan.refusals.length === 0 && plan.changes.length) applySetup(db, plan, who, now);
  return { plan };
}

