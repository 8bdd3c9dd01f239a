import { PORTRAITS_STEP_POSITION } from '../crm/index.ts';
import { inTransaction } from '../db/index.ts';
import { withCheckCharacter } from '../identity/index.ts';
import { addDays, type PlainDate } from '../kernel/index.ts';
import { CRM_CUSTOMERS, type DemoAccount, type DemoCall, type DemoPerson } from './demo-accounts.ts';
import type { Platform } from './platform.ts';

/**
 * The CRM part of the demo (issue 20), written through the API like the rest of demo.ts: two
 * campaigns with a channel, a budget, spend and a reward; four customers who signed up through them
 * (one referred by another), three of whom made a first investment in the money-market fund, so that
 * the day-closes that follow pay their rewards through the ledger (a cash bonus at once, a rate
 * coupon once its 30 days have run) and compute their portraits and classes; a sales pipeline with a
 * prospect at each stage and their follow-up tasks (one overdue); staff tags; and two conversations
 * in the service inbox (a chat answered, closed and rated; a phone call logged).
 *
 * `history` runs on a business date of the demo's past (the closes after it pay the cash rewards);
 * `finish` after the last close. A portrait is made for the customers signed up by the end of its
 * date, and the demo's people all signed up today (by the wall clock) on business dates of the past:
 * the demo's closes make none. `finish` makes them, and the classes, as of today by the crm steps of
 * the day-close (what tonight's close writes again); the rate coupon, whose base is read from the
 * portrait of the close's date, is paid at the next close.
 */
export type CrmDemoPerson = DemoPerson;
type Call = DemoCall;

/** What the demo's seeder does for every customer, lent to this part. */
export interface CrmDemoSteps {
  readonly call: Call;
  signUp(account: DemoAccount, source: object): Promise<CrmDemoPerson>;
  /** Real-name verification with this ID number, a confirmed card and a payment password. */
  verify(person: CrmDemoPerson, realName: string, idNumber: string): Promise<void>;
  topUp(person: CrmDemoPerson, amount: string): Promise<void>;
}

const cny = (amount: string) => ({ amount, currency: 'CNY' });

/** The campaigns' codes: the landing link carries them as ?campaign=. */
export const DEMO_CAMPAIGNS = { wechat: 'spring_wechat', store: 'store_coupon' } as const;

export class CrmDemo {
  private readonly people = new Map<string, CrmDemoPerson>();

  constructor(
    private readonly platform: Platform,
    private readonly steps: CrmDemoSteps,
    /** Operations (crm:manage, crm:follow, crm:serve) and the administrator. */
    private readonly ops: CrmDemoPerson,
    private readonly admin: CrmDemoPerson,
    private readonly log: (line: string) => void,
  ) {}

  private today(): PlainDate {
    return this.platform.clock.businessDate();
  }

  private call(...args: Parameters<Call>) {
    return this.steps.call(...args);
  }

  /**
   * On a date of the demo's past: the campaigns and their spend, the customers they brought and their
   * first investments, and a prospect whose follow-up has been waiting since (overdue today).
   */
  async history(): Promise<void> {
    const started = Date.now();
    const today = this.today();
    const wechat = await this.call('POST', '/v1/crm/campaigns', {
      as: this.ops,
      expect: 201,
      payload: {
        code: DEMO_CAMPAIGNS.wechat,
        name: '春季出借季 Spring investing (WeChat)',
        channel: 'wechat',
        startsOn: addDays(today, -15),
        endsOn: addDays(today, 75),
        budget: cny('20000.00'),
        reward: { kind: 'cash', amount: cny('50.00') },
        referrerAmount: cny('20.00'),
        minInvestment: cny('1000.00'),
        withinDays: 30,
        maxRewards: 200,
        rewardBudget: cny('10000.00'),
      },
    });
    const store = await this.call('POST', '/v1/crm/campaigns', {
      as: this.ops,
      expect: 201,
      payload: {
        code: DEMO_CAMPAIGNS.store,
        name: '应用商店新人加息 App store rate coupon',
        channel: 'app_store',
        startsOn: addDays(today, -5),
        endsOn: addDays(today, 55),
        budget: cny('8000.00'),
        reward: { kind: 'rate_coupon', rate: '0.0200', days: 30 },
        referrerAmount: null,
        minInvestment: cny('500.00'),
        withinDays: 30,
        maxRewards: 100,
        rewardBudget: null,
      },
    });
    for (const [campaign, amount, offset, note] of [
      [wechat, '3000.00', -15, '朋友圈广告 Moments ads'],
      [wechat, '1200.00', -3, 'KOL 文章 An influencer article'],
      [store, '1800.00', -5, '应用商店推荐位 Store placement'],
    ] as const) {
      await this.call('POST', `/v1/crm/campaigns/${campaign.id}/spend`, {
        as: this.ops,
        expect: 201,
        payload: { amount: cny(amount), spentOn: addDays(today, offset), note },
      });
    }

    // Who they brought: through WeChat (one referred by the other), through the app store.
    const [hanMei, gaoYuan, tianTian, luoJia] = CRM_CUSTOMERS as [
      DemoAccount,
      DemoAccount,
      DemoAccount,
      DemoAccount,
    ];
    const utm = { source: 'wechat', medium: 'social', campaign: 'spring' };
    const first = await this.signUp(hanMei, { channel: 'wechat', campaign: DEMO_CAMPAIGNS.wechat, utm });
    const mine = await this.call('GET', '/v1/crm/referrals/mine', { as: first });
    const referred = await this.signUp(gaoYuan, {
      channel: 'wechat',
      campaign: DEMO_CAMPAIGNS.wechat,
      referrer: mine.code,
      utm: { ...utm, content: 'invite' },
    });
    const coupon = await this.signUp(tianTian, { channel: 'app_store', campaign: DEMO_CAMPAIGNS.store });
    const unverified = await this.signUp(luoJia, { channel: 'app_store', campaign: DEMO_CAMPAIGNS.store });
    // ID numbers of three regions and ages (the portraits' region and age band come from them).
    for (const [person, name, id, answers, topUp, invest] of [
      [first, '韩梅', '31010119920308024', [3, 3, 3, 3, 3, 3, 2, 2], '6000.00', '5000.00'],
      [referred, '高远', '44010619880712015', [4, 4, 3, 3, 3, 3, 3, 3], '2000.00', '1500.00'],
      [coupon, '田甜', '51010420010221046', [2, 2, 2, 2, 2, 2, 2, 2], '1000.00', '1000.00'],
    ] as const) {
      await this.steps.verify(person, name, withCheckCharacter(id));
      await this.call('POST', '/v1/me/risk-assessment', { as: person, payload: { answers } });
      await this.steps.topUp(person, topUp);
      await this.call('POST', '/v1/wealth/mmf/subscriptions', {
        as: person,
        expect: 201,
        payload: { amount: cny(invest) },
      });
    }

    // Signed up, never verified: operations follow up (the task has been due since the next day).
    await this.call('POST', '/v1/crm/prospects', {
      as: this.ops,
      expect: 201,
      payload: {
        userId: unverified.userId,
        stage: 'interested',
        productInterest: 'wealth',
        note: '注册后未实名，致电了解原因 Signed up, not verified: call',
      },
    });
    this.log(
      `  demo: CRM: 2 campaigns, 4 customers signed up through them, first investments, a follow-up (${Date.now() - started} ms)`,
    );
  }

  /**
   * After the last close: the portraits and classes as of today, the pipeline's other stages, staff
   * tags and the service inbox.
   */
  async finish(named: { investors: readonly CrmDemoPerson[]; onTimeBorrower: CrmDemoPerson }): Promise<void> {
    const started = Date.now();
    const customers = await this.portraitsOfToday();
    const [chen, liu, , sun] = named.investors as [
      CrmDemoPerson,
      CrmDemoPerson,
      CrmDemoPerson,
      CrmDemoPerson,
    ];
    const first = this.person(0);
    const prospect = (
      as: CrmDemoPerson,
      userId: string,
      stage: string,
      productInterest: string,
      more: object = {},
    ) =>
      this.call('POST', '/v1/crm/prospects', {
        as,
        expect: 201,
        payload: { userId, stage, productInterest, ...more },
      });
    await prospect(this.ops, sun.userId, 'interested', 'wealth', {
      note: '询问定期理财 Asked about fixed-term products',
    });
    await prospect(this.ops, first.userId, 'hesitating', 'investing', {
      note: '担心出借风险 Worried about the risk of lending',
    });
    await prospect(this.admin, named.onTimeBorrower.userId, 'not_now', 'credit', {
      expectedOn: addDays(this.today(), 45),
      note: '年底装修时再考虑 When they renovate, at the end of the year',
    });
    await prospect(this.admin, liu.userId, 'definitely_not', 'wealth', {
      reasonCode: 'rate_too_low',
      reasonText: '银行理财收益更高 The bank pays more',
    });

    for (const [person, tag] of [
      [chen, 'vip_salon'],
      [first, 'prefers_wechat'],
    ] as const) {
      await this.call('POST', `/v1/crm/portraits/${person.userId}/tags`, {
        as: this.ops,
        payload: { tag },
      });
    }

    // A chat answered, closed and rated; a phone call logged (answered, waiting for the customer).
    const coupon = this.person(2);
    const chat = await this.call('POST', '/v1/crm/inbox/chat', {
      as: coupon,
      expect: 201,
      payload: { body: '我的加息券什么时候发放？ When is my rate coupon paid?' },
    });
    await this.call('POST', `/v1/crm/inbox/tickets/${chat.id}/messages`, {
      as: this.ops,
      payload: {
        body: '加息券在首笔投资满 30 天后按实际持有金额发放到钱包。 The coupon is paid to your wallet 30 days after your first investment, on what you kept invested.',
      },
    });
    await this.call('POST', `/v1/crm/inbox/tickets/${chat.id}/status`, {
      as: this.ops,
      payload: { status: 'closed' },
    });
    await this.call('POST', `/v1/crm/inbox/chat/${chat.id}/rating`, {
      as: coupon,
      payload: { rating: 5, comment: '很清楚，谢谢 Clear, thank you' },
    });
    await this.call('POST', '/v1/crm/inbox/calls', {
      as: this.ops,
      expect: 201,
      payload: {
        userId: this.person(1).userId,
        direction: 'inbound',
        durationSeconds: 240,
        summary: '询问邀请奖励如何计算，已解释 Asked how the referral reward works; explained',
      },
    });
    this.log(
      `  demo: CRM: ${customers} portraits and their classes, a pipeline at every stage, staff tags, two conversations in the inbox (${Date.now() - started} ms)`,
    );
  }

  /** The crm day-close steps (portraits in their ranges, then the classes) run for today's date. */
  private async portraitsOfToday(): Promise<number> {
    const date = this.today();
    const db = this.platform.db;
    const steps = this.platform.crm.daySteps().sort((a, b) => a.position - b.position);
    let portraits = 0;
    for (const step of steps) {
      const chunks = step.plan ? await step.plan(db, date) : [{}];
      for (const bounds of chunks) {
        const rows = await inTransaction(db, (trx) => step.run(trx, date, bounds));
        if (step.position === PORTRAITS_STEP_POSITION) portraits += rows;
      }
    }
    return portraits;
  }

  private async signUp(account: DemoAccount, source: object): Promise<CrmDemoPerson> {
    const person = await this.steps.signUp(account, source);
    this.people.set(account.phone, person);
    return person;
  }

  /** The n-th of CRM_CUSTOMERS, signed up by `history`. */
  private person(index: number): CrmDemoPerson {
    const person = this.people.get(CRM_CUSTOMERS[index]!.phone);
    if (!person) throw new Error('demo data: the CRM customers are signed up by history() first');
    return person;
  }
}
