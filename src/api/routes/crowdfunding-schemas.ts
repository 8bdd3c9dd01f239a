/** What the crowdfunding routes share: request and response schemas, and the JSON of its read models. */
import { z } from 'zod';
import {
  BACKING_FAILURE_REASONS,
  BACKING_STATUSES,
  type Backing,
  type BackingFailureReason,
  CATEGORIES,
  CATEGORY_CODES,
  type Category,
  PROJECT_STATUSES,
  type Project,
  type ProjectInput,
  type Refund,
} from '../../crowdfunding/index.ts';
import { divideRounded } from '../../kernel/index.ts';
import { moneyResponseSchema, moneySchema } from '../schemas.ts';
import { cny, money } from './lending-schemas.ts';

export const idParams = z.object({ id: z.uuid() });

const text = (max: number) => z.string().max(max);

export const projectBodySchema = z
  .object({
    title: text(120),
    story: text(20_000).describe(
      'Rich text: p, br, strong, em, b, i, u, h2, h3, ul, ol, li, blockquote, a[href https], img[src, alt] (src a picture uploaded to this project: /v1/crowdfunding/images/{id}).',
    ),
    images: z
      .array(text(2000))
      .max(20)
      .describe('Pictures uploaded to this project (/v1/crowdfunding/images/{id}); the first is the cover.'),
    category: z.enum(CATEGORY_CODES as [Category, ...Category[]]),
    target: moneySchema(),
    durationDays: z
      .number()
      .int()
      .min(1)
      .max(365)
      .describe('Days from launch to the deadline (at most the configured maximum, 60 by default).'),
    tiers: z
      .array(
        z
          .object({
            title: text(120),
            description: text(2000),
            price: moneySchema(),
            quantity: z.number().int().min(1).max(1_000_000).nullable().describe('null: no limit.'),
            deliveryMonth: z
              .string()
              .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
              .describe('YYYY-MM'),
            shipping: z.boolean(),
          })
          .strict(),
      )
      .max(20),
    payout: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('all') }).strict(),
      z
        .object({
          kind: z.literal('milestones'),
          milestones: z
            .array(
              z
                .object({
                  title: text(120),
                  share: z
                    .string()
                    .max(12)
                    .regex(/^(0|1)(\.\d{1,8})?$/)
                    .describe('An exact decimal; the shares sum to 1.'),
                })
                .strict(),
            )
            .min(1)
            .max(10),
        })
        .strict(),
    ]),
  })
  .strict();

export function projectInput(b: z.infer<typeof projectBodySchema>): ProjectInput {
  return {
    title: b.title,
    story: b.story,
    images: b.images,
    category: b.category,
    target: cny(b.target),
    durationDays: b.durationDays,
    tiers: b.tiers.map((t) => ({ ...t, price: cny(t.price) })),
    payout: b.payout,
  };
}

const categorySchema = z
  .object({ code: z.string(), en: z.string(), zh: z.string() })
  .meta({ id: 'CrowdfundingCategory' });
export const categoryJson = (code: Category) => ({ code, ...CATEGORIES[code] });
export const categoriesSchema = z.array(categorySchema);

const tierSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  price: moneyResponseSchema,
  quantity: z.number().nullable(),
  sold: z.number(),
  remaining: z.number().nullable(),
  deliveryMonth: z.string(),
  shipping: z.boolean(),
});

const milestoneSchema = z.object({
  id: z.string(),
  position: z.number(),
  title: z.string(),
  share: z.string(),
  status: z.enum(['pending', 'submitted', 'paid']),
  evidence: z.string().nullable(),
  rejectionReason: z.string().nullable(),
  amount: moneyResponseSchema.nullable(),
  paidAt: z.string().nullable(),
});

const phaseSchema = z.enum([...PROJECT_STATUSES, 'live']);

export const backingSchema = z
  .object({
    id: z.string(),
    projectId: z.string(),
    tierId: z.string().nullable(),
    amount: moneyResponseSchema,
    status: z
      .enum(BACKING_STATUSES)
      .describe(
        'awaiting_payment (by card, until the channel answers), held, cancelled, collected, released, failed (see failureReason).',
      ),
    paymentOrderId: z
      .string()
      .nullable()
      .describe('The card top-up that pays it; null when paid from the wallet.'),
    failureReason: z
      .object({
        code: z.enum(
          Object.keys(BACKING_FAILURE_REASONS) as [BackingFailureReason, ...BackingFailureReason[]],
        ),
        en: z.string(),
        zh: z.string(),
      })
      .nullable()
      .describe(
        'Why a backing by card failed, in both languages; the money, if it came in, is in the wallet.',
      ),
    refunded: moneyResponseSchema,
    settledOn: z.string().nullable(),
    hasAddress: z.boolean(),
    delivery: z.enum(['pending', 'shipped', 'delivered']),
    carrier: z.string().nullable(),
    tracking: z.string().nullable(),
    shippedAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'CrowdfundingBacking' });

export const backingJson = (b: Backing) => ({
  id: b.id,
  projectId: b.projectId,
  tierId: b.tierId,
  amount: money(b.amount),
  status: b.status,
  paymentOrderId: b.paymentOrderId,
  failureReason: b.failureReason
    ? { code: b.failureReason, ...BACKING_FAILURE_REASONS[b.failureReason] }
    : null,
  refunded: money(b.refunded),
  settledOn: b.settledOn,
  hasAddress: b.hasAddress,
  delivery: b.delivery,
  carrier: b.carrier,
  tracking: b.tracking,
  shippedAt: b.shippedAt?.toISOString() ?? null,
  deliveredAt: b.deliveredAt?.toISOString() ?? null,
  createdAt: b.createdAt.toISOString(),
});

/** What anyone may see of a launched project: never who backed it. */
export const publicProjectSchema = z
  .object({
    id: z.string(),
    phase: phaseSchema,
    title: z.string(),
    story: z.string().describe('Sanitised rich text (the safe subset only).'),
    images: z.array(z.string()),
    category: categorySchema,
    target: moneyResponseSchema,
    pledged: moneyResponseSchema,
    progress: z.string().describe('pledged ÷ target in percent, two places, rounded down (may pass 100).'),
    backers: z.number(),
    launchAt: z.string().nullable(),
    deadlineAt: z.string().nullable(),
    daysLeft: z.number().describe('Whole days until the deadline, rounded up; 0 once it has passed.'),
    payoutKind: z.enum(['all', 'milestones']),
    tiers: z.array(tierSchema),
    milestones: z.array(milestoneSchema.pick({ position: true, title: true, share: true, status: true })),
  })
  .meta({ id: 'CrowdfundingPublicProject' });

/** The creator's and staff's view: everything about the project, review and risk included. */
export const projectSchema = publicProjectSchema
  .extend({
    creatorId: z.string(),
    status: z.enum(PROJECT_STATUSES),
    durationDays: z.number(),
    milestones: z.array(milestoneSchema),
    risk: z
      .object({
        decisionId: z.string().nullable(),
        outcome: z.string(),
        grade: z.string().nullable(),
        reasons: z.array(z.string()),
        kycLevel: z.number(),
        history: z.object({
          projects: z.number(),
          succeeded: z.number(),
          failed: z.number(),
          refused: z.number(),
        }),
      })
      .nullable(),
    reviewNote: z.string().nullable(),
    refusalCode: z.string().nullable(),
    fee: moneyResponseSchema.nullable(),
    paymentCost: moneyResponseSchema
      .nullable()
      .describe(
        "At success: what the payment channels charged for the card backings' top-ups, taken from the creator's share.",
      ),
    creatorShare: moneyResponseSchema
      .nullable()
      .describe(
        'At success: what the creator gets, paid out by the plan (pledged less fee and payment cost).',
      ),
    settledOn: z.string().nullable(),
    submittedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'CrowdfundingProject' });

function progressOf(pledged: bigint, target: bigint): string {
  const basisPoints = divideRounded(pledged * 10_000n, target, 'down');
  return `${basisPoints / 100n}.${String(basisPoints % 100n).padStart(2, '0')}`;
}

export function publicProjectJson(p: Project, now: Date) {
  const left = p.deadlineAt ? p.deadlineAt.getTime() - now.getTime() : 0;
  return {
    id: p.id,
    phase: p.phase,
    title: p.title,
    story: p.story,
    images: p.images,
    category: categoryJson(p.category),
    target: money(p.target),
    pledged: money(p.pledged),
    progress: progressOf(p.pledged, p.target),
    backers: p.backers,
    launchAt: p.launchAt?.toISOString() ?? null,
    deadlineAt: p.deadlineAt?.toISOString() ?? null,
    daysLeft: left > 0 ? Math.ceil(left / 86_400_000) : 0,
    payoutKind: p.payoutKind,
    tiers: p.tiers.map((t) => ({
      id: t.id,
      title: t.title,
      description: t.description,
      price: money(t.price),
      quantity: t.quantity,
      sold: t.sold,
      remaining: t.quantity === null ? null : t.quantity - t.sold,
      deliveryMonth: t.deliveryMonth,
      shipping: t.shipping,
    })),
    milestones: p.milestones.map((m) => ({
      position: m.position,
      title: m.title,
      share: m.share,
      status: m.status,
    })),
  };
}

export function projectJson(p: Project, now: Date) {
  return {
    ...publicProjectJson(p, now),
    creatorId: p.creatorId,
    status: p.status,
    durationDays: p.durationDays,
    milestones: p.milestones.map((m) => ({
      ...m,
      amount: m.amount === null ? null : money(m.amount),
      paidAt: m.paidAt?.toISOString() ?? null,
    })),
    risk: p.risk,
    reviewNote: p.reviewNote,
    refusalCode: p.refusalCode,
    fee: p.fee === null ? null : money(p.fee),
    paymentCost: p.fee === null ? null : money(p.paymentCost ?? 0n),
    creatorShare: p.fee === null ? null : money(p.pledged - p.fee - (p.paymentCost ?? 0n)),
    settledOn: p.settledOn,
    submittedAt: p.submittedAt?.toISOString() ?? null,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

export const refundSchema = z
  .object({
    id: z.string(),
    backingId: z.string(),
    projectId: z.string(),
    amount: moneyResponseSchema,
    reason: z.string(),
    complaintId: z.string().nullable().describe('The complaint whose resolution made it, if any.'),
    createdAt: z.string(),
  })
  .meta({ id: 'CrowdfundingRefund' });
export const refundJson = (r: Refund) => ({
  ...r,
  amount: money(r.amount),
  createdAt: r.createdAt.toISOString(),
});
export const refundBodySchema = z
  .object({ amount: moneySchema(), reason: z.string().min(1).max(500) })
  .strict();
