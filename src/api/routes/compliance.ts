import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { type PlainDate, parseDate } from '../../kernel/index.ts';
import { errors } from './lending-schemas.ts';

const dateText = z.string().refine((t) => parseDate(t).ok, { message: 'date_malformed' });

const verifySchema = z
  .object({
    intact: z.boolean(),
    records: z.number().describe('Records checked and found good (before the break, if there is one).'),
    headPosition: z.number().optional(),
    headHash: z.string().optional(),
    unchainedRecords: z.number().optional().describe('Records written before the chain began.'),
    recordedHeads: z.number().optional().describe('Heads recorded at day-close, each found at its position.'),
    problem: z
      .enum([
        'record_altered',
        'record_missing',
        'link_broken',
        'head_mismatch',
        'unchained_records_changed',
        'recorded_head_mismatch',
      ])
      .optional(),
    position: z.number().optional().describe('Where the chain breaks.'),
    recordId: z.string().nullable().optional(),
    detail: z.string().optional(),
  })
  .meta({ id: 'AuditChainReport' });

const headSchema = z.object({
  businessDate: z.string(),
  position: z.string(),
  hash: z.string(),
  recordedAt: z.string(),
});

/** Staff: the tamper-evident audit trail. */
export function complianceRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { compliance } = platform;
  return async (app) => {
    app.get(
      '/compliance/audit-chain/verify',
      {
        config: { auth: { permission: 'audit:read' } },
        schema: {
          tags: ['compliance'],
          summary:
            'Walk the audit log’s hash chain: intact (with its length and head), or the first record that does not hold',
          response: { 200: verifySchema, ...errors },
        },
      },
      async () => compliance.verifyAuditChain(),
    );
    app.get(
      '/compliance/audit-chain/heads',
      {
        config: { auth: { permission: 'audit:read' } },
        schema: {
          tags: ['compliance'],
          summary: 'The audit chain’s head as recorded at each day-close, latest first',
          querystring: z.object({
            before: dateText.optional(),
            limit: z.coerce.number().int().min(1).max(366).default(30),
          }),
          response: { 200: z.object({ items: z.array(headSchema) }), ...errors },
        },
      },
      async (request) => {
        const heads = await compliance.chainHeads({
          before: request.query.before as PlainDate | undefined,
          limit: request.query.limit,
        });
        return {
          items: heads.map((h) => ({
            businessDate: h.businessDate,
            position: h.position.toString(),
            hash: h.hash,
            recordedAt: h.recordedAt.toISOString(),
          })),
        };
      },
    );
  };
}
