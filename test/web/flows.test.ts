import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { withCheckCharacter, withLuhnDigit } from '../../src/identity/index.ts';
import { axeViolations, describeInBrowser, SCREENSHOTS, screenshots, signIn } from './browser.ts';

/**
 * What a person does with netfin in a real browser, after `npm start` on a fresh embedded database
 * (with its demo data), at phone and desk widths. Each flow fails on a console or page error.
 */

let serial = Date.now() % 1_000_000;
const digits = (n: number, width: number) => String(n).padStart(width, '0').slice(-width);
/** A fresh mobile number (none of the demo's), a valid ID card number, a card with a Luhn digit. */
const newPhone = () => `1391${digits(++serial, 7)}`;
const newIdNumber = (sequence: string) => withCheckCharacter(`11010519880808${sequence}`);
const newCard = () => withLuhnDigit(`622202${digits(++serial, 12)}`);

const cents = (amount: string) => {
  const [whole = '0', fraction = ''] = amount.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
};
const yuan = (value: bigint) => `${value / 100n}.${digits(Number(value % 100n), 2)}`;

/** Signs up through the form, reading the SMS code from the demo inbox on the page. */
async function signUp(page: Page, phone: string, password: string): Promise<void> {
  await page.goto('/sign-up');
  await page.getByLabel('Mobile number').fill(phone);
  await page.getByRole('button', { name: 'Get code' }).click();
  const inbox = page.getByTestId('dev-inbox');
  await expect
    .poll(async () => /\d{6}/.test((await inbox.textContent()) ?? ''), { timeout: 15_000 })
    .toBe(true);
  const code = /(\d{6})/.exec((await inbox.textContent()) ?? '')![1]!;
  await page.getByLabel('SMS code').fill(code);
  await page.getByLabel('Password').fill(password);
  // The agreement is required: without the box ticked the form says so and stays.
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByText('Please read and accept the User Agreement and the Privacy Policy').first().waitFor();
  await page.getByRole('checkbox', { name: /I have read and agree to the User Agreement/ }).check();
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL((url) => url.pathname === '/');
}

async function verifyIdentity(page: Page, name: string, idNumber: string): Promise<void> {
  await page.goto('/account?tab=identity');
  await page.getByLabel('Real name').fill(name);
  await page.getByLabel('ID card number').fill(idNumber);
  await page.getByRole('button', { name: 'Verify identity' }).click();
  await page.getByText('Identity verified').first().waitFor();
}

async function bindCard(page: Page): Promise<void> {
  await page.goto('/account?tab=cards');
  await page.getByRole('button', { name: 'Bind a card' }).click();
  await page.getByLabel('Card number').fill(newCard());
  const reserved = newPhone();
  await page.getByLabel('Phone number reserved at the bank').fill(reserved);
  await page.getByRole('button', { name: 'Send code' }).click();
  const inbox = page.getByTestId('dev-inbox');
  await expect
    .poll(async () => /\d{6}/.test((await inbox.textContent()) ?? ''), { timeout: 15_000 })
    .toBe(true);
  await page.getByLabel('SMS code').fill(/(\d{6})/.exec((await inbox.textContent()) ?? '')![1]!);
  await page.getByRole('button', { name: 'Confirm card' }).click();
  await page.getByText('Active').first().waitFor();
}

async function topUp(page: Page, amount: string): Promise<void> {
  await page.goto('/wallet');
  await page.getByLabel('Amount').fill(amount);
  await page.getByRole('button', { name: 'Top up', exact: true }).click();
  await page.getByText('Top-up succeeded').waitFor({ timeout: 45_000 });
}

/** The answers that make the most adventurous investor (C5): the last option of every question. */
async function assessRisk(page: Page): Promise<void> {
  await page.goto('/account?tab=risk');
  const groups = page.getByRole('radiogroup');
  await groups.first().waitFor();
  for (let i = 0; i < (await groups.count()); i++) await groups.nth(i).getByRole('radio').last().check();
  await page.getByRole('button', { name: 'Submit answers' }).click();
  await page.getByText(/C5/).first().waitFor();
}

async function invest(page: Page, loanId: string, amount: string): Promise<void> {
  await page.goto(`/market/${loanId}`);
  await page.getByLabel('Investment amount').fill(amount);
  await page.getByRole('button', { name: 'Invest', exact: true }).click();
  await page.getByRole('button', { name: 'Confirm investment' }).click();
  await page.getByText(/You invested/).waitFor();
}

/** What a listing still needs, from the public API. */
async function remaining(base: string, loanId: string): Promise<bigint> {
  const listing = (await (await fetch(`${base}/v1/lending/listings/${loanId}`)).json()) as {
    loan: { amount: { amount: string }; raised: { amount: string }; status: string };
  };
  return listing.loan.status === 'listing'
    ? cents(listing.loan.amount.amount) - cents(listing.loan.raised.amount)
    : 0n;
}

describeInBrowser('netfin in a browser', (web) => {
  beforeAll(() => {
    console.log(`browser tests: screenshots in ${SCREENSHOTS}`);
  });

  it('switches the interface to English and back, and remembers the choice', async () => {
    const { context, page, problems } = await web.visitor();
    await page.goto('/sign-in');
    await expect.poll(() => page.getByRole('heading', { name: '登录 netfin' }).count()).toBe(1);
    await page.getByRole('button', { name: '语言' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in to netfin' }).count()).toBe(1);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await screenshots(page, 'language-en');
    await page.reload();
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in to netfin' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Language' }).click();
    await expect.poll(() => page.getByRole('heading', { name: '登录 netfin' }).count()).toBe(1);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    // A link may choose the language.
    await page.goto('/sign-up?lang=en');
    await expect
      .poll(() => page.getByRole('heading', { name: 'Create your netfin account' }).count())
      .toBe(1);
    await screenshots(page, 'sign-up-en');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a new customer signs up, verifies, binds a card, tops up, invests and sees the note', async () => {
    const { context, page, problems } = await web.visitor({ lang: 'en' });
    await signUp(page, newPhone(), 'investor2026');
    await verifyIdentity(page, '韩梅梅', newIdNumber('426'));
    await bindCard(page);
    await screenshots(page, 'investor-card');
    await topUp(page, '6000.00');
    await expect.poll(async () => page.getByTestId('wallet-balance').textContent()).toContain('6,000.00');
    await screenshots(page, 'investor-wallet');
    await assessRisk(page);

    // The demo's listing that is filling: take half of it (the most one investor may).
    await page.goto('/market');
    await page
      .getByRole('button', { name: /View listing/ })
      .first()
      .click();
    await page.waitForURL(/\/market\/[0-9a-f-]{36}$/);
    const loanId = page.url().split('/').pop()!;
    await screenshots(page, 'investor-listing');
    await invest(page, loanId, '5000.00');

    // Two demo investors fill the rest through the app; the loan is disbursed.
    for (const phone of ['13900000003', '13900000004']) {
      const left = await remaining(web.url, loanId);
      if (left === 0n) break;
      const other = await web.visitor({ lang: 'en' });
      await signIn(other.page, phone);
      await invest(other.page, loanId, yuan(left < 500000n ? left : 500000n));
      expect(other.problems).toEqual([]);
      await other.context.close();
    }
    expect(await remaining(web.url, loanId)).toBe(0n);

    await page.goto('/investments');
    await page
      .getByRole('link', { name: new RegExp(loanId.slice(-8)) })
      .first()
      .waitFor();
    await screenshots(page, 'investor-notes');
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);

  it('a borrower applies, is approved, the loan fills and is disbursed, and the first instalment is repaid', async () => {
    const { context, page, problems } = await web.visitor({ lang: 'en' });
    await signUp(page, newPhone(), 'borrower2026');
    // Born 1985-06-15 in Beijing, as the demo borrowers are: the default policy approves them.
    await verifyIdentity(page, '李明', withCheckCharacter('11010519850615331'));
    await page.goto('/borrow');
    // The personal loan: the demo's business loan waits for a second review after it fills.
    await page.getByLabel('Product').click();
    await page
      .getByTitle(/Personal loan/)
      .last()
      .click();
    await page.getByLabel('Loan amount').fill('1000.00');
    await page.getByLabel('Purpose').click();
    await page.getByTitle('Education').click();
    await page.getByLabel('Monthly income').fill('15000.00');
    await page.getByRole('table', { name: 'Repayment schedule preview' }).waitFor();
    await screenshots(page, 'borrower-apply');
    await web.explained(page, 'borrower-decision', async () => {
      await page.getByRole('checkbox', { name: /obtain my credit report/ }).check();
      await page.getByRole('button', { name: 'Submit application' }).click();
      await page.getByText('Approved').first().waitFor();
    });
    await screenshots(page, 'borrower-decision');
    await page.getByRole('button', { name: 'Follow the listing' }).click();
    await page.waitForURL(/\/market\/[0-9a-f-]{36}$/);
    const loanId = page.url().split('/').pop()!;

    // Investors fill it (auto-invest may have taken a share already).
    for (const phone of ['13900000003', '13900000004', '13900000002']) {
      const left = await remaining(web.url, loanId);
      if (left === 0n) break;
      const investor = await web.visitor({ lang: 'en' });
      await signIn(investor.page, phone);
      await invest(investor.page, loanId, yuan(left < 50000n ? left : 50000n));
      expect(investor.problems).toEqual([]);
      await investor.context.close();
    }
    expect(await remaining(web.url, loanId)).toBe(0n);

    await web.explained(page, 'borrower-repay', async () => {
      await page.goto(`/loans/${loanId}`);
      await page.getByRole('button', { name: 'Repay now' }).click();
      await page.getByRole('button', { name: 'Confirm repayment' }).click();
      await page
        .getByText(/Repaid ¥/)
        .first()
        .waitFor();
      await page.getByText('Paid').first().waitFor();
    });
    await screenshots(page, 'borrower-repaid');
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);

  it('a risk officer approves a referred application', async () => {
    const { context, page, problems } = await web.visitor({ lang: 'en' });
    await signIn(page, '13800000001');
    await page.goto('/staff/reviews');
    await page
      .getByRole('link', { name: /^Open / })
      .first()
      .click();
    await page.waitForURL(/\/staff\/reviews\/[0-9a-f-]{36}$/);
    const decisionId = page.url().split('/').pop()!;
    await screenshots(page, 'risk-review');
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByText('This review is closed.').waitFor();
    // Staff read words, not the platform's internals: no snake_case or camelCase keys, no ids, no
    // amounts in minor units (the decision, the inputs, the reasons and who acted).
    const shown = await page.locator('main').innerText();
    expect(shown).not.toMatch(/\b[a-z]+(?:_[a-z0-9]+)+\b/);
    expect(shown).not.toMatch(/\b[a-z]+[A-Z][A-Za-z]*\b/);
    expect(shown).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    expect(shown).not.toMatch(/\b\d{5,}\b(?![.,]\d)/);
    const review = await page.request.get(`/v1/risk/reviews/${decisionId}`);
    expect(review.status()).toBe(200);
    expect(JSON.stringify(await review.json())).toContain('approved');
    await screenshots(page, 'risk-review-approved');
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('a risk officer opens a decision graph: the editor fills the page, nothing scrolls, its labels in Chinese', async () => {
    const { context, page, problems } = await web.visitor({ lang: 'zh' });
    await signIn(page, '13800000001');
    await page.goto('/staff/graphs');
    await page
      .getByRole('link', { name: /^打开 / })
      .first()
      .click();
    await page.waitForURL(/\/staff\/graphs\/[0-9a-f-]{36}$/);
    const editor = page.getByRole('region', { name: '决策流编辑器' });
    await editor.locator('.react-flow__node').first().waitFor();
    for (const size of [
      { width: 1280, height: 800 },
      { width: 1440, height: 900 },
    ]) {
      await page.setViewportSize(size);
      // Within the content area, down to its bottom padding (24 px) and the card's border: the page
      // scrolls neither way.
      await expect
        .poll(async () => {
          const box = (await editor.boundingBox())!;
          const main = (await page.locator('main').boundingBox())!;
          return {
            sideways: await page.evaluate('document.scrollingElement.scrollWidth - window.innerWidth'),
            down: await page.evaluate('document.scrollingElement.scrollHeight - window.innerHeight'),
            inside: box.x >= main.x && box.x + box.width <= main.x + main.width,
            gapBelow: Math.round(size.height - (box.y + box.height)),
          };
        })
        .toEqual({ sideways: 0, down: 0, inside: true, gapBelow: 25 });
    }
    // The editor's own labels (English string literals in @gorules/jdm-editor) in the page's language:
    // the node cards' buttons, React Flow's controls; the names of the demo's nodes as written.
    await editor.getByRole('button', { name: '编辑表格' }).first().waitFor();
    expect(await editor.getByRole('button', { name: 'Edit Table' }).count()).toBe(0);
    await editor.getByRole('button', { name: '放大' }).waitFor();
    await editor.locator('.react-flow__node').getByText('Anti-fraud rules', { exact: true }).waitFor();
    await page.getByRole('button', { name: '编辑器说明' }).click();
    await page.getByText('决策流的输入，即申请的数据').waitFor();
    await screenshots(page, 'risk-graph-editor');

    // A draft has the components panel: the kinds of node in Chinese.
    await page.getByRole('button', { name: '以此版本新建草稿' }).click();
    await page.getByRole('button', { name: '保存草稿' }).waitFor();
    const panel = editor.locator('.grl-dg__aside__menu');
    await panel.getByText('组件', { exact: true }).waitFor();
    for (const kind of ['请求', '响应', '决策表', '表达式', '函数', '分支', '评分卡'])
      await panel.getByText(kind, { exact: true }).waitFor();
    // A node a person names like a label ("Request") keeps its name as written.
    const node = editor.locator('.react-flow__node').first();
    await node.locator('.grl-text-edit__text').click();
    await node.getByRole('textbox').fill('Request');
    await node.getByRole('textbox').press('Enter');
    await node.getByText('Request', { exact: true }).waitFor();
    await node.getByRole('button', { name: '配置' }).waitFor();
    expect(await panel.getByText('Request', { exact: true }).count()).toBe(0);
    // Back in English the editor's labels are its own again, and the name is unchanged.
    await page.getByRole('button', { name: '语言' }).click();
    const editorEn = page.getByRole('region', { name: 'Decision graph editor' });
    const panelEn = editorEn.locator('.grl-dg__aside__menu');
    await panelEn.getByText('Components', { exact: true }).waitFor();
    await panelEn.getByText('Decision table', { exact: true }).waitFor();
    await editorEn.getByRole('button', { name: 'Edit Table' }).first().waitFor();
    await editorEn.getByRole('button', { name: 'zoom in' }).waitFor();
    expect(await editorEn.locator('.react-flow__node .grl-text-edit').first().innerText()).toBe('Request');
    expect(await editorEn.getByText('编辑表格').count()).toBe(0);
    // jdm-editor 1.52's own components read element.ref when a draft's node is edited, which React 19
    // reports as a console error; that one message is the library's (docs/web.md), any other fails.
    expect(problems.filter((p) => !p.includes('Accessing element.ref was removed in React 19'))).toEqual([]);
    await context.close();
  }, 120_000);

  it('a collector opens a case and logs a promise to pay (within the contact hours)', async () => {
    const { context, page, problems } = await web.visitor({ lang: 'en' });
    await signIn(page, '13800000002');
    const { businessDate } = (await (await page.request.get('/v1/batch/business-date')).json()) as {
      businessDate: string;
    };
    const promiseDate = new Date(Date.parse(`${businessDate}T00:00:00Z`) + 3 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    await page.goto('/staff/collections');
    await page
      .getByRole('link', { name: /^Open case/ })
      .first()
      .click();
    await page.waitForURL(/\/staff\/collections\/[0-9a-f-]{36}$/);
    const logPromise = async () => {
      await page.getByRole('radio', { name: 'Phone' }).check();
      await page.getByRole('radio', { name: 'Borrower' }).check();
      await page.getByRole('radio', { name: 'Promise to pay' }).check();
      await page.getByLabel('Promise amount').fill('100.00');
      await page.getByLabel('Promise date').fill(promiseDate);
      await page.getByLabel('Promise date').press('Tab');
      await page.getByRole('button', { name: 'Log contact' }).click();
    };
    const hour = Number(
      new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', hour: 'numeric', hourCycle: 'h23' }).format(
        new Date(),
      ),
    );
    if (hour < 8 || hour >= 21) {
      // Outside 08:00-21:00 in the borrower's time zone the conduct rules refuse the contact, and
      // the page says why; the supervisor then widens the hours (as an operator might for a test).
      await logPromise();
      await page
        .getByText(/contact hours|08:00/)
        .first()
        .waitFor();
      const supervisor = await web.visitor({ lang: 'en' });
      await signIn(supervisor.page, '13800000004');
      const settings = await (await supervisor.page.request.get('/v1/collections/settings')).json();
      const widened = await supervisor.page.request.put('/v1/collections/settings', {
        data: { ...settings, conduct: { ...settings.conduct, earliestHour: 0, latestHour: 24 } },
        headers: { 'idempotency-key': crypto.randomUUID() },
      });
      expect(widened.status()).toBe(200);
      await supervisor.context.close();
      await page.reload();
    }
    await logPromise();
    await page.getByText('Contact logged').first().waitFor();
    await page.getByText('Pending').first().waitFor();
    // The number stays masked; "Call" logs the attempt, which the contact history then shows.
    await page.getByRole('button', { name: 'Call Borrower' }).click();
    await page
      .getByText(/^Dialling \d{3}\*{4}\d{4}/)
      .first()
      .waitFor();
    await page.getByRole('cell', { name: 'Dialled' }).first().waitFor();
    // Its outcome is logged against the call, which the form offers first: one contact, not two.
    await page.getByRole('radio', { name: /^The call at \d{2}:\d{2}$/, checked: true }).waitFor();
    await page.getByRole('radio', { name: 'No answer' }).check();
    await page.getByRole('button', { name: 'Log contact' }).click();
    // Once logged, the call has its outcome and the form no longer offers it.
    await page.getByRole('radio', { name: /^The call at/ }).waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'No answer' }).first().waitFor();
    const caseId = new URL(page.url()).pathname.split('/').pop();
    const { contacts } = (await (await page.request.get(`/v1/collections/cases/${caseId}`)).json()) as {
      contacts: { id: string; outcome: string; callId: string | null }[];
    };
    expect(contacts[0]).toMatchObject({ outcome: 'no_answer', callId: contacts[1]!.id });
    expect(contacts[1]).toMatchObject({ outcome: 'dialled' });
    await screenshots(page, 'collections-case');
    expect(problems.filter((problem) => !/422/.test(problem))).toEqual([]);
    await context.close();
  }, 120_000);

  it('a merchant creates an order and a customer pays it by its QR payload', async () => {
    const merchant = await web.visitor({ lang: 'en' });
    await signIn(merchant.page, '13600000001');
    await merchant.page.goto('/merchant');
    await merchant.page.getByLabel('Amount', { exact: true }).fill('25.00');
    await merchant.page.getByLabel('Description').fill('Flat white');
    await merchant.page.getByRole('button', { name: 'Create order' }).click();
    const payload = (await merchant.page.getByTestId('qr-payload').textContent())!.trim();
    expect(payload).toMatch(/^netfin:pay:/);
    await merchant.page.getByRole('img', { name: /QR code for order/ }).waitFor();
    await screenshots(merchant.page, 'merchant-order-qr');

    const customer = await web.visitor({ lang: 'en' });
    await signIn(customer.page, '13500000001');
    await customer.page.goto('/pay');
    await customer.page.getByLabel('QR payload').fill(payload);
    await customer.page.getByRole('button', { name: 'Read code' }).click();
    await customer.page.getByText('Flat white').first().waitFor();
    await customer.page.getByRole('button', { name: 'Pay with wallet' }).click();
    await customer.page.getByText('Payment succeeded').first().waitFor();
    await screenshots(customer.page, 'customer-paid');

    await merchant.page.getByRole('button', { name: 'Close' }).first().click();
    await merchant.page.reload();
    await merchant.page.getByText('Flat white').first().waitFor();
    await screenshots(merchant.page, 'merchant-orders');
    expect(merchant.problems).toEqual([]);
    expect(customer.problems).toEqual([]);
    await merchant.context.close();
    await customer.context.close();
  }, 120_000);

  it("an investor's wallet statement shows the top-up, an investment and a repayment received with their counterparts, and exports CSV", async () => {
    const { context, page, problems } = await web.visitor({ lang: 'en' });
    await signIn(page, '13900000001');
    const statement = page.getByRole('tabpanel', { name: 'Statement' });
    // The investment: money out, to a loan, its link opening the listing.
    const filterKinds = async (names: string[]) => {
      await page.goto('/wallet');
      await statement.getByRole('row').nth(1).waitFor();
      for (const name of names) {
        await page.getByLabel('Type').pressSequentially(name);
        await page.keyboard.press('Enter');
      }
      await page.keyboard.press('Escape');
    };
    await filterKinds(['Investment in a loan']);
    const investment = statement.getByRole('row').filter({ hasText: 'Investment in a loan' }).first();
    await investment.waitFor();
    expect(await investment.textContent()).toMatch(/−¥[\d,]+\.\d\d/);
    await investment.getByRole('link', { name: /^Loan: open the loan$/ }).waitFor();
    // A repayment received: money in, from a loan's note.
    await filterKinds(['Principal repaid to you', 'Top-up']);
    const received = statement.getByRole('row').filter({ hasText: 'Principal repaid to you' }).first();
    await received.waitFor();
    expect(await received.textContent()).toMatch(/\+¥[\d,]+\.\d\d/);
    expect(await received.textContent()).toContain('Loan note');
    const topUp = statement.getByRole('row').filter({ hasText: 'Top-up' }).first();
    await topUp.waitFor();
    expect(await topUp.textContent()).toContain('Bank card');
    expect(await topUp.textContent()).toContain('+¥50,000.00');
    await screenshots(page, 'investor-wallet-statement');
    // The CSV of what the filters keep: a file with its header and a line per movement shown.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Export CSV/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('wallet-statement.csv');
    const file = readFileSync((await download.path())!, 'utf8');
    expect(file.charCodeAt(0)).toBe(0xfeff);
    const lines = file.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toContain('Time,Business date,Kind');
    expect(lines.some((line) => line.includes(',Top-up,In,50000.00,'))).toBe(true);
    expect(lines.some((line) => line.includes(',Principal repaid to you,In,'))).toBe(true);
    expect(lines.every((line, i) => i === 0 || !/Investment in a loan/.test(line))).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('meets WCAG 2 AA on a page of each kind, in both themes (axe-core)', async () => {
    // One page for each layout and kind of content, not every page: a page is one of these frames
    // filled with the same Ant Design components in the same theme tokens (App.tsx), and each check
    // costs seconds. The visitor's and an investor's home are checked in home.test.ts, the wealth
    // pages in wealth.test.ts. Light in English, dark in Chinese: the contrast depends on the theme.
    const pages: Record<string, { path: string; ready?: (page: Page, dark: boolean) => Promise<void> }[]> = {
      // The sign-in frame, outside the app's shell: its form, the demo accounts, the switches.
      '': [{ path: '/sign-in' }],
      '13900000001': [
        // The customer's shell and menu; a form, tabs and the statement with money in and out colours.
        { path: '/wallet' },
        // Statistics, tabs and the notes table with its state tags.
        { path: '/investments' },
        // The longest form: selects, number inputs, a consent box and the schedule preview.
        { path: '/borrow' },
      ],
      '13800000000': [
        // The staff shell and menu, with the dashboard's figures and charts.
        {
          path: '/staff/dashboard',
          ready: (page, dark) =>
            page.getByRole('heading', { name: dark ? '消费信贷' : 'Consumer credit' }).waitFor(),
        },
        // A staff queue: filters, a paged table, the buckets' tags.
        { path: '/staff/collections' },
        // An administration list: a search, the users' role tags, the actions on each row.
        { path: '/staff/users' },
      ],
    };
    const found: string[] = [];
    for (const theme of ['light', 'dark'] as const) {
      const dark = theme === 'dark';
      for (const [phone, paths] of Object.entries(pages)) {
        const visitor = await web.visitor({ lang: dark ? 'zh' : 'en', theme, bypassCSP: true });
        if (phone) await signIn(visitor.page, phone);
        for (const { path, ready } of paths) {
          await visitor.page.goto(path);
          await visitor.page.waitForLoadState('networkidle');
          await ready?.(visitor.page, dark);
          found.push(...(await axeViolations(visitor.page, `${theme} ${path}`)));
        }
        expect(visitor.problems).toEqual([]);
        await visitor.context.close();
      }
    }
    expect(found).toEqual([]);
  }, 300_000);
});
