import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { type PlainDate, parseDate } from '../../kernel/index.ts';
import { errors } from './lending-schemas.ts';

const dateText = z.string().refine((t) => parseDate(t).ok, { message: 'date_malformed' });

const ledgerSchema = z
  .object({
    intact: z.boolean(),
    records: z
      .number()
      .describe('Sealed records (one per batch) checked and found good (before the break, if any).'),
    headPosition: z.number().optional(),
    headHash: z.string().optional(),
    pendingBlocks: z.number().optional().describe('Batches written but not sealed yet, checked too.'),
    transfers: z.number().optional().describe('Transfers checked against their batch’s digest.'),
    unchainedTransfers: z.number().optional().describe('Transfers written before the chain began.'),
    recordedHeads: z.number().optional().describe('Heads recorded at day-close, each found at its position.'),
    problem: z
      .enum([
        'record_altered',
        'record_missing',
        'link_broken',
        'head_mismatch',
        'transfer_altered',
        'transfer_missing',
        'transfer_inserted',
        'unchained_transfers_changed',
        'recorded_head_mismatch',
      ])
      .optional(),
    position: z
      .number()
      .nullable()
      .optional()
      .describe('The chain record that does not hold (null: a pending batch).'),
    block: z.string().nullable().optional().describe('Its timestamp block (the batch’s timestamp base).'),
    transferId: z
      .string()
      .nullable()
      .optional()
      .describe('The transfer that no longer matches, or was added.'),
    detail: z.string().optional(),
  })
  .meta({ id: 'LedgerChainReport' });

const verifySchema = z
  .object({
    intact: z
      .boolean()
      .describe('Both chains hold: the audit log’s (the fields below) and the ledger’s (`ledger`).'),
    auditIntact: z.boolean().describe('The audit log’s chain holds.'),
    ledger: ledgerSchema,
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
  ledgerPosition: z
    .string()
    .nullable()
    .describe('The ledger chain’s head (null for days closed before it had one).'),
  ledgerHash: z.string().nullable(),
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
            'Walk the audit log’s and the ledger transfers’ hash chains: intact (with their lengths and heads), or the first record that does not hold',
          response: { 200: verifySchema, ...errors },
        },
      },
      async () => {
        // The audit part keeps the fields it always had at the top level; `intact` covers both chains.
        const report = await compliance.verifyChains();
        return {
          ...report.audit,
          intact: report.intact,
          auditIntact: report.audit.intact,
          ledger: report.ledger,
        };
      },
    );
    app.get(
      '/compliance/audit-chain/heads',
      {
        config: { auth: { permission: 'audit:read' } },
        schema: {
          tags: ['compliance'],
          summary: 'The audit and ledger chains’ heads as recorded at each day-close, latest first',
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
            ledgerPosition: h.ledgerPosition === null ? null : h.ledgerPosition.toString(),
            ledgerHash: h.ledgerHash,
            recordedAt: h.recordedAt.toISOString(),
          })),
        };
      },
    );
  };
}
