/**
 * The waiting-time estimate on the kiosk ticket and the phone page: with no open counter
 * serving the service the estimate is unknown ("No estimate yet", not a made-up number); once a
 * counter serving it opens, the forecast gives minutes (or "shortly").
 * Screenshots in zh-CN and en go to tests/e2e/screenshots/.
 */
import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiToken, bearer, deviceSignIn, open, shot, VIEWPORTS } from './helpers';

async function counters(request: APIRequestContext, action: 'pause' | 'open', ids: number[]) {
  const token = await apiToken(request, { staffId: 'm01', pin: '1111' });
  for (const id of ids) {
    const res = await request.post(`/api/v1/counters/${id}/${action}`, {
      headers: bearer(token),
      data: action === 'pause' ? { reason: 'meeting' } : {},
    });
    expect(res.status()).toBe(200);
  }
}

test('kiosk and phone: no estimate while no open counter serves the service, a forecast once one opens', async ({ browser, request }) => {
  // E is served by counters 3 and 4 in the demo branch.
  await counters(request, 'pause', [3, 4]);
  try {
    const kiosk = await open(browser, '/kiosk?device=kiosk-01', VIEWPORTS.kiosk);
    await deviceSignIn(kiosk);
    await kiosk.getByTestId('kiosk-guest').click();
    const issued = kiosk.waitForResponse((r) => r.url().endsWith('/api/v1/tickets') && r.request().method() === 'POST');
    await kiosk.getByTestId('kiosk-service-E').click();
    const { ticket } = (await (await issued).json()) as { ticket: { number: string; trackUrl: string; estimatedWaitMinutes: number | null } };
    expect(ticket.estimatedWaitMinutes).toBeNull();
    await expect(kiosk.getByTestId('kiosk-ticket-number')).toHaveText(ticket.number);
    await expect(kiosk.getByTestId('kiosk-ticket-wait')).toHaveText('暂无预估');
    await shot(kiosk, 'kiosk-ticket-no-estimate-zh');
    await kiosk.getByTestId('kiosk-lang-en').click();
    await expect(kiosk.getByTestId('kiosk-ticket-wait')).toHaveText('No estimate yet');
    await shot(kiosk, 'kiosk-ticket-no-estimate-en');

    const phone = await open(browser, new URL(ticket.trackUrl).pathname, VIEWPORTS.phone);
    await expect(phone.getByTestId('phone-ticket-number')).toHaveText(ticket.number);
    await expect(phone.getByTestId('phone-wait')).toHaveText('暂无预估');
    await shot(phone, 'phone-no-estimate-zh');
    await phone.getByTestId('phone-lang-en').click();
    await expect(phone.getByTestId('phone-wait')).toHaveText('Unknown');
    await shot(phone, 'phone-no-estimate-en');

    // Counter 3 opens: the forecast has a time for this ticket (at once, unless other E tickets wait).
    await counters(request, 'open', [3]);
    await phone.reload();
    await expect(phone.getByTestId('phone-wait')).toHaveText(/^(Shortly|about \d+ min)$/);
    await shot(phone, 'phone-estimate-open-en');
  } finally {
    await counters(request, 'open', [3, 4]);
  }
});
