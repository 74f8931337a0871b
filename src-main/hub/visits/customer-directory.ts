/**
 * The customer directory as the lobby sees it: identification at the kiosk, the offer decision
 * taken when an identified customer takes a ticket, and the masked customer card for managers.
 */
import type { Branch } from '../branch';
import type { Db } from '../db/open';
import type { CardAction, CardOffer, ControlGroup, CustomerCard, GreenChannelDecision, HoldingGroup, OfferOutcome, OfferResponse, TicketIdentification } from '../../domain/contracts';
import { allows } from '../../domain/identification';
import { ageOn, catalogueToday, lifeStageOf, PRODUCT_CATEGORIES, type Campaign, type Product, type ProductCategory, type ProductLever, type LifeStage } from '../../domain/products';
import { maskName } from '../../domain/masking';
import type { IdentifierKey } from '../../customer-data/identifier-key';
import { addDaysIso, LOAN_CLASSES, remindersFor, type AccountMovement, type CreditState, type LoanClass, type Reminder } from '../../domain/reminders';
import { riskAssessmentExpired, type OfferCustomer } from '../../domain/offers';
import { decideNextBestAction, type NbaDecision, type NbaOffer, type StageTimings } from '../../domain/next-best-action';
import { mayPitch, pitchesInWindow, PITCH_RESPONSES, type ContactEvent, type Response } from '../../domain/contact-policy';
import { controlGroupOf, periodOf } from '../../domain/control-groups';
import { segmentOf, smoothedPropensity, statsKey, type OutcomeStats } from '../../domain/propensity';
import { isVip, shiftYears, totalsOf, type Tier } from '../../domain/tiering';
import { conflict, notFound } from '../errors';

export interface CustomerRow {
  id: number;
  cif: string;
  name: string;
  gender: 'M' | 'F';
  birth_date: string;
  /** Masked forms only: the identifiers themselves are sealed (customers/branch-key.ts). */
  phone_masked: string;
  id_masked: string;
  marital_status: 'single' | 'married' | 'divorced' | 'widowed';
  occupation: string;
  risk_tolerance: number;
  marketing_consent: number;
  home_branch_id: string;
  relationship_manager: string | null;
  last_overdue_on: string | null;
  tier: Tier;
  stars: number;
  key_customer: number;
  /** Assets under management, integer fen. */
  aum_fen: number;
  resident: number;
  control_exempt: number;
  /** Date of the last risk assessment (风险测评), null if never assessed. */
  risk_assessed_on: string | null;
}

interface DecisionRow {
  id: number;
  customer_id: number;
  service_only: number;
  offers_json: string;
  actions_json: string;
  control_group: ControlGroup;
  segment: string;
  pitch_allowance: number;
  closed_at: number | null;
}

/**
 * What this branch may see of a customer's holdings: all of them at the customer's primary (home)
 * branch, only those held at this branch at a secondary one (主办 / 协办).
 */
export type HoldingsScope = 'all' | 'this_branch';

/** Everything the pipeline needs about one customer, read once per decision or card. */
interface CustomerFacts {
  scope: HoldingsScope;
  /** The holdings this branch may see (see HoldingsScope). */
  holdings: HoldingRow[];
  reminders: Reminder[];
  offerCustomer: OfferCustomer;
  segment: string;
}

const DAY_MS = 86_400_000;
/** Decisions whose facts are kept for their cards (see CustomerDirectory.decidedOn). */
const DECIDED_ON_KEPT = 64;
/** Pitches elsewhere not heard of for longer than this are shown as possibly out of date (the WAN may be down). */
const BANK_WIDE_STALE_MS = 60_000;

interface HoldingRow {
  product_code: string;
  category: ProductCategory;
  name_zh: string;
  name_en: string;
  amount_fen: number;
  opened_on: string;
  maturity_on: string | null;
  as_of: string;
}

/** A row of the catalogue table (snapshot `product`). */
export interface ProductRow {
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
  value: number;
  lever: number;
  active: number;
}

export interface TicketForCard {
  id: string;
  number: string;
  service_code: string;
  requested_service_code: string;
  issued_at: number;
  customer_id: number;
  /** How far the identity is believed; decides whether the card is locked. */
  identification: TicketIdentification;
}

export class CustomerDirectory {
  private products: Product[] | null = null;
  /** The business day `products` was made for (campaigns run by date). */
  private catalogueDay: string | null = null;
  private readonly byPhone;
  private readonly byIdNumber;
  private readonly byCard;
  private readonly customer;
  private readonly sealedOf;
  private readonly holdingsOf;
  private readonly holdingsHeldAt;
  private readonly cardsOf;
  private readonly insertDecision;
  private readonly decisionOf;
  private readonly outcomesOf;
  private readonly insertOutcome;
  private readonly movementsOf;
  private readonly creditOf;
  private readonly openApplicationsOf;
  private readonly historyOf;
  private readonly remoteHistoryOf;
  private readonly remoteCursorOf;
  private readonly lastAnswerOf;
  private readonly closeDecisionStmt;
  private stats: Map<string, OutcomeStats> | null = null;
  /** Per-stage cost of the pipeline (ms), accumulated when `timings` is set (bench). */
  timings: StageTimings | null = null;

  constructor(
    private readonly db: Db,
    private readonly branch: Branch,
    private readonly key: IdentifierKey,
  ) {
    // At most two rows: one is a customer, two means the identifier is shared (a family's phone).
    this.byPhone = db.prepare('SELECT * FROM customer WHERE phone_lookup = ? LIMIT 2');
    this.byIdNumber = db.prepare('SELECT * FROM customer WHERE id_lookup = ? LIMIT 2');
    this.byCard = db.prepare('SELECT c.* FROM card k JOIN customer c ON c.id = k.customer_id WHERE k.card_lookup = ? LIMIT 2');
    this.sealedOf = db.prepare('SELECT phone_sealed, id_sealed FROM customer WHERE id = ?');
    this.customer = db.prepare('SELECT * FROM customer WHERE id = ?');
    this.holdingsOf = db.prepare(
      `SELECT h.product_code, p.category, p.name_zh, p.name_en, h.amount_fen, h.opened_on, h.maturity_on, h.as_of
       FROM holding h JOIN product p ON p.code = h.product_code WHERE h.customer_id = ? ORDER BY h.amount_fen DESC`,
    );
    // A secondary branch sees only the holdings held at it.
    this.holdingsHeldAt = db.prepare(
      `SELECT h.product_code, p.category, p.name_zh, p.name_en, h.amount_fen, h.opened_on, h.maturity_on, h.as_of
       FROM holding h JOIN product p ON p.code = h.product_code WHERE h.customer_id = ? AND h.branch_id = ? ORDER BY h.amount_fen DESC`,
    );
    this.cardsOf = db.prepare("SELECT card_masked, card_sealed FROM card WHERE customer_id = ? ORDER BY kind = 'debit' DESC, card_masked");
    this.insertDecision = db.prepare(
      `INSERT INTO offer_decision (ticket_id, customer_id, service_only, offers_json, dropped_json, decided_at,
         control_group, segment, period, pitch_allowance, actions_json, trace_json, cif, tier)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.decisionOf = db.prepare(
      `SELECT id, customer_id, service_only, offers_json, actions_json, control_group, segment, pitch_allowance, closed_at
       FROM offer_decision WHERE ticket_id = ?`,
    );
    this.outcomesOf = db.prepare(
      `SELECT product_code, outcome, recorded_at, counts_toward_cap FROM offer_outcome WHERE decision_id = ? ORDER BY recorded_at, id`,
    );
    this.insertOutcome = db.prepare(
      `INSERT INTO offer_outcome (decision_id, customer_id, product_code, outcome, segment, counts_toward_cap, note, staff_id, device, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.movementsOf = db.prepare('SELECT on_date, direction, amount_fen, other_bank FROM account_movement WHERE customer_id = ? AND on_date >= ?');
    this.creditOf = db.prepare(
      `SELECT cs.product_code, cs.next_due_on, cs.due_fen, cs.overdue_days, cs.classification, cs.previous_classification,
         cs.classified_on, h.branch_id AS held_at
       FROM credit_status cs LEFT JOIN holding h ON h.id = cs.holding_id WHERE cs.customer_id = ?`,
    );
    this.openApplicationsOf = db.prepare("SELECT product_code FROM product_application WHERE customer_id = ? AND status = 'open'");
    this.historyOf = db.prepare(
      `SELECT product_code, outcome, recorded_at, counts_toward_cap, decision_id FROM offer_outcome
       WHERE customer_id = ? AND recorded_at > ? AND outcome <> 'shown'`,
    );
    this.remoteHistoryOf = db.prepare('SELECT product_code, outcome, at, counts_toward_cap, visit FROM remote_contact WHERE cif = ? AND at > ?');
    this.remoteCursorOf = db.prepare("SELECT acknowledged_at FROM head_office_link WHERE stream = 'remote_contacts'");
    this.lastAnswerOf = db.prepare(
      `SELECT outcome FROM offer_outcome WHERE decision_id = ? AND product_code = ? AND outcome <> 'shown'
       ORDER BY recorded_at DESC, id DESC LIMIT 1`,
    );
    this.closeDecisionStmt = db.prepare('UPDATE offer_decision SET closed_at = ? WHERE id = ? AND closed_at IS NULL');
  }

  /**
   * The customer an identifier belongs to, by its lookup hash. `shared` when it belongs to more
   * than one (a family's phone): then nobody is picked.
   */
  match(kind: 'phone' | 'card' | 'idNumber', value: string): { customer: CustomerRow | null; shared: boolean } {
    const stmt = kind === 'phone' ? this.byPhone : kind === 'card' ? this.byCard : this.byIdNumber;
    const rows = stmt.all(this.key.lookup(kind, value)) as CustomerRow[];
    return rows.length === 1 ? { customer: rows[0]!, shared: false } : { customer: null, shared: rows.length > 1 };
  }

  /** The one customer an identifier belongs to, or null (none, or shared by several). */
  find(kind: 'phone' | 'card' | 'idNumber', value: string): CustomerRow | null {
    return this.match(kind, value).customer;
  }

  /** Forget what was read from the previous snapshot (the hub switched to another). */
  snapshotSwitched(): void {
    this.products = null;
  }

  /** The customer, or null when the snapshot no longer has them (removed by a feed). */
  getOrNull(customerId: number): CustomerRow | null {
    return (this.customer.get(customerId) as CustomerRow | undefined) ?? null;
  }

  get(customerId: number): CustomerRow {
    const row = this.customer.get(customerId) as CustomerRow | undefined;
    if (!row) throw notFound('customer_not_found', 'customer not found');
    return row;
  }

  vip(c: CustomerRow): boolean {
    return isVip(c.tier, c.key_customer === 1);
  }

  /**
   * The catalogue as ranked today: the snapshot's products with head office's levers and today's
   * campaigns laid over them (domain catalogueToday). Read once per day, snapshot and bundle.
   */
  catalogue(today?: string): Product[] {
    const day = today ?? this.catalogueDay ?? '';
    if (!this.products || this.catalogueDay !== day) {
      const rows = this.db.prepare('SELECT * FROM product ORDER BY code').all() as ProductRow[];
      const feed = rows.map<Product>((r) => ({
        code: r.code,
        category: r.category,
        name: { 'zh-CN': r.name_zh, en: r.name_en },
        riskLevel: r.risk_level as Product['riskLevel'],
        isCredit: r.is_credit === 1,
        lifeStages: JSON.parse(r.life_stages) as LifeStage[],
        minAge: r.min_age,
        maxAge: r.max_age,
        basePropensity: r.base_propensity,
        value: r.value,
        lever: r.lever,
        active: r.active === 1,
      }));
      const levers = (this.db.prepare('SELECT code, lever, active FROM head_office_product_lever').all() as { code: string; lever: number | null; active: number | null }[]).map<ProductLever>(
        (l) => ({ code: l.code, ...(l.lever !== null ? { lever: l.lever } : {}), ...(l.active !== null ? { active: l.active === 1 } : {}) }),
      );
      const campaigns = (this.db.prepare('SELECT content_json FROM head_office_campaign').pluck().all() as string[]).map((j) => JSON.parse(j) as Campaign);
      this.products = catalogueToday(feed, levers, campaigns, day);
      this.catalogueDay = day;
    }
    return this.products;
  }

  /** Head office's levers or campaigns changed (a bundle): the catalogue is read again. */
  catalogueChanged(): void {
    this.products = null;
  }

  private lifeStage(c: CustomerRow, today: string): LifeStage {
    return lifeStageOf(
      { birthDate: c.birth_date, maritalStatus: c.marital_status, occupation: c.occupation as never },
      today,
    );
  }

  /** All of a customer's holdings at the primary branch, only those held here at a secondary one. */
  scopeOf(c: CustomerRow): HoldingsScope {
    return c.home_branch_id === this.branch.id ? 'all' : 'this_branch';
  }

  /**
   * Reads the customer's holdings, activity and credit state this branch may see and computes
   * reminders and pipeline facts. At a secondary branch, holdings, their credit state and the
   * reminders and offers that follow from them are limited to what is held here; account movements
   * (not tied to an account or branch) are left out. Risk controls stay bank-wide: an overdue
   * anywhere still blocks credit offers, an open application anywhere still blocks that offer.
   */
  private facts(c: CustomerRow, today: string): CustomerFacts {
    const scope = this.scopeOf(c);
    const holdings = (scope === 'all' ? this.holdingsOf.all(c.id) : this.holdingsHeldAt.all(c.id, this.branch.id)) as HoldingRow[];
    const rules = this.branch.rules;
    const w = rules.reminders;
    const since = addDaysIso(today, -Math.max(w.flowAverageDays, w.otherBankTransfersDays));
    const movements =
      scope === 'all'
        ? (this.movementsOf.all(c.id, since) as { on_date: string; direction: 'in' | 'out'; amount_fen: number; other_bank: number }[]).map<AccountMovement>(
            (m) => ({ on: m.on_date, direction: m.direction, amountFen: m.amount_fen, otherBank: m.other_bank === 1 }),
          )
        : [];
    const allCredit = (
      this.creditOf.all(c.id) as {
        product_code: string;
        next_due_on: string | null;
        due_fen: number;
        overdue_days: number;
        classification: LoanClass;
        previous_classification: LoanClass | null;
        classified_on: string | null;
        held_at: string | null;
      }[]
    ).map((r) => ({
      heldHere: scope === 'all' || r.held_at === this.branch.id,
      productCode: r.product_code,
      nextDueOn: r.next_due_on,
      dueFen: r.due_fen,
      overdueDays: r.overdue_days,
      classification: r.classification,
      previousClassification: r.previous_classification,
      classifiedOn: r.classified_on,
    }));
    const credit: CreditState[] = allCredit.filter((x) => x.heldHere).map(({ heldHere: _, ...x }) => x);
    const balanceFen = holdings.filter((h) => h.category === 'demand_deposit').reduce((sum, h) => sum + h.amount_fen, 0);
    const reminders = remindersFor({
      today,
      birthDate: c.birth_date,
      holdings: holdings.map((h) => ({
        productCode: h.product_code,
        amountFen: h.amount_fen,
        maturityOn: h.maturity_on,
        maturityKind: h.category === 'demand_deposit' || h.category === 'time_deposit' ? 'deposit' : 'wealth',
      })),
      credit,
      balanceFen,
      movements,
      ...w,
    });
    const overdueCutoff = shiftYears(today, -rules.tiering.keyCustomer.noOverdueYears);
    const lifeStage = this.lifeStage(c, today);
    const offerCustomer: OfferCustomer = {
      age: ageOn(c.birth_date, today),
      lifeStage,
      riskTolerance: c.risk_tolerance,
      marketingConsent: c.marketing_consent === 1,
      hasOverdue: (c.last_overdue_on !== null && c.last_overdue_on >= overdueCutoff) || allCredit.some((x) => x.overdueDays > 0),
      tier: c.tier,
      heldProductCodes: new Set(holdings.map((h) => h.product_code)),
      heldCategories: new Set(holdings.map((h) => h.category)),
      maturingProductCodes: reminders.filter((r) => r.kind === 'maturity').map((r) => r.productCode!),
      resident: c.resident !== 0,
      openApplicationCodes: new Set((this.openApplicationsOf.all(c.id) as { product_code: string }[]).map((r) => r.product_code)),
      // Bank-wide, like the overdue block: a loan anywhere overdue or classified below normal (正常).
      creditWarning: allCredit.some((x) => x.overdueDays > 0 || x.classification !== LOAN_CLASSES[0]),
      creditWarningMaxRisk: rules.offers.creditWarningMaxRisk,
      riskAssessmentExpired: riskAssessmentExpired(c.risk_assessed_on, today, rules.offers.riskAssessmentValidDays),
    };
    return { scope, holdings, reminders, offerCustomer, segment: segmentOf(lifeStage) };
  }

  /**
   * Learned outcome counts per (product, segment): the final answer of each offer actually pitched
   * (accepted, declined or later), loaded once, then kept up to date. An offer that was never
   * pitched (no response when the visit ended: beyond the visit's pitch allowance, or simply not
   * raised) is neither success nor failure.
   */
  private outcomeStats(): Map<string, OutcomeStats> {
    if (!this.stats) {
      const rows = this.db
        .prepare(
          `SELECT product_code, segment, outcome, COUNT(*) AS n FROM (
             SELECT product_code, segment, outcome,
                    ROW_NUMBER() OVER (PARTITION BY decision_id, product_code ORDER BY recorded_at DESC, id DESC) AS rn
             FROM offer_outcome WHERE outcome <> 'shown')
           WHERE rn = 1 AND outcome IN ('accepted', 'declined', 'later') GROUP BY product_code, segment, outcome`,
        )
        .all() as { product_code: string; segment: string; outcome: Response; n: number }[];
      const m = new Map<string, OutcomeStats>();
      for (const r of rows) {
        const k = statsKey(r.product_code, r.segment);
        const st = m.get(k) ?? { n: 0, accepted: 0 };
        st.n += r.n;
        if (r.outcome === 'accepted') st.accepted += r.n;
        m.set(k, st);
      }
      this.stats = m;
    }
    return this.stats;
  }

  /** Moves one offer's final answer in the learned counts (previous -> next); only pitches count. */
  private learn(productCode: string, segment: string, previous: Response | null, next: Response): void {
    const m = this.outcomeStats();
    const k = statsKey(productCode, segment);
    const st = m.get(k) ?? { n: 0, accepted: 0 };
    const pitched = (r: Response | null) => r === 'accepted' || r === 'declined' || r === 'later';
    if (pitched(previous)) {
      st.n--;
      if (previous === 'accepted') st.accepted--;
    }
    if (pitched(next)) {
      st.n++;
      if (next === 'accepted') st.accepted++;
    }
    m.set(k, st);
  }

  /**
   * The customer's contact history within the longest look-back any contact rule needs: the pitches
   * here and, with a head office, those at every other branch (by CIF, as last received).
   */
  private history(c: Pick<CustomerRow, 'id' | 'cif'>, now: number): ContactEvent[] {
    const m = this.branch.rules.marketing;
    const days = Math.max(m.caps.windowDays, m.suppression.declinedDays, m.suppression.unansweredDays * m.suppression.unansweredCount, 1);
    const since = now - days * DAY_MS;
    const here = (
      this.historyOf.all(c.id, since) as {
        product_code: string;
        outcome: Response;
        recorded_at: number;
        counts_toward_cap: number;
        decision_id: number;
      }[]
    ).map<ContactEvent>((r) => ({ productCode: r.product_code, response: r.outcome, at: r.recorded_at, countsTowardCap: r.counts_toward_cap === 1, decisionId: r.decision_id }));
    const elsewhere = this.remoteHistoryOf.all(c.cif, since) as { product_code: string; outcome: Response; at: number; counts_toward_cap: number; visit: string }[];
    if (elsewhere.length === 0) return here;
    // Visits elsewhere get ids of their own (negative: never one of this branch's decisions).
    const visits = new Map<string, number>();
    for (const r of elsewhere) {
      if (!visits.has(r.visit)) visits.set(r.visit, -(visits.size + 1));
      here.push({ productCode: r.product_code, response: r.outcome, at: r.at, countsTowardCap: r.counts_toward_cap === 1, decisionId: visits.get(r.visit)! });
    }
    return here;
  }

  /** With a head office: when this branch last heard of pitches elsewhere, and whether that is old (the WAN may be down). */
  private bankWide(now: number): { asOf: string; stale: boolean } | null {
    const row = this.remoteCursorOf.get() as { acknowledged_at: number } | undefined;
    if (!row) return null;
    return { asOf: new Date(row.acknowledged_at).toISOString(), stale: now - row.acknowledged_at > BANK_WIDE_STALE_MS };
  }

  controlGroupFor(c: CustomerRow, today: string): ControlGroup {
    if (c.control_exempt === 1) return 'treatment';
    return controlGroupOf(`C${c.id}`, today, this.branch.rules.marketing.controlGroups);
  }

  /** Runs the whole pipeline for a customer (pure stages over the facts read here); stores nothing. */
  pipeline(c: CustomerRow, serviceCode: string, today: string, now: number, randomKey: string): { decision: NbaDecision; segment: string; facts: CustomerFacts } {
    const rules = this.branch.rules;
    const f = this.facts(c, today);
    const stats = this.outcomeStats();
    const strength = rules.marketing.propensityPriorStrength;
    const decision = decideNextBestAction(
      {
        products: this.catalogue(today),
        customer: f.offerCustomer,
        ctx: {
          serviceCode,
          contextWeights: rules.offers.contextWeights,
          lifeStageBoost: rules.offers.lifeStageBoost,
          maxOffers: rules.offers.maxOffers,
          reinvestBoost: rules.offers.reinvestBoost,
          tierPrivilege: rules.offers.tierPrivilege,
          propensity: (code, prior) => smoothedPropensity(prior, stats.get(statsKey(code, f.segment)), strength),
        },
        reminders: f.reminders,
        history: this.history(c, now),
        now,
        policy: rules.marketing,
        controlGroup: this.controlGroupFor(c, today),
        randomKey,
      },
      this.timings ? () => performance.now() : undefined,
      this.timings ?? undefined,
    );
    return { decision, segment: f.segment, facts: f };
  }

  /**
   * What a decision just stored was made on, by ticket id, for that ticket's card pushed right
   * after the commit (the card then shows exactly what the offers were decided on, and the
   * customer's holdings are not read twice). Taken once; a ticket whose transaction rolled back
   * leaves its entry to the next clear.
   */
  private readonly decidedOn = new Map<string, { customer: CustomerRow; today: string; facts: CustomerFacts }>();

  /**
   * Decides the next best actions for a customer who just took a ticket and stores the decision
   * record (every candidate with the stage it dropped at and its score) and a `shown` response per
   * offer. Call inside the ticket's transaction.
   */
  decide(ticketId: string, c: CustomerRow, serviceCode: string, today: string, at: number): number {
    const { decision, segment, facts } = this.pipeline(c, serviceCode, today, at, ticketId);
    if (this.decidedOn.size >= DECIDED_ON_KEPT) this.decidedOn.clear();
    this.decidedOn.set(ticketId, { customer: c, today, facts });
    const period = periodOf(today, this.branch.rules.marketing.controlGroups.period);
    const id = Number(
      this.insertDecision.run(
        ticketId,
        c.id,
        decision.serviceOnly ? 1 : 0,
        JSON.stringify(decision.offers),
        JSON.stringify(decision.dropped),
        at,
        decision.controlGroup,
        segment,
        period,
        decision.pitchAllowance,
        JSON.stringify(decision.actions),
        JSON.stringify(decision.trace),
        c.cif,
        c.tier,
      ).lastInsertRowid,
    );
    for (const o of decision.offers) this.insertOutcome.run(id, c.id, o.productCode, 'shown', segment, o.countsTowardCap ? 1 : 0, null, 'system', null, at);
    return id;
  }

  /** The masked card for a ticket's customer, with the stored decision and its responses so far. */
  card(t: TicketForCard, today: string, greenChannel: GreenChannelDecision | null, now = Date.now()): CustomerCard {
    const decided = this.decidedOn.get(t.id);
    if (decided) this.decidedOn.delete(t.id);
    const fromDecision = decided !== undefined && decided.today === today && decided.customer.id === t.customer_id;
    const c = fromDecision ? decided.customer : this.get(t.customer_id);
    const f = fromDecision ? decided.facts : this.facts(c, today);
    const holdings = f.holdings;
    const groups: HoldingGroup[] = [];
    for (const category of PRODUCT_CATEGORIES) {
      const items = holdings.filter((h) => h.category === category);
      if (items.length === 0) continue;
      groups.push({
        category,
        totalFen: items.reduce((s, h) => s + h.amount_fen, 0),
        items: items.map((h) => ({
          productCode: h.product_code,
          productName: { 'zh-CN': h.name_zh, en: h.name_en },
          amountFen: h.amount_fen,
          openedOn: h.opened_on,
          maturityOn: h.maturity_on,
          asOf: h.as_of,
        })),
      });
    }
    const decision = this.decisionOf.get(t.id) as DecisionRow | undefined;
    if (!decision) throw notFound('customer_card_not_found', 'offer decision not found');
    const responses = this.outcomesOf.all(decision.id) as { product_code: string; outcome: Response; counts_toward_cap: number }[];
    const outcomes = new Map<string, OfferResponse>();
    const pitched = new Set<string>();
    for (const o of responses) {
      if (o.outcome === 'shown') continue;
      outcomes.set(o.product_code, o.outcome);
      if (o.counts_toward_cap === 1 && PITCH_RESPONSES.includes(o.outcome)) pitched.add(o.product_code);
    }
    const byCode = new Map(this.catalogue().map((p) => [p.code, p]));
    const offers: CardOffer[] = (JSON.parse(decision.offers_json) as NbaOffer[]).map((o) => ({
      productCode: o.productCode,
      productName: byCode.get(o.productCode)?.name ?? { 'zh-CN': o.productCode, en: o.productCode },
      category: o.category,
      rank: o.rank,
      score: o.score,
      factors: o.factors,
      reasons: o.reasons,
      outcome: outcomes.get(o.productCode) ?? null,
      countsTowardCap: o.countsTowardCap !== false,
    }));
    const cards = (this.cardsOf.all(c.id) as { card_masked: string }[]).map((k) => k.card_masked);
    const asOf = holdings.reduce((m, h) => (h.as_of > m ? h.as_of : m), '');
    const inWindow = pitchesInWindow(this.history(c, now), now, this.branch.rules.marketing.caps.windowDays);
    const bankWide = this.bankWide(now);
    const card: CustomerCard = {
      ticketId: t.id,
      number: t.number,
      serviceCode: t.service_code,
      issuedAt: new Date(t.issued_at).toISOString(),
      decisionId: decision.id,
      customer: {
        ref: `C${c.id}`,
        maskedName: maskName(c.name),
        gender: c.gender,
        age: ageOn(c.birth_date, today),
        maskedPhone: c.phone_masked,
        maskedIdNumber: c.id_masked,
        maskedCardNumbers: cards,
        tier: c.tier,
        stars: c.stars,
        keyCustomer: c.key_customer === 1,
        vip: this.vip(c),
        lifeStage: this.lifeStage(c, today),
        marketingConsent: c.marketing_consent === 1,
        homeBranch: c.home_branch_id,
        branchRole: c.home_branch_id === this.branch.id ? 'primary' : 'secondary',
        relationshipManager: c.relationship_manager,
        productCount: holdings.length,
        // The stored AUM is the customer's whole relationship: a secondary branch shows what it holds.
        aumFen: f.scope === 'all' ? c.aum_fen : totalsOf(holdings.map((h) => ({ category: h.category, amountFen: h.amount_fen }))).aumFen,
        resident: c.resident !== 0,
        riskTolerance: c.risk_tolerance,
        riskAssessedOn: c.risk_assessed_on,
        riskAssessmentExpired: f.offerCustomer.riskAssessmentExpired === true,
        creditWarning: f.offerCustomer.creditWarning === true,
      },
      identification: t.identification,
      locked: false,
      holdings: groups,
      holdingsScope: f.scope,
      holdingsAsOf: asOf || today,
      reminders: f.reminders,
      offers,
      serviceOnly: decision.service_only === 1,
      greenChannel,
      controlGroup: decision.control_group,
      actions: JSON.parse(decision.actions_json) as CardAction[],
      contact: { pitchAllowance: decision.pitch_allowance, pitchesUsed: pitched.size, pitchesInWindow: inWindow, ...(bankWide ? { bankWide } : {}) },
    };
    if (allows(this.branch.rules.identification, 'holdings', t.identification.strength)) return card;
    // Not yet believed (a typed number, by default): nothing about what the customer holds leaves
    // the hub until a member of staff has checked the person.
    return {
      ...card,
      locked: true,
      customer: { ...card.customer, maskedCardNumbers: [], productCount: null, aumFen: null, creditWarning: false },
      holdings: [],
      reminders: [],
      offers: [],
      actions: [],
    };
  }

  /**
   * Stores a manager's outcome for one offered product of a ticket's decision. The contact policy
   * holds: a new product beyond the visit's pitch allowance is refused (409).
   */
  recordOutcome(
    ticketId: string,
    productCode: string,
    outcome: OfferOutcome,
    note: string | undefined,
    staffId: string,
    at: number,
    device: string | null = null,
  ) {
    const decision = this.decisionOf.get(ticketId) as DecisionRow | undefined;
    if (!decision) throw notFound('customer_card_not_found', 'customer card for this ticket not found');
    const offer = (JSON.parse(decision.offers_json) as NbaOffer[]).find((o) => o.productCode === productCode);
    if (!offer) throw notFound('offer_not_found', `offer ${productCode} on this card not found`, { productCode });
    const counts = offer.countsTowardCap !== false;
    const visit = (this.outcomesOf.all(decision.id) as { product_code: string; outcome: Response; recorded_at: number; counts_toward_cap: number }[]).map<ContactEvent>(
      (r) => ({ productCode: r.product_code, response: r.outcome, at: r.recorded_at, countsTowardCap: r.counts_toward_cap === 1, decisionId: decision.id }),
    );
    if (!mayPitch(visit, productCode, counts, decision.pitch_allowance)) {
      throw conflict('contact_cap', `contact cap: at most ${decision.pitch_allowance} product pitch(es) in this visit`, { allowance: decision.pitch_allowance });
    }
    const previous = (this.lastAnswerOf.get(decision.id, productCode) as { outcome: Response } | undefined)?.outcome ?? null;
    this.insertOutcome.run(decision.id, decision.customer_id, productCode, outcome, decision.segment, counts ? 1 : 0, note ?? null, staffId, device, at);
    this.learn(productCode, decision.segment, previous, outcome);
    return { decisionId: decision.id };
  }

  /** Ends a visit's decision: every offer left unanswered gets a no_response. Idempotent. */
  closeDecision(ticketId: string, at: number): number {
    const decision = this.decisionOf.get(ticketId) as DecisionRow | undefined;
    if (!decision || decision.closed_at !== null) return 0;
    const answered = new Set(
      (this.outcomesOf.all(decision.id) as { product_code: string; outcome: Response }[]).filter((r) => r.outcome !== 'shown').map((r) => r.product_code),
    );
    let n = 0;
    for (const o of JSON.parse(decision.offers_json) as NbaOffer[]) {
      if (answered.has(o.productCode)) continue;
      this.insertOutcome.run(decision.id, decision.customer_id, o.productCode, 'no_response', decision.segment, o.countsTowardCap !== false ? 1 : 0, null, 'system', null, at);
      n++;
    }
    this.closeDecisionStmt.run(at, decision.id);
    return n;
  }

  /** Full identifiers for a reveal (the caller checks purpose and audits). */
  identifiers(customerId: number, field: 'phone' | 'idNumber' | 'card'): string[] {
    if (field === 'card') return (this.cardsOf.all(customerId) as { card_sealed: Buffer }[]).map((k) => this.key.open(k.card_sealed));
    const sealed = this.sealedOf.get(customerId) as { phone_sealed: Buffer; id_sealed: Buffer } | undefined;
    if (!sealed) throw notFound('customer_not_found', 'customer not found');
    return [this.key.open(field === 'phone' ? sealed.phone_sealed : sealed.id_sealed)];
  }
}
