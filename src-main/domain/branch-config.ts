/**
 * Branch configuration: the rules a bank sets per branch (tiers, stars, key-customer N values,
 * green channel, reminder windows, offer weights). Validated with zod wherever it is read.
 */
import { z } from 'zod';
import { DEFAULT_QUEUE_POLICY, NearNoticeSchema, QueuePolicySchema } from './queue-policy';
import { AppointmentRulesSchema, DEFAULT_APPOINTMENT_RULES } from './appointments';
import { DEFAULT_IDENTIFICATION_RULES, IdentificationRulesSchema } from './identification';

export const LanguageSchema = z.enum(['zh-CN', 'en']);
export type Language = z.infer<typeof LanguageSchema>;
export const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];

export const LocalizedTextSchema = z.object({ 'zh-CN': z.string().min(1), en: z.string().min(1) });
export type LocalizedText = z.infer<typeof LocalizedTextSchema>;

const TierEnum = z.enum(['top', 'gold', 'general', 'drop']);

export const MarketingRulesSchema = z.object({
  caps: z
    .object({
      /** Product pitches (accepted / declined / later recorded) per visit. */
      perVisit: z.number().int().min(0).max(10).default(2),
      /** Product pitches per customer within `windowDays`. */
      perWindow: z.number().int().min(0).max(1000).default(8),
      windowDays: z.number().int().min(1).max(366).default(30),
    })
    .default({ perVisit: 2, perWindow: 8, windowDays: 30 }),
  suppression: z
    .object({
      /** A declined product is paused for this many days. */
      declinedDays: z.number().int().min(0).max(3650).default(90),
      /** Pitched this many times without an answer (later / no response) ... */
      unansweredCount: z.number().int().min(1).max(100).default(3),
      /** ... pauses the product for this many days. */
      unansweredDays: z.number().int().min(0).max(3650).default(30),
    })
    .default({ declinedDays: 90, unansweredCount: 3, unansweredDays: 30 }),
  /** Prior strength SE of the propensity estimate P = (SE*P0 + accepted) / (SE + pitches) (propensity.ts). */
  propensityPriorStrength: z.number().min(0).max(100_000).default(20),
  controlGroups: z
    .object({
      /** Percent of customers per period who get no pitch (holdout). */
      holdoutPercent: z.number().min(0).max(50).default(3),
      /** Percent of customers per period who get one random eligible offer. */
      randomPercent: z.number().min(0).max(50).default(2),
      /** Assignment period: a calendar month (YYYY-MM) or quarter (YYYY-Qn). */
      period: z.enum(['month', 'quarter']).default('month'),
      salt: z.string().min(1).max(64).default('lobby-nba'),
    })
    .default({ holdoutPercent: 3, randomPercent: 2, period: 'month', salt: 'lobby-nba' }),
});
export type MarketingRules = z.infer<typeof MarketingRulesSchema>;

export const BranchRulesSchema = z.object({
  timeZone: z.string().min(1).default('Asia/Shanghai'),
  defaultLanguage: LanguageSchema.default('zh-CN'),
  ticketNumberWidth: z.number().int().min(2).max(4).default(3),
  tiering: z.object({
    tierMinAum: z.object({ top: z.number().positive(), gold: z.number().positive(), general: z.number().nonnegative() }),
    starMinAum: z.tuple([z.number(), z.number(), z.number(), z.number()]),
    keyCustomer: z.object({
      depositOverWan: z.number().positive(),
      loanOverWan: z.number().positive(),
      noOverdueYears: z.number().int().min(0),
    }),
  }),
  greenChannel: z.object({
    enabled: z.boolean(),
    /** Tiers routed into the green channel. */
    tiers: z.array(TierEnum),
    /** Key customers are routed whatever their tier. */
    keyCustomers: z.boolean(),
    destinationServiceCode: z.string().regex(/^[A-Z]$/),
    destinationCounterId: z.number().int().positive().nullable(),
  }),
  reminders: z.object({
    /** Birthday ahead within this many days (0 = today only). */
    birthdayWithinDays: z.number().int().min(0).max(31),
    /** Deposit (demand / time deposit) maturing ahead within this many days. */
    maturityWithinDays: z.number().int().min(0).max(366),
    /** Wealth, fund or insurance product maturing ahead within this many days. */
    wealthMaturityWithinDays: z.number().int().min(0).max(366).default(60),
    /** Loan or credit-card repayment due ahead within this many days. */
    repaymentDueWithinDays: z.number().int().min(0).max(62).default(7),
    /** Large inflow / outflow: balance now vs the average daily balance of the last `flowAverageDays`, in percent. */
    largeFlowPercent: z.number().positive().max(1000).default(30),
    flowAverageDays: z.number().int().min(2).max(366).default(30),
    /** Frequent transfers to other banks: at least this many within the last `otherBankTransfersDays` (looking back). */
    otherBankTransfersMin: z.number().int().min(1).max(1000).default(3),
    otherBankTransfersDays: z.number().int().min(1).max(366).default(30),
    /** Loan classification downgrade within the last this many days (looking back). */
    downgradeWithinDays: z.number().int().min(0).max(366).default(90),
  }),
  offers: z.object({
    maxOffers: z.number().int().min(1).max(10),
    /** Weight of a product category for a customer in a given service line (visit context). */
    contextWeights: z.record(z.string(), z.record(z.string(), z.number().positive())),
    lifeStageBoost: z.number().min(1),
    /** A wealth, fund or time-deposit offer to a customer with something maturing: its prior propensity times this. */
    reinvestBoost: z.number().min(1).max(10).default(1.5),
    /** While a credit warning is open (overdue, classification downgrade), no product above this risk level (1-5). */
    creditWarningMaxRisk: z.number().int().min(1).max(5).default(2),
    /** A risk assessment (风险测评) older than this many days is expired: no investment of risk 2 or more until renewed. */
    riskAssessmentValidDays: z.number().int().min(1).max(3650).default(365),
    /** "Tier privilege" reason: for these tiers, on products of at least this value. */
    tierPrivilege: z
      .object({ tiers: z.array(TierEnum).default(['top', 'gold']), minValue: z.number().min(0).default(1.5) })
      .default({ tiers: ['top', 'gold'], minValue: 1.5 }),
  }),
  queue: z.object({
    /** Assumed minutes per customer until enough real service times are known. */
    defaultServiceMinutes: z.number().positive(),
    /** Who is called next (docs/QUEUE.md). */
    policy: QueuePolicySchema.default(DEFAULT_QUEUE_POLICY),
    /** Recalls allowed for one call; the next recall marks the customer no-show. */
    maxRecalls: z.number().int().min(0).max(10).default(2),
    /** The phone page's "your turn is near" notice. */
    near: NearNoticeSchema.default({ position: 3, minutes: 5 }),
    /** Service level: the share of customers called within this many minutes (manager dashboard). */
    targetWaitMinutes: z.number().int().min(1).max(240).default(15),
  }),
  /** Next-best-action marketing: contact policy, learning, control groups. */
  marketing: MarketingRulesSchema.default(() => MarketingRulesSchema.parse({})),
  /** Visit-linked data (tickets, offer decisions and responses, green-channel routings) is purged after this many days. */
  retentionDays: z.number().int().min(1).max(3650).default(180),
  /** Appointments: booking codes checked in at the kiosk, with early and late windows. */
  appointments: AppointmentRulesSchema.default(DEFAULT_APPOINTMENT_RULES),
  /** What a typed, read or confirmed identification allows, and how many attempts a kiosk may make. */
  identification: IdentificationRulesSchema.default(DEFAULT_IDENTIFICATION_RULES),
});
export type BranchRules = z.infer<typeof BranchRulesSchema>;

/** The rules a new branch starts with; the demo branch uses them as they are. */
export const DEFAULT_BRANCH_RULES: BranchRules = {
  timeZone: 'Asia/Shanghai',
  defaultLanguage: 'zh-CN',
  ticketNumberWidth: 3,
  tiering: {
    tierMinAum: { top: 6_000_000, gold: 500_000, general: 1_000 },
    starMinAum: [50_000, 200_000, 1_000_000, 6_000_000],
    keyCustomer: { depositOverWan: 50, loanOverWan: 100, noOverdueYears: 2 },
  },
  greenChannel: {
    enabled: true,
    tiers: ['top', 'gold'],
    keyCustomers: true,
    destinationServiceCode: 'V',
    destinationCounterId: 4,
  },
  reminders: {
    birthdayWithinDays: 7,
    maturityWithinDays: 30,
    wealthMaturityWithinDays: 60,
    repaymentDueWithinDays: 7,
    largeFlowPercent: 30,
    flowAverageDays: 30,
    otherBankTransfersMin: 3,
    otherBankTransfersDays: 30,
    downgradeWithinDays: 90,
  },
  offers: {
    maxOffers: 3,
    contextWeights: {
      A: { time_deposit: 1.4, wealth: 1.5, fund: 1.2 },
      B: { debit_card: 1.2, credit_card: 1.2 },
      C: { credit_card: 1.5, debit_card: 1.3 },
      D: { loan: 1.6, insurance: 1.3 },
      E: { wealth: 1.6, fund: 1.5, insurance: 1.2 },
      V: { wealth: 1.5, fund: 1.3, insurance: 1.3 },
    },
    lifeStageBoost: 2,
    reinvestBoost: 1.5,
    creditWarningMaxRisk: 2,
    riskAssessmentValidDays: 365,
    tierPrivilege: { tiers: ['top', 'gold'], minValue: 1.5 },
  },
  queue: { defaultServiceMinutes: 6, policy: DEFAULT_QUEUE_POLICY, maxRecalls: 2, near: { position: 3, minutes: 5 }, targetWaitMinutes: 15 },
  marketing: {
    caps: { perVisit: 2, perWindow: 8, windowDays: 30 },
    suppression: { declinedDays: 90, unansweredCount: 3, unansweredDays: 30 },
    propensityPriorStrength: 20,
    controlGroups: { holdoutPercent: 3, randomPercent: 2, period: 'month', salt: 'lobby-nba' },
  },
  retentionDays: 180,
  appointments: DEFAULT_APPOINTMENT_RULES,
  identification: DEFAULT_IDENTIFICATION_RULES,
};
