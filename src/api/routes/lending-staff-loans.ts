import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { csvDocument, type PlainDate, parseDate } from '../../kernel/index.ts';
import {
  DPD_BUCKETS,
  type DpdBucket,
  type LoanStatus,
  type StaffLoanFilter,
  type StaffLoanRow,
} from '../../lending/index.ts';
import { moneyResponseSchema } from '../schemas.ts';
import { errors, money, yuan } from './lending-schemas.ts';

const STATUSES = ['listing', 'full', 'failed', 'active', 'repaid', 'written_off'] as const;
/** An export stops here; a bigger one is narrowed by its filters first. */
const EXPORT_MAX_ROWS = 50_000;

const dateText = z.string().refine((t) => parseDate(t).ok, { message: 'date_malformed' });

/** "active,written_off": one or more of the allowed values, comma-separated. */
const listOf = <T extends string>(allowed: readonly T[], code: string) =>
  z
    .string()
    .max(200)
    .transform((text) => text.split(',').filter((p) => p !== ''))
    .refine((parts) => parts.length > 0 && parts.every((p) => (allowed as readonly string[]).includes(p)), {
      message: code,
    })
    .transform((parts) => [...new Set(parts)] as T[]);

/** The filters of the list and of its export (every parameter validated here, at the edge). */
const filterQuery = z.object({
  status: listOf(STATUSES, 'status_unknown').optional().describe('One or more statuses, comma-separated.'),
  grade: z
    .string()
    .regex(/^[A-Z][A-Z0-9+-]{0,7}$/, { message: 'grade_malformed' })
    .optional(),
  product: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { message: 'product_malformed' })
    .optional(),
  vintage: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'vintage_malformed' })
    .optional()
    .describe('The origination month of the start date, YYYY-MM.'),
  bucket: listOf(DPD_BUCKETS, 'bucket_unknown')
    .optional()
    .describe(
      'Days-past-due buckets, comma-separated: current, M1 (1–30), M2 (31–60), M3 (61–90), M3+ (over 90).',
    ),
  minDpd: z.coerce
    .number({ message: 'min_dpd_malformed' })
    .int({ message: 'min_dpd_malformed' })
    .min(0, { message: 'min_dpd_malformed' })
    .max(100_000, { message: 'min_dpd_malformed' })
    .optional()
    .describe('At least this many days past due.'),
  advanced: z
    .enum(['true', 'false'], { message: 'advanced_malformed' })
    .optional()
    .describe('Loans the risk reserve has advanced on (or not).'),
  disbursedFrom: dateText.optional(),
  disbursedTo: dateText.optional(),
  listedFrom: dateText.optional(),
  listedTo: dateText.optional(),
});

type FilterQuery = z.infer<typeof filterQuery>;

function filterOf(q: FilterQuery): StaffLoanFilter {
  return {
    ...(q.status ? { status: q.status as LoanStatus[] } : {}),
    ...(q.grade ? { grade: q.grade } : {}),
    ...(q.product ? { productId: q.product } : {}),
    ...(q.vintage ? { vintage: q.vintage } : {}),
    ...(q.bucket ? { bucket: q.bucket as DpdBucket[] } : {}),
    ...(q.minDpd !== undefined ? { minDpd: q.minDpd } : {}),
    ...(q.advanced ? { advanced: q.advanced === 'true' } : {}),
    ...(q.disbursedFrom ? { disbursedFrom: q.disbursedFrom as PlainDate } : {}),
    ...(q.disbursedTo ? { disbursedTo: q.disbursedTo as PlainDate } : {}),
    ...(q.listedFrom ? { listedFrom: q.listedFrom as PlainDate } : {}),
    ...(q.listedTo ? { listedTo: q.listedTo as PlainDate } : {}),
  };
}

const staffLoanSchema = z
  .object({
    id: z.string(),
    product: z.string().describe('productId@version'),
    grade: z.string(),
    amount: moneyResponseSchema,
    annualRate: z.string(),
    term: z.number().int(),
    termUnit: z.enum(['month', 'day']),
    status: z.enum(STATUSES),
    listedAt: z.string(),
    startDate: z.string().nullable(),
    principalOutstanding: moneyResponseSchema
      .nullable()
      .describe("The ledger's principal receivable; null before disbursement."),
    dpd: z.number().int(),
    bucket: z.enum(DPD_BUCKETS),
    investors: z.number().int(),
    fillSeconds: z.number().int().nullable().describe('From listing to full; null while not full.'),
    advanced: z.boolean(),
    borrower: z.object({ id: z.string(), name: z.string().nullable().describe('Masked.') }),
  })
  .meta({ id: 'StaffLoan' });

const rowJson = (r: StaffLoanRow) => ({
  id: r.id,
  product: `${r.productId}@${r.productVersion}`,
  grade: r.grade,
  amount: money(r.amount),
  annualRate: r.annualRate,
  term: r.term,
  termUnit: r.termUnit,
  status: r.status,
  listedAt: r.listedAt.toISOString(),
  startDate: r.startDate,
  principalOutstanding: r.principalOutstanding === null ? null : money(r.principalOutstanding),
  dpd: r.dpd,
  bucket: r.bucket,
  investors: r.investors,
  fillSeconds: r.fillSeconds,
  advanced: r.advanced,
  borrower: r.borrower,
});

const CSV_HEADER = [
  'id',
  'product',
  'grade',
  'amount',
  'annual_rate',
  'term',
  'term_unit',
  'status',
  'listed_at',
  'start_date',
  'principal_outstanding',
  'dpd',
  'bucket',
  'investors',
  'fill_seconds',
  'advanced',
  'borrower_id',
  'borrower_name',
];

const csvRow = (r: StaffLoanRow) => [
  r.id,
  `${r.productId}@${r.productVersion}`,
  r.grade,
  yuan(r.amount),
  r.annualRate,
  r.term,
  r.termUnit,
  r.status,
  r.listedAt.toISOString(),
  r.startDate,
  r.principalOutstanding === null ? null : yuan(r.principalOutstanding),
  r.dpd,
  r.bucket,
  r.investors,
  r.fillSeconds,
  r.advanced,
  r.borrower.id,
  r.borrower.name,
];

/** Staff: the list of loans behind the console's figures, and its CSV. */
export function lendingStaffLoanRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { lending } = platform;
  return async (app) => {
    app.get(
      '/lending/staff/loans',
      {
        config: { auth: { permission: 'lending:read' } },
        schema: {
          tags: ['lending'],
          summary:
            'Loans for the staff console: filtered by status, grade, product, vintage, days-past-due bucket, advances and dates; newest first, a page after `after`; the total counted up to 10,000',
          querystring: filterQuery.extend({
            limit: z.coerce.number().int().min(1).max(200).default(50),
            after: z
              .uuid({ message: 'cursor_malformed' })
              .optional()
              .describe('The last id of the previous page.'),
          }),
          response: {
            200: z.object({
              items: z.array(staffLoanSchema),
              next: z.string().nullable(),
              total: z.number().int(),
              totalCapped: z.boolean().describe('More loans match than the total says.'),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { limit, after, ...q } = request.query;
        const page = await lending.staffLoans(filterOf(q), { limit, ...(after ? { after } : {}) });
        return { ...page, items: page.items.map(rowJson) };
      },
    );
    app.get(
      '/lending/staff/loans.csv',
      {
        config: { auth: { permission: 'lending:read' } },
        schema: {
          tags: ['lending'],
          summary: 'The staff list of loans as CSV, with the same filters (at most 50,000 rows)',
          querystring: filterQuery,
          response: { 200: z.string(), ...errors },
        },
      },
      async (request, reply) => {
        const rows = await lending.staffLoansExport(filterOf(request.query), EXPORT_MAX_ROWS);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="loans.csv"')
          .send(csvDocument([CSV_HEADER, ...rows.map(csvRow)]));
      },
    );
  };
}
