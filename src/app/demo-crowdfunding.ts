/**
 * The demo's crowdfunding (docs/crowdfunding.md): projects in every state, made through the
 * crowdfunding service directly (not HTTP), with the demo's investors and crowd as backers.
 *
 * Two calls from demo.ts. `seedCrowdfundingHistory`, between the closes of the demo's past (after
 * its close of day −61): projects reviewed, launched and backed on that business date, whose
 * deadlines the following closes pass, so that the day-close itself decides them: one succeeds with
 * a milestone plan, one succeeds paid out at once, one fails and every hold is released.
 * `seedCrowdfundingDemo`, at the end of the run (today): what happened since on the settled ones (a
 * milestone paid, the next one's evidence waiting for staff, an update, a delivery, a complaint
 * resolved with a refund) and today's projects: live at different progress, one approved to launch
 * in a few days, one in review, one sent back for changes, one draft.
 *
 * The projects of the past live on a clock at that business date (Crowdfunding.withClock), so that
 * their launch, backings and deadlines are where the business calendar is; everything else (the
 * ledger, payments, identity) is the platform's own.
 */

import type { Crowdfunding, Project, ProjectInput, TierInput } from '../crowdfunding/index.ts';
import { ADMIN_TOKEN, type AuditContext, withCheckCharacter } from '../identity/index.ts';
import { addMonths, type Clock, CNY, DomainError, parseAmount } from '../kernel/index.ts';
import { CREATORS, DEMO_PASSWORD, PAYMENT_PASSWORD, STAFF } from './demo-accounts.ts';
import type { Platform } from './platform.ts';

/** Who backs: the demo's named investors first, then its crowd's. */
export interface CrowdfundingBackers {
  readonly investors: readonly { readonly userId: string }[];
  readonly crowd: { investorIds(): string[] };
}

const yuan = (text: string): bigint => {
  const parsed = parseAmount(text, CNY);
  if (!parsed.ok) throw new Error(`demo data: not an amount: ${text}`);
  return parsed.value;
};

const story = (zh: string, en: string) => `<p>${zh}</p><p><em>${en}</em></p>`;

/** A project's draft: a Chinese title with its English subtitle, like the rest of the demo. */
function draft(title: string, input: Omit<ProjectInput, 'title' | 'images'>): ProjectInput {
  return { title, images: [], ...input };
}

function tier(
  title: string,
  price: string,
  description: string,
  deliveryMonth: string,
  options: { quantity?: number; shipping?: boolean } = {},
): TierInput {
  return {
    title,
    description,
    price: yuan(price),
    quantity: options.quantity ?? null,
    deliveryMonth,
    shipping: options.shipping ?? true,
  };
}

/** Backings of a project: a tier (by position) or an amount without a reward, by the next backers. */
type Pledge = { readonly tier: number } | { readonly amount: string };
const times = (count: number, pledge: Pledge): Pledge[] => Array.from({ length: count }, () => pledge);

class CrowdfundingSeeder {
  private readonly reviewer: AuditContext;
  private next = 0;

  constructor(
    private readonly platform: Platform,
    private readonly service: Crowdfunding,
    reviewerId: string,
    private readonly backers: readonly string[],
  ) {
    this.reviewer = {
      principal: { kind: 'user', userId: reviewerId, roles: ['risk_officer'], sessionId: null },
      ip: null,
    };
  }

  /** Creates, submits (the decision engine looks at the creator) and approves; launches now or later. */
  async launch(creatorId: string, input: ProjectInput, launchAt?: Date): Promise<Project> {
    const created = await this.service.createProject(creatorId, input);
    await this.service.submitProject(creatorId, created.id);
    await this.service.reviewProject(created.id, { decision: 'approve' }, this.reviewer);
    return this.service.scheduleProject(creatorId, created.id, launchAt ?? this.service.context.clock.now());
  }

  /**
   * Backs a project once per pledge, each by the next backer with the money for it (one who has too
   * little is passed over); returns the backings' ids in order.
   */
  async back(project: Project, pledges: readonly Pledge[]): Promise<{ id: string; backerId: string }[]> {
    const made: { id: string; backerId: string }[] = [];
    for (const pledge of pledges) {
      const price = 'tier' in pledge ? project.tiers[pledge.tier]!.price : yuan(pledge.amount);
      for (let tries = 0; tries < this.backers.length; tries++) {
        const backerId = this.backers[this.next++ % this.backers.length]!;
        if (backerId === project.creatorId) continue;
        if ((await this.platform.payments.wallet(backerId)).available < price) continue;
        try {
          const backing = await this.service.back(backerId, project.id, {
            ...('tier' in pledge ? { tierId: project.tiers[pledge.tier]!.id } : { amount: price }),
            paymentPassword: PAYMENT_PASSWORD,
          });
          made.push({ id: backing.id, backerId });
          break;
        } catch (error) {
          // Their money went elsewhere meanwhile (the other projects are backed at the same time).
          if (!(error instanceof DomainError && error.code === 'insufficient_funds')) throw error;
        }
      }
    }
    return made;
  }

  /** The risk officer's audit context: staff decisions in the demo are theirs. */
  get staff(): AuditContext {
    return this.reviewer;
  }
}

/** The demo's creators (named accounts, verified) and its risk officer, who reviews projects. */
async function people(platform: Platform): Promise<{ creators: string[]; reviewerId: string }> {
  const { users, kyc } = platform.identity;
  const reviewerId = await users.idOfPhone(STAFF[1]!.phone);
  if (!reviewerId) throw new Error('demo data: the risk officer is not there');
  const existing = await Promise.all(CREATORS.map((c) => users.idOfPhone(c.phone)));
  if (existing.every((id) => id !== undefined)) return { creators: existing as string[], reviewerId };
  const creators = await users.createCustomersForDemo(CREATORS, DEMO_PASSWORD);
  for (const [i, userId] of creators.entries())
    await kyc.verifyIdentity(
      userId,
      { realName: CREATORS[i]!.displayName, idNumber: withCheckCharacter(`1101051988031230${1 + 2 * i}`) },
      { principal: ADMIN_TOKEN, ip: null },
    );
  return { creators, reviewerId };
}

/** The backers: verified investors with money, given the demo's payment password (one hash). */
async function backersOf(platform: Platform, backers: CrowdfundingBackers): Promise<string[]> {
  const ids = [...backers.investors.map((i) => i.userId), ...backers.crowd.investorIds().slice(0, 60)];
  const crowd = ids.slice(backers.investors.length);
  // Set once, by whichever call comes first (the history, normally): all of them or none.
  if (crowd.length > 0)
    await platform.identity.kyc.setPaymentPasswordsForDemo(crowd, PAYMENT_PASSWORD).catch((error) => {
      if (!(error instanceof DomainError && error.code === 'payment_password_already_set')) throw error;
    });
  return ids;
}

/** A clock at the business date's 10:00 in Shanghai, moving with the platform's. */
function businessDayClock(platform: Platform): Clock {
  const date = platform.clock.businessDate();
  const offset = platform.clock.now().getTime() - Date.parse(`${date}T02:00:00Z`);
  return {
    now: () => new Date(platform.clock.now().getTime() - offset),
    businessDate: () => platform.clock.businessDate(),
    setBusinessDate: () => {},
  };
}

const HISTORY_TITLES = {
  atlas: '老城手绘地图集 Hand-drawn atlas of the old town',
  kitchen: '社区共享厨房 A shared kitchen for the neighbourhood',
  radio: '复古蓝牙收音机 Retro Bluetooth radio',
} as const;

/**
 * Between the closes of the demo's past (demo.ts, after its close of day −61): three projects
 * launched on the business date, their deadlines 10 and 14 days on, which the next closes pass.
 */
export async function seedCrowdfundingHistory(
  platform: Platform,
  backers: CrowdfundingBackers,
  log: (line: string) => void,
): Promise<void> {
  const started = Date.now();
  const { creators, reviewerId } = await people(platform);
  const past = platform.crowdfunding.withClock(businessDayClock(platform));
  const seeder = new CrowdfundingSeeder(platform, past, reviewerId, await backersOf(platform, backers));
  const month = (n: number) => addMonths(platform.clock.businessDate(), n).slice(0, 7);
  const [su, jiang] = creators as [string, string];

  const atlas = await seeder.launch(
    su,
    draft(HISTORY_TITLES.atlas, {
      story: story(
        '我们用两年时间走遍老城的每一条巷子，把它们画成一本地图集。',
        'Two years walking every lane of the old town, drawn into one atlas.',
      ),
      category: 'publishing',
      target: yuan('2000.00'),
      durationDays: 14,
      tiers: [
        tier('明信片一套 Postcards', '39.00', '8 张手绘明信片 / 8 hand-drawn postcards', month(2)),
        tier('地图集 The atlas', '168.00', '精装地图集一册 / One hardback atlas', month(3)),
        tier('签名版 Signed edition', '398.00', '签名编号版 / Signed and numbered', month(3), {
          quantity: 20,
        }),
      ],
      payout: {
        kind: 'milestones',
        milestones: [
          { title: '完成排版 Layout finished', share: '0.3' },
          { title: '印刷完成 Printed', share: '0.4' },
          { title: '全部发货 All shipped', share: '0.3' },
        ],
      },
    }),
  );

  const kitchen = await seeder.launch(
    jiang,
    draft(HISTORY_TITLES.kitchen, {
      story: story(
        '把小区闲置的活动室改成大家都能用的共享厨房。',
        'Turning the unused community room into a kitchen everyone can use.',
      ),
      category: 'community',
      target: yuan('2000.00'),
      durationDays: 14,
      tiers: [
        tier('一次烹饪课 A cooking class', '88.00', '周末烹饪课一次 / One weekend class', month(1), {
          shipping: false,
        }),
        tier('围裙 An apron', '128.00', '定制围裙 / A custom apron', month(2)),
      ],
      payout: { kind: 'all' },
    }),
  );

  const radio = await seeder.launch(
    su,
    draft(HISTORY_TITLES.radio, {
      story: story('胡桃木外壳、旋钮调台的蓝牙收音机。', 'A walnut Bluetooth radio tuned with a knob.'),
      category: 'technology',
      target: yuan('50000.00'),
      durationDays: 10,
      tiers: [
        tier('早鸟 Early bird', '399.00', '收音机一台 / One radio', month(4), { quantity: 100 }),
        tier('标准 Standard', '459.00', '收音机一台 / One radio', month(4)),
      ],
      payout: { kind: 'all' },
    }),
  );
  // The backings of the three at once: their payment passwords are checked side by side.
  const [atlasBackings, kitchenBackings, radioBackings] = await Promise.all([
    seeder.back(atlas, [
      ...times(8, { tier: 1 }),
      ...times(4, { tier: 2 }),
      ...times(6, { tier: 0 }),
      { amount: '200.00' },
    ]),
    seeder.back(kitchen, [...times(6, { tier: 1 }), ...times(8, { tier: 0 }), { amount: '600.00' }]),
    seeder.back(radio, [...times(6, { tier: 0 }), ...times(2, { tier: 1 })]),
  ]);
  // One backer changes their mind before the cut-off: the hold is released at once.
  const changed = radioBackings[0];
  if (changed) await past.cancelBacking(changed.backerId, changed.id);
  const count = atlasBackings.length + kitchenBackings.length + radioBackings.length;
  log(`  demo: crowdfunding history: 3 projects launched, ${count} backings (${Date.now() - started} ms)`);
}

/**
 * At the end of the demo's run (today): what followed on the settled projects, and today's
 * projects in every state before success or failure.
 */
export async function seedCrowdfundingDemo(
  platform: Platform,
  backers: CrowdfundingBackers,
  log: (line: string) => void,
): Promise<void> {
  const started = Date.now();
  const { crowdfunding } = platform;
  const { creators, reviewerId } = await people(platform);
  const seeder = new CrowdfundingSeeder(
    platform,
    crowdfunding,
    reviewerId,
    await backersOf(platform, backers),
  );
  const audit = seeder.staff;
  const month = (n: number) => addMonths(platform.clock.businessDate(), n).slice(0, 7);
  const [su, jiang] = creators as [string, string];

  // The settled projects: what happened since their deadline.
  const mine = await crowdfunding.projectsOf(su);
  const theirs = await crowdfunding.projectsOf(jiang);
  const atlas = mine.find((p) => p.title === HISTORY_TITLES.atlas);
  const kitchen = theirs.find((p) => p.title === HISTORY_TITLES.kitchen);
  if (atlas?.status === 'succeeded') {
    await crowdfunding.submitMilestone(
      su,
      atlas.id,
      '排版完成，样张见附件 / Layout finished, proofs attached',
    );
    await crowdfunding.reviewMilestone(atlas.id, { decision: 'confirm' }, audit);
    await crowdfunding.postUpdate(su, atlas.id, {
      title: '明信片已寄出 The postcards are on their way',
      body: '明信片先行寄出，地图集正在印刷。/ The postcards went out first; the atlas is at the printer.',
    });
    await crowdfunding.submitMilestone(su, atlas.id, '首批印刷完成 / First print run finished');
    // A postcard backer gives an address, the creator ships; they complain, and staff refund them
    // from the escrow (a milestone plan: escrow still holds the rest) in the complaint's resolution.
    const backings = await crowdfunding.backingsOfProject(atlas.id);
    const postcards = backings.find((b) => b.tierId === atlas.tiers[0]!.id && b.status === 'collected');
    if (postcards) {
      await crowdfunding.setAddress(postcards.backerId, postcards.id, {
        name: '王女士',
        phone: '13912345678',
        address: '北京市朝阳区建国路 88 号 / 88 Jianguo Road, Chaoyang, Beijing',
      });
      await crowdfunding.markDelivery(su, postcards.id, {
        state: 'shipped',
        carrier: '顺丰 SF Express',
        tracking: 'SF1048576',
      });
      const complaint = await crowdfunding.openComplaint(
        postcards.backerId,
        postcards.id,
        '明信片寄到时折了 / The postcards arrived bent',
      );
      await crowdfunding.resolveComplaint(complaint.id, '全额退款 / Refunded in full', audit, {
        amount: postcards.amount,
      });
    }
  } else log(`  demo: crowdfunding: the atlas is ${atlas?.status ?? 'missing'}, not succeeded (no history?)`);
  if (kitchen?.status === 'succeeded') {
    const classes = (await crowdfunding.backingsOfProject(kitchen.id)).filter(
      (b) => b.tierId === kitchen.tiers[0]!.id,
    );
    for (const backing of classes.slice(0, 5))
      await crowdfunding.markDelivery(jiang, backing.id, { state: 'delivered' });
  }

  // Today's projects.
  const station = await seeder.launch(
    su,
    draft('便携气象站 Pocket weather station', {
      story: story(
        '巴掌大的气象站，测温度、湿度和气压，数据直接发到手机。',
        'A palm-sized weather station that sends its readings to your phone.',
      ),
      category: 'technology',
      target: yuan('20000.00'),
      durationDays: 30,
      tiers: [
        tier('感谢卡 Thank-you card', '10.00', '电子感谢卡 / A digital card', month(1), { shipping: false }),
        tier('早鸟 Early bird', '199.00', '气象站一台 / One station', month(5), { quantity: 50 }),
        tier('标准 Standard', '249.00', '气象站一台 / One station', month(5)),
      ],
      payout: { kind: 'all' },
    }),
  );
  const game = await seeder.launch(
    jiang,
    draft('独立游戏《山海》 Indie game: Mountains and Seas', {
      story: story(
        '一款以《山海经》为灵感的手绘冒险游戏。',
        'A hand-drawn adventure inspired by the Classic of Mountains and Seas.',
      ),
      category: 'games',
      target: yuan('8000.00'),
      durationDays: 20,
      tiers: [
        tier('游戏本体 The game', '48.00', 'Steam 激活码 / A Steam key', month(6), { shipping: false }),
        tier('典藏版 Collector’s edition', '298.00', '实体典藏盒 / A boxed edition', month(7), {
          quantity: 30,
        }),
      ],
      payout: {
        kind: 'milestones',
        milestones: [
          { title: '试玩版 Demo', share: '0.5' },
          { title: '正式版 Release', share: '0.5' },
        ],
      },
    }),
  );
  const teaSet = await seeder.launch(
    su,
    draft('手作陶瓷茶具 Handmade ceramic tea set', {
      story: story('景德镇窑口烧制的一壶四杯。', 'A teapot and four cups fired in Jingdezhen.'),
      category: 'design',
      target: yuan('3000.00'),
      durationDays: 3,
      tiers: [
        tier('一壶四杯 The set', '360.00', '一壶四杯 / A teapot and four cups', month(2), { quantity: 10 }),
      ],
      payout: { kind: 'all' },
    }),
  );
  const backed = await Promise.all([
    seeder.back(station, [...times(8, { tier: 1 }), ...times(2, { tier: 2 }), ...times(3, { tier: 0 })]),
    seeder.back(game, [
      ...times(10, { tier: 0 }),
      ...times(10, { tier: 1 }),
      ...times(3, { amount: '800.00' }),
    ]),
    seeder.back(teaSet, times(10, { tier: 0 })),
  ]);

  // Before launch: approved to launch in three days, in review, sent back for changes, a draft.
  await seeder.launch(
    jiang,
    draft('城市骑行纪录片 A documentary about cycling in the city', {
      story: story('跟拍五位骑车通勤的人一整年。', 'A year with five people who commute by bike.'),
      category: 'film',
      target: yuan('30000.00'),
      durationDays: 45,
      tiers: [tier('数字版 Digital copy', '30.00', '高清下载 / HD download', month(8), { shipping: false })],
      payout: { kind: 'all' },
    }),
    new Date(platform.clock.now().getTime() + 3 * 86_400_000),
  );
  const album = await crowdfunding.createProject(
    jiang,
    draft('民谣专辑《南方》 Folk album: The South', {
      story: story('十首写给南方小城的歌。', 'Ten songs for the small towns of the south.'),
      category: 'music',
      target: yuan('15000.00'),
      durationDays: 30,
      tiers: [tier('黑胶 Vinyl', '180.00', '签名黑胶 / A signed LP', month(5))],
      payout: { kind: 'all' },
    }),
  );
  await crowdfunding.submitProject(jiang, album.id);
  const cookbook = await crowdfunding.createProject(
    su,
    draft('外婆的菜谱 Grandma’s recipes', {
      story: story('四十道家常菜，配外婆的手写笔记。', 'Forty home dishes with grandma’s handwritten notes.'),
      category: 'food',
      target: yuan('100000.00'),
      durationDays: 60,
      tiers: [tier('菜谱 The book', '88.00', '一册 / One copy', month(6))],
      payout: { kind: 'all' },
    }),
  );
  await crowdfunding.submitProject(su, cookbook.id);
  await crowdfunding.reviewProject(
    cookbook.id,
    {
      decision: 'request_changes',
      reason: '目标金额偏高，请说明预算 / The target looks high: explain the budget',
    },
    audit,
  );
  await crowdfunding.createProject(
    su,
    draft('植物染围巾 Plant-dyed scarves', {
      story: story('用蓝草和茜草染的棉麻围巾。', 'Cotton and linen scarves dyed with indigo and madder.'),
      category: 'art',
      target: yuan('5000.00'),
      durationDays: 30,
      tiers: [tier('围巾 A scarf', '158.00', '一条 / One scarf', month(3))],
      payout: { kind: 'all' },
    }),
  );
  const count = backed.reduce((sum, list) => sum + list.length, 0);
  log(
    `  demo: crowdfunding: projects in every state, today's part (${count} backings) written in ${Date.now() - started} ms`,
  );
}
