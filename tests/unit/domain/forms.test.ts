import { describe, expect, it } from 'vitest';
import {
  CASH_PRE_NOTICE_THRESHOLD_CNY,
  FORM_BY_ID,
  FORM_IDS,
  FORMS,
  fieldText,
  formErrors,
  formValuesSchema,
  formsForService,
  type FieldType,
} from '../../../src-main/domain/forms';

const today = '2026-11-22';
const form = (id: (typeof FORM_IDS)[number]) => FORM_BY_ID.get(id)!;
const ID = '310104197411220151';
const CARD = '6225880000000019';

describe('form definitions (data)', () => {
  it('has the five forms of the issue, each with unique keys and bilingual labels', () => {
    expect(FORMS.map((f) => f.id).sort()).toEqual([...FORM_IDS].sort());
    for (const f of FORMS) {
      const keys = f.fields.map((x) => x.key);
      expect(new Set(keys).size).toBe(keys.length);
      expect(f.title['zh-CN'] && f.title.en).toBeTruthy();
      for (const x of f.fields) {
        expect(x.label['zh-CN'] && x.label.en).toBeTruthy();
        if (x.type === 'choice') expect(x.choices?.length).toBeGreaterThan(0);
      }
    }
  });

  it('covers every field type', () => {
    const types = new Set(FORMS.flatMap((f) => f.fields.map((x) => x.type)));
    const all: FieldType[] = ['text', 'amount', 'date', 'choice', 'accountNumber', 'idNumber', 'phone'];
    expect([...types].sort()).toEqual(all.sort());
  });

  it('offers forms by service', () => {
    expect(formsForService('A').map((f) => f.id)).toEqual(['cash_withdrawal']);
    expect(formsForService('C').map((f) => f.id).sort()).toEqual(['account_opening', 'card_loss']);
    expect(formsForService('D')).toEqual([]);
  });
});

describe('shared validation', () => {
  it('accepts forgiving input and normalises it', () => {
    const r = formValuesSchema(form('cash_withdrawal'), { today }).parse({
      accountNumber: '6225 8800-0000 0019',
      fullName: '  王  建国 ',
      idNumber: '310104 19741122 015 1',
      amount: { amount: '¥80,000', currency: 'CNY' },
      withdrawalDate: '2026/11/23',
      purpose: 'business',
    });
    expect(r).toEqual({
      accountNumber: CARD,
      fullName: '王 建国',
      idNumber: ID,
      amount: { amount: '80000.00', currency: 'CNY' },
      withdrawalDate: '2026-11-23',
      purpose: 'business',
    });
  });

  it('a cash withdrawal form is for amounts from the pre-notice threshold', () => {
    const errs = formErrors(form('cash_withdrawal'), { amount: { amount: String(CASH_PRE_NOTICE_THRESHOLD_CNY - 1) } }, {
      today,
      omit: ['accountNumber', 'fullName', 'idNumber', 'withdrawalDate', 'purpose'],
    });
    expect(errs).toEqual({ amount: 'amount_min' });
    expect(
      formErrors(form('cash_withdrawal'), { amount: { amount: String(CASH_PRE_NOTICE_THRESHOLD_CNY) } }, {
        today,
        omit: ['accountNumber', 'fullName', 'idNumber', 'withdrawalDate', 'purpose'],
      }),
    ).toEqual({});
  });

  it('names each bad field with a message key the kiosk translates', () => {
    const errs = formErrors(
      form('domestic_transfer'),
      { fromAccount: '6225880000000018', payeeName: '', payeeAccount: '12ab', payeeBank: 'x'.repeat(61), amount: { amount: '1.234' }, remark: '' },
      { today },
    );
    expect(errs).toEqual({ fromAccount: 'card', payeeName: 'required', payeeAccount: 'account', payeeBank: 'too_long', amount: 'amount' });
  });

  it('checks ID numbers (GB 11643), phones, dates, choices and currencies', () => {
    const f = form('card_loss');
    expect(formErrors(f, { fullName: '张伟', idNumber: '310104197411220152', phone: '12800000001', lossType: 'x', lostOn: '2026-11-31' }, { today })).toEqual({
      idNumber: 'id_number',
      phone: 'phone',
      lossType: 'choice',
      lostOn: 'date',
    });
    expect(formErrors(f, { fullName: '张伟', idNumber: ID, phone: '+86 138-0000-0001', lossType: 'formal', lostOn: '2026-11-23' }, { today })).toEqual({
      lostOn: 'date_past',
    });
    expect(formErrors(form('cash_withdrawal'), { withdrawalDate: '2026-11-21' }, { today, omit: ['accountNumber', 'fullName', 'idNumber', 'amount', 'purpose'] })).toEqual({
      withdrawalDate: 'date_future',
    });
    expect(
      formErrors(form('wealth_purchase'), { amount: { amount: '100', currency: 'EUR' } }, { today, omit: ['fullName', 'idNumber', 'accountNumber', 'productName', 'riskConfirmed'] }),
    ).toEqual({ amount: 'currency' });
  });

  it('drops empty optional fields, rejects unknown keys, and omits pre-filled fields when asked', () => {
    const f = form('account_opening');
    const ok = formValuesSchema(f, { today, omit: ['fullName', 'idNumber', 'phone'] }).parse({ accountType: 'debit_card', occupation: '', address: ' ' });
    expect(ok).toEqual({ accountType: 'debit_card' });
    expect(formValuesSchema(f, { today, omit: ['fullName', 'idNumber', 'phone'] }).safeParse({ accountType: 'passbook', hack: 1 }).success).toBe(false);
    expect(formErrors(f, { accountType: 'passbook' }, { today })).toEqual({ fullName: 'required', idNumber: 'required', phone: 'required' });
  });

  it('gives one copyable line per value', () => {
    expect(fieldText('abc')).toBe('abc');
    expect(fieldText({ amount: '80000.00', currency: 'CNY' })).toBe('80000.00 CNY');
  });
});
