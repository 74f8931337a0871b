/**
 * The branch file a bank writes to set a branch up (`hub.js setup <file>`, docs/SETUP.md): the
 * branch, its services, counters, staff, devices and any part of the branch rules. YAML (JSON is
 * YAML too), checked here with zod; every problem names its path (`counters[2].services[0].code`),
 * which the hub turns into the line of the file.
 *
 * Staff PINs and device secrets in the file are the *initial* ones, used when the person or device
 * is first created; a PIN from the file must be changed at the first sign-in. Later changes go
 * through `reset-pin`, `rekey-device` or the admin screen, never by editing the file.
 */
import { z } from 'zod';
import { BranchRulesSchema, DEFAULT_BRANCH_RULES, LanguageSchema, type BranchRules } from './branch-config';
import { pinProblem } from './pin-policy';
import { DeviceLocationSchema } from './contracts';

const Name = z.strictObject({
  'zh-CN': z.string().trim().min(1, 'zh-CN name is empty').max(40),
  en: z.string().trim().min(1, 'en name is empty').max(60),
});

const id = (what: string) => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, `${what} is 1-32 letters, digits, - or _`);

export const BranchFileServiceSchema = z.strictObject({
  code: z.string().regex(/^[A-Z]$/, 'code is one capital letter'),
  prefix: z.string().regex(/^[A-Z]{1,2}$/, 'prefix is 1-2 capital letters').optional(),
  name: Name,
  vipOnly: z.boolean().default(false),
});

export const BranchFileCounterSchema = z.strictObject({
  id: z.number().int().min(1).max(999),
  name: Name,
  vip: z.boolean().default(false),
  services: z
    .array(z.strictObject({ code: z.string().regex(/^[A-Z]$/, 'code is one capital letter'), weight: z.number().int().min(1).max(100).default(1) }))
    .min(1, 'a counter serves at least one service'),
});

export const StaffRoleSchema = z.enum(['manager', 'teller', 'admin']);

export const BranchFileStaffSchema = z.strictObject({
  id: id('staff id'),
  name: z.string().trim().min(1).max(40),
  role: StaffRoleSchema,
  /** The initial PIN: used when the person is created, changed by them at the first sign-in. */
  pin: z
    .union([z.string(), z.number()])
    .transform((v) => String(v))
    .refine((v) => /^\d{4,8}$/.test(v), 'a PIN is 4 to 8 digits'),
  /** A teller's usual counter. */
  counter: z.number().int().min(1).optional(),
});

export const BranchFileDeviceSchema = z.strictObject({
  id: id('device id'),
  kind: z.enum(['kiosk', 'display']),
  /** The initial secret the device signs in with (at least 12 characters). */
  secret: z.string().min(1, 'secret is empty').max(200),
  /** Where it stands, for people ("entrance", "VIP lounge"): shown on Device status and in alerts. */
  location: DeviceLocationSchema.optional(),
});

const DeepPartial = z.record(z.string(), z.unknown());

const BranchFileBase = z.strictObject({
  branch: z.strictObject({
    id: id('branch id'),
    name: Name,
    timeZone: z.string().min(1).default('Asia/Shanghai'),
    defaultLanguage: LanguageSchema.optional(),
  }),
  services: z.array(BranchFileServiceSchema).min(1, 'at least one service'),
  counters: z.array(BranchFileCounterSchema).min(1, 'at least one counter'),
  staff: z.array(BranchFileStaffSchema).default([]),
  devices: z.array(BranchFileDeviceSchema).default([]),
  /** Any part of the branch rules (domain/branch-config.ts); the rest keeps its defaults. */
  rules: DeepPartial.optional(),
  /**
   * The built-in demo branch only: its published sign-ins (PINs 1111, 2222, 9999, device secret
   * "demo") are exempt from the PIN and secret rules and never have to be changed. A real branch
   * never sets this.
   */
  demo: z.boolean().default(false),
});
type BranchFileBaseOut = z.output<typeof BranchFileBase>;

function checkFile(f: BranchFileBaseOut, ctx: z.RefinementCtx, people: boolean): void {
  const dup = <T>(items: readonly T[], key: (t: T) => string | number, path: (i: number) => (string | number)[], what: string) => {
    const seen = new Map<string | number, number>();
    items.forEach((t, i) => {
      const k = key(t);
      if (seen.has(k)) ctx.addIssue({ code: 'custom', path: path(i), message: `${what} ${JSON.stringify(k)} appears twice (first at index ${seen.get(k)})` });
      else seen.set(k, i);
    });
  };
  dup(f.services, (s) => s.code, (i) => ['services', i, 'code'], 'service');
  dup(f.services, (s) => s.prefix ?? s.code, (i) => ['services', i, 'prefix'], 'ticket prefix');
  dup(f.counters, (c) => c.id, (i) => ['counters', i, 'id'], 'counter');
  const codes = new Set(f.services.map((s) => s.code));
  f.counters.forEach((c, i) => {
    c.services.forEach((s, j) => {
      if (!codes.has(s.code)) ctx.addIssue({ code: 'custom', path: ['counters', i, 'services', j, 'code'], message: `unknown service "${s.code}"` });
    });
    dup(c.services, (s) => s.code, (j) => ['counters', i, 'services', j, 'code'], 'service');
  });
  for (const [i, s] of f.services.entries()) {
    if (!f.counters.some((c) => c.services.some((x) => x.code === s.code))) {
      ctx.addIssue({ code: 'custom', path: ['services', i, 'code'], message: `no counter serves service "${s.code}"` });
    }
  }
  if (!people) return;
  dup(f.staff, (s) => s.id, (i) => ['staff', i, 'id'], 'staff id');
  dup(f.devices, (d) => d.id, (i) => ['devices', i, 'id'], 'device');
  const counterIds = new Set(f.counters.map((c) => c.id));
  f.staff.forEach((s, i) => {
    if (s.counter !== undefined && !counterIds.has(s.counter)) ctx.addIssue({ code: 'custom', path: ['staff', i, 'counter'], message: `unknown counter ${s.counter}` });
    if (s.counter !== undefined && s.role !== 'teller') ctx.addIssue({ code: 'custom', path: ['staff', i, 'counter'], message: 'only a teller has a usual counter' });
  });
  if (!f.staff.some((s) => s.role === 'admin')) ctx.addIssue({ code: 'custom', path: ['staff'], message: 'at least one admin (someone must be able to sign in to the admin screen)' });
  if (!f.demo) {
    f.staff.forEach((s, i) => {
      const problem = pinProblem(s.pin);
      if (problem) ctx.addIssue({ code: 'custom', path: ['staff', i, 'pin'], message: problem });
    });
    f.devices.forEach((d, i) => {
      if (d.secret.length < 12) ctx.addIssue({ code: 'custom', path: ['devices', i, 'secret'], message: 'secret is at least 12 characters' });
    });
  }
}

/** The whole branch file: the branch, its services and counters, its staff and devices, rules. */
export const BranchFileSchema = BranchFileBase.superRefine((f, ctx) => checkFile(f, ctx, true));

/**
 * The branch's set-up without its people: what the admin screen's Branch tab edits (staff and
 * devices have their own tabs and keep their PINs and secrets).
 */
export const BranchSetupSchema = BranchFileBase.omit({ staff: true, devices: true, demo: true })
  .transform((f) => ({ ...f, staff: [], devices: [], demo: false }))
  .superRefine((f, ctx) => checkFile(f, ctx, false));

export type BranchFile = z.output<typeof BranchFileSchema>;

/** Deep merge of plain objects: `over` wins, arrays are replaced whole. */
export function mergeDeep<T>(base: T, over: unknown): T {
  if (over === undefined) return base;
  if (typeof base !== 'object' || base === null || Array.isArray(base) || typeof over !== 'object' || over === null || Array.isArray(over)) return over as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) out[k] = mergeDeep((base as Record<string, unknown>)[k], v);
  return out as T;
}

/**
 * The branch rules a file gives: the defaults, its `rules` laid over them, its time zone and
 * language; then checked against the branch's own services and counters.
 */
export function rulesOf(f: BranchFile, base: BranchRules = DEFAULT_BRANCH_RULES): z.ZodSafeParseResult<BranchRules> {
  const merged = mergeDeep(base, f.rules ?? {});
  const withBranch = { ...merged, timeZone: f.branch.timeZone, ...(f.branch.defaultLanguage ? { defaultLanguage: f.branch.defaultLanguage } : {}) };
  return BranchRulesSchema.superRefine((r, ctx) => {
    const gc = r.greenChannel;
    if (gc.enabled && !f.services.some((s) => s.code === gc.destinationServiceCode)) {
      ctx.addIssue({ code: 'custom', path: ['greenChannel', 'destinationServiceCode'], message: `unknown service "${gc.destinationServiceCode}"` });
    }
    if (gc.enabled && gc.destinationCounterId !== null && !f.counters.some((c) => c.id === gc.destinationCounterId)) {
      ctx.addIssue({ code: 'custom', path: ['greenChannel', 'destinationCounterId'], message: `unknown counter ${gc.destinationCounterId}` });
    }
    try {
      new Intl.DateTimeFormat('en', { timeZone: r.timeZone });
    } catch {
      ctx.addIssue({ code: 'custom', path: ['timeZone'], message: `unknown time zone "${r.timeZone}"` });
    }
  }).safeParse(withBranch);
}
