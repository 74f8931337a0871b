/**
 * Pre-filled forms (预填单): the paper forms a customer would fill at the counter, defined as data
 * per service, with typed fields and ONE validation (zod) shared by the kiosk (as the customer
 * types) and the hub (before saving). Fields are forgiving: spaces, dashes and thousands
 * separators in numbers are accepted and normalised away.
 *
 * Known customers get fields pre-filled from their profile: the hub fills them in (the kiosk only
 * ever sees them masked), so `formValuesSchema(form, { omit })` validates what the kiosk typed and
 * the hub validates the merged values with the same function.
 */
import { z } from 'zod';
import type { LocalizedText } from './branch-config';
import { isValidCardNumber, isValidPhone, isValidResidentId, normalizeIdentityValue } from './identity';

export type FieldType = 'text' | 'amount' | 'date' | 'choice' | 'accountNumber' | 'idNumber' | 'phone';
/** Profile values a known customer's form can be pre-filled with. */
export type PrefillSource = 'name' | 'phone' | 'idNumber' | 'cardNumber';

export interface FieldDef {
  key: string;
  type: FieldType;
  label: LocalizedText;
  required: boolean;
  /** text: longest value (default 60). */
  maxLength?: number;
  /** choice: the options. */
  choices?: { value: string; label: LocalizedText }[];
  /**
   * text: common answers offered as buttons (the value saved is `value`), so a kiosk with no input
   * method for Chinese still takes them; "other" opens the text box and the on-screen keyboard.
   */
  suggestions?: { value: string; label: LocalizedText }[];
  /** amount: currencies offered, first is the default (default CNY only). */
  currencies?: string[];
  /** amount: smallest / largest amount accepted (in the currency's units). */
  min?: number;
  max?: number;
  /** date: 'future' = today or later, 'past' = today or earlier. */
  when?: 'future' | 'past';
  /** accountNumber: a bank card number (Luhn-checked). */
  card?: boolean;
  prefill?: PrefillSource;
}

export interface FormDef {
  id: FormId;
  title: LocalizedText;
  /** Services (chosen at the kiosk) this form belongs to. */
  serviceCodes: string[];
  fields: FieldDef[];
}

export const FORM_IDS = ['account_opening', 'cash_withdrawal', 'domestic_transfer', 'card_loss', 'wealth_purchase'] as const;
export type FormId = (typeof FORM_IDS)[number];
export const FormIdSchema = z.enum(FORM_IDS);

/** Cash withdrawals from this amount (CNY) must be announced a day ahead (大额取现预约). */
export const CASH_PRE_NOTICE_THRESHOLD_CNY = 50_000;

const L = (zh: string, en: string): LocalizedText => ({ 'zh-CN': zh, en });

const S = (zh: string, en: string) => ({ value: zh, label: L(zh, en) });
/** The banks most transfers go to; anything else is typed. */
const PAYEE_BANKS = [
  S('中国工商银行', 'ICBC'),
  S('中国建设银行', 'China Construction Bank'),
  S('中国农业银行', 'Agricultural Bank of China'),
  S('中国银行', 'Bank of China'),
  S('交通银行', 'Bank of Communications'),
  S('中国邮政储蓄银行', 'Postal Savings Bank of China'),
  S('招商银行', 'China Merchants Bank'),
];
const OCCUPATIONS = [
  S('企业职员', 'Company employee'),
  S('公务员及事业单位', 'Civil service / public institution'),
  S('个体经营', 'Self-employed'),
  S('专业技术人员', 'Professional'),
  S('学生', 'Student'),
  S('退休', 'Retired'),
  S('自由职业', 'Freelance'),
];

const nameField: FieldDef = { key: 'fullName', type: 'text', label: L('姓名', 'Full name'), required: true, maxLength: 40, prefill: 'name' };
const idField: FieldDef = { key: 'idNumber', type: 'idNumber', label: L('身份证号码', 'Resident ID number'), required: true, prefill: 'idNumber' };
const phoneField: FieldDef = { key: 'phone', type: 'phone', label: L('手机号码', 'Mobile number'), required: true, prefill: 'phone' };

export const FORMS: readonly FormDef[] = [
  {
    id: 'account_opening',
    title: L('个人开户申请书', 'Personal account opening'),
    serviceCodes: ['C'],
    fields: [
      nameField,
      idField,
      phoneField,
      {
        key: 'accountType',
        type: 'choice',
        label: L('账户类型', 'Account type'),
        required: true,
        choices: [
          { value: 'debit_card', label: L('借记卡', 'Debit card') },
          { value: 'passbook', label: L('存折', 'Passbook') },
        ],
      },
      { key: 'occupation', type: 'text', label: L('职业', 'Occupation'), required: false, maxLength: 40, suggestions: OCCUPATIONS },
      { key: 'address', type: 'text', label: L('联系地址', 'Address'), required: false, maxLength: 100 },
    ],
  },
  {
    id: 'cash_withdrawal',
    title: L('大额取现预约单', 'Large cash withdrawal'),
    serviceCodes: ['A'],
    fields: [
      { key: 'accountNumber', type: 'accountNumber', label: L('取款卡号', 'Card number'), required: true, card: true, prefill: 'cardNumber' },
      nameField,
      idField,
      { key: 'amount', type: 'amount', label: L('取款金额', 'Amount'), required: true, currencies: ['CNY'], min: CASH_PRE_NOTICE_THRESHOLD_CNY, max: 10_000_000 },
      { key: 'withdrawalDate', type: 'date', label: L('取款日期', 'Withdrawal date'), required: true, when: 'future' },
      {
        key: 'purpose',
        type: 'choice',
        label: L('资金用途', 'Purpose'),
        required: true,
        choices: [
          { value: 'consumption', label: L('消费', 'Consumption') },
          { value: 'business', label: L('经营', 'Business') },
          { value: 'other', label: L('其他', 'Other') },
        ],
      },
    ],
  },
  {
    id: 'domestic_transfer',
    title: L('境内汇款申请书', 'Domestic transfer / remittance'),
    serviceCodes: ['B'],
    fields: [
      { key: 'fromAccount', type: 'accountNumber', label: L('付款卡号', 'From card'), required: true, card: true, prefill: 'cardNumber' },
      { key: 'payeeName', type: 'text', label: L('收款人姓名', 'Payee name'), required: true, maxLength: 60 },
      { key: 'payeeAccount', type: 'accountNumber', label: L('收款账号', 'Payee account'), required: true },
      { key: 'payeeBank', type: 'text', label: L('收款银行', 'Payee bank'), required: true, maxLength: 60, suggestions: PAYEE_BANKS },
      { key: 'amount', type: 'amount', label: L('汇款金额', 'Amount'), required: true, currencies: ['CNY'], min: 0.01, max: 50_000_000 },
      { key: 'remark', type: 'text', label: L('附言', 'Remark'), required: false, maxLength: 40 },
    ],
  },
  {
    id: 'card_loss',
    title: L('挂失申请书', 'Card loss report'),
    serviceCodes: ['C'],
    fields: [
      nameField,
      idField,
      phoneField,
      { key: 'cardNumber', type: 'accountNumber', label: L('挂失卡号', 'Lost card number'), required: false, card: true, prefill: 'cardNumber' },
      {
        key: 'lossType',
        type: 'choice',
        label: L('挂失类型', 'Report type'),
        required: true,
        choices: [
          { value: 'temporary', label: L('口头挂失', 'Temporary') },
          { value: 'formal', label: L('正式挂失', 'Formal') },
        ],
      },
      { key: 'lostOn', type: 'date', label: L('丢失日期', 'Date lost'), required: false, when: 'past' },
    ],
  },
  {
    id: 'wealth_purchase',
    title: L('理财产品购买申请', 'Wealth product purchase'),
    serviceCodes: ['E'],
    fields: [
      nameField,
      idField,
      { key: 'accountNumber', type: 'accountNumber', label: L('扣款卡号', 'Debit card'), required: true, card: true, prefill: 'cardNumber' },
      { key: 'productName', type: 'text', label: L('产品名称或代码', 'Product name or code'), required: true, maxLength: 60 },
      { key: 'amount', type: 'amount', label: L('购买金额', 'Amount'), required: true, currencies: ['CNY', 'USD'], min: 1, max: 100_000_000 },
      {
        key: 'riskConfirmed',
        type: 'choice',
        label: L('已阅读风险揭示', 'I have read the risk disclosure'),
        required: true,
        choices: [{ value: 'yes', label: L('是', 'Yes') }],
      },
    ],
  },
];

export const FORM_BY_ID: ReadonlyMap<FormId, FormDef> = new Map(FORMS.map((f) => [f.id, f]));

/** The forms offered for a service chosen at the kiosk. */
export function formsForService(serviceCode: string): FormDef[] {
  return FORMS.filter((f) => f.serviceCodes.includes(serviceCode));
}

// ---------------------------------------------------------------- values

export interface AmountValue {
  amount: string;
  currency: string;
}
export type FieldValue = string | AmountValue;
export type FormValues = Record<string, FieldValue>;

/** Spaces, dashes, thousands separators and currency signs out of a typed amount. */
export function normalizeAmount(raw: string): string {
  return raw.replace(/[\s,，_¥￥$]/g, '');
}

/** Spaces and dashes out of a typed number (account, card, phone, ID). */
export function normalizeDigits(raw: string): string {
  return raw.replace(/[\s\-]/g, '');
}

const isRealDate = (s: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
};

/** Validation message keys: the kiosk translates them (forms.errors.<key>). */
export type FieldErrorKey =
  | 'required'
  | 'too_long'
  | 'amount'
  | 'amount_min'
  | 'amount_max'
  | 'currency'
  | 'date'
  | 'date_past'
  | 'date_future'
  | 'choice'
  | 'account'
  | 'card'
  | 'id_number'
  | 'phone';

const fail = (ctx: z.RefinementCtx, key: FieldErrorKey) => {
  ctx.addIssue({ code: 'custom', message: key });
  return z.NEVER;
};

/** The zod schema of one field: forgiving input in, normalised value out; messages are FieldErrorKeys. */
export function fieldSchema(f: FieldDef, today: string): z.ZodType<FieldValue | undefined> {
  if (f.type === 'amount') {
    const currencies = f.currencies ?? ['CNY'];
    return z
      .unknown()
      .transform((v, ctx): AmountValue | undefined => {
        if (v === undefined || v === null || (typeof v === 'object' && !('amount' in v))) {
          return f.required ? fail(ctx, 'required') : undefined;
        }
        const obj = typeof v === 'object' ? (v as Record<string, unknown>) : { amount: v };
        const raw = typeof obj.amount === 'number' ? String(obj.amount) : typeof obj.amount === 'string' ? obj.amount : '';
        const amount = normalizeAmount(raw);
        if (amount === '') return f.required ? fail(ctx, 'required') : undefined;
        if (!/^\d{1,12}(\.\d{1,2})?$/.test(amount)) return fail(ctx, 'amount');
        const currency = typeof obj.currency === 'string' && obj.currency ? obj.currency : currencies[0]!;
        if (!currencies.includes(currency)) return fail(ctx, 'currency');
        const n = Number(amount);
        if (n <= 0) return fail(ctx, 'amount');
        if (f.min !== undefined && n < f.min) return fail(ctx, 'amount_min');
        if (f.max !== undefined && n > f.max) return fail(ctx, 'amount_max');
        return { amount: n.toFixed(2), currency };
      });
  }
  return z.unknown().transform((v, ctx): string | undefined => {
    if (v !== undefined && v !== null && typeof v !== 'string') return fail(ctx, 'required');
    const raw = (v ?? '').trim();
    if (raw === '') return f.required ? fail(ctx, 'required') : undefined;
    switch (f.type) {
      case 'text': {
        const s = raw.replace(/\s+/g, ' ');
        if (Array.from(s).length > (f.maxLength ?? 60)) return fail(ctx, 'too_long');
        return s;
      }
      case 'date': {
        const s = raw.replace(/[./年月]/g, '-').replace(/日$/, '');
        const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
        const iso = m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : s;
        if (!isRealDate(iso)) return fail(ctx, 'date');
        if (f.when === 'future' && iso < today) return fail(ctx, 'date_future');
        if (f.when === 'past' && iso > today) return fail(ctx, 'date_past');
        return iso;
      }
      case 'choice':
        if (!f.choices?.some((c) => c.value === raw)) return fail(ctx, 'choice');
        return raw;
      case 'accountNumber': {
        const digits = normalizeDigits(raw);
        if (f.card) return isValidCardNumber(digits) ? digits : fail(ctx, 'card');
        return /^\d{8,30}$/.test(digits) ? digits : fail(ctx, 'account');
      }
      case 'idNumber': {
        const id = normalizeIdentityValue('idNumber', raw);
        return isValidResidentId(id, new Date(`${today}T23:59:59Z`)) ? id : fail(ctx, 'id_number');
      }
      case 'phone': {
        const p = normalizeDigits(raw).replace(/^\+?86/, '');
        return isValidPhone(p) ? p : fail(ctx, 'phone');
      }
    }
  });
}

/**
 * The schema of a whole form's values. `today` (YYYY-MM-DD, branch time) bounds date fields;
 * `omit` lists fields not checked here (pre-filled on the hub and unseen by the kiosk).
 * Unknown keys are rejected; empty optional fields are dropped from the output.
 */
export function formValuesSchema(form: FormDef, options: { today: string; omit?: readonly string[] }) {
  const omit = new Set(options.omit ?? []);
  const shape: Record<string, z.ZodType<FieldValue | undefined>> = {};
  for (const f of form.fields) if (!omit.has(f.key)) shape[f.key] = fieldSchema(f, options.today);
  // Every field is present for its schema to judge (a missing required field is 'required').
  const fill = (v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? { ...Object.fromEntries(Object.keys(shape).map((k) => [k, null])), ...v } : v;
  return z.preprocess(fill, z.strictObject(shape)).transform((values) => {
    const out: FormValues = {};
    for (const [k, v] of Object.entries(values)) if (v !== undefined) out[k] = v as FieldValue;
    return out;
  });
}

/** Field errors of a form (key -> FieldErrorKey), empty when valid: what the kiosk shows as the customer types. */
export function formErrors(form: FormDef, values: Record<string, unknown>, options: { today: string; omit?: readonly string[] }): Record<string, FieldErrorKey> {
  const r = formValuesSchema(form, options).safeParse(values);
  if (r.success) return {};
  const errors: Record<string, FieldErrorKey> = {};
  for (const issue of r.error.issues) {
    const key = String(issue.path[0] ?? '');
    if (key && !errors[key]) errors[key] = (issue.message as FieldErrorKey) ?? 'required';
  }
  return errors;
}

/** A field value as one copyable line (the teller pastes it into the core banking system). */
export function fieldText(v: FieldValue): string {
  return typeof v === 'string' ? v : `${v.amount} ${v.currency}`;
}
