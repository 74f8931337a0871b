/**
 * The customer directory as the lobby sees it: identification at the kiosk, the offer decision
 * taken when an identified customer takes a ticket, and the masked customer card for managers.
 */
import type { Branch } from '../branch';
import type { Db } from '../db/open';
import type { CardOffer, CustomerCard, GreenChannelDecision, HoldingGroup, OfferOutcome } from '../../domain/contracts';
import { ageOn, lifeStageOf, PRODUCT_CATEGORIES, type Product, type ProductCategory, type LifeStage } from '../../domain/products';
import { maskCardNumber, maskIdNumber, maskName, maskPhone } from '../../domain/masking';
import { remindersFor } from '../../domain/reminders';
import { rankOffers, type DroppedOffer, type RankedOffer } from '../../domain/offers';
import { isVip, shiftYears, type Tier } from '../../domain/tiering';
import { notFound } from '../http/errors';

export interface CustomerRow {
  id: number;
  cif: string;
  name: string;
  gender: 'M' | 'F';
  birth_date: string;
  phone: string;
  id_number: string;
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
  aum: number;
}

interface HoldingRow {
  product_code: string;
  category: ProductCategory;
  name_zh: string;
  name_en: string;
  amount: number;
  opened_on: string;
  maturity_on: string | null;
  as_of: string;
}

interface ProductRow {
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
}

export class CustomerDirectory {
  private products: Product[] | null = null;
  private readonly byPhone;
  private readonly byIdNumber;
  private readonly byCard;
  private readonly customer;
  private readonly holdingsOf;
  private readonly cardsOf;
  private readonly insertDecision;
  private readonly decisionOf;
  private readonly outcomesOf;
  private readonly insertOutcome;

  constructor(
    private readonly db: Db,
    private readonly branch: Branch,
  ) {
    this.byPhone = db.prepare('SELECT * FROM customer WHERE phone = ?');
    this.byIdNumber = db.prepare('SELECT * FROM customer WHERE id_number = ?');
    this.byCard = db.prepare('SELECT c.* FROM card k JOIN customer c ON c.id = k.customer_id WHERE k.card_number = ?');
    this.customer = db.prepare('SELECT * FROM customer WHERE id = ?');
    this.holdingsOf = db.prepare(
      `SELECT h.product_code, p.category, p.name_zh, p.name_en, h.amount, h.opened_on, h.maturity_on, h.as_of
       FROM holding h JOIN product p ON p.code = h.product_code WHERE h.customer_id = ? ORDER BY h.amount DESC`,
    );
    this.cardsOf = db.prepare('SELECT card_number FROM card WHERE customer_id = ? ORDER BY card_number');
    this.insertDecision = db.prepare(
      `INSERT INTO offer_decision (ticket_id, customer_id, service_only, offers_json, dropped_json, decided_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.decisionOf = db.prepare('SELECT id, service_only, offers_json FROM offer_decision WHERE ticket_id = ?');
    this.outcomesOf = db.prepare(
      `SELECT product_code, outcome FROM offer_outcome WHERE decision_id = ? ORDER BY recorded_at, id`,
    );
    this.insertOutcome = db.prepare(
      'INSERT INTO offer_outcome (decision_id, product_code, outcome, note, staff_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  find(kind: 'phone' | 'card' | 'idNumber', value: string): CustomerRow | null {
    const stmt = kind === 'phone' ? this.byPhone : kind === 'card' ? this.byCard : this.byIdNumber;
    return (stmt.get(value) as CustomerRow | undefined) ?? null;
  }

  get(customerId: number): CustomerRow {
    const row = this.customer.get(customerId) as CustomerRow | undefined;
    if (!row) throw notFound('customer');
    return row;
  }

  vip(c: CustomerRow): boolean {
    return isVip(c.tier, c.key_customer === 1);
  }

  catalogue(): Product[] {
    if (!this.products) {
      const rows = this.db.prepare('SELECT * FROM product ORDER BY code').all() as ProductRow[];
      this.products = rows.map((r) => ({
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
    }
    return this.products;
  }

  private lifeStage(c: CustomerRow, today: string): LifeStage {
    return lifeStageOf(
      { birthDate: c.birth_date, maritalStatus: c.marital_status, occupation: c.occupation as never },
      today,
    );
  }

  private reminders(c: CustomerRow, holdings: readonly HoldingRow[], today: string) {
    const windows = this.branch.rules.reminders;
    return remindersFor({
      today,
      birthDate: c.birth_date,
      holdings: holdings.map((h) => ({ productCode: h.product_code, amount: h.amount, maturityOn: h.maturity_on })),
      birthdayWithinDays: windows.birthdayWithinDays,
      maturityWithinDays: windows.maturityWithinDays,
    });
  }

  /**
   * Ranks offers for a customer who just took a ticket and stores the decision (candidates
   * dropped with their stage, scores). Call inside the ticket's transaction.
   */
  decide(ticketId: string, c: CustomerRow, serviceCode: string, today: string, at: number): number {
    const holdings = this.holdingsOf.all(c.id) as HoldingRow[];
    const rules = this.branch.rules;
    const reminders = this.reminders(c, holdings, today);
    const overdueCutoff = shiftYears(today, -rules.tiering.keyCustomer.noOverdueYears);
    const decision = rankOffers(
      this.catalogue(),
      {
        age: ageOn(c.birth_date, today),
        lifeStage: this.lifeStage(c, today),
        riskTolerance: c.risk_tolerance,
        marketingConsent: c.marketing_consent === 1,
        hasOverdue: c.last_overdue_on !== null && c.last_overdue_on >= overdueCutoff,
        tier: c.tier,
        heldProductCodes: new Set(holdings.map((h) => h.product_code)),
        heldCategories: new Set(holdings.map((h) => h.category)),
        maturingProductCodes: reminders.filter((r) => r.kind === 'maturity').map((r) => r.productCode!),
      },
      {
        serviceCode,
        contextWeights: rules.offers.contextWeights,
        lifeStageBoost: rules.offers.lifeStageBoost,
        maxOffers: rules.offers.maxOffers,
      },
    );
    const offers: RankedOffer[] = decision.serviceOnly ? [] : decision.offers;
    const dropped: DroppedOffer[] = decision.dropped;
    return Number(
      this.insertDecision.run(ticketId, c.id, decision.serviceOnly ? 1 : 0, JSON.stringify(offers), JSON.stringify(dropped), at)
        .lastInsertRowid,
    );
  }

  /** The masked card for a ticket's customer, with the stored decision and its outcomes so far. */
  card(t: TicketForCard, today: string, greenChannel: GreenChannelDecision | null): CustomerCard {
    const c = this.get(t.customer_id);
    const holdings = this.holdingsOf.all(c.id) as HoldingRow[];
    const groups: HoldingGroup[] = [];
    for (const category of PRODUCT_CATEGORIES) {
      const items = holdings.filter((h) => h.category === category);
      if (items.length === 0) continue;
      groups.push({
        category,
        total: items.reduce((s, h) => s + h.amount, 0),
        items: items.map((h) => ({
          productCode: h.product_code,
          productName: { 'zh-CN': h.name_zh, en: h.name_en },
          amount: h.amount,
          openedOn: h.opened_on,
          maturityOn: h.maturity_on,
          asOf: h.as_of,
        })),
      });
    }
    const decision = this.decisionOf.get(t.id) as { id: number; service_only: number; offers_json: string } | undefined;
    if (!decision) throw notFound('offer decision');
    const outcomes = new Map<string, OfferOutcome>();
    for (const o of this.outcomesOf.all(decision.id) as { product_code: string; outcome: OfferOutcome }[]) {
      outcomes.set(o.product_code, o.outcome);
    }
    const byCode = new Map(this.catalogue().map((p) => [p.code, p]));
    const offers: CardOffer[] = (JSON.parse(decision.offers_json) as RankedOffer[]).map((o) => ({
      productCode: o.productCode,
      productName: byCode.get(o.productCode)?.name ?? { 'zh-CN': o.productCode, en: o.productCode },
      category: o.category,
      rank: o.rank,
      score: o.score,
      factors: o.factors,
      reasons: o.reasons,
      outcome: outcomes.get(o.productCode) ?? null,
    }));
    const cards = (this.cardsOf.all(c.id) as { card_number: string }[]).map((k) => maskCardNumber(k.card_number));
    const asOf = holdings.reduce((m, h) => (h.as_of > m ? h.as_of : m), '');
    return {
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
        maskedPhone: maskPhone(c.phone),
        maskedIdNumber: maskIdNumber(c.id_number),
        maskedCardNumbers: cards,
        tier: c.tier,
        stars: c.stars,
        keyCustomer: c.key_customer === 1,
        vip: this.vip(c),
        lifeStage: this.lifeStage(c, today),
        marketingConsent: c.marketing_consent === 1,
        homeBranch: c.home_branch_id,
        relationshipManager: c.relationship_manager,
        productCount: holdings.length,
        aum: c.aum,
      },
      holdings: groups,
      holdingsAsOf: asOf || today,
      reminders: this.reminders(c, holdings, today),
      offers,
      serviceOnly: decision.service_only === 1,
      greenChannel,
    };
  }

  /** Stores a manager's outcome for one offered product of a ticket's decision. */
  recordOutcome(ticketId: string, productCode: string, outcome: OfferOutcome, note: string | undefined, staffId: string, at: number) {
    const decision = this.decisionOf.get(ticketId) as { id: number; offers_json: string } | undefined;
    if (!decision) throw notFound('customer card for this ticket');
    const offered = (JSON.parse(decision.offers_json) as RankedOffer[]).some((o) => o.productCode === productCode);
    if (!offered) throw notFound(`offer ${productCode} on this card`);
    this.insertOutcome.run(decision.id, productCode, outcome, note ?? null, staffId, at);
    return { decisionId: decision.id };
  }
}
