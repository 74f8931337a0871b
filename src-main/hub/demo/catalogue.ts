/**
 * The demo branch's product catalogue: every category the offer engine knows, with the
 * life-cycle products a bank offers (student -> education / study-abroad loan, graduate -> car loan,
 * married -> mortgage and property insurance, retiree -> pension and low-risk wealth).
 */
import type { LifeStage, Product, ProductCategory } from '../../domain/products';

function p(
  code: string,
  category: ProductCategory,
  zh: string,
  en: string,
  riskLevel: Product['riskLevel'],
  lifeStages: LifeStage[],
  minAge: number,
  maxAge: number,
  basePropensity: number,
  value: number,
  lever = 1,
): Product {
  const isCredit = category === 'loan' || category === 'credit_card';
  return { code, category, name: { 'zh-CN': zh, en }, riskLevel, isCredit, lifeStages, minAge, maxAge, basePropensity, value, lever, active: true };
}

export const DEMO_PRODUCTS: readonly Product[] = [
  // deposits
  p('DD-SAVE', 'demand_deposit', '活期储蓄', 'Demand savings account', 1, [], 16, 120, 0.05, 0.6),
  p('TD-3M', 'time_deposit', '3个月整存整取定期存款', '3-month time deposit', 1, [], 18, 120, 0.1, 0.8),
  p('TD-1Y', 'time_deposit', '1年期整存整取定期存款', '1-year time deposit', 1, [], 18, 120, 0.12, 1.0),
  p('TD-3Y', 'time_deposit', '3年期整存整取定期存款', '3-year time deposit', 1, [], 18, 120, 0.08, 1.1),
  // wealth management
  p('WM-R2', 'wealth', '稳健增利理财（R2）', 'Steady Income wealth plan (R2)', 2, [], 18, 120, 0.1, 1.3),
  p('WM-R3', 'wealth', '平衡精选理财（R3）', 'Balanced Select wealth plan (R3)', 3, [], 18, 75, 0.07, 1.5),
  p('WM-R4', 'wealth', '进取成长理财（R4）', 'Growth wealth plan (R4)', 4, ['graduate', 'married', 'adult'], 22, 65, 0.04, 1.8),
  p('WM-SENIOR', 'wealth', '安享养老低风险理财（R1）', 'Silver Age low-risk wealth plan (R1)', 1, ['retiree'], 55, 120, 0.15, 1.2, 1.2),
  // funds
  p('FD-BOND', 'fund', '纯债债券基金', 'Pure bond fund', 2, [], 18, 120, 0.08, 1.2),
  p('FD-INDEX', 'fund', '沪深300指数基金', 'CSI 300 index fund', 3, ['graduate', 'married', 'adult'], 18, 70, 0.07, 1.3),
  p('FD-EQUITY', 'fund', '成长股票型基金', 'Growth equity fund', 4, ['graduate', 'married', 'adult'], 22, 65, 0.05, 1.6),
  // insurance
  p('INS-HEALTH', 'insurance', '守护重疾健康险', 'Critical illness health insurance', 1, [], 18, 60, 0.06, 1.4),
  p('INS-LIFE', 'insurance', '定期寿险', 'Term life insurance', 1, ['married', 'adult'], 25, 60, 0.04, 1.5),
  p('INS-PROPERTY', 'insurance', '家庭财产保险', 'Home and property insurance', 1, ['married'], 22, 80, 0.08, 0.9),
  p('INS-PENSION', 'insurance', '养老年金保险', 'Pension annuity insurance', 2, ['retiree', 'adult'], 40, 70, 0.05, 1.6),
  // loans
  p('LN-EDU', 'loan', '助学及留学贷款', 'Education and study-abroad loan', 1, ['student'], 18, 35, 0.06, 0.8),
  p('LN-CAR', 'loan', '汽车消费贷款', 'Car loan', 1, ['graduate'], 22, 60, 0.05, 1.2),
  p('LN-MORTGAGE', 'loan', '个人住房按揭贷款', 'Home mortgage', 1, ['married'], 22, 65, 0.04, 2.0),
  p('LN-CONSUMER', 'loan', '个人消费信用贷款', 'Personal consumer loan', 1, [], 22, 60, 0.05, 1.1),
  p('LN-BUSINESS', 'loan', '小微企业经营贷款', 'Small business loan', 1, ['married', 'adult'], 25, 65, 0.03, 1.8),
  // cards
  p('CC-STD', 'credit_card', '标准信用卡', 'Standard credit card', 1, [], 18, 65, 0.12, 0.9),
  p('CC-PLAT', 'credit_card', '白金信用卡', 'Platinum credit card', 1, [], 25, 70, 0.04, 1.6),
  p('DC-STD', 'debit_card', '一卡通借记卡', 'Debit card', 1, [], 16, 120, 0.15, 0.5),
  p('DC-YOUTH', 'debit_card', '青春借记卡', 'Youth debit card', 1, ['student', 'graduate'], 16, 30, 0.2, 0.6),
];

const BY_CODE = new Map(DEMO_PRODUCTS.map((x) => [x.code, x]));

export function demoProduct(code: string): Product {
  const found = BY_CODE.get(code);
  if (!found) throw new Error(`unknown demo product ${code}`);
  return found;
}
