import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { uuidv7 } from '../../kernel/index.ts';
import { acceptanceHash, HASH_ALGORITHM } from './deal-records.ts';
import type { AcceptanceInput } from './model.ts';

/**
 * Several acceptances in one transaction (a batch of bids written together by lending's bid queue):
 * recorded exactly as one at a time would be (deal-records.ts recordAcceptance: the hash tied to the
 * approved governing template of the kind), with one read of the templates and one insert, so that
 * the bid path does not pay two round trips per bid.
 */
export async function recordAcceptances(trx: Executor, inputs: readonly AcceptanceInput[]): Promise<void> {
  if (inputs.length === 0) return;
  const kinds = [...new Set(inputs.map((i) => i.kind))];
  const templates = await sql<{ id: string; kind: string; version: number }>`
    select id, kind, version from contract_templates
    where kind = any(${kinds}::text[]) and language = 'zh' and status = 'approved'`.execute(trx);
  const current = new Map(templates.rows.map((t) => [t.kind, t]));
  const rows = inputs.map((input) => {
    const template = current.get(input.kind) ?? null;
    return {
      id: uuidv7(input.acceptedAt.getTime()),
      input,
      hash: acceptanceHash(input, template?.version ?? null),
      template,
    };
  });
  const column = <T>(pick: (row: (typeof rows)[number]) => T) => rows.map(pick);
  await sql`
    insert into contract_acceptances (id, kind, subject_type, subject_id, user_id, role, accepted_at, ip, user_agent,
      accepted_hash, hash_algorithm, template_id, template_kind, template_language, template_version)
    select id, kind, subject_type, subject_id, user_id, role, accepted_at, ip, user_agent, accepted_hash, ${HASH_ALGORITHM},
      template_id, case when template_id is null then null else kind end,
      case when template_id is null then null else 'zh' end, template_version
    from unnest(${column((r) => r.id)}::uuid[], ${column((r) => r.input.kind)}::text[],
      ${column((r) => r.input.subjectType)}::text[], ${column((r) => r.input.subjectId)}::text[],
      ${column((r) => r.input.userId)}::uuid[], ${column((r) => r.input.role)}::text[],
      ${column((r) => r.input.acceptedAt.toISOString())}::timestamptz[], ${column((r) => r.input.ip)}::text[],
      ${column((r) => r.input.userAgent)}::text[], ${column((r) => r.hash)}::text[],
      ${column((r) => r.template?.id ?? null)}::uuid[], ${column((r) => r.template?.version ?? null)}::int[])
      as t(id, kind, subject_type, subject_id, user_id, role, accepted_at, ip, user_agent, accepted_hash,
           template_id, template_version)`.execute(trx);
}
