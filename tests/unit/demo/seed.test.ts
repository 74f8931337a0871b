import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BranchRulesSchema, DEFAULT_BRANCH_RULES, type BranchRules } from '../../../src-main/domain/branch-config';
import { isValidCardNumber, isValidPhone, isValidResidentId, residentIdBirthDate } from '../../../src-main/domain/identity';
import { ageOn, lifeStageOf, PRODUCT_CATEGORIES, type ProductCategory } from '../../../src-main/domain/products';
import { daysBetween, remindersFor } from '../../../src-main/domain/reminders';
import { keyCustomerReason, starsFor, tierFor, totalsOf, type Tier } from '../../../src-main/domain/tiering';
import { verifySecret } from '../../../src-main/hub/auth/secrets';
import { openDatabase, type Db } from '../../../src-main/hub/db/open';
import { openDemoDatabase, type DemoDatabase } from '../../../src-main/hub/demo/demo-database';
import type { DemoSeedOptions } from '../../../src-main/hub/demo/seed';
import { addPlainViews } from '../../helpers/branch-data';
import {
  DEMO_BRANCH_ID,
  DEMO_BRANCH_RULES,
  DEMO_PRODUCTS,
  DEMO_STAFF,
  countDemoData,
  demoCif,
  fixedIdentities,
  seedDemoBranch,
  type DemoSummary,
} from '../../../src-main/hub/demo/seed';

const TODAY = '2026-11-22';
const RULES = DEFAULT_BRANCH_RULES.tiering;
/** "Now" for ID plausibility checks: the end of the demo's today. */
const NOW = new Date(`${TODAY}T23:59:59Z`);
const CATEGORY = new Map(DEMO_PRODUCTS.map((p) => [p.code, p.category]));

interface CustomerRow {
  id: number;
  cif: string;
  name: string;
  gender: 'M' | 'F';
  birth_date: string;
  phone: string;
  id_number: string;
  marital_status: 'single' | 'married' | 'divorced' | 'widowed';
  occupation: 'student' | 'employee' | 'self_employed' | 'retired' | 'civil_servant' | 'other';
  risk_tolerance: number;
  marketing_consent: number;
  home_branch_id: string;
  relationship_manager: string | null;
  last_overdue_on: string | null;
  tier: Tier;
  stars: number;
  key_customer: number;
  aum: number;
  tier_computed_on: string;
}
interface HoldingRow {
  id: number;
  customer_id: number;
  product_code: string;
  amount: number;
  amount_fen: number;
  opened_on: string;
  maturity_on: string | null;
  as_of: string;
}

function recompute(c: CustomerRow, holdings: HoldingRow[], today = TODAY, rules = RULES) {
  const fen = totalsOf(holdings.map((h) => ({ category: CATEGORY.get(h.product_code)!, amountFen: h.amount_fen })));
  return {
    totals: { aum: fen.aumFen / 100, deposits: fen.depositsFen / 100, loans: fen.loansFen / 100 },
    tier: tierFor(fen.aumFen, rules),
    stars: starsFor(fen.aumFen, rules),
    key: keyCustomerReason({ depositsFen: fen.depositsFen, loansFen: fen.loansFen, lastOverdueOn: c.last_overdue_on, today }, rules),
  };
}

/** Identifiers unsealed and money in yuan, so the assertions below read plainly (tests/helpers/branch-data.ts). */
const plainViews = (d: DemoDatabase): Db => addPlainViews(d.db, d.key);

const opened: { d: DemoDatabase; dir: string }[] = [];
/** A demo branch of its own (a fresh data directory), with the plain views. */
async function seeded(opts: DemoSeedOptions): Promise<Db> {
  const dir = mkdtempSync(join(tmpdir(), 'demo-seed-'));
  const d = await openDemoDatabase(dir, opts);
  opened.push({ d, dir });
  return plainViews(d);
}

const tmp = mkdtempSync(join(tmpdir(), 'demo-seed-'));
let demo: DemoDatabase;
let db: Db;
let summary: DemoSummary;
let seconds: number;

beforeAll(async () => {
  const t = performance.now();
  demo = await openDemoDatabase(tmp, { today: TODAY, customers: 10_000 });
  seconds = (performance.now() - t) / 1000;
  summary = demo.summary;
  db = plainViews(demo);
});
afterAll(() => {
  demo?.close();
  rmSync(tmp, { recursive: true, force: true });
  for (const o of opened) {
    o.d.close();
    rmSync(o.dir, { recursive: true, force: true });
  }
});

const customer = (phone: string) => db.prepare('SELECT * FROM customer_plain WHERE phone = ?').get(phone) as CustomerRow;
const holdingsOf = (id: number) => db.prepare('SELECT * FROM holding_plain WHERE customer_id = ? ORDER BY id').all(id) as HoldingRow[];
const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('seedDemoBranch: branch set-up', () => {
  it('seeds 10,000 customers well under 10 s and reports what it wrote', () => {
    expect(summary.seeded).toBe(true);
    expect(seconds).toBeLessThan(10);
    expect(summary.counts).toEqual({
      branch: 1,
      service: 6,
      counter: 4,
      counterService: 16,
      staff: 6,
      device: 2,
      product: DEMO_PRODUCTS.length,
      customer: count('customer'),
      card: count('card'),
      holding: count('holding'),
    });
    expect(summary.counts.customer).toBe(10_006); // 10,000 generated + 6 fixed identities
    const tiers = Object.fromEntries(
      (db.prepare('SELECT tier, count(*) AS n FROM customer_plain GROUP BY tier').all() as { tier: Tier; n: number }[]).map((r) => [r.tier, r.n]),
    );
    expect(summary.tiers).toEqual({ top: 0, gold: 0, general: 0, drop: 0, ...tiers });
    expect(countDemoData(db).counts).toEqual(summary.counts);
    expect(summary.keyCustomers).toBe((db.prepare('SELECT count(*) AS n FROM customer_plain WHERE key_customer = 1').get() as { n: number }).n);
  });

  it('creates the demo branch with the default rules, but more identification attempts for people trying it', () => {
    const b = db.prepare('SELECT * FROM branch').get() as { id: string; name_zh: string; name_en: string; rules_json: string };
    expect(b.id).toBe('demo-001');
    expect(b.name_zh).toBe('网点大堂演示支行');
    expect(b.name_en).toBe('Demo Branch (Lobby)');
    const rules = BranchRulesSchema.parse(JSON.parse(b.rules_json));
    expect(rules).toEqual(DEMO_BRANCH_RULES);
    expect({ ...rules, identification: DEFAULT_BRANCH_RULES.identification }).toEqual(DEFAULT_BRANCH_RULES);
    expect(rules.identification.attempts.perIdentifier).toBeGreaterThan(DEFAULT_BRANCH_RULES.identification.attempts.perIdentifier);
  });

  it('creates services A-E and V with VIP only on V', () => {
    const rows = db.prepare('SELECT code, prefix, name_zh, name_en, vip_only FROM service ORDER BY sort_order').all();
    expect(rows).toEqual([
      { code: 'A', prefix: 'A', name_zh: '现金及存款', name_en: 'Cash & deposits', vip_only: 0 },
      { code: 'B', prefix: 'B', name_zh: '转账汇款', name_en: 'Transfers & remittance', vip_only: 0 },
      { code: 'C', prefix: 'C', name_zh: '开户及银行卡', name_en: 'Accounts & cards', vip_only: 0 },
      { code: 'D', prefix: 'D', name_zh: '贷款', name_en: 'Loans', vip_only: 0 },
      { code: 'E', prefix: 'E', name_zh: '理财', name_en: 'Wealth management', vip_only: 0 },
      { code: 'V', prefix: 'V', name_zh: '贵宾', name_en: 'VIP', vip_only: 1 },
    ]);
  });

  it('creates counters 1-4 serving the right services, counter 4 VIP with V weighted 10', () => {
    const counters = db.prepare('SELECT id, name_en, vip FROM counter ORDER BY id').all() as { id: number; name_en: string; vip: number }[];
    expect(counters.map((c) => [c.id, c.vip])).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
      [4, 1],
    ]);
    const served = (id: number) =>
      Object.fromEntries(
        (db.prepare('SELECT service_code, weight FROM counter_service WHERE counter_id = ? ORDER BY service_code').all(id) as {
          service_code: string;
          weight: number;
        }[]).map((r) => [r.service_code, r.weight]),
      );
    expect(served(1)).toEqual({ A: 1, B: 1, C: 1 });
    expect(served(2)).toEqual({ A: 1, B: 1, C: 1, D: 1 });
    expect(served(3)).toEqual({ C: 1, D: 1, E: 1 });
    expect(served(4)).toEqual({ A: 1, B: 1, C: 1, D: 1, E: 1, V: 10 });
  });

  it('creates staff whose PINs verify, and devices whose secret is "demo"', async () => {
    const staff = db.prepare('SELECT id, name, role, pin_hash, counter_id FROM staff ORDER BY id').all() as {
      id: string;
      name: string;
      role: string;
      pin_hash: string;
      counter_id: number | null;
    }[];
    expect(staff.map((s) => [s.id, s.role, s.counter_id])).toEqual([
      ['admin', 'admin', null],
      ['m01', 'manager', null],
      ['t01', 'teller', 1],
      ['t02', 'teller', 2],
      ['t03', 'teller', 3],
      ['t04', 'teller', 4],
    ]);
    const pins: Record<string, string> = { m01: '1111', t01: '2222', t02: '2222', t03: '2222', t04: '2222', admin: '9999' };
    for (const s of staff) {
      expect(s.name).toMatch(/^[\u4e00-\u9fa5]{2,3}$/);
      expect(s.pin_hash.startsWith('scrypt$')).toBe(true);
      expect(await verifySecret(pins[s.id]!, s.pin_hash)).toBe(true);
    }
    expect(await verifySecret('1112', staff.find((s) => s.id === 'm01')!.pin_hash)).toBe(false);
    expect(DEMO_STAFF.map((s) => s.pin)).toEqual(['1111', '2222', '2222', '2222', '2222', '9999']);
    const devices = db.prepare('SELECT id, kind, secret_hash FROM device ORDER BY id').all() as { id: string; kind: string; secret_hash: string }[];
    expect(devices.map((d) => [d.id, d.kind])).toEqual([
      ['display-01', 'display'],
      ['kiosk-01', 'kiosk'],
    ]);
    for (const d of devices) expect(await verifySecret('demo', d.secret_hash)).toBe(true);
  });

  it('stores the product catalogue, covering every category and the life-cycle needs', () => {
    expect(DEMO_PRODUCTS.length).toBeGreaterThanOrEqual(20);
    expect(DEMO_PRODUCTS.length).toBeLessThanOrEqual(25);
    expect(new Set(DEMO_PRODUCTS.map((p) => p.category))).toEqual(new Set(PRODUCT_CATEGORIES));
    const rows = db.prepare('SELECT * FROM product ORDER BY code').all() as {
      code: string;
      category: ProductCategory;
      name_zh: string;
      name_en: string;
      risk_level: number;
      is_credit: number;
      life_stages: string;
      min_age: number;
      max_age: number;
      base_propensity: number;
    }[];
    expect(rows.map((r) => r.code)).toEqual(DEMO_PRODUCTS.map((p) => p.code).sort());
    for (const r of rows) {
      const p = DEMO_PRODUCTS.find((x) => x.code === r.code)!;
      expect(r.category).toBe(p.category);
      expect(r.name_zh).toBe(p.name['zh-CN']);
      expect(r.name_en).toBe(p.name.en);
      expect(JSON.parse(r.life_stages)).toEqual(p.lifeStages);
      expect(r.is_credit).toBe(r.category === 'loan' || r.category === 'credit_card' ? 1 : 0);
      expect(r.base_propensity).toBeGreaterThanOrEqual(0.02);
      expect(r.base_propensity).toBeLessThanOrEqual(0.2);
      expect(r.min_age).toBeLessThan(r.max_age);
    }
    const forStage = (stage: string, category: ProductCategory) =>
      DEMO_PRODUCTS.filter((p) => p.category === category && p.lifeStages.includes(stage as never)).map((p) => p.code);
    expect(forStage('student', 'loan')).toEqual(['LN-EDU']);
    expect(forStage('graduate', 'loan')).toEqual(['LN-CAR']);
    expect(forStage('married', 'loan')).toContain('LN-MORTGAGE');
    expect(forStage('married', 'insurance')).toContain('INS-PROPERTY');
    expect(forStage('retiree', 'insurance')).toContain('INS-PENSION');
    expect(DEMO_PRODUCTS.some((p) => p.category === 'wealth' && p.riskLevel <= 2 && p.lifeStages.includes('retiree'))).toBe(true);
    for (const term of ['TD-3M', 'TD-1Y', 'TD-3Y']) expect(rows.some((r) => r.code === term)).toBe(true);
    expect(new Set(rows.filter((r) => r.category === 'wealth').map((r) => r.risk_level))).toEqual(new Set([1, 2, 3, 4]));
  });
});

describe('seedDemoBranch: guard and transaction', () => {
  it('is idempotent: a second call writes nothing and says so', async () => {
    const before = (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    const again = await seedDemoBranch(db, tmp, { today: '2027-01-01', customers: 50 });
    const after = (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    expect(after).toBe(before);
    expect(again.seeded).toBe(false);
    expect(again.branchId).toBe(DEMO_BRANCH_ID);
    expect(Object.values(again.counts).every((n) => n === 0)).toBe(true);
    expect(again.tiers).toEqual({ top: 0, gold: 0, general: 0, drop: 0 });
    // what the database holds is still exactly what the first call wrote
    const held = countDemoData(db);
    expect(held.counts).toEqual(summary.counts);
    expect(held.tiers).toEqual(summary.tiers);
    expect(held.keyCustomers).toBe(summary.keyCustomers);
  });

  it('leaves a database that already has any branch alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-seed-'));
    const other = openDatabase(join(dir, 'branch.db'));
    other.prepare("INSERT INTO branch (id, name_zh, name_en, rules_json) VALUES ('sh-002', '某支行', 'Some branch', '{}')").run();
    const s = await seedDemoBranch(other, dir, { today: TODAY, customers: 10 });
    expect(s.seeded).toBe(false);
    expect(s.branchId).toBe('sh-002');
    expect((other.prepare('SELECT count(*) AS n FROM service').get() as { n: number }).n).toBe(0);
    expect((other.prepare('SELECT count(*) AS n FROM feed_run').get() as { n: number }).n).toBe(0);
    expect(readdirSync(dir)).not.toContain('snapshots');
    other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves nothing behind when its feed cannot be written or loaded (the next start tries again)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-seed-'));
    writeFileSync(join(dir, 'feeds'), 'not a directory');
    const other = openDatabase(join(dir, 'branch.db'));
    await expect(seedDemoBranch(other, dir, { today: TODAY, customers: 20 })).rejects.toThrow();
    for (const table of ['branch', 'service', 'counter', 'staff', 'device', 'feed_state']) {
      expect((other.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n).toBe(0);
    }
    rmSync(join(dir, 'feeds'));
    expect((await seedDemoBranch(other, dir, { today: TODAY, customers: 20 })).counts.customer).toBe(26);
    other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects a malformed today or customer count', async () => {
    const other = openDatabase(':memory:');
    await expect(seedDemoBranch(other, tmp, { today: '2026-13-01' })).rejects.toThrow(/today/);
    await expect(seedDemoBranch(other, tmp, { today: '22/11/2026' })).rejects.toThrow(/today/);
    await expect(seedDemoBranch(other, tmp, { today: TODAY, customers: -1 })).rejects.toThrow(/customers/);
    await expect(seedDemoBranch(other, tmp, { today: TODAY, customers: 1.5 })).rejects.toThrow(/customers/);
    other.close();
  });

  it('stores and tiers with the rules it is given', async () => {
    const rules: BranchRules = structuredClone(DEFAULT_BRANCH_RULES);
    rules.tiering.tierMinAum = { top: 2_000_000, gold: 200_000, general: 500 };
    const other = await seeded({ today: TODAY, customers: 300, rules });
    const s = { tiers: countDemoData(other).tiers };
    expect(JSON.parse((other.prepare('SELECT rules_json FROM branch').get() as { rules_json: string }).rules_json)).toEqual(rules);
    // #2 has 2,330,000 of assets: top under these rules.
    expect((other.prepare("SELECT tier FROM customer_plain WHERE phone = '13800000002'").get() as { tier: string }).tier).toBe('top');
    const rows = other.prepare('SELECT * FROM customer_plain').all() as CustomerRow[];
    for (const c of rows) {
      const h = other.prepare('SELECT * FROM holding_plain WHERE customer_id = ?').all(c.id) as HoldingRow[];
      expect(c.tier).toBe(recompute(c, h, TODAY, rules.tiering).tier);
    }
    expect(s.tiers.top).toBeGreaterThan(0);
  });
});

describe('seedDemoBranch: determinism', () => {
  const dump = (d: Db) => ({
    customers: d.prepare('SELECT * FROM customer_plain ORDER BY id').all(),
    cards: d.prepare('SELECT * FROM card_plain ORDER BY customer_id, card_number').all(),
    holdings: d.prepare('SELECT * FROM holding_plain ORDER BY id').all(),
  });

  it('gives the same data for the same size, in two databases', async () => {
    const a = await seeded({ today: TODAY, customers: 500 });
    const b = await seeded({ today: TODAY, customers: 500 });
    expect(dump(a)).toEqual(dump(b));
  });

  it('gives customer #k the same cif, phone, name and IDs whatever the size', async () => {
    const small = await seeded({ today: TODAY, customers: 300 });
    const smallRows = small.prepare('SELECT * FROM customer_plain ORDER BY id').all() as CustomerRow[];
    const bigRows = db.prepare('SELECT * FROM customer_plain WHERE id <= 306 ORDER BY id').all() as CustomerRow[];
    expect(bigRows).toEqual(smallRows);
    for (const k of [1, 7, 100, 306]) expect(smallRows[k - 1]!.cif).toBe(demoCif(k));
    const cardsOf = (d: Db) => d.prepare('SELECT * FROM card_plain WHERE customer_id <= 306 ORDER BY card_number').all();
    expect(cardsOf(db)).toEqual(cardsOf(small));
  });
});

describe('seedDemoBranch: the fixed identities', () => {
  it('lists six identities that match the database', () => {
    const ids = fixedIdentities(TODAY);
    expect(ids.map((f) => f.phone)).toEqual(['13800000001', '13800000002', '13800000003', '13800000004', '13800000005', '13800000006']);
    for (const f of ids) {
      const c = customer(f.phone);
      expect(c.name).toBe(f.name);
      expect(c.id_number).toBe(f.idNumber);
      expect(c.birth_date).toBe(f.birthDate);
      expect(residentIdBirthDate(f.idNumber, NOW)).toBe(c.birth_date);
      expect(isValidResidentId(f.idNumber, NOW)).toBe(true);
      expect(isValidCardNumber(f.cardNumber)).toBe(true);
      const card = db.prepare('SELECT customer_id, kind FROM card_plain WHERE card_number = ?').get(f.cardNumber) as { customer_id: number; kind: string };
      expect(card).toEqual({ customer_id: c.id, kind: 'debit' });
      expect(f.description.length).toBeGreaterThan(10);
      // stored tier, stars, key flag and AUM are what the domain functions give for the holdings
      const r = recompute(c, holdingsOf(c.id));
      expect([c.tier, c.stars, c.key_customer === 1, c.aum]).toEqual([r.tier, r.stars, r.key !== null, r.totals.aum]);
      expect(c.tier_computed_on).toBe(TODAY);
    }
  });

  it('#1 is top, 5 stars, key customer, birthday today (52), time deposit maturing within 7 days', () => {
    const c = customer('13800000001');
    const h = holdingsOf(c.id);
    const r = recompute(c, h);
    expect(r.tier).toBe('top');
    expect(r.stars).toBe(5);
    expect(r.key).not.toBeNull();
    expect([c.tier, c.stars, c.key_customer]).toEqual(['top', 5, 1]);
    expect(c.birth_date.slice(5)).toBe(TODAY.slice(5));
    expect(ageOn(c.birth_date, TODAY)).toBe(52);
    const reminders = remindersFor({
      today: TODAY,
      birthDate: c.birth_date,
      holdings: h.map((x) => ({ productCode: x.product_code, amountFen: x.amount_fen, maturityOn: x.maturity_on })),
      birthdayWithinDays: 7,
      maturityWithinDays: 30,
    });
    expect(reminders.find((x) => x.kind === 'birthday')).toMatchObject({ date: TODAY, daysUntil: 0 });
    const maturing = reminders.filter((x) => x.kind === 'maturity');
    expect(maturing.length).toBeGreaterThanOrEqual(1);
    expect(CATEGORY.get(maturing[0]!.productCode!)).toBe('time_deposit');
    expect(maturing[0]!.daysUntil).toBeLessThanOrEqual(7);
    expect(c.relationship_manager).not.toBeNull();
  });

  it('#2 is gold with 4 stars', () => {
    const c = customer('13800000002');
    const r = recompute(c, holdingsOf(c.id));
    expect([r.tier, r.stars]).toEqual(['gold', 4]);
    expect([c.tier, c.stars]).toEqual(['gold', 4]);
  });

  it('#3 is general with exactly a debit card and a demand deposit', () => {
    const c = customer('13800000003');
    const h = holdingsOf(c.id);
    expect(h.map((x) => CATEGORY.get(x.product_code)).sort()).toEqual(['debit_card', 'demand_deposit']);
    expect(recompute(c, h).tier).toBe('general');
    expect(c.tier).toBe('general');
  });

  it('#4 is a student aged exactly 21', () => {
    const c = customer('13800000004');
    expect(c.occupation).toBe('student');
    expect(ageOn(c.birth_date, TODAY)).toBe(21);
    expect(lifeStageOf({ birthDate: c.birth_date, maritalStatus: c.marital_status, occupation: c.occupation }, TODAY)).toBe('student');
  });

  it('#5 has opted out of marketing', () => {
    expect(customer('13800000005').marketing_consent).toBe(0);
    for (const phone of ['13800000001', '13800000002', '13800000003', '13800000004', '13800000006']) {
      expect(customer(phone).marketing_consent).toBe(1);
    }
  });

  it('#6 has a large loan but an overdue within the year: not key, general', () => {
    const c = customer('13800000006');
    const r = recompute(c, holdingsOf(c.id));
    expect(r.totals.loans).toBeGreaterThanOrEqual(3_000_000);
    expect(r.totals.loans).toBeGreaterThan(RULES.keyCustomer.loanOverWan * 10_000);
    expect(c.last_overdue_on).not.toBeNull();
    const since = daysBetween(c.last_overdue_on!, TODAY);
    expect(since).toBeGreaterThanOrEqual(0);
    expect(since).toBeLessThanOrEqual(365);
    expect(r.key).toBeNull();
    expect(r.tier).toBe('general');
    expect([c.key_customer, c.tier]).toEqual([0, 'general']);
  });

  it('moves #1 and #4 with the date and keeps everything else fixed', async () => {
    const base = fixedIdentities(TODAY);
    for (const day of ['2027-03-01', '2028-02-29', '2030-06-15', '2026-01-01']) {
      const ids = fixedIdentities(day);
      const now = new Date(`${day}T23:59:59Z`);
      expect(ids.map((f) => f.phone)).toEqual(base.map((f) => f.phone));
      expect(ids.map((f) => f.name)).toEqual(base.map((f) => f.name));
      expect(ids.map((f) => f.cardNumber)).toEqual(base.map((f) => f.cardNumber));
      for (const i of [1, 2, 4, 5]) expect(ids[i]!.idNumber).toBe(base[i]!.idNumber);
      for (const f of ids) expect(isValidResidentId(f.idNumber, now)).toBe(true);
      expect(ids[0]!.birthDate.slice(5)).toBe(day.slice(5));
      expect(ageOn(ids[0]!.birthDate, day)).toBe(52);
      expect(ageOn(ids[3]!.birthDate, day)).toBe(21);
    }
    const d = await seeded({ today: '2028-02-29', customers: 20 });
    const one = d.prepare("SELECT * FROM customer_plain WHERE phone = '13800000001'").get() as CustomerRow;
    expect(one.birth_date).toBe('1976-02-29');
    expect([one.tier, one.stars, one.key_customer]).toEqual(['top', 5, 1]);
    d.close();
  });
});

describe('seedDemoBranch: the synthetic customer base', () => {
  it('has a valid, unique resident ID, phone and Luhn card numbers for everybody', () => {
    const rows = db.prepare('SELECT id, gender, birth_date, phone, id_number FROM customer_plain').all() as CustomerRow[];
    const bad: unknown[] = [];
    for (const c of rows) {
      if (!isValidResidentId(c.id_number, NOW)) bad.push(['invalid id', c.id_number]);
      if (residentIdBirthDate(c.id_number, NOW) !== c.birth_date) bad.push(['id birth date', c.id_number, c.birth_date]);
      if ((Number(c.id_number[16]) % 2 === 1 ? 'M' : 'F') !== c.gender) bad.push(['id gender', c.id_number, c.gender]);
      if (!isValidPhone(c.phone)) bad.push(['phone', c.phone]);
      if (c.id > 6 && c.phone >= '13800000001' && c.phone <= '13800000099') bad.push(['reserved phone', c.phone]);
    }
    const cards = db.prepare('SELECT card_number, customer_id, kind FROM card_plain').all() as { card_number: string; customer_id: number; kind: string }[];
    for (const card of cards) {
      if (!isValidCardNumber(card.card_number)) bad.push(['card', card.card_number]);
      if (!card.card_number.startsWith('622588') || ![16, 19].includes(card.card_number.length)) bad.push(['card format', card.card_number]);
    }
    expect(bad).toEqual([]);
    expect(cards.length).toBe(summary.counts.card);
    const perCustomer = db
      .prepare("SELECT c.id, count(k.card_number) AS n, sum(k.kind = 'debit') AS debit FROM customer_plain c LEFT JOIN card_plain k ON k.customer_id = c.id GROUP BY c.id")
      .all() as { id: number; n: number; debit: number }[];
    expect(perCustomer.filter((p) => p.n < 1 || p.n > 3 || p.debit < 1)).toEqual([]);
    expect(perCustomer.filter((p) => p.n === 1).length).toBeGreaterThan(perCustomer.length / 3);
  });

  it('stores tier, stars, key flag and AUM exactly as the domain functions compute them', () => {
    const all = db.prepare('SELECT * FROM holding_plain ORDER BY customer_id, id').all() as HoldingRow[];
    const byCustomer = new Map<number, HoldingRow[]>();
    for (const h of all) {
      let list = byCustomer.get(h.customer_id);
      if (!list) byCustomer.set(h.customer_id, (list = []));
      list.push(h);
    }
    const rows = db.prepare('SELECT * FROM customer_plain').all() as CustomerRow[];
    const bad: unknown[] = [];
    for (const c of rows) {
      const r = recompute(c, byCustomer.get(c.id) ?? []);
      const stored = [c.tier, c.stars, c.key_customer, c.aum, c.tier_computed_on];
      const computed = [r.tier, r.stars, r.key !== null ? 1 : 0, Math.round(r.totals.aum * 100) / 100, TODAY];
      if (JSON.stringify(stored) !== JSON.stringify(computed)) bad.push({ id: c.id, stored, computed });
    }
    expect(bad).toEqual([]);
    expect(rows.length).toBe(summary.counts.customer);
  });

  it('has a realistic, long-tailed tier distribution', () => {
    const n = summary.counts.customer;
    const share = (t: Tier) => summary.tiers[t] / n;
    expect(share('drop')).toBeGreaterThan(0.07);
    expect(share('drop')).toBeLessThan(0.13);
    expect(share('general')).toBeGreaterThan(0.62);
    expect(share('general')).toBeLessThan(0.78);
    expect(share('gold')).toBeGreaterThan(0.13);
    expect(share('gold')).toBeLessThan(0.21);
    expect(share('top')).toBeGreaterThanOrEqual(0.01);
    expect(share('top')).toBeLessThanOrEqual(0.035);
    const stars = db.prepare('SELECT stars, count(*) AS n FROM customer_plain GROUP BY stars ORDER BY stars').all() as { stars: number; n: number }[];
    expect(stars.map((s) => s.stars)).toEqual([1, 2, 3, 4, 5]);
    // every top customer has a relationship manager; most general ones do not
    expect(db.prepare("SELECT count(*) AS n FROM customer_plain WHERE tier = 'top' AND relationship_manager IS NULL").get()).toEqual({ n: 0 });
    const rmGeneral = db.prepare("SELECT avg(relationship_manager IS NOT NULL) AS p FROM customer_plain WHERE tier = 'general' AND key_customer = 0").get() as { p: number };
    expect(rmGeneral.p).toBe(0);
  });

  it('has plausible people: ages 18-85, occupations that fit the age, ~92% marketing consent', () => {
    const rows = db.prepare('SELECT * FROM customer_plain WHERE id > 6').all() as CustomerRow[];
    let consent = 0;
    let home = 0;
    const names = new Set<string>();
    const bad: unknown[] = [];
    const occupations = ['student', 'employee', 'self_employed', 'retired', 'civil_servant', 'other'];
    for (const c of rows) {
      const age = ageOn(c.birth_date, TODAY);
      if (age < 18 || age > 85) bad.push(['age', c.id, age]);
      if (c.occupation === 'student' && age > 26) bad.push(['old student', c.id, age]);
      if (c.occupation === 'retired' && age < 55) bad.push(['young retiree', c.id, age]);
      if (!occupations.includes(c.occupation)) bad.push(['occupation', c.id, c.occupation]);
      if (c.risk_tolerance < 1 || c.risk_tolerance > 5) bad.push(['risk', c.id]);
      if (!/^[\u4e00-\u9fa5]{2,4}$/.test(c.name)) bad.push(['name', c.id, c.name]);
      if (age < 23 && c.marital_status === 'widowed') bad.push(['young widow', c.id]);
      consent += c.marketing_consent;
      if (c.home_branch_id === DEMO_BRANCH_ID) home++;
      names.add(c.name);
    }
    expect(bad).toEqual([]);
    expect(consent / rows.length).toBeGreaterThan(0.89);
    expect(consent / rows.length).toBeLessThan(0.95);
    expect(home / rows.length).toBeGreaterThan(0.8);
    expect(home).toBeLessThan(rows.length);
    expect(names.size).toBeGreaterThan(rows.length / 3);
    const overdue = db.prepare('SELECT count(*) AS n FROM customer_plain WHERE last_overdue_on IS NOT NULL').get() as { n: number };
    expect(overdue.n).toBeGreaterThan(0);
    expect(overdue.n).toBeLessThan(rows.length * 0.05);
    const overdueWithoutCredit = db
      .prepare(
        `SELECT count(*) AS n FROM customer_plain c WHERE last_overdue_on IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM holding_plain h JOIN product p ON p.code = h.product_code WHERE h.customer_id = c.id AND p.is_credit = 1)`,
      )
      .get();
    expect(overdueWithoutCredit).toEqual({ n: 0 });
  });

  it('has holdings with past opening dates, as_of today, and time deposits maturing ahead', () => {
    expect(db.prepare('SELECT count(*) AS n FROM holding_plain WHERE opened_on > ? OR as_of <> ?').get(TODAY, TODAY)).toEqual({ n: 0 });
    const opened = db
      .prepare("SELECT count(*) AS n FROM holding_plain h JOIN customer_plain c ON c.id = h.customer_id WHERE h.opened_on < date(c.birth_date, '+18 years')")
      .get();
    expect(opened).toEqual({ n: 0 });
    const td = db
      .prepare(
        `SELECT count(*) AS n, sum(maturity_on IS NULL) AS open_ended, sum(maturity_on < ?) AS past,
                sum(maturity_on <= date(?, '+30 days')) AS soon
         FROM holding_plain h JOIN product p ON p.code = h.product_code WHERE p.category = 'time_deposit'`,
      )
      .get(TODAY, TODAY) as { n: number; open_ended: number; past: number; soon: number };
    expect(td.n).toBeGreaterThan(1_000);
    expect(td.open_ended).toBe(0);
    expect(td.past).toBe(0);
    expect(td.soon).toBeGreaterThan(td.n * 0.05);
    const demand = db.prepare("SELECT count(DISTINCT customer_id) AS n FROM holding_plain WHERE product_code = 'DD-SAVE'").get() as { n: number };
    expect(demand.n / summary.counts.customer).toBeGreaterThan(0.95);
    const perCategory = new Map(
      (
        db.prepare('SELECT p.category, count(*) AS n FROM holding_plain h JOIN product p ON p.code = h.product_code GROUP BY p.category').all() as {
          category: ProductCategory;
          n: number;
        }[]
      ).map((r) => [r.category, r.n]),
    );
    for (const category of PRODUCT_CATEGORIES) expect(perCategory.get(category) ?? 0).toBeGreaterThan(0);
    expect(db.prepare('SELECT count(*) AS n FROM holding_plain WHERE amount < 0').get()).toEqual({ n: 0 });
    const used = db.prepare('SELECT count(DISTINCT product_code) AS n FROM holding_plain').get() as { n: number };
    expect(used.n).toBe(DEMO_PRODUCTS.length);
  });

  it('offers wealth and funds to customers within their risk tolerance only', () => {
    const bad = db
      .prepare(
        `SELECT count(*) AS n FROM holding_plain h JOIN product p ON p.code = h.product_code JOIN customer_plain c ON c.id = h.customer_id
         WHERE p.category IN ('wealth', 'fund') AND p.risk_level > c.risk_tolerance AND c.id > 6`,
      )
      .get();
    expect(bad).toEqual({ n: 0 });
  });
});

describe('seedDemoBranch: where holdings are held (primary / secondary branch)', () => {
  it('keeps the fixed identities at home and puts a deterministic minority of holdings at another branch', () => {
    expect(db.prepare("SELECT count(*) AS n FROM holding_plain WHERE customer_id <= 6 AND branch_id <> 'demo-001'").get()).toEqual({ n: 0 });
    const rows = db
      .prepare(
        `SELECT c.home_branch_id = ? AS home, count(*) AS n,
           sum(h.branch_id <> c.home_branch_id) AS elsewhere, sum(h.branch_id = ?) AS here, sum(h.branch_id = c.home_branch_id) AS at_home
         FROM holding_plain h JOIN customer_plain c ON c.id = h.customer_id GROUP BY home ORDER BY home`,
      )
      .all(DEMO_BRANCH_ID, DEMO_BRANCH_ID) as { home: number; n: number; elsewhere: number; here: number; at_home: number }[];
    const [secondary, primary] = rows;
    // Our own customers: most products here (home), some opened at another branch.
    expect(primary!.elsewhere).toBeGreaterThan(0);
    expect(primary!.elsewhere / primary!.n).toBeLessThan(0.1);
    expect(primary!.here).toBe(primary!.at_home);
    expect(primary!.at_home + primary!.elsewhere).toBe(primary!.n);
    // Visitors whose home is elsewhere: a minority of their products are held here, the rest at home.
    expect(secondary!.here).toBeGreaterThan(0);
    expect(secondary!.here).toBe(secondary!.elsewhere);
    expect(secondary!.here / secondary!.n).toBeLessThan(0.5);
    expect(secondary!.at_home).toBe(secondary!.n - secondary!.here);
  });

  it('bench option: extra holdings as tranches that leave customers, AUM and tiers unchanged', async () => {
    const plain = await seeded({ today: TODAY, customers: 400 });
    const more = await seeded({ today: TODAY, customers: 400, extraHoldingsPerCustomer: 1.2 });
    const a = countDemoData(plain);
    const b = countDemoData(more);
    const customers = (d: Db) => d.prepare('SELECT * FROM customer_plain ORDER BY id').all();
    expect(customers(more)).toEqual(customers(plain));
    expect(b.tiers).toEqual(a.tiers);
    const extra = b.counts.holding - a.counts.holding;
    expect(extra).toBeGreaterThan(400 * 1.2 * 0.85);
    expect(extra).toBeLessThan(400 * 1.2 * 1.15);
    const sums = (d: Db) => d.prepare('SELECT customer_id, product_code, round(sum(amount), 2) AS total FROM holding_plain GROUP BY customer_id, product_code ORDER BY 1, 2').all();
    const [x, y] = [sums(plain) as { total: number }[], sums(more) as { total: number }[]];
    expect(y.length).toBe(x.length);
    for (let i = 0; i < x.length; i++) expect(y[i]!.total).toBeCloseTo(x[i]!.total, 1);
    await expect(seedDemoBranch(openDatabase(':memory:'), tmp, { today: TODAY, extraHoldingsPerCustomer: -1 })).rejects.toThrow(RangeError);
  });
});

describe('hub room purity', () => {
  it('never imports electron', () => {
    const dir = join(__dirname, '../../../src-main/hub/demo');
    for (const f of readdirSync(dir)) {
      expect(readFileSync(join(dir, f), 'utf8')).not.toMatch(/from ['"]electron['"]|require\(['"]electron['"]\)/);
    }
  });
});
