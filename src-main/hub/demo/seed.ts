/**
 * The embedded demo branch, made on first start of an empty data directory the way a bank makes
 * its own: the branch (services, counters, staff, devices) is set up, then a synthetic warehouse
 * feed — a product catalogue, six fixed identities and a deterministic customer base with cards,
 * holdings, credit state, account movements and applications — is written as CSV files and
 * imported through the same path as a bank's feed (feed/import.ts). Tier, stars, key-customer
 * flag and AUM are computed by that import from the branch rules, never written by hand.
 *
 * Customers are generated and written one at a time (streaming), so a million of them need no
 * more memory than ten.
 */
import type Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { FEED_COLUMNS } from '../../domain/feed';
import { fenToYuanText } from '../../domain/money';
import { FeedWriter } from '../../customer-data/feed-writer';
import { importFeed } from '../feed/import';
import { BranchRulesSchema, DEFAULT_BRANCH_RULES, type BranchRules } from '../../domain/branch-config';

/**
 * The demo branch's rules: the defaults, except that a demo is tried by several people typing the
 * same six personas in a few minutes, so it allows more identification attempts per number and per
 * kiosk than a real branch would (a real branch keeps 3 per number and 30 per kiosk in 10 minutes).
 */
export const DEMO_BRANCH_RULES: BranchRules = {
  ...DEFAULT_BRANCH_RULES,
  identification: { ...DEFAULT_BRANCH_RULES.identification, attempts: { perKiosk: 300, perIdentifier: 60, windowMinutes: 10, alertAt: 150 } },
};
import { residentIdCheckChar } from '../../domain/identity';
import { lifeStageOf, type CustomerProfileFacts, type LifeStage, type ProductCategory } from '../../domain/products';
import { keyCustomerReason, shiftYears, tierFor, totalsOf, type Tier, type TieringRules } from '../../domain/tiering';
import { applySetup, checkBranchFile, planSetup } from '../setup/branch-setup';
import { DEMO_PRODUCTS, demoProduct } from './catalogue';
import { demoCardNumber16, demoCardNumber19, fixedCustomerSpecs, type HoldingDraft } from './fixed';
import {
  GIVEN_FEMALE,
  GIVEN_MALE,
  OTHER_BRANCHES,
  PHONE_PREFIXES,
  REGION_WEIGHTS,
  REGIONS,
  RELATIONSHIP_MANAGERS,
  SURNAME_WEIGHTS,
  SURNAMES,
} from './names';
import { demoActivity, fixedActivity, type ActivityHolding } from './activity';
import { addMonths, dayNumber, isoDate, makePermutation, Rng, weightedTable } from './random';
import { isCalendarDate } from '../../domain/dates';

export { DEMO_PRODUCTS } from './catalogue';
export { fixedIdentities, type FixedIdentity } from './fixed';

export const DEMO_BRANCH_ID = 'demo-001';
export const DEMO_BRANCH_NAME = { 'zh-CN': '网点大堂演示支行', en: 'Demo Branch (Lobby)' } as const;
/** Synthetic customers generated when `opts.customers` is not given (the six fixed identities come on top). */
export const DEFAULT_DEMO_CUSTOMERS = 10_000;
/** Seed of the customer generator: same seed and size, same customers. */
export const DEMO_SEED = 20_261_122;

export const DEMO_SERVICES = [
  { code: 'A', zh: '现金及存款', en: 'Cash & deposits', vipOnly: false },
  { code: 'B', zh: '转账汇款', en: 'Transfers & remittance', vipOnly: false },
  { code: 'C', zh: '开户及银行卡', en: 'Accounts & cards', vipOnly: false },
  { code: 'D', zh: '贷款', en: 'Loans', vipOnly: false },
  { code: 'E', zh: '理财', en: 'Wealth management', vipOnly: false },
  { code: 'V', zh: '贵宾', en: 'VIP', vipOnly: true },
] as const;

export const DEMO_COUNTERS = [
  { id: 1, zh: '1号窗口', en: 'Counter 1', vip: false, services: { A: 1, B: 1, C: 1 } },
  { id: 2, zh: '2号窗口', en: 'Counter 2', vip: false, services: { A: 1, B: 1, C: 1, D: 1 } },
  { id: 3, zh: '3号窗口', en: 'Counter 3', vip: false, services: { C: 1, D: 1, E: 1 } },
  { id: 4, zh: '4号窗口（贵宾）', en: 'Counter 4 (VIP)', vip: true, services: { V: 10, A: 1, B: 1, C: 1, D: 1, E: 1 } },
] as const;

/** Demo sign-ins. Printed in the README; a real branch replaces them on day one. */
export const DEMO_STAFF = [
  { id: 'm01', name: '刘芳', role: 'manager', pin: '1111', counterId: null },
  { id: 't01', name: '王磊', role: 'teller', pin: '2222', counterId: 1 },
  { id: 't02', name: '陈静', role: 'teller', pin: '2222', counterId: 2 },
  { id: 't03', name: '杨帆', role: 'teller', pin: '2222', counterId: 3 },
  { id: 't04', name: '黄丽娟', role: 'teller', pin: '2222', counterId: 4 },
  { id: 'admin', name: '赵强', role: 'admin', pin: '9999', counterId: null },
] as const;

export const DEMO_DEVICES = [
  { id: 'kiosk-01', kind: 'kiosk', secret: 'demo', location: '大堂入口' },
  { id: 'display-01', kind: 'display', secret: 'demo', location: '等候区' },
] as const;

export interface DemoSeedOptions {
  /** Synthetic customers to generate in addition to the six fixed identities (default 10,000). */
  customers?: number;
  /** Today, YYYY-MM-DD in the branch time zone. */
  today: string;
  /** Branch rules to store and to tier with (default DEFAULT_BRANCH_RULES). */
  rules?: BranchRules;
  /**
   * Bench only (default 0, which leaves the demo data exactly as it is): on average this many
   * more holdings per synthetic customer, made by splitting an asset holding into tranches (a
   * second certificate, a top-up bought as its own lot). AUM, tier and stars do not change; the
   * split comes from each customer's own PRNG, so it is deterministic too.
   */
  extraHoldingsPerCustomer?: number;
}

/**
 * What one call of seedDemoBranch wrote. When the database already had a branch nothing is
 * written: `seeded` is false, every count is 0 and `branchId` names the branch found (use
 * countDemoData for what the database holds; it scans the tables, so it is not free on a big one).
 */
export interface DemoSummary {
  seeded: boolean;
  branchId: string | null;
  counts: {
    branch: number;
    service: number;
    counter: number;
    counterService: number;
    staff: number;
    device: number;
    product: number;
    customer: number;
    card: number;
    holding: number;
  };
  tiers: Record<Tier, number>;
  keyCustomers: number;
  durationMs: number;
}

// ---------------------------------------------------------------- entry point

export async function seedDemoBranch(db: Database.Database, dataDir: string, opts: DemoSeedOptions): Promise<DemoSummary> {
  const started = performance.now();
  if (!isCalendarDate(opts.today)) throw new RangeError(`today must be YYYY-MM-DD, got ${JSON.stringify(opts.today)}`);
  const customers = opts.customers ?? DEFAULT_DEMO_CUSTOMERS;
  if (!Number.isInteger(customers) || customers < 0 || customers > 20_000_000) {
    throw new RangeError(`customers must be an integer 0..20,000,000, got ${customers}`);
  }
  const rules = BranchRulesSchema.parse(opts.rules ?? DEMO_BRANCH_RULES);
  const extra = opts.extraHoldingsPerCustomer ?? 0;
  if (!Number.isFinite(extra) || extra < 0 || extra > 20) {
    throw new RangeError(`extraHoldingsPerCustomer must be 0..20, got ${extra}`);
  }

  if (hasBranch(db)) return skipped(db, started);

  // The branch is set up like a bank's: from a branch file (made in memory), through the same code.
  const checked = checkBranchFile(demoBranchFile(rules));
  if (!checked.ok) throw new Error(`demo branch file: ${checked.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  applySetup(db, planSetup(db, checked.file, checked.rules), { actor: 'demo', role: 'system' });
  const summary = emptySummary();
  summary.counts.branch = 1;
  summary.counts.service = DEMO_SERVICES.length;
  summary.counts.counter = DEMO_COUNTERS.length;
  summary.counts.counterService = DEMO_COUNTERS.reduce((n, c) => n + Object.keys(c.services).length, 0);
  summary.counts.staff = DEMO_STAFF.length;
  summary.counts.device = DEMO_DEVICES.length;

  // The customers arrive like a bank's: a feed written to disk, then imported.
  const feedDir = join(dataDir, 'feeds', `demo-${opts.today}`);
  try {
    const feed = new FeedWriter(feedDir);
    writeDemoFeed(feed, rules.tiering, opts.today, customers, extra);
    feed.finish({ feedId: `demo-${opts.today}`, asOf: opts.today, mode: 'full', branchId: DEMO_BRANCH_ID });
    const result = await importFeed({ dataDir, feedDir, by: 'demo', db, maxRejectPercent: 0, today: opts.today });
    if (result.status !== 'done') throw new Error(`the demo feed was not loaded: ${result.reason}`);
    summary.seeded = true;
    summary.branchId = DEMO_BRANCH_ID;
    summary.counts.product = result.counts['products.csv'] ?? 0;
    summary.counts.customer = result.counts['customers.csv'] ?? 0;
    summary.counts.card = result.counts['cards.csv'] ?? 0;
    summary.counts.holding = result.counts['holdings.csv'] ?? 0;
    summary.tiers = result.tiers.tiers;
    summary.keyCustomers = result.tiers.keyCustomers;
  } catch (err) {
    // Nothing half made: without its customers the demo branch is removed, and the next start tries again.
    removeDemoBranch(db);
    throw err;
  } finally {
    rmSync(feedDir, { recursive: true, force: true });
  }
  summary.durationMs = Math.round(performance.now() - started);
  return summary;
}

function removeDemoBranch(db: Database.Database): void {
  db.transaction(() => {
    for (const table of ['feed_state', 'feed_run', 'counter_service', 'staff', 'device', 'counter', 'service']) {
      db.prepare(`DELETE FROM ${table} WHERE branch_id = ?`).run(DEMO_BRANCH_ID);
    }
    db.prepare('DELETE FROM branch WHERE id = ?').run(DEMO_BRANCH_ID);
  })();
}

function hasBranch(db: Database.Database): boolean {
  return db.prepare('SELECT 1 FROM branch LIMIT 1').get() !== undefined;
}

function emptySummary(): DemoSummary {
  return {
    seeded: false,
    branchId: null,
    counts: { branch: 0, service: 0, counter: 0, counterService: 0, staff: 0, device: 0, product: 0, customer: 0, card: 0, holding: 0 },
    tiers: { top: 0, gold: 0, general: 0, drop: 0 },
    keyCustomers: 0,
    durationMs: 0,
  };
}

function skipped(db: Database.Database, started: number): DemoSummary {
  const s = emptySummary();
  s.branchId = (db.prepare('SELECT id FROM branch ORDER BY id LIMIT 1').get() as { id: string } | undefined)?.id ?? null;
  s.durationMs = Math.round(performance.now() - started);
  return s;
}

/**
 * Counts what the database holds, in the DemoSummary shape (full scans: for tools and tests, not
 * every start). The customer snapshot must be attached (the hub's connection, or attachSnapshot).
 */
export function countDemoData(db: Database.Database): DemoSummary {
  const started = performance.now();
  const s = emptySummary();
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  s.branchId = (db.prepare('SELECT id FROM branch ORDER BY id LIMIT 1').get() as { id: string } | undefined)?.id ?? null;
  s.counts = {
    branch: count('branch'),
    service: count('service'),
    counter: count('counter'),
    counterService: count('counter_service'),
    staff: count('staff'),
    device: count('device'),
    product: count('product'),
    customer: count('customer'),
    card: count('card'),
    holding: count('holding'),
  };
  for (const row of db.prepare('SELECT tier, count(*) AS n FROM customer GROUP BY tier').all() as { tier: Tier; n: number }[]) {
    s.tiers[row.tier] = row.n;
  }
  s.keyCustomers = (db.prepare('SELECT count(*) AS n FROM customer WHERE key_customer = 1').get() as { n: number }).n;
  s.durationMs = Math.round(performance.now() - started);
  return s;
}

// ---------------------------------------------------------------- branch, services, staff, products

/** The demo branch as a branch file (docs/SETUP.md), with its published sign-ins. */
export function demoBranchFile(rules: BranchRules): unknown {
  return {
    demo: true,
    branch: { id: DEMO_BRANCH_ID, name: DEMO_BRANCH_NAME, timeZone: rules.timeZone, defaultLanguage: rules.defaultLanguage },
    services: DEMO_SERVICES.map((s) => ({ code: s.code, prefix: s.code, name: { 'zh-CN': s.zh, en: s.en }, vipOnly: s.vipOnly })),
    counters: DEMO_COUNTERS.map((c) => ({
      id: c.id,
      name: { 'zh-CN': c.zh, en: c.en },
      vip: c.vip,
      services: Object.entries(c.services).map(([code, weight]) => ({ code, weight })),
    })),
    staff: DEMO_STAFF.map((s) => ({ id: s.id, name: s.name, role: s.role, pin: s.pin, ...(s.counterId !== null ? { counter: s.counterId } : {}) })),
    devices: DEMO_DEVICES.map((d) => ({ id: d.id, kind: d.kind, secret: d.secret, location: d.location })),
    rules,
  };
}

// ---------------------------------------------------------------- customers

interface CustomerRecord {
  id: number;
  name: string;
  gender: 'M' | 'F';
  birthDate: string;
  phone: string;
  idNumber: string;
  maritalStatus: CustomerProfileFacts['maritalStatus'];
  occupation: CustomerProfileFacts['occupation'];
  riskTolerance: number;
  marketingConsent: boolean;
  homeBranchId: string;
  relationshipManager: string | null;
  lastOverdueOn: string | null;
  cards: { cardNumber: string; kind: 'debit' | 'credit' }[];
  holdings: HoldingDraft[];
}

const CATEGORY = new Map<string, ProductCategory>(DEMO_PRODUCTS.map((p) => [p.code, p.category]));

export function demoCif(customerId: number): string {
  return '31' + String(customerId).padStart(10, '0');
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

const DEMO_COLUMNS = {
  customers: [...FEED_COLUMNS['customers.csv'].required, ...FEED_COLUMNS['customers.csv'].optional],
} as const;

/** The demo branch's product catalogue, as a feed's products.csv. */
function writeProducts(feed: FeedWriter): void {
  for (const p of DEMO_PRODUCTS) {
    feed.row('products.csv', {
      product_code: p.code,
      category: p.category,
      name_zh: p.name['zh-CN'],
      name_en: p.name.en,
      risk_level: p.riskLevel,
      is_credit: p.isCredit,
      life_stages: p.lifeStages.join('|'),
      min_age: p.minAge,
      max_age: p.maxAge,
      base_propensity: p.basePropensity,
      value: p.value,
      lever: p.lever,
      active: p.active,
    });
  }
}

const yuan = (amount: number) => fenToYuanText(Math.round(amount * 100));

/** Writes the six fixed identities, then `count` synthetic customers, with everything they hold. */
function writeDemoFeed(feed: FeedWriter, tiering: TieringRules, today: string, count: number, extraHoldings = 0): void {
  writeProducts(feed);
  for (const f of ['credit.csv', 'movements.csv', 'applications.csv'] as const) feed.touch(f);
  const todayDay = dayNumber(today);

  const write = (c: CustomerRecord, fixedIndex = 0) => {
    // The fixed identities keep everything at their home branch (what the README promises).
    if (fixedIndex === 0 && extraHoldings > 0) splitIntoTranches(c, extraHoldings);
    const heldAt = fixedIndex > 0 ? c.holdings.map(() => null) : heldAtBranches(c);
    const cif = demoCif(c.id);
    const activityHoldings: ActivityHolding[] = c.holdings.map((h, i) => ({
      holdingId: i,
      productCode: h.productCode,
      category: CATEGORY.get(h.productCode)!,
      amount: h.amount,
    }));
    const activity = fixedIndex > 0 ? fixedActivity(fixedIndex, activityHoldings, today) : demoActivity(c.id, activityHoldings, c.lastOverdueOn, today);
    // Risk assessments spread over the last 18 months (about a third older than a year: expired);
    // the six personas were assessed three months ago.
    const assessedOn = isoDate(todayDay - (fixedIndex > 0 ? 90 : (c.id * 37) % 540));
    feed.row(
      'customers.csv',
      {
        cif,
        name: c.name,
        gender: c.gender,
        birth_date: c.birthDate,
        phone: c.phone,
        resident_id: c.idNumber,
        marital_status: c.maritalStatus,
        occupation: c.occupation,
        risk_tolerance: c.riskTolerance,
        marketing_consent: c.marketingConsent,
        home_branch_id: c.homeBranchId,
        relationship_manager: c.relationshipManager,
        risk_assessed_on: assessedOn,
        last_overdue_on: c.lastOverdueOn,
        resident: activity.resident,
        // Demo personas stay out of control groups so a tester always sees what the README says.
        control_group_exempt: fixedIndex > 0,
      },
      DEMO_COLUMNS.customers,
    );
    for (const card of c.cards) feed.row('cards.csv', { card_number: card.cardNumber, cif, kind: card.kind });
    const accountOf = (i: number) => `${cif}-${String(i + 1).padStart(3, '0')}`;
    c.holdings.forEach((h, i) =>
      feed.row('holdings.csv', {
        cif,
        product_code: h.productCode,
        account_id: accountOf(i),
        branch_id: heldAt[i] ?? c.homeBranchId,
        amount: yuan(h.amount),
        opened_on: h.openedOn,
        maturity_on: h.maturityOn,
      }),
    );
    for (const m of activity.movements) feed.row('movements.csv', { cif, on_date: m.onDate, direction: m.direction, amount: yuan(m.amount), other_bank: m.otherBank });
    for (const k of activity.credit) {
      feed.row('credit.csv', {
        account_id: accountOf(k.holdingId),
        next_due_on: k.nextDueOn,
        due_amount: yuan(k.dueAmount),
        overdue_days: k.overdueDays,
        classification: k.classification,
        previous_classification: k.previousClassification,
        classified_on: k.classifiedOn,
      });
    }
    for (const a of activity.applications) feed.row('applications.csv', { cif, product_code: a.productCode, status: a.status, applied_on: a.appliedOn });
  };

  // The six fixed identities come first: customers 1..6.
  for (const [i, f] of fixedCustomerSpecs(today).entries()) {
    write(
      {
        id: i + 1,
        name: f.name,
        gender: f.gender,
        birthDate: f.birthDate,
        phone: f.phone,
        idNumber: f.idNumber,
        maritalStatus: f.maritalStatus,
        occupation: f.occupation,
        riskTolerance: f.riskTolerance,
        marketingConsent: f.marketingConsent,
        homeBranchId: DEMO_BRANCH_ID,
        relationshipManager: f.relationshipManager,
        lastOverdueOn: f.lastOverdueOn,
        cards: [{ cardNumber: f.cardNumber, kind: 'debit' }, ...f.extraCards],
        holdings: f.holdings,
      },
      i + 1,
    );
  }

  const taken = new Set(fixedCustomerSpecs(today).map((f) => f.idNumber));
  const gen = new CustomerGenerator(today, tiering, (id) => taken.has(id));
  for (let k = 0; k < count; k++) {
    const c = gen.next(FIXED_COUNT + 1 + k);
    taken.add(c.idNumber);
    write(c);
  }
}

const FIXED_COUNT = 6;

/**
 * Where each holding of a synthetic customer is held (null = the home branch). Some customers of
 * this branch hold a minority of products at another branch of the bank; most customers whose home
 * is another branch hold a minority of products here (what makes them visit: 协办). Each customer's
 * own PRNG decides, so the generator's stream and everything else it produces stay as they were.
 */
function heldAtBranches(c: CustomerRecord): (string | null)[] {
  const r = new Rng((0x5eed_0b00 ^ Math.imul(c.id, 0x85ebca6b)) >>> 0);
  const n = c.holdings.length;
  const out: (string | null)[] = c.holdings.map(() => null);
  if (c.homeBranchId === DEMO_BRANCH_ID) {
    // one product (never the first: the debit card / main account) opened at another branch
    if (n >= 2 && r.chance(0.12)) out[r.int(1, n - 1)] = r.pick(OTHER_BRANCHES);
  } else if (r.chance(0.8)) {
    // at most half of their products are held here; with a single product, that one
    const k = n === 1 ? 1 : r.int(1, Math.floor(n / 2));
    const order = c.holdings.map((_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = r.int(i, n - 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
      out[order[i]!] = DEMO_BRANCH_ID;
    }
  }
  return out;
}

const ASSET_CATEGORIES: ReadonlySet<ProductCategory> = new Set(['demand_deposit', 'time_deposit', 'wealth', 'fund', 'insurance']);

/**
 * Bench only: adds on average `mean` holdings to a customer by splitting asset holdings into
 * tranches of the same product (same dates), so the totals, and with them tier and stars, stay.
 */
function splitIntoTranches(c: CustomerRecord, mean: number): void {
  const r = new Rng((0x5eed_0c00 ^ Math.imul(c.id, 0xc2b2ae35)) >>> 0);
  const k = Math.floor(mean) + (r.chance(mean - Math.floor(mean)) ? 1 : 0);
  const assets = c.holdings.filter((h) => ASSET_CATEGORIES.has(CATEGORY.get(h.productCode)!));
  if (assets.length === 0) return;
  for (let i = 0; i < k; i++) {
    const source = r.pick(assets);
    const tranche = round2(source.amount * (0.2 + r.next() * 0.3));
    source.amount = round2(source.amount - tranche);
    const lot: HoldingDraft = { productCode: source.productCode, amount: tranche, openedOn: source.openedOn, maturityOn: source.maturityOn };
    c.holdings.push(lot);
    assets.push(lot);
  }
}

// ---------------------------------------------------------------- the generator

type AgeBand = { min: number; max: number; weight: number; tierOdds: [drop: number, general: number, gold: number, top: number] };

/** Age bands of the customer base and, per band, the odds of each value tier (older customers hold more). */
const AGE_BANDS: readonly AgeBand[] = [
  { min: 18, max: 22, weight: 8, tierOdds: [0.22, 0.76, 0.02, 0] },
  { min: 23, max: 30, weight: 16, tierOdds: [0.12, 0.79, 0.085, 0.005] },
  { min: 31, max: 45, weight: 31, tierOdds: [0.09, 0.72, 0.17, 0.02] },
  { min: 46, max: 60, weight: 26, tierOdds: [0.07, 0.67, 0.23, 0.03] },
  { min: 61, max: 85, weight: 19, tierOdds: [0.07, 0.685, 0.22, 0.025] },
];
const AGE_BAND_TABLE = weightedTable(AGE_BANDS, AGE_BANDS.map((b) => b.weight));
const SURNAME_TABLE = weightedTable(SURNAMES, SURNAME_WEIGHTS);
const REGION_TABLE = weightedTable(REGIONS, REGION_WEIGHTS);
const BUCKETS: readonly Tier[] = ['drop', 'general', 'gold', 'top'];

const PHONE_SPACE = PHONE_PREFIXES.length * 100_000_000;
const CARD16_SPACE = 1_000_000_000 - 1_000; // bodies 1000..999,999,999 (below 1000: fixed identities)
const CARD19_SPACE = 1_000_000_000_000;

class CustomerGenerator {
  private readonly rng = new Rng(DEMO_SEED);
  private readonly phonePerm = makePermutation(PHONE_SPACE, 0x5eed_0001);
  private readonly card16Perm = makePermutation(CARD16_SPACE, 0x5eed_0002);
  private readonly card19Perm = makePermutation(CARD19_SPACE, 0x5eed_0003);
  private card16Seq = 0;
  private card19Seq = 0;
  private readonly todayDay: number;
  /** Per age: [earliest, latest] birth day number giving exactly that age today. */
  private readonly birthRange = new Map<number, [number, number]>();

  constructor(
    private readonly today: string,
    private readonly tiering: TieringRules,
    private readonly idNumberTaken: (id: string) => boolean,
  ) {
    this.todayDay = dayNumber(today);
    for (let age = 18; age <= 85; age++) {
      const latest = dayNumber(shiftYears(today, -age));
      const earliest = dayNumber(shiftYears(today, -(age + 1))) + 1;
      this.birthRange.set(age, [earliest, latest]);
    }
  }

  private ago(days: number): string {
    return isoDate(this.todayDay - days);
  }

  next(id: number): CustomerRecord {
    const r = this.rng;
    const band = r.fromTable(AGE_BAND_TABLE);
    const age = r.int(band.min, band.max);
    const [earliest, latest] = this.birthRange.get(age)!;
    const birthDay = r.int(earliest, latest);
    const birthDate = isoDate(birthDay);
    const gender: 'M' | 'F' = r.chance(0.5) ? 'M' : 'F';

    const occupation = this.occupationFor(age);
    const maritalStatus = this.maritalFor(age);
    const profile: CustomerProfileFacts = { birthDate, maritalStatus, occupation };
    const stage = lifeStageOf(profile, this.today);

    const surname = r.fromTable(SURNAME_TABLE);
    const given = gender === 'M' ? GIVEN_MALE : GIVEN_FEMALE;
    const name = surname + r.pick(given) + (r.chance(0.7) ? r.pick(given) : '');

    const riskTolerance = this.riskFor(age, occupation);
    const marketingConsent = r.chance(0.92);
    const homeBranchId = r.chance(0.9) ? DEMO_BRANCH_ID : r.pick(OTHER_BRANCHES);

    const x = this.phonePerm(id);
    const phone = PHONE_PREFIXES[Math.floor(x / 100_000_000)]! + String(x % 100_000_000).padStart(8, '0');
    const idNumber = this.residentIdFor(r.fromTable(REGION_TABLE), birthDate, gender);

    // Nothing is opened before the 18th birthday (18 years = 6,574 or 6,575 days).
    const adultDay = birthDay + 6_575;
    const opened = (maxDaysAgo: number, minDaysAgo = 0) =>
      isoDate(Math.max(adultDay, this.todayDay - r.int(minDaysAgo, Math.max(minDaysAgo, maxDaysAgo))));
    const accountAgeDays = Math.max(30, Math.min((age - 18) * 365, 25 * 365));

    const holdings: HoldingDraft[] = [];
    const cards: CustomerRecord['cards'] = [];
    const debitOpened = opened(accountAgeDays, 30);
    const youth = age <= 30 && r.chance(stage === 'student' ? 0.7 : 0.3);
    holdings.push({ productCode: youth ? 'DC-YOUTH' : 'DC-STD', amount: 0, openedOn: debitOpened, maturityOn: null });
    cards.push({ cardNumber: this.nextCard(), kind: 'debit' });
    if (r.chance(0.15)) cards.push({ cardNumber: this.nextCard(), kind: 'debit' });

    const bucket = r.weighted(BUCKETS, band.tierOdds);
    const targetAum = this.sampleAum(bucket);
    this.allocateAssets(targetAum, bucket, age, stage, riskTolerance, debitOpened, opened, holdings);

    // Credit: cards and loans by life stage.
    let borrower = false;
    const rich = bucket === 'gold' || bucket === 'top';
    const ccOdds = age < 23 ? 0.15 : age > 70 ? 0.08 : rich ? 0.55 : 0.33;
    if (r.chance(ccOdds)) {
      const plat = age >= 25 && age <= 70 && r.chance(rich ? 0.75 : 0.1);
      const limit = plat ? 100_000 : r.pick([10_000, 20_000, 30_000, 50_000]);
      holdings.push({
        productCode: plat ? 'CC-PLAT' : 'CC-STD',
        amount: round2(limit * r.next() * r.next()),
        openedOn: opened(Math.min(accountAgeDays, 12 * 365), 60),
        maturityOn: null,
      });
      cards.push({ cardNumber: this.nextCard(), kind: 'credit' });
      borrower = true;
    }
    const loan = this.loanFor(age, stage, occupation, maritalStatus, rich);
    if (loan) {
      holdings.push({ ...loan, openedOn: opened(loan.maxYears * 365, 30), maturityOn: null });
      borrower = true;
    }
    const lastOverdueOn = borrower && r.chance(0.04) ? this.ago(r.int(5, 1_000)) : null;

    const record: CustomerRecord = {
      id,
      name,
      gender,
      birthDate,
      phone,
      idNumber,
      maritalStatus,
      occupation,
      riskTolerance,
      marketingConsent,
      homeBranchId,
      relationshipManager: null,
      lastOverdueOn,
      cards,
      holdings,
    };
    record.relationshipManager = this.relationshipManagerFor(record);
    return record;
  }

  /** Wealthy and key customers have a relationship manager (from the same outcome the tiering will compute). */
  private relationshipManagerFor(c: CustomerRecord): string | null {
    const totals = totalsOf(c.holdings.map((h) => ({ category: CATEGORY.get(h.productCode)!, amountFen: Math.round(h.amount * 100) })));
    const tier = tierFor(totals.aumFen, this.tiering);
    const key =
      keyCustomerReason({ depositsFen: totals.depositsFen, loansFen: totals.loansFen, lastOverdueOn: c.lastOverdueOn, today: this.today }, this.tiering) !== null;
    const odds = tier === 'top' ? 1 : tier === 'gold' ? 0.85 : key ? 0.7 : 0;
    return odds > 0 && this.rng.chance(odds) ? this.rng.pick(RELATIONSHIP_MANAGERS) : null;
  }

  private occupationFor(age: number): CustomerProfileFacts['occupation'] {
    const r = this.rng;
    type Occ = CustomerProfileFacts['occupation'];
    const working: Occ[] = ['employee', 'self_employed', 'civil_servant', 'other'];
    const workingWeights = [62, 18, 10, 10];
    if (age <= 22 && r.chance(0.75)) return 'student';
    if (age <= 26 && r.chance(0.15)) return 'student';
    if (age >= 65 && r.chance(0.92)) return 'retired';
    if (age >= 60 && r.chance(0.6)) return 'retired';
    if (age >= 55 && r.chance(0.2)) return 'retired';
    return r.weighted(working, workingWeights);
  }

  private maritalFor(age: number): CustomerProfileFacts['maritalStatus'] {
    const r = this.rng;
    if (age < 23) return r.chance(0.97) ? 'single' : 'married';
    if (age <= 30) return r.weighted(['single', 'married', 'divorced'] as const, [52, 45, 3]);
    if (age <= 60) return r.weighted(['single', 'married', 'divorced', 'widowed'] as const, [12, 77, 9, 2]);
    if (age <= 75) return r.weighted(['single', 'married', 'divorced', 'widowed'] as const, [3, 75, 6, 16]);
    return r.weighted(['single', 'married', 'divorced', 'widowed'] as const, [2, 55, 4, 39]);
  }

  private riskFor(age: number, occupation: CustomerProfileFacts['occupation']): number {
    const r = this.rng;
    const levels = [1, 2, 3, 4, 5];
    if (occupation === 'retired' || age >= 65) return r.weighted(levels, [30, 40, 22, 6, 2]);
    if (age < 30) return r.weighted(levels, [8, 25, 35, 22, 10]);
    return r.weighted(levels, [10, 28, 35, 19, 8]);
  }

  /** Region + birth date + 3-digit sequence (odd for men, even for women) + check character; unique. */
  private residentIdFor(region: string, birthDate: string, gender: 'M' | 'F'): string {
    const compact = birthDate.replaceAll('-', '');
    let k = this.rng.int(0, 498);
    for (let tries = 0; tries < 499; tries++, k = (k + 1) % 499) {
      const seq = 2 * k + (gender === 'M' ? 1 : 2); // 001..997 odd, 002..998 even
      const first17 = region + compact + String(seq).padStart(3, '0');
      const id = first17 + residentIdCheckChar(first17);
      if (!this.idNumberTaken(id)) return id;
    }
    throw new Error(`no free resident ID sequence for ${region} ${birthDate}`);
  }

  private nextCard(): string {
    if (this.rng.chance(0.7)) return demoCardNumber16(1_000 + this.card16Perm(this.card16Seq++));
    return demoCardNumber19(this.card19Perm(this.card19Seq++));
  }

  /** Target AUM inside the chosen tier's band, long-tailed (truncated Pareto in the upper tiers). */
  private sampleAum(bucket: Tier): number {
    const r = this.rng;
    const { top, gold, general } = this.tiering.tierMinAum;
    const pareto = (lo: number, hi: number, alpha: number) => {
      const u = r.next();
      return lo / Math.pow(1 - u * (1 - Math.pow(lo / hi, alpha)), 1 / alpha);
    };
    switch (bucket) {
      case 'drop': {
        const u = r.next();
        return round2(general * u * u * 0.999);
      }
      case 'general': {
        const lo = Math.log10(Math.max(general, 1));
        const hi = Math.log10(gold);
        const t = Math.pow(r.next(), 0.85);
        return Math.min(round2(Math.pow(10, lo + t * (hi - lo))), gold - 1);
      }
      case 'gold':
        return Math.min(round2(pareto(gold, top, 1.1)), top - 1);
      case 'top':
        return round2(pareto(top, top * 30, 1.6));
    }
  }

  /** Splits the target AUM over deposits, wealth, funds and insurance; the amounts add up to it. */
  private allocateAssets(
    aum: number,
    bucket: Tier,
    age: number,
    stage: LifeStage,
    risk: number,
    ddOpened: string,
    opened: (maxDaysAgo: number, minDaysAgo?: number) => string,
    out: HoldingDraft[],
  ): void {
    const r = this.rng;
    const parts: { draft: HoldingDraft; weight: number }[] = [];
    const add = (productCode: string, weight: number, openedOn: string, maturityOn: string | null = null) =>
      parts.push({ draft: { productCode, amount: 0, openedOn, maturityOn }, weight });
    const timeDeposit = () => {
      const code = r.weighted(['TD-3M', 'TD-1Y', 'TD-3Y'], [3, 5, 2]);
      const months = code === 'TD-3M' ? 3 : code === 'TD-1Y' ? 12 : 36;
      const days = code === 'TD-3M' ? 89 : code === 'TD-1Y' ? 364 : 1_094;
      const on = opened(days);
      return { code, on, maturity: addMonths(on, months) };
    };
    const eligible = (code: string) => {
      const p = demoProduct(code);
      return p.riskLevel <= risk && age >= p.minAge && age <= p.maxAge && (p.lifeStages.length === 0 || p.lifeStages.includes(stage));
    };
    const wealthCodes = ['WM-SENIOR', 'WM-R2', 'WM-R3', 'WM-R4'].filter(eligible);
    const fundCodes = ['FD-BOND', 'FD-INDEX', 'FD-EQUITY'].filter(eligible);
    const insuranceCodes = ['INS-HEALTH', 'INS-LIFE', 'INS-PROPERTY', 'INS-PENSION'].filter(eligible);
    const pickDistinct = (codes: string[], n: number) => {
      const pool = [...codes];
      const chosen: string[] = [];
      while (chosen.length < n && pool.length) chosen.push(pool.splice(r.int(0, pool.length - 1), 1)[0]!);
      return chosen;
    };
    const wealth = (code: string, weight: number) => {
      const closedEnd = code !== 'WM-R2' && r.chance(0.5);
      const on = opened(closedEnd ? 179 : 1_500, 7);
      add(code, weight, on, closedEnd ? addMonths(on, 6) : null);
    };

    const older = age >= 50;
    if (bucket === 'drop') {
      add('DD-SAVE', 1, ddOpened);
    } else if (bucket === 'general') {
      add('DD-SAVE', 1, ddOpened);
      if (r.chance(older ? 0.55 : 0.3)) {
        const td = timeDeposit();
        add(td.code, 0.5 + r.next() * 1.5, td.on, td.maturity);
      }
      if (aum >= 20_000 && fundCodes.length && r.chance(0.18)) add(r.pick(fundCodes), 0.2 + r.next() * 0.6, opened(1_500, 7));
      if (aum >= 50_000 && wealthCodes.length && r.chance(0.2)) wealth(r.pick(wealthCodes), 0.3 + r.next());
      if (insuranceCodes.length && r.chance(0.15)) add(r.pick(insuranceCodes), 0.05 + r.next() * 0.25, opened(3_650, 30));
    } else {
      add('DD-SAVE', 0.15 + r.next() * 0.3, ddOpened);
      const tds = r.int(older ? 1 : 0, 3);
      for (let i = 0; i < tds; i++) {
        const td = timeDeposit();
        add(td.code, 0.3 + r.next(), td.on, td.maturity);
      }
      if (wealthCodes.length && r.chance(0.8)) for (const code of pickDistinct(wealthCodes, r.int(1, 2))) wealth(code, 0.4 + r.next());
      if (fundCodes.length && r.chance(0.55)) for (const code of pickDistinct(fundCodes, r.int(1, 2))) add(code, 0.2 + r.next() * 0.6, opened(2_000, 7));
      if (insuranceCodes.length && r.chance(0.55)) for (const code of pickDistinct(insuranceCodes, r.int(1, 2))) add(code, 0.05 + r.next() * 0.2, opened(3_650, 30));
    }

    let total = 0;
    for (const p of parts) total += p.weight;
    let left = aum;
    for (let i = parts.length - 1; i >= 1; i--) {
      const amount = round2((aum * parts[i]!.weight) / total);
      parts[i]!.draft.amount = amount;
      left -= amount;
    }
    parts[0]!.draft.amount = round2(left); // the demand deposit takes the rounding rest
    for (const p of parts) out.push(p.draft);
  }

  private loanFor(
    age: number,
    stage: LifeStage,
    occupation: CustomerProfileFacts['occupation'],
    marital: CustomerProfileFacts['maritalStatus'],
    rich: boolean,
  ): { productCode: string; amount: number; maxYears: number } | null {
    const r = this.rng;
    const amount = (lo: number, hi: number, step = 1_000) => Math.round((lo + (hi - lo) * r.next() * r.next()) / step) * step;
    if (stage === 'student') {
      return r.chance(0.1) ? { productCode: 'LN-EDU', amount: r.chance(0.2) ? amount(100_000, 500_000) : amount(8_000, 60_000), maxYears: 4 } : null;
    }
    if (occupation === 'self_employed' && age >= 25 && age <= 65 && r.chance(0.25)) {
      return { productCode: 'LN-BUSINESS', amount: amount(200_000, rich ? 8_000_000 : 3_000_000, 10_000), maxYears: 5 };
    }
    if (marital === 'married' && age >= 25 && age <= 60 && r.chance(0.3)) {
      return { productCode: 'LN-MORTGAGE', amount: amount(300_000, 4_000_000, 10_000), maxYears: 20 };
    }
    if (stage === 'graduate' && age >= 22 && r.chance(0.12)) {
      return { productCode: 'LN-CAR', amount: amount(50_000, 350_000), maxYears: 5 };
    }
    if (age >= 22 && age <= 60 && r.chance(0.06)) {
      return { productCode: 'LN-CONSUMER', amount: amount(10_000, 300_000), maxYears: 3 };
    }
    return null;
  }
}
