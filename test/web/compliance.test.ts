import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInBrowser, screenshots, signIn, tokenOf } from './browser.ts';

/**
 * Compliance's pages in a real browser, on the demo data of `npm start` (issue 21): legal finds a
 * loan's contract and its documents, the templates and the review queue; the compliance officer
 * opens the demo's AML case and the watch-list candidate; a borrower finds their contract and their
 * data page. Each page shows what the API says is there, and no page logs an error.
 */
async function get<T>(base: string, token: string, path: string): Promise<T> {
  const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

describeInBrowser('compliance in a browser', (web) => {
  const shows = (page: Page, path: string, text: string, name: string) =>
    web.explained(page, name, async () => {
      await page.goto(path);
      await page.getByText(text, { exact: false }).first().waitFor();
    });

  it('legal, the compliance officer and a borrower each see their part', async () => {
    const base = web.url;
    const legalToken = await tokenOf(base, '13800000007');
    const contracts = await get<{ items: { id: string; number: string }[] }>(
      base,
      legalToken,
      '/v1/contracts?kind=loan&limit=5',
    );
    expect(contracts.items.length).toBeGreaterThan(0);
    const contract = contracts.items[0]!;

    const legal = await web.visitor({ lang: 'en' });
    await signIn(legal.page, '13800000007');
    await shows(legal.page, '/staff/contracts', contract.number, 'staff-contracts');
    await shows(legal.page, `/staff/contracts/${contract.id}`, contract.number, 'staff-contract');
    await screenshots(legal.page, 'compliance-contract-en');
    const templates = await get<{ items: { title: string }[] }>(base, legalToken, '/v1/contract-templates');
    await shows(legal.page, '/staff/contract-templates', templates.items[0]!.title, 'templates');
    await legal.page.goto('/staff/contract-reviews');
    await legal.page.waitForLoadState('networkidle');
    expect(legal.problems).toEqual([]);

    const officerToken = await tokenOf(base, '13800000008');
    const cases = await get<{ items: { id: string; portrait: { maskedName: string } }[] }>(
      base,
      officerToken,
      '/v1/aml/cases',
    );
    expect(cases.items.length).toBeGreaterThan(0);
    const matches = await get<{ items: { id: string; entry: { name: string } }[] }>(
      base,
      officerToken,
      '/v1/screening/matches?status=open',
    );
    expect(matches.items.map((m) => m.entry.name)).toContain('Zhang Wei');

    const officer = await web.visitor({ lang: 'zh' });
    await signIn(officer.page, '13800000008');
    await shows(officer.page, '/staff/aml', cases.items[0]!.portrait.maskedName, 'aml-queue');
    await shows(
      officer.page,
      `/staff/aml/cases/${cases.items[0]!.id}`,
      cases.items[0]!.portrait.maskedName,
      'aml-case',
    );
    await screenshots(officer.page, 'compliance-aml-case-zh');
    await shows(officer.page, '/staff/screening/matches', 'Zhang Wei', 'screening-queue');
    const match = matches.items.find((m) => m.entry.name === 'Zhang Wei')!;
    await shows(officer.page, `/staff/screening/matches/${match.id}`, 'Zhang Wei', 'screening-match');
    await officer.page.goto('/staff/privacy');
    await officer.page.waitForLoadState('networkidle');
    expect(officer.problems).toEqual([]);

    const borrowerToken = await tokenOf(base, '13700000003');
    const mine = await get<{ items: { number: string }[] }>(base, borrowerToken, '/v1/me/contracts');
    expect(mine.items.length).toBeGreaterThan(0);
    const borrower = await web.visitor({ lang: 'en' });
    await signIn(borrower.page, '13700000003');
    await shows(borrower.page, '/contracts', mine.items[0]!.number, 'my-contracts');
    await borrower.page.goto('/my-data');
    await borrower.page.waitForLoadState('networkidle');
    await screenshots(borrower.page, 'compliance-my-data-en');
    expect(borrower.problems).toEqual([]);
  }, 240_000);
});
