/**
 * Demo data for `npm start` on a fresh embedded database: people of every kind, made through the API
 * as they would make them (sign-up with an SMS code, real-name verification, cards, top-ups through
 * the simulated gateway), and a loan book that has lived: the business date starts 135 days back and
 * the day-close runs every day up to today, so that loans repay, fall overdue into each bucket, are
 * advanced by the reserve, open collection cases, and one is paid off early.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { ADMIN_TOKEN, withCheckCharacter, withLuhnDigit } from '../identity/index.ts';
import { addDays, CNY, formatAmount, type PlainDate, parseAmount } from '../kernel/index.ts';
import {
  BORROWERS,
  CREDIT_CUSTOMER,
  DEMO_ACCOUNTS,
  DEMO_PASSWORD,
  type DemoAccount,
  INVESTORS,
  MERCHANT,
  PAYMENT_PASSWORD,
  SHOPPER,
  STAFF,
} from './demo-accounts.ts';
import { seedComplianceDemo } from './demo-compliance.ts';
import { CrmDemo } from './demo-crm.ts';
import { Crowd } from './demo-crowd.ts';
import { seedCrowdfundingDemo, seedCrowdfundingHistory } from './demo-crowdfunding.ts';
import { WealthDemo } from './demo-wealth.ts';
import type { Platform } from './platform.ts';

export { DEMO_ACCOUNTS, DEMO_PASSWORD };

interface Person {
  readonly userId: string;
  readonly phone: string;
  readonly headers: { authorization: string };
  cardId?: string;
}

const cny = (amount: string) => ({ amount, currency: 'CNY' });

class DemoError extends Error {}

/** Seeds the demo once; a database that has users of its own, or was seeded, is left alone. */
export async function seedDemo(
  platform: Platform,
  app: FastifyInstance,
  log: (line: string) => void,
  /** Headers for every request the demo makes: the server's internal ones keep them out of its log. */
  headers: Record<string, string> = {},
): Promise<'seeded' | 'present' | 'skipped'> {
  const users = await sql<{ n: number }>`select count(*)::int as n from users`.execute(platform.db);
  if (users.rows[0]!.n > 0) {
    return (await platform.identity.users.idOfPhone(STAFF[0]!.phone)) ? 'present' : 'skipped';
  }
  const seeder = new Seeder(platform, app, log, headers);
  // Five months of day-closes at once: their analytics are computed afterwards, off the critical path
  // (backfillDemoAnalytics), so that the demo is ready sooner; the dates are left uncomputed meanwhile.
  const resume = platform.analytics.suspendDaySteps();
  try {
    await seeder.run();
  } finally {
    resume();
  }
  return 'seeded';
}

/** How far back the demo's history starts, in days before the business date it was written on. */
export const DEMO_HISTORY_DAYS = 135;

/**
 * Computes the dashboards' figures of the demo's history (the dates the demo closed with analytics
 * suspended) as a backfill: resumable, and stopped between two days when `stop` says so.
 */
export async function backfillDemoAnalytics(
  platform: Platform,
  log: (line: string) => void,
  stop: () => boolean,
): Promise<void> {
  const lastClosed = addDays(await platform.batch.businessDate(), -1);
  const from = addDays(lastClosed, -DEMO_HISTORY_DAYS);
  const started = Date.now();
  const report = await platform.analytics.backfill({ from, to: lastClosed, lastClosed, stop });
  if (!report.stopped && report.computed > 0)
    log(
      `netfin: analytics of the demo's ${report.days} days computed in ${((Date.now() - started) / 1000).toFixed(0)} s (the staff console's Analytics pages)`,
    );
}

class Seeder {
  private address = 0;
  private idSequence = 0;
  private admin!: Person;
  private readonly people = new Map<string, Person>();
  private wealth?: WealthDemo;

  constructor(
    private readonly platform: Platform,
    private readonly app: FastifyInstance,
    private readonly log: (line: string) => void,
    private readonly headers: Record<string, string>,
  ) {}

  /** Each person acts from an address of their own: the SMS and anti-fraud limits count by address. */
  private nextAddress(): string {
    this.address++;
    return `10.88.${Math.floor(this.address / 250)}.${1 + (this.address % 250)}`;
  }

  private async call(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    options: { as?: Person; payload?: object; expect?: number } = {},
  ): Promise<any> {
    const response = await this.app.inject({
      method,
      url,
      headers: { ...this.headers, ...(options.as ? options.as.headers : {}) },
      remoteAddress: this.nextAddress(),
      ...(options.payload ? { payload: options.payload } : {}),
    });
    const ok = options.expect ? response.statusCode === options.expect : response.statusCode < 300;
    if (!ok)
      throw new DemoError(`demo data: ${method} ${url} answered ${response.statusCode} ${response.body}`);
    return response.body ? response.json() : undefined;
  }

  private async latestCode(phone: string): Promise<string> {
    const [message] = await this.platform.identity.notifier.inbox(phone);
    const code = message ? /(\d{6})/.exec(message.body)?.[1] : undefined;
    if (!code) throw new DemoError(`demo data: no SMS code for ${phone}`);
    return code;
  }

  private async signIn(phone: string): Promise<Person> {
    const session = await this.call('POST', '/v1/auth/sign-in', {
      payload: { phone, password: DEMO_PASSWORD },
    });
    return { userId: session.userId, phone, headers: { authorization: `Bearer ${session.token}` } };
  }

  /** A sign-up as the app makes one; `source` is where the landing URL said they came from. */
  private async signUp(account: DemoAccount, source?: object): Promise<Person> {
    await this.call('POST', '/v1/auth/sms-codes', { payload: { phone: account.phone, purpose: 'sign_up' } });
    const session = await this.call('POST', '/v1/auth/sign-up', {
      payload: {
        phone: account.phone,
        password: DEMO_PASSWORD,
        code: await this.latestCode(account.phone),
        displayName: account.displayName,
        acceptTerms: true,
        ...(source ? { source } : {}),
      },
    });
    const person = {
      userId: session.userId,
      phone: account.phone,
      headers: { authorization: `Bearer ${session.token}` },
    };
    this.people.set(account.phone, person);
    return person;
  }

  /** Real-name verification, a confirmed card, a payment password. */
  private async verify(person: Person, realName: string, idNumber?: string): Promise<void> {
    this.idSequence++;
    const id =
      idNumber ??
      withCheckCharacter(
        `110105198${this.idSequence % 10}${String(1 + (this.idSequence % 12)).padStart(2, '0')}15${String(100 + this.idSequence).slice(-3)}`,
      );
    await this.call('POST', '/v1/me/kyc', { as: person, payload: { realName, idNumber: id } });
    const reservedPhone = `1370099${String(1000 + this.idSequence)}`;
    const cardNumber = withLuhnDigit(`622202${String(4_000_000_000 + this.idSequence * 7919)}`.slice(0, 18));
    const card = await this.call('POST', '/v1/me/cards', {
      as: person,
      payload: { cardNumber, reservedPhone },
    });
    await this.call('POST', `/v1/me/cards/${card.id}/confirm`, {
      as: person,
      payload: { code: await this.latestCode(reservedPhone) },
    });
    person.cardId = card.id;
    await this.call('POST', '/v1/me/payment-password', {
      as: person,
      payload: { paymentPassword: PAYMENT_PASSWORD, accountPassword: DEMO_PASSWORD },
    });
  }

  /** A top-up through the simulated gateway, waited for until the money is in the wallet. */
  private async topUp(person: Person, amount: string): Promise<void> {
    const order = await this.call('POST', '/v1/me/top-ups', {
      as: person,
      payload: { amount: cny(amount), cardId: person.cardId },
    });
    for (let attempt = 0; attempt < 200; attempt++) {
      const status = await this.call('GET', `/v1/me/orders/${order.id}`, { as: person });
      if (status.status === 'succeeded') return;
      if (status.status === 'failed')
        throw new DemoError(`demo data: a top-up failed: ${JSON.stringify(status)}`);
      if (attempt % 20 === 19) await this.platform.payments.pollPendingOrders();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new DemoError('demo data: a top-up was not confirmed in time');
  }

  private async withdrawAll(person: Person): Promise<void> {
    const wallet = await this.call('GET', '/v1/me/wallet', { as: person });
    if (wallet.available.amount === '0.00') return;
    // The fee (0.1%, at least 1.00) comes on top: keep back enough for it.
    const available = toCents(wallet.available.amount);
    const left = available - (available / 500n + 100n);
    if (left <= 0n) return;
    const amount = formatAmount(left, CNY);
    await this.call('POST', '/v1/me/withdrawals', {
      as: person,
      payload: { amount: cny(amount), cardId: person.cardId, paymentPassword: PAYMENT_PASSWORD },
    });
  }

  private async applyFor(
    person: Person,
    amount: string,
    term: number,
    purpose: string,
    productId = 'personal',
  ) {
    return this.call('POST', '/v1/lending/applications', {
      as: person,
      expect: 201,
      payload: {
        productId,
        amount: cny(amount),
        term,
        method: 'equal_installment',
        purpose,
        monthlyIncome: cny('15000.00'),
        monthlyDebt: cny('1000.00'),
        employmentYears: 6,
      },
    });
  }

  /** A listing funded by the given investors in equal shares (the last takes what remains). */
  private async fundListing(loanId: string, amount: string, investors: Person[]): Promise<void> {
    const total = toCents(amount);
    const share = ((total / BigInt(investors.length) + 4999n) / 5000n) * 5000n;
    let left = total;
    for (const investor of investors) {
      if (left <= 0n) break;
      const take = share < left ? share : left;
      await this.call('POST', `/v1/lending/listings/${loanId}/bids`, {
        as: investor,
        expect: 201,
        payload: { amount: cny(formatAmount(take, CNY)) },
      });
      left -= take;
    }
  }

  /** A borrower who applies, is funded by the investors and spends the money (or keeps `keep`). */
  private async loan(
    borrower: Person,
    investors: Person[],
    amount: string,
    options: { keep?: boolean; purpose?: string; term?: number } = {},
  ): Promise<string> {
    const applied = await this.applyFor(borrower, amount, options.term ?? 12, options.purpose ?? 'education');
    if (applied.decision.outcome !== 'approve')
      throw new DemoError(`demo data: a loan was not approved: ${JSON.stringify(applied.decision)}`);
    await this.fundListing(applied.loan.id, amount, investors);
    if (!options.keep) await this.withdrawAll(borrower);
    return applied.loan.id;
  }

  /** A merchant's order paid with a credit line, in full by the due date (1) or in instalments. */
  private async payWithCredit(
    who: { person: Person; lineId: string },
    merchant: Person,
    amount: string,
    description: string,
    instalments: number,
  ): Promise<void> {
    const order = await this.call('POST', '/v1/merchant/orders', {
      as: merchant,
      payload: { amount: cny(amount), description },
    });
    await this.call('POST', `/v1/credit/lines/${who.lineId}/purchases`, {
      as: who.person,
      expect: 201,
      payload: { orderId: order.id, instalments, paymentPassword: PAYMENT_PASSWORD },
    });
  }

  /**
   * A consumer granted a credit line, who buys a laptop in 6 instalments and draws cash; statements
   * follow at each close of the 1st, and auto-debit pays them from the wallet once it is switched on.
   */
  private async creditCustomer(merchant: Person): Promise<{ person: Person; lineId: string }> {
    const person = await this.signUp(CREDIT_CUSTOMER);
    await this.verify(person, CREDIT_CUSTOMER.displayName, withCheckCharacter('11010519850615119'));
    const applied = await this.call('POST', '/v1/credit/lines', {
      as: person,
      expect: 201,
      payload: { monthlyIncome: cny('20000.00'), monthlyDebt: cny('500.00'), employmentYears: 6 },
    });
    if (applied.line?.status !== 'active')
      throw new DemoError(`demo data: a credit line was not granted: ${JSON.stringify(applied.decision)}`);
    const who = { person, lineId: applied.line.id as string };
    await this.payWithCredit(who, merchant, '3600.00', 'Laptop 笔记本电脑', 6);
    await this.call('POST', `/v1/credit/lines/${who.lineId}/draws`, {
      as: person,
      expect: 201,
      payload: { amount: cny('1000.00') },
    });
    return who;
  }

  /** Pays what the line's statements owe, then lets auto-debit pay the next ones. */
  private async repayCreditStatements(who: { person: Person; lineId: string }): Promise<void> {
    await this.topUp(who.person, '3000.00');
    const line = await this.call('GET', `/v1/credit/lines/${who.lineId}`, { as: who.person });
    const billed = toCents(line.owed.billed.amount);
    if (billed > 0n)
      await this.call('POST', `/v1/credit/lines/${who.lineId}/repayments`, {
        as: who.person,
        expect: 201,
        payload: { amount: cny(formatAmount(billed, CNY)) },
      });
    await this.call('POST', `/v1/credit/lines/${who.lineId}/billing`, {
      as: who.person,
      payload: { autoDebit: true },
    });
  }

  private async closeThrough(date: PlainDate): Promise<void> {
    const close = async (through: PlainDate) => {
      const closed = await this.platform.batch.closeThrough(through, 'demo');
      if (closed.length) this.log(`  demo: closed ${closed.length} business days through ${through}`);
    };
    // The wealth demo enters the fund's income (at most 31 days ahead) and NAVs between closes.
    if (this.wealth) await this.wealth.closeThrough(date, close);
    else await close(date);
  }

  async run(): Promise<void> {
    const started = Date.now();
    const today = this.platform.clock.businessDate();
    const day = (offset: number) => addDays(today, offset);
    this.log(`netfin: writing demo data (a loan book that starts ${day(-DEMO_HISTORY_DAYS)})…`);
    await this.platform.batch.startCalendarAt(day(-DEMO_HISTORY_DAYS));

    this.log('  demo: staff, investors, borrowers, a merchant');
    // Staff, and the admin who funds the reserve and registers the collectors.
    const context = { principal: ADMIN_TOKEN, ip: '127.0.0.1' };
    for (const member of STAFF) {
      await this.platform.identity.users.createStaff(
        {
          phone: member.phone,
          password: DEMO_PASSWORD,
          displayName: member.displayName,
          roles: [member.role as never],
        },
        context,
      );
    }
    this.admin = await this.signIn(STAFF[0]!.phone);
    for (const [phone, tier] of [
      [STAFF[2]!.phone, 'junior'],
      [STAFF[3]!.phone, 'senior'],
    ] as const) {
      const collector = await this.signIn(phone);
      await this.call('PUT', `/v1/collections/collectors/${collector.userId}`, {
        as: this.admin,
        payload: { tier, region: '11' },
      });
    }
    await this.call('POST', '/v1/lending/reserve/fund', {
      as: this.admin,
      payload: { amount: cny('200000.00') },
    });

    // Investors: verified, assessed C5, with money.
    const investors: Person[] = [];
    for (const [index, account] of INVESTORS.entries()) {
      const person = await this.signUp(account);
      await this.verify(person, account.displayName);
      await this.call('POST', '/v1/me/risk-assessment', {
        as: person,
        payload: { answers: [4, 4, 4, 4, 4, 4, 4, 4] },
      });
      await this.topUp(person, index === 0 ? '50000.00' : '30000.00');
      investors.push(person);
    }
    const operations = await this.signIn(STAFF[5]!.phone);
    this.wealth = new WealthDemo(
      this.platform,
      (method, url, options) => this.call(method, url, options),
      operations,
      this.admin,
      this.log,
    );
    const crm = new CrmDemo(
      this.platform,
      {
        call: (method, url, options) => this.call(method, url, options),
        signUp: (account, source) => this.signUp(account, source),
        verify: (person, realName, idNumber) => this.verify(person, realName, idNumber),
        topUp: (person, amount) => this.topUp(person, amount),
      },
      operations,
      this.admin,
      this.log,
    );
    await this.wealth.start(investors);

    // Borrowers: verified with the fixed test subject the default policy approves.
    const borrowers: Person[] = [];
    for (const [index, account] of BORROWERS.entries()) {
      const person = await this.signUp(account);
      const sequence = index === 7 ? '994' : String(101 + 2 * index).padStart(3, '0');
      await this.verify(person, account.displayName, withCheckCharacter(`11010519850615${sequence}`));
      borrowers.push(person);
    }
    const [onTime, paidOff, m1, m2, m3, m3plus, listing, referred, reviewed] = borrowers as [
      Person,
      Person,
      Person,
      Person,
      Person,
      Person,
      Person,
      Person,
      Person,
    ];

    const merchant = await this.signUp(MERCHANT);
    await this.verify(merchant, '林小满');
    await this.call('POST', '/v1/merchants', { as: merchant, payload: { name: '街角咖啡 Corner Café' } });
    const crowd = new Crowd(this.platform, this.log, this.platform.config.demoCrowd);
    await crowd.people();

    // The book, oldest first; the business date moves on between loans.
    this.log('  demo: five months of loans, repayments and day-closes');
    await this.loan(m3plus, investors, '10000.00', { purpose: 'business' });
    await crowd.loans(crowd.size.loansPerStage);
    await this.closeThrough(day(-111));
    const credit = await this.creditCustomer(merchant);
    await this.loan(m3, investors.slice(0, 3), '8000.00', { purpose: 'home_improvement' });
    const paidOffLoan = await this.loan(paidOff, investors.slice(1), '6000.00', {
      keep: true,
      purpose: 'travel',
    });
    await crowd.loans(crowd.size.loansPerStage);
    await this.closeThrough(day(-101));
    await this.loan(onTime, investors, '9000.00', { purpose: 'education' });
    await this.topUp(onTime, '3000.00');
    await crowd.loans(crowd.size.loansPerStage);
    await this.closeThrough(day(-81));
    await this.repayCreditStatements(credit);
    await this.loan(m2, investors.slice(1), '7000.00', { purpose: 'car' });
    await crowd.loans(crowd.size.loansPerStage);
    await this.closeThrough(day(-61));
    await seedCrowdfundingHistory(this.platform, { investors, crowd }, this.log);
    await this.topUp(paidOff, '500.00');
    await this.call('POST', `/v1/me/loans/${paidOffLoan}/payoff`, { as: paidOff });
    await crowd.loans(crowd.size.loansPerStage);
    await this.closeThrough(day(-46));
    await crm.history();
    await this.loan(m1, investors.slice(0, 2), '5000.00', { purpose: 'consumption' });
    await crowd.loans(crowd.size.loansPerStage);
    await this.closeThrough(day(-1));
    // The crowd's today first: the named borrower's listing below is the newest, first on the market.
    this.log('  demo: the crowd today: listings raising, referrals, notes for sale, a shop');
    await crowd.listings();
    await crowd.notesForSale();
    await crowd.shop();

    this.log('  demo: today: listings raising, a review, a note for sale, merchant payments');
    // Today: a listing filling, an application for review, a note on sale, auto-invest, a merchant.
    const filling = await this.applyFor(listing, '10000.00', 12, 'business');
    await this.call('POST', `/v1/lending/listings/${filling.loan.id}/bids`, {
      as: investors[2]!,
      payload: { amount: cny('3000.00') },
    });
    await this.applyFor(referred, '8000.00', 12, 'home_improvement');
    // A product whose full listings wait for a second review before disbursement, and one such listing.
    const personal = await this.call('GET', '/v1/lending/products/personal');
    await this.call('PUT', '/v1/lending/products/business', {
      as: this.admin,
      payload: {
        config: {
          ...personal.current.config,
          name: 'Business loan (second review when full)',
          nameZh: '经营贷（满标复审）',
          secondReview: true,
        },
      },
    });
    const full = await this.applyFor(reviewed, '6000.00', 12, 'business', 'business');
    await this.fundListing(full.loan.id, '6000.00', investors.slice(1));
    const notes = await this.call('GET', '/v1/me/investments', { as: investors[1]! });
    const onSale = notes.notes.find((note: any) => note.loanStatus === 'active' && note.bucket === 'current');
    if (onSale) {
      await this.call('POST', `/v1/me/notes/${onSale.noteId}/listings`, {
        as: investors[1]!,
        payload: { discountRate: '0.01' },
      }).catch((error: unknown) => this.log(`  demo: no note listed for sale (${(error as Error).message})`));
    }
    await this.call('PUT', '/v1/me/auto-invest', {
      as: investors[0]!,
      payload: {
        enabled: true,
        grades: ['A', 'B', 'C'],
        minRate: '0.06',
        maxRate: '0.24',
        minTerm: 3,
        maxTerm: 24,
        amountPerLoan: cny('500.00'),
        keepBalance: cny('1000.00'),
        maxPerBorrower: cny('2000.00'),
      },
    });

    const shopper = await this.signUp(SHOPPER);
    await this.verify(shopper, '林夕');
    await this.topUp(shopper, '2000.00');
    for (const [amount, description] of [
      ['32.00', 'Latte 拿铁 ×1'],
      ['58.50', 'Cake and coffee 蛋糕咖啡套餐'],
      ['18.00', 'Americano 美式'],
    ] as const) {
      const order = await this.call('POST', '/v1/merchant/orders', {
        as: merchant,
        payload: { amount: cny(amount), description },
      });
      if (description.startsWith('Americano')) continue; // left open, to pay in the demo
      const scanned = await this.call('POST', '/v1/pay/scan', {
        as: shopper,
        payload: { payload: order.qrPayload },
      });
      await this.call('POST', `/v1/pay/orders/${scanned.id ?? order.id}/wallet`, {
        as: shopper,
        payload: { paymentPassword: PAYMENT_PASSWORD },
      });
    }
    await this.payWithCredit(credit, merchant, '899.00', 'Headphones 耳机', 1);
    await this.wealth.finish(investors);
    await seedComplianceDemo(this.platform);
    await seedCrowdfundingDemo(this.platform, { investors, crowd }, this.log);
    // Last: the portraits of today see everything the demo wrote.
    await crm.finish({ investors, onTimeBorrower: onTime });
    // Every figure came from the services: the books must balance to the last transfer.
    const report = await this.platform.ledger.verify();
    if (report.problems.length > 0)
      throw new DemoError(
        `demo data: the ledger does not verify: ${report.problems
          .slice(0, 3)
          .map((p) => `${p.kind} ${p.subject}: ${p.detail}`)
          .join('; ')}`,
      );
    this.log(
      `  demo: ledger verified (${report.accounts} accounts, ${report.transfers} transfers); the crowd: ` +
        `${crowd.counts.applied} applications (${crowd.counts.approved} approved, ${crowd.counts.referred} referred, ` +
        `${crowd.counts.declined} declined), ${crowd.counts.listed} listings today, ${crowd.counts.notes} notes for sale`,
    );
    this.log(`netfin: demo data written in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
}

/** Demo amounts are the demo's own constants and API answers: always well-formed CNY. */
function toCents(amount: string): bigint {
  const parsed = parseAmount(amount, CNY, { allowZero: true });
  if (!parsed.ok) throw new DemoError(`demo data: not an amount: ${amount}`);
  return parsed.value;
}
