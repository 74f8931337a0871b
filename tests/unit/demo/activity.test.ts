import { describe, expect, it } from 'vitest';
import { demoActivity, fixedActivity, type ActivityHolding } from '../../../src-main/hub/demo/activity';

const TODAY = '2026-11-22';
const dd = (amount: number): ActivityHolding => ({ holdingId: 1, productCode: 'DD-SAVE', category: 'demand_deposit', amount });
const loan: ActivityHolding = { holdingId: 2, productCode: 'LN-CAR', category: 'loan', amount: 120_000 };

describe('demo core-banking activity', () => {
  it('is deterministic per customer and never writes a zero or negative movement', () => {
    expect(demoActivity(42, [dd(5_000), loan], null, TODAY)).toEqual(demoActivity(42, [dd(5_000), loan], null, TODAY));
    for (let id = 1; id < 5_000; id++) {
      const a = demoActivity(id, [dd(id % 7 === 0 ? 0.01 : id * 3.7), loan], id % 50 === 0 ? '2026-11-01' : null, TODAY);
      for (const m of a.movements) {
        expect(m.amount).toBeGreaterThan(0);
        expect(m.onDate <= TODAY).toBe(true);
      }
      for (const c of a.credit) expect(c.holdingId).toBe(2);
    }
  });

  it('gives some customers large flows, transfers to other banks, overdues and open applications', () => {
    let transfers = 0;
    let overdue = 0;
    let applications = 0;
    for (let id = 1; id < 3_000; id++) {
      const a = demoActivity(id, [dd(10_000), loan], id % 10 === 0 ? '2026-11-10' : null, TODAY);
      if (a.movements.filter((m) => m.otherBank && m.direction === 'out').length >= 3) transfers++;
      if (a.credit.some((c) => c.overdueDays > 0)) overdue++;
      applications += a.applications.length;
    }
    expect(transfers).toBeGreaterThan(30);
    expect(overdue).toBeGreaterThan(30);
    expect(applications).toBeGreaterThan(10);
  });

  it('the personas: #2 four transfers out to other banks, #3 an inflow and an open application, #6 a downgrade', () => {
    expect(fixedActivity(2, [dd(180_000)], TODAY).movements.filter((m) => m.otherBank && m.direction === 'out')).toHaveLength(4);
    const three = fixedActivity(3, [dd(23_456.78)], TODAY);
    expect(three.movements).toEqual([{ onDate: '2026-11-20', direction: 'in', amount: 12_000, otherBank: false }]);
    expect(three.applications.map((a) => a.productCode)).toEqual(['CC-STD']);
    const six = fixedActivity(6, [{ holdingId: 9, productCode: 'LN-BUSINESS', category: 'loan', amount: 3_000_000 }], TODAY);
    expect(six.credit[0]).toMatchObject({ classification: 'special_mention', previousClassification: 'normal', classifiedOn: '2026-09-23', nextDueOn: '2026-11-25' });
  });
});
