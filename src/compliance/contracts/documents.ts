import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { maskName } from '../../identity/index.ts';
import { assert } from '../../kernel/index.ts';
import type { ComplianceDeps } from '../deps.ts';
import { renderPdf } from '../pdf.ts';
import { composeContract, type TemplateText } from './compose.ts';
import type { ContractRecord, PartyData } from './contract-data.ts';
import { CONTRACT_LANGUAGES, type ContractLanguage, type ContractParty } from './model.ts';
import type { Templates } from './templates.ts';

export interface StoredDocument {
  readonly contractId: string;
  readonly language: ContractLanguage;
  readonly templateId: string | null;
  readonly sha256: string;
  readonly size: number;
  readonly renderedAt: Date;
}

interface ContractRow {
  id: string;
  number: string;
  kind: ContractRecord['kind'];
  subject_type: string;
  subject_id: string;
  terms: Record<string, unknown>;
  parties: ContractParty[];
  terms_digest: string;
  digest_algorithm: string;
  signed_at: Date;
  business_date: string;
  template_zh_id: string | null;
  template_en_id: string | null;
  party_data_sealed: string | null;
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Rendering after the commit: each contract without its documents gets a PDF per language, from the
 * template version it was issued with and the party data sealed at its first render. Renderers may
 * race (the background loop of several processes, day-close, a download): the first document
 * stored wins (`on conflict do nothing`) and every renderer reads back what is stored.
 */
/** Failed renders after which the background renderer passes a contract by (a download still renders it). */
const MAX_RENDER_FAILURES = 5;

export class Documents {
  /** The texts of the template versions contracts were issued from, by id: approved, so immutable. */
  private readonly issuedTexts = new Map<string, TemplateText>();

  constructor(
    private readonly deps: ComplianceDeps,
    private readonly templates: Templates,
  ) {}

  /** Whether some contract lacks its documents and may still be rendered. */
  async hasPending(db: Executor): Promise<boolean> {
    const pending = await sql`
      select 1 from contracts where documents_rendered_at is null and render_failures < ${MAX_RENDER_FAILURES} limit 1`.execute(
      db,
    );
    return pending.rows.length > 0;
  }

  /** Renders up to `limit` contracts that lack a document; returns how many documents it stored. */
  async renderPending(limit: number): Promise<number> {
    const pending = await sql<{ id: string }>`
      select id from contracts where documents_rendered_at is null and render_failures < ${MAX_RENDER_FAILURES}
      order by render_failures, signed_at, id limit ${limit}`.execute(this.deps.db);
    let stored = 0;
    for (const { id } of pending.rows) {
      try {
        const rendered = await this.renderContract(id);
        stored += rendered.stored;
        if (rendered.documents.length < CONTRACT_LANGUAGES.length)
          await this.renderFailed(id, 'no approved template for a language of the contract');
      } catch (error) {
        await this.renderFailed(id, error instanceof Error ? error.message : String(error));
      }
    }
    return stored;
  }

  private async renderFailed(contractId: string, error: string): Promise<void> {
    await sql`update contracts set render_failures = render_failures + 1, render_error = ${error.slice(0, 500)}
      where id = ${contractId}::uuid`.execute(this.deps.db);
  }

  /** Renders and stores whatever documents the contract lacks; returns the stored ones. */
  async renderContract(contractId: string): Promise<{ stored: number; documents: StoredDocument[] }> {
    const contract = await this.contract(contractId);
    if (!contract) return { stored: 0, documents: [] };
    const existing = await this.documents(contractId);
    const missing = CONTRACT_LANGUAGES.filter((l) => !existing.some((d) => d.language === l));
    if (missing.length === 0) {
      await sql`update contracts set documents_rendered_at = ${this.deps.clock.now()}
        where id = ${contractId}::uuid and documents_rendered_at is null`.execute(this.deps.db);
      return { stored: 0, documents: existing };
    }
    const data = await this.partyData(contract);
    let stored = 0;
    for (const language of missing) {
      const template = await this.templateFor(contract, language);
      if (!template) continue; // no approved template of this kind and language: rendered once there is one
      const bytes = await renderPdf(composeContract(record(contract), data, language, template));
      const written = await sql`
        insert into contract_documents (contract_id, language, template_id, sha256, bytes_sealed, size, rendered_at)
        values (${contractId}::uuid, ${language}, ${template.id}::uuid, ${sha256Hex(bytes)},
          ${this.deps.identity.vault.encrypt(Buffer.from(bytes).toString('base64'))}, ${bytes.length}, ${this.deps.clock.now()})
        on conflict (contract_id, language) do nothing`.execute(this.deps.db);
      stored += Number(written.numAffectedRows ?? 0n);
    }
    const documents = await this.documents(contractId);
    if (documents.length === CONTRACT_LANGUAGES.length)
      await sql`update contracts set documents_rendered_at = ${this.deps.clock.now()}
        where id = ${contractId}::uuid and documents_rendered_at is null`.execute(this.deps.db);
    return { stored, documents };
  }

  /**
   * Renders the contract again from its stored data and template, without storing anything: the
   * bytes must equal the stored document's (a check that rendering is reproducible).
   */
  async rerender(contractId: string, language: ContractLanguage): Promise<Uint8Array | null> {
    const contract = await this.contract(contractId);
    const document = (await this.documents(contractId)).find((d) => d.language === language);
    if (!contract || !document?.templateId || contract.party_data_sealed === null) return null;
    const template = await this.templates.get(document.templateId);
    return renderPdf(
      composeContract(record(contract), this.unseal(contract.party_data_sealed), language, template),
    );
  }

  async documents(contractId: string, db: Executor = this.deps.db): Promise<StoredDocument[]> {
    const rows = await sql<{
      language: ContractLanguage;
      template_id: string | null;
      sha256: string;
      size: number;
      rendered_at: Date;
    }>`
      select language, template_id, sha256, size, rendered_at from contract_documents
      where contract_id = ${contractId}::uuid order by language desc`.execute(db);
    return rows.rows.map((r) => ({
      contractId,
      language: r.language,
      templateId: r.template_id,
      sha256: r.sha256,
      size: r.size,
      renderedAt: r.rendered_at,
    }));
  }

  /** A stored PDF's bytes (rendered first if it is not yet), checked against its recorded hash. */
  async bytes(contractId: string, language: ContractLanguage): Promise<Uint8Array | null> {
    const read = () =>
      sql<{ bytes_sealed: string; sha256: string }>`
      select bytes_sealed, sha256 from contract_documents where contract_id = ${contractId}::uuid and language = ${language}`.execute(
        this.deps.db,
      );
    let rows = await read();
    if (!rows.rows[0]) {
      await this.renderContract(contractId);
      rows = await read();
    }
    const row = rows.rows[0];
    if (!row) return null;
    const bytes = new Uint8Array(Buffer.from(this.deps.identity.vault.decrypt(row.bytes_sealed), 'base64'));
    assert(sha256Hex(bytes) === row.sha256, 'a stored contract document no longer matches its hash');
    return bytes;
  }

  private async contract(contractId: string): Promise<ContractRow | undefined> {
    const rows = await sql<ContractRow>`
      select id, number, kind, subject_type, subject_id, terms, parties, terms_digest, digest_algorithm, signed_at,
        business_date::text, template_zh_id, template_en_id, party_data_sealed
      from contracts where id = ${contractId}::uuid`.execute(this.deps.db);
    return rows.rows[0];
  }

  private async templateFor(contract: ContractRow, language: ContractLanguage): Promise<TemplateText | null> {
    const id = language === 'zh' ? contract.template_zh_id : contract.template_en_id;
    if (id) {
      const known = this.issuedTexts.get(id);
      if (known) return known;
      const template = await this.templates.get(id);
      // A contract is issued from an approved version, whose text never changes again.
      if (template.status !== 'draft') this.issuedTexts.set(id, template);
      return template;
    }
    // Issued while no version was approved: the one approved now is the one it is rendered from,
    // and the document records it.
    return this.templates.approved(contract.kind, language);
  }

  /**
   * The parties' names, ID numbers and phones and the acceptances, sealed on the contract at its
   * first render; a concurrent renderer that sealed first wins, and both use its copy.
   */
  private async partyData(contract: ContractRow): Promise<PartyData> {
    if (contract.party_data_sealed !== null) return this.unseal(contract.party_data_sealed);
    const users = [...new Set(contract.parties.flatMap((p) => (p.userId ? [p.userId] : [])))];
    const reach = await this.deps.identity.reachOf(users);
    const people: Record<string, { name: string; idNumber: string; phone: string }> = {};
    for (const userId of users) {
      const facts = await this.deps.identity.kyc.applicantFacts(userId).catch(() => null);
      const contact = reach.get(userId);
      people[userId] = {
        name: facts?.verified?.realName ?? contact?.name ?? '—',
        idNumber: facts?.verified?.idNumber ?? '—',
        phone: facts?.verified?.phone ?? contact?.phone ?? '—',
      };
    }
    const accepted = await sql<{
      user_id: string;
      role: string;
      accepted_at: Date;
      ip: string | null;
      accepted_hash: string;
      template_version: number | null;
    }>`
      select user_id, role, accepted_at, ip, accepted_hash, template_version from contract_acceptances
      where subject_type = ${contract.subject_type} and subject_id = ${contract.subject_id} and accepted_at <= ${contract.signed_at}
      order by accepted_at, id`.execute(this.deps.db);
    const data: PartyData = {
      people,
      acceptances: accepted.rows.map((a) => ({
        role: a.role,
        name: maskName(people[a.user_id]?.name ?? reach.get(a.user_id)?.name ?? '—'),
        acceptedAt: `${a.accepted_at.toISOString().slice(0, 19).replace('T', ' ')} UTC`,
        ip: a.ip ?? '—',
        hash: a.accepted_hash,
        templateVersion: a.template_version === null ? '—' : `v${a.template_version}`,
      })),
    };
    await sql`update contracts set party_data_sealed = ${this.deps.identity.vault.encrypt(JSON.stringify(data))}
      where id = ${contract.id}::uuid and party_data_sealed is null`.execute(this.deps.db);
    const sealed = await sql<{ party_data_sealed: string }>`
      select party_data_sealed from contracts where id = ${contract.id}::uuid`.execute(this.deps.db);
    return this.unseal(sealed.rows[0]!.party_data_sealed);
  }

  private unseal(sealed: string): PartyData {
    return JSON.parse(this.deps.identity.vault.decrypt(sealed)) as PartyData;
  }
}

function record(row: ContractRow): ContractRecord {
  return {
    id: row.id,
    number: row.number,
    kind: row.kind,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    terms: row.terms,
    parties: row.parties,
    termsDigest: row.terms_digest,
    digestAlgorithm: row.digest_algorithm,
    signedAt: row.signed_at,
    businessDate: row.business_date,
  };
}
