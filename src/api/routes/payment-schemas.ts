import { z } from 'zod';
import { CNY, formatAmount, parseAmount, parseDate, plainDate, ruleViolation } from '../../kernel/index.ts';
import {
  COUNTERPART_KINDS,
  type Order,
  STATEMENT_CSV_CAP,
  STATEMENT_KINDS,
  type StatementKind,
  type WalletStatementLine,
} from '../../payments/index.ts';
import { errorResponseSchema } from '../errors.ts';
import { moneyResponseSchema } from '../schemas.ts';

/** What the payment routes share: error responses, the order as JSON, list queries and pages. */
export const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
  422: errorResponseSchema,
  429: errorResponseSchema,
  503: errorResponseSchema,
};
export const KINDS = ['top_up', 'withdrawal', 'transfer', 'merchant_payment', 'refund'] as const;
export const STATUSES = ['awaiting_payment', 'pending', 'succeeded', 'failed', 'expired', 'closed'] as const;

export const money = (minor: bigint) => ({ amount: formatAmount(minor, CNY), currency: 'CNY' });

export const orderSchema = z
  .object({
    id: z.string(),
    kind: z.enum(KINDS),
    status: z.enum(STATUSES),
    amount: moneyResponseSchema,
    fee: moneyResponseSchema,
    direction: z.enum(['in', 'out']).nullable().describe('For the caller: money coming in or going out.'),
    method: z.string().nullable(),
    channel: z.string().nullable(),
    channelOrderId: z.string().nullable(),
    merchantId: z.string().nullable(),
    merchantOrderNo: z.string().nullable(),
    parentOrderId: z.string().nullable(),
    description: z.string().nullable(),
    note: z.string().nullable(),
    failureCode: z.string().nullable(),
    businessDate: z.string(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
  })
  .meta({ id: 'PaymentOrder' });

export function orderJson(order: Order, viewer?: string) {
  let direction: 'in' | 'out' | null = null;
  if (viewer) {
    if (order.kind === 'top_up' || order.kind === 'refund') direction = 'in';
    else if (order.kind === 'transfer') direction = order.counterpartyUserId === viewer ? 'in' : 'out';
    else direction = 'out';
  }
  return {
    id: order.id,
    kind: order.kind,
    status: order.status,
    amount: money(order.amount),
    fee: money(order.fee),
    direction,
    method: order.method,
    channel: order.channel,
    channelOrderId: order.channelOrderId,
    merchantId: order.merchantId,
    merchantOrderNo: order.merchantOrderNo,
    parentOrderId: order.parentOrderId,
    description: order.description,
    note: order.note,
    failureCode: order.failureCode,
    businessDate: order.businessDate,
    createdAt: order.createdAt.toISOString(),
    completedAt: order.completedAt?.toISOString() ?? null,
    expiresAt: order.expiresAt?.toISOString() ?? null,
  };
}

/** Payments hold CNY wallets: an amount in another currency is refused with a clear code. */
export function cny(value: { amount: string; currency: string }): bigint {
  if (value.currency !== 'CNY') throw ruleViolation('currency_not_supported', 'wallets hold CNY');
  const parsed = parseAmount(value.amount, CNY, { allowZero: false });
  if (!parsed.ok) throw ruleViolation(parsed.error);
  return parsed.value;
}

export const dateQuery = z.string().refine((text) => parseDate(text).ok, { message: 'date_malformed' });
export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.uuid().optional().describe('The last id of the previous page.'),
  kind: z.enum(KINDS).optional(),
  status: z.enum(STATUSES).optional(),
  from: dateQuery.optional().describe('Business date from (inclusive).'),
  to: dateQuery.optional().describe('Business date to (inclusive).'),
});
export const page = z.object({ items: z.array(orderSchema), nextBefore: z.string().nullable() });
export const pageOf = (orders: Order[], limit: number, viewer?: string) => ({
  items: orders.map((o) => orderJson(o, viewer)),
  nextBefore: orders.length === limit ? orders[orders.length - 1]!.id : null,
});
export const paymentPassword = z.string().max(6).optional();
export const orderParams = z.object({ id: z.uuid() });

export { STATEMENT_CSV_CAP };

/** The wallet statement's filters: kinds (comma-separated), direction, local dates. */
export const statementQuery = z.object({
  kind: z
    .string()
    .max(600)
    .refine((text) => text.split(',').every((k) => (STATEMENT_KINDS as readonly string[]).includes(k)), {
      message: 'kind_unknown',
    })
    .optional()
    .describe(`One or several kinds, comma-separated: ${STATEMENT_KINDS.join(', ')}.`),
  direction: z.enum(['in', 'out']).optional(),
  from: dateQuery.optional().describe('Local (Asia/Shanghai) date from (inclusive).'),
  to: dateQuery.optional().describe('Local (Asia/Shanghai) date to (inclusive).'),
});

export const datesInOrder = (q: { from?: string | undefined; to?: string | undefined }) =>
  q.from === undefined || q.to === undefined || q.from <= q.to;

export function statementFilter(q: z.infer<typeof statementQuery>) {
  return {
    kinds: q.kind === undefined ? undefined : ([...new Set(q.kind.split(','))] as StatementKind[]),
    direction: q.direction,
    from: q.from === undefined ? undefined : plainDate(q.from),
    to: q.to === undefined ? undefined : plainDate(q.to),
  };
}

export const statementLineSchema = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    businessDate: z.string(),
    kind: z.enum(STATEMENT_KINDS),
    direction: z.enum(['in', 'out']),
    amount: moneyResponseSchema,
    balanceAfter: moneyResponseSchema,
    counterpart: z.object({
      kind: z.enum(COUNTERPART_KINDS),
      name: z.string().nullable().describe("A merchant's name, another customer's masked mobile number."),
    }),
    reference: z.object({ type: z.enum(['order', 'loan', 'credit_line']), id: z.string() }).nullable(),
  })
  .meta({ id: 'WalletStatementLine' });

export const statementLineJson = (line: WalletStatementLine) => ({
  id: line.id,
  createdAt: line.createdAt.toISOString(),
  businessDate: line.businessDate,
  kind: line.kind,
  direction: line.direction,
  amount: money(line.amount),
  balanceAfter: money(line.balanceAfter),
  counterpart: line.counterpart,
  reference: line.reference,
});
