import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { canonicalSha256, type PlainDate, uuidv7 } from '../../kernel/index.ts';
import type { AcceptanceInput, ContractIssue, ContractKind } from './model.ts';

/** The one digest algorithm contracts and acceptances are hashed with: SHA-256 over RFC 8785 JSON. */
export const HASH_ALGORITHM = 'sha256-jcs';

const NUMBER_PREFIX: Record<ContractKind, string> = {
  loan: 'NF-LN',
  note_transfer: 'NF-NT',
  credit_line: 'NF-CL',
  wealth_product: 'NF-WP',
};

/**
 * JSON as it will be stored and read back: undefined members dropped, so that the digest computed
 * now is the digest anyone recomputes from the stored (or returned) contract.
 */
export function asStoredJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** SHA-256 over the canonical form of what a contract binds; recomputable from the contract's JSON. */
export function termsDigest(input: {
  kind: string;
  subjectId: string;
  terms: unknown;
  parties: unknown;
}): string {
  return canonicalSha256({
    kind: input.kind,
    subjectId: input.subjectId,
    terms: input.terms,
    parties: input.parties,
  });
}

/**
 * Records a concluded deal's contract in the deal's transaction: the contract row (with the approved
 * template of each language picked in the same statement) and its party index. Two statements when
 * the contract is new, two when it exists; no rendering, which happens after the commit.
 */
export async function recordIssue(
  trx: Executor,
  input: ContractIssue,
  now: Date,
): Promise<{ contractId: string }> {
  const id = uuidv7(now.getTime());
  const terms = asStoredJson(input.terms);
  const parties = asStoredJson(input.parties);
  const digest = termsDigest({ kind: input.kind, subjectId: input.subjectId, terms, parties });
  const number =
    input.number ??
    `${NUMBER_PREFIX[input.kind]}-${input.businessDate.replaceAll('-', '')}-${id.slice(-12).toUpperCase()}`;
  const deviations = asStoredJson(input.deviations ?? []);
  const template = (language: 'zh' | 'en') =>
    sql`(select id from contract_templates where kind = ${input.kind} and language = ${language} and status = 'approved')`;
  const inserted = await sql<{ id: string }>`
    insert into contracts (id, number, kind, subject_type, subject_id, terms, parties, terms_digest, digest_algorithm,
      deal_digest, deal_digest_algorithm, signed_at, business_date, template_zh_id, template_en_id, review_status,
      deviations, created_at)
    values (${id}::uuid, ${number}, ${input.kind}, ${input.subjectType}, ${input.subjectId},
      ${JSON.stringify(terms)}::jsonb, ${JSON.stringify(parties)}::jsonb, ${digest}, ${HASH_ALGORITHM},
      ${input.dealDigest?.value ?? null}, ${input.dealDigest?.algorithm ?? null}, ${input.signedAt},
      ${input.businessDate as PlainDate}::date, ${template('zh')}, ${template('en')},
      ${deviations.length > 0 ? 'pending' : 'not_required'}, ${JSON.stringify(deviations)}::jsonb, ${now})
    on conflict (subject_type, subject_id) do nothing
    returning id`.execute(trx);
  const contractId = inserted.rows[0]?.id;
  if (contractId === undefined) {
    // Issued before (a retried deal step): the contract stands as first recorded.
    const existing = await sql<{ id: string }>`
      select id from contracts where subject_type = ${input.subjectType} and subject_id = ${input.subjectId}`.execute(
      trx,
    );
    return { contractId: existing.rows[0]!.id };
  }
  const members = parties.filter((p) => p.userId !== null);
  if (members.length > 0)
    await sql`
      insert into contract_parties (contract_id, user_id, role)
      select ${contractId}::uuid, u, r from unnest(${members.map((p) => p.userId)}::uuid[], ${members.map((p) => p.role)}::text[]) as t(u, r)
      on conflict do nothing`.execute(trx);
  return { contractId };
}

/**
 * Records a party's acceptance: the hash of what it was shown, tied to the approved governing (zh)
 * template version of the kind at that moment. One read and one insert.
 */
export async function recordAcceptance(
  trx: Executor,
  input: AcceptanceInput,
): Promise<{ acceptedHash: string }> {
  const template = await sql<{ id: string; version: number }>`
    select id, version from contract_templates where kind = ${input.kind} and language = 'zh' and status = 'approved'`.execute(
    trx,
  );
  const current = template.rows[0] ?? null;
  const acceptedHash = acceptanceHash(input, current?.version ?? null);
  await sql`
    insert into contract_acceptances (id, kind, subject_type, subject_id, user_id, role, accepted_at, ip, user_agent,
      accepted_hash, hash_algorithm, template_id, template_kind, template_language, template_version)
    values (${uuidv7(input.acceptedAt.getTime())}::uuid, ${input.kind}, ${input.subjectType}, ${input.subjectId},
      ${input.userId}::uuid, ${input.role}, ${input.acceptedAt}, ${input.ip}, ${input.userAgent}, ${acceptedHash},
      ${HASH_ALGORITHM}, ${current?.id ?? null}, ${current ? input.kind : null}, ${current ? 'zh' : null},
      ${current?.version ?? null})`.execute(trx);
  return { acceptedHash };
}

/** What an acceptance's hash covers; anyone with the terms shown and the template version recomputes it. */
export function acceptanceHash(input: AcceptanceInput, templateVersion: number | null): string {
  return canonicalSha256({
    kind: input.kind,
    subjectType: input.subjectType,
    subjectId: input.subjectId,
    templateVersion,
    terms: asStoredJson(input.terms),
  });
}
