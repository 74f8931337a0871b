/**
 * Branch configuration: the rules a bank sets per branch (tiers, stars, key-customer N values,
 * green channel, reminder windows, offer weights). Validated with zod wherever it is read.
 */
import { z } from 'zod';

export const LanguageSchema = z.enum(['zh-CN', 'en']);
export type Language = z.infer<typeof LanguageSchema>;
export const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];

export const LocalizedTextSchema = z.object({ 'zh-CN': z.string().min(1), en: z.string().min(1) });
export type LocalizedText = z.infer<typeof LocalizedTextSchema>;

const TierEnum = z.enum(['top', 'gold', 'general', 'drop']);

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
    birthdayWithinDays: z.number().int().min(0).max(31),
    maturityWithinDays: z.number().int().min(0).max(366),
  }),
  offers: z.object({
    maxOffers: z.number().int().min(1).max(10),
    /** Weight of a product category for a customer in a given service line (visit context). */
    contextWeights: z.record(z.string(), z.record(z.string(), z.number().positive())),
    lifeStageBoost: z.number().min(1),
  }),
  queue: z.object({
    /** Assumed minutes per customer until enough real service times are known. */
    defaultServiceMinutes: z.number().positive(),
  }),
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
  reminders: { birthdayWithinDays: 7, maturityWithinDays: 30 },
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
  },
  queue: { defaultServiceMinutes: 6 },
};
