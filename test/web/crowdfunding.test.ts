import { expect, it } from 'vitest';
import { axeViolations, call, describeInBrowser, screenshots, signIn, tokenOf } from './browser.ts';

/**
 * Crowdfunding in a real browser (issue 25), in Chinese: a visitor finds a live project from the
 * home page's header, opens it, is asked to sign in to back it and comes back to it; signed in as a
 * demo investor they pick a reward and confirm with the payment password, and the raised amount and
 * the backers count go up. The creator posts an update from their project's page and it shows on the
 * public page. A page of each kind (visitor, customer, staff) passes axe; no console errors anywhere.
 *
 * The project is made here through the API (a verified demo borrower creates and submits it, the
 * demo risk officer approves it, the creator launches it now), so that the test does not depend on
 * what the demo holds.
 */

const CREATOR = '13700000002';
const BACKER = '13900000001';
const RISK_OFFICER = '13800000001';
const PAYMENT_PASSWORD = '246813';

async function liveProject(base: string, title: string): Promise<string> {
  const creator = await tokenOf(base, CREATOR);
  const project = await call(base, '/v1/crowdfunding/projects', {
    method: 'POST',
    token: creator,
    body: JSON.stringify({
      title,
      story:
        '<p>We grow <strong>white tea</strong> on a hillside in Fujian.</p><h2>What the money is for</h2><ul><li>A drying room</li><li>Packaging</li></ul>',
      images: [],
      category: 'food',
      target: { amount: '5000.00', currency: 'CNY' },
      durationDays: 30,
      tiers: [
        {
          title: '一盒白茶',
          description: '100 克当季白茶',
          price: { amount: '88.00', currency: 'CNY' },
          quantity: 50,
          deliveryMonth: '2027-05',
          shipping: true,
        },
      ],
      payout: { kind: 'all' },
    }),
  });
  await call(base, `/v1/crowdfunding/projects/${project.id}/submit`, {
    method: 'POST',
    token: creator,
    body: '{}',
  });
  await call(base, `/v1/crowdfunding/staff/projects/${project.id}/review`, {
    method: 'POST',
    token: await tokenOf(base, RISK_OFFICER),
    body: JSON.stringify({ decision: 'approve' }),
  });
  await call(base, `/v1/crowdfunding/projects/${project.id}/schedule`, {
    method: 'POST',
    token: creator,
    body: JSON.stringify({ launchAt: new Date().toISOString() }),
  });
  return project.id as string;
}

describeInBrowser('crowdfunding in a browser', (web) => {
  it('a visitor finds a project and backs it after signing in; the creator posts an update (zh, axe)', async () => {
    const title = `白茶山的新烘干房 ${Date.now() % 100_000}`;
    const id = await liveProject(web.url, title);
    const violations: string[] = [];

    // A visitor, from the public home page's header, to the list and the project.
    const visitor = await web.visitor({ lang: 'zh', bypassCSP: true });
    const page = visitor.page;
    await web.explained(page, 'cf-list', async () => {
      await page.goto('/');
      await page.getByRole('navigation', { name: '网站导航' }).getByRole('link', { name: '众筹' }).click();
      await page.waitForURL(/\/crowdfunding$/);
      await page.getByRole('heading', { name: '众筹', level: 3 }).waitFor();
      const card = page.getByTestId('cf-project-card').filter({ hasText: title });
      await card.waitFor();
      // The category in the page's language, the progress and the days left.
      expect(await card.textContent()).toContain('美食');
      expect(await card.textContent()).toContain('0 位支持者');
      expect(await card.textContent()).toMatch(/剩 (29|30) 天/);
      // The pointer off the link it clicked: axe checks the page at rest, not a hovered link's colour.
      await page.mouse.move(0, 0);
      violations.push(...(await axeViolations(page, 'project list (visitor)')));
      await screenshots(page, 'crowdfunding-list-zh');
      await card.getByRole('link', { name: title }).click();
      await page.waitForURL(new RegExp(`/crowdfunding/projects/${id}$`));
      await page.getByRole('heading', { name: '项目故事' }).waitFor();
      // The story's markup is rendered as elements: a heading and a list, not as text.
      await page.getByRole('heading', { name: 'What the money is for' }).waitFor();
      await page.getByRole('listitem').filter({ hasText: 'A drying room' }).waitFor();
      await page.getByText('剩 50 份（共 50 份）').waitFor();
      expect(await page.getByTestId('cf-pledged').textContent()).toBe('¥0.00');
      expect(await page.getByTestId('cf-backers').textContent()).toBe('0');
      violations.push(...(await axeViolations(page, 'project page (visitor)')));
      await screenshots(page, 'crowdfunding-project-zh');
    });

    // Backing asks the visitor to sign in, and brings them back to the project.
    await web.explained(page, 'cf-back', async () => {
      await page.getByRole('button', { name: '支持该项目' }).click();
      await page.waitForURL(/\/sign-in\?next=/);
      await signIn(page, BACKER);
      await page.waitForURL(new RegExp(`/crowdfunding/projects/${id}$`));
      const form = page.locator('#back');
      await form.getByRole('radio', { name: /一盒白茶/ }).check();
      await form.getByRole('button', { name: '下一步' }).click();
      await form.getByLabel('支付密码').fill(PAYMENT_PASSWORD);
      await form.getByRole('button', { name: '确认并冻结 ¥88.00' }).click();
      await page.getByText('已支持该项目 ¥88.00').waitFor();
      await expect.poll(() => page.getByTestId('cf-pledged').textContent()).toBe('¥88.00');
      await expect.poll(() => page.getByTestId('cf-backers').textContent()).toBe('1');
      await page.getByText('剩 49 份（共 50 份）').waitFor();
      // The backer's own backing, held, with the cut-off for cancelling.
      await page.getByText('已冻结').first().waitFor();
      await page.getByText(/可在 .+ 前取消/).waitFor();
    });

    // The creator posts an update from the project's page.
    const creator = await web.visitor({ lang: 'zh', bypassCSP: true });
    await signIn(creator.page, CREATOR);
    const update = `烘干房开工了 ${Date.now() % 100_000}`;
    await web.explained(creator.page, 'cf-update', async () => {
      await creator.page.goto('/crowdfunding/mine');
      await creator.page
        .getByRole('link', { name: `管理${title}` })
        .first()
        .click();
      await creator.page.waitForURL(new RegExp(`/crowdfunding/mine/${id}$`));
      await creator.page.getByText('筹款中，截止').waitFor();
      const form = creator.page.locator('form#cf-update');
      await form.getByLabel('标题').fill(update);
      await form.getByLabel('内容').fill('地基已经打好，下个月封顶。');
      violations.push(...(await axeViolations(creator.page, 'my project (customer)')));
      await form.getByRole('button', { name: '发布动态' }).click();
      await creator.page.getByText('已发布，已通知 1 位支持者').waitFor();
      await screenshots(creator.page, 'crowdfunding-manage-zh');
    });

    // A new project's editor opens with its story toolbar (nothing saved).
    await web.explained(creator.page, 'cf-editor', async () => {
      await creator.page.goto('/crowdfunding/mine/new');
      await creator.page.getByRole('heading', { name: '发起项目' }).waitFor();
      await creator.page
        .getByRole('toolbar', { name: '格式' })
        .getByRole('button', { name: '加粗' })
        .waitFor();
      await creator.page.getByRole('textbox', { name: '项目故事' }).waitFor();
    });

    // The update on the public page, as the backer sees it.
    await web.explained(page, 'cf-update-shown', async () => {
      await page.goto(`/crowdfunding/projects/${id}`);
      await page.getByRole('heading', { name: update }).waitFor();
      await page.getByText('地基已经打好，下个月封顶。').waitFor();
    });

    // Staff: the crowdfunding console, in Chinese.
    const staff = await web.visitor({ lang: 'zh', bypassCSP: true });
    await signIn(staff.page, RISK_OFFICER);
    await web.explained(staff.page, 'cf-staff', async () => {
      await staff.page.goto('/staff/crowdfunding?tab=all');
      await staff.page.getByRole('heading', { name: '众筹管理' }).waitFor();
      await staff.page
        .getByRole('link', { name: `打开 ${title}` })
        .first()
        .click();
      await staff.page.getByRole('heading', { name: '发起人风控建议' }).waitFor();
      await staff.page.getByText('支持者 1').first().waitFor();
      violations.push(...(await axeViolations(staff.page, 'project (staff)')));
      await screenshots(staff.page, 'crowdfunding-staff-zh');
    });

    expect(violations).toEqual([]);
    expect([...visitor.problems, ...creator.problems, ...staff.problems]).toEqual([]);
  }, 180_000);
});
