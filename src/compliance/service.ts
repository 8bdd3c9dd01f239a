import { sql } from 'kysely';
import type { BatchStep } from '../batch/index.ts';
import { type AuditChainProblem, type AuditChainReport, GENESIS_HASH } from '../identity/index.ts';
import type { PlainDate } from '../kernel/index.ts';
import type { LedgerChainProblem, LedgerChainReport } from '../ledger/index.ts';
import { Aml } from './aml/service.ts';
import { Contracts } from './contracts/service.ts';
import type { ComplianceDeps } from './deps.ts';
import { Privacy } from './privacy/service.ts';
import { Screening } from './screening/service.ts';

export type ComplianceOptions = ComplianceDeps;

/** The audit chain as verify found it: the chain's own checks, then the heads recorded at day-close. */
export type AuditTrailReport =
  | (Extract<AuditChainReport, { intact: true }> & { readonly recordedHeads: number })
  | (Omit<Extract<AuditChainReport, { intact: false }>, 'problem'> & { readonly problem: AuditTrailProblem });
export type AuditTrailProblem = AuditChainProblem | 'recorded_head_mismatch';

/** The ledger's chain as verify found it: the chain's own checks, then the heads recorded at day-close. */
export type LedgerTrailReport =
  | (Extract<LedgerChainReport, { intact: true }> & { readonly recordedHeads: number })
  | (Omit<Extract<LedgerChainReport, { intact: false }>, 'problem'> & {
      readonly problem: LedgerTrailProblem;
    });
export type LedgerTrailProblem = LedgerChainProblem | 'recorded_head_mismatch';

/** Both chains: intact only when each of them is. */
export interface ChainsReport {
  readonly intact: boolean;
  readonly audit: AuditTrailReport;
  readonly ledger: LedgerTrailReport;
}

/** The chains' heads as a business day closed (the ledger's is null for days closed before it had one). */
export interface RecordedChainHead {
  readonly businessDate: PlainDate;
  readonly position: bigint;
  readonly hash: string;
  readonly ledgerPosition: bigint | null;
  readonly ledgerHash: string | null;
  readonly recordedAt: Date;
}

/**
 * The compliance context's public face: among others, verification of the audit log's hash chain
 * (written by identity, which owns the audit log) and of the ledger transfers' (written and walked
 * by the ledger, which owns them), and the chain heads recorded at each day-close.
 */
export class Compliance {
  readonly contracts: Contracts;
  readonly aml: Aml;
  readonly screening: Screening;
  readonly privacy: Privacy;

  constructor(private readonly options: ComplianceOptions) {
    this.contracts = new Contracts(options);
    this.aml = new Aml(options);
    this.screening = new Screening(options);
    this.privacy = new Privacy(options);
    // A watch-list match an officer confirms reaches anti-money-laundering as an alert in the
    // customer's case, where it can be reported under dual control like any other.
    this.screening.onConfirmed((trx, match, reason) =>
      this.aml.alertFromWatchList(trx, {
        matchId: match.id,
        customerId: match.userId,
        score: match.score,
        list: match.list.name,
        entryName: match.entry.name,
        reason,
      }),
    );
  }

  /**
   * Walks the audit chain and names the first record whose hash does not hold; then checks that the
   * heads recorded at each day-close are still the hashes at their positions. The walk alone cannot
   * see a chain rewritten consistently from some record on (every hash recomputed, the head moved):
   * the recorded heads can, for every day closed before the rewritten record.
   */
  async verifyAuditChain(): Promise<AuditTrailReport> {
    const report = await this.options.identity.verifyAuditChain();
    if (!report.intact) return report;
    const heads = await sql<{ business_date: string; chain_position: bigint; hash: string }>`
      select business_date::text, chain_position, hash from compliance_chain_heads order by business_date`.execute(
      this.options.db,
    );
    const hashes = await this.options.identity.auditHashesAt(heads.rows.map((h) => h.chain_position));
    hashes.set(0n, GENESIS_HASH);
    let holding = 0n;
    for (const head of heads.rows) {
      if (hashes.get(head.chain_position) === head.hash) {
        holding = head.chain_position;
        continue;
      }
      return {
        intact: false,
        records: Number(holding),
        problem: 'recorded_head_mismatch',
        position: Number(head.chain_position),
        recordId: null,
        detail:
          `the head recorded at the close of ${head.business_date} is not the hash at position ${head.chain_position}: ` +
          `the chain was rewritten after position ${holding} and at or before ${head.chain_position}`,
      };
    }
    return { ...report, recordedHeads: heads.rows.length };
  }

  /**
   * Verifies both chains: the audit log's (above) and the ledger transfers' (sealed first, then
   * walked by the ledger, which owns them), each with the heads recorded at day-close.
   */
  async verifyChains(): Promise<ChainsReport> {
    const audit = await this.verifyAuditChain();
    const ledger = await this.verifyLedgerChain();
    return { intact: audit.intact && ledger.intact, audit, ledger };
  }

  /** The ledger's chain, then its heads recorded at each day-close still at their positions. */
  async verifyLedgerChain(): Promise<LedgerTrailReport> {
    const report = await this.options.ledger.verifyChain();
    if (!report.intact) return report;
    const heads = await sql<{ business_date: string; ledger_position: bigint; ledger_hash: string }>`
      select business_date::text, ledger_position, ledger_hash from compliance_chain_heads
      where ledger_position is not null order by business_date`.execute(this.options.db);
    const hashes = await this.options.ledger.chainHashesAt(heads.rows.map((h) => h.ledger_position));
    hashes.set(0n, GENESIS_HASH);
    let holding = 0n;
    for (const head of heads.rows) {
      if (hashes.get(head.ledger_position) === head.ledger_hash) {
        holding = head.ledger_position;
        continue;
      }
      return {
        intact: false,
        records: Number(holding),
        problem: 'recorded_head_mismatch',
        position: Number(head.ledger_position),
        block: null,
        transferId: null,
        detail:
          `the ledger head recorded at the close of ${head.business_date} is not the hash at position ${head.ledger_position}: ` +
          `the chain was rewritten after position ${holding} and at or before ${head.ledger_position}`,
      };
    }
    return { ...report, recordedHeads: heads.rows.length };
  }

  /** The heads recorded by day-close, latest first. */
  async chainHeads(filter: { before?: PlainDate | undefined; limit: number }): Promise<RecordedChainHead[]> {
    const rows = await sql<{
      business_date: string;
      chain_position: bigint;
      hash: string;
      ledger_position: bigint | null;
      ledger_hash: string | null;
      recorded_at: Date;
    }>`
      select business_date::text, chain_position, hash, ledger_position, ledger_hash, recorded_at from compliance_chain_heads
      where ${filter.before === undefined ? sql`true` : sql`business_date < ${filter.before}::date`}
      order by business_date desc limit ${filter.limit}`.execute(this.options.db);
    return rows.rows.map((r) => ({
      businessDate: r.business_date as PlainDate,
      position: r.chain_position,
      hash: r.hash,
      ledgerPosition: r.ledger_position,
      ledgerHash: r.ledger_hash,
      recordedAt: r.recorded_at,
    }));
  }

  /**
   * Day-close records the chain's head late in the close, after the steps whose work is audited, so
   * that the day's head covers them. A head kept outside the database (or published) lets a later
   * verify tell a chain rewritten wholesale from the one that was.
   */
  daySteps(): BatchStep[] {
    return [
      ...this.contracts.daySteps(),
      ...this.aml.daySteps(),
      ...this.screening.daySteps(),
      ...this.privacy.daySteps(),
      {
        name: 'compliance.audit-chain-head',
        owner: 'compliance',
        position: 950,
        description: "Record the audit and ledger chains' heads for the day",
        run: async (trx, date) => {
          const head = await this.options.identity.auditChainHead(trx);
          // The ledger sealed the day's batches at position 940, just before.
          const ledgerHead = await this.options.ledger.chainHead({ tx: trx });
          const written = await sql`
            insert into compliance_chain_heads (business_date, chain_position, hash, ledger_position, ledger_hash, recorded_at)
            values (${date}::date, ${head.position}, ${head.hash}, ${ledgerHead.position}, ${ledgerHead.hash},
                    ${this.options.clock.now()})
            on conflict (business_date) do nothing`.execute(trx);
          return Number(written.numAffectedRows ?? 0n);
        },
      },
    ];
  }
}
