import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { maskName, maskPhone } from '../../identity/index.ts';
import { notFound } from '../../kernel/index.ts';
import type { ComplianceDeps } from '../deps.ts';
import type { ContractDeviation, ContractKind, ContractLanguage, ContractParty } from './model.ts';

export const REVIEW_STATUSES = ['not_required', 'pending', 'accepted', 'remediate'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export interface ContractSummary {
  readonly id: string;
  readonly number: string;
  readonly kind: ContractKind;
  readonly subjectType: string;
  readonly subjectId: string;
  readonly signedAt: Date;
  readonly businessDate: string;
  readonly reviewStatus: ReviewStatus;
  readonly documents: readonly { language: ContractLanguage; sha256: string }[];
}

export interface ContractView extends ContractSummary {
  readonly terms: Record<string, unknown>;
  /** As digested: user ids, roles and principals (no personal data). */
  readonly parties: readonly ContractParty[];
  /** The parties' names and phones, masked. */
  readonly partyDetails: readonly {
    userId: string | null;
    role: string;
    name: string;
    phone: string | null;
  }[];
  readonly termsDigest: string;
  readonly digestAlgorithm: string;
  readonly dealDigest: { value: string; algorithm: string } | null;
  readonly deviations: readonly ContractDeviation[];
  readonly review: { note: string | null; by: string | null; at: Date | null };
  readonly documentDetails: readonly {
    language: ContractLanguage;
    sha256: string;
    size: number;
    renderedAt: Date;
  }[];
  readonly acceptances: readonly {
    userId: string;
    name: string;
    role: string;
    acceptedAt: Date;
    ip: string | null;
    acceptedHash: string;
    hashAlgorithm: string;
    templateVersion: number | null;
  }[];
}

interface SummaryRow {
  id: string;
  number: string;
  kind: ContractKind;
  subject_type: string;
  subject_id: string;
  signed_at: Date;
  business_date: string;
  review_status: ReviewStatus;
  documents: { language: ContractLanguage; sha256: string }[] | null;
}

const SUMMARY = sql`c.id, c.number, c.kind, c.subject_type, c.subject_id, c.signed_at, c.business_date::text, c.review_status,
  (select json_agg(json_build_object('language', d.language, 'sha256', d.sha256) order by d.language desc)
     from contract_documents d where d.contract_id = c.id) as documents`;

const toSummary = (r: SummaryRow): ContractSummary => ({
  id: r.id,
  number: r.number,
  kind: r.kind,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  signedAt: r.signed_at,
  businessDate: r.business_date,
  reviewStatus: r.review_status,
  documents: r.documents ?? [],
});

export interface ContractSearch {
  readonly userId?: string | undefined;
  readonly phone?: string | undefined;
  readonly subjectId?: string | undefined;
  readonly kind?: ContractKind | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly reviewStatus?: ReviewStatus | undefined;
  readonly limit: number;
  readonly offset: number;
}

/** Reads of contracts: a party's own, staff search, one contract in full, a document by its hash. */
export class ContractQueries {
  constructor(private readonly deps: ComplianceDeps) {}

  async isParty(contractId: string, userId: string): Promise<boolean> {
    const rows = await sql`
      select 1 from contract_parties where contract_id = ${contractId}::uuid and user_id = ${userId}::uuid limit 1`.execute(
      this.deps.db,
    );
    return rows.rows.length > 0;
  }

  /** The caller's contracts, newest first, with the role they hold in each. */
  async mine(userId: string, page: { limit: number; offset: number }) {
    const rows = await sql<SummaryRow & { roles: string[] }>`
      select ${SUMMARY}, array_agg(p.role order by p.role) as roles
      from contract_parties p join contracts c on c.id = p.contract_id
      where p.user_id = ${userId}::uuid
      group by c.id
      order by c.signed_at desc, c.id desc limit ${page.limit} offset ${page.offset}`.execute(this.deps.db);
    return rows.rows.map((r) => ({ ...toSummary(r), roles: r.roles }));
  }

  async search(filter: ContractSearch): Promise<ContractSummary[]> {
    let party = filter.userId ?? null;
    if (filter.phone !== undefined) {
      const byPhone = await this.deps.identity.users.userIdByPhone(filter.phone);
      if (byPhone === undefined || (party !== null && party !== byPhone)) return [];
      party = byPhone;
    }
    const rows = await sql<SummaryRow>`
      select ${SUMMARY} from contracts c
      where (${party}::uuid is null or exists (select 1 from contract_parties p where p.contract_id = c.id and p.user_id = ${party}::uuid))
        and (${filter.subjectId ?? null}::text is null or c.subject_id = ${filter.subjectId ?? null})
        and (${filter.kind ?? null}::text is null or c.kind = ${filter.kind ?? null})
        and (${filter.from ?? null}::date is null or c.business_date >= ${filter.from ?? null}::date)
        and (${filter.to ?? null}::date is null or c.business_date <= ${filter.to ?? null}::date)
        and (${filter.reviewStatus ?? null}::text is null or c.review_status = ${filter.reviewStatus ?? null})
      order by c.signed_at desc, c.id desc limit ${filter.limit} offset ${filter.offset}`.execute(
      this.deps.db,
    );
    return rows.rows.map(toSummary);
  }

  /** The legal review queue: pending first (oldest first), then the decided ones, latest first. */
  async reviews(filter: { status?: ReviewStatus | undefined; limit: number; offset: number }) {
    const rows = await sql<SummaryRow & { deviations: ContractDeviation[]; review_note: string | null }>`
      select ${SUMMARY}, c.deviations, c.review_note from contracts c
      where c.review_status <> 'not_required'
        and (${filter.status ?? null}::text is null or c.review_status = ${filter.status ?? null})
      order by (c.review_status = 'pending') desc,
        case when c.review_status = 'pending' then c.signed_at end asc, c.reviewed_at desc, c.id
      limit ${filter.limit} offset ${filter.offset}`.execute(this.deps.db);
    return rows.rows.map((r) => ({ ...toSummary(r), deviations: r.deviations, reviewNote: r.review_note }));
  }

  async view(
    contractId: string,
    options: { staff: boolean },
    db: Executor = this.deps.db,
  ): Promise<ContractView> {
    const rows = await sql<
      SummaryRow & {
        terms: Record<string, unknown>;
        parties: ContractParty[];
        terms_digest: string;
        digest_algorithm: string;
        deal_digest: string | null;
        deal_digest_algorithm: string | null;
        deviations: ContractDeviation[];
        review_note: string | null;
        reviewed_by: string | null;
        reviewed_at: Date | null;
      }
    >`
      select ${SUMMARY}, c.terms, c.parties, c.terms_digest, c.digest_algorithm, c.deal_digest, c.deal_digest_algorithm,
        c.deviations, c.review_note, c.reviewed_by, c.reviewed_at
      from contracts c where c.id = ${contractId}::uuid`.execute(db);
    const row = rows.rows[0];
    if (!row) throw notFound('contract_not_found', 'no such contract');
    const documents = await sql<{
      language: ContractLanguage;
      sha256: string;
      size: number;
      rendered_at: Date;
    }>`
      select language, sha256, size, rendered_at from contract_documents where contract_id = ${contractId}::uuid
      order by language desc`.execute(db);
    const acceptances = await sql<{
      user_id: string;
      role: string;
      accepted_at: Date;
      ip: string | null;
      accepted_hash: string;
      hash_algorithm: string;
      template_version: number | null;
    }>`
      select user_id, role, accepted_at, ip, accepted_hash, hash_algorithm, template_version from contract_acceptances
      where subject_type = ${row.subject_type} and subject_id = ${row.subject_id} order by accepted_at, id`.execute(
      db,
    );
    const userIds = [
      ...new Set([
        ...row.parties.flatMap((p) => (p.userId ? [p.userId] : [])),
        ...acceptances.rows.map((a) => a.user_id),
      ]),
    ];
    const reach = await this.deps.identity.reachOf(userIds, db);
    const name = (id: string | null) => (id ? maskName(reach.get(id)?.name || '—') : 'netfin');
    return {
      ...toSummary(row),
      terms: row.terms,
      parties: row.parties,
      partyDetails: row.parties.map((p) => ({
        userId: p.userId,
        role: p.role,
        name: name(p.userId),
        phone: p.userId && reach.get(p.userId) ? maskPhone(reach.get(p.userId)!.phone) : null,
      })),
      termsDigest: row.terms_digest,
      digestAlgorithm: row.digest_algorithm,
      dealDigest:
        row.deal_digest && row.deal_digest_algorithm
          ? { value: row.deal_digest, algorithm: row.deal_digest_algorithm }
          : null,
      deviations: row.deviations,
      review: { note: row.review_note, by: row.reviewed_by, at: row.reviewed_at },
      documentDetails: documents.rows.map((d) => ({
        language: d.language,
        sha256: d.sha256,
        size: d.size,
        renderedAt: d.rendered_at,
      })),
      acceptances: acceptances.rows.map((a) => ({
        userId: a.user_id,
        name: name(a.user_id),
        role: a.role,
        acceptedAt: a.accepted_at,
        // Another party's address is theirs: staff see it, the parties see their own only.
        ip: options.staff ? a.ip : null,
        acceptedHash: a.accepted_hash,
        hashAlgorithm: a.hash_algorithm,
        templateVersion: a.template_version,
      })),
    };
  }

  /** The stored document with this SHA-256, if any. */
  async byHash(sha256: string) {
    const rows = await sql<{
      contract_id: string;
      number: string;
      language: ContractLanguage;
      signed_at: Date;
      kind: ContractKind;
    }>`
      select d.contract_id, c.number, d.language, c.signed_at, c.kind
      from contract_documents d join contracts c on c.id = d.contract_id
      where d.sha256 = ${sha256} limit 1`.execute(this.deps.db);
    const r = rows.rows[0];
    return r
      ? {
          contractId: r.contract_id,
          number: r.number,
          language: r.language,
          signedAt: r.signed_at,
          kind: r.kind,
        }
      : null;
  }
}
