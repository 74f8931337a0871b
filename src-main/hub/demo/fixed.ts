/**
 * The six fixed demo identities: people a tester can type at the kiosk and know what the lobby
 * manager and teller must see. Their tier, stars and key-customer flag are not written here: they
 * come out of their holdings through the same domain functions as everybody else's (the tests
 * assert that the results are the ones described).
 *
 * #1 (birthday today) and #4 (exactly 21 today) have birth dates, and so resident IDs, that
 * depend on `today`; phones, names and card numbers never change.
 */
import { residentIdCheckChar } from '../../domain/identity';
import type { CustomerProfileFacts } from '../../domain/products';
import { shiftYears } from '../../domain/tiering';
import { addDays, addMonths } from './random';

export interface HoldingDraft {
  productCode: string;
  amount: number;
  openedOn: string;
  maturityOn: string | null;
}

export interface FixedIdentity {
  phone: string;
  name: string;
  idNumber: string;
  /** Debit card number (16 digits, Luhn-valid). */
  cardNumber: string;
  birthDate: string;
  description: string;
}

export interface FixedCustomerSpec extends FixedIdentity {
  gender: 'M' | 'F';
  maritalStatus: CustomerProfileFacts['maritalStatus'];
  occupation: CustomerProfileFacts['occupation'];
  riskTolerance: number;
  marketingConsent: boolean;
  relationshipManager: string | null;
  lastOverdueOn: string | null;
  /** Extra cards besides the debit card (credit cards). */
  extraCards: { cardNumber: string; kind: 'debit' | 'credit' }[];
  holdings: HoldingDraft[];
}

/** Luhn check digit for a partial card number (the digit that makes the whole number pass). */
export function luhnDigit(partial: string): string {
  let sum = 0;
  let double = true; // the rightmost digit of the partial is doubled once the check digit is appended
  for (let i = partial.length - 1; i >= 0; i--) {
    let d = partial.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return String((10 - (sum % 10)) % 10);
}

/** 622588 + 9-digit account body + Luhn check digit = 16 digits. Bodies below 1000 are reserved for fixed identities. */
export function demoCardNumber16(body: number): string {
  const partial = '622588' + String(body).padStart(9, '0');
  return partial + luhnDigit(partial);
}

/** 622588 + 12-digit body + Luhn check digit = 19 digits. */
export function demoCardNumber19(body: number): string {
  const partial = '622588' + String(body).padStart(12, '0');
  return partial + luhnDigit(partial);
}

/** 18-character resident ID: region (6) + birth date (8) + sequence (3, odd = male) + GB 11643 check character. */
export function residentId(region: string, birthDate: string, seq: number): string {
  const first17 = region + birthDate.replaceAll('-', '') + String(seq).padStart(3, '0');
  return first17 + residentIdCheckChar(first17);
}

export function fixedCustomerSpecs(today: string): FixedCustomerSpec[] {
  const ago = (days: number) => addDays(today, -days);
  const yearsAgo = (years: number) => shiftYears(today, -years);

  const birth1 = shiftYears(today, -52); // birthday today, 52 today
  const birth4 = addDays(shiftYears(today, -21), -100); // 21 years and 100 days old
  const maturity1 = addDays(today, 5);
  const td2Opened = ago(240);
  const td5Opened = ago(215);

  return [
    {
      phone: '13800000001',
      name: '王建国',
      gender: 'M',
      birthDate: birth1,
      idNumber: residentId('310104', birth1, 15),
      cardNumber: demoCardNumber16(1),
      description:
        'Top tier, 5 stars, key customer (deposits); birthday today (52); 1-year time deposit of 2,000,000 maturing in 5 days',
      maritalStatus: 'married',
      occupation: 'self_employed',
      riskTolerance: 4,
      marketingConsent: true,
      relationshipManager: '陈思远',
      lastOverdueOn: null,
      extraCards: [{ cardNumber: demoCardNumber16(101), kind: 'credit' }],
      holdings: [
        { productCode: 'DD-SAVE', amount: 820_000, openedOn: yearsAgo(15), maturityOn: null },
        { productCode: 'TD-1Y', amount: 2_000_000, openedOn: addMonths(maturity1, -12), maturityOn: maturity1 },
        { productCode: 'TD-3Y', amount: 1_500_000, openedOn: ago(400), maturityOn: addMonths(ago(400), 36) },
        { productCode: 'WM-R3', amount: 2_400_000, openedOn: ago(200), maturityOn: null },
        { productCode: 'FD-EQUITY', amount: 650_000, openedOn: ago(500), maturityOn: null },
        { productCode: 'INS-LIFE', amount: 380_000, openedOn: yearsAgo(6), maturityOn: null },
        { productCode: 'DC-STD', amount: 0, openedOn: yearsAgo(15), maturityOn: null },
        { productCode: 'CC-PLAT', amount: 12_680.5, openedOn: yearsAgo(5), maturityOn: null },
      ],
    },
    {
      phone: '13800000002',
      name: '李秀英',
      gender: 'F',
      birthDate: '1968-03-15',
      idNumber: residentId('310105', '1968-03-15', 26),
      cardNumber: demoCardNumber16(2),
      description: 'Gold tier, 4 stars (AUM 2,330,000, mostly wealth and funds; not a key customer)',
      maritalStatus: 'married',
      occupation: 'civil_servant',
      riskTolerance: 3,
      marketingConsent: true,
      relationshipManager: '林婉清',
      lastOverdueOn: null,
      extraCards: [],
      holdings: [
        { productCode: 'DD-SAVE', amount: 180_000, openedOn: yearsAgo(20), maturityOn: null },
        { productCode: 'TD-1Y', amount: 300_000, openedOn: td2Opened, maturityOn: addMonths(td2Opened, 12) },
        { productCode: 'WM-R2', amount: 1_200_000, openedOn: ago(320), maturityOn: null },
        { productCode: 'FD-BOND', amount: 500_000, openedOn: ago(700), maturityOn: null },
        { productCode: 'INS-HEALTH', amount: 150_000, openedOn: yearsAgo(8), maturityOn: null },
        { productCode: 'DC-STD', amount: 0, openedOn: yearsAgo(20), maturityOn: null },
      ],
    },
    {
      phone: '13800000003',
      name: '张伟',
      gender: 'M',
      birthDate: '1990-07-08',
      idNumber: residentId('310110', '1990-07-08', 31),
      cardNumber: demoCardNumber16(3),
      description: 'General tier, 1 star: only a debit card and a demand deposit (23,456.78)',
      maritalStatus: 'single',
      occupation: 'employee',
      riskTolerance: 3,
      marketingConsent: true,
      relationshipManager: null,
      lastOverdueOn: null,
      extraCards: [],
      holdings: [
        { productCode: 'DC-STD', amount: 0, openedOn: yearsAgo(9), maturityOn: null },
        { productCode: 'DD-SAVE', amount: 23_456.78, openedOn: yearsAgo(9), maturityOn: null },
      ],
    },
    {
      phone: '13800000004',
      name: '陈雨萱',
      gender: 'F',
      birthDate: birth4,
      idNumber: residentId('310115', birth4, 48),
      cardNumber: demoCardNumber16(4),
      description: 'Student, exactly 21 today; general tier (demand deposit 3,200.50, youth debit card)',
      maritalStatus: 'single',
      occupation: 'student',
      riskTolerance: 2,
      marketingConsent: true,
      relationshipManager: null,
      lastOverdueOn: null,
      extraCards: [],
      holdings: [
        { productCode: 'DC-YOUTH', amount: 0, openedOn: ago(900), maturityOn: null },
        { productCode: 'DD-SAVE', amount: 3_200.5, openedOn: ago(900), maturityOn: null },
      ],
    },
    {
      phone: '13800000005',
      name: '赵敏',
      gender: 'F',
      birthDate: '1979-11-02',
      idNumber: residentId('320102', '1979-11-02', 62),
      cardNumber: demoCardNumber16(5),
      description: 'Opted out of marketing (marketing_consent 0): service information only; general tier, 3 stars',
      maritalStatus: 'married',
      occupation: 'employee',
      riskTolerance: 3,
      marketingConsent: false,
      relationshipManager: null,
      lastOverdueOn: null,
      extraCards: [],
      holdings: [
        { productCode: 'DD-SAVE', amount: 85_000, openedOn: yearsAgo(12), maturityOn: null },
        { productCode: 'TD-1Y', amount: 200_000, openedOn: td5Opened, maturityOn: addMonths(td5Opened, 12) },
        { productCode: 'FD-INDEX', amount: 60_000, openedOn: ago(450), maturityOn: null },
        { productCode: 'DC-STD', amount: 0, openedOn: yearsAgo(12), maturityOn: null },
      ],
    },
    {
      phone: '13800000006',
      name: '孙志强',
      gender: 'M',
      birthDate: '1975-05-20',
      idNumber: residentId('310112', '1975-05-20', 77),
      cardNumber: demoCardNumber16(6),
      description: 'Business loan of 3,000,000 but overdue 120 days ago: NOT a key customer; general tier, 2 stars',
      maritalStatus: 'married',
      occupation: 'self_employed',
      riskTolerance: 3,
      marketingConsent: true,
      relationshipManager: null,
      lastOverdueOn: ago(120),
      extraCards: [],
      holdings: [
        { productCode: 'DD-SAVE', amount: 120_000, openedOn: yearsAgo(10), maturityOn: null },
        { productCode: 'LN-BUSINESS', amount: 3_000_000, openedOn: yearsAgo(2), maturityOn: null },
        { productCode: 'DC-STD', amount: 0, openedOn: yearsAgo(10), maturityOn: null },
      ],
    },
  ];
}

/** The fixed identities for README and tests: phone, name, resident ID and debit card as they are on `today`. */
export function fixedIdentities(today: string): FixedIdentity[] {
  return fixedCustomerSpecs(today).map(({ phone, name, idNumber, cardNumber, birthDate, description }) => ({
    phone,
    name,
    idNumber,
    cardNumber,
    birthDate,
    description,
  }));
}
