import { beforeAll, expect, it } from 'vitest';
import { call, describeInBrowser, pageJson as json, screenshots, signIn, tokenOf } from './browser.ts';

/**
 * Paying a merchant from the money-market fund in a real browser (issue 18), against the demo data:
 * the investor 13900000001, who holds about 15,000 units of 零钱盈 / netfin Cash+, opens a merchant's
 * order, sees the fund as a way to pay with the units available and today's quick quota left, is
 * asked for the payment password above the password-free limit, pays, and sees it paid; the API then
 * shows the order paid, the units fallen by exactly the amount, the wallet unchanged and a quick
 * redemption for the order. In Chinese a small order is paid without the password; an order above
 * the quota left today shows the fund with a warning and no way to pay from it.
 */
interface Money {
  amount: string;
  currency: string;
}
interface Holding {
  units: Money;
  available: Money;
  orders: { kind: string; mode: string | null; purpose: string; reference: string | null; amount: Money }[];
}
interface Overview {
  quick: { left: Money; investorLeft: Money };
  terms: { quickPerInvestorPerDay: Money };
}

/** "15,123.45" and friends as exact cents, never through a float. */
const cents = (text: string): bigint => {
  const [whole = '0', fraction = ''] = text.replaceAll(',', '').split('.');
  return BigInt(whole + fraction.padEnd(2, '0').slice(0, 2));
};
/** Cents as the app writes a unit count or an amount without its symbol: grouped, two places. */
const shown = (value: bigint): string => {
  const whole = (value / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${whole}.${(value % 100n).toString().padStart(2, '0')}`;
};
const text = (value: bigint): string => `${value / 100n}.${(value % 100n).toString().padStart(2, '0')}`;

describeInBrowser('paying from the fund in a browser', (web) => {
  let merchantToken: string;

  const newOrder = async (amountCents: bigint, description: string): Promise<{ id: string }> =>
    call(web.url, '/v1/merchant/orders', {
      method: 'POST',
      token: merchantToken,
      body: JSON.stringify({ amount: { amount: text(amountCents), currency: 'CNY' }, description }),
    });
  const merchantOrder = async (id: string): Promise<{ status: string; amount: Money }> =>
    call(web.url, `/v1/merchant/orders/${id}`, { token: merchantToken });

  beforeAll(async () => {
    merchantToken = await tokenOf(web.url, '13600000001');
  });

  it('an investor pays a merchant order from the fund, with the password above the free limit (en, zh)', async () => {
    const investor = await web.visitor({ lang: 'en' });
    const page = investor.page;
    await signIn(page, '13900000001');
    const before = await json<Holding>(page, '/v1/me/wealth/mmf');
    const overview = await json<Overview>(page, '/v1/wealth/mmf');
    const wallet = await json<{ available: Money }>(page, '/v1/me/wallet');
    expect(cents(before.available.amount)).toBeGreaterThan(1_000_000n);

    // Above the ¥200.00 password-free limit: the password is asked for.
    const amount = 32_150n; // ¥321.50
    const order = await newOrder(amount, 'Team lunch 团队午餐');
    expect((await merchantOrder(order.id)).status).toBe('awaiting_payment');

    await web.explained(page, 'pay-from-fund-en', async () => {
      await page.goto(`/pay/${order.id}`);
      await page.getByText('Team lunch 团队午餐').first().waitFor();
      await page.getByRole('tab', { name: 'netfin Cash+' }).click();
      await page
        .getByText(`Available in netfin Cash+: ${shown(cents(before.available.amount))} units`)
        .waitFor();
      await expect
        .poll(() => page.getByTestId('fund-quota').textContent())
        .toContain(`¥${shown(cents(overview.quick.left.amount))} of today’s quota is left`);
      await screenshots(page, 'pay-from-fund-en');
      const payButton = page.getByRole('button', { name: 'Pay from netfin Cash+' });
      await payButton.click();
      await page
        .getByRole('alert')
        .filter({ hasText: /payment password/i })
        .waitFor();
      expect((await merchantOrder(order.id)).status).toBe('awaiting_payment');
      await page.getByRole('tabpanel').getByLabel('Payment password').fill('246813');
      await payButton.click();
      await page.getByText('Payment succeeded').first().waitFor();
      await expect
        .poll(() => page.getByRole('status').textContent())
        .toContain(`${shown(amount)} units of netfin Cash+ redeemed to pay`);
      await screenshots(page, 'pay-from-fund-paid-en');
    });

    const paid = await merchantOrder(order.id);
    expect(paid.status).toBe('succeeded');
    expect(cents(paid.amount.amount)).toBe(amount);
    const after = await json<Holding>(page, '/v1/me/wealth/mmf');
    expect(cents(after.units.amount)).toBe(cents(before.units.amount) - amount);
    expect(cents(after.available.amount)).toBe(cents(before.available.amount) - amount);
    const redemption = after.orders.find((o) => o.reference === order.id);
    expect(redemption).toMatchObject({ kind: 'redemption', mode: 'quick', purpose: 'merchant_payment' });
    expect(cents(redemption!.amount.amount)).toBe(amount);
    // The redemption went into the wallet and straight out to the merchant.
    const walletAfter = await json<{ available: Money }>(page, '/v1/me/wallet');
    expect(walletAfter.available.amount).toBe(wallet.available.amount);
    const overviewAfter = await json<Overview>(page, '/v1/wealth/mmf');
    expect(cents(overviewAfter.quick.investorLeft.amount)).toBe(
      cents(overview.quick.investorLeft.amount) - amount,
    );

    // In Chinese, a small order goes without the password.
    const small = 4_500n; // ¥45.00
    const coffee = await newOrder(small, 'Flat white 馥芮白');
    await page.getByTestId('language-switch').click();
    await web.explained(page, 'pay-from-fund-zh', async () => {
      await page.goto(`/pay/${coffee.id}`);
      await page.getByText('Flat white 馥芮白').first().waitFor();
      await page.getByRole('tab', { name: '零钱盈' }).click();
      await page.getByText(`零钱盈可用份额：${shown(cents(after.available.amount))} 份`).waitFor();
      await expect
        .poll(() => page.getByTestId('fund-quota').textContent())
        .toContain(`今日剩余额度 ¥${shown(cents(overviewAfter.quick.left.amount))}`);
      await page.getByRole('button', { name: '用零钱盈支付' }).click();
      await page.getByText('支付成功').first().waitFor();
      await screenshots(page, 'pay-from-fund-paid-zh');
    });
    expect((await merchantOrder(coffee.id)).status).toBe('succeeded');
    const afterSmall = await json<Holding>(page, '/v1/me/wealth/mmf');
    expect(cents(afterSmall.units.amount)).toBe(cents(before.units.amount) - amount - small);

    // An order above the quota left today (within the units held): the fund is shown, with a
    // warning, and cannot be used.
    const quota = await json<Overview>(page, '/v1/wealth/mmf');
    const large = cents(quota.quick.left.amount) + 100n;
    expect(large).toBeLessThanOrEqual(cents(afterSmall.available.amount));
    const sofa = await newOrder(large, 'Sofa 沙发');
    await web.explained(page, 'pay-from-fund-over-quota', async () => {
      await page.goto(`/pay/${sofa.id}`);
      await page.getByText('Sofa 沙发').first().waitFor();
      await page.getByRole('tab', { name: '零钱盈' }).click();
      await expect
        .poll(() => page.getByTestId('fund-quota').textContent())
        .toContain('订单金额超过今日剩余额度');
      expect(await page.getByRole('button', { name: '用零钱盈支付' }).isDisabled()).toBe(true);
    });
    expect((await merchantOrder(sofa.id)).status).toBe('awaiting_payment');

    // The refused first attempt (no password) is the one expected 422 in the console.
    expect(investor.problems.filter((problem) => !/422/.test(problem))).toEqual([]);
    await investor.context.close();
  }, 180_000);

  it('a customer without units sees no fund to pay from', async () => {
    const customer = await web.visitor({ lang: 'en' });
    await signIn(customer.page, '13500000001');
    const holding = await json<Holding>(customer.page, '/v1/me/wealth/mmf');
    expect(holding.available.amount).toBe('0.00');
    const order = await newOrder(1_800n, 'Americano 美式');
    await web.explained(customer.page, 'pay-no-fund', async () => {
      await customer.page.goto(`/pay/${order.id}`);
      await customer.page.getByText('Americano 美式').first().waitFor();
      await customer.page.getByRole('tab', { name: 'Pay with credit' }).waitFor();
      await customer.page.waitForLoadState('networkidle');
      expect(await customer.page.getByRole('tab').count()).toBe(2);
    });
    expect(customer.problems).toEqual([]);
    await customer.context.close();
  }, 60_000);
});
