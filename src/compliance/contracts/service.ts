import { sql } from 'kysely';
import type { BatchStep } from '../../batch/index.ts';
import { type Executor, inTransaction } from '../../db/index.ts';
import { type AuditContext, actorId, allows, type Principal } from '../../identity/index.ts';
import { conflict, notFound } from '../../kernel/index.ts';
import type { ComplianceDeps } from '../deps.ts';
import { renderPdf } from '../pdf.ts';
import { composeContract } from './compose.ts';
import { recordAcceptance, recordIssue } from './deal-records.ts';
import { Documents, sha256Hex } from './documents.ts';
import type { AcceptanceInput, ContractIssue, ContractLanguage } from './model.ts';
import { ContractQueries, type ContractSearch, type ReviewStatus } from './queries.ts';
import { sampleContract } from './sample-contract.ts';
import { Templates } from './templates.ts';
import { wireDeals } from './wiring.ts';

/** Contract templates, signed PDF contracts, acceptances and the legal review queue. */
export class Contracts {
  readonly templates: Templates;
  readonly documents: Documents;
  private readonly queries: ContractQueries;

  constructor(private readonly deps: ComplianceDeps) {
    this.templates = new Templates(deps);
    this.documents = new Documents(deps, this.templates);
    this.queries = new ContractQueries(deps);
    // Lending and credit tell compliance of their deals through hooks; see wiring.ts.
    wireDeals(deps, this);
  }

  /** Seeds the default templates (approved by 'system') where a kind and language has none. */
  seed(): Promise<void> {
    return this.templates.seed();
  }

  /** Records a concluded deal's contract in the deal's transaction (the PDF is rendered after commit). */
  async issue(trx: Executor, input: ContractIssue): Promise<{ contractId: string }> {
    return recordIssue(trx, input, this.deps.clock.now());
  }

  /** Records a party's acceptance in the transaction of the action that binds it. */
  async accept(trx: Executor, input: AcceptanceInput): Promise<void> {
    await recordAcceptance(trx, input);
  }

  /**
   * Renders contracts still without their documents (after their deals committed). The passes of
   * one process run one after another: two at once would pick the same contracts and render each
   * twice (the second copy is thrown away, but the work is done). Processes may still race; the
   * first document stored wins.
   */
  renderPending(limit = 50): Promise<number> {
    const pass = this.renderingPass.then(() => this.documents.renderPending(limit));
    this.renderingPass = pass.then(
      () => undefined,
      () => undefined,
    );
    return pass;
  }
  private renderingPass: Promise<void> = Promise.resolve();

  private backgroundPass: Promise<number> | null = null;

  /**
   * The server's background pass: renders a few pending contracts, and does nothing while the
   * previous pass of this process is still running (a timer may fire before a slow pass ends).
   */
  renderInBackground(limit = 20): Promise<number> {
    if (this.backgroundPass) return Promise.resolve(0);
    this.backgroundPass = this.renderPending(limit).finally(() => {
      this.backgroundPass = null;
    });
    return this.backgroundPass;
  }

  /** Throws contract_not_found unless the principal is a party or may read contracts. */
  private async access(contractId: string, principal: Principal): Promise<{ staff: boolean }> {
    if (allows(principal.roles, 'contracts:read')) {
      const exists = await sql`select 1 from contracts where id = ${contractId}::uuid`.execute(this.deps.db);
      if (exists.rows.length === 0) throw notFound('contract_not_found', 'no such contract');
      return { staff: true };
    }
    if (principal.userId && (await this.queries.isParty(contractId, principal.userId)))
      return { staff: false };
    throw notFound('contract_not_found', 'no such contract');
  }

  async get(contractId: string, principal: Principal) {
    const { staff } = await this.access(contractId, principal);
    return this.queries.view(contractId, { staff });
  }

  /** A contract's PDF for a party or staff; a staff read is audited, since the PDF holds personal data. */
  async pdf(contractId: string, language: ContractLanguage, context: AuditContext) {
    const { staff } = await this.access(contractId, context.principal);
    const bytes = await this.documents.bytes(contractId, language);
    if (!bytes)
      throw notFound('contract_document_not_found', 'the contract has no document in this language yet');
    const number = (
      await sql<{ number: string }>`select number from contracts where id = ${contractId}::uuid`.execute(
        this.deps.db,
      )
    ).rows[0]!.number;
    if (
      staff &&
      !(context.principal.userId && (await this.queries.isParty(contractId, context.principal.userId)))
    )
      await this.deps.identity.audit(context, {
        action: 'contracts.document_read',
        subjectType: 'contract',
        subjectId: contractId,
        details: { language, sha256: sha256Hex(bytes) },
      });
    return { bytes, number };
  }

  /** Whether a PDF (or its SHA-256) is a stored contract document; the contract id only to its parties and staff. */
  async verify(input: { bytes: Uint8Array } | { sha256: string }, principal: Principal) {
    const sha256 = 'bytes' in input ? sha256Hex(input.bytes) : input.sha256.toLowerCase();
    const found = await this.queries.byHash(sha256);
    if (!found) return { match: false as const, sha256 };
    const visible =
      allows(principal.roles, 'contracts:read') ||
      (principal.userId !== null && (await this.queries.isParty(found.contractId, principal.userId)));
    const { contractId, ...rest } = found;
    return { match: true as const, sha256, ...rest, ...(visible ? { contractId } : {}) };
  }

  /** The stored document with this SHA-256 (for operators: the command line), or null. */
  findDocument(sha256: string) {
    return this.queries.byHash(sha256.toLowerCase());
  }

  mine(userId: string, page: { limit: number; offset: number }) {
    return this.queries.mine(userId, page);
  }

  search(filter: ContractSearch) {
    return this.queries.search(filter);
  }

  reviews(filter: { status?: ReviewStatus | undefined; limit: number; offset: number }) {
    return this.queries.reviews(filter);
  }

  /** Legal's decision on a contract with deviations: accepted, or to be remediated; pending ones only. */
  async review(
    contractId: string,
    decision: { decision: 'accepted' | 'remediate'; note: string },
    context: AuditContext,
  ) {
    await inTransaction(this.deps.db, async (trx) => {
      const rows = await sql<{ review_status: ReviewStatus }>`
        select review_status from contracts where id = ${contractId}::uuid for update`.execute(trx);
      const row = rows.rows[0];
      if (!row) throw notFound('contract_not_found', 'no such contract');
      if (row.review_status !== 'pending')
        throw conflict('review_not_pending', `the contract's review is ${row.review_status}`);
      await sql`update contracts set review_status = ${decision.decision}, review_note = ${decision.note},
        reviewed_by = ${actorId(context.principal)}, reviewed_at = ${this.deps.clock.now()}
        where id = ${contractId}::uuid`.execute(trx);
      await this.deps.identity.audit(
        context,
        {
          action: 'contracts.reviewed',
          subjectType: 'contract',
          subjectId: contractId,
          before: { reviewStatus: row.review_status },
          after: { reviewStatus: decision.decision },
          details: { note: decision.note },
        },
        trx,
      );
    });
    return this.queries.view(contractId, { staff: true });
  }

  /** A template rendered with sample data, so that legal sees it before approving it. */
  async preview(templateId: string): Promise<Uint8Array> {
    const template = await this.templates.get(templateId);
    const { contract, data } = sampleContract(template.kind, template.updatedAt);
    return renderPdf(composeContract(contract, data, template.language, template));
  }

  /**
   * Day-close renders whatever the background loop has not (a process that was down, a template
   * missing at the time). Idempotent: rendered contracts are skipped and a document is stored once.
   */
  daySteps(): BatchStep[] {
    return [
      {
        name: 'compliance.contract-render',
        owner: 'compliance',
        position: 905,
        description: 'Render the PDF documents of contracts signed without them yet',
        transactional: false,
        // Most days the background loop has rendered everything: then the step is done as it is planned.
        plan: async (db) => ((await this.documents.hasPending(db)) ? [{}] : []),
        run: async () => {
          let total = 0;
          for (;;) {
            const stored = await this.renderPending(100);
            total += stored;
            if (stored === 0) return total;
          }
        },
      },
    ];
  }
}
