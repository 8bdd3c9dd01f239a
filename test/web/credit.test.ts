import { expect, it } from 'vitest';
import { withCheckCharacter } from '../../src/identity/index.ts';
import { call, describeInBrowser, screenshots, settled, signIn } from './browser.ts';

/**
 * Consumer credit in a real browser (issue 17): a customer granted a line (through the API, as the
 * setup of a test) sees it, draws cash with the cost shown first, and sees the draw in the history;
 * a risk officer finds the line and freezes it with a reason, which the customer then reads. In
 * English and in Chinese.
 */
const cents = (amount: string) => {
  const [whole = '0', fraction = ''] = amount.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
};
/** ¥1,234.56 from cents: written here apart from the app's own formatting. */
const shown = (value: bigint) => {
  const whole = (value / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `¥${whole}.${(value % 100n).toString().padStart(2, '0')}`;
};
/** A day's interest: principal × daily rate, rounded half up to the cent, in integers. */
const dayInterest = (principal: bigint, dailyRate: string) => {
  const [w = '0', f = ''] = dailyRate.split('.');
  const scale = 10n ** BigInt(f.length);
  return (principal * BigInt(w + f) * 2n + scale) / (2n * scale);
};

interface LineJson {
  id: string;
  status: string;
  limit: { amount: string };
  available: { amount: string };
  used: { amount: string };
  frozenReason: string | null;
  pricing: { dailyRate: string; drawApr: string; instalments: { months: number; feeRate: string }[] };
}

/** A verified customer (born 1985-06-15 in Beijing; the simulated bureau grades this number C2) granted a line. */
async function customerWithLine(base: string): Promise<{ phone: string; password: string; line: LineJson }> {
  const phone = `1377${String(Date.now() % 10_000_000).padStart(7, '0')}`;
  const password = 'credit2026';
  const json = (path: string, init: RequestInit & { token?: string } = {}) => call(base, path, init);
  await json('/v1/auth/sms-codes', { method: 'POST', body: JSON.stringify({ phone, purpose: 'sign_up' }) });
  const inbox = await json(`/v1/dev/inbox?phone=${phone}`);
  const code = /(\d{6})/.exec(inbox.items[0].body)![1];
  const { token } = await json('/v1/auth/sign-up', {
    method: 'POST',
    body: JSON.stringify({ phone, password, code, acceptTerms: true }),
  });
  const idNumber = withCheckCharacter('11010519850615323');
  await json('/v1/me/kyc', { method: 'POST', token, body: JSON.stringify({ realName: '林晓', idNumber }) });
  const cny = (amount: string) => ({ amount, currency: 'CNY' });
  const applied = await json('/v1/credit/lines', {
    method: 'POST',
    token,
    body: JSON.stringify({ monthlyIncome: cny('20000.00'), monthlyDebt: cny('500.00'), employmentYears: 6 }),
  });
  expect(applied.decision.outcome, JSON.stringify(applied.decision)).toBe('approve');
  return { phone, password, line: applied.line as LineJson };
}

describeInBrowser('consumer credit in a browser', (web) => {
  it('a customer sees the line, draws cash, sees the history; staff freeze it with a reason (en, zh)', async () => {
    const { phone, password, line } = await customerWithLine(web.url);
    const limit = cents(line.limit.amount);
    expect(cents(line.available.amount)).toBe(limit);
    const draw = 100000n; // 1,000.00

    // The customer, in English: the line, then a cash draw with its cost shown before confirming.
    const customer = await web.visitor({ lang: 'en' });
    const page = customer.page;
    await signIn(page, phone, password);
    await web.explained(page, 'credit-line', async () => {
      await page.goto('/credit');
      await page.getByRole('menuitem', { name: 'My credit' }).waitFor();
      await expect
        .poll(() => page.getByTestId('credit-available').textContent(), { timeout: 20_000 })
        .toContain(shown(limit));
      await page.getByRole('table', { name: 'Instalment fees' }).waitFor();
      await page.getByRole('img', { name: /Used credit over time/ }).waitFor();
    });
    await screenshots(page, 'credit-line-en');

    await web.explained(page, 'credit-draw', async () => {
      await page.getByRole('tab', { name: 'Draw cash' }).click();
      await page.getByLabel('Amount', { exact: true }).fill('1000.00');
      // A day's interest at the line's daily rate, computed here, is shown before anything is confirmed.
      await page
        .getByText(shown(dayInterest(draw, line.pricing.dailyRate)), { exact: true })
        .first()
        .waitFor();
      await page.getByText(shown(dayInterest(draw, line.pricing.dailyRate) * 30n), { exact: true }).waitFor();
      await screenshots(page, 'credit-draw-en');
      await page.getByRole('button', { name: 'Review the draw' }).click();
      await settled(page.getByRole('dialog', { name: 'Confirm the draw' }));
      await page.getByRole('button', { name: 'Draw now' }).click();
      await page.getByText('¥1,000.00 drawn').waitFor();
    });
    const after = (await (await page.request.get(`/v1/credit/lines/${line.id}`)).json()) as LineJson;
    expect(cents(after.used.amount)).toBe(draw);
    expect(cents(after.available.amount)).toBe(limit - draw);

    await web.explained(page, 'credit-history', async () => {
      await page.getByRole('tab', { name: 'My line' }).click();
      await expect
        .poll(() => page.getByTestId('credit-available').textContent(), { timeout: 20_000 })
        .toContain(shown(limit - draw));
      const history = page.getByRole('table', { name: 'History' });
      const drawRow = history.getByRole('row').filter({ hasText: 'Cash draw' });
      await drawRow.first().waitFor();
      expect(await drawRow.count()).toBe(1);
      expect(await drawRow.textContent()).toContain('¥1,000.00');
      expect(await drawRow.textContent()).toContain('You');
      await history.getByRole('row').filter({ hasText: 'Line granted' }).waitFor();
    });
    await screenshots(page, 'credit-history-en');

    // The same page in Chinese.
    await page.getByTestId('language-switch').click();
    await web.explained(page, 'credit-zh', async () => {
      await page.getByRole('tab', { name: '我的额度' }).waitFor();
      await page.getByText('可用额度').first().waitFor();
      const history = page.getByRole('table', { name: '额度记录' });
      const drawRow = history.getByRole('row').filter({ hasText: '借现金' });
      await drawRow.first().waitFor();
      expect(await drawRow.count()).toBe(1);
      expect(await drawRow.textContent()).toContain('本人');
    });
    await screenshots(page, 'credit-line-zh');

    // Back in English, the customer pays a merchant's order with credit in 3 instalments: the fee, each
    // instalment and the APR are shown before confirming.
    await page.getByTestId('language-switch').click();
    const merchant = await call(web.url, '/v1/auth/sign-in', {
      method: 'POST',
      body: JSON.stringify({ phone: '13600000001', password: 'netfin2026' }),
    });
    const order = await call(web.url, '/v1/merchant/orders', {
      method: 'POST',
      token: merchant.token,
      body: JSON.stringify({ amount: { amount: '150.00', currency: 'CNY' }, description: 'Desk lamp' }),
    });
    const price = 15000n;
    const threeMonths = line.pricing.instalments.find((o) => o.months === 3)!;
    const fee = dayInterest(price, threeMonths.feeRate); // amount × fee share, half up
    const each = price / 3n + fee / 3n; // equal parts; 150.00 and its fee split evenly here
    expect((price % 3n) + (fee % 3n)).toBe(0n);
    await web.explained(page, 'credit-checkout', async () => {
      await page.goto(`/pay/${order.id}`);
      await page.getByText('Desk lamp').first().waitFor();
      await page.getByRole('tab', { name: 'Pay with credit' }).click();
      const options = page.getByRole('table', { name: 'Ways to pay with credit' });
      const three = options.getByRole('row').filter({ hasText: '3 instalments' });
      await three.waitFor();
      expect(await three.textContent()).toContain(shown(fee));
      expect(await three.textContent()).toContain(`${shown(each)}, then ${shown(each)} × 2`);
      expect(await three.textContent()).toContain(shown(price + fee));
      await three.getByRole('radio').check();
      await screenshots(page, 'credit-checkout-en');
      await page.getByRole('button', { name: 'Review the payment' }).click();
      const dialog = page.getByRole('dialog', { name: 'Confirm payment with credit' });
      await settled(dialog);
      await dialog.getByRole('button', { name: 'Pay with credit' }).click();
      await page.getByText('Paid with credit').waitFor();
      await page.goto('/credit?tab=plans');
      await page.getByText('Purchase in instalments').first().click();
      await page
        .getByRole('table', { name: 'Schedule' })
        .getByRole('row')
        .filter({ hasText: 'No. 3' })
        .waitFor();
    });
    const paid = (await (await page.request.get(`/v1/credit/lines/${line.id}`)).json()) as LineJson;
    expect(cents(paid.used.amount)).toBe(draw + price);

    // A risk officer, in Chinese, finds the line and freezes it with a reason.
    const reason = '多头借贷风险，暂停使用';
    const officer = await web.visitor({ lang: 'zh' });
    await signIn(officer.page, '13800000001');
    const ref = line.id.slice(-8).toUpperCase();
    await web.explained(officer.page, 'credit-staff-freeze', async () => {
      await officer.page.goto('/staff/credit');
      await officer.page.getByRole('combobox', { name: '状态' }).click();
      await officer.page.getByTitle('正常').click();
      await officer.page.getByRole('link', { name: `打开额度 ${ref}` }).click();
      await officer.page.waitForURL(new RegExp(`/staff/credit/lines/${line.id}$`));
      await officer.page.getByRole('heading', { name: `信用额度 ${ref}` }).waitFor();
      await screenshots(officer.page, 'credit-staff-line-zh');
      await officer.page
        .getByRole('button', { name: '冻 结' })
        .or(officer.page.getByRole('button', { name: '冻结' }))
        .first()
        .click();
      const dialog = officer.page.getByRole('dialog');
      await settled(dialog);
      await dialog.getByLabel('原因（客户可见）').fill(reason);
      await dialog.getByRole('button', { name: /^冻 ?结$/ }).click();
      await officer.page.getByText('额度已冻结').first().waitFor();
      await officer.page
        .getByRole('table', { name: '额度记录' })
        .getByRole('row')
        .filter({ hasText: reason })
        .waitFor();
    });
    const staffView = (await (
      await officer.page.request.get(`/v1/credit/staff/lines/${line.id}`)
    ).json()) as {
      line: LineJson;
    };
    expect(staffView.line.status).toBe('frozen');
    expect(staffView.line.frozenReason).toBe(reason);

    // The customer reads the freeze and its reason, in English.
    await web.explained(page, 'credit-frozen', async () => {
      await page.goto('/credit');
      await page.getByText('Your line is frozen').first().waitFor();
      await page.getByText(`Reason: ${reason}`).waitFor();
      const frozenRow = page
        .getByRole('table', { name: 'History' })
        .getByRole('row')
        .filter({ hasText: 'Frozen' });
      await frozenRow.first().waitFor();
      expect(await frozenRow.count()).toBe(1);
      expect(await frozenRow.textContent()).toContain('Staff');
    });
    await screenshots(page, 'credit-frozen-en');

    expect(customer.problems).toEqual([]);
    expect(officer.problems).toEqual([]);
    await customer.context.close();
    await officer.context.close();
  }, 240_000);
});
