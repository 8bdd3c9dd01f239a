import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import type { Campaign, CampaignInput, Figures, RewardView, SpendEntry } from '../../crm/index.ts';
import { CHANNEL_PATTERN } from '../../identity/index.ts';
import { CNY, type PlainDate, parseAmount, parseDate, ruleViolation } from '../../kernel/index.ts';
import { userIdOf } from '../auth.ts';
import { moneyResponseSchema, moneySchema, rateSchema } from '../schemas.ts';
import { context } from './identity.ts';
import { errors, idParams, money } from './lending-schemas.ts';

/** A checked money body (moneySchema) in minor units; campaigns run in CNY. */
function cny(value: { amount: string; currency: string }): bigint {
  if (value.currency !== 'CNY') throw ruleViolation('currency_not_supported', 'campaigns run in CNY');
  const parsed = parseAmount(value.amount, CNY, { allowZero: true, allowNegative: true });
  if (!parsed.ok) throw ruleViolation(parsed.error, 'the amount is malformed');
  return parsed.value;
}

/**
 * CRM channels, campaigns and referrals (issue 20): operations run campaigns (crm:manage);
 * staff who read CRM figures (crm:read) see campaigns, their spend, rewards and figures; a customer
 * sees their referral code, whom they brought and what it earned them.
 */
const dateText = z.string().refine((t) => parseDate(t).ok, { message: 'date_malformed' });
const code = z.string().regex(CHANNEL_PATTERN, { message: 'campaign_code_malformed' });
const channel = z.string().regex(CHANNEL_PATTERN, { message: 'channel_malformed' });
const nonNegative = moneySchema({ allowZero: true });
const positive = moneySchema({ allowZero: false });

const rewardSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('none') }).strict(),
    z.object({ kind: z.literal('cash'), amount: positive }).strict(),
    z
      .object({
        kind: z.literal('rate_coupon'),
        rate: rateSchema.describe('The coupon\'s extra rate a year: "0.0200" is 2%.'),
        days: z.number().int().min(1).max(366),
      })
      .strict(),
  ])
  .describe(
    'Paid once the first investment meets the condition: a cash bonus, or a rate coupon paid as its value (first investment × rate × days / 365).',
  );

const campaignBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    channel,
    startsOn: dateText,
    endsOn: dateText,
    budget: nonNegative,
    reward: rewardSchema,
    referrerAmount: positive.nullable().describe('What the referrer of a qualifying user gets, if anything.'),
    minInvestment: nonNegative.describe('The first investment must be at least this.'),
    withinDays: z.number().int().min(0).max(366).describe('... within this many days of sign-up.'),
    maxRewards: z.number().int().min(0).max(1_000_000_000).nullable(),
    rewardBudget: nonNegative.nullable(),
  })
  .strict();

const rewardResponse = z.union([
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('cash'), amount: moneyResponseSchema }),
  z.object({ kind: z.literal('rate_coupon'), rate: z.string(), days: z.number() }),
]);

const campaignSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    channel: z.string(),
    startsOn: z.string(),
    endsOn: z.string(),
    budget: moneyResponseSchema,
    spend: moneyResponseSchema,
    reward: rewardResponse,
    referrerAmount: moneyResponseSchema.nullable(),
    minInvestment: moneyResponseSchema,
    withinDays: z.number(),
    maxRewards: z.number().nullable(),
    rewardBudget: moneyResponseSchema.nullable(),
    rewardsPaid: z.object({ count: z.number(), amount: moneyResponseSchema }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'CrmCampaign' });

const spendSchema = z
  .object({
    id: z.string(),
    campaignId: z.string(),
    amount: moneyResponseSchema,
    spentOn: z.string(),
    note: z.string(),
    enteredBy: z.string(),
    enteredAt: z.string(),
  })
  .meta({ id: 'CrmCampaignSpend' });

const rewardViewSchema = z
  .object({
    id: z.string(),
    campaignId: z.string(),
    campaignName: z.string(),
    qualifyingUserId: z.string(),
    role: z.enum(['user', 'referrer']),
    beneficiaryId: z.string(),
    kind: z.enum(['cash', 'rate_coupon']),
    amount: moneyResponseSchema,
    couponRate: z.string().nullable(),
    couponDays: z.number().nullable(),
    investedAmount: moneyResponseSchema,
    investedOn: z.string(),
    businessDate: z.string(),
  })
  .meta({ id: 'CrmReward' });

const figuresSchema = z
  .object({
    signUps: z.number(),
    verified: z.number(),
    firstTransaction: z.number(),
    conversion: z.object({
      verified: z.string().nullable().describe('verified / signUps'),
      firstTransaction: z.string().nullable().describe('firstTransaction / verified'),
      overall: z.string().nullable().describe('firstTransaction / signUps'),
    }),
    spend: moneyResponseSchema,
    rewardsPaid: moneyResponseSchema,
    costPerAcquisition: moneyResponseSchema.nullable().describe('spend / firstTransaction users'),
    invested: moneyResponseSchema,
    borrowed: moneyResponseSchema,
    revenue: moneyResponseSchema.describe("Fees the users' wallets paid the platform, to date"),
    returnOnSpend: z.string().nullable().describe('revenue / spend'),
  })
  .meta({ id: 'CrmFigures' });

function campaignJson(c: Campaign) {
  return {
    id: c.id,
    code: c.code,
    name: c.name,
    channel: c.channel,
    startsOn: c.startsOn,
    endsOn: c.endsOn,
    budget: money(c.budget),
    spend: money(c.spend),
    reward:
      c.reward.kind === 'cash'
        ? { kind: 'cash' as const, amount: money(c.reward.amount) }
        : c.reward.kind === 'rate_coupon'
          ? { kind: 'rate_coupon' as const, rate: c.reward.rate, days: c.reward.days }
          : { kind: 'none' as const },
    referrerAmount: c.referrerAmount === null ? null : money(c.referrerAmount),
    minInvestment: money(c.minInvestment),
    withinDays: c.withinDays,
    maxRewards: c.maxRewards,
    rewardBudget: c.rewardBudget === null ? null : money(c.rewardBudget),
    rewardsPaid: { count: c.rewardsPaid.count, amount: money(c.rewardsPaid.amount) },
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

const spendJson = (s: SpendEntry) => ({
  ...s,
  amount: money(s.amount),
  enteredAt: s.enteredAt.toISOString(),
});
const rewardJson = (r: RewardView) => ({
  ...r,
  amount: money(r.amount),
  investedAmount: money(r.investedAmount),
});
const figuresJson = (f: Figures) => ({
  ...f,
  spend: money(f.spend),
  rewardsPaid: money(f.rewardsPaid),
  costPerAcquisition: f.costPerAcquisition === null ? null : money(f.costPerAcquisition),
  invested: money(f.invested),
  borrowed: money(f.borrowed),
  revenue: money(f.revenue),
});

function campaignInput(body: z.infer<typeof campaignBody>): CampaignInput {
  return {
    name: body.name,
    channel: body.channel,
    startsOn: body.startsOn as PlainDate,
    endsOn: body.endsOn as PlainDate,
    budget: cny(body.budget),
    reward:
      body.reward.kind === 'cash'
        ? { kind: 'cash', amount: cny(body.reward.amount) }
        : body.reward.kind === 'rate_coupon'
          ? { kind: 'rate_coupon', rate: body.reward.rate, days: body.reward.days }
          : { kind: 'none' },
    referrerAmount: body.referrerAmount === null ? null : cny(body.referrerAmount),
    minInvestment: cny(body.minInvestment),
    withinDays: body.withinDays,
    maxRewards: body.maxRewards,
    rewardBudget: body.rewardBudget === null ? null : cny(body.rewardBudget),
  };
}

const readers = { auth: { permission: 'crm:read' } } as const;
const managers = { auth: { permission: 'crm:manage' } } as const;
const tags = ['crm'];

export function crmCampaignRoutes(platform: Platform): FastifyPluginAsyncZod {
  const crm = platform.crmCampaigns;
  return async (app) => {
    app.get(
      '/crm/campaigns',
      {
        config: readers,
        schema: {
          tags,
          summary: 'Campaigns, newest first',
          response: { 200: z.object({ items: z.array(campaignSchema) }), ...errors },
        },
      },
      async () => ({ items: (await crm.list()).map(campaignJson) }),
    );

    app.post(
      '/crm/campaigns',
      {
        config: managers,
        schema: {
          tags,
          summary: 'Create a campaign: channel, period, budget, reward, condition and limits; audited',
          body: campaignBody.extend({ code }).strict(),
          response: { 201: campaignSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            campaignJson(
              await crm.create({ ...campaignInput(request.body), code: request.body.code }, context(request)),
            ),
          ),
    );

    app.get(
      '/crm/campaigns/:id',
      {
        config: readers,
        schema: {
          tags,
          summary: 'One campaign',
          params: idParams,
          response: { 200: campaignSchema, ...errors },
        },
      },
      async (request) => campaignJson(await crm.get(request.params.id)),
    );

    app.put(
      '/crm/campaigns/:id',
      {
        config: managers,
        schema: {
          tags,
          summary: 'Change a campaign (everything but its code); rewards already paid stay paid; audited',
          params: idParams,
          body: campaignBody,
          response: { 200: campaignSchema, ...errors },
        },
      },
      async (request) =>
        campaignJson(await crm.update(request.params.id, campaignInput(request.body), context(request))),
    );

    app.get(
      '/crm/campaigns/:id/spend',
      {
        config: readers,
        schema: {
          tags,
          summary: "A campaign's spend entries, oldest first",
          params: idParams,
          response: { 200: z.object({ items: z.array(spendSchema) }), ...errors },
        },
      },
      async (request) => ({ items: (await crm.spendEntries(request.params.id)).map(spendJson) }),
    );

    app.post(
      '/crm/campaigns/:id/spend',
      {
        config: managers,
        schema: {
          tags,
          summary: 'Enter spend on a campaign (append-only: a correction is a negative entry); audited',
          params: idParams,
          body: z
            .object({
              amount: moneySchema({ allowZero: false, allowNegative: true }),
              spentOn: dateText,
              note: z.string().max(200).default(''),
            })
            .strict(),
          response: { 201: spendSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply.code(201).send(
          spendJson(
            await crm.addSpend(
              request.params.id,
              {
                amount: cny(request.body.amount),
                spentOn: request.body.spentOn as PlainDate,
                note: request.body.note,
              },
              context(request),
            ),
          ),
        ),
    );

    app.get(
      '/crm/campaigns/:id/rewards',
      {
        config: readers,
        schema: {
          tags,
          summary: "A campaign's rewards paid",
          params: idParams,
          response: { 200: z.object({ items: z.array(rewardViewSchema) }), ...errors },
        },
      },
      async (request) => {
        await crm.get(request.params.id);
        return { items: (await crm.rewards({ campaignId: request.params.id })).map(rewardJson) };
      },
    );

    app.get(
      '/crm/campaigns/:id/figures',
      {
        config: readers,
        schema: {
          tags,
          summary:
            "A campaign's figures: sign-ups, verified, first transaction, conversion, cost per acquisition, amounts, revenue, return on spend",
          params: idParams,
          response: { 200: z.object({ campaign: campaignSchema, figures: figuresSchema }), ...errors },
        },
      },
      async (request) => {
        const { campaign, figures } = await crm.campaignFigures(request.params.id);
        return { campaign: campaignJson(campaign), figures: figuresJson(figures) };
      },
    );

    app.get(
      '/crm/channels/figures',
      {
        config: readers,
        schema: {
          tags,
          summary: "Figures per channel of origin (every customer; spend of the channel's campaigns)",
          response: {
            200: z.object({ items: z.array(z.object({ channel: z.string(), figures: figuresSchema })) }),
            ...errors,
          },
        },
      },
      async () => ({
        items: (await crm.channelFigures()).map((c) => ({
          channel: c.channel,
          figures: figuresJson(c.figures),
        })),
      }),
    );

    app.get(
      '/crm/referrals/mine',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags,
          summary: 'My referral code, whom I brought (masked) and what it earned me',
          response: {
            200: z.object({
              code: z.string(),
              earned: moneyResponseSchema,
              referred: z.array(
                z.object({ phone: z.string(), signedUpOn: z.string(), earned: moneyResponseSchema }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const mine = await crm.referralsOf(userIdOf(request));
        return {
          code: mine.code,
          earned: money(mine.earned),
          referred: mine.referred.map((r) => ({ ...r, earned: money(r.earned) })),
        };
      },
    );
  };
}
