/**
 * The demo's crowd, beside its named people (demo-accounts.ts): a couple of hundred investors and
 * borrowers from several provinces, so that the marketplace, the loan book, collections and the
 * charts have something to show. Everything goes through the services as the API would use them (the
 * lending service and its risk engine decide each application; money moves through payments and
 * the ledger: top-ups through the gateway, bids, disbursements, withdrawals, wallet payments); only
 * the slow parts that carry no money are done in bulk (one password hash for the whole crowd, no SMS
 * code for sign-up). Pseudo-random but seeded: the same crowd every time.
 */
import { ADMIN_TOKEN, withCheckCharacter, withLuhnDigit } from '../identity/index.ts';
import type { PlainDate } from '../kernel/index.ts';
import type { Purpose } from '../lending/index.ts';
import { DEMO_PASSWORD, PAYMENT_PASSWORD } from './demo-accounts.ts';
import type { Platform } from './platform.ts';

/** How many of each: the crowd's size (the demo's time grows with it, the day-closes most). */
export const CROWD = {
  investors: 200,
  borrowers: 150,
  /** Applications at each of the book's six dates in the past (some are declined or referred). */
  loansPerStage: 17,
  /** Applications today: listings raising, at different stages. */
  listingsToday: 30,
  /** Applications today by applicants the bureau does not answer for: they wait for a review. */
  referrals: 3,
  notesForSale: 6,
  shopOrders: 24,
} as const;

/** Phone ranges no other demo account, test or card's reserved phone uses. */
const INVESTOR_PHONES = '1592000';
const BORROWER_PHONES = '1582000';
const RESERVED_PHONES = '1572000';

const SURNAMES = [
  ...'王李刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯孟龙万段雷钱汤尹黎易常武乔贺赖龚文',
];
const GIVEN = [
  ...['子涵', '欣怡', '梓轩', '雨桐', '浩然', '思远', '佳怡', '俊杰', '晓雯', '宇航', '诗涵', '文博'],
  ...['嘉怡', '志强', '丽娟', '海燕', '建国', '秀英', '国庆', '春梅', '晨阳', '一鸣', '若曦', '天佑'],
  ...['慧敏', '鹏飞', '婉清', '立新', '晓东', '雅琴', '振华', '玉兰', '凯文', '梦瑶', '博文', '静怡'],
  ...['亮', '娜', '军', '敏', '勇', '艳', '杰', '娟', '涛', '霞', '斌', '琳', '鑫', '颖', '超', '洁'],
];
/** Districts in several provinces (the ID card's first six digits). */
const REGIONS = [
  '110105',
  '110108',
  '310104',
  '310115',
  '440106',
  '440305',
  '330106',
  '510107',
  '420106',
  '320102',
  '610113',
  '370102',
  '430104',
  '350203',
  '500103',
  '120101',
  '410105',
  '210102',
  '340104',
  '530102',
];
const PURPOSES: readonly Purpose[] = [
  'education',
  'business',
  'home_improvement',
  'car',
  'travel',
  'consumption',
];
const TERMS = [3, 6, 12, 12, 24] as const;
/** Risk questionnaire answers from bold to careful: the classes they give differ (C5 to C2). */
const ANSWERS = [
  [4, 4, 4, 4, 4, 4, 4, 4],
  [4, 4, 4, 4, 4, 4, 4, 4],
  [4, 3, 4, 3, 4, 3, 4, 3],
  [3, 3, 3, 3, 3, 3, 3, 3],
  [3, 2, 3, 2, 3, 2, 3, 2],
  [2, 2, 2, 2, 2, 2, 2, 2],
];

/** What becomes of a loan after it is disbursed. */
type Fate =
  /** Keeps the money in the wallet: the auto-debit pays the instalments (a short loan may run short at the end). */
  | 'keep'
  /** Keeps it and tops up enough for all the interest: pays on time, a short loan is paid off. */
  | 'repay'
  /** Withdraws it all: falls overdue from the first instalment, into M1 to M3+ by the loan's age. */
  | 'default';

interface Member {
  readonly userId: string;
  readonly phone: string;
  readonly name: string;
  readonly idNumber: string;
  readonly monthlyIncome: bigint;
  riskLevel: number;
  cardId?: string;
  /** What a member may still bid (the demo's own count; the bids' own checks are the services'). */
  available: bigint;
}

/** mulberry32: a small seeded generator, so that the crowd is the same on every start. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const yuan = (n: number) => BigInt(Math.round(n)) * 100n;
const STEP = 5000n; // the personal loan's investment step, 50.00
/** Under the default daily withdrawal limit (50,000.00). */
const WITHDRAWAL_LIMIT = 4_990_000n;

export class Crowd {
  private readonly random = seeded(20260425);
  private readonly context = { principal: ADMIN_TOKEN, ip: '127.0.0.1' };
  private investors: Member[] = [];
  /** Borrowers not yet used: each applies once. */
  private borrowers: Member[] = [];
  private referralSubjects: Member[] = [];
  private cardSerial = 0;
  readonly counts = { applied: 0, approved: 0, referred: 0, declined: 0, defaults: 0, listed: 0, notes: 0 };

  /** The crowd's sizes: CROWD scaled to `percent` (NETFIN_DEMO_CROWD); 0 writes no crowd. */
  readonly size: { -readonly [K in keyof typeof CROWD]: number };

  constructor(
    private readonly platform: Platform,
    private readonly log: (line: string) => void,
    percent = 100,
  ) {
    const scaled = (n: number) => Math.round((n * percent) / 100);
    this.size = {
      investors: scaled(CROWD.investors),
      borrowers: scaled(CROWD.borrowers),
      loansPerStage: scaled(CROWD.loansPerStage),
      listingsToday: scaled(CROWD.listingsToday),
      referrals: percent > 0 ? CROWD.referrals : 0,
      notesForSale: scaled(CROWD.notesForSale),
      shopOrders: scaled(CROWD.shopOrders),
    };
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private between(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  /** A valid ID number: a district, a birth date 22-58 years before `today`, a sequence, its check character. */
  private idNumber(today: PlainDate, sequence: string): string {
    const year = Number(today.slice(0, 4)) - this.between(23, 56);
    const month = String(this.between(1, 12)).padStart(2, '0');
    const day = String(this.between(1, 28)).padStart(2, '0');
    return withCheckCharacter(`${this.pick(REGIONS)}${year}${month}${day}${sequence}`);
  }

  private name(): string {
    return `${this.pick(SURNAMES)}${this.pick(GIVEN)}`;
  }

  /** Signs the crowd up (one password hash), verifies each, assesses the investors and funds them. */
  async people(): Promise<void> {
    if (this.size.investors === 0) return;
    const today = this.platform.clock.businessDate();
    const { identity } = this.platform;
    const make = async (count: number, prefix: string, first: number) => {
      const drafts = Array.from({ length: count }, (_, i) => ({
        phone: `${prefix}${String(first + i).padStart(4, '0')}`,
        displayName: this.name(),
      }));
      const ids = await identity.users.createCustomersForDemo(drafts, DEMO_PASSWORD);
      const members: Member[] = [];
      for (const [i, draft] of drafts.entries()) {
        // Sequences 500-849: none of the tests' or the named accounts' numbers, none of the
        // simulated sources' test subjects (993-999).
        const sequence = String(
          500 + members.length + (prefix === BORROWER_PHONES ? this.size.investors : 0),
        );
        const idNumber = this.idNumber(today, sequence);
        await identity.kyc.verifyIdentity(
          ids[i]!,
          { realName: draft.displayName, idNumber },
          {
            ...this.context,
            principal: { kind: 'user', userId: ids[i]!, roles: ['customer'], sessionId: null },
          },
        );
        members.push({
          userId: ids[i]!,
          phone: draft.phone,
          name: draft.displayName,
          idNumber,
          monthlyIncome: yuan(this.between(6, 45) * 1000),
          riskLevel: 0,
          available: 0n,
        });
      }
      return members;
    };
    this.investors = await make(this.size.investors, INVESTOR_PHONES, 1);
    this.borrowers = await make(this.size.borrowers, BORROWER_PHONES, 1);
    // A few whose credit bureau does not answer (sequence 994): their applications are referred.
    const referrals = Array.from({ length: this.size.referrals }, (_, i) => ({
      phone: `${BORROWER_PHONES}${String(this.size.borrowers + 1 + i).padStart(4, '0')}`,
      displayName: this.name(),
    }));
    const referralIds = await identity.users.createCustomersForDemo(referrals, DEMO_PASSWORD);
    for (const [i, draft] of referrals.entries()) {
      const idNumber = this.idNumber(today, '994');
      await identity.kyc.verifyIdentity(
        referralIds[i]!,
        { realName: draft.displayName, idNumber },
        {
          ...this.context,
          principal: { kind: 'user', userId: referralIds[i]!, roles: ['customer'], sessionId: null },
        },
      );
      this.referralSubjects.push({
        userId: referralIds[i]!,
        phone: draft.phone,
        name: draft.displayName,
        idNumber,
        monthlyIncome: yuan(this.between(8, 30) * 1000),
        riskLevel: 0,
        available: 0n,
      });
    }

    for (const [i, investor] of this.investors.entries()) {
      const taken = await identity.suitability.assess(investor.userId, ANSWERS[i % ANSWERS.length]!);
      investor.riskLevel = taken.level;
    }
    // Investors top up through the gateway, from 20,000 to 150,000 each, all waited for at once.
    for (const investor of this.investors) await this.bindCard(investor);
    await this.topUps(
      this.investors.map((investor) => [investor, yuan(this.between(4, 30) * 5000)] as const),
    );
    // Payment passwords for everyone who may withdraw or pay (one hash).
    await identity.kyc.setPaymentPasswordsForDemo(
      this.borrowers.map((b) => b.userId),
      PAYMENT_PASSWORD,
    );
    // The crowd's defaults are the reserve's to advance: the operator puts in more for them.
    await this.platform.lending.fundReserve(yuan(6_000) * BigInt(this.size.borrowers), this.context);
    this.log(`  demo: a crowd of ${this.investors.length} investors and ${this.borrowers.length} borrowers`);
  }

  /** The crowd's investors (verified, with money in their wallets): backers for the crowdfunding demo. */
  investorIds(): string[] {
    return this.investors.map((investor) => investor.userId);
  }

  private async bindCard(member: Member): Promise<void> {
    this.cardSerial++;
    const { kyc, notifier } = this.platform.identity;
    const reservedPhone = `${RESERVED_PHONES}${String(2000 + this.cardSerial).padStart(4, '0')}`;
    const cardNumber = withLuhnDigit(`62220288${String(this.cardSerial).padStart(10, '0')}`);
    const context = {
      principal: {
        kind: 'user' as const,
        userId: member.userId,
        roles: ['customer' as const],
        sessionId: null,
      },
      ip: null,
    };
    const card = await kyc.startCardBinding(member.userId, { cardNumber, reservedPhone }, context);
    const [message] = await notifier.inbox(reservedPhone);
    const code = message ? /(\d{6})/.exec(message.body)?.[1] : undefined;
    if (!code) throw new Error(`demo data: no SMS code for ${reservedPhone}`);
    await kyc.confirmCardBinding(member.userId, card.id, code, context);
    member.cardId = card.id;
  }

  /** Top-ups through the gateway, started one after another and waited for together. */
  private async topUps(orders: readonly (readonly [Member, bigint])[]): Promise<void> {
    const { payments } = this.platform;
    const pending = new Map<string, Member>();
    for (const [member, amount] of orders) {
      const order = await payments.topUp(member.userId, { amount, cardId: member.cardId! });
      pending.set(order.id, member);
    }
    for (let round = 0; pending.size > 0; round++) {
      if (round >= 400) throw new Error(`demo data: ${pending.size} top-ups were not confirmed in time`);
      for (const [orderId, member] of pending) {
        const order = await payments.order(member.userId, orderId);
        if (order.status === 'failed') throw new Error(`demo data: a top-up failed: ${order.failureCode}`);
        if (order.status !== 'succeeded') continue;
        member.available += order.amount;
        pending.delete(orderId);
      }
      if (pending.size === 0) break;
      if (round % 20 === 19) await payments.pollPendingOrders();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /**
   * Applications from the next borrowers, each decided by the risk engine; the approved ones are
   * funded by the crowd's investors (several each, at once: the listing's bid queue takes them
   * together) and disbursed, and then each borrower does what their fate says.
   */
  async loans(count: number): Promise<void> {
    const book: { member: Member; loanId: string; amount: bigint; fate: Fate }[] = [];
    for (let i = 0; i < count && this.borrowers.length > 0; i++) {
      const member = this.borrowers.shift()!;
      const term = this.pick(TERMS);
      const applied = await this.apply(member, term);
      if (!applied) continue;
      const fate: Fate =
        this.random() < 0.22 ? 'default' : term <= 6 && this.random() < 0.7 ? 'repay' : 'keep';
      await this.fund(applied.loanId, applied.amount, applied.amount, applied.riskLevel);
      book.push({ member, loanId: applied.loanId, amount: applied.amount, fate });
    }
    const { lending, payments } = this.platform;
    const repaying: [Member, bigint][] = [];
    for (const entry of book) {
      const loan = await lending.loan(entry.loanId);
      if (loan.status !== 'active')
        throw new Error(`demo data: a crowd loan was not disbursed (${loan.status})`);
      if (entry.fate === 'keep') continue;
      await this.bindCard(entry.member);
      if (entry.fate === 'repay') {
        repaying.push([entry.member, ((entry.amount * 35n) / 100n / 100n) * 100n]);
        continue;
      }
      // Spends it all (what the fee of 0.1%, at least 1.00, leaves).
      const wallet = await payments.wallet(entry.member.userId);
      let amount = wallet.available - (wallet.available / 500n + 100n);
      // Within the day's withdrawal limit (a larger loan keeps paying a little longer).
      if (amount > WITHDRAWAL_LIMIT) amount = WITHDRAWAL_LIMIT;
      if (amount <= 0n) continue;
      await payments.withdraw(entry.member.userId, {
        amount,
        cardId: entry.member.cardId!,
        paymentPassword: PAYMENT_PASSWORD,
      });
      this.counts.defaults++;
    }
    if (repaying.length) await this.topUps(repaying);
  }

  private async apply(
    member: Member,
    term: number,
  ): Promise<{ loanId: string; amount: bigint; riskLevel: number } | null> {
    const income = member.monthlyIncome;
    // Half a month to two and a half months of income, in hundreds, from 1,000 to 60,000.
    const wanted = ((income * BigInt(this.between(5, 25))) / 10n / 10000n) * 10000n;
    const amount = wanted > 6_000_000n ? 6_000_000n : wanted;
    this.counts.applied++;
    const applied = await this.platform.lending.apply(member.userId, {
      productId: 'personal',
      amount: amount < 100000n ? 100000n : amount,
      term,
      method: this.random() < 0.8 ? 'equal_installment' : 'equal_principal',
      purpose: this.pick(PURPOSES),
      monthlyIncome: income,
      monthlyDebt: yuan(this.between(0, 8) * 250),
      employmentYears: this.between(1, 15),
    });
    if (applied.decision.outcome === 'refer') this.counts.referred++;
    if (applied.decision.outcome === 'decline') this.counts.declined++;
    if (!applied.loan) return null;
    this.counts.approved++;
    return { loanId: applied.loan.id, amount: applied.loan.amount, riskLevel: applied.loan.riskLevel };
  }

  /** Bids on a listing for `target` of its `amount`, from investors whose class allows it. */
  private async fund(loanId: string, amount: bigint, target: bigint, riskLevel: number): Promise<void> {
    const cap = (amount / 2n / STEP) * STEP;
    const eligible = this.investors.filter((i) => i.riskLevel >= riskLevel && i.available >= STEP);
    const count = Math.min(eligible.length, this.between(4, 14));
    // A random handful of the eligible ones.
    for (let i = eligible.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [eligible[i], eligible[j]] = [eligible[j]!, eligible[i]!];
    }
    let left = target;
    const bids: [Member, bigint][] = [];
    const share = (target / BigInt(Math.max(count, 1)) / STEP) * STEP;
    for (const [index, investor] of eligible.entries()) {
      if (left <= 0n) break;
      const wanted = index < count - 1 && share > 0n ? share : left;
      let take = wanted < left ? wanted : left;
      if (take > cap) take = cap;
      if (take > investor.available) take = (investor.available / STEP) * STEP;
      // Steps of 50.00, except a last bid that takes exactly what remains.
      if (take !== left) take = (take / STEP) * STEP;
      if (take < STEP && take !== left) continue;
      bids.push([investor, take]);
      investor.available -= take;
      left -= take;
    }
    if (left > 0n) throw new Error(`demo data: the crowd could not fund a listing (${left} left)`);
    const { lending } = this.platform;
    const outcomes = await Promise.allSettled(
      bids.map(([investor, take]) => lending.bid(investor.userId, loanId, take)),
    );
    const refused = outcomes.find((o) => o.status === 'rejected');
    if (refused)
      throw new Error(`demo data: a crowd bid was refused: ${(refused as PromiseRejectedResult).reason}`);
  }

  /** Today: listings raising at different stages, applications waiting for review. */
  async listings(): Promise<void> {
    for (let i = 0; i < this.size.listingsToday && this.borrowers.length > 0; i++) {
      const member = this.borrowers.shift()!;
      const applied = await this.apply(member, this.pick(TERMS));
      if (!applied) continue;
      this.counts.listed++;
      // From nothing yet to 95% raised.
      const share = BigInt(this.between(0, 19) * 5);
      const target = ((applied.amount * share) / 100n / STEP) * STEP;
      if (target > 0n) await this.fund(applied.loanId, applied.amount, target, applied.riskLevel);
    }
    for (const member of this.referralSubjects) await this.apply(member, 12);
  }

  /** Notes of loans repaying on time offered for sale by their holders, at small discounts. */
  async notesForSale(): Promise<void> {
    const { lending } = this.platform;
    for (const investor of this.investors) {
      if (this.counts.notes >= this.size.notesForSale) break;
      const statement = await lending.investorStatement(investor.userId);
      const note = statement.notes.find((n) => n.loanStatus === 'active' && n.bucket === 'current');
      if (!note) continue;
      try {
        await lending.listNote(investor.userId, note.noteId, {
          discountRate: String(this.between(0, 4) / 100),
        });
        this.counts.notes++;
      } catch {
        // Too recent, or too near its due date: another one.
      }
    }
  }

  /** A shop run by one of the crowd, with orders paid from wallets (small ones, without password). */
  async shop(): Promise<void> {
    if (this.investors.length === 0) return;
    const { payments } = this.platform;
    const owner = this.investors[this.investors.length - 1]!;
    await payments.becomeMerchant(owner.userId, '悦来便利店 Yuelai Mart');
    const items = [
      ['12.50', 'Milk tea 奶茶'],
      ['36.80', 'Fruit 水果'],
      ['8.00', 'Bottled water 矿泉水 ×2'],
      ['68.00', 'Groceries 日用品'],
      ['25.00', 'Lunch box 便当'],
      ['159.00', 'Rice 10 kg 大米'],
    ] as const;
    for (let i = 0; i < this.size.shopOrders; i++) {
      const [amount, description] = this.pick(items);
      const payer = this.investors[(i * 7) % this.investors.length]!;
      const minor = BigInt(amount.replace('.', ''));
      const order = await payments.createMerchantOrder(owner.userId, { amount: minor, description });
      if (i % 6 === 5) continue; // left open
      await payments.payWithWallet(payer.userId, order.id, {});
    }
  }
}
