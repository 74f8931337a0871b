/**
 * The customer data warehouse feed (ACRM nightly batch) as the hub accepts it: the manifest and,
 * for every CSV file, its columns and the zod schema each row must pass. docs/FEED.md says the
 * same for the bank's data team. Values arrive as text; dates are YYYY-MM-DD, money decimal yuan
 * with at most two decimals (stored as integer fen), flags Y or N.
 */
import { z } from 'zod';
import { isCalendarDate } from './dates';
import { isValidCardNumber, isValidPhone, isValidResidentId, normalizeIdentityValue } from './identity';
import { parseYuan } from './money';
import { CONVERSION_COLUMNS, ConversionRowSchema } from './conversions';

export { ConversionRowSchema };
import { LIFE_STAGES, PRODUCT_CATEGORIES, type ProductCategory } from './products';

export const FEED_FILES = [
  'products.csv',
  'customers.csv',
  'cards.csv',
  'holdings.csv',
  'credit.csv',
  'movements.csv',
  'applications.csv',
  'conversions.csv',
  'deletions.csv',
] as const;
export type FeedFile = (typeof FEED_FILES)[number];

/** A full feed must carry these; a delta any of them. */
export const FULL_FEED_REQUIRED: readonly FeedFile[] = ['products.csv', 'customers.csv', 'cards.csv', 'holdings.csv'];

const sha256 = z.string().regex(/^[0-9a-f]{64}$/i, 'sha256 is 64 hexadecimal characters');

export const FeedManifestSchema = z.strictObject({
  feedId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'feedId is 1-64 letters, digits, dots, dashes or underscores'),
  asOf: z.string().refine(isCalendarDate, 'asOf is a date YYYY-MM-DD'),
  mode: z.enum(['full', 'delta']),
  encoding: z.enum(['utf-8', 'utf8', 'gb18030', 'gbk']).default('utf-8'),
  /** The branch the feed is for; checked against the data directory's branch when given. */
  branchId: z.string().min(1).optional(),
  files: z.partialRecord(z.enum(FEED_FILES), z.strictObject({ rows: z.number().int().min(0), sha256 })),
});
export type FeedManifest = z.output<typeof FeedManifestSchema>;

// ---------------------------------------------------------------- cells

const date = (name: string) => z.string().refine(isCalendarDate, `${name} is a date YYYY-MM-DD`);
const yn = (name: string) => z.enum(['Y', 'N', 'y', 'n'], { message: `${name} is Y or N` }).transform((v) => v.toUpperCase() === 'Y');
const code = (name: string) => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/, `${name} is 1-32 letters, digits, dots, dashes or underscores`);
const cif = code('cif');
const text = (name: string, max: number) => z.string().min(1, `${name} is empty`).max(max, `${name} is longer than ${max} characters`);
/** Decimal yuan with at most two decimals → integer fen. */
const money = (name: string, opts: { positive?: boolean } = {}) =>
  z.string().transform((v, ctx) => {
    const fen = parseYuan(v);
    if (fen === null) {
      ctx.addIssue({ code: 'custom', message: `${name} is an amount in yuan with at most two decimals, e.g. 120000.00` });
      return z.NEVER;
    }
    if (fen < 0 || (opts.positive && fen === 0)) {
      ctx.addIssue({ code: 'custom', message: `${name} must be ${opts.positive ? 'above' : 'at least'} 0` });
      return z.NEVER;
    }
    return fen;
  });
const intIn = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, `${name} is a whole number`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${name} is ${min}-${max}`);
const ratio = (name: string) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, `${name} is a number`)
    .transform(Number)
    .refine((n) => n >= 0 && n <= 100, `${name} is 0-100`);

const MARITAL = ['single', 'married', 'divorced', 'widowed'] as const;
export const OCCUPATIONS = ['student', 'employee', 'self_employed', 'retired', 'civil_servant', 'other'] as const;
const LOAN_CLASS = ['normal', 'special_mention', 'substandard', 'doubtful', 'loss'] as const;

// ---------------------------------------------------------------- files

export const CustomerRowSchema = z
  .object({
    cif,
    name: text('name', 60),
    gender: z.enum(['M', 'F'], { message: 'gender is M or F' }),
    birth_date: date('birth_date'),
    phone: z.string().transform((v) => normalizeIdentityValue('phone', v)).refine(isValidPhone, 'phone is an 11-digit mainland mobile number'),
    resident_id: z.string().transform((v) => normalizeIdentityValue('idNumber', v)),
    marital_status: z.enum(MARITAL, { message: `marital_status is one of ${MARITAL.join(', ')}` }),
    occupation: z.enum(OCCUPATIONS, { message: `occupation is one of ${OCCUPATIONS.join(', ')}` }),
    risk_tolerance: intIn('risk_tolerance', 1, 5),
    marketing_consent: yn('marketing_consent'),
    home_branch_id: code('home_branch_id'),
    relationship_manager: text('relationship_manager', 40).optional(),
    risk_assessed_on: date('risk_assessed_on').optional(),
    last_overdue_on: date('last_overdue_on').optional(),
    resident: yn('resident').optional(),
    control_group_exempt: yn('control_group_exempt').optional(),
  })
  .superRefine((r, ctx) => {
    // A resident's ID is checked (GB 11643); a non-resident's document number only for its shape.
    const resident = r.resident ?? true;
    const ok = resident ? isValidResidentId(r.resident_id) : /^[A-Z0-9]{5,20}$/.test(r.resident_id);
    if (!ok) ctx.addIssue({ code: 'custom', path: ['resident_id'], message: resident ? 'resident_id is not a valid resident ID number (GB 11643)' : 'resident_id is 5-20 letters or digits' });
  });
export type CustomerRow = z.output<typeof CustomerRowSchema>;

export const CardRowSchema = z.object({
  card_number: z.string().transform((v) => normalizeIdentityValue('card', v)).refine(isValidCardNumber, 'card_number is not a valid card number (Luhn)'),
  cif,
  kind: z.enum(['debit', 'credit'], { message: 'kind is debit or credit' }),
});

export const ProductRowSchema = z.object({
  product_code: code('product_code'),
  category: z.enum(PRODUCT_CATEGORIES as [ProductCategory, ...ProductCategory[]], { message: `category is one of ${PRODUCT_CATEGORIES.join(', ')}` }),
  name_zh: text('name_zh', 60),
  name_en: text('name_en', 80),
  risk_level: intIn('risk_level', 1, 5),
  is_credit: yn('is_credit'),
  life_stages: z
    .string()
    .transform((v) => v.split(/[|;]/).map((s) => s.trim()).filter(Boolean))
    .refine((xs) => xs.every((x) => (LIFE_STAGES as readonly string[]).includes(x)), `life_stages is a list of ${LIFE_STAGES.join(', ')} separated by |`)
    .optional(),
  min_age: intIn('min_age', 0, 120).optional(),
  max_age: intIn('max_age', 0, 150).optional(),
  base_propensity: ratio('base_propensity').refine((n) => n <= 1, 'base_propensity is 0-1').optional(),
  value: ratio('value').optional(),
  lever: ratio('lever').optional(),
  active: yn('active').optional(),
});

export const HoldingRowSchema = z
  .object({
    cif,
    product_code: code('product_code'),
    account_id: code('account_id'),
    branch_id: code('branch_id'),
    amount: money('amount'),
    opened_on: date('opened_on'),
    maturity_on: date('maturity_on').optional(),
  })
  .refine((r) => !r.maturity_on || r.maturity_on >= r.opened_on, { path: ['maturity_on'], message: 'maturity_on is before opened_on' });

export const CreditRowSchema = z.object({
  account_id: code('account_id'),
  next_due_on: date('next_due_on').optional(),
  due_amount: money('due_amount').optional(),
  overdue_days: intIn('overdue_days', 0, 36_500).optional(),
  classification: z.enum(LOAN_CLASS, { message: `classification is one of ${LOAN_CLASS.join(', ')}` }).optional(),
  previous_classification: z.enum(LOAN_CLASS, { message: `previous_classification is one of ${LOAN_CLASS.join(', ')}` }).optional(),
  classified_on: date('classified_on').optional(),
});

export const MovementRowSchema = z.object({
  cif,
  on_date: date('on_date'),
  direction: z.enum(['in', 'out'], { message: 'direction is in or out' }),
  amount: money('amount', { positive: true }),
  other_bank: yn('other_bank').optional(),
});

export const ApplicationRowSchema = z.object({
  cif,
  product_code: code('product_code'),
  status: z.enum(['open', 'approved', 'rejected', 'withdrawn'], { message: 'status is open, approved, rejected or withdrawn' }),
  applied_on: date('applied_on'),
});

export const DELETABLE = ['customer', 'card', 'holding', 'product'] as const;
export const DeletionRowSchema = z.object({
  entity: z.enum(DELETABLE, { message: `entity is one of ${DELETABLE.join(', ')}` }),
  key: z.string().min(1, 'key is empty').max(64),
});

/** Columns of each file: required ones must be in the header; others are optional. */
export const FEED_COLUMNS: Record<FeedFile, { required: readonly string[]; optional: readonly string[] }> = {
  'customers.csv': {
    required: ['cif', 'name', 'gender', 'birth_date', 'phone', 'resident_id', 'marital_status', 'occupation', 'risk_tolerance', 'marketing_consent', 'home_branch_id'],
    optional: ['relationship_manager', 'risk_assessed_on', 'last_overdue_on', 'resident', 'control_group_exempt'],
  },
  'cards.csv': { required: ['card_number', 'cif', 'kind'], optional: [] },
  'products.csv': {
    required: ['product_code', 'category', 'name_zh', 'name_en', 'risk_level', 'is_credit'],
    optional: ['life_stages', 'min_age', 'max_age', 'base_propensity', 'value', 'lever', 'active'],
  },
  'holdings.csv': { required: ['cif', 'product_code', 'account_id', 'branch_id', 'amount', 'opened_on'], optional: ['maturity_on'] },
  'credit.csv': { required: ['account_id'], optional: ['next_due_on', 'due_amount', 'overdue_days', 'classification', 'previous_classification', 'classified_on'] },
  'movements.csv': { required: ['cif', 'on_date', 'direction', 'amount'], optional: ['other_bank'] },
  'applications.csv': { required: ['cif', 'product_code', 'status', 'applied_on'], optional: [] },
  'conversions.csv': CONVERSION_COLUMNS,
  'deletions.csv': { required: ['entity', 'key'], optional: [] },
};

/** One import as the admin screen shows it (live while it runs, then in the history). */
export interface FeedRunInfo {
  id: number;
  feedId: string;
  asOf: string | null;
  mode: 'full' | 'delta' | null;
  status: 'running' | 'done' | 'refused' | 'failed' | 'interrupted' | 'duplicate';
  startedAt: string;
  finishedAt: string | null;
  startedBy: string;
  /** While running: the file being read and how far. */
  progress: { file: string | null; rows: number; totalRows: number; percent: number } | null;
  /** Rows loaded per file. */
  counts: Record<string, number>;
  rowsRead: number;
  rejected: number;
  rejectsFile: string | null;
  reason: string | null;
  durationMs: number | null;
}
