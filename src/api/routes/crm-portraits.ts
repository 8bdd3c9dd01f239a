import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import type {
  AumBand,
  ClassChange,
  PortraitView,
  StaffTag,
  StoredPortrait,
  TagRuleSet,
} from '../../crm/index.ts';
import { CNY, formatAmount, parseAmount } from '../../kernel/index.ts';
import { moneyResponseSchema } from '../schemas.ts';
import { context } from './identity.ts';
import { anyObject, errors } from './lending-schemas.ts';

/**
 * CRM portraits, tags and ABC classes (issue 20). Reading needs crm:read, changing crm:manage.
 * Personal data comes masked, as in the users list; in full only through GET /v1/admin/users/:id
 * with pii:read. Amounts are decimal strings with their currency.
 */
const CLASS = z.enum(['A', 'B', 'C']);
const TAG = z.string().regex(/^[a-z0-9_-]{1,40}$/);
const userParams = z.object({ userId: z.uuid() }).strict();
const yuan = (minor: bigint | string) => ({ amount: formatAmount(BigInt(minor), CNY), currency: CNY.code });
const amountText = z
  .string()
  .max(24)
  .refine((t) => parseAmount(t, CNY).ok, { message: 'amount_malformed' });
const minorOf = (text: string) => {
  const parsed = parseAmount(text, CNY);
  if (!parsed.ok) throw new Error('unreachable: validated by the schema');
  return parsed.value;
};

/** The portrait's amounts (strings of cents in storage) as money. */
function moneyIn(data: Record<string, any>) {
  const m = (v: unknown) => yuan(String(v ?? '0'));
  return {
    ...data,
    investing: {
      ...data.investing,
      amount: m(data.investing?.amount),
      amount90: m(data.investing?.amount90),
      marketplace: { ...data.investing?.marketplace, amount: m(data.investing?.marketplace?.amount) },
      wealth: { ...data.investing?.wealth, amount: m(data.investing?.wealth?.amount) },
    },
    assets: {
      ...data.assets,
      aum: m(data.assets?.aum),
      wallet: m(data.assets?.wallet),
      notes: m(data.assets?.notes),
      funds: m(data.assets?.funds),
    },
    borrowing: {
      ...data.borrowing,
      amount: m(data.borrowing?.amount),
      creditLimit: m(data.borrowing?.creditLimit),
      drawn: m(data.borrowing?.drawn),
    },
    payments: { ...data.payments, amount90: m(data.payments?.amount90) },
    contribution: {
      ...data.contribution,
      total: m(data.contribution?.total),
      byKind: Object.fromEntries(Object.entries(data.contribution?.byKind ?? {}).map(([k, v]) => [k, m(v)])),
    },
  };
}

const summaryJson = (p: StoredPortrait) => ({
  userId: p.userId,
  asOf: p.asOf,
  class: p.class,
  classReason: p.classReason,
  classSince: p.classSince,
  aum: yuan(p.aum),
  aumBand: p.aumBand,
  contribution: yuan(p.contribution),
  worstDpd: p.worstDpd,
  riskClass: (p.data.risk?.class as string | null) ?? null,
  tags: { rules: p.ruleTags, staff: p.staffTags },
});

const staffTagJson = (t: StaffTag) => ({
  ...t,
  addedAt: t.addedAt.toISOString(),
  removedAt: t.removedAt?.toISOString() ?? null,
});
const changeJson = (c: ClassChange) => ({ ...c, createdAt: c.createdAt.toISOString() });
const ruleSetJson = (r: TagRuleSet) => ({ ...r, createdAt: r.createdAt.toISOString() });
const bandJson = (b: AumBand) => ({ band: b.band, from: yuan(b.fromMinor) });

const portraitSummarySchema = z
  .object({
    userId: z.string(),
    asOf: z.string(),
    class: CLASS.nullable(),
    classReason: z.string().nullable(),
    classSince: z.string().nullable(),
    aum: moneyResponseSchema,
    aumBand: z.string(),
    contribution: moneyResponseSchema.describe(
      "The platform's income from the customer over the class rules' window",
    ),
    worstDpd: z.number().int(),
    riskClass: z.string().nullable(),
    tags: z.object({ rules: z.array(z.string()), staff: z.array(z.string()) }),
    who: anyObject.optional(),
  })
  .meta({ id: 'CrmPortraitSummary' });

export function crmPortraitRoutes(platform: Platform): FastifyPluginAsyncZod {
  const crm = platform.crm;
  const read = { auth: { permission: 'crm:read' as const } };
  const manage = { auth: { permission: 'crm:manage' as const } };
  const masked = async (userId: string) => {
    const profile = await platform.identity.users.profile(userId, { unmasked: false });
    return {
      phone: profile.phone,
      displayName: profile.displayName,
      realName: profile.realName,
      kycLevel: profile.kycLevel,
    };
  };
  const portraitJson = async (p: PortraitView) => ({
    ...summaryJson(p),
    who: await masked(p.userId),
    computedAt: p.computedAt.toISOString(),
    sections: moneyIn(p.data),
    live: { lastSeenAt: p.live.lastSeenAt?.toISOString() ?? null, openSessions: p.live.openSessions },
    riskHistory: p.riskHistory.map((r) => ({
      ...r,
      class: `C${r.level}`,
      previousClass: r.previousLevel ? `C${r.previousLevel}` : null,
    })),
    classHistory: p.classHistory.map(changeJson),
    staffTagHistory: p.staffTagHistory.map(staffTagJson),
    manager: p.manager ? { ...p.manager, assignedAt: p.manager.assignedAt.toISOString() } : null,
    staffNames: p.staffNames,
  });
  return async (app) => {
    app.get(
      '/crm/portraits/:userId',
      {
        config: read,
        schema: {
          tags: ['crm'],
          summary:
            "A customer's portrait as of the last day-close (investing, risk class, assets, borrowing, payments, contribution, tags, class) with the live last-seen; personal data masked",
          params: userParams,
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => portraitJson(await crm.portrait(request.params.userId)),
    );

    app.get(
      '/crm/portraits',
      {
        config: read,
        schema: {
          tags: ['crm'],
          summary:
            'Customers by class, tag, asset band or risk class, in id order (keyset: `after` is the last id seen)',
          querystring: z
            .object({
              class: CLASS.optional(),
              tag: TAG.optional(),
              band: z
                .string()
                .regex(/^[a-z0-9_]{1,40}$/)
                .optional(),
              riskClass: z.enum(['C1', 'C2', 'C3', 'C4', 'C5']).optional(),
              after: z.uuid().optional(),
              limit: z.coerce.number().int().min(1).max(200).default(50),
            })
            .strict(),
          response: {
            200: z.object({ items: z.array(portraitSummarySchema), next: z.string().nullable() }),
            ...errors,
          },
        },
      },
      async (request) => {
        const page = await crm.portraits(request.query);
        const items = await Promise.all(
          page.map(async (p) => ({ ...summaryJson(p), who: await masked(p.userId) })),
        );
        return { items, next: page.length === request.query.limit ? (page.at(-1)?.userId ?? null) : null };
      },
    );

    app.get(
      '/crm/classes/summary',
      {
        config: read,
        schema: {
          tags: ['crm'],
          summary:
            'Customers, contribution (revenue over the window) and assets by class; A customers without a manager',
          response: { 200: anyObject, ...errors },
        },
      },
      async () => {
        const s = await crm.classSummary();
        return {
          asOf: s.asOf,
          classes: s.classes.map((c) => ({
            class: c.class,
            customers: c.customers,
            contribution: yuan(c.contribution),
            aum: yuan(c.aum),
          })),
          aWithoutManager: s.aWithoutManager,
        };
      },
    );

    app.get(
      '/crm/classes/history/:userId',
      {
        config: read,
        schema: {
          tags: ['crm'],
          summary:
            "A customer's class changes, oldest first, each with its reason and the figures it was decided on",
          params: userParams,
          response: { 200: z.object({ items: z.array(anyObject) }), ...errors },
        },
      },
      async (request) => ({ items: (await crm.classHistory(request.params.userId)).map(changeJson) }),
    );

    app.get(
      '/crm/settings',
      {
        config: read,
        schema: {
          tags: ['crm'],
          summary: 'The asset bands and the ABC class rules',
          response: { 200: anyObject, ...errors },
        },
      },
      async () => {
        const s = await crm.settings();
        return {
          aumBands: s.aumBands.map(bandJson),
          classRules: { ...s.classRules, aAssets: yuan(s.classRules.aAssetsMinor), aAssetsMinor: undefined },
        };
      },
    );

    app.post(
      '/crm/settings/aum-bands',
      {
        config: manage,
        schema: {
          tags: ['crm'],
          summary: 'Replace the asset bands (from the next close): increasing starts, the first at 0.00',
          body: z
            .object({
              bands: z
                .array(z.object({ band: z.string().regex(/^[a-z0-9_]{1,40}$/), from: amountText }).strict())
                .min(1)
                .max(20),
            })
            .strict(),
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => {
        const bands = await crm.setAumBands(
          request.body.bands.map((b) => ({ band: b.band, fromMinor: minorOf(b.from) })),
          context(request),
        );
        return { aumBands: bands.map(bandJson) };
      },
    );

    app.post(
      '/crm/settings/class-rules',
      {
        config: manage,
        schema: {
          tags: ['crm'],
          summary: 'Replace the ABC class rules (from the next close)',
          body: z
            .object({
              aTopPercent: z.number().int().min(0).max(100),
              aAssets: amountText,
              bNextPercent: z.number().int().min(0).max(100),
              windowMonths: z.number().int().min(1).max(36),
            })
            .strict(),
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => {
        const { aAssets, ...rest } = request.body;
        const rules = await crm.setClassRules({ ...rest, aAssetsMinor: minorOf(aAssets) }, context(request));
        return { ...rules, aAssets: yuan(rules.aAssetsMinor), aAssetsMinor: undefined };
      },
    );

    app.get(
      '/crm/tags',
      {
        config: read,
        schema: {
          tags: ['crm'],
          summary: 'The tag rule set in force and every saved version, newest first',
          response: { 200: anyObject, ...errors },
        },
      },
      async () => ({
        inForce: ruleSetJson(await crm.tagRulesInForce()),
        versions: (await crm.tagRuleSets()).map(ruleSetJson),
      }),
    );

    app.post(
      '/crm/tags/rule-sets',
      {
        config: manage,
        schema: {
          tags: ['crm'],
          summary:
            'Save a new version of the tag rules (a ZEN decision table, hit policy collect, output `tag`), in force from the next close',
          body: z.object({ content: anyObject, description: z.string().max(500).optional() }).strict(),
          response: { 201: anyObject, ...errors },
        },
      },
      async (request, reply) =>
        reply.code(201).send(ruleSetJson(await crm.saveTagRules(request.body, context(request)))),
    );

    app.post(
      '/crm/portraits/:userId/tags',
      {
        config: manage,
        schema: {
          tags: ['crm'],
          summary: 'Put a staff tag on a customer (who and when are recorded)',
          params: userParams,
          body: z.object({ tag: TAG }).strict(),
          response: { 201: anyObject, ...errors },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(staffTagJson(await crm.addTag(request.params.userId, request.body.tag, context(request)))),
    );

    app.post(
      '/crm/portraits/:userId/tags/remove',
      {
        config: manage,
        schema: {
          tags: ['crm'],
          summary: "Take a staff tag off a customer (the tag's history keeps who removed it and when)",
          params: userParams,
          body: z.object({ tag: TAG }).strict(),
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) =>
        staffTagJson(await crm.removeTag(request.params.userId, request.body.tag, context(request))),
    );

    app.get(
      '/crm/managers',
      {
        config: read,
        schema: {
          tags: ['crm'],
          summary: 'A customers without a relationship manager, in id order (keyset)',
          querystring: z
            .object({
              after: z.uuid().optional(),
              limit: z.coerce.number().int().min(1).max(200).default(50),
            })
            .strict(),
          response: { 200: z.object({ items: z.array(anyObject), next: z.string().nullable() }), ...errors },
        },
      },
      async (request) => {
        const ids = await crm.unmanagedA(request.query.after ?? null, request.query.limit);
        const items = await Promise.all(ids.map(async (userId) => ({ userId, who: await masked(userId) })));
        return { items, next: ids.length === request.query.limit ? (ids.at(-1) ?? null) : null };
      },
    );

    app.post(
      '/crm/managers',
      {
        config: manage,
        schema: {
          tags: ['crm'],
          summary: 'Name a staff user the relationship manager of an A customer',
          body: z.object({ userId: z.uuid(), managerId: z.uuid() }).strict(),
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => {
        const a = await crm.assignManager(request.body.userId, request.body.managerId, context(request));
        return { ...a, assignedAt: a.assignedAt.toISOString() };
      },
    );
  };
}
